"""Reads over an in-memory graph, shared by the embedded store and the memory store."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any, Literal

import networkx as nx

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.stats import StreetSummary, per_street
from orggraph.store.batch import Batch
from orggraph.store.changes import Changes, current
from orggraph.store.day_index import DayIndex
from orggraph.store.port import GraphDump, Link, StoreCounts
from orggraph.store.scratch import scratch_state
from orggraph.store.state import GraphState
from orggraph.store.view import DayView
from orggraph.store.views import ViewCache
from orggraph.timeline import as_of_date, is_live


class GraphReads:
    """The read half of the :class:`~orggraph.store.port.GraphStore` port over ``self.state``."""

    state: GraphState
    _lock: threading.RLock
    _views: ViewCache | None = None

    @property
    def revision(self) -> int:
        """A number that grows whenever the graph changes (the engine's)."""
        raise NotImplementedError

    def view(self, as_of: str | None = None, *, lazy: bool = False) -> DayView:
        """The graph as of the day (today when ``None``): its :class:`~orggraph.store.day_index.DayIndex`,
        built once per revision and day and kept — or, ``lazy`` and none kept, a
        :class:`~orggraph.store.raw_view.RawView` that answers a few questions without one."""
        views = self._views
        if views is None:
            views = self._views = ViewCache(self._lock)
        return views.view(self.state.graph, lambda: self.revision, as_of_date(as_of), lazy=lazy)

    def view_after(self, batch: Batch, as_of: str | None = None) -> DayView:
        """The graph as of the day had ``batch`` been written — nothing is (a what-if): a day index of a
        scratch copy (:mod:`~orggraph.store.scratch`); a batch that would be refused raises as a write."""
        with self._lock:
            scratch = scratch_state(self.state)
            scratch.apply(batch.ops)
        return DayIndex.build(scratch.graph, day=as_of_date(as_of), revision=-1)

    def dump(self) -> GraphDump:
        """Every node and every link with all its periods (see :class:`~orggraph.store.port.GraphDump`)."""
        with self._lock:
            graph = self.state.graph
            links = [
                (u, v, kind, periods)
                for u, targets in graph._succ.items()
                for v, data in targets.items()
                for kind, periods in data.items()
            ]
            return GraphDump(dict(graph._node), links)

    def present(self, keys: Changes) -> Changes:
        with self._lock:
            return current(self.state.graph, keys)

    def view_ready(self, as_of: str | None = None) -> bool:
        """Whether :meth:`view` of the day would answer at once (its index is built)."""
        return self._views is not None and self._views.ready(self.revision, as_of_date(as_of))

    @property
    def graph(self) -> nx.DiGraph:
        """The engine's own networkx graph (not part of the port: the engine's tests and tools read it;
        queries read :meth:`view`). Read-only: change it only through :meth:`write`."""
        return self.state.graph

    def kind_of(self, node_id: str, *, as_of: str | None = None) -> str | None:
        """The kind of a node not ended as of the date, else ``None`` (no copy of its attributes)."""
        attrs = self.state.graph._node.get(node_id)
        if attrs is None:
            return None
        if not is_live(attrs, as_of or as_of_date(None)):
            return None
        return str(attrs["kind"])

    def node(self, node_id: str) -> dict[str, Any] | None:
        attrs = self.state.graph._node.get(node_id)
        return dict(attrs) if attrs is not None else None

    def nodes(self, kind: NodeKind | None = None, *, as_of: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        day = as_of_date(as_of)
        wanted = None if kind is None else NodeKind(kind).value
        for node_id, attrs in self.state.graph._node.items():
            if (wanted is None or attrs["kind"] == wanted) and is_live(attrs, day):
                yield node_id, attrs

    def links(
        self,
        node_id: str,
        *,
        kind: LinkKind | None = None,
        direction: Literal["out", "in"] = "out",
        as_of: str | None = None,
        history: bool = False,
    ) -> Iterator[Link]:
        day = as_of_date(as_of)
        adjacency = self.state.graph._succ if direction == "out" else self.state.graph._pred
        for other, data in adjacency.get(node_id, {}).items():
            for link_kind, periods in data.items():
                if kind is not None and link_kind != kind:
                    continue
                for start, end, attrs in periods:
                    if history or (start <= day and (end is None or day < end)):
                        source, target = (node_id, other) if direction == "out" else (other, node_id)
                        yield Link(LinkKind(link_kind), source, target, start, end, dict(attrs or ()))

    def counts(self, *, as_of: str | None = None) -> StoreCounts:
        day = as_of_date(as_of)
        nodes: Counter[str] = Counter(attrs["kind"] for _, attrs in self.nodes(as_of=day))
        links: Counter[str] = Counter()
        for targets in self.state.graph._succ.values():
            for data in targets.values():
                for link_kind, periods in data.items():
                    start, end, _ = periods[-1]
                    if (start <= day and (end is None or day < end)) or (
                        len(periods) > 1 and any(s <= day and (e is None or day < e) for s, e, _ in periods)
                    ):
                        links[link_kind] += 1
        return StoreCounts(day, dict(sorted(nodes.items())), dict(sorted(links.items())))

    def per_street(self, *, as_of: str | None = None) -> dict[str, StreetSummary]:
        return per_street(self.state.graph, as_of=as_of)
