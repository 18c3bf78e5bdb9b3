"""The Neo4j engine: the graph on a Bolt server (Neo4j 5; FalkorDB in CI), behind the same port.

The server holds the graph (see :mod:`~orggraph.store.cypher_layout`) and answers the queries written
in Cypher. The store also keeps an in-memory copy, loaded from the server when first needed (a write,
a read through the port, or a query computed in networkx) and kept current by revision: every write
is checked on that copy by the same rules as the embedded engine, so both engines accept and refuse
exactly the same batches, and only what changed is sent, in ``UNWIND`` batches.

A write is one transaction on Neo4j (it rolls back on any failure), and records in it what it
replaced: the change log (``OrgGraphChange`` nodes, :mod:`orggraph.store.changes`). FalkorDB's Bolt
endpoint does not roll back, so there that record is written before anything is changed, and put back
on failure — or, if the server or the process went away in between, the next time the store is
opened or written.

Writers are serialised by the revision on the ``OrgGraphMeta`` node: a write claims the next revision
only if nobody wrote since the copy was brought up to date, else it catches up and checks again.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import networkx as nx
import orjson

from orggraph.errors import StaleRevisionError, StoreError, StoreFormatError, StoreKeyMismatchError, StoreUnavailableError
from orggraph.pii import PiiKey
from orggraph.stats import StreetSummary
from orggraph.store.batch import Batch
from orggraph.store.bolt import BoltConnection
from orggraph.store.changes import Changes, WriteRecord, changes_of
from orggraph.store.cypher_layout import AUDIT, CHANGE, META, NODE, node_from_props, period_from_props
from orggraph.store.neo4j_changes import apply_changes
from orggraph.store.neo4j_stats import counts_on_server, per_street_on_server
from orggraph.store.port import StoreCounts, WriteSummary
from orggraph.store.reads import GraphReads
from orggraph.store.state import EdgeData, GraphState, new_graph
from orggraph.timeline import as_of_date

log = logging.getLogger("orggraph.store.neo4j")

FORMAT = "orggraph-bolt"
FORMAT_VERSION = 1
#: Characters of one stored text part (FalkorDB takes about 4 KB of parameters per statement).
_PART_CHARS = 700
#: How long a write waits for another process's write to finish before taking over its leftovers.
_WAIT_FOR_WRITER_S = 30.0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _parts(text: str) -> list[str]:
    return [text[i : i + _PART_CHARS] for i in range(0, len(text), _PART_CHARS)] or [""]


def wipe_graph(connection: BoltConnection) -> None:
    """Delete orggraph's graph and records from the server, in slices (``--replace``)."""
    for node_label in (NODE, AUDIT, CHANGE, "OrgGraphPending", META):
        while True:
            rows = connection.run(f"MATCH (n:{node_label}) WITH n LIMIT 10000 DETACH DELETE n RETURN count(n) AS n")
            if not rows or not rows[0]["n"]:
                break


