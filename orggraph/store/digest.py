"""A canonical checksum of a graph: equal graphs, whatever the engine or the order of writes,
give equal digests. Used to prove a refused write changed nothing and that a copy is faithful.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("area:S1", kind="street")
>>> len(graph_digest(g))
64
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx
import orjson

from orggraph.store.state import new_graph

if TYPE_CHECKING:
    from orggraph.store.port import GraphDump, GraphStore


def canonical_lines(graph: nx.DiGraph) -> Iterator[bytes]:
    """One sorted JSON line per node and per link period."""
    for node_id in sorted(graph._node):
        yield orjson.dumps(["node", node_id, graph._node[node_id]], option=orjson.OPT_SORT_KEYS)
    for source in sorted(graph._succ):
        targets = graph._succ[source]
        for target in sorted(targets):
            for kind, periods in sorted(targets[target].items()):
                for start, end, attrs in periods:  # no attributes: None, however an older journal held it
                    yield orjson.dumps(["link", kind, source, target, start, end, attrs or None], option=orjson.OPT_SORT_KEYS)


def graph_digest(graph: nx.DiGraph) -> str:
    """SHA-256 over :func:`canonical_lines`."""
    digest = hashlib.sha256()
    for line in canonical_lines(graph):
        digest.update(line)
        digest.update(b"\n")
    return digest.hexdigest()


def dump_digest(dump: GraphDump) -> str:
    """SHA-256 over the same lines as :func:`canonical_lines`, from a store's :class:`GraphDump`."""
    digest = hashlib.sha256()
    for node_id in sorted(dump.nodes):
        digest.update(orjson.dumps(["node", node_id, dump.nodes[node_id]], option=orjson.OPT_SORT_KEYS))
        digest.update(b"\n")
    for source, target, kind, periods in sorted(dump.links, key=lambda link: (link[0], link[1], link[2])):
        for start, end, attrs in periods:
            digest.update(orjson.dumps(["link", kind, source, target, start, end, attrs or None], option=orjson.OPT_SORT_KEYS))
            digest.update(b"\n")
    return digest.hexdigest()


def store_digest(store: GraphStore) -> str:
    """The digest of everything a store holds (nodes ended or not, every link period), whatever the engine."""
    return dump_digest(store.dump())


def graph_content(graph: nx.DiGraph) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """Nodes and edges as plain dicts, for exact comparison in tests and checks."""
    nodes = {n: dict(a) for n, a in graph._node.items()}
    edges = {(u, v): dict(d) for u, targets in graph._succ.items() for v, d in targets.items()}
    return nodes, edges


def graph_of(dump: GraphDump) -> nx.DiGraph:
    """A networkx graph of a store's :class:`~orggraph.store.port.GraphDump` (for exports and copies: the
    layout the engines keep in memory, equal edge data shared)."""
    nodes = {node: dict(attrs) for node, attrs in dump.nodes.items()}
    succ: dict[str, dict[str, Any]] = {node: {} for node in nodes}
    pred: dict[str, dict[str, Any]] = {node: {} for node in nodes}
    for source, target, kind, periods in dump.links:
        data = succ[source].setdefault(target, {})
        data[kind] = periods
        pred[target][source] = data
    return new_graph(nodes, succ, pred)
