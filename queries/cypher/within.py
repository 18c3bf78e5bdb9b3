"""Scope tests for nodes found from their far end, and link tables added to a neighbourhood.

Some rules find their nodes from the other end of a link (a unit, then the area it is LOCATED_IN;
an org, then the area it answers for): :func:`within` ends such a statement with the test of the
networkx :class:`~queries.coverage.base.Subtree` — the area is the scope's root or lies below it by
PART_OF links active on the day. Climbing from the area costs a few steps per row, where walking the
whole scope down would visit every household in it.

:func:`add_links` puts into a :class:`~queries.index.GraphIndex` made by
:func:`~queries.cypher.neighbourhood.neighbourhood` the links of a kind a family's reporting code
reads that the neighbourhood does not fetch (a member's org, a unit's Party org, an org's parent).
"""

from __future__ import annotations

from collections.abc import Iterable

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE, label
from queries.cypher.graph import MAX_DEPTH, all_active
from queries.index import GraphIndex


def within(area: str, keep: str, *, inside: bool = True) -> str:
    """A statement part keeping the rows whose node ``area`` is in the scope ``$root`` (``inside``), or not.

    ``keep`` lists the variables carried on (``area`` among them). A null ``area`` is in no scope.
    """
    return (
        f"OPTIONAL MATCH w = ({area})-[:{LinkKind.PART_OF.value}*0..{MAX_DEPTH}]->(:{NODE} {{id: $root}}) "
        f"WHERE {all_active('w')} WITH {keep}, count(w) AS inside WHERE inside {'>' if inside else '='} 0"
    )


def household_within(household: str, keep: str) -> str:
    """A statement part keeping the rows whose household ``household`` is in the scope ``$root`` as
    :class:`~queries.coverage.base.Subtree` finds households: below the root by PART_OF, or IN_GRID a
    grid that is. ``keep`` lists the variables carried on (``household`` among them)."""
    return (
        f"OPTIONAL MATCH wa = ({household})-[:{LinkKind.PART_OF.value}*0..{MAX_DEPTH}]->(:{NODE} {{id: $root}}) "
        f"WHERE {all_active('wa')} "
        f"OPTIONAL MATCH wg = ({household})-[:{LinkKind.IN_GRID.value}]->(:{label(NodeKind.GRID.value)})"
        f"-[:{LinkKind.PART_OF.value}*0..{MAX_DEPTH}]->(:{NODE} {{id: $root}}) WHERE {all_active('wg')} "
        f"WITH {keep}, count(wa) + count(wg) AS ways WHERE ways > 0 "
    )


def add_links(ix: GraphIndex, kind: LinkKind, pairs: Iterable[tuple[str | None, str | None]]) -> None:
    """Add the active links ``(source, target)`` of ``kind`` to both tables of ``ix`` (pairs with a ``None`` skipped)."""
    out = ix.out.setdefault(kind.value, {})
    into = ix.into.setdefault(kind.value, {})
    for source, target in pairs:
        if source is not None and target is not None:
            out.setdefault(source, []).append(target)
            into.setdefault(target, []).append(source)
