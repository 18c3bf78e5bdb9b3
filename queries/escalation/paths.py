"""Escalation paths (响应路径): who answers an issue reported at a household, who next, and by when.

"Grid finds, community calls, tiered response" (网格发现、社区呼叫、分级响应) and "first receiver is
responsible" (首接负责、接诉即办): an issue of a category (事项类别) reported at a household (户) or an
address climbs the levels of the policy (:mod:`queries.policy`) — contacting member (联系党员) or central
household (单元党员中心户), building group leader (楼栋党小组长), the grid (网格员、网格长、支部书记, and by
category the property manager or enforcement officer), the community secretary (社区书记) with its
division-level liaison leaders (处级包联领导), then the street working committee (街道党工委) and the
functional department (职能部门) that handles the category. A vacant post is skipped with a note; a
deputy secretary stands in for a vacant secretary when the policy says so. Co-building units (共建单位)
with a live project that helps with the category are listed beside the path.

Speed: the climb reads a :class:`~orggraph.store.view.DayView` — today's day index on the embedded
engine, a raw view for another day (no whole index built), the server on the Neo4j engine — and the
finished path is kept with the view per (start, category, policy, report minute), so a repeated
question is a dictionary look-up.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from orggraph.errors import ConfigurationError
from orggraph.store.view import DayView
from queries.escalation.result import EscalationPath, HelperLead, PathCore
from queries.escalation.roles import HOUSEHOLD_ROLES, ROLES, handled_categories
from queries.policy import Policy, load_policy
from queries.reading.address import resolve_start
from queries.reading.model import ROLE_NAMES, Answer, PersonRef, Skipped, UnitRef
from queries.reading.place import Answered, Place, Vacancy

__all__ = ["EscalationPath", "escalation_path", "escalation_path_on", "known_categories"]

#: How many starts × categories × report minutes one state keeps before it starts again.
_MAX_CACHED = 100_000
_LIVE_STATUSES = (None, "active")


class _State:
    """The caches of one view: cores by (start, category, policy id), paths also by report time."""

    __slots__ = ("cores", "paths", "plans", "policies")

    def __init__(self) -> None:
        self.cores: dict[tuple[str, str, int], PathCore] = {}
        self.paths: dict[tuple[str, str, int, Any], EscalationPath] = {}
        self.policies: dict[int, Policy] = {}
        self.plans: dict[tuple[int, str], _Plan] = {}


_DEFAULT_POLICY: list[Policy] = []


def _default_policy() -> Policy:
    if not _DEFAULT_POLICY:
        _DEFAULT_POLICY.append(load_policy(None))
    return _DEFAULT_POLICY[0]


def _state(view: DayView) -> _State:
    """The escalation caches of ``view`` (kept with it: the same day and store revision)."""
    return view.memo("escalation.state", _State)


def known_categories(reader: DayView, policy: Policy | None = None) -> list[str]:
    """The issue categories (事项类别) known: the policy's, and those any department handles."""
    policy = policy or _default_policy()
    return sorted({*policy.escalation.category, *handled_categories(reader)})


def escalation_path(
    view: DayView,
    start: str,
    category: str,
    *,
    at: dt.datetime | None = None,
    policy: Policy | None = None,
    zone: dt.tzinfo | None = None,
) -> EscalationPath:
    """Who answers an issue of ``category`` reported at ``start``, who next, and by when (逐级响应).

    Parameters
    ----------
    view
        The graph as of the day it is read (``store.view(day, lazy=True)``); independent of ``at``.
    start
        A household code (户编码, ``H0001``), a household node id (``household:H0001``), or an address
        (地址) that resolves to one household: ``幸福里小区3号楼2单元501室``, ``幸福里小区 3-2-501`` ….
    category
        The issue category (事项类别): one of the policy's or one a functional department handles.
    at
        When the issue was reported; deadlines count from it. Default: now, to the minute (local time).
    policy
        The escalation policy (default: the shipped one).
    zone
        The district's time zone (``ORGGRAPH_TIMEZONE``): the deadlines of a path reported now are
        shown in it (default: the machine's, which on a server is often UTC).

    Returns
    -------
    EscalationPath
        Immutable; the same object again for the same question (same view, start, category, policy and
        report time — ``at=None`` counts as the current minute).

    Raises
    ------
    NotFoundError
        ``start`` is no household on the day; an address is read but resolves to none (the message
        says how it was read and which part did not match).
    ConfigurationError
        ``category`` is unknown (the message lists the known ones).
    """
    policy = policy or _default_policy()
    state = _state(view)
    if at is None:
        minute = int(time.time()) // 60
        at_key: Any = (minute, zone)
    else:
        at_key = (at, at.utcoffset())  # equal instants in other zones are reported in their own zone
    key = (start, category, id(policy), at_key)
    found = state.paths.get(key)
    if found is not None:
        return found
    core_key = (start, category, id(policy))
    core = state.cores.get(core_key)
    if core is None:
        state.policies[id(policy)] = policy  # kept alive with the state, so its id stays its own
        plan = state.plans.get((id(policy), category))
        if plan is None:
            plan = state.plans[id(policy), category] = _plan(policy, category)
        core = _climb(view, start, category, policy, plan)
        if len(state.cores) >= _MAX_CACHED:
            state.cores.clear()
        state.cores[core_key] = core
    reported = at if at is not None else dt.datetime.fromtimestamp(minute * 60, tz=zone).astimezone(zone)
    path = EscalationPath(core, start, reported)
    if len(state.paths) >= _MAX_CACHED:
        state.paths.clear()
    state.paths[key] = path
    return path


