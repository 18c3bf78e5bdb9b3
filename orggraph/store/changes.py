"""The change log (变更日志): what each write changed, kept apart from when the facts were true.

Time is two things in the store. *Valid time* is when a fact held: a link's periods, in days
(:mod:`orggraph.timeline`). *Transaction time* is when the store learned it: each write that changed
something gets the next revision, the instant it was committed and a label (the import that made it),
and the states it replaced — its *backward* changes — are kept in the change log. A correction
(a wrong start date, an attribute, an end on the day a period started) changes the valid-time view
and leaves the old value here, never in the periods (SQL:2011's system-versioned tables and XTDB's
bitemporal model are the references).

:class:`Changes` names states by key — a node by id, a link by ``(source, target, kind)`` with all
its periods — and holds the state of each key before (``backward``) or after (``forward``) a write.
The backward changes of a write are what :mod:`orggraph.store.undo` puts back.

>>> from orggraph.store.state import GraphState
>>> state = GraphState()
>>> applied = state.apply([("put", "area:S1", {"kind": "street", "name": "新华街道"})])
>>> forward, backward = changes_of(state.graph, applied.undo)
>>> forward.nodes, backward.nodes
({'area:S1': {'kind': 'street', 'name': '新华街道'}}, {'area:S1': None})
>>> Changes.from_json(backward.to_json()) == backward
True
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.store.json_text import dumps, loads

LinkKey = tuple[str, str, str]  # (source id, target id, link kind value)
Periods = tuple[tuple[Any, ...], ...]


@dataclass
class Changes:
    """States by key: ``nodes[id]`` attributes (``None``: no such node); ``links[(u, v, kind)]`` periods
    (``()``: no such link)."""

    nodes: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    links: dict[LinkKey, Periods] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.links)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.links)

    def node_ids(self) -> set[str]:
        """Every node the changes name, as a node or as an end of a link."""
        ids = set(self.nodes)
        for u, v, _ in self.links:
            ids.add(u)
            ids.add(v)
        return ids

    def to_json(self) -> bytes:
        return dumps(
            {"nodes": list(self.nodes.items()), "links": [[u, v, k, p] for (u, v, k), p in self.links.items()]},
        )

    @classmethod
    def from_json(cls, data: bytes | str) -> Changes:
        raw = loads(data)
        links = {(u, v, k): periods_from_json(p) for u, v, k, p in raw["links"]}
        return cls(dict(raw["nodes"]), links)

    def packed(self) -> bytes:
        """The JSON of :meth:`to_json`, compressed (how the change log keeps it)."""
        return zlib.compress(self.to_json(), 1)

    @classmethod
    def unpacked(cls, data: bytes) -> Changes:
        return cls.from_json(zlib.decompress(data))


def periods_from_json(raw: Iterable[Any]) -> Periods:
    """Periods as JSON gives them back: lists made tuples again, attributes as sorted pairs."""
    return tuple(
        (s, e, None if a is None else tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in a)) for s, e, a in raw
    )


def changes_of(graph: nx.DiGraph, undo: list[tuple[Any, ...]]) -> tuple[Changes, Changes]:
    """(forward, backward) changes of a write whose undo log is ``undo``, ``graph`` being the state after it
    (keys in the order the write first touched them)."""
    old_nodes: dict[str, dict[str, Any] | None] = {}
    old_edges: dict[tuple[str, str], dict[str, Any] | None] = {}
    for entry in undo:  # the first entry of a node or pair holds its state before the write
        if entry[0] == "node":
            if entry[1] not in old_nodes:
                old_nodes[entry[1]] = entry[2]
        elif (key := (entry[1], entry[2])) not in old_edges:
            old_edges[key] = entry[3]
    nodes, succ = graph._node, graph._succ
    forward, backward = Changes(), Changes()
    after_nodes, before_nodes = forward.nodes, backward.nodes
    for node_id, old in old_nodes.items():
        new = nodes.get(node_id)
        if new != old:
            after_nodes[node_id] = new
            before_nodes[node_id] = old
    after, before = forward.links, backward.links
    empty: dict[str, Any] = {}
    for (u, v), old_data in old_edges.items():
        new_data = succ.get(u, empty).get(v)
        if old_data is None:  # a pair the write made (the common case of an import)
            for kind, periods in (new_data or empty).items():
                after[u, v, kind] = periods
                before[u, v, kind] = ()
        elif new_data is None:  # a pair the write took away (the common case of an undo)
            for kind, periods in old_data.items():
                after[u, v, kind] = ()
                before[u, v, kind] = periods
        elif new_data is not old_data:
            for kind in new_data.keys() | old_data.keys():
                new_periods, old_periods = new_data.get(kind, ()), old_data.get(kind, ())
                if new_periods != old_periods:
                    after[u, v, kind] = tuple(new_periods)
                    before[u, v, kind] = tuple(old_periods)
    return forward, backward


def current(graph: nx.DiGraph, keys: Changes) -> Changes:
    """The graph's present state of every key ``keys`` names."""
    nodes, succ = graph._node, graph._succ
    now = Changes()
    for node_id in keys.nodes:
        now.nodes[node_id] = nodes.get(node_id)
    for u, v, kind in keys.links:
        now.links[u, v, kind] = tuple((succ.get(u, {}).get(v) or {}).get(kind, ()))
    return now


@dataclass(frozen=True)
class WriteRecord:
    """One entry of the change log: the revision a write made, when the store learned it (UTC, ISO),
    its label, and the states it replaced."""

    revision: int
    at: str
    label: str
    backward: Changes


def restore_ops(backward: Changes, exists: Callable[[str], bool]) -> Iterator[tuple[Any, ...]]:
    """The ops that set every key of ``backward`` to its state there: nodes that come back first, then
    the links that close, then those that open (a member goes back to his old org only once he has left
    the new one), then the nodes that go (so a node leaves only once no link of it is left)."""
    for node_id, attrs in backward.nodes.items():
        if attrs is not None:
            yield ("restore_node", node_id, attrs)
    links = sorted(backward.links.items(), key=lambda item: bool(item[1]) and item[1][-1][1] is None)
    for (u, v, kind), periods in links:
        yield ("restore_link", kind, u, v, periods)
    for node_id, attrs in backward.nodes.items():
        if attrs is None and exists(node_id):
            yield ("restore_node", node_id, None)
