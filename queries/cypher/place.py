"""Where a ratio's counts go: the street and community of an area, found on the server.

:data:`PLACE` ends a statement whose rows carry an area ``a`` and counts ``num`` and ``den``: it finds
the street and the community of ``a`` (the nearest above it, itself included) and sums the counts per
pair — the (street, community) key the networkx summary takes from an area's path. The counts are
summed per community before its street is looked for (once per community, not once per area: the
street of an area is its community's); an area with no community above it looks for its own.
"""

from __future__ import annotations

from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active, all_active

_PART_OF = LinkKind.PART_OF.value

PLACE = (
    f"OPTIONAL MATCH pc = (a)-[:{_PART_OF}*0..{MAX_DEPTH}]->(c:Community) WHERE {all_active('pc')} "
    "WITH c, CASE WHEN c IS NULL THEN a END AS loose, sum(num) AS num, sum(den) AS den "
    "WITH c, coalesce(c, loose) AS top, num, den "
    f"OPTIONAL MATCH ps = (top)-[:{_PART_OF}*0..{MAX_DEPTH}]->(s:Street) WHERE {all_active('ps')} "
    "RETURN s.id AS street, c.id AS community, sum(num) AS num, sum(den) AS den"
)


def share_linked(cg: CypherGraph, kind: NodeKind, link: LinkKind, root: str | None) -> list[dict[str, Any]]:
    """A ratio's counts: per live area of ``kind`` in the scope, 1 of 1 when an active ``link`` points
    into it, placed at its street and community."""
    (opening,) = cg.scoped("a", kind, root)
    rest = (
        f"OPTIONAL MATCH (a)<-[r:{link.value}]-() WHERE {active('r')} "
        f"WITH a, count(r) AS linked WITH a, CASE WHEN linked > 0 THEN 1 ELSE 0 END AS num, 1 AS den {PLACE}"
    )
    return cg.run(f"{opening} {rest}", root=root)
