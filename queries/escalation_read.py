"""Readers (读图接口): the graph as of one day behind one small interface, for the escalation climb.

Two readers answer the same five questions — a node's attributes if it is live on the day, the other
ends of its active links of one kind out and in, the candidate nodes of a kind, and a memo for
catalogues built once:

* :class:`IndexReader` reads a :class:`~queries.index.GraphIndex` (today's graph in look-up tables);
* :class:`RawReader` walks the store's networkx graph with period checks (起止日期), for any other day,
  without building a whole index. The neighbours of a busy node (a grid of 250 households, a community)
  are grouped by link kind once per store revision (:class:`RawShared`), so each later visit checks the
  periods of the few links it wants instead of scanning them all.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> shared = RawShared(store.graph, store.revision)
>>> RawReader(shared, "2024-01-01").out("area:C", "PART_OF"), RawReader(shared, "2019-12-31").out("area:C", "PART_OF")
(['area:S'], [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import networkx as nx

from orggraph.timeline import is_live
from queries.index import GraphIndex

T = TypeVar("T")

_EMPTY: Mapping[str, list[str]] = {}
#: Nodes with at most this many neighbours one way are scanned directly; busier ones are grouped once.
_SMALL = 32
#: How many busy nodes a shared raw state keeps grouped before it starts again.
_MAX_GROUPED = 200_000

Periods = tuple[tuple[Any, ...], ...]
_NO_LINKS: dict[str, dict[str, Periods]] = {}


class Reader(Protocol):
    """What the climb and the lookups read: the graph as of :attr:`day` (ISO date)."""

    day: str
    #: Caches of callers, valid for this reader's day and store revision (names, answers per area).
    scratch: dict[str, Any]

    def node(self, node: str) -> Mapping[str, Any] | None:
        """The attributes of ``node`` if it exists and has not ended by the day, else ``None``."""
        ...

    def out(self, node: str, kind: str) -> Sequence[str]:
        """The targets of ``node``'s links of ``kind`` active on the day."""
        ...

    def into(self, node: str, kind: str) -> Sequence[str]:
        """The sources of links of ``kind`` into ``node`` active on the day."""
        ...

    def parent(self, node: str | None, kind: str) -> str | None:
        """The first target of ``node``'s active links of ``kind`` (its parent, org, grid …), or ``None``."""
        ...

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Nodes of ``kind`` that may be live on the day (check with :meth:`node`), in node-id order
        (the same order on every engine, whatever order the nodes were written in)."""
        ...

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` once per reader state (index, or store revision) under ``name``."""
        ...


class IndexReader:
    """A :class:`Reader` over a :class:`~queries.index.GraphIndex` (索引读图)."""

    __slots__ = ("_by_kind", "_into", "_memo", "_nodes", "_out", "day", "scratch")

    def __init__(self, index: GraphIndex) -> None:
        # the index's tables, not the index: the index is let go when the index cache drops it
        self._by_kind = index.by_kind
        self.day = index.day
        self._out = index.out
        self._into = index.into
        self._nodes: dict[str, dict[str, Any]] = index.graph._node
        self._memo: dict[str, Any] = {}
        self.scratch: dict[str, Any] = {}

    def node(self, node: str) -> Mapping[str, Any] | None:
        attrs = self._nodes.get(node)
        if attrs is None:
            return None
        return attrs if is_live(attrs, self.day) else None

    def out(self, node: str, kind: str) -> Sequence[str]:
        return self._out.get(kind, _EMPTY).get(node, ())

    def into(self, node: str, kind: str) -> Sequence[str]:
        return self._into.get(kind, _EMPTY).get(node, ())

    def parent(self, node: str | None, kind: str) -> str | None:
        found = self._out.get(kind, _EMPTY).get(node) if node is not None else None
        return found[0] if found else None

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        nodes = self._nodes
        ordered: list[str] | None = self._memo.get(f"reader.candidates:{kind}")
        if ordered is None:
            ordered = self._memo[f"reader.candidates:{kind}"] = sorted(self._by_kind.get(kind, ()))
        for node in ordered:
            yield node, nodes[node]

    def memo(self, name: str, build: Callable[[], T]) -> T:
        if name not in self._memo:
            self._memo[name] = build()
        found: T = self._memo[name]
        return found


