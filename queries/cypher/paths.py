"""How two nodes are connected (关系路径), searched on the Bolt server: :func:`explain_path_cypher`.

The same bidirectional breadth-first search as the networkx one (:func:`queries.lookups_path.search`),
so the same path with the same hops: each level is widened from the frontier in id batches, one
statement per batch (:data:`NEIGHBOURS`: every active link of the batch's nodes whose other end is
live, grouped per node, link kind and direction), and the neighbours are taken in the same order
(:func:`~queries.lookups_path.ordered`). The search stops at the first meeting, so the batches after
it are never asked. ``shortestPath`` is not used: it cannot break ties the same way, and FalkorDB
takes it only directed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from orggraph.store.cypher_layout import NODE
from orggraph.timeline import is_live
from queries.cypher.graph import CypherGraph, active, live
from queries.escalation_model import Direction
from queries.lookups_path import ExplainedPath, Neighbour, hops_of, no_node, no_path, ordered, path_nodes, search

if TYPE_CHECKING:
    from orggraph.store.neo4j import Neo4jStore

#: Frontier nodes widened together (in as few statements as the server takes: a big answer waits on
#: FalkorDB once per statement, so fewer, bigger statements are faster than small ones).
FRONTIER = 256
#: Other ends per returned record (a busy node's come in several records, each well below 64 KB).
OTHERS = 200

#: The active links of the nodes ``$rows`` with a live other end: (node, kind, out?, other ends).
NEIGHBOURS = (
    f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}})-[r]-(m) WHERE {active('r')} AND {live('m')} "
    "WITH id, type(r) AS kind, startNode(r) = n AS out, collect(DISTINCT m.id) AS others "
    "UNWIND range(0, size(others) - 1, $others) AS i "
    "RETURN id, kind, out, others[i..i + $others] AS others"
)
_NODES = f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}}) RETURN id, properties(n) AS p"


def _attrs(cg: CypherGraph, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for row in cg.run_ids(_NODES, ids):
        attrs = dict(row["p"])
        attrs.pop("id", None)
        found[row["id"]] = attrs
    return found


def explain_path_cypher(
    store: Neo4jStore, a: str, b: str, *, day: str, through: Callable[[str], bool] | None = None
) -> ExplainedPath:
    """:func:`~queries.lookups_path.explain_path` answered on the store's server (same result, same errors)."""
    cg = CypherGraph(store, day)
    ends = _attrs(cg, [a, b])
    for node in (a, b):
        attrs = ends.get(node)
        if attrs is None or not is_live(attrs, day):
            raise no_node(node, day)

    def expand(frontier: Sequence[str]) -> Iterator[tuple[str, Sequence[Neighbour]]]:
        for start in range(0, len(frontier), FRONTIER):
            batch = frontier[start : start + FRONTIER]
            found: dict[str, list[Neighbour]] = {node: [] for node in batch}
            for row in cg.run_ids(NEIGHBOURS, batch, others=OTHERS):
                way: Direction = "out" if row["out"] else "in"
                found[row["id"]].extend((other, row["kind"], way) for other in row["others"])
            for node in batch:
                yield node, ordered(found[node])

    seen_a, seen_b, meet = search(a, b, expand, through)
    if meet is None:
        raise no_path(a, b, day)
    return ExplainedPath(a, b, day, hops_of(_attrs(cg, path_nodes(seen_a, seen_b, meet)), seen_a, seen_b, meet))
