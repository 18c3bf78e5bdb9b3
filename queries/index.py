"""The graph as of one day, in plain look-up tables: what every embedded query reads.

One pass over the store's networkx graph keeps the links active on the day, per kind, in both
directions, plus the area path of every area and household (street, community, grid). Queries then
read dictionaries instead of walking periods. An index is built once per (store revision, day) and
shared (:func:`index_for`); building one for a district takes a second or two.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> ix = index_for(store, as_of="2024-01-01")
>>> ix.parent["area:C"], ix.street_of("area:C"), ix.children["area:S"]
('area:S', 'area:S', ['area:C'])
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import GraphStore
from orggraph.timeline import as_of_date, is_live

K = NodeKind
L = LinkKind


@dataclass(frozen=True, slots=True)
class AreaPath:
    """Where a node sits: its street, community and basic grid (node ids; ``None`` when not known)."""

    street: str | None
    community: str | None
    grid: str | None


@dataclass
class GraphIndex:
    """Active links of one day as dictionaries. ``out[kind][node]`` and ``into[kind][node]`` list the
    other ends; ``parent`` is the area tree (PART_OF), ``org_parent`` the Party tree (SUBORDINATE_TO)."""

    graph: nx.DiGraph
    day: str
    revision: int
    out: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    into: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    attrs_out: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    by_kind: dict[str, list[str]] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    _paths: dict[str, AreaPath] = field(default_factory=dict)

    # -- nodes -----------------------------------------------------------------------------------

    def attrs(self, node: str) -> dict[str, Any]:
        return self.graph._node[node]  # type: ignore[no-any-return]

    def kind(self, node: str) -> str:
        return str(self.graph._node[node]["kind"])

    def name(self, node: str) -> str:
        attrs = self.graph._node.get(node, {})
        return str(attrs.get("name") or node.split(":", 1)[-1])

    def nodes(self, kind: NodeKind) -> list[str]:
        """Live nodes of ``kind`` on the day."""
        return self.by_kind.get(kind.value, [])

    # -- links -----------------------------------------------------------------------------------

    def targets(self, node: str, kind: LinkKind) -> list[str]:
        return self.out.get(kind.value, {}).get(node, [])

    def sources(self, node: str, kind: LinkKind) -> list[str]:
        return self.into.get(kind.value, {}).get(node, [])

    def target(self, node: str, kind: LinkKind) -> str | None:
        found = self.out.get(kind.value, {}).get(node)
        return found[0] if found else None

    def link_attrs(self, kind: LinkKind, source: str, target: str) -> dict[str, Any]:
        return self.attrs_out.get((kind.value, source, target), {})

    # -- areas -----------------------------------------------------------------------------------

    def ancestors(self, node: str) -> Iterator[str]:
        """The areas above ``node`` (PART_OF), innermost first; a household climbs via its entrance."""
        seen = 0
        current = self.parent.get(node)
        while current is not None and seen < 32:
            yield current
            current = self.parent.get(current)
            seen += 1

    def path(self, node: str) -> AreaPath:
        """Street, community and basic grid of an area, household, or anything placed in one."""
        cached = self._paths.get(node)
        if cached is not None:
            return cached
        street = community = grid = None
        kind = self.graph._node.get(node, {}).get("kind")
        if kind == K.HOUSEHOLD.value:
            grid = self.target(node, L.IN_GRID)
        for area in (node, *self.ancestors(node)):
            area_kind = self.graph._node.get(area, {}).get("kind")
            if area_kind == K.GRID.value and grid is None:
                grid = area
            elif area_kind == K.COMMUNITY.value and community is None:
                community = area
            elif area_kind == K.STREET.value:
                street = area
                break
        if community is None and grid is not None:
            for area in self.ancestors(grid):
                if self.kind(area) == K.COMMUNITY.value:
                    community = area
                elif self.kind(area) == K.STREET.value:
                    street = street or area
                    break
        found = AreaPath(street, community, grid)
        if kind != K.HOUSEHOLD.value:
            self._paths[node] = found
        return found

    def street_of(self, node: str) -> str | None:
        return self.path(node).street

    def community_of(self, node: str) -> str | None:
        return self.path(node).community

    def within(self, node: str, area: str) -> bool:
        """Whether ``node`` is ``area`` or lies below it."""
        return node == area or any(a == area for a in self.ancestors(node))

    def subtree(self, area: str) -> Iterator[str]:
        """``area`` and every area and household below it, each once; a grid's households are those
        IN_GRID it (the address tree runs through compounds, not grids)."""
        in_grid = self.into.get(L.IN_GRID.value, {})
        seen: set[str] = set()
        stack = [area]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack.extend(self.children.get(current, ()))
            stack.extend(in_grid.get(current, ()))


def build_index(graph: nx.DiGraph, *, day: str, revision: int = 0) -> GraphIndex:
    """One pass over the graph: the links active on ``day``, both ways, per kind."""
    index = GraphIndex(graph, day, revision)
    out: dict[str, defaultdict[str, list[str]]] = {}
    into: dict[str, defaultdict[str, list[str]]] = {}
    attrs_out = index.attrs_out
    by_kind: defaultdict[str, list[str]] = defaultdict(list)
    for node, attrs in graph._node.items():
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
    index.out = {k: dict(v) for k, v in out.items()}
    index.into = {k: dict(v) for k, v in into.items()}
    index.by_kind = dict(by_kind)
    part_of = index.out.get(L.PART_OF.value, {})
    index.parent = {child: parents[0] for child, parents in part_of.items()}
    index.children = index.into.get(L.PART_OF.value, {})
    return index


_CACHE: dict[tuple[int, str, int], GraphIndex] = {}
_LOCK = threading.Lock()
_BUILDING = threading.Lock()


def index_for(store: GraphStore, *, as_of: str | None = None) -> GraphIndex:
    """The index of ``store`` as of the day, built once per store revision and day (a few kept)."""
    day = as_of_date(as_of)
    graph = store.graph
    key = (id(graph), day, store.revision)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
    with _BUILDING:  # threads asking at once wait for one build rather than each making its own
        with _LOCK:
            cached = _CACHE.get(key)
        if cached is not None:
            return cached
        index = build_index(graph, day=day, revision=store.revision)
        with _LOCK:
            if len(_CACHE) >= 4:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = index
    return index


def index_ready(store: GraphStore, *, as_of: str | None = None) -> bool:
    """Whether :func:`index_for` would answer at once (the index of this revision and day is built)."""
    key = (id(store.graph), as_of_date(as_of), store.revision)
    with _LOCK:
        return key in _CACHE


def forget_index(store: GraphStore) -> None:
    """Drop every cached index of ``store`` (a scratch copy done with, so it pushes out no other)."""
    graph_id = id(store.graph)
    with _LOCK:
        for key in [k for k in _CACHE if k[0] == graph_id]:
            del _CACHE[key]
