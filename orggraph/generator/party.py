"""Party organisations (党组织): one tree under the district committee, and their posts.

The five levels: the district committee (区委) leads a street working committee (街道党工委) per
street; each leads a community Party committee (社区党委) or general branch (党总支), which leads a
branch per compound (小区党支部) and for some basic grids (网格党支部), and a group per building
(楼栋党小组). Unit Party orgs (单位党组织) sit under the district organs' working committee
(区直机关工委), their street's working committee, or — property companies, red property (红色物业) —
their community's org. Every org has a secretary (书记; a group its leader, 党小组长) except a few
vacant posts; committees and general branches also have deputies (副书记) and members (委员). The
community secretary is also director of the residents' committee (一肩挑).
"""

from __future__ import annotations

from orggraph.generator.context import Context
from orggraph.generator.people import employ, reserve
from orggraph.generator.plans import CommunityPlan, DistrictPlan, PersonPlan, UnitPlan
from orggraph.generator.units import CORE_ORGANS
from orggraph.model.enums import MemberStatus, OrgKind, Rank, UnitKind
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import PartyOrg, node_id

#: Share of orgs whose secretary post is vacant (``org-without-secretary``).
VACANT_SHARE = 0.03
#: Share of compounds without a branch and of buildings without a group.
NO_BRANCH_SHARE = NO_GROUP_SHARE = 0.05
#: Share of basic grids with a grid branch of their own.
GRID_BRANCH_SHARE = 0.2
_RESIDENT = (MemberStatus.RETIRED, MemberStatus.OTHER)
_AT_HOME = (MemberStatus.RETIRED, MemberStatus.OTHER, MemberStatus.IN_SERVICE)
_SECRETARY, _DEPUTY, _COMMITTEE = LinkKind.SECRETARY_OF, LinkKind.DEPUTY_SECRETARY_OF, LinkKind.COMMITTEE_MEMBER_OF


def org_id(code: str) -> str:
    """The node id of the Party org whose code (组织编码) is ``code``."""
    return node_id(NodeKind.PARTY_ORG, code)


def _hold(district: DistrictPlan, people: list[PersonPlan], org: str, deputies: int) -> None:
    """Post ``people`` to ``org``: the first as secretary, the next ``deputies`` as deputies, the rest as members."""
    for i, person in enumerate(people):
        kind = _SECRETARY if i == 0 else _DEPUTY if i <= deputies else _COMMITTEE
        district.posts.append((kind, person, org))


def plan_orgs(ctx: Context, district: DistrictPlan) -> None:
    """Decide the org tree and the leading posts, before the remaining members get their units.

    District committee members work at the core organs (处级); working committee members at their
    street office (科级); community secretaries at their street office too, and belong to the
    community org they lead.
    """
    rng = ctx.rng
    district.org = org_id(f"P{district.code}")
    in_service = [m for m in district.members if m.status is MemberStatus.IN_SERVICE]
    organs = district.units_of(UnitKind.ORGAN)[:CORE_ORGANS]
    leaders = reserve(ctx, in_service, 10)
    for i, person in enumerate(leaders):
        employ(person, organs[0] if i < 4 else organs[i % len(organs)])
        person.rank = Rank.DIVISION
    _hold(district, leaders, district.org, 3)
    for street in district.streets:
        assert street.office is not None
        street.org = org_id(f"P{street.code}")
        pool = [m for c in street.communities for m in c.residents if m.status is MemberStatus.IN_SERVICE]
        committee = reserve(ctx, pool, 7)
        for person in committee:
            employ(person, street.office)
            person.rank = Rank.SECTION
        _hold(district, committee, street.org, 2)
        for community in street.communities:
            _plan_community(ctx, district, community, street.office)
    no_branch = {c.node_id for c in ctx.pick(district.compounds, NO_BRANCH_SHARE)}
    no_group = {b.node_id for b in ctx.pick(district.buildings, NO_GROUP_SHARE)}
    for compound in district.compounds:
        if compound.node_id in no_branch:
            ctx.flag("compound-without-branch", compound.node_id)
        else:
            compound.branch = org_id(f"P{compound.code}")
        for b, building in enumerate(compound.buildings, start=1):
            if building.node_id in no_group:
                ctx.flag("building-without-group", building.node_id)
            else:
                building.group = org_id(f"P{compound.code}B{b:02d}")
    for grid in district.basic_grids:
        if rng.random() < GRID_BRANCH_SHARE:
            grid.branch = org_id(f"P{grid.code}")


