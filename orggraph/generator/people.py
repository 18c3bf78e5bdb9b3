"""People (人员): Party members (党员) where they live and work, and everyone's person node.

There is about one Party member per entrance (单元): one in almost every entrance, the rest spread
at random, so that nearly every entrance can have a member's household as its central household.
Members are in service (在职, ~40 %), retired (离退休, ~45 %), mobile (流动) or other (其他).
Members holding a post (书记, 副书记, 委员) belong to the org they hold it in. Other in-service members
work at a unit (WORKS_AT) and belong to its Party org when it has one; the rest belong to the group of
their building, else their compound's branch, else their community's org.
In-service members also register with the community where they live (双报到, personal registration).
"""

from __future__ import annotations

import itertools
import random

from orggraph.generator.context import Context
from orggraph.generator.plans import CommunityPlan, DistrictPlan, EntrancePlan, PersonPlan, UnitPlan
from orggraph.model.enums import MemberStatus, UnitKind
from orggraph.model.kinds import LinkKind
from orggraph.model.nodes import Person

#: Member statuses (人员类别) and their shares.
STATUS_SHARES: tuple[tuple[MemberStatus, float], ...] = (
    (MemberStatus.IN_SERVICE, 0.40),
    (MemberStatus.RETIRED, 0.45),
    (MemberStatus.MOBILE, 0.08),
    (MemberStatus.OTHER, 0.07),
)
_STATUS_CUM = tuple(itertools.accumulate(share for _, share in STATUS_SHARES))
#: Share of entrances no member lives in (they cannot have a central household).
MEMBERLESS_SHARE = 0.02
#: Buildings where no member lives (their members move to another building of the community).
MEMBERLESS_BUILDING_SHARE = 0.005
#: Share of members whose membership moved from another org (history kept: an ended period).
MOVED_SHARE = 0.03
#: Share of in-service members who did not register where they live (``member-not-registered``).
UNREGISTERED_SHARE = 0.10
#: Share of units not registered with their community (``unit-not-registered``).
UNIT_UNREGISTERED_SHARE = 0.05
#: Places of birth other than the district (ID number region codes).
_OTHER_REGIONS = ("110105", "120101", "130102", "130602", "140202", "150102", "130721", "130724")
#: How many in-service members a unit of each kind employs, relative to the others.
_STAFF_WEIGHTS = {
    UnitKind.DEPARTMENT: 40,
    UnitKind.ORGAN: 30,
    UnitKind.INSTITUTION: 45,
    UnitKind.STATE_ENTERPRISE: 40,
    UnitKind.PRIVATE_ENTERPRISE: 12,
    UnitKind.SOCIAL_ORG: 5,
    UnitKind.PROPERTY_COMPANY: 6,
}


def new_person(
    ctx: Context,
    district: DistrictPlan,
    *,
    status: MemberStatus | None = None,
    ages: tuple[int, int] | None = None,
) -> PersonPlan:
    """A new person of ``district``, most born there (ID number region), some elsewhere."""
    region = district.code if ctx.rng.random() < 0.85 else ctx.rng.choice(_OTHER_REGIONS)
    person = ctx.person(region, status=status, ages=ages)
    district.people.append(person)
    return person


def plan_members(ctx: Context, district: DistrictPlan) -> None:
    """Place about one Party member per entrance, in a random household of it."""
    rng = ctx.rng
    entrances: list[tuple[EntrancePlan, CommunityPlan]] = [
        (e, c) for c in district.communities for b in c.buildings for e in b.entrances
    ]
    memberless = {e.node_id for e, _ in ctx.pick(entrances, MEMBERLESS_SHARE)}
    homes = [(e, c) for e, c in entrances if e.node_id not in memberless]
    extra = [rng.choice(homes) for _ in range(len(entrances) - len(homes))]
    for entrance, community in [*homes, *extra]:
        member = new_person(ctx, district, status=_status(rng.random()))
        member.household = rng.choice(entrance.households)
        member.community = community
        entrance.members.append(member)
        community.residents.append(member)
        district.members.append(member)


def _status(draw: float) -> MemberStatus:
    for (status, _), limit in zip(STATUS_SHARES, _STATUS_CUM, strict=True):
        if draw < limit:
            return status
    return MemberStatus.OTHER


def reserve(ctx: Context, pool: list[PersonPlan], count: int) -> list[PersonPlan]:
    """Up to ``count`` people of ``pool`` not yet given a post that decides their work; reserve them."""
    free = [p for p in pool if not p.reserved]
    chosen = ctx.rng.sample(free, min(count, len(free)))
    for person in chosen:
        person.reserved = True
    return chosen


def employ(person: PersonPlan, unit: UnitPlan) -> None:
    """``person`` works at ``unit`` (工作单位)."""
    person.unit = unit
    unit.staff.append(person)


