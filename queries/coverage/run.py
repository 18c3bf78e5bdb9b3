"""Run the coverage rules (覆盖检查) over a view: :func:`run_coverage` and its :class:`CoverageResult`.

The rules are the policy's declarations (:mod:`queries.policy.rules`), run one by one over a
:class:`~orggraph.store.view.DayView` (:func:`~queries.coverage.checks.run_check`); the scope is an area
code at any level (district 区, street 街道, community 社区, grid 网格, compound 小区 …) and holds its
subtree. The findings are sorted and summarised per street and community, with the policy's ratios.

>>> from queries.policy import load_policy
>>> [r.id for r in select_rules(load_policy(None), None)][:2]
['compound-without-branch', 'building-without-group']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from orggraph.errors import ConfigurationError, NotFoundError
from orggraph.memory import collector_paused
from orggraph.model.kinds import AREA_KINDS, NodeKind
from orggraph.store.view import DayView, Subtree
from queries.coverage.checks import Tally, run_check
from queries.coverage.findings import Finding, sort_findings
from queries.coverage.summary import AreaSummary, CoverageSummary, summarise
from queries.policy import Policy, Rule, checks_of, load_policy

_AREA_KINDS = frozenset(kind.value for kind in AREA_KINDS)
#: The kinds of scope (``None``: no scope) that hold whole streets, and whole communities.
_HOLDS_STREETS = frozenset({None, NodeKind.DISTRICT.value})
_HOLDS_COMMUNITIES = frozenset({*_HOLDS_STREETS, NodeKind.STREET.value})


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
    scope_name, scope_kind
        The scope's name and kind (``district``, ``street``, ``community``, ``grid`` …); ``None``
        without a scope.
    """

    findings: list[Finding]
    summary: CoverageSummary
    as_of: str
    scope: str | None
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    scope_name: str | None = None
    scope_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "scope", "scope_name", "scope_kind", "findings": [...], "summary": {...}}``, JSON-ready."""
        return {
            "as_of": self.as_of,
            "scope": self.scope,
            "scope_name": self.scope_name,
            "scope_kind": self.scope_kind,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary.to_dict(),
        }

    @property
    def scope_label(self) -> str:
        """What the scope's column or row is called: its name and code (``长安二社区 (130705001011)``), or
        ``合计 total`` for the whole store."""
        if self.scope is None:
            return "合计 total"
        return f"{self.scope_name} ({self.scope})" if self.scope_name else self.scope

    def whole_streets(self) -> list[AreaSummary]:
        """The streets the scope holds whole (all of them, or a district's): a street partly in the scope
        (the street of a community scope) would show the scope's counts under the street's name."""
        return self.summary.streets if self.scope_kind in _HOLDS_STREETS else []

    def whole_communities(self) -> list[AreaSummary]:
        """The communities the scope holds whole (those of the store, a district or a street)."""
        return self.summary.communities if self.scope_kind in _HOLDS_COMMUNITIES else []


def select_rules(policy: Policy, rules: Sequence[str] | None) -> list[Rule]:
    """The enabled policy rules to run: all, or those named (an unknown id is a configuration error;
    a rule the policy has off is not run, named or not)."""
    if rules is not None:
        unknown = [r for r in rules if r not in policy.coverage]
        if unknown:
            raise ConfigurationError(
                f"unknown coverage rule(s) {unknown}; known: {', '.join(policy.coverage)}",
                message_zh=f"未知的覆盖规则 {unknown}；可选：{'、'.join(policy.coverage)}",
                rules=unknown,
            )
        wanted = set(rules)
        return [rule for rule in policy.enabled() if rule.id in wanted]
    return policy.enabled()


def scope_of(view: DayView, scope: str | None) -> Subtree | None:
    """The subtree of the area whose code is ``scope`` (``area:`` prefix optional), live on the day."""
    if scope is None:
        return None
    node = scope if scope.startswith("area:") else f"area:{scope}"
    attrs = view.node(node)
    if attrs is None or attrs.get("kind") not in _AREA_KINDS:
        raise NotFoundError(
            f"no area with code {scope!r} as of {view.day}",
            message_zh=f"{view.day} 不存在编码为 {scope!r} 的区域",
            scope=scope,
        )
    return view.memo(f"coverage.subtree:{node}", lambda: view.subtree(node))


def find_gaps(
    view: DayView,
    rules: Sequence[Rule],
    scope: Subtree | None,
    timings: dict[str, float] | None = None,
    tallies: dict[str, Tally] | None = None,
) -> list[Finding]:
    """Run ``rules`` over ``view`` within ``scope`` (``None``: everything) and return their findings, sorted.

    ``timings``, when given, gets the seconds each rule took; ``tallies`` each rule's focus and findings
    per place (what the summary's ratios count).
    """
    with collector_paused():

        def run(rule: Rule) -> list[Finding]:
            tally = Tally() if tallies is not None else None  # counted only for a summary's ratios
            found = [f for check in checks_of(rule) for f in run_check(view, check, scope, tally)]
            if tallies is not None and tally is not None:
                tallies[rule.id] = tally
            return found

        return run_rules(rules, run, timings)


def run_rules(
    rules: Sequence[Rule], run: Callable[[Rule], Iterable[Finding]], timings: dict[str, float] | None = None
) -> list[Finding]:
    """The findings of ``run(rule)`` for each rule, sorted; ``timings`` (when given) gets the seconds each took."""
    found: list[Finding] = []
    for rule in rules:
        started = time.perf_counter()
        found.extend(run(rule))
        if timings is not None:
            timings[rule.id] = time.perf_counter() - started
    return sort_findings(found)


def run_coverage(
    view: DayView,
    *,
    scope: str | None = None,
    rules: Sequence[str] | None = None,
    policy: Policy | None = None,
) -> CoverageResult:
    """Find the coverage gaps of the graph as of the view's day, with who must close each.

    Parameters
    ----------
    view
        The graph as of the day (``store.view(day)``): every engine runs the same rules through it.
    scope
        An area code at any level; only it and what lies below it are checked. ``None``: everything.
    rules
        The rule ids to run (of the policy's); ``None``: all enabled ones.
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
        When ``rules`` names an unknown rule, or a rule cannot be read.
    """
    policy = policy if policy is not None else load_policy(None)
    selected = select_rules(policy, rules)
    subtree = scope_of(view, scope)
    timings: dict[str, float] = {}
    tallies: dict[str, Tally] = {}
    findings = find_gaps(view, selected, subtree, timings, tallies)
    started = time.perf_counter()
    with collector_paused():
        summary = summarise(view, findings, policy, subtree, [r.id for r in selected], tallies)
    timings["summary"] = time.perf_counter() - started
    if subtree is None:
        return CoverageResult(findings, summary, view.day, None, timings)
    place = view.node(subtree.root) or {}
    return CoverageResult(
        findings, summary, view.day, subtree.root.split(":", 1)[1], timings, place.get("name"), place.get("kind")
    )


def worst_communities(result: CoverageResult, n: int = 10) -> list[AreaSummary]:
    """The ``n`` communities most in need: most high-severity findings per household, then most findings
    (of the communities the scope holds whole: none below a street).

    Parameters
    ----------
    result
        A coverage run.
    n
        How many communities to return.
    """

    def need(area: AreaSummary) -> tuple[float, int, str]:
        high = area.by_severity["high"]
        return (-(high / area.households if area.households else float(high)), -area.findings, area.code or "")

    return sorted(result.whole_communities(), key=need)[:n]
