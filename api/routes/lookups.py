"""Liaison lookups and the escalation path (联系人查询、响应路径): what a dispatch desk asks.

Everything a request names is resolved through the caller's scope first (:func:`api.scope.reader_within`),
so a household, address, person or community outside it is "not found", word for word as one that
does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.auth import Dispatcher
from api.params import AddressParam, AsOf, HouseholdParam, day_of, one_start
from api.problems import responses
from api.replies import json_reply
from api.schemas import BuildingLiaisonOut, CategoriesOut, CommunityOut, EscalationOut, LiaisonOut, MemberOut, UnitOut
from api.scope import Scope, hide_outside, reader_within
from orggraph.model.kinds import NodeKind
from orggraph.store.view import DayView
from queries.escalation import escalation_path, known_categories
from queries.lookups import community_links, find_person, household_liaison, member_links
from queries.lookups.building import building_liaison
from queries.lookups.unit import unit_links
from queries.reading.address import resolve_start

router = APIRouter(prefix="/v1", tags=["lookups"])


@router.get("/escalation", response_model=EscalationOut, responses=responses(), summary="Escalation path of an issue")
async def escalation(
    caller: Dispatcher,
    category: Annotated[str, Query(min_length=1, max_length=50, description="the issue category (事项类别), e.g. 物业纠纷")],
    household: HouseholdParam = None,
    address: AddressParam = None,
    at: Annotated[dt.datetime | None, Query(description="when the issue was reported (ISO); deadlines count from it")] = None,
    as_of: AsOf = None,
) -> Response:
    """Who answers an issue of `category` reported at a household, who comes next, and by when
    (逐级响应): ordered steps with the reason each person answers and each level's deadline; a
    functional department's office phone with it."""
    start = one_start(household, address)
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        scope = caller.scope(reader)
        node, read_as = resolve_start(reader_within(reader, scope), start)
        reported = at.replace(tzinfo=service.zone) if at is not None and at.tzinfo is None else at
        path = escalation_path(reader, node, category, at=reported, policy=service.policy, zone=service.zone)
        payload = path.to_dict()
        reasons = (*(s["reason"] for s in payload["steps"]), *(h["reason"] for h in payload["helpers"]))
        hide_outside(reasons, scope, reader, near=node)
        payload["start"], payload["read_as"] = start, read_as
        units = (*(s["unit"] for s in payload["steps"]), *(h["unit"] for h in payload["helpers"]))
        return caller.respond(payload, reader, asked=[node], persons=(s["person"] for s in payload["steps"]), units=units)

    return await service.guard.read(answer, quick=service.quick(as_of))


@router.get("/categories", response_model=CategoriesOut, responses=responses(), summary="Issue categories")
async def categories(caller: Dispatcher) -> Response:
    """The issue categories (事项类别) an escalation may be asked for: the policy's, and those a
    functional department handles."""
    service = caller.service

    def answer() -> Response:
        return json_reply({"categories": known_categories(service.reader(), service.policy)})

    return await service.guard.read(answer, quick=service.quick(None))


#: The roles of a household's liaison that list posts (``grid_staff`` is a dict of them).
_POST_LISTS = (
    "contacting_members",
    "central_household",
    "building_group_leader",
    "branch_secretary",
    "community_secretary",
    "liaison_leaders",
    "street_secretary",
)


@router.get("/liaison", response_model=LiaisonOut, responses=responses(), summary="Who serves a household")
async def liaison(
    caller: Dispatcher, household: HouseholdParam = None, address: AddressParam = None, as_of: AsOf = None
) -> Response:
    """The liaison of a household (住户联系人) by role: contacting members, central household,
    building group leader, grid staff, secretaries, liaison leaders; vacant roles and why."""
    start = one_start(household, address)
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        node, read_as = resolve_start(reader_within(reader, caller.scope(reader)), start)
        payload = household_liaison(reader, node).to_dict()
        payload["read_as"] = read_as
        posts = [*(p for key in _POST_LISTS for p in payload[key]), *(p for ps in payload["grid_staff"].values() for p in ps)]
        return caller.respond(payload, reader, asked=[node], persons=(p["person"] for p in posts))

    return await service.guard.read(answer, quick=service.quick(as_of))