def assign_units(ctx: Context, district: DistrictPlan) -> None:
    """Give every in-service member without one a unit.

    First every unit with a Party org gets a member who holds no post elsewhere yet, so that its
    own posts can be filled from its staff.
    """
    rng = ctx.rng
    free = [m for m in district.members if m.status is MemberStatus.IN_SERVICE and m.unit is None]
    rng.shuffle(free)
    unposted = iter([m for m in free if m.org is None])
    for unit in district.units:
        if unit.org is not None and all(p.org is not None for p in unit.staff):
            person = next(unposted, None)
            if person is None:
                break
            employ(person, unit)
    rest = [m for m in free if m.unit is None]
    weights = list(itertools.accumulate(_STAFF_WEIGHTS[u.kind] for u in district.units))
    for person, unit in zip(rest, rng.choices(district.units, cum_weights=weights, k=len(rest)), strict=True):
        employ(person, unit)


def empty_buildings(ctx: Context, district: DistrictPlan) -> None:
    """A few buildings where no Party member lives (``building-without-resident-member``): their members
    move to another building of the same community. Drawn apart from the district's other draws, and
    after them, so that every other imperfection stays where it was."""
    own = random.Random(f"memberless-buildings:{district.code}")
    buildings = [(b, c) for c in district.communities for b in c.buildings if b.entrances]
    count = min(len(buildings), max(1, round(MEMBERLESS_BUILDING_SHARE * len(buildings))))
    emptied = own.sample(buildings, count)
    away = {e.node_id for b, _ in emptied for e in b.entrances}
    homes = {h for b, _ in emptied for e in b.entrances for h in e.households}
    for building, community in emptied:
        others = [e for b in community.buildings for e in b.entrances if e.node_id not in away and e.households]
        if not others:
            continue
        for person in district.people:
            if person.household in homes and person.community is community:
                person.household = own.choice(own.choice(others).households)
        if not any(p.household in homes for p in district.people if p.org is not None):
            ctx.flag("building-without-resident-member", building.node_id)


def write_people(ctx: Context, district: DistrictPlan) -> None:
    """Write every person (``persons``), and where each lives, works and is a member (``members``).

    Gender (性别) and status (人员类别) are written for Party members only: no other roster carries them.
    A few members moved here from another org: their old MEMBER_OF period is ended the day the
    new one starts.
    """
    rng = ctx.rng
    persons, links = ctx.batch("persons"), ctx.batch("members")
    moved = {p.node_id for p in ctx.pick([m for m in district.people if m.org], MOVED_SHARE)}
    for p in district.people:
        member = p.org is not None
        person = Person.from_id_number(
            ctx.key,
            p.id_number,
            name=p.name,
            phone=p.phone,
            gender=p.gender if member else None,
            status=p.status if member else None,
            rank=p.rank,
            party_member=True if member else None,  # as the members roster states it
            party_member_source="members" if member else None,
        )
        persons.put(person)
        if p.household is not None:
            links.link(LinkKind.LIVES_IN, p.node_id, p.household, start=ctx.start())
        if p.unit is not None:
            links.link(LinkKind.WORKS_AT, p.node_id, p.unit.node_id, start=ctx.start())
        if p.org is None:
            continue
        if p.node_id in moved:
            before = rng.choice(district.orgs)
            if before == p.org:
                before = district.org
            joined, moved_on = rng.randint(1500, 2920), rng.randint(365, 1400)
            links.link(LinkKind.MEMBER_OF, p.node_id, before, start=ctx.day(joined))
            links.unlink(LinkKind.MEMBER_OF, p.node_id, before, end=ctx.day(moved_on))
            links.link(LinkKind.MEMBER_OF, p.node_id, p.org, start=ctx.day(moved_on))
        else:
            links.link(LinkKind.MEMBER_OF, p.node_id, p.org, start=ctx.start())


def register(ctx: Context, district: DistrictPlan) -> None:
    """Dual registration (双报到): units with the community they are in, in-service members where they live.

    Personal registrations carry the tasks claimed (认领任务) and service hours logged (服务时长).
    """
    rng = ctx.rng
    batch = ctx.batch("registration")
    skipped = {u.node_id for u in ctx.pick(district.units, UNIT_UNREGISTERED_SHARE)}
    for unit in district.units:
        if unit.node_id in skipped:
            if not unit.at_district:  # a unit of the district sits in no community: the norm does not bind it
                ctx.flag("unit-not-registered", unit.node_id)
        else:
            batch.link(LinkKind.REGISTERED_WITH, unit.node_id, unit.community.node_id, start=ctx.start())
    in_service = [m for m in district.members if m.status is MemberStatus.IN_SERVICE and m.community and m.household]
    skipped = {m.node_id for m in ctx.pick(in_service, UNREGISTERED_SHARE)}
    for member in in_service:
        assert member.community is not None
        if member.node_id in skipped:
            ctx.flag("member-not-registered", member.node_id)
            continue
        attrs = {"tasks": rng.randint(0, 6), "service_hours": rng.randint(0, 120)}
        batch.link(LinkKind.REGISTERED_WITH, member.node_id, member.community.node_id, start=ctx.start(), attrs=attrs)
