"""Where a ratio's counts go: the street and community of an area, found on the server.

:data:`PLACE` ends a statement whose rows carry an area ``a`` and counts ``num`` and ``den``: it finds
the street and the community of ``a`` (the nearest above it, itself included) and sums the counts per
pair — the (street, community) key the networkx summary takes from an area's path.
"""

from __future__ import annotations

from orggraph.model.kinds import LinkKind
from queries.cypher.graph import MAX_DEPTH, all_active

_PART_OF = LinkKind.PART_OF.value

PLACE = (
    f"OPTIONAL MATCH pc = (a)-[:{_PART_OF}*0..{MAX_DEPTH}]->(c:Community) WHERE {all_active('pc')} "
    f"OPTIONAL MATCH ps = (a)-[:{_PART_OF}*0..{MAX_DEPTH}]->(s:Street) WHERE {all_active('ps')} "
    "RETURN s.id AS street, c.id AS community, sum(num) AS num, sum(den) AS den"
)
