"""The neighbourhood of some nodes, fetched from the server as a small :class:`~queries.index.GraphIndex`.

What a Cypher query found is placed and assigned by the code the networkx queries use
(:class:`~queries.coverage.atlas.Atlas`, :class:`~queries.coverage.base.Reporter`): they read a
:class:`GraphIndex`, so :func:`neighbourhood` builds one holding just what they read for the nodes
asked — the nodes, the areas above them (PART_OF active on the day, read a level at a time, each
area once), each household's basic grid
(IN_GRID) and the areas above it, and the Party orgs RESPONSIBLE_FOR any of those areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from orggraph.model.kinds import LinkKind
from orggraph.store.cypher_layout import NODE
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active
from queries.index import GraphIndex

L = LinkKind

#: Each node of ``$rows`` with its attributes and the areas it is PART_OF on the day (one level up).
_PARENTS = (
    f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}}) "
    f"OPTIONAL MATCH (n)-[r:{L.PART_OF.value}]->(a) WHERE {active('r')} "
    "RETURN id, properties(n) AS attrs, collect(a.id) AS ups"
)
_GRIDS = (
    f"UNWIND $rows AS id MATCH (h:{NODE} {{id: id}})-[g:{L.IN_GRID.value}]->(grid) WHERE {active('g')} RETURN id, grid.id AS grid"
)
_LEADERS = (
    f"UNWIND $rows AS id MATCH (a:{NODE} {{id: id}})<-[r:{L.RESPONSIBLE_FOR.value}]-(o) WHERE {active('r')} "
    "RETURN id, properties(o) AS org"
)


class Neighbourhood:
    """Collects nodes and links into the tables of a :class:`GraphIndex`."""

    def __init__(self, day: str) -> None:
        self.day = day
        self.nodes: dict[str, dict[str, Any]] = {}
        self.parent: dict[str, str] = {}
        self.in_grid: dict[str, list[str]] = {}
        self.led: dict[str, list[str]] = {}

    def add(self, props: dict[str, Any]) -> str:
        attrs = dict(props)
        node_id = str(attrs.pop("id"))
        self.nodes.setdefault(node_id, attrs)
        return node_id

    def index(self) -> GraphIndex:
        graph = nx.DiGraph()
        graph._node = self.nodes
        ix = GraphIndex(graph, self.day, -1)
        ix.parent = self.parent
        ix.out = {L.IN_GRID.value: self.in_grid, L.PART_OF.value: {c: [p] for c, p in self.parent.items()}}
        ix.into = {L.RESPONSIBLE_FOR.value: {a: sorted(set(orgs)) for a, orgs in self.led.items()}}
        return ix


def _chains(cg: CypherGraph, hood: Neighbourhood, ids: Iterable[str]) -> None:
    """The nodes ``ids`` and every area above them, a level at a time: each node read once, however
    many of the nodes below share it (a district's entrances share a few hundred communities)."""
    level = set(ids) - hood.nodes.keys()
    for _ in range(MAX_DEPTH + 1):
        if not level:
            return
        above: set[str] = set()
        for row in cg.run_ids(_PARENTS, level):
            node = hood.add({"id": row["id"], **row["attrs"]})
            ups = sorted(row["ups"])
            if ups:
                hood.parent.setdefault(node, ups[0])
                above.update(ups)
        level = above - hood.nodes.keys()


def neighbourhood(cg: CypherGraph, nodes: Iterable[str]) -> GraphIndex:
    """A :class:`GraphIndex` of what placing and assigning ``nodes`` reads, fetched as of ``cg.day``."""
    hood = Neighbourhood(cg.day)
    wanted = set(nodes)
    _chains(cg, hood, wanted)
    households = [n for n in wanted if hood.nodes.get(n, {}).get("kind") == "household"]
    grids: set[str] = set()
    for row in cg.run_ids(_GRIDS, households):
        hood.in_grid.setdefault(row["id"], []).append(row["grid"])
        grids.add(row["grid"])
    _chains(cg, hood, grids - hood.nodes.keys())
    areas = [n for n, attrs in hood.nodes.items() if attrs.get("kind") not in ("household", "person", "party_org", "unit")]
    for row in cg.run_ids(_LEADERS, areas):
        hood.led.setdefault(row["id"], []).append(hood.add(row["org"]))
    return hood.index()