class RawShared:
    """What every :class:`RawReader` of one graph at one store revision shares: busy nodes' links
    grouped by kind (dates unchecked), and the memo. Valid until the store's revision changes."""

    __slots__ = ("grouped_in", "grouped_out", "memos", "nodes", "pred", "revision", "succ")

    def __init__(self, graph: nx.DiGraph, revision: int) -> None:
        # the graph's tables, not the graph, so that a cache keyed by the graph lets go when it goes
        self.nodes: dict[str, dict[str, Any]] = graph._node
        self.succ: dict[str, dict[str, dict[str, Periods]]] = graph._succ
        self.pred: dict[str, dict[str, dict[str, Periods]]] = graph._pred
        self.revision = revision
        self.grouped_out: dict[str, dict[str, list[tuple[str, Periods]]]] = {}
        self.grouped_in: dict[str, dict[str, list[tuple[str, Periods]]]] = {}
        self.memos: dict[str, Any] = {}


def _group(neighbours: Mapping[str, Mapping[str, Periods]]) -> dict[str, list[tuple[str, Periods]]]:
    grouped: dict[str, list[tuple[str, Periods]]] = {}
    get = grouped.get
    for other, data in neighbours.items():
        for kind, periods in data.items():
            entries = get(kind)
            if entries is None:
                entries = grouped[kind] = []
            entries.append((other, periods))
    return grouped


class RawReader:
    """A :class:`Reader` over the raw networkx graph of a store, with period checks (按日期读图)."""

    __slots__ = ("_nodes", "_pred", "_succ", "day", "scratch", "shared")

    def __init__(self, shared: RawShared, day: str) -> None:
        self.shared = shared
        self.day = day
        self._nodes = shared.nodes
        self._succ = shared.succ
        self._pred = shared.pred
        self.scratch: dict[str, Any] = {}

    def node(self, node: str) -> Mapping[str, Any] | None:
        attrs = self._nodes.get(node)
        if attrs is None:
            return None
        return attrs if is_live(attrs, self.day) else None

    def out(self, node: str, kind: str) -> Sequence[str]:
        return self._active(self._succ, self.shared.grouped_out, node, kind)

    def into(self, node: str, kind: str) -> Sequence[str]:
        return self._active(self._pred, self.shared.grouped_in, node, kind)

    def parent(self, node: str | None, kind: str) -> str | None:
        if node is None:
            return None
        groups = self.shared.grouped_out.get(node)
        if groups is not None:
            found = self._active(self._succ, self.shared.grouped_out, node, kind)
            return found[0] if found else None
        day = self.day
        for other, data in self._succ.get(node, _NO_LINKS).items():
            periods = data.get(kind)
            if periods is not None:
                for start, end, _ in periods:
                    if start <= day and (end is None or day < end):
                        return str(other)
        return None

    def _active(
        self,
        adjacency: dict[str, dict[str, dict[str, Periods]]],
        grouped: dict[str, dict[str, list[tuple[str, Periods]]]],
        node: str,
        kind: str,
    ) -> Sequence[str]:
        day = self.day
        groups = grouped.get(node)
        if groups is None:
            neighbours = adjacency.get(node)
            if not neighbours:
                return ()
            if len(neighbours) <= _SMALL:
                found = []
                for other, data in neighbours.items():
                    periods = data.get(kind)
                    if periods is not None:
                        for start, end, _ in periods:
                            if start <= day and (end is None or day < end):
                                found.append(other)
                                break
                return found
            if len(grouped) >= _MAX_GROUPED:
                grouped.clear()
            groups = grouped[node] = _group(neighbours)
        entries = groups.get(kind)
        if not entries:
            return ()
        found = []
        for other, periods in entries:
            for start, end, _ in periods:
                if start <= day and (end is None or day < end):
                    found.append(other)
                    break
        return found

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        nodes = self._nodes
        ordered: list[str] | None = self.shared.memos.get(f"reader.candidates:{kind}")
        if ordered is None:
            ordered = self.shared.memos[f"reader.candidates:{kind}"] = sorted(n for n, a in nodes.items() if a["kind"] == kind)
        for node in ordered:
            yield node, nodes[node]

    def memo(self, name: str, build: Callable[[], T]) -> T:
        memos = self.shared.memos
        if name not in memos:
            memos[name] = build()
        found: T = memos[name]
        return found


def first(nodes: Sequence[str]) -> str | None:
    """The first of ``nodes``, or ``None``."""
    return nodes[0] if nodes else None
