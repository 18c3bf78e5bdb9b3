"""The statements a Bolt store's view reads node by node with (节点记录): what a climb asks, in few round trips.

:class:`~orggraph.store.cypher_view.CypherView` answers a node's attributes and the other ends of its
active links of a kind with the records these statements bring, and keeps every answer, so asking
again does not go back to the server. The cache is per store revision and day (node attributes and
catalogues do not depend on the day and are shared by its days: :class:`CypherShared`).

One statement per visit. The first time a node is read, one statement (:data:`RECORDS`) brings

* its attributes, and its active links grouped by direction and link kind — the other ends listed
  for groups of at most :data:`GROUP_IDS`, only counted for bigger ones (a grid's households
  IN_GRID, a community's registered members), which are fetched per kind when asked (in pages small
  enough for one Bolt message);
* for every group of at most :data:`NEAR` other ends (a household's entrance and grid, its contacting
  members, a grid's staff, an org's secretary …), those nodes' attributes and their parent links
  (:data:`PARENT_KINDS`: PART_OF, IN_GRID, MEMBER_OF …), because the climb reads them next.

The other ends of a group are read together: when one of them is visited, up to :data:`BATCH` of its
siblings not read yet come in the same statement (the climb names every contacting member, every
entrance of a building …). Lists come back sorted by node id; ``candidates`` yield in node-id order.

A climb's start — a household met for the first time, not listed beside another — is read with what
the climb reads next (:data:`CHAIN`): the areas above it below the community and their orgs, its
contacting members' orgs and its entrance's central household, in one statement; the community, the
street and the district are shared by many households and read once each, when a climb gets there,
with what the climb reads of them (:data:`AREA_CHAIN`): their orgs and co-building projects, with
the orgs' secretaries, the liaison cadres and the projects' units beside them. (The README's Neo4j
table has the statements a first escalation path sends: about 2, where one a node would be 12.)

Sized for FalkorDB's Bolt endpoint: a parameter list stays far below 4 KB, and an answer stays near or
below 4 KB where it can (a bigger one waits ~40 ms on the endpoint's delayed acknowledgement) and far
below 64 KB always (one bigger record hangs the client).
"""

from __future__ import annotations

from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, rel_type

L = LinkKind

#: Other ends listed per (direction, link kind) group of a node's record; bigger groups are only counted.
GROUP_IDS = 16
#: Groups of at most this many other ends bring those nodes' attributes and parent links along.
NEAR = 4
#: … and in the records of an area the climb gets to (its liaison cadres, its orgs' officers, its projects' units).
AREA_NEAR = GROUP_IDS
#: Records read by one statement at most (the node visited and siblings of it not read yet) …
BATCH = 8
#: … and about this many bytes of them (the size of a record is learnt per id prefix as they come).
BATCH_BYTES = 3200
_FIRST_GUESS = 1200.0
#: The link kinds read as a node's parents (its area, grid, org, unit …): known for every near node.
PARENT_KINDS = (L.PART_OF, L.IN_GRID, L.MEMBER_OF, L.WORKS_AT, L.LOCATED_IN, L.SUBORDINATE_TO)
#: Ids per page when a big group or a catalogue is fetched in pages (each page one small record) …
PAGE_IDS = 48
PAGE_NODES = 8
#: … for at most this many pages; anything bigger comes in one streamed answer.
MAX_PAGES = 12
#: Day states kept per store revision.
MAX_DAYS = 16

_GROUP = (
    "collect(CASE WHEN k IS NULL THEN NULL "
    "ELSE [k, size(ms), CASE WHEN size(ms) <= $group_ids THEN [x IN ms | x.id] ELSE NULL END] END)"
)
_NEAR = "collect(CASE WHEN size(ms) <= $near THEN ms ELSE [] END)"
_PARENTS = ", ".join(f"'{kind.value}'" for kind in PARENT_KINDS)  # one untyped traversal: faster on FalkorDB

