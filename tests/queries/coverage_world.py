"""A tiny hand-drawn district for the coverage tests: every norm met, so a test adds exactly one gap.

One district ``D`` with one street ``S1`` (working committee ``PS1``) and two communities, ``CA`` and
``CB``. Each community ``C<x>`` (residents 500, org ``PC<x>``) has one basic grid ``G<x>`` staffed by
the three roles, one compound ``X<x>`` (branch ``PX<x>``, managed by the property company ``V<x>``,
an owners' committee with a Party member), one building ``X<x>/1号楼`` (group ``PX<x>B1``), one
entrance ``X<x>/1号楼/1单元`` and two households ``H<x>1`` (the central household) and ``H<x>2``.
The member ``M<x>`` lives in ``H<x>1``, is registered with the community and contacts both
households; two division-level cadres liaise with the community; the unit ``U<x>`` is registered
and runs a live project ``J<x>``. Every org has a secretary.
"""

from __future__ import annotations

from typing import Any

from orggraph.model import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    LinkKind,
    Node,
    OrgKind,
    OwnersCommittee,
    PartyOrg,
    Person,
    Project,
    Street,
    Unit,
    UnitKind,
)
from orggraph.pii import PiiKey
from orggraph.store import Batch, MemoryStore
from queries.coverage import CoverageResult, Finding, run_coverage
from queries.policy import Policy, load_policy

L = LinkKind
#: The day every test reads the graph as of, and the day every link starts.
DAY = "2025-06-30"
START = "2021-03-01"


class World:
    """A batch being drawn, with helpers that name nodes as the tests expect."""

    def __init__(self) -> None:
        self.batch = Batch("world")
        self.persons = 0
        #: The ids of the persons given a name, by name.
        self.named: dict[str, str] = {}

    def put(self, node: Node, parent: str | None = None) -> str:
        """Put ``node`` (PART_OF ``parent`` when given) and return its id."""
        self.batch.put(node)
        if parent is not None:
            self.link(L.PART_OF, node.node_id, parent)
        return node.node_id

    def link(self, kind: LinkKind, source: str, target: str, start: str = START, **attrs: Any) -> None:
        self.batch.link(kind, source, target, start=start, attrs=attrs or None)

    def person(self, name: str | None = None, **fields: Any) -> str:
        """A new person whose code is ``p<n>`` and masked ID ``1307**********<nnnn>``."""
        self.persons += 1
        n = self.persons
        person = self.put(Person(code=f"p{n}", id_masked=f"1307**********{n:04d}", name=name or f"人员{n}", **fields))
        if name is not None:
            self.named[name] = person
        return person

    def org(self, code: str, kind: OrgKind, *, area: str | None = None, parent: str | None = None, secretary: bool = True) -> str:
        """A Party org responsible for ``area`` under ``parent``; with a retired member as secretary."""
        org = self.put(PartyOrg(code=code, name=f"{code}党组织", org_kind=kind))
        if area is not None:
            self.link(L.RESPONSIBLE_FOR, org, area)
        if parent is not None:
            self.link(L.SUBORDINATE_TO, org, parent)
        if secretary:
            person = self.person(status="retired")
            self.link(L.MEMBER_OF, person, org)
            self.link(L.SECRETARY_OF, person, org)
        return org

    def household(self, code: str, entrance: str, grid: str | None, room: str = "101", **fields: Any) -> str:
        household = self.put(Household(code=code, room=room, residents=fields.pop("residents", 2), **fields), entrance)
        if grid is not None:
            self.link(L.IN_GRID, household, grid)
        return household

    def unit(self, code: str, kind: UnitKind, area: str, *, org: str | None = None, registered: bool = True) -> str:
        """A work unit located in ``area``, registered there, with a Party org under ``org`` when given."""
        unit = self.put(Unit(code=code, name=f"{code}单位", unit_kind=kind))
        self.link(L.LOCATED_IN, unit, area)
        if registered:
            self.link(L.REGISTERED_WITH, unit, area)
        if org is not None:
            party = self.org(f"P{code}", OrgKind.BRANCH, parent=org)
            self.link(L.PARTY_ORG_OF, party, unit)
        return unit

    def project(
        self, code: str, unit: str, area: str, *, start: str = "2024-01-01", end: str | None = "2026-12-31", **fields: Any
    ) -> str:
        project = self.put(
            Project(code=code, name=f"{code}项目", term_start=start, term_end=end, status=fields.pop("status", "active"))
        )
        self.link(L.PROVIDES, unit, project)
        self.link(L.FOR, project, area)
        return project

    def store(self, key: PiiKey | None = None) -> MemoryStore:
        store = MemoryStore(key or PiiKey(b"k" * 32))
        store.write(self.batch)
        return store


