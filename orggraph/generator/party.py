"""Party organisations (党组织): one tree under the district committee, and their posts.

The five levels: the district committee (区委) leads a street working committee (街道党工委) per
street; each leads a community Party committee (社区党委) or general branch (党总支), which leads a
branch per compound (小区党支部) and for some basic grids (网格党支部), and a group per building
(楼栋党小组). Unit Party orgs (单位党组织) sit under the district organs' working committee
(区直机关工委), their street's working committee, or — property companies, red property (红色物业) —
their community's org. Every org has a secretary (书记; a group its leader, 党小组长) except a few
vacant posts; committees and general branches also have deputies (副书记) and members (委员). The
community secretary is also director of the residents' committee (一肩挑).

As the members roster (党员名册) records it — one 所在党组织编码 and one 党内职务 in that org a row —
whoever holds a post holds only that one, and is a member (MEMBER_OF) of the org he or she holds it in.
"""

from __future__ import annotations

from orggraph.generator.context import Context
from orggraph.generator.people import employ, reserve
from orggraph.generator.plans import CommunityPlan, DistrictPlan, PersonPlan, UnitPlan
from orggraph.generator.units import CORE_ORGANS
from orggraph.model.enums import MemberStatus, OrgKind, UnitKind
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


def alliance_id(street_code: str) -> str:
    """The node id of the Party-building alliance (区域化党建联盟) of the street ``street_code``."""
    return org_id(f"PA{street_code}")


def organs_org_id(district: DistrictPlan) -> str:
    """The node id of the district organs' working committee (区直机关工委)."""
    return org_id(f"PJ{district.code}")


def _post(district: DistrictPlan, kind: LinkKind, person: PersonPlan, org: str) -> None:
    """``person`` holds the post ``kind`` in ``org``, and so is a member of it; nobody holds two posts."""
    assert person.org is None, "a person holds one post, in the org he or she is a member of"
    person.org = org
    district.posts.append((kind, person, org))


def _hold(district: DistrictPlan, people: list[PersonPlan], org: str, deputies: int) -> None:
    """Post ``people`` to ``org``: the first as secretary, the next ``deputies`` as deputies, the rest as members."""
    for i, person in enumerate(people):
        _post(district, _SECRETARY if i == 0 else _DEPUTY if i <= deputies else _COMMITTEE, person, org)


def _lead(ctx: Context, district: DistrictPlan, people: list[PersonPlan], org: str, deputies: int) -> None:
    """Like :func:`_hold`; with nobody left to post, the secretary's post is vacant (``org-without-secretary``)."""
    if not people:
        ctx.flag("org-without-secretary", org)
    _hold(district, people, org, deputies)


def _first_free(pools: tuple[list[PersonPlan], ...]) -> list[PersonPlan]:
    """The people not yet a member of an org (and so holding no post) of the first of ``pools`` that has any."""
    for pool in pools:
        free = [p for p in pool if p.org is None]
        if free:
            return free
    return []


def plan_orgs(ctx: Context, district: DistrictPlan) -> None:
    """Decide the org tree and the leading posts, before the remaining members get their units.

    District committee members, and the secretary of the organs' working committee, work at the core
    organs; street working committee members, and the secretary of the street's Party-building
    alliance, at their street office; community secretaries at their street office too. Each is a
    member of the org he or she holds a post in.
    """
    rng = ctx.rng
    district.org = org_id(f"P{district.code}")
    in_service = [m for m in district.members if m.status is MemberStatus.IN_SERVICE]
    organs = district.units_of(UnitKind.ORGAN)[:CORE_ORGANS]
    leaders = reserve(ctx, in_service, 11)
    for i, person in enumerate(leaders):
        employ(person, organs[0] if i < 4 else organs[i % len(organs)])
    _lead(ctx, district, leaders[:10], district.org, 3)
    _lead(ctx, district, leaders[10:], organs_org_id(district), 0)
    for street in district.streets:
        assert street.office is not None
        street.org = org_id(f"P{street.code}")
        pool = [m for c in street.communities for m in c.residents if m.status is MemberStatus.IN_SERVICE]
        committee = reserve(ctx, pool, 8)
        for person in committee:
            employ(person, street.office)
        _lead(ctx, district, committee[:7], street.org, 2)
        _lead(ctx, district, committee[7:], alliance_id(street.code), 0)
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
    for person in deputies:
        _post(district, _DEPUTY, person, community.org)
    for person in members:
        _post(district, _COMMITTEE, person, community.org)
    for person in secretary:
        _post(district, _SECRETARY, person, community.org)
    director = (secretary or deputies)[:1]
    district.posts.extend((LinkKind.DIRECTOR_OF, p, community.node_id) for p in director)


