"""The escalation climb's :class:`~queries.escalation_read.Reader` over a graph on a Bolt server (as of a day).

:class:`CypherReader` answers the reader's questions — a node's attributes if it is live, the other
ends of its active links of a kind out and in, the candidates of a kind — with Cypher statements on
the store's server, and keeps every answer, so asking again does not go back to the server. The
cache is per store revision and day (:func:`shared_for` keeps one :class:`CypherShared` per store
and revision; node attributes and catalogues do not depend on the day and are shared by its days).

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

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE, label, rel_type
from orggraph.timeline import is_live
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active, all_active

if TYPE_CHECKING:
    from orggraph.store.neo4j import Neo4jStore

T = TypeVar("T")
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

_UNKNOWN: Any = object()
Groups = dict[str, tuple[str, ...] | None]


def _arrow(kind: str, way: str) -> str:
    """``-[r:KIND]->`` or ``<-[r:KIND]-``: the type checked against the link kinds, never pasted from input."""
    checked = rel_type(LinkKind(kind).value)
    return f"-[r:{checked}]->" if way == "out" else f"<-[r:{checked}]-"


class CypherShared:
    """What every :class:`CypherReader` of one store at one revision shares: node attributes (the same
    on every day), the catalogues of nodes by kind, and the callers' states by day."""

    __slots__ = ("catalogues", "props", "revision", "sizes", "statements", "states")

    def __init__(self, revision: int) -> None:
        self.revision = revision
        #: node id → attributes (without ``id``), or ``None`` for no such node
        self.props: dict[str, dict[str, Any] | None] = {}
        self.catalogues: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        #: day → whatever a caller keeps per day (the escalation state)
        self.states: dict[str, Any] = {}
        #: statements run for this revision (all days): how the cache is seen to work
        self.statements = 0
        #: id prefix (``household``, ``person``, ``area`` …) → bytes of one record, as seen so far
        self.sizes: dict[str, float] = {}


_SHARED: dict[int, tuple[weakref.ref[Any], CypherShared]] = {}


def shared_for(store: Neo4jStore) -> CypherShared:
    """The :class:`CypherShared` of ``store`` at its current revision (a new one once it has moved on)."""
    key = id(store)
    entry = _SHARED.get(key)
    if entry is None or entry[0]() is not store or entry[1].revision != store.revision:
        entry = (weakref.ref(store, lambda _ref: _SHARED.pop(key, None)), CypherShared(store.revision))
        _SHARED[key] = entry
    return entry[1]


