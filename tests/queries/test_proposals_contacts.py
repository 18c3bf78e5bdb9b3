"""The 1+10 proposal (联系户补齐建议) on tiny hand-drawn graphs: capacity, nearness, care first, communities."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from importers.sync import ImportOptions, import_rosters
from orggraph.errors import NotFoundError
from orggraph.model import (
    Building,
    CareTag,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    LinkKind,
    MemberStatus,
    NodeKind,
    OrgKind,
    PartyOrg,
    Person,
    Street,
)
from orggraph.pii import PiiKey, id_check_char
from orggraph.store import Batch, MemoryStore
from queries.coverage import atlas_for
from queries.policy import load_policy
from queries.proposals import propose_contacts
from queries.proposals.base import TIERS

L = LinkKind
KEY = PiiKey(b"k" * 32)
DAY = "2025-06-30"
START = "2021-03-01"
MAX = load_policy(None).rule("member-over-capacity").params["max"]


def id_number(n: int) -> str:
    """A valid ID number (GB 11643 check character), different for every ``n``."""
    first = f"13070519800101{n:03d}"
    return first + id_check_char(first)


class Town:
    """District D, street S1; communities C1 (grids G1, G2) and C2 (grid G3); compound X<c> per
    community with buildings and entrances made on demand; one Party org per community."""

    def __init__(self) -> None:
        self.batch = Batch("town")
        self.persons = 0
        self.fillers = 0
        self.made: set[str] = set()
        self.area(District(code="D"), None)
        self.area(Street(code="S1"), "area:D")
        for community, grids in (("C1", ("G1", "G2")), ("C2", ("G3",))):
            self.area(Community(code=community), "area:S1")
            for grid in grids:
                self.area(Grid(code=grid, level=4), f"area:{community}")
            self.area(Compound(code=f"X{community}"), f"area:{community}")
            self.batch.put(PartyOrg(code=f"O{community}", org_kind=OrgKind.PARTY_COMMITTEE))
            self.batch.link(L.RESPONSIBLE_FOR, f"org:O{community}", f"area:{community}", start=START)

    def area(self, node: Any, parent: str | None) -> str:
        if node.node_id not in self.made:
            self.made.add(node.node_id)
            self.batch.put(node)
            if parent is not None:
                self.batch.link(L.PART_OF, node.node_id, parent, start=START)
        return str(node.node_id)

    def entrance(self, community: str, building: str, entrance: str) -> str:
        compound = f"X{community}"
        b = self.area(Building.of(compound, building), f"area:{compound}")
        return self.area(Entrance.of(b.split(":", 1)[1], entrance), b)

    def household(
        self, code: str, community: str = "C1", building: str = "B1", entrance: str = "E1", grid: str = "G1", care: bool = False
    ) -> str:
        tags = [CareTag.LIVING_ALONE] if care else []
        self.batch.put(Household(code=code, room="101", residents=1, care_tags=tags))
        self.batch.link(L.PART_OF, f"household:{code}", self.entrance(community, building, entrance), start=START)
        self.batch.link(L.IN_GRID, f"household:{code}", f"area:{grid}", start=START)
        return f"household:{code}"

    def member(self, home: str, community: str = "C1", load: int = 0, status: MemberStatus = MemberStatus.RETIRED) -> str:
        """A member living in ``home`` who already contacts ``load`` households (fillers, in building Z)."""
        self.persons += 1
        person = Person.from_id_number(KEY, id_number(self.persons), name=f"党员{self.persons}", status=status)
        self.batch.put(person)
        self.batch.link(L.MEMBER_OF, person.node_id, f"org:O{community}", start=START)
        self.batch.link(L.LIVES_IN, person.node_id, home, start=START)
        grid = "G3" if community == "C2" else "G2"
        for _ in range(load):
            self.fillers += 1
            filler = self.household(f"F{self.fillers}", community, "Z", "E9", grid)
            self.batch.link(L.CONTACTS, person.node_id, filler, start=START)
        return person.node_id

    def contact(self, member: str, household: str) -> None:
        self.batch.link(L.CONTACTS, member, household, start=START)

    def store(self) -> MemoryStore:
        store = MemoryStore(KEY)
        store.write(self.batch)
        return store


def assigned(store: MemoryStore, **kw: Any) -> dict[str, tuple[str, str]]:
    proposal = propose_contacts(store, as_of=DAY, **kw)
    return {a.household: (a.member, a.tier) for a in proposal.assignments}


def test_every_uncontacted_household_is_assigned_when_there_is_room() -> None:
    town = Town()
    m = town.member(town.household("H0"))
    n = town.member(town.household("H1", entrance="E2"))
    town.contact(m, "household:H1")
    town.contact(n, "household:H0")
    open_ = [town.household(f"H{i}", entrance="E2") for i in (2, 3, 4)]
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert {a.household for a in proposal.assignments} == set(open_)
    assert proposal.counts == {
        "uncontacted": 3,
        "assigned": 3,
        "assigned_care_tagged": 0,
        "unassigned": 0,
        "unassigned_care_tagged": 0,
        "members_used": 1,
    }
    assert {a.member for a in proposal.assignments} == {n}  # n lives in E2: the same entrance


def test_a_member_never_contacts_his_own_home() -> None:
    town = Town()
    home = town.household("H0")
    town.member(home)
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert proposal.assignments == []
    [left] = proposal.unassigned
    assert (left.household, left.reason) == (home, "own-household")


def test_members_at_the_norm_get_nothing_and_nobody_passes_it() -> None:
    town = Town()
    full = town.member(town.household("H0"), load=MAX - 1)
    one_left = town.member(town.household("H9", entrance="E2"), load=MAX - 2)
    town.contact(full, "household:H9")
    town.contact(one_left, "household:H0")
    waiting = [town.household(f"H{i}", entrance="E3") for i in (1, 2, 3)]
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert [a.member for a in proposal.assignments] == [one_left]
    assert len(proposal.unassigned) == 2
    assert {u.reason for u in proposal.unassigned} == {"no-spare-capacity"}
    assert {a.household for a in proposal.assignments} | {u.household for u in proposal.unassigned} == set(waiting)


def test_over_loaded_members_get_nothing() -> None:
    town = Town()
    town.member(town.household("H0"), load=MAX + 3)
    town.household("H1")
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert proposal.assignments == []


def test_the_same_entrance_wins_over_the_same_grid_and_the_building_over_the_grid() -> None:
    town = Town()
    near = town.member(town.household("A0", building="B1", entrance="E1"))
    mid = town.member(town.household("B0", building="B1", entrance="E2"))
    far = town.member(town.household("C0", building="B2", entrance="E1"))
    for m, h in ((near, "B0"), (mid, "C0"), (far, "A0")):
        town.contact(m, f"household:{h}")
    town.household("T1", building="B1", entrance="E1")
    town.household("T2", building="B2", entrance="E7")
    store = town.store()
    got = assigned(store)
    assert got["household:T1"] == (near, "entrance")
    assert got["household:T2"] == (far, "building")


def test_the_grid_wins_over_the_rest_of_the_community() -> None:
    town = Town()
    in_grid = town.member(town.household("A0", building="B1", grid="G1"))
    elsewhere = town.member(town.household("B0", building="B2", grid="G2"))
    town.contact(in_grid, "household:B0")
    town.contact(elsewhere, "household:A0")
    town.household("T1", building="B3", grid="G1")
    got = assigned(town.store())
    assert got["household:T1"] == (in_grid, "grid")


def test_care_tagged_households_come_first_when_capacity_is_short() -> None:
    town = Town()
    m = town.member(town.household("A0", building="B1", entrance="E1"), load=MAX - 2)
    other = town.member(town.household("B0", building="B5", entrance="E1", grid="G2"), load=MAX - 1)
    town.contact(other, "household:A0")
    town.contact(m, "household:B0")
    plain = town.household("P1", building="B1", entrance="E1")  # same entrance as the member
    cared = town.household("Q1", building="B3", entrance="E1", grid="G2", care=True)  # far away, but care-tagged
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert [(a.household, a.tier, a.care_tags) for a in proposal.assignments] == [(cared, "community", ("living_alone",))]
    assert [u.household for u in proposal.unassigned] == [plain]
    assert proposal.counts["assigned_care_tagged"] == 1


def test_no_assignment_crosses_a_community() -> None:
    town = Town()
    town.member(town.household("A0"))
    lonely = town.household("Z1", community="C2", grid="G3")
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert all(a.household != lonely for a in proposal.assignments)
    left = next(u for u in proposal.unassigned if u.household == lonely)
    assert (left.community, left.reason) == ("area:C2", "no-spare-capacity")
    assert "no Party member" in left.message


def test_mobile_members_are_not_asked() -> None:
    town = Town()
    away = town.member(town.household("A0"), status=MemberStatus.MOBILE)
    town.household("T1")
    proposal = propose_contacts(town.store(), as_of=DAY)
    assert all(a.member != away for a in proposal.assignments)
    assert proposal.counts["assigned"] == 0


def test_a_scope_limits_the_households_but_not_the_members_of_their_community() -> None:
    town = Town()
    town.member(town.household("A0", grid="G2", building="B2"))
    inside = town.household("T1", building="B1")
    outside = town.household("T2", community="C2", grid="G3")
    proposal = propose_contacts(town.store(), as_of=DAY, scope="XC1")
    households = {a.household for a in proposal.assignments} | {u.household for u in proposal.unassigned}
    assert inside in households
    assert outside not in households
    assert proposal.scope_code == "XC1"


def test_capacity_holds_over_many_households() -> None:
    town = Town()
    members = [town.member(town.household(f"M{i}", building=f"B{i % 3}", entrance=f"E{i % 2}"), load=i * 3) for i in range(6)]
    for i in range(60):
        town.household(f"T{i}", building=f"B{i % 4}", entrance=f"E{i % 3}", grid="G1" if i % 2 else "G2", care=i % 7 == 0)
    store = town.store()
    proposal = propose_contacts(store, as_of=DAY)
    loads = {m: len(list(store.links(m, kind=L.CONTACTS, as_of=DAY))) for m in members}
    for a in proposal.assignments:
        loads[a.member] += 1
    assert max(loads.values()) <= MAX
    spare = sum(MAX - i * 3 for i in range(6) if i * 3 < MAX)
    uncontacted = proposal.counts["uncontacted"]
    assert proposal.counts["assigned"] == min(uncontacted, spare)
    # care-tagged households are never left out while a plain one is served
    if any(u.care_tags for u in proposal.unassigned):
        assert all(a.care_tags for a in proposal.assignments)


def test_to_dict_shows_masked_ids_only() -> None:
    town = Town()
    town.member(town.household("A0"))
    town.household("T1")
    data = propose_contacts(town.store(), as_of=DAY).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert id_number(1) not in text
    assert data["assignments"][0]["member"] == "1307**********" + id_number(1)[-4:]
    assert data["counts"]["assigned"] == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_roster_lists_links_in_force_and_marks_the_proposed(tmp_path: Any, suffix: str) -> None:
    town = Town()
    m = town.member(town.household("A0"), load=2)
    town.household("T1")
    proposal = propose_contacts(town.store(), as_of=DAY)
    path = proposal.write(tmp_path / f"联系户{suffix}")
    if suffix == ".csv":
        lines = path.read_text(encoding="gb18030").splitlines()
        assert lines[0] == "党员身份证号,户编码,备注"
        assert lines[1:] == [f"{id_number(1)},F1,", f"{id_number(1)},F2,", f"{id_number(1)},T1,新增 proposed"]
    assert m == proposal.assignments[0].member
    assert [u.household for u in proposal.unassigned] == ["household:A0"]


def test_the_csv_roster_imported_with_its_scope_creates_the_proposal_and_ends_nothing(tmp_path: Path) -> None:
    town = Town()
    m = town.member(town.household("A0"), load=2)
    n = town.member(town.household("A1", entrance="E2"))
    town.contact(n, "household:A0")
    town.contact(m, "household:A1")
    town.household("T1")
    town.household("T2", community="C2", grid="G3")
    outside = town.member(town.household("Z0", community="C2", grid="G3"), community="C2")
    town.contact(outside, "household:T2")
    store = town.store()
    proposal = propose_contacts(store, as_of=DAY, scope="C1")
    assert [(a.household, a.member) for a in proposal.assignments] == [("household:T1", m)]
    path = proposal.write(tmp_path / "联系户.csv")
    report = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert report.ok, report.rejections
    assert report.changes["links"]["CONTACTS"] == {"created": 1, "updated": 0, "unchanged": 4, "ended": 0}
    assert {lk.target for lk in store.links(m, kind=L.CONTACTS, as_of=DAY)} == {
        "household:F1",
        "household:F2",
        "household:A1",
        "household:T1",
    }
    assert [lk.target for lk in store.links(outside, kind=L.CONTACTS, as_of=DAY)] == ["household:T2"]
    assert propose_contacts(store, as_of=DAY, scope="C1").assignments == []


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(NotFoundError):
        propose_contacts(Town().store(), as_of=DAY, scope="NOWHERE")


def _exact_score(store: MemoryStore) -> tuple[int, int, int]:
    """The optimum by a plain household × member flow (no pools, no splitting), as (assigned,
    care-tagged assigned, tier sum), for community C1."""
    view = store.view(DAY)
    atlas = atlas_for(view)

    def places(node: str) -> list[str | None]:
        entrance = view.parent(node, L.PART_OF.value)
        return [
            entrance,
            view.parent(entrance or "", L.PART_OF.value),
            view.parent(node, L.IN_GRID.value),
            atlas.path(node).community,
        ]

    households = [
        h
        for h in view.of_kind(NodeKind.HOUSEHOLD.value)
        if not view.into(h, L.CONTACTS.value) and atlas.path(h).community == "area:C1"
    ]
    members = [m for m in view.table(L.MEMBER_OF.value) if len(view.out(m, L.CONTACTS.value)) < MAX]
    n = len(households)
    graph = nx.DiGraph()
    graph.add_node("sink", demand=n)
    for h in households:
        graph.add_node(h, demand=-1)
        graph.add_edge(h, "sink", capacity=1, weight=(4 * n + 5) * (n + 1) + 1)
        for m in members:
            home = view.parent(m, L.LIVES_IN.value)
            shared = [i for i, (a, b) in enumerate(zip(places(h), places(home or ""), strict=True)) if a and a == b]
            if home != h and shared:
                care = atlas.attrs(h).get("care_tags")
                graph.add_edge(h, m, capacity=1, weight=shared[0] + 1 + (0 if care else 4 * n + 1))
    for m in members:
        graph.add_edge(m, "sink", capacity=MAX - len(view.out(m, L.CONTACTS.value)), weight=0)
    flow = nx.network_simplex(graph)[1]
    pairs = [(h, m) for h in households for m, f in flow[h].items() if f and m != "sink"]
    tiers = 0
    for h, m in pairs:
        home = view.parent(m, L.LIVES_IN.value) or ""
        tiers += next(i for i, (a, b) in enumerate(zip(places(h), places(home), strict=True)) if a and a == b) + 1
    return len(pairs), sum(1 for h, _ in pairs if atlas.attrs(h).get("care_tags")), tiers


@pytest.mark.parametrize("seed", range(40))
def test_the_pooled_split_flow_is_as_good_as_a_plain_flow(seed: int) -> None:
    rnd = random.Random(seed)
    town = Town()
    for i in range(rnd.randint(1, 14)):
        home = town.household(
            f"M{i}", building=f"B{rnd.randint(0, 3)}", entrance=f"E{rnd.randint(0, 2)}", grid=rnd.choice(["G1", "G2"])
        )
        town.member(home, load=rnd.randint(MAX - rnd.choice([2, 6, 12]), MAX))
    for i in range(rnd.randint(1, 25)):
        b = rnd.randint(0, 3)
        town.household(
            f"T{i}", building=f"B{b}", entrance=f"E{rnd.randint(0, 2)}", grid="G1" if b < 2 else "G2", care=rnd.random() < 0.3
        )
    store = town.store()
    proposal = propose_contacts(store, as_of=DAY)
    got = (
        proposal.counts["assigned"],
        proposal.counts["assigned_care_tagged"],
        sum(TIERS.index(a.tier) + 1 for a in proposal.assignments),
    )
    assert got == _exact_score(store)
