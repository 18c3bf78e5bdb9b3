"""Grid staff (一格三员, 网格长, 执法队员) and owners' committees (业委会).

Every basic grid gets one or more community workers (社区工作者), a full-time grid worker (专职网格员)
and a property manager (物业管理员) — except a few grids that miss one of the three
(``grid-missing-role``; nobody is made up for the missing role) — and a grid leader (网格长), most
often a Party member living there. Every seventh community has a single community worker per grid,
too few for its residents (``community-worker-ratio``). About one grid in three has an enforcement officer (执法队员).

About 60 % of compounds have an owners' committee of five to nine owners, roughly half of them Party
members; a few committees have none (``owners-committee-without-party-member``).

Staff and owners who are not Party members are known only from the grid-staff roster (name, ID number,
phone) and the owners'-committee roster (name, ID number): they get nothing else — no gender, home or
work unit, and owners no phone.
"""

from __future__ import annotations

from orggraph.generator.context import Context
from orggraph.generator.people import new_person
from orggraph.generator.plans import CompoundPlan, DistrictPlan, GridPlan, PersonPlan
from orggraph.model.enums import MemberStatus
from orggraph.model.kinds import LinkKind
from orggraph.model.nodes import OwnersCommittee

#: The three roles every basic grid needs (一格三员).
THREE_ROLES = (LinkKind.COMMUNITY_WORKER_OF, LinkKind.GRID_WORKER_OF, LinkKind.PROPERTY_MANAGER_OF)
MISSING_ROLE_SHARE = 0.05
ENFORCEMENT_SHARE = 1 / 3
#: Share of grid leaders who are Party members living in the grid.
MEMBER_LEADER_SHARE = 0.7
OWNERS_COMMITTEE_SHARE = 0.6
#: Every seventh community (the first included) has one community worker per grid, too few for its
#: residents (``community-worker-ratio``, the shipped norm: 18 per 10,000).
THIN_EVERY = 7
WORKERS_PER_10000 = 18
NO_PARTY_MEMBER_SHARE = 0.1


def write_grid_staff(ctx: Context, district: DistrictPlan) -> None:
    """Staff every basic grid (COMMUNITY_WORKER_OF, GRID_WORKER_OF, PROPERTY_MANAGER_OF, GRID_LEADER_OF …)."""
    rng = ctx.rng
    missing = {g.node_id for g in ctx.pick(district.basic_grids, MISSING_ROLE_SHARE)}
    # chosen without the random source, so the rest of the district is drawn as before
    thin = {c.node_id for c in district.communities[::THIN_EVERY]}
    workers_of: dict[str, int] = {}
    for grid in district.basic_grids:
        dropped = rng.choice(THREE_ROLES) if grid.node_id in missing else None
        if dropped is not None:
            ctx.flag("grid-missing-role", grid.node_id)
        workers = rng.choice((1, 2, 2, 2, 2, 2, 2, 2, 3, 3))
        if grid.community.node_id in thin:
            workers = 1  # the community is short of community workers (``community-worker-ratio``)
        roles = [*[LinkKind.COMMUNITY_WORKER_OF] * workers, LinkKind.GRID_WORKER_OF, LinkKind.PROPERTY_MANAGER_OF]
        # nobody is made up for a missing role: a person on no roster would be lost on import
        staff = [(role, new_person(ctx, district)) for role in roles if role is not dropped]
        staff.append((LinkKind.GRID_LEADER_OF, _leader(ctx, grid, staff)))
        if rng.random() < ENFORCEMENT_SHARE:
            staff.append((LinkKind.ENFORCEMENT_OFFICER_OF, new_person(ctx, district)))
        batch = ctx.batch("grid-staff")
        for role, person in staff:
            batch.link(role, person.node_id, grid.node_id, start=ctx.start())
            if role is LinkKind.COMMUNITY_WORKER_OF:
                workers_of[grid.community.node_id] = workers_of.get(grid.community.node_id, 0) + 1
    for community in district.communities:
        residents = sum(g.residents for g in community.basic_grids)
        if community.node_id in thin and workers_of.get(community.node_id, 0) * 10_000 < WORKERS_PER_10000 * residents:
            ctx.flag("community-worker-ratio", community.node_id)


def _leader(ctx: Context, grid: GridPlan, staff: list[tuple[LinkKind, PersonPlan]]) -> PersonPlan:
    """The grid leader (网格长): mostly a Party member living in the grid, else one of its staff."""
    residents = [m for b in grid.buildings for m in b.members if m.status is not MemberStatus.MOBILE]
    if residents and ctx.rng.random() < MEMBER_LEADER_SHARE:
        return ctx.rng.choice(residents)
    return staff[0][1]


def write_owners_committees(ctx: Context, district: DistrictPlan) -> None:
    """Owners' committees (OWNERS_COMMITTEE_OF compound) and who sits on them (SITS_ON, with ``post``)."""
    batch = ctx.batch("owners-committees")
    chosen = ctx.pick(district.compounds, OWNERS_COMMITTEE_SHARE)
    without = {c.node_id for c in ctx.pick(chosen, NO_PARTY_MEMBER_SHARE)}
    for compound in chosen:
        committee = OwnersCommittee(code=compound.code, name=f"{compound.name}业主委员会")
        batch.put(committee)
        batch.link(LinkKind.OWNERS_COMMITTEE_OF, committee.node_id, compound.node_id, start=ctx.start())
        seats = _seats(ctx, district, compound, party=compound.node_id not in without)
        if not any(p.org for p in seats):
            ctx.flag("owners-committee-without-party-member", committee.node_id)
        else:
            district.party_committees.append(compound)
        for i, person in enumerate(seats):
            post = "主任" if i == 0 else "副主任" if i < 3 else "委员"
            batch.link(LinkKind.SITS_ON, person.node_id, committee.node_id, start=ctx.start(), attrs={"post": post})


def _seats(ctx: Context, district: DistrictPlan, compound: CompoundPlan, *, party: bool) -> list[PersonPlan]:
    """Five to nine owners: roughly half Party members living in the compound (none if not ``party``)."""
    rng = ctx.rng
    seats = rng.randint(5, 9)
    members = [m for b in compound.buildings for m in b.members if m.status is not MemberStatus.MOBILE]
    count = min(len(members), max(1, round(seats * rng.uniform(0.3, 0.65)))) if party else 0
    people = rng.sample(members, count)
    for _ in range(seats - count):
        owner = new_person(ctx, district, ages=(30, 75))
        owner.phone = None  # the owners' committee roster has no phone column
        people.append(owner)
    rng.shuffle(people)
    return people
