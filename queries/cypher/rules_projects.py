"""The co-building rules (契约化共建) in Cypher: units without a live project, projects running out.

Detection runs on the server; the findings are made by the networkx family's reporting code
(:mod:`queries.coverage.projects`) over the neighbourhood of what was found, plus what that code
reads beyond it (a unit's own Party org; a project's provider when the project is FOR no area).

* ``unit-without-live-project`` — the units the norm binds (:func:`placed` with their LOCATED_IN
  area), ``OPTIONAL MATCH`` of their active PROVIDES links to a live project, ``count(r) = 0``.
* ``project-expiring`` — the projects whose term ends by ``$limit`` (the day plus ``days``, from
  :func:`~queries.coverage.projects.expiry_window`), not closed, begun; placed at the area they are FOR.
* ratio ``units_with_live_project`` — per bound unit 1 of 1 when it provides a live project, placed
  at its area.

Project dates are ISO strings, compared as strings as the networkx rules do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage.findings import Finding
from queries.coverage.projects import CLOSED, EXEMPT_UNITS, expiry_window, report_expiring, report_units_without_project
from queries.cypher.graph import CypherGraph, active
from queries.cypher.linked import add_sources, placed
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE
from queries.cypher.rules import CypherRule, RatioCounter
from queries.cypher.rules_registration import in_community
from queries.policy import Policy, Rule

L = LinkKind

#: A unit the live-project norm binds (not a department, not a property company): ``n``.
BOUND = "(n.unit_kind IS NULL OR NOT n.unit_kind IN $exempt)"
#: Project ``p`` is live on ``$day`` (see :func:`~queries.coverage.projects.is_live`).
LIVE_PROJECT = (
    "(p.term_start <= $day AND (p.term_end IS NULL OR p.term_end >= $day) AND (p.status IS NULL OR NOT p.status IN $closed))"
)
#: Project ``n`` ends by ``$limit`` or has ended, is not closed and has begun (see
#: :func:`~queries.coverage.projects.is_expiring`).
EXPIRING = (
    "(n.term_end IS NOT NULL AND n.term_end <= $limit AND (n.status IS NULL OR NOT n.status IN $closed) "
    "AND (n.term_start IS NULL OR n.term_start <= $day))"
)
#: After the opening of :func:`placed` over units: each with ``live``, how many live projects it PROVIDES.
#: Only units with a community (located in one or below it) are bound: :func:`in_community` first.
_LIVE_COUNT = (
    f"{in_community('n')}"
    f"OPTIONAL MATCH (n)-[r:{L.PROVIDES.value}]->(p) WHERE {active('r')} AND {LIVE_PROJECT} WITH n, a, count(r) AS live"
)

_PARAMS: dict[str, Any] = {"exempt": sorted(EXEMPT_UNITS), "closed": sorted(CLOSED)}


def units_without_live_project(cg: CypherGraph, root: str | None) -> list[tuple[str, str | None]]:
    """The bound units in scope providing no live project, each with its area (unit, area)."""
    rest = f"{_LIVE_COUNT} WHERE live = 0 RETURN n.id AS unit, a.id AS area"
    rows = placed(cg, NodeKind.UNIT, L.LOCATED_IN, root, rest, where=BOUND, **_PARAMS)
    return sorted((row["unit"], row["area"]) for row in rows)


def unit_without_live_project(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``unit-without-live-project`` in Cypher."""
    found = units_without_live_project(cg, root)
    units = [unit for unit, _ in found]
    ix = neighbourhood(cg, [*units, *(area for _, area in found if area is not None)])
    add_sources(cg, ix, L.PARTY_ORG_OF, units)
    return report_units_without_project(ix, rule, found)


def expiring_projects(cg: CypherGraph, rule: Rule, root: str | None) -> list[tuple[str, str | None]]:
    """The projects in scope expiring or expired but open, each with the area it is FOR (project, area)."""
    _, limit = expiry_window(rule, cg.day)
    rest = "RETURN n.id AS project, a.id AS area"
    rows = placed(cg, NodeKind.PROJECT, L.FOR, root, rest, where=EXPIRING, live_in_scope=False, limit=limit, **_PARAMS)
    return sorted((row["project"], row["area"]) for row in rows)


def project_expiring(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``project-expiring`` in Cypher."""
    found = expiring_projects(cg, rule, root)
    ix = neighbourhood(cg, [*(project for project, _ in found), *(area for _, area in found if area is not None)])
    providers = add_sources(cg, ix, L.PROVIDES, [project for project, area in found if area is None])
    add_sources(cg, ix, L.PARTY_ORG_OF, providers)
    return report_expiring(ix, rule, found)


def units_with_live_project(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``units_with_live_project``: per bound unit 1 of 1 when it provides a live project."""
    rest = f"{_LIVE_COUNT} WITH a, CASE WHEN live > 0 THEN 1 ELSE 0 END AS num, 1 AS den {PLACE}"
    return placed(cg, NodeKind.UNIT, L.LOCATED_IN, root, rest, where=BOUND, **_PARAMS)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {
    "unit-without-live-project": unit_without_live_project,
    "project-expiring": project_expiring,
}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {"units_with_live_project": units_with_live_project}