class CypherReader:
    """A :class:`~queries.escalation_read.Reader` answered by Cypher on a Bolt store, as of ``day``."""

    __slots__ = ("_counts", "_full", "_in", "_memo", "_out", "_pending", "_props", "cg", "day", "scratch", "shared")

    def __init__(self, store: Neo4jStore, day: str, shared: CypherShared | None = None) -> None:
        self.cg = CypherGraph(store, day)
        self.day = day
        self.shared = shared if shared is not None else CypherShared(store.revision)
        self._props = self.shared.props
        #: node → link kind → other ends (sorted), ``None`` for a group only counted so far
        self._out: dict[str, Groups] = {}
        self._in: dict[str, Groups] = {}
        #: nodes whose whole record is read (a node known only as a near node has its parent links only)
        self._full: set[str] = set()
        #: (node, direction, kind) → the size of a group only counted so far
        self._counts: dict[tuple[str, str, str], int] = {}
        #: node not read yet → the group it was listed in (its siblings)
        self._pending: dict[str, tuple[str, ...]] = {}
        self._memo: dict[str, Any] = {}
        self.scratch: dict[str, Any] = {}

    # -- the Reader protocol ----------------------------------------------------------------------

    def node(self, node: str) -> Mapping[str, Any] | None:
        attrs = self._props.get(node, _UNKNOWN)
        if attrs is _UNKNOWN:
            self._read(node)
            attrs = self._props.get(node)
        if attrs is None:
            return None
        return attrs if is_live(attrs, self.day) else None

    def out(self, node: str, kind: str) -> Sequence[str]:
        return self._links(self._out, node, kind, "out")

    def into(self, node: str, kind: str) -> Sequence[str]:
        return self._links(self._in, node, kind, "in")

    def parent(self, node: str | None, kind: str) -> str | None:
        if node is None:
            return None
        found = self._links(self._out, node, kind, "out")
        return found[0] if found else None

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        catalogue = self.shared.catalogues.get(kind)
        if catalogue is None:
            catalogue = self.shared.catalogues[kind] = self._catalogue(kind)
        yield from catalogue

    def memo(self, name: str, build: Callable[[], T]) -> T:
        if name not in self._memo:
            self._memo[name] = build()
        found: T = self._memo[name]
        return found

    # -- reading from the server ------------------------------------------------------------------

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        self.shared.statements += 1
        return self.cg.run(query, **params)

    def _links(self, table: dict[str, Groups], node: str, kind: str, way: str) -> Sequence[str]:
        groups = table.get(node)
        if groups is None or (kind not in groups and node not in self._full):
            self._read(node)
            groups = table[node]
        if kind not in groups:
            return ()
        found = groups[kind]
        if found is None:
            found = groups[kind] = tuple(sorted(set(self._group(node, kind, way))))
            self._siblings(found)
        return found

    def _group(self, node: str, kind: str, way: str) -> list[str]:
        """The other ends of ``node``'s active ``kind`` links one way (a group too big for its record):
        in pages of one small record each, or — a very big group — in one streamed answer."""
        match = f"MATCH (n:{NODE} {{id: $id}}){_arrow(kind, way)}(m) WHERE {active('r')}"
        if self._counts.get((node, way, kind), 0) > PAGE_IDS * MAX_PAGES:
            return [row["id"] for row in self._run(f"{match} RETURN DISTINCT m.id AS id", id=node)]
        query = f"{match} WITH DISTINCT m.id AS id ORDER BY id SKIP $skip LIMIT $limit RETURN collect(id) AS ids"
        found: list[str] = []
        while True:
            rows = self._run(query, id=node, skip=len(found), limit=PAGE_IDS)
            page = rows[0]["ids"] if rows else []
            found.extend(page)
            if len(page) < PAGE_IDS:
                return found

    def _siblings(self, group: tuple[str, ...]) -> None:
        pending, full = self._pending, self._full
        for other in group:
            if other not in full:
                pending.setdefault(other, group)

    def _batch(self, node: str) -> list[str]:
        """``node`` and siblings after it in the group it was listed in, not read yet: as many as fit
        :data:`BATCH_BYTES` by the size records of that kind of id have had so far."""
        batch = [node]
        group = self._pending.get(node)
        if group:
            guess = self.shared.sizes.get(node.split(":", 1)[0], _FIRST_GUESS)
            room = max(1, min(BATCH, int(BATCH_BYTES // guess)))
            full = self._full
            start = group.index(node) if node in group else 0
            for other in (*group[start + 1 :], *group[:start]):
                if len(batch) >= room:
                    break
                if other not in full and other != node:
                    batch.append(other)
        return batch

    def _read(self, node: str) -> None:
        """Read the records of ``node`` and some of its siblings (one statement); a household not met
        before (a climb's start, not one listed beside another) comes with the areas above it and their
        orgs (:data:`CHAIN`), which a climb reads next."""
        if node.startswith("household:") and node not in self._pending:  # a climb's start, not a sibling
            batch = [node]
            rows = self._run(CHAIN, id=node, group_ids=GROUP_IDS, near=NEAR)
        elif node.startswith("area:") and len(self._pending.get(node, ())) <= 1:  # an area the climb gets to
            batch = [node]
            rows = self._run(AREA_CHAIN, id=node, group_ids=GROUP_IDS, near=AREA_NEAR)
        else:
            batch = self._batch(node)
            rows = self._run(RECORDS, rows=batch, group_ids=GROUP_IDS, near=NEAR)
        props, full, counts, sizes = self._props, self._full, self._counts, self.shared.sizes
        for row in rows:
            attrs = dict(row["p"])
            node_id = str(attrs.pop("id"))
            prefix = node_id.split(":", 1)[0]
            size = len(orjson.dumps(row))
            sizes[prefix] = 0.7 * sizes[prefix] + 0.3 * size if prefix in sizes else size
            props[node_id] = attrs
            for table, way, groups in ((self._out, "out", row["outs"]), (self._in, "in", row["ins"])):
                read: Groups = {}
                for kind, count, ids in groups:
                    if ids is None:
                        read[kind] = None
                        counts[node_id, way, kind] = count
                    else:
                        read[kind] = group = tuple(sorted(set(ids)))
                        self._siblings(group)
                table[node_id] = read
            full.add(node_id)
            self._pending.pop(node_id, None)
            for near_props, ups in row["near"]:
                near_attrs = dict(near_props)
                near_id = str(near_attrs.pop("id"))
                if near_id not in props:
                    props[near_id] = near_attrs
                if near_id in full or near_id in self._out:
                    continue
                parents: dict[str, list[str]] = {kind.value: [] for kind in PARENT_KINDS}
                for kind, target in ups:
                    if kind is not None:
                        parents[kind].append(target)
                self._out[near_id] = {kind: tuple(sorted(set(ids))) for kind, ids in parents.items()}
        for missing in batch:
            if missing not in full:  # no such node: no attributes, no links
                props[missing] = None
                self._out[missing], self._in[missing] = {}, {}
                full.add(missing)
                self._pending.pop(missing, None)

    def _catalogue(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """Every node of ``kind`` (ended ones too), sorted by id; an unknown kind has none."""
        try:
            node_label = label(NodeKind(kind).value)
        except ValueError:
            return []
        rows = self._run(f"MATCH (n:{node_label}) RETURN count(n) AS n")
        count = int(rows[0]["n"]) if rows else 0
        found: list[dict[str, Any]] = []
        if count > PAGE_NODES * MAX_PAGES:
            found = [row["p"] for row in self._run(f"MATCH (n:{node_label}) RETURN properties(n) AS p")]
        else:
            query = f"MATCH (n:{node_label}) WITH n ORDER BY n.id SKIP $skip LIMIT $limit RETURN collect(properties(n)) AS ps"
            while len(found) < count:
                page = self._run(query, skip=len(found), limit=PAGE_NODES)
                nodes = page[0]["ps"] if page else []
                if not nodes:
                    break
                found.extend(nodes)
        catalogue: list[tuple[str, dict[str, Any]]] = []
        for props in found:
            attrs = dict(props)
            node_id = str(attrs.pop("id"))
            attrs = self._props.setdefault(node_id, attrs) or attrs
            catalogue.append((node_id, attrs))
        catalogue.sort(key=lambda pair: pair[0])
        return catalogue