def write_orgs(ctx: Context, district: DistrictPlan) -> None:
    """Write the org tree (SUBORDINATE_TO), their areas (RESPONSIBLE_FOR), units (PARTY_ORG_OF) and posts."""
    writer = _OrgWriter(ctx, district)
    d = district.name
    organs_org = organs_org_id(district)
    writer.org(district.org, f"中共{d}委员会", OrgKind.DISTRICT_COMMITTEE, None, district.node_id)
    writer.org(organs_org, f"中共{d}直属机关工作委员会", OrgKind.WORKING_COMMITTEE, district.org, None)
    for street in district.streets:
        writer.org(street.org, f"中共{street.name}工作委员会", OrgKind.WORKING_COMMITTEE, district.org, street.node_id)
        alliance = alliance_id(street.code)
        writer.org(alliance, f"{street.name}区域化党建联盟", OrgKind.ALLIANCE, street.org, None)
        for community in street.communities:
            suffix = "委员会" if community.org_kind is OrgKind.PARTY_COMMITTEE else "总支部委员会"
            writer.org(community.org, f"中共{community.name}{suffix}", community.org_kind, street.org, community.node_id)
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
    writer.fill()
    _assign_members(district)
    posts = ctx.batch("posts")
    for kind, person, target in district.posts:
        posts.link(kind, person.node_id, target, start=ctx.start())


#: The order secretaries are chosen in: unit orgs from their staff, then building groups from the few
#: members of their building, then branches from their compound or grid.
_UNIT_STAGE, _GROUP_STAGE, _BRANCH_STAGE = 0, 1, 2


class _OrgWriter:
    """Writes org nodes with their parent and area, then fills their posts (or leaves one vacant)."""

    def __init__(self, ctx: Context, district: DistrictPlan) -> None:
        self.ctx = ctx
        self.district = district
        self.batch = ctx.batch("orgs")
        self.pending: list[tuple[int, str, tuple[list[PersonPlan], ...], int, int]] = []

    def org(self, org: str, name: str, kind: OrgKind, parent: str | None, area: str | None) -> None:
        since = self.ctx.start()
        self.batch.put(PartyOrg(code=org.split(":", 1)[1], name=name, org_kind=kind))
        if parent is not None:
            self.batch.link(LinkKind.SUBORDINATE_TO, org, parent, start=since)
        if area is not None:
            self.batch.link(LinkKind.RESPONSIBLE_FOR, org, area, start=since)
        self.district.orgs.append(org)

    def posts(self, stage: int, org: str, *pools: list[PersonPlan], deputies: int = 0, members: int = 0) -> None:
        """Post ``org`` at ``stage`` from the first of ``pools`` with anyone left who holds no post yet."""
        self.pending.append((stage, org, pools, deputies, members))

    def fill(self) -> None:
        """Fill the posts: every org's secretary first (or a vacancy, ``org-without-secretary``), stage by
        stage, then deputies and members from who is left; each person is posted once, in his or her own org.
        """
        rng = self.ctx.rng
        pending = sorted(self.pending, key=lambda p: p[0])
        for _, org, pools, _, _ in pending:
            pool = _first_free(pools)
            if pool and rng.random() >= VACANT_SHARE:
                _post(self.district, _SECRETARY, rng.choice(pool), org)
            else:
                self.ctx.flag("org-without-secretary", org)
        for _, org, pools, deputies, members in pending:
            pool = _first_free(pools)
            for i, person in enumerate(rng.sample(pool, min(len(pool), deputies + members))):
                _post(self.district, _DEPUTY if i < deputies else _COMMITTEE, person, org)

    def community(self, community: CommunityPlan) -> None:
        """Compound and grid branches (党支部) and building groups (党小组) of one community."""
        rng = self.ctx.rng
        for compound in community.compounds:
            residents = [m for b in compound.buildings for m in b.members if m.status in _RESIDENT]
            if compound.branch is not None:
                self.org(compound.branch, f"{compound.name}党支部", OrgKind.BRANCH, community.org, compound.node_id)
                self.posts(_BRANCH_STAGE, compound.branch, residents, members=rng.randint(0, 2))
            parent = compound.branch or community.org
            for building in compound.buildings:
                if building.group is None:
                    continue
                name = f"{compound.name}{building.label}党小组"
                self.org(building.group, name, OrgKind.GROUP, parent, building.node_id)
                members = building.members
                leaders = [m for m in members if m.status in _RESIDENT]
                in_service = [m for m in members if m.status is MemberStatus.IN_SERVICE]
                self.posts(_GROUP_STAGE, building.group, leaders, in_service, residents)
        for grid in community.basic_grids:
            if grid.branch is not None:
                self.org(grid.branch, f"{grid.name}党支部", OrgKind.BRANCH, community.org, grid.node_id)
                residents = [m for b in grid.buildings for m in b.members if m.status in _AT_HOME]
                self.posts(_BRANCH_STAGE, grid.branch, residents, members=rng.randint(0, 2))

    def unit(self, unit: UnitPlan, parent: str) -> None:
        """A unit's Party org (单位党组织), PARTY_ORG_OF the unit, its posts from the unit's staff."""
        assert unit.org is not None
        staff = len(unit.staff)
        kind = OrgKind.PARTY_COMMITTEE if staff >= 60 else OrgKind.GENERAL_BRANCH if staff >= 20 else OrgKind.BRANCH
        suffix = {OrgKind.PARTY_COMMITTEE: "委员会", OrgKind.GENERAL_BRANCH: "总支部委员会"}.get(kind, "支部委员会")
        self.org(unit.org, f"中共{unit.name}{suffix}", kind, parent, None)
        self.batch.link(LinkKind.PARTY_ORG_OF, unit.org, unit.node_id, start=self.ctx.start())
        big = kind is not OrgKind.BRANCH
        deputies = big + (kind is OrgKind.PARTY_COMMITTEE)
        self.posts(_UNIT_STAGE, unit.org, unit.staff, deputies=deputies, members=2 + 2 * big)


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
