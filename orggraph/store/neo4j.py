"""The Neo4j engine: the graph on a Bolt server (Neo4j 5; FalkorDB in CI), behind the same port.

The server holds the graph (see :mod:`~orggraph.store.cypher_layout`) and answers the queries written
in Cypher. The store also keeps an in-memory copy, loaded from the server when first needed (a write,
a read through the port, or a query computed in networkx) and kept current by revision: every write
is checked on that copy by the same rules as the embedded engine, so both engines accept and refuse
exactly the same batches, and only what changed is sent, in ``UNWIND`` batches.

A write is one transaction on Neo4j (it rolls back on any failure), and records in it what it
replaced: the change log (``OrgGraphChange`` nodes, :mod:`orggraph.store.changes`). FalkorDB's Bolt
endpoint does not roll back, so there that record is written before anything is changed, and put back
on failure — or, if the process went away in between, by the next process that opens the store, writes
or loads its copy once the writer's lease has run out (:mod:`orggraph.store.neo4j_lease`: the writer
renews it every 2 s, it runs out 60 s after the last renewal; a live writer is waited for, never undone).

Writers are serialised by the revision on the ``OrgGraphMeta`` node: a write claims the next revision
only if nobody wrote since the copy was brought up to date and no write is under way, else it waits for
the write under way (or undoes it, when its lease ran out), catches up and checks again. The claim is a
compare-and-set that cannot be passed by two writers at once:

- on Neo4j the claim first sets a property of the ``OrgGraphMeta`` node (``claim_lock``), which takes
  that node's write lock until the transaction ends, and only then reads and checks the revision in the
  same transaction: a second writer's claim waits at its first statement until the first writer's
  transaction has committed, and then reads the revision it committed. (Checking in ``WHERE`` and
  setting literals, as before, takes no lock under read-committed isolation: both writers read the old
  revision, both passed the check and both wrote.)
- on FalkorDB the check and the set are one statement, and FalkorDB runs the write queries on a graph
  one at a time, each all or nothing: no other claim can run between the check and the set.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import networkx as nx
import orjson

from orggraph.cases.bolt_ledger import BoltLedger
from orggraph.errors import StaleRevisionError, StoreError, StoreFormatError, StoreKeyMismatchError, StoreUnavailableError
from orggraph.pii import PiiKey
from orggraph.stats import StreetSummary
from orggraph.store.batch import Batch
from orggraph.store.bolt import BoltConnection
from orggraph.store.changes import Changes, WriteRecord, changes_of
from orggraph.store.cypher_layout import AUDIT, CHANGE, META, NODE, node_from_props, period_from_props
from orggraph.store.cypher_records import CypherShared
from orggraph.store.cypher_view import CypherView
from orggraph.store.neo4j_changes import apply_changes
from orggraph.store.neo4j_lease import (
    POLL_S,
    READ_LEASE,
    REMOVE_WRITER,
    FencedConnection,
    Lease,
    LeaseTimes,
    busy_error,
    expired,
    process_name,
    taken_over_error,
)
from orggraph.store.neo4j_stats import counts_on_server, per_street_on_server
from orggraph.store.port import StoreCounts, WriteSummary
from orggraph.store.reads import GraphReads
from orggraph.store.scratch import dry_run as scratch_dry_run
from orggraph.store.state import EdgeData, GraphState, new_graph
from orggraph.store.view import DayView
from orggraph.timeline import as_of_date

log = logging.getLogger("orggraph.store.neo4j")

FORMAT = "orggraph-bolt"
FORMAT_VERSION = 1
#: Days whose views a store keeps at one revision.
_VIEW_DAYS = 16
#: Characters of one stored text part (FalkorDB takes about 4 KB of parameters per statement).
_PART_CHARS = 700


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

    def __init__(
        self,
        connection: BoltConnection,
        key: PiiKey,
        *,
        create: bool = False,
        lease: LeaseTimes | None = None,
    ) -> None:
        self.connection = connection
        #: The lease this store's writes hold, and how long it waits for others' (tests shorten them).
        self.lease_times = lease or LeaseTimes()
        self.location = connection.uri
        self.pii_key = key
        self._lock = threading.RLock()
        self._ledger: BoltLedger | None = None
        self._cypher_shared: CypherShared | None = None
        self._cypher_views: dict[str, CypherView] = {}
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
            self._recover_abandoned()  # only a writer whose lease ran out: a live one is left to finish

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

    def _lease_now(self, tx: Any = None) -> dict[str, Any]:
        """The revision, the write under way (if any) with its lease, and the server's clock."""
        rows = self._run(tx, READ_LEASE)
        return rows[0] if rows else {"revision": 0, "writer": None, "now": 0}

    def _settled(self, deadline: float) -> int:
        """Wait until no write is under way (undoing one whose lease ran out); the revision then."""
        while True:
            meta = self._lease_now()
            if not meta.get("writer"):
                return int(meta["revision"])
            if expired(meta):
                self._recover_abandoned()
                continue
            if time.monotonic() > deadline:
                raise busy_error(self.location, meta, self.lease_times.wait_s)
            time.sleep(POLL_S)

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
        """Read the whole graph, as of a revision no write was under way at (on FalkorDB a write under
        way is visible statement by statement: the copy is read again until nothing moved meanwhile)."""
        deadline = time.monotonic() + self.lease_times.wait_s
        while True:
            revision = self._settled(deadline)
            state = self._read_graph()
            after = self._lease_now()
            if int(after["revision"]) == revision and not after.get("writer"):
                break
        self._state = state
        self._revision = revision

    def _read_graph(self) -> GraphState:
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
        return state

    @property
    def revision(self) -> int:
        """The server's revision when this store last caught up (grows with every write)."""
        return self._revision

    def stale(self) -> bool:
        return self.server_revision() != self._revision

    def refresh(self) -> bool:
        """Catch up with the server; while another process's write is under way the copy (whole, as of
        its revision) is kept until that write is done."""
        with self._lock:
            meta = self._lease_now()
            current = int(meta["revision"])
            if current == self._revision:
                return False
            if self._state is not None:
                if meta.get("writer") and not expired(meta):
                    return False
                self._load()
            else:
                self._revision = current
            return True

    def _catch_up(self) -> None:
        """The copy loaded and current before a write is checked on it (waiting for a write under way)."""
        if self._state is None or self.server_revision() != self._revision:
            self._load()

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
        """Check ``batch`` on the copy, then send what changed as one write; or change nothing and raise.
        A dry run checks and counts on a scratch copy (:mod:`~orggraph.store.scratch`) and sends nothing."""
        with self._lock:
            for _attempt in range(3):
                self._catch_up()
                if expected_revision is not None and expected_revision != self._revision:
                    raise StaleRevisionError.of(self.location, self._revision, expected_revision)
                if dry_run:
                    return scratch_dry_run(self.state, batch, progress)
                applied = self.state.apply(batch.ops, progress)  # a refused batch raises here, rolled back
                summary = applied.summary
                summary.forward, summary.backward = changes_of(self.state.graph, applied.undo)
                if not applied.effective and audit is None:
                    self.state.rollback(applied.undo)
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
        with self.connection.transaction() as tx:
            lease = self._claim(tx, expected, expected + bump, op="write", undo_revision=expected + 1 if forward else None)
            if lease is None:
                return False
            connection = self._writing(tx, lease)
            try:
                if forward:  # first, so that a server without rollback can be put back from it
                    self._save_change(connection, tx, expected + 1, label, backward)
                apply_changes(connection, forward, tx)
                if audit is not None:
                    record = {"label": label, **audit[1], "changes": summary.as_dict(), "revision": expected + bump}
                    self._insert_audit(audit[0], record, tx, connection)
                if self.before_commit is not None:
                    self.before_commit()
                self._release(tx, lease)
            except BaseException:
                if tx is None and not lease.lost:  # once taken over, the process that took it over undoes it
                    self._undo_after_failure(backward, expected + bump, lease)
                raise
            finally:
                lease.stop()
        self._revision = expected + bump
        if forward:
            summary.revision = self._revision
        return True

    def _run(self, tx: Any, query: str, **params: Any) -> list[dict[str, Any]]:
        return self.connection.run_in(tx, query, **params)

    def _writing(self, tx: Any, lease: Lease) -> BoltConnection:
        """The connection a claimed write sends through: fenced by its lease where nothing rolls back."""
        return self.connection if tx is not None else FencedConnection(self.connection, lease)

    def _claim(self, tx: Any, expected: int, revision: int, *, op: str, undo_revision: int | None) -> Lease | None:
        """Take the write: the revision must still be ``expected`` and no other write under way; the
        write's lease (its heartbeat running), or ``None`` when someone wrote first (catch up first).

        A write under way is waited for while its lease is renewed; once the lease has run out it is undone
        (:meth:`_recover_abandoned`), never before. On Neo4j a write under way is not visible: the claim
        waits at its first statement, for the write lock of the meta node, until that write has committed.
        """
        lease = Lease(self.connection, uuid.uuid4().hex, self.lease_times, heartbeat=tx is None)
        deadline = time.monotonic() + self.lease_times.wait_s
        while True:
            if tx is not None:  # the lock first, so that the revision is read after the last writer committed
                self._run(tx, f"MATCH (m:{META}) SET m.claim_lock = $token", token=lease.token)
            rows = self._run(
                tx,
                f"MATCH (m:{META}) WHERE m.revision = $expected AND m.writer IS NULL "
                "SET m.revision = $revision, m.writer = $token, m.writer_by = $by, m.writer_at = $at, m.writer_op = $op, "
                "m.writer_revision = $undo, m.lease_ms = $lease_ms, m.lease_until = timestamp() + $lease_ms "
                "RETURN m.revision AS r",
                expected=expected,
                revision=revision,
                **lease.claim_fields(op, undo_revision, _now()),
            )
            if rows:
                lease.start()
                return lease
            meta = self._lease_now(tx)
            if not meta.get("writer"):
                return None  # someone wrote: catch up first
            if expired(meta):
                self._recover_abandoned()  # its writer went away mid-write: no heartbeat for longer than its lease
                return None
            if time.monotonic() > deadline:
                raise busy_error(self.location, meta, self.lease_times.wait_s)
            time.sleep(POLL_S)

    def _release(self, tx: Any, lease: Lease) -> None:
        """End the write; raise when it is no longer ours (taken over as abandoned, and undone)."""
        rows = self._run(
            tx, f"MATCH (m:{META}) WHERE m.writer = $token {REMOVE_WRITER} RETURN m.revision AS r", token=lease.token
        )
        if not rows:
            lease.lost = True
            raise taken_over_error(self.location, self.lease_times.lease_s)

    def _change_part_chars(self) -> int:
        return 3_000 if self.connection.dialect.small_statements else 1_000_000

    def _save_change(self, connection: BoltConnection, tx: Any, revision: int, label: str, backward: Changes) -> None:
        """Record in the change log what the write replaces, as base64 text in parts."""
        text = base64.b64encode(backward.packed()).decode("ascii")
        size = self._change_part_chars()
        parts = [text[i : i + size] for i in range(0, len(text), size)] or [""]
        at = _now()
        for number, part in enumerate(parts):
            connection.run_in(
                tx,
                f"CREATE (:{CHANGE} {{revision: $revision, at: $at, label: $label, part: $part, of: $of, text: $text}})",
                revision=revision,
                at=at,
                label=label[:200],
                part=number,
                of=len(parts),
                text=part,
            )

    def _drop_change(self, connection: BoltConnection, revision: int) -> None:
        connection.run(f"MATCH (c:{CHANGE}) WHERE c.revision = $revision DELETE c", revision=revision)

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        """The change log after revision ``after`` (up to ``until``), oldest first (not the record of a
        write under way)."""
        under_way = self.connection.run(f"MATCH (m:{META}) WHERE m.writer IS NOT NULL RETURN m.writer_revision AS r")
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
            if len(parts) != parts[0]["of"] or (under_way and under_way[0]["r"] == revision):
                continue  # a record a writer did not finish (it had changed nothing yet), or of a write under way
            body = base64.b64decode("".join(part["text"] for part in parts))
            yield WriteRecord(revision, parts[0]["at"], parts[0]["label"], Changes.unpacked(body))

    def _undo_after_failure(self, backward: Changes, revision: int, lease: Lease) -> None:
        """Put back what this process's failed write changed (on a server without rollback), while the
        write is still its own: once taken over, the process that took it over puts it back."""
        try:
            connection = FencedConnection(self.connection, lease)
            apply_changes(connection, backward, None)
            self._drop_change(connection, revision)
            self._finish_undo(lease.token)
            self._revision = self.server_revision()  # the caller rolls its copy back to match
        except StoreError as exc:
            if lease.lost:
                log.warning("the failed write was taken over by another process, which undoes it")
                return
            log.warning(
                "the failed write could not be undone now (%s); it will be once its lease has run out (%.0f s)",
                exc.code,
                self.lease_times.lease_s,
            )

    def _finish_undo(self, token: str) -> bool:
        """Release an undone write: a new revision, so that every copy loaded meanwhile is read again."""
        rows = self.connection.run(
            f"MATCH (m:{META}) WHERE m.writer = $token SET m.revision = m.revision + 1 {REMOVE_WRITER} RETURN m.revision AS r",
            token=token,
        )
        return bool(rows)

    def _recover_abandoned(self) -> bool:
        """Undo the write under way if its writer is gone — its lease ran out on the server's clock — and
        whether this process did; a live write is left alone.

        The write is taken over in one statement (this process's token and lease replace the dead
        writer's, the rest of its record stays), so two processes cannot both undo it, and a writer that
        was only stalled finds its statements fenced off. What it replaced is in its change record
        (``writer_revision``), written before it changed anything; a copy into an empty graph is undone
        by emptying the graph again. The undo is fenced and leased like a write: if this process dies
        in turn, the next one does it again (putting back the same states twice changes nothing).
        """
        lease = Lease(self.connection, uuid.uuid4().hex, self.lease_times, heartbeat=True)
        taken = self.connection.run(
            f"MATCH (m:{META}) WHERE m.writer IS NOT NULL AND coalesce(m.lease_until, 0) < timestamp() "
            "WITH m, m.writer_by AS dead, m.lease_until AS until, timestamp() AS now "
            "SET m.writer = $token, m.writer_by = $by, m.lease_ms = $lease_ms, m.lease_until = timestamp() + $lease_ms "
            "RETURN dead, until, now, m.writer_op AS op, m.writer_revision AS undo, m.revision AS revision",
            token=lease.token,
            by=process_name(),
            lease_ms=self.lease_times.lease_ms,
        )
        if not taken:
            return False  # finished, still alive, or taken over by another process
        meta = taken[0]
        lease.start()
        try:
            connection = FencedConnection(self.connection, lease)
            silent_s = (int(meta["now"]) - int(meta["until"] or 0)) / 1000
            if meta["op"] == "copy":
                log.warning("%s: emptying the graph of a copy that did not finish (by %s)", self.location, meta["dead"])
                while connection.run(f"MATCH (n:{NODE}) WITH n LIMIT 1000 DETACH DELETE n RETURN count(n) AS n")[0]["n"]:
                    pass
            else:
                # claimed by an earlier release (no writer_op): its change record was at the claimed revision
                revision = meta["undo"] if meta["op"] is not None else meta["revision"]
                if revision is not None:
                    record = next(iter(self._change_record(int(revision))), None)
                    if record is not None:  # complete: the write may have begun changing the graph
                        backward = record.backward
                        log.warning(
                            "%s: undoing a write that did not finish (by %s, lease out for %.0f s; %d nodes, %d links)",
                            self.location,
                            meta["dead"],
                            silent_s,
                            len(backward.nodes),
                            len(backward.links),
                        )
                        apply_changes(connection, backward, None)
                    self._drop_change(connection, int(revision))
            if not self._finish_undo(lease.token):
                raise taken_over_error(self.location, self.lease_times.lease_s)
        finally:
            lease.stop()
        self._state = None
        self._revision = self.server_revision()
        return True

    def _change_record(self, revision: int) -> list[WriteRecord]:
        rows = self.connection.run(
            f"MATCH (c:{CHANGE}) WHERE c.revision = $revision "
            "RETURN c.revision AS revision, c.at AS at, c.label AS label, c.part AS part, c.of AS of, c.text AS text "
            "ORDER BY part",
            revision=revision,
        )
        if not rows or len(rows) != rows[0]["of"]:
            return []
        body = base64.b64decode("".join(row["text"] for row in rows))
        return [WriteRecord(revision, rows[0]["at"], rows[0]["label"], Changes.unpacked(body))]

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
            with self.connection.transaction() as tx:
                lease = self._claim(tx, self._revision, self._revision + 1, op="copy", undo_revision=None)
                if lease is None:
                    raise StoreUnavailableError(f"{self.location} changed during the copy", message_zh="复制期间图被修改")
                connection = self._writing(tx, lease)
                try:
                    apply_changes(connection, forward, tx, fresh=True)
                    self._insert_audit(
                        "write", {"label": label, "changes": summary.as_dict(), "revision": self._revision + 1}, tx, connection
                    )
                    self._release(tx, lease)
                except BaseException:
                    if tx is None and not lease.lost:  # a copy into an empty graph is undone by emptying it again
                        with contextlib.suppress(StoreError):
                            fenced = FencedConnection(self.connection, lease)
                            while fenced.run(f"MATCH (n:{NODE}) WITH n LIMIT 1000 DETACH DELETE n RETURN count(n) AS n")[0]["n"]:
                                pass
                            self._finish_undo(lease.token)
                    raise
                finally:
                    lease.stop()
            self._revision += 1
            self._state = None
            return summary

    # -- the audit trail --------------------------------------------------------------------------

    def _insert_audit(self, kind: str, record: dict[str, Any], tx: Any, connection: BoltConnection | None = None) -> None:
        """Append to the audit trail (through ``connection``: a write's own, fenced by its lease)."""
        via = connection or self.connection
        parts = _parts(orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode())
        rows = via.run_in(
            tx,
            f"MATCH (m:{META}) SET m.audit_seq = m.audit_seq + 1 "
            f"CREATE (a:{AUDIT} {{seq: m.audit_seq, at: $at, kind: $kind, record: $text}}) RETURN a.seq AS seq",
            at=_now(),
            kind=kind,
            text=parts[0],
        )
        if not rows:
            return  # fenced off: the write was taken over (its release says so)
        for part in parts[1:]:
            via.run_in(tx, f"MATCH (a:{AUDIT} {{seq: $seq}}) SET a.record = a.record + $text", seq=rows[0]["seq"], text=part)

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

    # -- the read port ----------------------------------------------------------------------------

    def view(self, as_of: str | None = None, *, lazy: bool = False) -> DayView:
        """The graph as of the day, asked of the server (:class:`~orggraph.store.cypher_view.CypherView`):
        one view per revision and day, kept while the revision lasts (``lazy`` changes nothing here: a
        view of this engine reads what it is asked for, when it is asked)."""
        day = as_of_date(as_of)
        with self._lock:
            revision = self._revision
            if self._cypher_shared is None or self._cypher_shared.revision != revision:
                self._cypher_shared = CypherShared(revision)
                self._cypher_views.clear()
            found = self._cypher_views.get(day)
            if found is None:
                if len(self._cypher_views) >= _VIEW_DAYS:
                    self._cypher_views.pop(next(iter(self._cypher_views)))
                found = self._cypher_views[day] = CypherView(self.connection, day, self._cypher_shared)
            return found

    def view_ready(self, as_of: str | None = None) -> bool:
        """A view of this engine has nothing to build first: always ready (each answer asks the server)."""
        return True

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

    def case_ledger(self) -> BoltLedger:
        """The case ledger (:mod:`orggraph.cases.bolt_ledger`), opened when first asked."""
        with self._lock:
            if self._ledger is None:
                self._ledger = BoltLedger(self.connection)
            return self._ledger

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
