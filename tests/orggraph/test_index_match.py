"""Patterns over the embedded engine's day index: the shortcuts it takes give what a plain walk gives.

A variable-length run looking for one kind goes on only from the kinds that can lead to it (worked
out from the schema), one plain step is counted from a table kept on the index, a run's ends are
kept for the next rule: each is checked here against the plain walk, and on a graph whose shape the
generator never makes (grids nested in grids, a grid added to a store already read).
"""

from __future__ import annotations

import pytest

from orggraph.generator import Scale, generate
from orggraph.model import Building, Community, Compound, Grid, LinkKind, Street
from orggraph.patterns import Focus, MatchSpec, backwards
from orggraph.pii import PiiKey
from orggraph.store import Batch, MemoryStore

DAY = "2025-06-30"


@pytest.fixture(scope="module")
def street() -> MemoryStore:
    key = PiiKey(b"k" * 32)
    store = MemoryStore(key)
    for batch in generate(Scale.STREET, seed=3, key=key).batches:
        store.write(batch)
    return store


@pytest.mark.parametrize(
    ("focus", "kind", "pattern"),
    [
        ("street", "grid", "(focus)<-[:PART_OF*1..6]-(n)"),
        ("community", "household", "(focus)<-[:PART_OF*1..8]-(n)"),
        ("household", "community", "(focus)-[:PART_OF*1..8]->(n)"),
        ("household", "street", "(focus)-[:PART_OF*0..8]->(n)"),
        ("person", "community", "(focus)-[:LIVES_IN]->(:Household)-[:PART_OF*1..8]->(n)"),
    ],
)
def test_a_run_looking_for_one_kind_finds_what_the_plain_walk_finds(
    street: MemoryStore, focus: str, kind: str, pattern: str
) -> None:
    view = street.view(DAY)
    label = "".join(part.title() for part in kind.split("_"))
    nodes = list(view.of_kind(focus))
    plain = view.bind(MatchSpec.of([pattern], "n"), nodes)
    wanted = {start: [n for n in ends if view.node(n)["kind"] == kind] for start, ends in plain.items()}  # type: ignore[index]
    expected = {start: ends for start, ends in wanted.items() if ends}
    assert expected  # the street has some
    for _ in range(2):  # the second time from the ends kept on the index
        assert view.bind(MatchSpec.of([pattern.replace("(n)", f"(n:{label})")], "n"), nodes) == expected


def test_plain_step_counts_kept_on_the_index_equal_a_count_per_node(street: MemoryStore) -> None:
    view = street.view(DAY)
    spec = MatchSpec.of(["(focus)<-[:CONTACTS]-(p:Person)"], "p")
    households = list(view.of_kind("household"))
    bound = view.bind(spec, households)
    counts = {h: len(bound.get(h, [])) for h in households}
    assert view.scan(Focus.of("household"), spec, None, None) == sorted(counts.items())
    assert view.scan(Focus.of("household"), spec, 2, 3) == [(h, n) for h, n in sorted(counts.items()) if n < 2 or n > 3]


def test_nested_grids_and_a_grid_added_later_are_found() -> None:
    store = MemoryStore(PiiKey(b"k" * 32))
    b = Batch()
    b.put(Street(code="S", name="新华街道"))
    b.put(Community(code="C", name="幸福社区"))
    b.put(Grid(code="G1", name="一网格", level=1))
    b.put(Grid(code="G2", name="一网格一片", level=2))
    b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
    b.link(LinkKind.PART_OF, "area:G1", "area:C", start="2020-01-01")
    b.link(LinkKind.PART_OF, "area:G2", "area:G1", start="2020-01-01")
    store.write(b)
    spec = MatchSpec.of(["(focus)<-[:PART_OF*1..6]-(g:Grid)"], "g")
    assert store.view(DAY).bind(spec, ["area:S"]) == {"area:S": ["area:G1", "area:G2"]}
    b = Batch()
    b.put(Grid(code="G3", name="一网格一片一格", level=3))
    b.link(LinkKind.PART_OF, "area:G3", "area:G2", start="2020-01-01")
    store.write(b)
    assert store.view(DAY).bind(spec, ["area:S"]) == {"area:S": ["area:G1", "area:G2", "area:G3"]}
    assert store.view(DAY).bind(MatchSpec.of(["(focus)<-[:PART_OF*1..2]-(g:Grid)"], "g"), ["area:S"]) == {"area:S": ["area:G1"]}
    b = Batch()  # a compound placed in a grid, its building found from the street through both
    b.put(Compound(code="P", name="幸福里"))
    b.put(Building.of("P", "1号楼"))
    b.link(LinkKind.PART_OF, "area:P", "area:G3", start="2020-01-01")
    b.link(LinkKind.PART_OF, "area:P/1号楼", "area:P", start="2020-01-01")
    store.write(b)
    found = store.view(DAY).bind(MatchSpec.of(["(focus)<-[:PART_OF*1..8]-(b:Building)"], "b"), ["area:S", "area:G1"])
    assert found == {"area:S": ["area:P/1号楼"], "area:G1": ["area:P/1号楼"]}


@pytest.mark.parametrize(
    ("kind", "place"),
    [
        ("person", "(focus)-[:LIVES_IN]->(area)"),
        ("person", "(focus)-[:MEMBER_OF]->(:PartyOrg)-[:RESPONSIBLE_FOR]->(area)"),
        ("party_org", "(focus)-[:RESPONSIBLE_FOR]->(area)"),
        ("person", "(focus)-[:LIVES_IN]->(:Household)-[:PART_OF*1..8]->(area:Community)"),
    ],
)
def test_a_place_read_backwards_reaches_exactly_the_nodes_placed_there(street: MemoryStore, kind: str, place: str) -> None:
    view = street.view(DAY)
    forward = MatchSpec.of([place], "area")
    placed = view.bind(forward, view.of_kind(kind))
    expected: dict[str, list[str]] = {}
    for node, areas in placed.items():
        for area in areas:
            expected.setdefault(area, []).append(node)
    back = backwards(forward, kind)
    assert back is not None
    areas = sorted(expected)
    assert areas
    assert view.bind(back, [*areas, "area:none"]) == {area: sorted(nodes) for area, nodes in expected.items()}
    chosen = Focus.of(kind).picking([*expected[areas[0]], "area:none", areas[0]])
    assert [node for node, _ in view.scan(chosen, None, None, None)] == sorted(expected[areas[0]])


def test_a_spec_that_cannot_be_read_backwards_says_so() -> None:
    assert backwards(MatchSpec.of(["(focus)-[:LIVES_IN]->(area)"], "area", "area.kind = 'household'"), "person") is None
    assert backwards(MatchSpec.of(["(focus)-[:LIVES_IN]->(h)-[:PART_OF]->(area)"], "h"), "person") is None