def escalation_path_on(
    reader: DayView, start: str, category: str, *, at: dt.datetime, policy: Policy | None = None
) -> EscalationPath:
    """Like :func:`escalation_path`, computed afresh (no result cache kept): for callers that wrap a view
    (a scoped view of the API) and so must not share its caches."""
    policy = policy or _default_policy()
    return EscalationPath(_climb(reader, start, category, policy, _plan(policy, category)), start, at)


def _check_category(reader: DayView, category: str, policy: Policy) -> None:
    if category in policy.escalation.category or category in handled_categories(reader):
        return
    known = "、".join(known_categories(reader, policy))
    raise ConfigurationError(
        f"unknown issue category {category!r}; known: {known}",
        message_zh=f"未知的事项类别“{category}”；已知类别：{known}",
        category=category,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """(level id, role) in climbing order for a category (its additions first at each level), and the levels."""

    roles: tuple[tuple[str, str], ...]
    levels: dict[str, tuple[str, str, int]]


def _plan(policy: Policy, category: str) -> _Plan:
    escalation = policy.escalation
    roles = tuple((level, role) for level in escalation.levels for role in escalation.roles_at(level, category))
    levels = {k: (v.zh, v.en, v.deadline_minutes) for k, v in escalation.level.items()}
    return _Plan(roles, levels)


def _climb(reader: DayView, start: str, category: str, policy: Policy, plan: _Plan) -> PathCore:
    """Resolve the start, then answer every role of every level in order."""
    _check_category(reader, category, policy)
    household, read_as = resolve_start(reader, start)
    place = Place(reader, household)
    deputies = policy.escalation.deputies_stand_in
    seen: dict[str, str] = {}
    entries: list[tuple[str, str, Answer]] = []
    skipped: list[Skipped] = []
    # the answers of area roles, by role, for every household with this building and grid (one look-up each)
    key = ("areas", place.building, place.grid, place.community, deputies)
    areas: dict[Any, Answered] | None = place.names.answers.get(key)
    if areas is None:
        areas = place.names.answers[key] = {}
    for level, role in plan.roles:
        if role in HOUSEHOLD_ROLES:
            answered = ROLES[role](place, category, deputies)
        else:
            which = role if role != "department" else (role, category)
            found = areas.get(which)
            if found is None:
                found = areas[which] = ROLES[role](place, category, deputies)
            answered = found
        if isinstance(answered, Vacancy):
            skipped.append(Skipped(level, role, ROLE_NAMES[role][0], "vacant", answered.zh, answered.en))
            continue
        for answer in answered:
            who = answer.person or answer.unit
            assert who is not None
            earlier = seen.get(who.id)
            if earlier is not None:
                skipped.append(_listed(place, who, earlier, level, role))
                continue
            seen[who.id] = role
            entries.append((level, role, answer))
    return PathCore(
        household=place.home,
        read_as=read_as,
        category=category,
        day=reader.day,
        entries=tuple(entries),
        skipped=tuple(skipped),
        helpers=_helpers(place, category, policy),
        levels=plan.levels,
        where=place,
    )


def _listed(place: Place, who: UnitRef | PersonRef, earlier: str, level: str, role: str) -> Skipped:
    """The note that ``who`` already answers at an earlier step (kept: it recurs across households)."""
    key = ("listed", who.id, earlier, level, role)
    found: Skipped | None = place.names.answers.get(key)
    if found is None:
        zh = f"{who.name}已作为{ROLE_NAMES[earlier][0]}在前序步骤响应"
        en = f"{who.name} already answers as {ROLE_NAMES[earlier][1]} at an earlier step"
        found = place.names.answers[key] = Skipped(level, role, ROLE_NAMES[role][0], "already_listed", zh, en)
    return found


def _helpers(place: Place, category: str, policy: Policy) -> tuple[HelperLead, ...]:
    """Units with a live co-building project (共建项目) FOR the community of a helping resource category."""
    rule = policy.escalation.category.get(category)
    community = place.community
    if rule is None or not rule.helpers or community is None:
        return ()
    wanted = tuple(rule.helpers)

    def compute() -> tuple[HelperLead, ...]:
        assert community is not None
        reader, names, day = place.reader, place.names, place.reader.day
        found: list[HelperLead] = []
        for project in sorted(reader.into(community, "FOR")):
            attrs = reader.node(project)
            if attrs is None or attrs.get("category") not in wanted or attrs.get("status") not in _LIVE_STATUSES:
                continue
            term_end = attrs.get("term_end")
            if not (str(attrs.get("term_start") or "") <= day and (term_end is None or day <= str(term_end))):
                continue
            for unit in sorted(reader.into(project, "PROVIDES")):
                lead = (names.hop(unit, "PROVIDES", "out"), names.hop(project, "FOR", "out"))
                what, where = place.name(project), place.name(community)
                zh = f"共建项目“{what}”（{attrs['category']}）服务{where}"
                en = f"co-building project {what} ({attrs['category']}) for {where}"
                found.append((names.unit(unit), names.ref(project), str(attrs["category"]), term_end, lead, zh, en, community))
        return tuple(found)

    helpers: tuple[HelperLead, ...] = place.names.answers.get(("helpers", community, wanted))  # type: ignore[assignment]
    if helpers is None:
        helpers = place.names.answers["helpers", community, wanted] = compute()
    return helpers