class Neo4jStore(GraphReads):
    """A graph store on a Bolt server. Use :func:`orggraph.store.open_store` with a ``bolt://`` URI."""

    def __init__(self, connection: BoltConnection, key: PiiKey, *, create: bool = False) -> None:
        self.connection = connection
        self.location = connection.uri
        self.pii_key = key
        self._lock = threading.RLock()
        self._state: GraphState | None = None
        #: Called after the changes are sent and before the write is finished (tests break the write there).
        self.before_commit: Any = None
        meta = self._meta()
        if meta is None:
            if not create:
                connection.close()
                raise StoreUnavailableError(
                    f"there is no orggraph graph at {connection.uri}; copy one there with "
                    f"`orggraph migrate --store FILE --to {connection.uri}` or create one with `--create`",
                    message_zh=f"{connection.uri} 上没有 orggraph 图；请用 orggraph migrate 复制或新建",
                    uri=connection.uri,
                )
            meta = self._initialise()
        self._check(meta)
        self._revision = int(meta.get("revision", 0))
        if meta.get("writer"):
            self._recover(wait=False)

    # -- the server's records ---------------------------------------------------------------------

    def _meta(self) -> dict[str, Any] | None:
        rows = self.connection.run(f"MATCH (m:{META}) RETURN properties(m) AS m")
        return rows[0]["m"] if rows else None

    def _initialise(self) -> dict[str, Any]:
        counted = self.connection.run(f"MATCH (n:{NODE}) RETURN count(n) AS n")
        if counted and counted[0]["n"]:
            raise StoreFormatError(
                f"{self.location} holds {counted[0]['n']} orggraph nodes but no store record; it was not made by this release",
                message_zh=f"{self.location} 上已有节点，但缺少存储记录",
            )
        for statement in (
            self.connection.dialect.index_statement(NODE, "id"),
            self.connection.dialect.index_statement(META, "id"),
            self.connection.dialect.index_statement(AUDIT, "seq"),
            self.connection.dialect.index_statement(CHANGE, "revision"),
        ):
            try:
                self.connection.run(statement)
            except StoreError as exc:  # FalkorDB: the index is there already
                if self.connection.dialect.name != "falkordb":
                    raise
                log.debug("index statement %s: %s", statement, exc)
        meta = {
            "id": "meta",
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "key_fingerprint": self.pii_key.fingerprint,
            "created_at": _now(),
            "revision": 0,
            "audit_seq": 0,
        }
        self.connection.run(f"MERGE (m:{META} {{id: 'meta'}}) SET m = $meta", meta=meta)
        return meta

    def _check(self, meta: dict[str, Any]) -> None:
        if meta.get("format") != FORMAT or int(meta.get("format_version", 0)) != FORMAT_VERSION:
            raise StoreFormatError(
                f"{self.location} holds a graph of format {meta.get('format')} {meta.get('format_version')}; "
                f"this orggraph reads {FORMAT} {FORMAT_VERSION}",
                message_zh=f"{self.location} 的存储格式不受本版本支持",
            )
        if meta.get("key_fingerprint") != self.pii_key.fingerprint:
            raise StoreKeyMismatchError(
                f"the personal-data key does not belong to the graph at {self.location}; point ORGGRAPH_KEY_FILE "
                "(or ORGGRAPH_KEY) at the key it was made with",
                message_zh=f"个人信息密钥与 {self.location} 上的图不匹配",
            )

    def server_revision(self) -> int:
        rows = self.connection.run(f"MATCH (m:{META}) RETURN m.revision AS r")
        return int(rows[0]["r"]) if rows else 0

    # -- the in-memory copy -----------------------------------------------------------------------

    @property
    def state(self) -> GraphState:  # type: ignore[override]
        """The in-memory copy, loaded from the server on first use."""
        with self._lock:
            if self._state is None:
                self._load()
            assert self._state is not None
            return self._state

    def _load(self) -> None:
        revision = self.server_revision()
        state = GraphState()
        nodes: dict[str, dict[str, Any]] = {}
        for row in self.connection.run(f"MATCH (n:{NODE}) RETURN properties(n) AS p"):
            node_id, attrs = node_from_props(row["p"])
            nodes[node_id] = attrs
        succ: dict[str, dict[str, Any]] = {n: {} for n in nodes}
        pred: dict[str, dict[str, Any]] = {n: {} for n in nodes}
        gathered: dict[tuple[str, str], dict[str, list[tuple[Any, ...]]]] = {}
        query = f"MATCH (a:{NODE})-[r]->(b:{NODE}) RETURN a.id AS s, type(r) AS k, b.id AS t, properties(r) AS p"
        for row in self.connection.run(query):
            gathered.setdefault((row["s"], row["t"]), {}).setdefault(row["k"], []).append(period_from_props(row["p"]))
        for (u, v), kinds in gathered.items():
            data: EdgeData = {k: tuple(sorted(p, key=lambda x: (x[0], x[1] or "9999"))) for k, p in kinds.items()}
            shared = state.intern(data)
            succ[u][v] = pred[v][u] = shared
        state.graph = new_graph(nodes, succ, pred)
        self._state = state
        self._revision = revision

    @property
    def revision(self) -> int:
        """The server's revision when this store last caught up (grows with every write)."""
        return self._revision

    def stale(self) -> bool:
        return self.server_revision() != self._revision

    def refresh(self) -> bool:
        with self._lock:
            current = self.server_revision()
            if current == self._revision:
                return False
            if self._state is not None:
                self._load()
            else:
                self._revision = current
            return True

    # -- writing ----------------------------------------------------------------------------------

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
        """Check ``batch`` on the copy, then send what changed as one write; or change nothing and raise."""
        with self._lock:
            for _attempt in range(3):
                self.refresh()
                if expected_revision is not None and expected_revision != self._revision:
                    raise StaleRevisionError.of(self.location, self._revision, expected_revision)
                applied = self.state.apply(batch.ops, progress)  # a refused batch raises here, rolled back
                summary = applied.summary
                summary.forward, summary.backward = changes_of(self.state.graph, applied.undo)
                if dry_run or (not applied.effective and audit is None):
                    self.state.rollback(applied.undo)
                    summary.dry_run = dry_run
                    return summary
                if progress is not None:
                    progress("save", 0, 0)
                try:
                    claimed = self._send(summary.forward, summary.backward, batch.label, summary, audit)
                except BaseException:
                    self.state.rollback(applied.undo)
                    raise
                if claimed:
                    log.info("wrote batch %r: %d changes", batch.label, summary.changed)
                    return summary
                self.state.rollback(applied.undo)  # another process wrote first: catch up and check again
        raise StoreUnavailableError(
            f"{self.location}: other writers kept changing the graph; try again",
            message_zh="其他进程持续写入，请稍后重试",
        )

    def _send(
        self,
        forward: Changes,
        backward: Changes,
        label: str,
        summary: WriteSummary,
        audit: tuple[str, dict[str, Any]] | None,
    ) -> bool:
        """Send one write; ``False`` when another process claimed the revision first."""
        expected = self._revision
        bump = 1 if forward else 0
        token = uuid.uuid4().hex
        connection = self.connection
        with connection.transaction() as tx:
            if not self._claim(tx, expected, expected + bump, token):
                return False
            try:
                if forward:  # first, so that a server without rollback can be put back from it
                    self._save_change(tx, expected + 1, label, backward)
                apply_changes(connection, forward, tx)
                if audit is not None:
                    record = {"label": label, **audit[1], "changes": summary.as_dict(), "revision": expected + bump}
                    self._insert_audit(audit[0], record, tx)
                if self.before_commit is not None:
                    self.before_commit()
                self._release(tx, token)
            except BaseException:
                if tx is None:
                    self._undo_after_failure(backward, expected + bump)
                raise
        self._revision = expected + bump
        if forward:
            summary.revision = self._revision
        return True

    def _run(self, tx: Any, query: str, **params: Any) -> list[dict[str, Any]]:
        return self.connection.run_in(tx, query, **params)

    def _claim(self, tx: Any, expected: int, revision: int, token: str) -> bool:
        """Take the write: the revision must still be ``expected`` and no other write under way."""
        deadline = time.monotonic() + _WAIT_FOR_WRITER_S
        while True:
            rows = self._run(
                tx,
                f"MATCH (m:{META}) WHERE m.revision = $expected AND m.writer IS NULL "
                "SET m.revision = $revision, m.writer = $token, m.writer_at = $at RETURN m.revision AS r",
                expected=expected,
                revision=revision,
                token=token,
                at=_now(),
            )
            if rows:
                return True
            meta = self._meta() or {}
            if not meta.get("writer"):
                return False  # someone wrote: catch up first
            if time.monotonic() > deadline:
                self._recover(wait=False)  # the other writer went away mid-write
                return False
            time.sleep(0.05)

    def _release(self, tx: Any, token: str) -> None:
        self._run(tx, f"MATCH (m:{META}) WHERE m.writer = $token REMOVE m.writer, m.writer_at", token=token)

    def _change_part_chars(self) -> int:
        return 3_000 if self.connection.dialect.small_statements else 1_000_000

    def _save_change(self, tx: Any, revision: int, label: str, backward: Changes) -> None:
        """Record in the change log what the write replaces, as base64 text in parts."""
        text = base64.b64encode(backward.packed()).decode("ascii")
        size = self._change_part_chars()
        parts = [text[i : i + size] for i in range(0, len(text), size)] or [""]
        at = _now()
        for number, part in enumerate(parts):
            self._run(
                tx,
                f"CREATE (:{CHANGE} {{revision: $revision, at: $at, label: $label, part: $part, of: $of, text: $text}})",
                revision=revision,
                at=at,
                label=label[:200],
                part=number,
                of=len(parts),
                text=part,
            )

    def _drop_change(self, revision: int) -> None:
        self.connection.run(f"MATCH (c:{CHANGE}) WHERE c.revision = $revision DELETE c", revision=revision)

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        """The change log after revision ``after`` (up to ``until``), oldest first."""
        rows = self.connection.run(
            f"MATCH (c:{CHANGE}) WHERE c.revision > $after AND c.revision <= $until "
            "RETURN c.revision AS revision, c.at AS at, c.label AS label, c.part AS part, c.of AS of, c.text AS text "
            "ORDER BY revision, part",
            after=after,
            until=until if until is not None else 2**62,
        )
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(int(row["revision"]), []).append(row)
        for revision, parts in grouped.items():
            if len(parts) != parts[0]["of"]:
                continue  # a record a writer did not finish (it had changed nothing yet)
            body = base64.b64decode("".join(part["text"] for part in parts))
            yield WriteRecord(revision, parts[0]["at"], parts[0]["label"], Changes.unpacked(body))

    def _undo_after_failure(self, backward: Changes, revision: int) -> None:
        try:
            apply_changes(self.connection, backward, None)
            self._drop_change(revision)
            self.connection.run(f"MATCH (m:{META}) SET m.revision = m.revision + 1 REMOVE m.writer, m.writer_at")
            self._revision = self.server_revision()  # the caller rolls its copy back to match
        except StoreError as exc:
            log.warning("the failed write could not be undone now (%s); it will be when the store is next opened", exc.code)

    def _recover(self, *, wait: bool) -> None:
        """Put back what an interrupted write (of a process gone) left on a server without rollback: the
        write that claimed the server's revision recorded what it replaced first."""
        revision = self.server_revision()
        records = [record for record in self.write_log(after=revision - 1) if record.revision == revision]
        if records:  # complete: the write may have begun changing the graph
            backward = records[0].backward
            log.warning(
                "%s: undoing a write that did not finish (%d nodes, %d links)",
                self.location,
                len(backward.nodes),
                len(backward.links),
            )
            apply_changes(self.connection, backward, None)
        self._drop_change(revision)
        self.connection.run(f"MATCH (m:{META}) SET m.revision = m.revision + 1 REMOVE m.writer, m.writer_at")
        self._state = None
        self._revision = self.server_revision()

    # -- bulk copy --------------------------------------------------------------------------------

    def load_graph(self, graph: nx.DiGraph, *, label: str = "migrate") -> WriteSummary:
        """Write a whole graph into this empty store at once (what ``orggraph migrate`` does)."""
        with self._lock:
            counted = self.connection.run(f"MATCH (n:{NODE}) RETURN count(n) AS n")
            if counted and counted[0]["n"]:
                raise StoreError(
                    f"{self.location} already holds {counted[0]['n']} nodes; copy into an empty graph",
                    message_zh=f"{self.location} 中已有数据；请复制到空图",
                )
            forward = Changes(
                nodes=dict(graph._node),
                links={(u, v, k): p for u, targets in graph._succ.items() for v, d in targets.items() for k, p in d.items()},
            )
            summary = WriteSummary()
            for attrs in graph._node.values():
                summary.nodes[attrs["kind"], "created"] += 1
            for (_, _, kind), periods in forward.links.items():
                summary.links[kind, "created"] += len(periods)
            token = uuid.uuid4().hex
            with self.connection.transaction() as tx:
                if not self._claim(tx, self._revision, self._revision + 1, token):
                    raise StoreUnavailableError(f"{self.location} changed during the copy", message_zh="复制期间图被修改")
                try:
                    apply_changes(self.connection, forward, tx, fresh=True)
                    self._insert_audit(
                        "write", {"label": label, "changes": summary.as_dict(), "revision": self._revision + 1}, tx
                    )
                    self._release(tx, token)
                except BaseException:
                    if tx is None:  # a copy into an empty graph is undone by emptying it again
                        self.connection.run(f"MATCH (n:{NODE}) DETACH DELETE n")
                        self.connection.run(f"MATCH (m:{META}) SET m.revision = m.revision + 1 REMOVE m.writer, m.writer_at")
                    raise
            self._revision += 1
            self._state = None
            return summary

    # -- the audit trail --------------------------------------------------------------------------

    def _insert_audit(self, kind: str, record: dict[str, Any], tx: Any) -> None:
        parts = _parts(orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode())
        rows = self._run(
            tx,
            f"MATCH (m:{META}) SET m.audit_seq = m.audit_seq + 1 "
            f"CREATE (a:{AUDIT} {{seq: m.audit_seq, at: $at, kind: $kind, record: $text}}) RETURN a.seq AS seq",
            at=_now(),
            kind=kind,
            text=parts[0],
        )
        for part in parts[1:]:
            self._run(tx, f"MATCH (a:{AUDIT} {{seq: $seq}}) SET a.record = a.record + $text", seq=rows[0]["seq"], text=part)

    def record_audit(self, kind: str, record: dict[str, Any]) -> None:
        with self._lock, self.connection.transaction() as tx:
            self._insert_audit(kind, record, tx)

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        if not records:
            return
        with self._lock, self.connection.transaction() as tx:
            for record in records:
                self._insert_audit(kind, record, tx)

    def audit_log(self, kind: str, *, since: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        rows = self.connection.run(
            f"MATCH (a:{AUDIT}) WHERE a.kind = $kind AND a.at >= $since "
            "RETURN a.seq AS id, a.at AS at, a.record AS record ORDER BY a.seq DESC LIMIT $limit",
            kind=kind,
            since=since or "",
            limit=limit,
        )
        return [{"id": row["id"], "at": row["at"], **orjson.loads(row["record"])} for row in rows]

    # -- the rest of the port ---------------------------------------------------------------------

    def counts(self, *, as_of: str | None = None) -> StoreCounts:
        """Live nodes and active links per kind, counted on the server (the copy is not loaded)."""
        return counts_on_server(self.connection, as_of_date(as_of))

    def per_street(self, *, as_of: str | None = None) -> dict[str, StreetSummary]:
        """Live nodes per kind for every street, placed and counted on the server (the copy is not loaded)."""
        return per_street_on_server(self.connection, as_of_date(as_of))

    def node_ids(self) -> Iterator[str]:
        """Every node id on the server (ended nodes too)."""
        for row in self.connection.run(f"MATCH (n:{NODE}) RETURN n.id AS id"):
            yield str(row["id"])

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
