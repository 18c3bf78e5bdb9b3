"""The embedded engine's view of a day nobody built an index for (按日期读图): periods checked as it goes.

A question about one household on another day (an escalation path as of last March) should not wait
for a whole :class:`~orggraph.store.day_index.DayIndex` of that day. A :class:`RawView` reads the
store's graph directly, checking each link's periods against the day; the neighbours of a busy node
(a grid of 250 households, a community) are grouped by link kind once per store revision
(:class:`RawShared`), so each later visit checks the periods of the few links it wants.

It reads the live graph, not a snapshot: a caller that may run beside a write holds the store's read
lock (the API does). What it cannot answer cheaply — a whole table, the subtree of an area, a pattern
over many nodes — it hands to the day's index, built on first need.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> store.view("2024-01-01", lazy=True).out("area:C", "PART_OF"), store.view("2019-12-31", lazy=True).out("area:C", "PART_OF")
(['area:S'], [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from orggraph.store.view import Subtree, Table
from orggraph.timeline import is_live

if TYPE_CHECKING:
    import networkx as nx

    from orggraph.patterns import Focus, MatchSpec
    from orggraph.store.day_index import DayIndex

T = TypeVar("T")

#: Nodes with at most this many neighbours one way are scanned directly; busier ones are grouped once.
_SMALL = 32
#: How many busy nodes a shared raw state keeps grouped before it starts again.
_MAX_GROUPED = 200_000

Periods = tuple[tuple[Any, ...], ...]
_NO_LINKS: dict[str, dict[str, Periods]] = {}


class RawShared:
    """What every :class:`RawView` of one graph at one store revision shares: busy nodes' links grouped
    by kind (dates unchecked), the nodes of each kind, and the memos (per day). Valid until the store's
    revision changes."""

    __slots__ = ("grouped_in", "grouped_out", "memos", "nodes", "pred", "revision", "succ")

    def __init__(self, graph: nx.DiGraph, revision: int) -> None:
        self.nodes: dict[str, dict[str, Any]] = graph._node
        self.succ: dict[str, dict[str, dict[str, Periods]]] = graph._succ
        self.pred: dict[str, dict[str, dict[str, Periods]]] = graph._pred
        self.revision = revision
        self.grouped_out: dict[str, dict[str, list[tuple[str, Periods]]]] = {}
        self.grouped_in: dict[str, dict[str, list[tuple[str, Periods]]]] = {}
        self.memos: dict[tuple[str, str], Any] = {}


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


def _active_now(periods: Periods, day: str) -> bool:
    return any(start <= day and (end is None or day < end) for start, end, _ in periods)


class RawView:
    """A :class:`~orggraph.store.view.DayView` over the raw graph of a store (see the module docstring).

    ``full`` builds the day's :class:`~orggraph.store.day_index.DayIndex` when a question needs one.
    """

    engine = "embedded"

    def __init__(self, shared: RawShared, day: str, full: Callable[[], DayIndex]) -> None:
        self.shared = shared
        self.day = day
        self.revision = shared.revision
        self._nodes = shared.nodes
        self._succ = shared.succ
        self._pred = shared.pred
        self._full = full
        self.scratch: dict[str, Any] = {}

    # -- nodes -----------------------------------------------------------------------------------

    def node(self, node: str) -> Mapping[str, Any] | None:
        attrs = self._nodes.get(node)
        if attrs is None:
            return None
        return attrs if is_live(attrs, self.day) else None

    def nodes(self, nodes: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        found: dict[str, Mapping[str, Any]] = {}
        for node in nodes:
            attrs = self.node(node)
            if attrs is not None:
                found[node] = attrs
        return found

    def _all_of_kind(self, kind: str) -> list[str]:
        """Every node of ``kind``, live or not, in id order (once per store revision)."""
        key = ("kind", kind)
        found: list[str] | None = self.shared.memos.get(key)
        if found is None:
            found = self.shared.memos[key] = sorted(n for n, a in self._nodes.items() if a["kind"] == kind)
        return found

    def of_kind(self, kind: str) -> Sequence[str]:
        day, nodes = self.day, self._nodes
        return [n for n in self._all_of_kind(kind) if is_live(nodes[n], day)]

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        nodes, day = self._nodes, self.day
        for node in self._all_of_kind(kind):
            attrs = nodes[node]
            if is_live(attrs, day):
                yield node, attrs

    # -- links -----------------------------------------------------------------------------------

    def out(self, node: str, kind: str) -> Sequence[str]:
        return self._active(self._succ, self.shared.grouped_out, node, kind)

    def into(self, node: str, kind: str) -> Sequence[str]:
        return self._active(self._pred, self.shared.grouped_in, node, kind)

    def parent(self, node: str | None, kind: str) -> str | None:
        if node is None:
            return None
        if node in self.shared.grouped_out:
            found = self._active(self._succ, self.shared.grouped_out, node, kind)
            return found[0] if found else None
        day = self.day
        for other, data in self._succ.get(node, _NO_LINKS).items():
            periods = data.get(kind)
            if periods is not None and _active_now(periods, day):
                return str(other)
        return None

    def out_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        found = {node: self.out(node, kind) for node in nodes}
        return {node: others for node, others in found.items() if others}

    def into_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        found = {node: self.into(node, kind) for node in nodes}
        return {node: others for node, others in found.items() if others}

    def neighbours(self, nodes: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        day = self.day
        found: dict[str, list[tuple[str, str, str]]] = {}
        for node in nodes:
            links: list[tuple[str, str, str]] = []
            for adjacency, way in ((self._succ, "out"), (self._pred, "in")):
                for other, data in adjacency.get(node, _NO_LINKS).items():
                    if self.node(other) is None:
                        continue
                    links.extend((other, kind, way) for kind, periods in data.items() if _active_now(periods, day))
            if links:
                found[node] = links
        return found

    def table(self, kind: str, direction: str = "out") -> Table:
        return self._full().table(kind, direction)

    def link(self, kind: str, source: str, target: str) -> Mapping[str, Any] | None:
        periods = self._succ.get(source, _NO_LINKS).get(target, {}).get(kind)
        if periods is None:
            return None
        day = self.day
        for start, end, attrs in periods:
            if start <= day and (end is None or day < end):
                return dict(attrs or {})
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
                    if periods is not None and _active_now(periods, day):
                        found.append(other)
                return found
            if len(grouped) >= _MAX_GROUPED:
                grouped.clear()
            groups = grouped[node] = _group(neighbours)
        entries = groups.get(kind)
        if not entries:
            return ()
        return [other for other, periods in entries if _active_now(periods, day)]

    # -- what needs the whole day ----------------------------------------------------------------

    def subtree(self, area: str) -> Subtree:
        return self._full().subtree(area)

    def bind(self, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
        return self._full().bind(spec, nodes)

    def scan(self, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
        return self._full().scan(focus, spec, low, high)

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """Kept per store revision and day (every raw view of that day shares it)."""
        memos, key = self.shared.memos, (self.day, name)
        if key not in memos:
            memos[key] = build()
        found: T = memos[key]
        return found