@router.get("/liaison/building", response_model=BuildingLiaisonOut, responses=responses(), summary="Who serves a building")
async def building(
    caller: Dispatcher,
    building: Annotated[str, Query(min_length=1, max_length=200, description="the building's area code, e.g. P1/3号楼")],
    as_of: AsOf = None,
) -> Response:
    """The liaison of a building (楼栋联系人): its Party group leader, the grid staff of the grids its
    households are in, the branch and community secretaries, liaison leaders and street secretary."""
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        node = service.named(caller.scope(reader), reader, building, NodeKind.BUILDING)
        payload = building_liaison(reader, node).to_dict()
        posts = [
            *(p for key in _POST_LISTS if key in payload for p in payload[key]),
            *(p for ps in payload["grid_staff"].values() for p in ps),
        ]
        return caller.respond(payload, reader, persons=(p["person"] for p in posts))

    return await service.guard.read(answer, quick=service.quick(as_of))


@router.get("/units/{unit}", response_model=UnitOut, responses=responses(), summary="What a unit is linked to")
async def unit(
    caller: Dispatcher,
    unit: Annotated[str, Path(max_length=100, description="the unit's code (单位编码 or unified social credit code)")],
    as_of: AsOf = None,
) -> Response:
    """A work unit's place, registration (双报到), liaison (包联), managed compounds, live co-building
    projects (共建项目), Party organisation and known staff — links within the caller's scope — and its
    office phone (联系电话), whole for a dispatcher and above."""
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        scope = caller.scope(reader)
        node = service.named(scope, reader, unit, NodeKind.UNIT)
        payload = _prune(unit_links(reader, node).to_dict(), scope, reader, _UNIT_ONE, _UNIT_MANY)
        return caller.respond(payload, reader, persons=(), units=[payload["unit"]])

    return await service.guard.read(answer, quick=service.quick(as_of))


def _within(scope: Scope, reader: DayView, item: dict[str, Any] | None, *path: str) -> bool:
    if item is None:
        return False
    for key in path:
        item = item[key]
        assert item is not None
    return scope.sees(reader, str(item["id"]))


Fields = tuple[tuple[str, tuple[str, ...]], ...]
#: What a member's and a unit's answers link to: (field, the path from its value to a node reference).
_MEMBER_ONE: Fields = (("org", ()), ("registered_with", ()), ("works_at", ()), ("residence", ("household",)))
_MEMBER_MANY: Fields = (
    ("posts", ("org",)),
    ("grid_roles", ("grid",)),
    ("contacts", ("household",)),
    ("liaises_with", ()),
    ("sits_on", ()),
    ("director_of", ()),
)
_UNIT_ONE: Fields = (("located_in", ()), ("registered_with", ()))
_UNIT_MANY: Fields = (("liaises_with", ()), ("manages", ()), ("party_orgs", ()), ("projects", ("project",)))


def _prune(payload: dict[str, Any], scope: Scope, reader: DayView, one: Fields, many: Fields) -> dict[str, Any]:
    """The answer without its links to nodes outside the scope: ``one`` fields set to ``None``, items
    of ``many`` fields dropped."""
    if scope.everything:
        return payload
    for key, path in one:
        if payload[key] is not None and not _within(scope, reader, payload[key], *path):
            payload[key] = None
    for key, path in many:
        payload[key] = [item for item in payload[key] if _within(scope, reader, item, *path)]
    return payload


@router.get("/members/{person}", response_model=MemberOut, responses=responses(), summary="What a person is linked to")
async def member(
    caller: Dispatcher,
    person: Annotated[str, Path(max_length=200, description="a person node id, its code, or a masked ID number only one has")],
    as_of: AsOf = None,
) -> Response:
    """A person's org, posts, grid roles, contacted households (1+10), residence, registration
    (双报到), liaison (包联) — those within the caller's scope. An admin sees the whole ID number."""
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        scope = caller.scope(reader)
        node = find_person(reader_within(reader, scope), person)
        payload = _prune(member_links(reader, node).to_dict(), scope, reader, _MEMBER_ONE, _MEMBER_MANY)
        payload["contact_count"] = len(payload["contacts"])
        return caller.respond(payload, reader, asked=[node], person_route=True)

    return await service.guard.read(answer, quick=service.quick(as_of))


@router.get("/communities/{community}", response_model=CommunityOut, responses=responses(), summary="A community's links")
async def community(
    caller: Dispatcher,
    community: Annotated[str, Path(max_length=100, description="the community's area code (区域编码)")],
    as_of: AsOf = None,
) -> Response:
    """A community's registered members and units (双报到), live co-building projects (共建项目) and
    liaison leaders (包联领导)."""
    service = caller.service

    def answer() -> Response:
        reader = service.reader(day_of(as_of))
        node = service.named(caller.scope(reader), reader, community, NodeKind.COMMUNITY)
        payload = community_links(reader, node).to_dict()
        return caller.respond(payload, reader, asked=[node])

    return await service.guard.read(answer, quick=service.quick(as_of))