#: The records of the nodes whose ids are bound to ``id``, one per row: attributes, link groups out and
#: in, near nodes with their parents.
_RECORD = " ".join(
    (
        f"MATCH (n:{NODE} {{id: id}})",
        f"OPTIONAL MATCH (n)-[r]->(m) WHERE {active('r')}",
        "WITH n, type(r) AS k, collect(DISTINCT m) AS ms",
        f"WITH n, {_GROUP} AS outs, {_NEAR} AS near_out",
        f"OPTIONAL MATCH (n)<-[r]-(m) WHERE {active('r')}",
        "WITH n, outs, near_out, type(r) AS k, collect(DISTINCT m) AS ms",
        f"WITH n, outs, near_out, {_GROUP} AS ins, {_NEAR} AS near_in",
        "WITH n, outs, ins, reduce(a = [], l IN near_out + near_in | a + l) AS near",
        "UNWIND CASE WHEN size(near) = 0 THEN [NULL] ELSE near END AS m",
        "WITH DISTINCT n, outs, ins, m",
        f"OPTIONAL MATCH (m)-[r]->(t) WHERE type(r) IN [{_PARENTS}] AND {active('r')}",
        "WITH n, outs, ins, m, collect(DISTINCT [type(r), t.id]) AS ups",
        "RETURN properties(n) AS p, outs, ins, collect(CASE WHEN m IS NULL THEN NULL ELSE [properties(m), ups] END) AS near",
    )
)
#: The records of the nodes ``$rows``.
RECORDS = f"UNWIND $rows AS id {_RECORD}"
#: The area kinds a household's first read stops below: shared by many households, they are read once
#: per reader, and only when a climb gets there.
_SHARED_AREAS = ", ".join(f"'{kind.value}'" for kind in (NodeKind.COMMUNITY, NodeKind.STREET, NodeKind.DISTRICT))
#: The records of household ``$id`` and of what the climb reads first: the areas up its address
#: (PART_OF) and up its basic grid (IN_GRID, then PART_OF) below the community and the orgs
#: RESPONSIBLE_FOR them, the orgs of its contacting members, and its entrance's central household.
CHAIN = " ".join(
    (
        f"MATCH (h:{NODE} {{id: $id}})",
        f"OPTIONAL MATCH p = (h)-[:{L.PART_OF.value}*0..{MAX_DEPTH}]->(a)",
        f"WHERE NOT a.kind IN [{_SHARED_AREAS}] AND {all_active('p')}",
        "WITH h, collect(DISTINCT a) AS up",
        f"OPTIONAL MATCH q = (h)-[:{L.IN_GRID.value}]->()-[:{L.PART_OF.value}*0..{MAX_DEPTH}]->(b) "
        f"WHERE NOT b.kind IN [{_SHARED_AREAS}] AND {all_active('q')}",
        "WITH h, up, collect(DISTINCT b) AS side",
        f"OPTIONAL MATCH (h)<-[c:{L.CONTACTS.value}]-()-[m:{L.MEMBER_OF.value}]->(mo) WHERE {active('c')} AND {active('m')}",
        "WITH h, up, side, collect(DISTINCT mo) AS member_orgs",
        f"OPTIONAL MATCH (h)-[e:{L.PART_OF.value}]->()<-[ch:{L.CENTRAL_HOUSEHOLD_OF.value}]-(x)",
        f"WHERE {active('e')} AND {active('ch')}",
        "WITH up, side, member_orgs, collect(DISTINCT x) AS centrals",
        "WITH up + side + member_orgs + centrals AS nodes UNWIND nodes AS a",
        f"OPTIONAL MATCH (a)<-[r:{L.RESPONSIBLE_FOR.value}]-(o) WHERE {active('r')}",
        "WITH collect(DISTINCT a.id) + collect(DISTINCT o.id) AS ids UNWIND ids AS id WITH DISTINCT id",
        _RECORD,
    )
)
#: The records of area ``$id`` (a community, street or district the climb gets to) and of what the
#: climb reads of it: the orgs RESPONSIBLE_FOR it and the co-building projects FOR it. Their secretaries,
#: the area's liaison cadres and the projects' units come as near nodes (attributes and parents), which
#: is all the climb reads of them: full records of those cost the server as much again (measured).
AREA_CHAIN = " ".join(
    (
        f"MATCH (a:{NODE} {{id: $id}})",
        f"OPTIONAL MATCH (a)<-[r:{L.RESPONSIBLE_FOR.value}]-(o) WHERE {active('r')}",
        "WITH a, collect(DISTINCT o.id) AS orgs",
        f"OPTIONAL MATCH (a)<-[f:{L.FOR.value}]-(j) WHERE {active('f')}",
        "WITH a, orgs, collect(DISTINCT j.id) AS projects",  # aggregate and add up apart (FalkorDB)
        "WITH [a.id] + orgs + projects AS ids UNWIND ids AS id WITH DISTINCT id",
        _RECORD,
    )
)


def arrow(kind: str, way: str) -> str:
    """``-[r:KIND]->`` or ``<-[r:KIND]-``: the type checked against the link kinds, never pasted from input."""
    checked = rel_type(LinkKind(kind).value)
    return f"-[r:{checked}]->" if way == "out" else f"<-[r:{checked}]-"


class CypherShared:
    """What every view of one Bolt store at one revision shares: node attributes (the same on every
    day), the catalogues of nodes by kind, the statements run, the size of records."""

    __slots__ = ("catalogues", "props", "revision", "sizes", "statements")

    def __init__(self, revision: int) -> None:
        self.revision = revision
        #: node id → attributes (without ``id``), or ``None`` for no such node
        self.props: dict[str, dict[str, Any] | None] = {}
        self.catalogues: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        #: statements run for this revision (all days): how the cache is seen to work
        self.statements = 0
        #: id prefix (``household``, ``person``, ``area`` …) → bytes of one record, as seen so far
        self.sizes: dict[str, float] = {}
