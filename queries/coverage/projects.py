"""Co-building rules (契约化共建): units with a live project, projects not running out unnoticed.

A project (共建项目) is **live** on a day when its term has begun (``term_start`` ≤ day), has not ended
(no ``term_end``, or ``term_end`` ≥ day) and its status is neither completed (已完成) nor terminated
(已终止).

* ``unit-without-live-project`` — a work unit (单位; not a functional department 职能部门, not a
  property company 物业企业) that PROVIDES no live project (党组织领项目). Its Party org answers.
* ``project-expiring`` — a live project whose ``term_end`` falls within ``days`` after the day
  (the last day included); and a project past its term whose status still says it runs (actual
  ``"expired"``). The org responsible for the community or street the project is FOR answers.

>>> is_live({"term_start": "2024-01-01", "term_end": "2025-06-30", "status": "active"}, "2025-06-30")
True
>>> is_live({"term_start": "2024-01-01", "status": "completed"}, "2025-06-30")
False
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from orggraph.model.enums import ProjectStatus, UnitKind
from queries.coverage.base import K, L, Reporter, RuleFunc, community_units, in_scope, links, nodes_in, param
from queries.coverage.findings import Finding
from queries.coverage.registration import unit_assignee
from queries.index import GraphIndex
from queries.policy import Rule

#: Statuses that close a project whatever its term says.
CLOSED = frozenset({ProjectStatus.COMPLETED.value, ProjectStatus.TERMINATED.value})
#: Units the live-project norm does not apply to: functional departments and property companies.
EXEMPT_UNITS = frozenset({UnitKind.DEPARTMENT.value, UnitKind.PROPERTY_COMPANY.value})
#: The norm of ``unit-without-live-project`` and its gap (English, Chinese).
UNIT_NORM = ("a work unit runs at least one live co-building project", "驻区单位至少有一个在期共建项目")
UNIT_GAP = ("provides no live co-building project", "无在期共建项目")


def is_live(attrs: dict[str, Any], day: str) -> bool:
    """Whether a project with these attributes is live (在期) on ``day``."""
    start, end = attrs.get("term_start"), attrs.get("term_end")
    return start is not None and start <= day and (end is None or end >= day) and attrs.get("status") not in CLOSED


def live_projects(ix: GraphIndex, unit: str) -> int:
    """How many live projects ``unit`` PROVIDES on the index's day."""
    attrs, day = ix.graph._node, ix.day
    return sum(1 for project in links(ix, L.PROVIDES).get(unit, ()) if is_live(attrs[project], day))


def bound_units(ix: GraphIndex, areas: set[str] | None) -> list[tuple[str, str | None]]:
    """The units in scope the live-project norm applies to: located in a community or below it (see
    :func:`~queries.coverage.base.community_units`), not departments, not property companies."""
    attrs = ix.graph._node
    return [(unit, area) for unit, area, _ in community_units(ix, areas) if attrs[unit].get("unit_kind") not in EXEMPT_UNITS]


def unit_without_live_project(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Units that provide no live co-building project (党组织领项目).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``unit-without-live-project`` (no parameters) and the scope.

    Yields
    ------
    Finding
        Actual 0, required 1, for the unit's Party org (else the org responsible for where it sits).
    """
    found = [(unit, area) for unit, area in bound_units(ix, areas) if not live_projects(ix, unit)]
    yield from report_units_without_project(ix, rule, found)


def report_units_without_project(ix: GraphIndex, rule: Rule, found: list[tuple[str, str | None]]) -> Iterator[Finding]:
    """The findings of :func:`unit_without_live_project` for the units ``found`` (unit, its area) (any engine).

    Reads the units, the areas above theirs, PARTY_ORG_OF into the units and RESPONSIBLE_FOR.
    """
    report = Reporter(ix, rule, *UNIT_NORM)
    for unit, area in found:
        who = unit_assignee(ix, report, unit, area)
        yield report.report(unit, report.place(area), who, 0, 1, *UNIT_GAP)


def projects_in(ix: GraphIndex, areas: set[str] | None) -> list[str]:
    """The live projects of the scope: all, or those FOR a street or community in it."""
    if areas is None:
        return ix.nodes(K.PROJECT)
    for_in = links(ix, L.FOR, "in")
    return [p for kind in (K.STREET, K.COMMUNITY) for area in nodes_in(ix, kind, areas) for p in for_in.get(area, ())]


def expiry_window(rule: Rule, day: str) -> tuple[int, str]:
    """The rule's ``days`` and the last day (ISO) on which a term may end to count as expiring on ``day``."""
    days = int(param(rule, "days"))
    return days, (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def is_expiring(attrs: dict[str, Any], day: str, limit: str) -> bool:
    """Whether a project with these attributes ends by ``limit`` (or has ended) and is not closed on ``day``.

    Its term must have begun (a project without ``term_start`` counts as begun); it may be past its term.
    """
    end, start = attrs.get("term_end"), attrs.get("term_start")
    if end is None or end > limit or attrs.get("status") in CLOSED:
        return False
    return start is None or start <= day


def project_expiring(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Live projects ending within ``days`` after the day, and expired projects still marked running.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``project-expiring`` (parameter ``days``) and the scope; a project is
        placed at the community or street it is FOR.

    Yields
    ------
    Finding
        Actual the days left (or ``"expired"``), required ``days``, for the org responsible for the
        area the project is for.
    """
    _, limit = expiry_window(rule, ix.day)
    attrs, for_ = ix.graph._node, links(ix, L.FOR)
    found: list[tuple[str, str | None]] = []
    for project in projects_in(ix, areas):
        if not is_expiring(attrs[project], ix.day, limit):
            continue
        targets = for_.get(project)
        area = targets[0] if targets else None
        if in_scope(area, areas):
            found.append((project, area))
    yield from report_expiring(ix, rule, found)


def report_expiring(ix: GraphIndex, rule: Rule, found: list[tuple[str, str | None]]) -> Iterator[Finding]:
    """The findings of :func:`project_expiring` for the projects ``found`` (project, the area it is FOR) (any engine).

    Reads the projects, the areas above theirs, RESPONSIBLE_FOR, and for a project FOR no area its
    provider (PROVIDES into it) and that unit's PARTY_ORG_OF.
    """
    days, _ = expiry_window(rule, ix.day)
    day = ix.day
    today = dt.date.fromisoformat(day)
    report = Reporter(
        ix, rule, f"a project is renewed or closed before its term ends ({days} days' notice)", f"项目到期前{days}天内续签或结项"
    )
    attrs, provides = ix.graph._node, links(ix, L.PROVIDES, "in")
    for project, area in found:
        end = attrs[project]["term_end"]
        providers = provides.get(project)
        who = report.responsible(area) if area is not None or not providers else unit_assignee(ix, report, providers[0], None)
        if end < day:
            yield report.report(
                project, report.place(area), who, "expired", days, f"ended on {end} but is still open", f"已于{end}到期但仍未结项"
            )
        else:
            left = (dt.date.fromisoformat(end) - today).days
            yield report.report(
                project, report.place(area), who, left, days, f"ends on {end}, in {left} days", f"将于{end}到期（剩{left}天）"
            )


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "unit-without-live-project": unit_without_live_project,
    "project-expiring": project_expiring,
}
