"""The Neo4j engine's view of one day (Bolt 某日视图): the read port answered by Cypher on the server.

:class:`CypherView` answers a node's attributes and the other ends of its active links one node at a
time with the records of :mod:`orggraph.store.cypher_records` — one statement brings the node, its
link groups and what a climb reads next — and keeps every answer. Many nodes at once
(:meth:`~CypherView.nodes`, :meth:`~CypherView.out_many` …) go in batches the server takes; a whole link
kind (:meth:`~CypherView.table`) or an area's subtree in one streamed statement each; a declared rule
(:meth:`~CypherView.scan`, :meth:`~CypherView.bind`) as Cypher (:mod:`orggraph.store.cypher_match`).
Answers are kept per store revision and day (the store keeps one view per day it is asked for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import orjson

from orggraph.model.kinds import NodeKind
from orggraph.store import cypher_match
from orggraph.store.bolt import BoltConnection
from orggraph.store.cypher_day import CypherDay
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, label, live, rel_type
from orggraph.store.cypher_records import (
    AREA_CHAIN,
    AREA_NEAR,
    BATCH,
    BATCH_BYTES,
    CHAIN,
    GROUP_IDS,
    MAX_PAGES,
    NEAR,
    PAGE_IDS,
    PAGE_NODES,
    PARENT_KINDS,
    RECORDS,
    CypherShared,
    arrow,
)
from orggraph.store.view import Subtree, Table
from orggraph.timeline import is_live

T = TypeVar("T")
_UNKNOWN: Any = object()
#: Nodes whose links :meth:`CypherView.neighbours` asks for in one statement (fewer, bigger statements are
#: faster on FalkorDB: a big answer waits once per statement) …
FRONTIER = 256
#: … and other ends per returned record (a busy node's come in several records, each well below 64 KB).
OTHERS = 200
#: The active links of the nodes ``$rows`` with a live other end: (node, kind, out?, other ends).
NEIGHBOURS = (
    f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}})-[r]-(m) WHERE {active('r')} AND {live('m')} "
    "WITH id, type(r) AS kind, startNode(r) = n AS out, collect(DISTINCT m.id) AS others "
    "UNWIND range(0, size(others) - 1, $others) AS i "
    "RETURN id, kind, out, others[i..i + $others] AS others"
)
_FIRST_GUESS = 1200.0
Groups = dict[str, tuple[str, ...] | None]


class CypherView:
    """A :class:`~orggraph.store.view.DayView` answered by Cypher on a Bolt store, as of ``day``."""

    engine = "bolt"

    def __init__(self, connection: BoltConnection, day: str, shared: CypherShared) -> None:
        self.cg = CypherDay(connection, day)
        self.day = day
        self.revision = shared.revision
        self.shared = shared
        self._props = shared.props
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
        self._lock = threading.RLock()
        self.scratch: dict[str, Any] = {}

    @property
    def statements(self) -> int:
        """Statements run for this store revision so far (every day's views)."""
        return self.shared.statements

    # -- one node at a time -----------------------------------------------------------------------

    def node(self, node: str) -> Mapping[str, Any] | None:
        attrs = self._props.get(node, _UNKNOWN)
        if attrs is _UNKNOWN:
            with self._lock:
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
        day = self.day
        for node, attrs in self._catalogue(kind):
            if is_live(attrs, day):
                yield node, attrs

    def of_kind(self, kind: str) -> Sequence[str]:
        return self.memo(f"view.of_kind:{kind}", lambda: [node for node, _ in self.candidates(kind)])

    def link(self, kind: str, source: str, target: str) -> Mapping[str, Any] | None:
        rows = self._run(
            f"MATCH (a:{NODE} {{id: $source}}){arrow(kind, 'out')}(b:{NODE} {{id: $target}}) WHERE {active('r')} "
            "RETURN properties(r) AS p LIMIT 1",
            source=source,
            target=target,
        )
        if not rows:
            return None
        return {k: v for k, v in rows[0]["p"].items() if k not in ("start", "end")}

    def memo(self, name: str, build: Callable[[], T]) -> T:
        if name not in self._memo:
            with self._lock:
                if name not in self._memo:
                    self._memo[name] = build()
        found: T = self._memo[name]
        return found

    # -- many nodes at once -----------------------------------------------------------------------

    def nodes(self, nodes: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        wanted = list(dict.fromkeys(nodes))
        unknown = [n for n in wanted if n not in self._props]
        if unknown:
            rows = self.cg.run_ids(f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}}) RETURN properties(n) AS p", unknown)
            with self._lock:
                for row in rows:
                    attrs = dict(row["p"])
                    self._props.setdefault(str(attrs.pop("id")), attrs)
                for node in unknown:
                    self._props.setdefault(node, None)
        found: dict[str, Mapping[str, Any]] = {}
        day = self.day
        for node in wanted:
            kept = self._props.get(node)
            if kept is not None and is_live(kept, day):
                found[node] = kept
        return found

    def out_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        return self._many(self._out, nodes, kind, "out")

    def into_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        return self._many(self._in, nodes, kind, "in")

    def _many(self, table: dict[str, Groups], nodes: Iterable[str], kind: str, way: str) -> dict[str, Sequence[str]]:
        wanted = list(dict.fromkeys(nodes))
        found: dict[str, Sequence[str]] = {}
        unread: list[str] = []
        for node in wanted:
            groups = table.get(node)
            if groups is not None and (kind in groups or node in self._full) and groups.get(kind, ()) is not None:
                if groups.get(kind):
                    found[node] = groups[kind]  # type: ignore[assignment]
            else:
                unread.append(node)
        if unread:
            rows = self.cg.run_ids(
                f"UNWIND $rows AS id MATCH (n:{NODE} {{id: id}}){arrow(kind, way)}(m) WHERE {active('r')} "
                "RETURN n.id AS id, collect(DISTINCT m.id) AS others",
                unread,
            )
            for row in rows:
                found[row["id"]] = tuple(sorted(row["others"]))
        return {node: found[node] for node in wanted if node in found}

    def neighbours(self, nodes: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """In batches of :data:`FRONTIER` nodes, one statement each (a busy node's links in several records)."""
        wanted = list(dict.fromkeys(nodes))
        found: dict[str, list[tuple[str, str, str]]] = {}
        for start in range(0, len(wanted), FRONTIER):
            for row in self.cg.run_ids(NEIGHBOURS, wanted[start : start + FRONTIER], others=OTHERS):
                way = "out" if row["out"] else "in"
                found.setdefault(row["id"], []).extend((other, row["kind"], way) for other in row["others"])
        return found

    def table(self, kind: str, direction: str = "out") -> Table:
        """Every active link of ``kind``, in one streamed statement (kept with the view)."""

        def build() -> dict[str, dict[str, list[str]]]:
            rel = rel_type(kind)
            out: dict[str, list[str]] = {}
            into: dict[str, list[str]] = {}
            rows = self._run(f"MATCH (a:{NODE})-[r:{rel}]->(b:{NODE}) WHERE {active('r')} RETURN a.id AS a, b.id AS b")
            for row in rows:
                out.setdefault(row["a"], []).append(row["b"])
                into.setdefault(row["b"], []).append(row["a"])
            for table in (out, into):
                for others in table.values():
                    others.sort()
            return {"out": out, "in": into}

        return self.memo(f"view.table:{kind}", build)[direction]

    def subtree(self, area: str) -> Subtree:
        """``area`` and everything below it, in two streamed statements (areas and households below by
        PART_OF; households IN_GRID a grid found there)."""

        def build() -> Subtree:
            if self.node(area) is None:
                return Subtree(area, {})
            walk = (
                f"MATCH p = (:{NODE} {{id: $root}})<-[:PART_OF*0..{MAX_DEPTH}]-(n:{NODE}) WHERE {all_active('p')} AND {live('n')}"
            )
            by_kind: dict[str, list[str]] = {}
            seen: set[str] = set()
            rows = self._run(f"{walk} RETURN DISTINCT n.id AS id, n.kind AS kind", root=area)
            rows += self._run(
                f"{walk} AND n.kind = 'grid' MATCH (n)<-[g:IN_GRID]-(h:{label(NodeKind.HOUSEHOLD.value)}) "
                f"WHERE {active('g')} AND {live('h')} RETURN DISTINCT h.id AS id, 'household' AS kind",
                root=area,
            )
            for row in rows:
                if row["id"] not in seen:
                    seen.add(row["id"])
                    by_kind.setdefault(row["kind"], []).append(row["id"])
            for ids in by_kind.values():
                ids.sort()
            return Subtree(area, by_kind)

        return self.memo(f"view.subtree:{area}", build)

    # -- patterns --------------------------------------------------------------------------------

    def bind(self, spec: Any, nodes: Iterable[str]) -> dict[str, list[str]]:
        return cypher_match.bind(self.cg, spec, nodes)

    def scan(self, focus: Any, spec: Any, low: int | None, high: int | None) -> list[tuple[str, int]]:
        return cypher_match.scan(self.cg, focus, spec, low, high)

    # -- reading records from the server ----------------------------------------------------------

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        self.shared.statements += 1
        return self.cg.run(query, **params)

    def _links(self, table: dict[str, Groups], node: str, kind: str, way: str) -> Sequence[str]:
        with self._lock:
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
        match = f"MATCH (n:{NODE} {{id: $id}}){arrow(kind, way)}(m) WHERE {active('r')}"
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
        orgs (:data:`~orggraph.store.cypher_records.CHAIN`), which a climb reads next."""
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
        """Every node of ``kind`` (ended ones too), sorted by id; an unknown kind has none (kept per revision)."""
        catalogue = self.shared.catalogues.get(kind)
        if catalogue is not None:
            return catalogue
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
        catalogue = []
        for props in found:
            read = dict(props)
            node_id = str(read.pop("id"))
            kept = self._props.setdefault(node_id, read)
            catalogue.append((node_id, kept if kept is not None else read))
        catalogue.sort(key=lambda pair: pair[0])
        self.shared.catalogues[kind] = catalogue
        return catalogue
