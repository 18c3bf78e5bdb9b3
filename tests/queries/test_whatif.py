"""What-if (假设推演): removing persons and ending links on a scratch copy, findings before and after."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.errors import InvalidValueError, NotFoundError
from orggraph.model import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    LinkKind,
    OrgKind,
    PartyOrg,
    Person,
    Street,
)
from orggraph.pii import PiiKey, id_check_char
from orggraph.store import Batch, EmbeddedStore, MemoryStore
from orggraph.store.digest import graph_digest
from queries.coverage.whatif import what_if

L = LinkKind
KEY = PiiKey(b"k" * 32)
DAY = "2025-06-30"
START = "2021-03-01"


def id_number(n: int) -> str:
    first = f"13070519660606{n:03d}"
    return first + id_check_char(first)


def little() -> Batch:
    """One community C1 with org O1 (secretary 书记), a grid, a compound, one entrance and three
    households: member M lives in H1 and contacts H2 (only M does); member N contacts H1 and H3."""
    b = Batch("little")
    for node in (
        District(code="D"),
        Street(code="S1"),
        Community(code="C1"),
        Grid(code="G1", level=4),
        Compound(code="X1"),
        Building.of("X1", "1号楼"),
        Entrance.of("X1/1号楼", "1单元"),
        PartyOrg(code="O1", name="C1社区党委", org_kind=OrgKind.PARTY_COMMITTEE),
    ):
        b.put(node)
    for child, parent in (
        ("area:S1", "area:D"),
        ("area:C1", "area:S1"),
        ("area:G1", "area:C1"),
        ("area:X1", "area:C1"),
        ("area:X1/1号楼", "area:X1"),
        ("area:X1/1号楼/1单元", "area:X1/1号楼"),
    ):
        b.link(L.PART_OF, child, parent, start=START)
    b.link(L.RESPONSIBLE_FOR, "org:O1", "area:C1", start=START)
    for code in ("H1", "H2", "H3"):
        b.put(Household(code=code, room=code))
        b.link(L.PART_OF, f"household:{code}", "area:X1/1号楼/1单元", start=START)
        b.link(L.IN_GRID, f"household:{code}", "area:G1", start=START)
    people = {}
    for n, name in enumerate(("书记", "M", "N"), start=1):
        person = Person.from_id_number(KEY, id_number(n), name=name, status="retired")
        b.put(person)
        b.link(L.MEMBER_OF, person.node_id, "org:O1", start=START)
        people[name] = person.node_id
    b.link(L.SECRETARY_OF, people["书记"], "org:O1", start=START)
    b.link(L.LIVES_IN, people["M"], "household:H1", start=START)
    b.link(L.CONTACTS, people["M"], "household:H2", start=START)
    b.link(L.CONTACTS, people["N"], "household:H1", start=START)
    b.link(L.CONTACTS, people["N"], "household:H3", start=START)
    return b


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(little())
    return s


def person(n: int) -> str:
    return "person:" + KEY.identity(id_number(n))


def appeared(result: object, rule: str) -> set[str]:
    return {f.node for f in result.appeared if f.rule == rule}  # type: ignore[attr-defined]


def test_removing_the_only_contacting_member_leaves_the_household_uncontacted(store: MemoryStore) -> None:
    before = graph_digest(store.graph)
    revision = store.revision
    result = what_if(store, remove=[person(2)], as_of=DAY)
    assert appeared(result, "household-uncontacted") == {"household:H2"}
    assert result.disappeared == []
    assert result.counts["after"] == result.counts["before"] + len(result.appeared)
    assert graph_digest(store.graph) == before
    assert store.revision == revision
    assert "ended" not in (store.node(person(2)) or {"ended": "?"})


def test_ending_the_secretary_post_leaves_the_org_without_a_secretary(store: MemoryStore) -> None:
    before = graph_digest(store.graph)
    result = what_if(store, end=[("SECRETARY_OF", person(1), "org:O1")], as_of=DAY)
    assert appeared(result, "org-without-secretary") == {"org:O1"}
    assert {f.rule for f in result.appeared} == {"org-without-secretary"}
    assert graph_digest(store.graph) == before


def test_a_person_may_be_named_by_whole_id_number_and_is_shown_masked(store: MemoryStore) -> None:
    result = what_if(store, remove=[id_number(2)], as_of=DAY)
    assert result.removed == (person(2),)
    assert appeared(result, "household-uncontacted") == {"household:H2"}
    data = result.to_dict()
    assert data["removed"] == ["1307**********" + id_number(2)[-4:]]
    assert id_number(2) not in str(data)


def test_findings_that_disappear_are_reported(store: MemoryStore) -> None:
    extra = Batch("extra")
    extra.put(Household(code="H4", room="H4"))
    extra.link(L.PART_OF, "household:H4", "area:X1/1号楼/1单元", start=START)
    extra.link(L.IN_GRID, "household:H4", "area:G1", start=START)
    store.write(extra)
    result = what_if(store, remove=["household:H4"], as_of=DAY)
    assert {(f.rule, f.node) for f in result.disappeared} >= {("household-uncontacted", "household:H4")}
    assert result.counts["disappeared"] >= 1


def test_a_scope_limits_the_comparison(store: MemoryStore) -> None:
    result = what_if(store, remove=[person(2)], as_of=DAY, scope="X1")
    assert appeared(result, "household-uncontacted") == {"household:H2"}
    assert result.scope == "X1"


def test_unknown_persons_and_links_are_refused(store: MemoryStore) -> None:
    before = graph_digest(store.graph)
    with pytest.raises(NotFoundError):
        what_if(store, remove=[id_number(9)], as_of=DAY)
    with pytest.raises(NotFoundError):
        what_if(store, end=[("SECRETARY_OF", person(2), "org:O1")], as_of=DAY)
    with pytest.raises(InvalidValueError):
        what_if(store, end=[("BOSS_OF", person(1), "org:O1")], as_of=DAY)
    with pytest.raises(InvalidValueError):
        what_if(store, remove=["130705196606060010"], as_of=DAY)
    assert graph_digest(store.graph) == before


def test_the_embedded_store_and_its_file_stay_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    with EmbeddedStore(path, KEY, create=True) as store:
        store.write(little())
        before, revision = graph_digest(store.graph), store.revision
        result = what_if(store, remove=[person(2)], end=[("CONTACTS", person(3), "household:H3")], as_of=DAY)
        assert appeared(result, "household-uncontacted") == {"household:H2", "household:H3"}
        assert graph_digest(store.graph) == before
        assert store.revision == revision
    with EmbeddedStore(path, KEY) as again:
        assert graph_digest(again.graph) == before
