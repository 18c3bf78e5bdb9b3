"""The embedded engine's view of one day (某日索引): the day's active links in plain look-up tables.

One pass over the graph keeps the links active on the day, per kind, in both directions, and the
live nodes per kind; a shallow copy of the node table is taken with them. Node attributes and link
periods are never changed in place by a write (:mod:`orggraph.store.state` puts new dicts and tuples),
so a :class:`DayIndex` is a snapshot: readers holding one keep seeing the graph of its revision, whole,
while the store goes on writing — they never see half a write. Building one for a district takes a
second or two; the store keeps the last few (:meth:`ViewCache.view`).

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> view = store.view("2024-01-01")
>>> view.parent("area:C", "PART_OF"), view.into("area:S", "PART_OF"), sorted(view.subtree("area:S"))
('area:S', ['area:C'], ['area:C', 'area:S'])
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from orggraph.store import index_match
from orggraph.store.view import Subtree, Table
from orggraph.timeline import is_live

if TYPE_CHECKING:
    import networkx as nx

    from orggraph.patterns import Focus, MatchSpec

T = TypeVar("T")

_EMPTY: Mapping[str, list[str]] = {}
_HOUSEHOLD = "household"
_ENTRANCE = "entrance"
_GRID = "grid"
#: How many subtrees an index keeps.
_SUBTREES_KEPT = 64


class DayIndex:
    """A :class:`~orggraph.store.view.DayView` of the embedded engine; see the module docstring.

    ``out[kind][node]`` and ``into[kind][node]`` list the other ends of the active links of a kind;
    ``attrs_out[kind, source, target]`` holds the attributes of those that have any; ``by_kind``
    lists the live nodes of each kind.
    """

    engine = "embedded"

    def __init__(
        self,
        nodes: dict[str, dict[str, Any]],
        day: str,
        revision: int,
        out: dict[str, dict[str, list[str]]],
        into: dict[str, dict[str, list[str]]],
        attrs_out: dict[tuple[str, str, str], dict[str, Any]],
        by_kind: dict[str, list[str]],
    ) -> None:
        self._nodes = nodes
        #: the nodes live on the day (what :meth:`node` answers and patterns bind)
        self._live = {node: nodes[node] for ids in by_kind.values() for node in ids}
        self.day = day
        self.revision = revision
        self.out_tables = out
        self.into_tables = into
        self.attrs_out = attrs_out
        self.by_kind = by_kind
        self.scratch: dict[str, Any] = {}
        self._memo: dict[str, Any] = {}
        self._memo_lock = threading.RLock()

    @classmethod
    def build(cls, graph: nx.DiGraph, *, day: str, revision: int = 0) -> DayIndex:
        """One pass over ``graph`` (a store's networkx graph): the links active on ``day``, both ways."""
        out: dict[str, defaultdict[str, list[str]]] = {}
        into: dict[str, defaultdict[str, list[str]]] = {}
        attrs_out: dict[tuple[str, str, str], dict[str, Any]] = {}
        by_kind: defaultdict[str, list[str]] = defaultdict(list)
        nodes: dict[str, dict[str, Any]] = dict(graph._node)
        for node, attrs in nodes.items():
            if is_live(attrs, day):
                by_kind[attrs["kind"]].append(node)
        for source, targets in graph._succ.items():
            for target, data in targets.items():
                for kind, periods in data.items():
                    for start, end, link_attrs in periods:
                        if start <= day and (end is None or day < end):
                            if kind not in out:
                                out[kind] = defaultdict(list)
                                into[kind] = defaultdict(list)
                            out[kind][source].append(target)
                            into[kind][target].append(source)
                            if link_attrs:
                                attrs_out[kind, source, target] = dict(link_attrs)
                            break
        for ids in by_kind.values():
            ids.sort()
        return cls(
            nodes,
            day,
            revision,
            {k: dict(v) for k, v in out.items()},
            {k: dict(v) for k, v in into.items()},
            attrs_out,
            dict(by_kind),
        )

    # -- nodes -----------------------------------------------------------------------------------

    def node(self, node: str) -> Mapping[str, Any] | None:
        return self._live.get(node)

    def nodes(self, nodes: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        found: dict[str, Mapping[str, Any]] = {}
        live = self._live
        for node in nodes:
            attrs = live.get(node)
            if attrs is not None:
                found[node] = attrs
        return found

    def attrs(self, node: str) -> dict[str, Any]:
        """The attributes of ``node`` whether live or not (``KeyError`` when it never existed)."""
        return self._nodes[node]

    def of_kind(self, kind: str) -> Sequence[str]:
        return self.by_kind.get(kind, [])

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        nodes = self._nodes
        for node in self.by_kind.get(kind, ()):
            yield node, nodes[node]

    # -- links -----------------------------------------------------------------------------------

    def out(self, node: str, kind: str) -> Sequence[str]:
        return self.out_tables.get(kind, _EMPTY).get(node, ())

    def into(self, node: str, kind: str) -> Sequence[str]:
        return self.into_tables.get(kind, _EMPTY).get(node, ())

    def parent(self, node: str | None, kind: str) -> str | None:
        found = self.out_tables.get(kind, _EMPTY).get(node) if node is not None else None
        return found[0] if found else None

    def out_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        table = self.out_tables.get(kind, _EMPTY)
        return {node: table[node] for node in nodes if node in table}

    def into_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        table = self.into_tables.get(kind, _EMPTY)
        return {node: table[node] for node in nodes if node in table}

    def neighbours(self, nodes: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        tables = [(kind, table, "out") for kind, table in self.out_tables.items()]
        tables += [(kind, table, "in") for kind, table in self.into_tables.items()]
        found: dict[str, list[tuple[str, str, str]]] = {}
        for node in nodes:
            links = [(other, kind, way) for kind, table, way in tables for other in table.get(node, ()) if self.node(other)]
            if links:
                found[node] = links
        return found

    def table(self, kind: str, direction: str = "out") -> Table:
        return (self.out_tables if direction == "out" else self.into_tables).get(kind, _EMPTY)

    def link(self, kind: str, source: str, target: str) -> Mapping[str, Any] | None:
        if target not in self.out_tables.get(kind, _EMPTY).get(source, ()):
            return None
        return self.attrs_out.get((kind, source, target), {})

    # -- areas -----------------------------------------------------------------------------------

    def subtree(self, area: str) -> Subtree:
        """One walk down the area tree (the last few kept: every rule of a scoped run asks for it)."""
        kept: dict[str, Subtree] = self.memo("subtrees", dict)
        found = kept.get(area)
        if found is None:
            found = self._subtree(area)
            if len(kept) >= _SUBTREES_KEPT:
                kept.pop(next(iter(kept)), None)
            kept[area] = found
        return found

    def _subtree(self, area: str) -> Subtree:
        """An entrance's children are households only (the schema allows nothing else), so they are
        taken in bulk, and a grid brings the households IN_GRID it."""
        attrs = self._nodes
        children = self.into_tables.get("PART_OF", _EMPTY)
        in_grids = self.into_tables.get("IN_GRID", _EMPTY)
        by_kind: dict[str, list[str]] = {}
        households = by_kind.setdefault(_HOUSEHOLD, [])
        stack = [area] if self.node(area) is not None else []
        while stack:
            node = stack.pop()
            kind = attrs[node]["kind"]
            by_kind.setdefault(kind, []).append(node)
            below = children.get(node)
            if below:
                if kind == _ENTRANCE:
                    households.extend(below)
                else:
                    stack.extend(below)
            if kind == _GRID:  # a grid's households are IN_GRID it, not below it in the address tree
                households.extend(in_grids.get(node, ()))
        households[:] = dict.fromkeys(households)  # a grid's households may also lie below an entrance here
        return Subtree(area, by_kind)

    # -- patterns and caches ---------------------------------------------------------------------

    def bind(self, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
        return index_match.bind(self, spec, nodes)

    def scan(self, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
        return index_match.scan(self, focus, spec, low, high)

    def memo(self, name: str, build: Callable[[], T]) -> T:
        found = self._memo.get(name, _MISSING)
        if found is _MISSING:
            with self._memo_lock:
                found = self._memo.get(name, _MISSING)
                if found is _MISSING:
                    found = self._memo[name] = build()
        return found  # type: ignore[no-any-return]


_MISSING: Any = object()
