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
from typing import Any

import networkx as nx
import orjson


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


def graph_content(graph: nx.DiGraph) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """Nodes and edges as plain dicts, for exact comparison in tests and checks."""
    nodes = {n: dict(a) for n, a in graph._node.items()}
    edges = {(u, v): dict(d) for u, targets in graph._succ.items() for v, d in targets.items()}
    return nodes, edges
