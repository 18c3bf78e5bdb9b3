"""Addresses written with the names of their community, street or district in front (社区 + 小区 + 楼栋 …)
resolve to the household they name, and only to it: on the tiny world with a second 幸福里小区 (P3, in
community 和平社区 of street 建设街道) holding 3号楼2单元502 (H7)."""

from __future__ import annotations

import pytest

from orggraph.errors import NotFoundError
from orggraph.model import Building, Compound, Entrance, Household
from orggraph.store import Batch, MemoryStore
from queries.escalation import escalation_path
from queries.lookups import household_liaison
from queries.reading.address import resolve_start
from tests.queries.test_escalation_world import AT, KEY, START, L, tiny_world


def twin_compound() -> Batch:
    """A second 幸福里小区, in community C2: building 3号楼, entrance 2单元, household H7 (502)."""
    b = Batch("a second 幸福里小区")
    for node, parent in (
        (Compound(code="P3", name="幸福里小区"), "area:C2"),
        (Building.of("P3", "3号楼"), "area:P3"),
        (Entrance.of("P3/3号楼", "2单元"), "area:P3/3号楼"),
        (Household(code="H7", room="502", residents=1), "area:P3/3号楼/2单元"),
    ):
        b.put(node)
        b.link(L.PART_OF, node.node_id, parent, start=START)
    return b


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(tiny_world())
    s.write(twin_compound())
    return s


@pytest.mark.parametrize(
    ("address", "household"),
    [
        ("幸福社区幸福里小区3号楼2单元502室", "household:H2"),
        ("和平社区幸福里小区3号楼2单元502室", "household:H7"),
        ("幸福社区 幸福里小区 3-2-502", "household:H2"),
        ("和平社区，幸福里3栋2单元502", "household:H7"),
        ("新华街道幸福社区幸福里小区3号楼2单元502室", "household:H2"),
        ("建设街道 和平社区 幸福里小区 3-2-502", "household:H7"),
        ("下花园区新华街道幸福社区幸福里小区3号楼2单元502室", "household:H2"),
        ("新华街道幸福里小区3号楼2单元502室", "household:H2"),
        ("幸福社区 3号楼2单元502室", "household:H2"),
        ("和平社区3号楼2单元502", "household:H7"),
        ("幸福社区 5-1-101", "household:H4"),
    ],
)
def test_a_community_or_street_in_front_names_the_compound_inside_it(store: MemoryStore, address: str, household: str) -> None:
    assert resolve_start(store.view("2025-06-30"), address)[0] == household


def test_with_or_without_its_community_an_address_is_the_same_household() -> None:
    alone = MemoryStore(KEY)
    alone.write(tiny_world())
    view = alone.view("2025-06-30")
    for room in ("3号楼2单元501室", "3号楼2单元502室", "5号楼1单元101室"):
        without = resolve_start(view, f"幸福里小区{room}")[0]
        assert resolve_start(view, f"幸福社区幸福里小区{room}")[0] == without
        assert resolve_start(view, f"新华街道 幸福社区 幸福里小区{room}")[0] == without


def test_two_compounds_of_one_name_are_told_apart_by_their_community(store: MemoryStore) -> None:
    view = store.view("2025-06-30")
    with pytest.raises(NotFoundError, match="fits several compounds"):
        resolve_start(view, "幸福里小区3号楼2单元502室")
    assert (
        resolve_start(view, "幸福社区幸福里小区3号楼2单元502室")[0] != resolve_start(view, "和平社区幸福里小区3号楼2单元502室")[0]
    )


@pytest.mark.parametrize(
    ("address", "says", "says_zh"),
    [
        ("光明社区幸福里小区3号楼2单元502室", "no community or street named '光明社区'", "没有名为“光明社区”的社区或街道"),
        (
            "光明街道幸福社区幸福里小区3号楼2单元502室",
            "no community or street named '光明街道'",
            "没有名为“光明街道”的社区或街道",
        ),
        ("光明社区 3号楼2单元502", "no compound, community or street with code or name '光明社区'", "光明社区"),
        ("新华街道和平社区幸福里小区3号楼2单元502室", "新华街道和平社区 has no compound", "新华街道和平社区没有"),
        ("和平社区和平里小区3号楼2单元502室", "和平社区 has no compound with code or name '和平里小区'", "和平社区没有"),
        ("幸福社区 9号楼2单元502", "no building '9'", "楼栋“9”"),
    ],
)
def test_an_unknown_or_wrong_area_in_front_is_not_found_never_another_household(
    store: MemoryStore, address: str, says: str, says_zh: str
) -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_start(store.view("2025-06-30"), address)
    assert says in caught.value.message
    assert says_zh in caught.value.message_zh
    assert "read as 小区" in caught.value.message


def test_a_community_whose_compounds_both_have_the_address_asks_for_the_compound(store: MemoryStore) -> None:
    twin = Batch("幸福里小区 and 和平里小区 in one community")
    for node, parent in (
        (Compound(code="P4", name="和平里小区"), "area:C2"),
        (Building.of("P4", "3号楼"), "area:P4"),
        (Entrance.of("P4/3号楼", "2单元"), "area:P4/3号楼"),
        (Household(code="H8", room="502", residents=1), "area:P4/3号楼/2单元"),
    ):
        twin.put(node)
        twin.link(L.PART_OF, node.node_id, parent, start=START)
    both = MemoryStore(KEY)
    for batch in (tiny_world(), twin_compound(), twin):
        both.write(batch)
    view = both.view("2025-06-30")
    with pytest.raises(NotFoundError) as caught:
        resolve_start(view, "和平社区 3号楼2单元502")
    assert "several compounds of 和平社区" in caught.value.message
    assert "和平里小区 (P4)" in caught.value.message
    assert resolve_start(view, "和平社区和平里小区3号楼2单元502")[0] == "household:H8"


def test_the_escalation_path_and_the_liaison_read_a_prefixed_address(store: MemoryStore) -> None:
    view = store.view("2025-06-30")
    path = escalation_path(view, "和平社区幸福里小区3号楼2单元502室", "物业纠纷", at=AT)
    assert path.household.id == "household:H7"
    assert household_liaison(view, "幸福社区幸福里小区3号楼2单元502室").household.code == "H2"
