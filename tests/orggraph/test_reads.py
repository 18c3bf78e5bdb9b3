"""Reads through the port: as of today by default, any as-of date, history on demand."""

from __future__ import annotations

from orggraph.model import LinkKind, NodeKind
from orggraph.store import Batch, EmbeddedStore, GraphStore
from tests.orggraph.conftest import START


def test_the_embedded_store_implements_the_port(store: EmbeddedStore) -> None:
    assert isinstance(store, GraphStore)


def test_links_as_of_before_and_after_an_end(store: EmbeddedStore) -> None:
    b = Batch()
    b.unlink(LinkKind.IN_GRID, "household:H2", "area:G1", end="2024-01-01")
    store.write(b)
    assert [lk.target for lk in store.links("household:H2", kind=LinkKind.IN_GRID, as_of="2023-12-31")] == ["area:G1"]
    assert list(store.links("household:H2", kind=LinkKind.IN_GRID, as_of="2024-01-01")) == []
    assert list(store.links("household:H2", kind=LinkKind.IN_GRID)) == []  # today
    history = list(store.links("household:H2", kind=LinkKind.IN_GRID, history=True))
    assert [(lk.start, lk.end) for lk in history] == [(START, "2024-01-01")]
    assert list(store.links("household:H2", kind=LinkKind.IN_GRID, as_of="2020-01-01")) == []  # before it started


def test_incoming_links_and_counts(store: EmbeddedStore) -> None:
    into_grid = {lk.source for lk in store.links("area:G1", kind=LinkKind.IN_GRID, direction="in")}
    assert into_grid == {"household:H1", "household:H2"}
    counts = store.counts()
    assert counts.nodes["household"] == 2
    assert counts.links["PART_OF"] == 8
    assert store.counts(as_of="2020-01-01").links == {}


def test_ended_nodes_are_gone_as_of_their_end_but_kept(store: EmbeddedStore) -> None:
    b = Batch()
    b.end_node("household:H2", end="2024-01-01")
    store.write(b)
    live_now = {n for n, _ in store.nodes(NodeKind.HOUSEHOLD)}
    live_before = {n for n, _ in store.nodes(NodeKind.HOUSEHOLD, as_of="2023-06-01")}
    assert live_now == {"household:H1"}
    assert live_before == {"household:H1", "household:H2"}
    node = store.node("household:H2")
    assert node is not None
    assert node["ended"] == "2024-01-01"
