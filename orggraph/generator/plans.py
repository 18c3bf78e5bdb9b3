"""The plan of a synthetic district: plain records the generator fills in before and while it writes.

Each record keeps the node id it is written as, and what later steps of the generator need to know
about it (who lives where, which org leads which area). Lists keep their order, so a seed gives the
same district again; nothing here is ever iterated as a set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orggraph.model.enums import Gender, MemberStatus, OrgKind, Rank, UnitKind
from orggraph.model.kinds import LinkKind


@dataclass(slots=True, eq=False)
class PersonPlan:
    """A person (人员) to be written; ``org`` set makes a Party member (党员).

    Only what a roster the person is on carries is written: ``gender`` and ``status`` only for members,
    ``rank`` only for liaison cadres, ``phone`` only for members and grid staff (``None`` otherwise),
    ``household`` only for members, ``unit`` only for members and liaison cadres.
    """

    node_id: str
    id_number: str
    name: str
    gender: Gender
    phone: str | None
    status: MemberStatus | None = None
    rank: Rank | None = None
    household: str | None = None
    community: CommunityPlan | None = None
    unit: UnitPlan | None = None
    org: str | None = None
    reserved: bool = False


@dataclass(slots=True, eq=False)
class EntrancePlan:
    """An entrance (单元) and its households (户), rooms in floor order."""

    node_id: str
    households: list[str]
    members: list[PersonPlan] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class BuildingPlan:
    """A building (楼栋) of a compound; ``grid`` is the basic grid all its households are in."""

    node_id: str
    label: str
    compound: CompoundPlan
    built: str
    entrances: list[EntrancePlan] = field(default_factory=list)
    grid: GridPlan | None = None
    group: str | None = None

    @property
    def members(self) -> list[PersonPlan]:
        return [m for entrance in self.entrances for m in entrance.members]


@dataclass(slots=True, eq=False)
class CompoundPlan:
    """A residential compound (小区) with its property company (物业企业) and Party branch (党支部)."""

    node_id: str
    code: str
    name: str
    community: CommunityPlan
    buildings: list[BuildingPlan] = field(default_factory=list)
    property_company: UnitPlan | None = None
    branch: str | None = None


@dataclass(slots=True, eq=False)
class GridPlan:
    """A grid (网格); basic grids (level 4) hold buildings, level-3 grids hold basic grids."""

    node_id: str
    code: str
    name: str
    level: int
    community: CommunityPlan
    buildings: list[BuildingPlan] = field(default_factory=list)
    children: list[GridPlan] = field(default_factory=list)
    branch: str | None = None
    residents: int = 0

    @property
    def households(self) -> int:
        return sum(len(e.households) for b in self.buildings for e in b.entrances)


@dataclass(slots=True, eq=False)
class CommunityPlan:
    """A community (社区) of a street, with its compounds, grids and community Party org."""

    node_id: str
    code: str
    name: str
    street: StreetPlan
    compounds: list[CompoundPlan] = field(default_factory=list)
    grids: list[GridPlan] = field(default_factory=list)
    basic_grids: list[GridPlan] = field(default_factory=list)
    org: str = ""
    org_kind: OrgKind = OrgKind.PARTY_COMMITTEE
    residents: list[PersonPlan] = field(default_factory=list)

    @property
    def buildings(self) -> list[BuildingPlan]:
        return [b for c in self.compounds for b in c.buildings]


@dataclass(slots=True, eq=False)
class StreetPlan:
    """A street (街道) of the district, with its street office (街道办事处) and working committee."""

    node_id: str
    code: str
    name: str
    communities: list[CommunityPlan] = field(default_factory=list)
    office: UnitPlan | None = None
    org: str = ""


@dataclass(slots=True, eq=False)
class UnitPlan:
    """A work unit (单位) located in a community (or, ``at_district``, at the district itself, its
    ``community`` then the one it registers with); ``org`` is its Party org, if it has one."""

    node_id: str
    name: str
    kind: UnitKind
    community: CommunityPlan
    handles: tuple[str, ...] = ()
    org: str | None = None
    staff: list[PersonPlan] = field(default_factory=list)
    at_district: bool = False


@dataclass(slots=True, eq=False)
class DistrictPlan:
    """A district (区): its code (行政区划代码), streets, work units, people and Party orgs.

    ``people`` is everyone to be written, ``members`` the Party members (党员) placed in homes,
    ``orgs`` every Party org id, ``posts`` the posts (书记, 副书记, 委员) to be written.
    """

    node_id: str
    code: str
    name: str
    streets: list[StreetPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    members: list[PersonPlan] = field(default_factory=list)
    #: The compounds whose owners' committee has Party members sitting on it.
    party_committees: list[CompoundPlan] = field(default_factory=list)
    org: str = ""
    orgs: list[str] = field(default_factory=list)
    posts: list[tuple[LinkKind, PersonPlan, str]] = field(default_factory=list)

    @property
    def communities(self) -> list[CommunityPlan]:
        return [c for s in self.streets for c in s.communities]

    @property
    def compounds(self) -> list[CompoundPlan]:
        return [p for c in self.communities for p in c.compounds]

    @property
    def buildings(self) -> list[BuildingPlan]:
        return [b for p in self.compounds for b in p.buildings]

    @property
    def basic_grids(self) -> list[GridPlan]:
        return [g for c in self.communities for g in c.basic_grids]

    def units_of(self, *kinds: UnitKind) -> list[UnitPlan]:
        return [u for u in self.units if u.kind in kinds]