def community(w: World, x: str, street: str, street_org: str) -> None:
    """Community ``C<x>`` with everything its norms need (see the module docstring)."""
    c = w.put(Community(code=f"C{x}", name=f"{x}社区", residents=500), street)
    pc = w.org(f"PC{x}", OrgKind.PARTY_COMMITTEE, area=c, parent=street_org)
    grid = w.put(Grid(code=f"G{x}", name=f"{x}网格", level=4), c)
    compound = w.put(Compound(code=f"X{x}", name=f"{x}小区"), c)
    branch = w.org(f"PX{x}", OrgKind.BRANCH, area=compound, parent=pc)
    building = w.put(Building.of(f"X{x}", "1号楼"), compound)
    group = w.org(f"PX{x}B1", OrgKind.GROUP, area=building, parent=branch)
    entrance = w.put(Entrance.of(f"X{x}/1号楼", "1单元"), building)
    h1 = w.household(f"H{x}1", entrance, grid, room="101")
    h2 = w.household(f"H{x}2", entrance, grid, room="102")
    w.link(L.CENTRAL_HOUSEHOLD_OF, h1, entrance)
    member = w.person(f"党员{x}", status="in_service")
    w.link(L.MEMBER_OF, member, group)
    w.link(L.LIVES_IN, member, h1)
    w.link(L.REGISTERED_WITH, member, c)
    w.link(L.CONTACTS, member, h1)
    w.link(L.CONTACTS, member, h2)
    for role in (L.COMMUNITY_WORKER_OF, L.GRID_WORKER_OF, L.PROPERTY_MANAGER_OF):
        w.link(role, w.person(), grid)
    w.link(L.GRID_LEADER_OF, member, grid)
    for _ in range(2):
        w.link(L.LIAISES_WITH, w.person(rank="division", status="in_service"), c)
    unit = w.unit(f"U{x}", UnitKind.PRIVATE_ENTERPRISE, c, org=street_org)
    w.project(f"J{x}", unit, c)
    company = w.unit(f"V{x}", UnitKind.PROPERTY_COMPANY, c, org=pc)
    w.link(L.MANAGES, company, compound)
    committee = w.put(OwnersCommittee(code=f"X{x}", name=f"{x}小区业委会"))
    w.link(L.OWNERS_COMMITTEE_OF, committee, compound)
    w.link(L.SITS_ON, member, committee)
    w.link(L.SITS_ON, w.person(), committee)


def healthy() -> World:
    """The district of the module docstring: no rule finds anything (grid size from 1)."""
    w = World()
    d = w.put(District(code="D", name="示例区"))
    pd = w.org("PD", OrgKind.DISTRICT_COMMITTEE, area=d)
    s = w.put(Street(code="S1", name="新华街道"), d)
    ps = w.org("PS1", OrgKind.WORKING_COMMITTEE, area=s, parent=pd)
    for x in ("A", "B"):
        community(w, x, s, ps)
    return w


def policy(rule: str | None = None, **params: Any) -> Policy:
    """The shipped policy, grid size from 1 (the tiny grids), with ``params`` laid over ``rule``'s."""
    base = load_policy(None)
    coverage = dict(base.coverage)
    size = coverage["grid-size-out-of-range"]
    coverage["grid-size-out-of-range"] = size.model_copy(update={"params": {**size.params, "min": 1}})
    if rule is not None:
        coverage[rule] = coverage[rule].model_copy(update={"params": {**coverage[rule].params, **params}})
    return base.model_copy(update={"coverage": coverage})


def run(
    store: MemoryStore, rule: str | None = None, *, as_of: str = DAY, scope: str | None = None, **params: Any
) -> CoverageResult:
    """Run one rule (all when ``None``) with ``params`` over ``store``."""
    return run_coverage(store.view(as_of), rules=None if rule is None else [rule], scope=scope, policy=policy(rule, **params))


def gaps(store: MemoryStore, rule: str, *, as_of: str = DAY, scope: str | None = None, **params: Any) -> list[Finding]:
    """The findings of ``rule`` alone."""
    return run(store, rule, as_of=as_of, scope=scope, **params).findings


def nodes(findings: list[Finding]) -> list[str]:
    """The node ids of ``findings``, in their order."""
    return [f.node for f in findings]
