"""Nodes placed by a link rather than in the area tree, in Cypher: units LOCATED_IN, projects FOR,
owners' committees OWNERS_COMMITTEE_OF an area.

:func:`placed` starts a statement with such nodes and the area each links to, the way the networkx
rules read them (:func:`~queries.coverage.base.units_in`, :func:`~queries.coverage.base.in_scope`):
without a scope every node (its area ``null`` when it has none), in a scope only those whose area
lies in the scope's subtree. The subtree is read as :class:`~queries.coverage.base.Subtree` does —
the root and everything below it by active PART_OF, ended areas included — by climbing from the
area to the root, which is one short path per node instead of a walk over the whole subtree. (A
household would also be in a scope through its grid; these links never end at a household.)

:func:`add_sources` adds to a :class:`~queries.index.GraphIndex` (as :func:`neighbourhood` made it)
the links of a kind into some nodes and the nodes at their other end, for reporting code that reads
more than the neighbourhood holds (a unit's own Party org, a project's provider).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE, label
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active, all_active, live
from queries.index import GraphIndex

_PART_OF = LinkKind.PART_OF.value

#: The condition that ``n`` is the district's own, not an org or unit outside it (区外, ``external``).
DISTRICTS_OWN = "coalesce(n.external, false) = false"


def under_root(var: str, path: str = "sp") -> str:
    """A ``MATCH`` keeping the rows whose area ``var`` is the scope's root ``$root`` or lies below it."""
    return f"MATCH {path} = ({var})-[:{_PART_OF}*0..{MAX_DEPTH}]->(:{NODE} {{id: $root}}) WHERE {all_active(path)}"


def placed(
    cg: CypherGraph,
    kind: NodeKind,
    link: LinkKind,
    root: str | None,
    rest: str,
    *,
    where: str = "true",
    live_in_scope: bool = True,
    **params: Any,
) -> list[dict[str, Any]]:
    """Run ``<opening> <rest>`` where the opening binds ``n`` to each node of ``kind`` and ``a`` to its area.

    Parameters
    ----------
    cg
        The graph on the server as of a day.
    kind, link
        The nodes and the link (single-target, active on the day) from each to its area.
    root
        The scope's root area id: only nodes whose area lies in it (``None``: every node, ``a`` null
        for a node without the link).
    rest
        The rest of the statement, reading ``n`` and ``a``.
    where
        A further condition on ``n`` alone (checked first); nodes outside the district (``external``)
        are never placed.
    live_in_scope
        Whether the nodes must be live in a scope too (they always must be without one); the
        networkx projects rule takes every project FOR an area of the scope, ended or not.
    params
        The statement's parameters (``$day`` and ``$root`` are bound).
    """
    node = f"(n:{label(kind.value)})"
    where = f"{where} AND {DISTRICTS_OWN}"
    linked = f"(n)-[l:{link.value}]->(a)"
    if root is None:
        opening = f"MATCH {node} WHERE {live('n')} AND {where} OPTIONAL MATCH {linked} WHERE {active('l')}"
    else:
        alive = f"{live('n')} AND " if live_in_scope else ""
        opening = f"MATCH {node} WHERE {alive}{where} MATCH {linked} WHERE {active('l')} {under_root('a')}"
    return cg.run(f"{opening} WITH DISTINCT n, a {rest}", root=root, **params)


def add_sources(cg: CypherGraph, ix: GraphIndex, link: LinkKind, targets: Iterable[str]) -> list[str]:
    """Add to ``ix`` the active links of ``link`` into ``targets`` (both ways) and their source nodes.

    The sources of each target are listed by id. Returns the sources added.
    """
    query = (
        f"UNWIND $rows AS id MATCH (t:{NODE} {{id: id}})<-[r:{link.value}]-(s) WHERE {active('r')} "
        "RETURN id, properties(s) AS source"
    )
    into, out = ix.into.setdefault(link.value, {}), ix.out.setdefault(link.value, {})
    nodes = ix.graph._node
    found: list[str] = []
    for row in cg.run_ids(query, targets):
        attrs = dict(row["source"])
        source = str(attrs.pop("id"))
        nodes.setdefault(source, attrs)
        into.setdefault(row["id"], []).append(source)
        out.setdefault(source, []).append(row["id"])
        found.append(source)
    for table in (into, out):
        for ends in table.values():
            ends.sort()
    return found
