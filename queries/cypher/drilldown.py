"""Drilling down on a Bolt server: the areas below an area and a scope's counts, counted in Cypher.

The same answers as :mod:`queries.drilldown` over the index (see there): a scope's households are
those below it by PART_OF and those IN_GRID a grid below it — counted as the first set plus the
second's households whose address lies outside (an ``OPTIONAL MATCH`` of the way up, ``count = 0``),
so that no household id leaves the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, label, live
from queries.cypher.graph import CypherGraph
from queries.cypher.neighbourhood import neighbourhood
from queries.drilldown import BELOW, AreaBelow

K = NodeKind
L = LinkKind
_DOWN = f"<-[:{L.PART_OF.value}*0..{MAX_DEPTH}]-"
_HOUSEHOLD = label(K.HOUSEHOLD.value)
_GRID = label(K.GRID.value)

#: Every node below ``$root`` by active PART_OF links (``$root`` too), counted by kind.
_BY_KIND = f"MATCH p = (:{NODE} {{id: $root}}){_DOWN}(n) WHERE {all_active('p')} RETURN n.kind AS kind, count(DISTINCT n) AS n"


def _in_grid_outside(top: str) -> str:
    """After a statement part binding ``{top}``: households IN_GRID a grid below it whose address is
    not below it, counted per ``{top}``."""
    return (
        f"MATCH p = ({top}){_DOWN}(:{_GRID})<-[g:{L.IN_GRID.value}]-(h:{_HOUSEHOLD}) WHERE {all_active('p')} AND {active('g')} "
        f"WITH DISTINCT {top}, h OPTIONAL MATCH q = (h)-[:{L.PART_OF.value}*1..{MAX_DEPTH}]->({top}) WHERE {all_active('q')} "
        f"WITH {top}, h, count(q) AS below WHERE below = 0 RETURN {top}.id AS id, count(h) AS n"
    )


_CHILDREN = f"MATCH (c:{NODE})-[r:{L.PART_OF.value}]->(:{NODE} {{id: $root}}) WHERE {active('r')} AND c.kind = $kind"
#: Per child of ``$root`` of ``$kind``: its households below it by PART_OF.
_CHILD_HOUSEHOLDS = (
    f"{_CHILDREN} OPTIONAL MATCH p = (c)<-[:{L.PART_OF.value}*1..{MAX_DEPTH}]-(h:{_HOUSEHOLD}) WHERE {all_active('p')} "
    "RETURN c.id AS id, c.name AS name, count(DISTINCT h) AS n"
)
#: The grids below ``$root`` with households IN_GRID them, and how many.
_GRID_HOUSEHOLDS = (
    f"MATCH p = (:{NODE} {{id: $root}}){_DOWN}(grid:{_GRID})<-[g:{L.IN_GRID.value}]-(h) "
    f"WHERE {all_active('p')} AND {active('g')} RETURN grid.id AS id, grid.name AS name, count(DISTINCT h) AS n"
)
#: The buildings of the households IN_GRID ``$root`` (household → entrance → building), and how many.
_BUILDING_HOUSEHOLDS = (
    f"MATCH (:{NODE} {{id: $root}})<-[g:{L.IN_GRID.value}]-(h)-[a:{L.PART_OF.value}]->(e)-[b:{L.PART_OF.value}]->(bl) "
    f"WHERE {active('g')} AND {active('a')} AND {active('b')} "
    "RETURN bl.id AS id, bl.kind AS kind, bl.name AS name, count(DISTINCT h) AS n"
)


#: Districts with no area above them, then every street; live, in id order.
_SUMMARY_AREAS = (
    f"MATCH (n:{NODE}) WHERE n.kind IN ['{K.DISTRICT.value}', '{K.STREET.value}'] AND {live('n')} "
    f"OPTIONAL MATCH (n)-[r:{L.PART_OF.value}]->() WHERE {active('r')} WITH n, count(r) AS above "
    f"WHERE n.kind = '{K.STREET.value}' OR above = 0 RETURN n.id AS id, n.kind AS kind ORDER BY kind, id"
)


def summary_areas_cypher(store: object, day: str) -> list[str]:
    """:func:`queries.drilldown.summary_areas` on the server."""
    return [row["id"].split(":", 1)[1] for row in CypherGraph(store, day).run(_SUMMARY_AREAS)]


def kind_cypher(store: object, root: str, day: str) -> str | None:
    """The kind of node ``root`` (``None``: there is none)."""
    rows = CypherGraph(store, day).run(f"MATCH (n:{NODE} {{id: $id}}) RETURN n.kind AS kind", id=root)
    return rows[0]["kind"] if rows else None


def areas_below_cypher(store: object, root: str, day: str) -> list[AreaBelow]:
    """:func:`queries.drilldown.areas_below` on the server."""
    cg = CypherGraph(store, day)
    kind = kind_cypher(store, root, day)
    if kind in BELOW:
        child = BELOW[kind]
        rows = cg.run(_CHILD_HOUSEHOLDS, root=root, kind=child)
        outside = {row["id"]: int(row["n"]) for row in cg.run(f"{_CHILDREN} {_in_grid_outside('c')}", root=root, kind=child)}
        return [AreaBelow(row["id"], child, row["name"], int(row["n"]) + outside.get(row["id"], 0)) for row in rows]
    if kind == K.COMMUNITY.value:
        return [AreaBelow(row["id"], K.GRID.value, row["name"], int(row["n"])) for row in cg.run(_GRID_HOUSEHOLDS, root=root)]
    if kind == K.GRID.value:
        rows = cg.run(_BUILDING_HOUSEHOLDS, root=root)
        return [AreaBelow(row["id"], row["kind"], row["name"], int(row["n"])) for row in rows]
    return []


def area_counts_cypher(store: object, root: str, day: str) -> dict[str, int]:
    """:func:`queries.drilldown.area_counts` on the server."""
    cg = CypherGraph(store, day)
    counts = {row["kind"]: int(row["n"]) for row in cg.run(_BY_KIND, root=root)}
    top = f"MATCH (top:{NODE} {{id: $root}}) "
    outside = cg.run(top + _in_grid_outside("top"), root=root)
    counts[K.HOUSEHOLD.value] = counts.get(K.HOUSEHOLD.value, 0) + sum(int(row["n"]) for row in outside)
    return dict(sorted(counts.items()))


def ancestors_cypher(store: object, nodes: Sequence[str], day: str, kind: str | None) -> Callable[[str], Iterator[str]]:
    """The areas above each of ``nodes`` (innermost first), fetched once — only where the drill-down
    needs them (below a community the findings' own fields place them)."""
    if kind in (*BELOW, K.COMMUNITY.value) or not nodes:
        return lambda node: iter(())
    ix = neighbourhood(CypherGraph(store, day), nodes)

    def ancestors(node: str) -> Iterator[str]:
        return ix.ancestors(node)

    return ancestors
