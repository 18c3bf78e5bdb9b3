"""Run the coverage rules (覆盖检查) over a store: :func:`run_coverage` and its :class:`CoverageResult`.

The rules of every family are registered in :data:`RULES`, one per id of the policy
(:data:`queries.policy.RULE_PARAMS`). A run takes the index of the day (built once per store
revision and day), the scope's subtree (an area code at any level: district 区, street 街道,
community 社区, grid 网格, compound 小区 …), runs each selected and enabled rule once, sorts the
findings and summarises them per street and community.

>>> sorted(RULES) == sorted(RULE_PARAMS)
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from orggraph.errors import ConfigurationError, NotFoundError
from orggraph.memory import collector_paused
from orggraph.model.kinds import AREA_KINDS
from orggraph.store import GraphStore
from orggraph.timeline import is_live
from queries.coverage import areas, contacts, grids, liaison, orgs, projects, property, registration
from queries.coverage.base import RuleFunc, Subtree
from queries.coverage.findings import Finding, sort_findings
from queries.coverage.summary import CoverageSummary, summarise
from queries.cypher.graph import is_cypher
from queries.index import GraphIndex, index_for
from queries.policy import RULE_PARAMS, Policy, Rule, load_policy

_FAMILIES: dict[str, RuleFunc] = {
    **areas.RULES,
    **grids.RULES,
    **contacts.RULES,
    **liaison.RULES,
    **registration.RULES,
    **projects.RULES,
    **property.RULES,
    **orgs.RULES,
}

#: Every coverage rule by id, in the order of the policy's rule list.
RULES: dict[str, RuleFunc] = {rule_id: _FAMILIES[rule_id] for rule_id in RULE_PARAMS}

_AREA_KINDS = frozenset(kind.value for kind in AREA_KINDS)


@dataclass(frozen=True)
class CoverageResult:
    """What a coverage run found (覆盖检查结果).

    Attributes
    ----------
    findings
        The findings, sorted (severity, street, community, rule, code).
    summary
        Counts per rule and the headline ratios, per street, per community and in total.
    as_of
        The day the graph was read as of (ISO date).
    scope
        The area code the run was limited to, or ``None`` for the whole store.
    timings
        Seconds spent per rule (for benchmarks; not part of :meth:`to_dict`).
    """

    findings: list[Finding]
    summary: CoverageSummary
    as_of: str
    scope: str | None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "scope", "findings": [...], "summary": {...}}``, JSON-ready."""
        return {
            "as_of": self.as_of,
            "scope": self.scope,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary.to_dict(),
        }


def select_rules(policy: Policy, rules: Sequence[str] | None) -> list[Rule]:
    """The enabled policy rules to run: all, or those named (an unknown id is a configuration error)."""
    if rules is not None:
        unknown = [r for r in rules if r not in RULE_PARAMS]
        if unknown:
            raise ConfigurationError(
                f"unknown coverage rule(s) {unknown}; known: {', '.join(RULE_PARAMS)}",
                message_zh=f"未知的覆盖规则 {unknown}；可选：{'、'.join(RULE_PARAMS)}",
                rules=unknown,
            )
    wanted = set(RULE_PARAMS if rules is None else rules)
    return [policy.rule(rule_id) for rule_id in RULE_PARAMS if rule_id in wanted and policy.rule(rule_id).enabled]


def scope_area(ix: GraphIndex, scope: str | None) -> str | None:
    """The node id of the area whose code is ``scope`` (``area:`` prefix optional), live on the day."""
    if scope is None:
        return None
    node = scope if scope.startswith("area:") else f"area:{scope}"
    attrs = ix.graph._node.get(node)
    if attrs is None or attrs.get("kind") not in _AREA_KINDS or not is_live(attrs, ix.day):
        raise NotFoundError(
            f"no area with code {scope!r} as of {ix.day}",
            message_zh=f"{ix.day} 不存在编码为 {scope!r} 的区域",
            scope=scope,
        )
    return node


def find_gaps(
    ix: GraphIndex, rules: Sequence[Rule], areas_: set[str] | None, timings: dict[str, float] | None = None
) -> list[Finding]:
    """Run ``rules`` over the index within ``areas_`` and return their findings, sorted.

    Parameters
    ----------
    ix
        The index of the day.
    rules
        The policy rules to run (their functions are looked up in :data:`RULES`).
    areas_
        The scope's node ids (ideally a :class:`~queries.coverage.base.Subtree`), or ``None``.
    timings
        When given, filled with the seconds each rule took.
    """
    with collector_paused():
        return run_rules(rules, lambda rule: RULES[rule.id](ix, rule, areas_), timings)


def run_rules(
    rules: Sequence[Rule], run: Callable[[Rule], Iterable[Finding]], timings: dict[str, float] | None = None
) -> list[Finding]:
    """The findings of ``run(rule)`` for each rule, sorted; ``timings`` (when given) gets the seconds
    each rule took. Both engines' rules are run this way."""
    found: list[Finding] = []
    for rule in rules:
        started = time.perf_counter()
        found.extend(run(rule))
        if timings is not None:
            timings[rule.id] = time.perf_counter() - started
    return sort_findings(found)


def run_coverage(
    store: GraphStore,
    *,
    scope: str | None = None,
    rules: Sequence[str] | None = None,
    as_of: str | None = None,
    policy: Policy | None = None,
) -> CoverageResult:
    """Find the coverage gaps of ``store`` as of a day, with who must close each.

    On a store on a Bolt server every rule and ratio runs in Cypher there
    (:func:`queries.cypher.coverage.run_coverage_cypher`), with the same answer.

    Parameters
    ----------
    store
        The graph store to read.
    scope
        An area code at any level; only it and what lies below it are checked. ``None``: everything.
    rules
        The rule ids to run (a subset of the policy's); ``None``: all. Disabled rules are skipped.
    as_of
        The day (ISO date); today when ``None``.
    policy
        The norms; the shipped defaults (:func:`~queries.policy.load_policy`) when ``None``.

    Returns
    -------
    CoverageResult
        The sorted findings and their summary.

    Raises
    ------
    NotFoundError
        When ``scope`` names no area live on the day.
    ConfigurationError
        When ``rules`` names an unknown rule, or a rule's parameters are unusable.
    """
    if is_cypher(store):  # the store is on a Bolt server: the Cypher implementation answers
        from queries.cypher.coverage import run_coverage_cypher

        return run_coverage_cypher(store, scope=scope, rules=rules, as_of=as_of, policy=policy)
    policy = policy if policy is not None else load_policy(None)
    selected = select_rules(policy, rules)
    ix = index_for(store, as_of=as_of)
    root = scope_area(ix, scope)
    subtree = Subtree(ix, root) if root is not None else None
    timings: dict[str, float] = {}
    findings = find_gaps(ix, selected, subtree, timings)
    started = time.perf_counter()
    summary = summarise(ix, findings, policy, subtree, [r.id for r in selected])
    timings["summary"] = time.perf_counter() - started
    return CoverageResult(findings, summary, ix.day, None if root is None else root.split(":", 1)[1], timings)