def _plan_community(ctx: Context, district: DistrictPlan, community: CommunityPlan, office: UnitPlan) -> None:
    """The community org (社区党委 / 党总支), its secretary-director (一肩挑), deputies and members."""
    rng = ctx.rng
    community.org = org_id(f"P{community.code}")
    community.org_kind = OrgKind.PARTY_COMMITTEE if rng.random() < 0.6 else OrgKind.GENERAL_BRANCH
    big = community.org_kind is OrgKind.PARTY_COMMITTEE
    secretary = []
    if rng.random() >= VACANT_SHARE:
        secretary = reserve(ctx, [m for m in community.residents if m.status is MemberStatus.IN_SERVICE], 1)
    if not secretary:
        ctx.flag("org-without-secretary", community.org)
    for person in secretary:
        employ(person, office)
    deputies = reserve(ctx, [m for m in community.residents if m.status in _AT_HOME], rng.randint(1, 2) + big)
    members = reserve(ctx, [m for m in community.residents if m.status in _AT_HOME], rng.randint(2, 3) + 2 * big)
    for person in (*secretary, *deputies, *members):
        person.org = community.org
    district.posts.extend((_DEPUTY, p, community.org) for p in deputies)
    district.posts.extend((_COMMITTEE, p, community.org) for p in members)
    district.posts.extend((_SECRETARY, p, community.org) for p in secretary)
    director = (secretary or deputies)[:1]
    district.posts.extend((LinkKind.DIRECTOR_OF, p, community.node_id) for p in director)


def write_orgs(ctx: Context, district: DistrictPlan) -> None:
    """Write the org tree (SUBORDINATE_TO), their areas (RESPONSIBLE_FOR), units (PARTY_ORG_OF) and posts."""
    writer = _OrgWriter(ctx, district)
    d = district.name
    organs_org = org_id(f"PJ{district.code}")
    writer.org(district.org, f"中共{d}委员会", OrgKind.DISTRICT_COMMITTEE, None, district.node_id)
    writer.org(organs_org, f"中共{d}直属机关工作委员会", OrgKind.WORKING_COMMITTEE, district.org, None)
    head = [p for kind, p, o in district.posts if o == district.org and kind is _COMMITTEE][:1]
    district.posts.extend((_SECRETARY, p, organs_org) for p in head)
    for street in district.streets:
        writer.org(street.org, f"中共{street.name}工作委员会", OrgKind.WORKING_COMMITTEE, district.org, street.node_id)
        alliance = org_id(f"PA{street.code}")
        writer.org(alliance, f"{street.name}区域化党建联盟", OrgKind.ALLIANCE, street.org, None)
        head = [p for kind, p, o in district.posts if o == street.org and kind is _SECRETARY]
        district.posts.extend((_SECRETARY, p, alliance) for p in head)
        for community in street.communities:
            suffix = "委员会" if community.org_kind is OrgKind.PARTY_COMMITTEE else "总支部委员会"
            writer.org(
                community.org, f"中共{community.name}{suffix}", community.org_kind, street.org, community.node_id
            )
            writer.community(community)
    office_of = {s.office.node_id: s for s in district.streets if s.office is not None}
    for unit in district.units:
        if unit.org is None:
            continue
        if unit.node_id in office_of:
            parent = office_of[unit.node_id].org
        elif unit.kind in (UnitKind.PRIVATE_ENTERPRISE, UnitKind.SOCIAL_ORG):
            parent = unit.community.street.org
        elif unit.kind is UnitKind.PROPERTY_COMPANY:
            parent = unit.community.org
        else:
            parent = organs_org
        writer.unit(unit, parent)
    _assign_members(district)
    posts = ctx.batch("posts")
    for kind, person, target in district.posts:
        posts.link(kind, person.node_id, target, start=ctx.start())


