"""Coverage (覆盖检查) on a Bolt server: every rule and every headline ratio in Cypher.

:func:`run_coverage_cypher` is what :func:`queries.coverage.run_coverage` does when the store is on a
Bolt server: the same arguments, the same :class:`~queries.coverage.run.CoverageResult`. The rules
come from the family modules ``rules_<family>`` (each a ``RULES`` dict, like the networkx families);
the ratios of the summary from their ``RATIOS`` dicts: a counter per ratio name returning, per area,
a numerator and a denominator, placed on the server at their street and community
(:data:`queries.cypher.place.PLACE`).

>>> from queries.policy import RULE_PARAMS
>>> sorted(CYPHER_RULES) == sorted(RULE_PARAMS), sorted(CYPHER_RATIOS) == sorted(RATIOS)
(True, True)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.model.kinds import AREA_KINDS
from orggraph.store.cypher_layout import NODE
from orggraph.timeline import as_of_date
from queries.coverage.findings import Finding
from queries.coverage.run import CoverageResult, run_rules, select_rules
from queries.coverage.summary import RATIOS, CoverageSummary, Key, summarise_counts
from queries.cypher import (
    rules_areas,
    rules_contacts,
    rules_grids,
    rules_liaison,
    rules_orgs,
    rules_projects,
    rules_property,
    rules_registration,
)
from queries.cypher.graph import CypherGraph, live
from queries.cypher.rules import CypherRule, RatioCounter
from queries.policy import Policy, load_policy

_FAMILIES = (
    rules_areas,
    rules_grids,
    rules_contacts,
    rules_liaison,
    rules_registration,
    rules_projects,
    rules_property,
    rules_orgs,
)

#: Every Cypher coverage rule by id.
CYPHER_RULES: dict[str, CypherRule] = {rule_id: rule for family in _FAMILIES for rule_id, rule in family.RULES.items()}

#: Every headline ratio's Cypher counter, by ratio name.
CYPHER_RATIOS: dict[str, RatioCounter] = {name: count for family in _FAMILIES for name, count in family.RATIOS.items()}

_AREA_KINDS = tuple(kind.value for kind in AREA_KINDS)


def scope_root(cg: CypherGraph, scope: str | None) -> str | None:
    """The node id of the live area whose code is ``scope``; :class:`NotFoundError` when there is none."""
    if scope is None:
        return None
    node = scope if scope.startswith("area:") else f"area:{scope}"
    rows = cg.run(
        f"MATCH (n:{NODE} {{id: $id}}) WHERE {live('n')} AND n.kind IN $kinds RETURN n.id AS id", id=node, kinds=list(_AREA_KINDS)
    )
    if not rows:
        raise NotFoundError(
            f"no area with code {scope!r} as of {cg.day}",
            message_zh=f"{cg.day} 不存在编码为 {scope!r} 的区域",
            scope=scope,
        )
    return node


def count_ratios(
    cg: CypherGraph, policy: Policy, root: str | None, ratios: Sequence[str] = tuple(RATIOS)
) -> tuple[dict[Key, dict[str, list[int]]], dict[str | None, str | None]]:
    """The ratios' numerators and denominators per (street code, community code), and their names."""
    counts: dict[Key, dict[str, list[int]]] = {}
    nodes: set[str] = set()
    for name in ratios:
        for row in CYPHER_RATIOS[name](cg, policy, root):
            street, community = row["street"], row["community"]
            key = (_code(street), _code(community))
            pair = counts.setdefault(key, {n: [0, 0] for n in RATIOS})[name]
            pair[0] += int(row["num"])
            pair[1] += int(row["den"])
            nodes.update(n for n in (street, community) if n is not None)
    names: dict[str | None, str | None] = {None: None}
    for row in cg.run_ids(f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}}) RETURN id, n.name AS name", nodes):
        names[_code(row["id"])] = row["name"] or _code(row["id"])
    return counts, names


def _code(node: str | None) -> str | None:
    return None if node is None else node.split(":", 1)[1]


def find_gaps_cypher(
    cg: CypherGraph, rules: Sequence[Any], root: str | None, timings: dict[str, float] | None = None
) -> list[Finding]:
    """Run the policy ``rules`` in Cypher within the scope ``root``; their findings, sorted."""
    return run_rules(rules, lambda rule: CYPHER_RULES[rule.id](cg, rule, root), timings)


def run_coverage_cypher(
    store: Any,
    *,
    scope: str | None = None,
    rules: Sequence[str] | None = None,
    as_of: str | None = None,
    policy: Policy | None = None,
) -> CoverageResult:
    """:func:`queries.coverage.run_coverage` on a store on a Bolt server (see there for the arguments)."""
    policy = policy if policy is not None else load_policy(None)
    selected = select_rules(policy, rules)
    cg = CypherGraph(store, as_of_date(as_of))
    root = scope_root(cg, scope)
    timings: dict[str, float] = {}
    findings = find_gaps_cypher(cg, selected, root, timings)
    started = time.perf_counter()
    counts, names = count_ratios(cg, policy, root)
    summary: CoverageSummary = summarise_counts(counts, names, findings, [r.id for r in selected])
    timings["summary"] = time.perf_counter() - started
    return CoverageResult(findings, summary, cg.day, None if root is None else root.split(":", 1)[1], timings)