class _OrgWriter:
    """Writes org nodes with their parent and area, and fills their posts (or leaves one vacant)."""

    def __init__(self, ctx: Context, district: DistrictPlan) -> None:
        self.ctx = ctx
        self.district = district
        self.batch = ctx.batch("orgs")

    def org(self, org: str, name: str, kind: OrgKind, parent: str | None, area: str | None) -> None:
        since = self.ctx.start()
        self.batch.put(PartyOrg(code=org.split(":", 1)[1], name=name, org_kind=kind))
        if parent is not None:
            self.batch.link(LinkKind.SUBORDINATE_TO, org, parent, start=since)
        if area is not None:
            self.batch.link(LinkKind.RESPONSIBLE_FOR, org, area, start=since)
        self.district.orgs.append(org)

    def posts(self, org: str, pool: list[PersonPlan], *, deputies: int = 0, members: int = 0) -> None:
        """A secretary from ``pool`` (or a vacancy, ``org-without-secretary``), deputies and members."""
        rng = self.ctx.rng
        people = rng.sample(pool, min(len(pool), 1 + deputies + members))
        if people and rng.random() >= VACANT_SHARE:
            _hold(self.district, people, org, deputies)
            return
        self.ctx.flag("org-without-secretary", org)
        self.district.posts.extend((_DEPUTY if i < deputies else _COMMITTEE, p, org) for i, p in enumerate(people[1:]))

    def community(self, community: CommunityPlan) -> None:
        """Compound and grid branches (党支部) and building groups (党小组) of one community."""
        rng = self.ctx.rng
        for compound in community.compounds:
            if compound.branch is not None:
                self.org(compound.branch, f"{compound.name}党支部", OrgKind.BRANCH, community.org, compound.node_id)
                residents = [m for b in compound.buildings for m in b.members if m.status in _RESIDENT]
                self.posts(compound.branch, residents, members=rng.randint(0, 2))
            parent = compound.branch or community.org
            for building in compound.buildings:
                if building.group is None:
                    continue
                name = f"{compound.name}{building.label}党小组"
                self.org(building.group, name, OrgKind.GROUP, parent, building.node_id)
                members = building.members
                leaders = [m for m in members if m.status in _RESIDENT]
                self.posts(building.group, leaders or [m for m in members if m.status is MemberStatus.IN_SERVICE])
        for grid in community.basic_grids:
            if grid.branch is not None:
                self.org(grid.branch, f"{grid.name}党支部", OrgKind.BRANCH, community.org, grid.node_id)
                residents = [m for b in grid.buildings for m in b.members if m.status in _AT_HOME]
                self.posts(grid.branch, residents, members=rng.randint(0, 2))

    def unit(self, unit: UnitPlan, parent: str) -> None:
        """A unit's Party org (单位党组织), PARTY_ORG_OF the unit, its posts from the unit's staff."""
        assert unit.org is not None
        staff = len(unit.staff)
        kind = OrgKind.PARTY_COMMITTEE if staff >= 60 else OrgKind.GENERAL_BRANCH if staff >= 20 else OrgKind.BRANCH
        suffix = {OrgKind.PARTY_COMMITTEE: "委员会", OrgKind.GENERAL_BRANCH: "总支部委员会"}.get(kind, "支部委员会")
        self.org(unit.org, f"中共{unit.name}{suffix}", kind, parent, None)
        self.batch.link(LinkKind.PARTY_ORG_OF, unit.org, unit.node_id, start=self.ctx.start())
        big = kind is not OrgKind.BRANCH
        self.posts(unit.org, unit.staff, deputies=big + (kind is OrgKind.PARTY_COMMITTEE), members=2 + 2 * big)


def _assign_members(district: DistrictPlan) -> None:
    """Each member's org (MEMBER_OF): as posted, else the unit's org, else the nearest area org."""
    for building in district.buildings:
        compound = building.compound
        home_org = building.group or compound.branch or compound.community.org
        for member in building.members:
            if member.org is not None:
                continue
            unit = member.unit
            if member.status is MemberStatus.IN_SERVICE and unit is not None and unit.org is not None:
                member.org = unit.org
            else:
                member.org = home_org
