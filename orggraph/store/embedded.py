"""The embedded engine: networkx in memory, durable in one SQLite file (WAL).

The file holds a *snapshot* of the whole graph and a *journal* of the batches written since:

* ``meta`` — format name and version, the personal-data key's fingerprint, the write sequence;
* ``snapshot`` — the graph in :mod:`marshal` form, split into parts, signed with the store key;
* ``journal`` — one row per batch since the snapshot: the ops that changed something, signed;
* ``changes`` — the change log, kept across snapshots: one row per write that changed something, its
  revision, when the store learned it (UTC), its label and the states it replaced (compressed JSON of
  :class:`~orggraph.store.changes.Changes`), signed. It is what ``orggraph undo`` puts back.

A write is one SQLite transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) that appends a journal row, or,
once the journal is long or the batch large, replaces the snapshot and empties the journal. The
graph in memory changes only when the transaction commits: a refused batch or a failed commit
is rolled back in memory too. A process killed mid-batch leaves the file at the previous batch,
because SQLite never shows an uncommitted transaction. Opening loads the snapshot (checking its
signature before anything is decoded, so a tampered or foreign file is refused) and replays the
journal. Another process's writes are taken in by :meth:`EmbeddedStore.refresh`.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import marshal
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from orggraph.errors import (
    StaleRevisionError,
    StoreCorruptError,
    StoreError,
    StoreFormatError,
    StoreKeyMismatchError,
    StoreUnavailableError,
)
from orggraph.memory import collector_paused
from orggraph.pii import PiiKey
from orggraph.store.batch import Batch, Op
from orggraph.store.changes import Changes, WriteRecord, changes_of
from orggraph.store.port import WriteSummary
from orggraph.store.reads import GraphReads
from orggraph.store.scratch import dry_run
from orggraph.store.state import GraphState, new_graph

log = logging.getLogger("orggraph.store")

FORMAT = "orggraph-embedded"
FORMAT_VERSION = 2
#: Versions this release opens, upgrading them in place: version 1 had no change log.
_UPGRADES = {
    1: "CREATE TABLE IF NOT EXISTS changes ("
    "revision INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL, backward BLOB NOT NULL, digest BLOB NOT NULL)"
}
#: Journalled ops after which a write folds everything into a new snapshot instead.
SNAPSHOT_AFTER_OPS = 200_000
_PART_BYTES = 64 * 1024 * 1024
_MARSHAL_VERSION = 4

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshot (part INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL,
    n_ops INTEGER NOT NULL, ops BLOB NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE changes (
    revision INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL, backward BLOB NOT NULL, digest BLOB NOT NULL
);
"""

#: The audit trail (imports, and later API access), beside the graph; created in older files on open.
_AUDIT_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, record TEXT NOT NULL)"
)


def missing_store(path: Path) -> StoreUnavailableError:
    """The error for a store file that is not there (readers never create one)."""
    return StoreUnavailableError(
        f"there is no store at {path}; run `orggraph demo` or an import to create one",
        message_zh=f"{path} 处没有图存储；请先运行 orggraph demo 或导入名册",
        path=str(path),
    )


class EmbeddedStore(GraphReads):
    """A graph store in one SQLite file; the default engine. Use :func:`orggraph.store.open_store`."""

    def __init__(self, path: Path | str, key: PiiKey, *, create: bool = True) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.pii_key = key
        self.state = GraphState()
        self._lock = threading.RLock()
        self._seq = 0
        self._journal_ops = 0
        self._data_version = -1
        #: Called after a batch is written and before it commits (tests use it to kill the writer there).
        self.before_commit: Callable[[], None] | None = None
        existed = self.path.exists() and self.path.stat().st_size > 0
        if not existed and not create:
            raise missing_store(self.path)
        self._db = self._connect()
        if existed:
            self._check_format()
            self._db.execute(_AUDIT_SCHEMA)
            self._load()
        else:
            self._initialise()

    # -- the file ---------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            db.execute("PRAGMA busy_timeout = 30000")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
            db.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            raise self._not_a_store(f"it is not an SQLite file: {exc}") from exc
        if mode is None or str(mode[0]).lower() != "wal":
            raise StoreUnavailableError(f"{self.path}: cannot switch to WAL mode", path=str(self.path))
        return db

    def _not_a_store(self, detail: str) -> StoreFormatError:
        return StoreFormatError(
            f"{self.path} is not an orggraph store ({detail})",
            message_zh=f"{self.path} 不是 orggraph 图存储文件",
            path=str(self.path),
        )

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _check_format(self) -> None:
        try:
            meta = self._meta()
        except sqlite3.DatabaseError as exc:
            raise self._not_a_store(str(exc)) from exc
        if meta.get("format") != FORMAT:
            raise StoreFormatError(
                f"{self.path} is an SQLite file but not an orggraph store; give another --store path",
                message_zh=f"{self.path} 是 SQLite 文件，但不是 orggraph 图存储；请指定其他 --store 路径",
                path=str(self.path),
            )
        version = int(meta.get("format_version", "0"))
        if version in _UPGRADES:
            self._upgrade(version)
            version = FORMAT_VERSION
        if version != FORMAT_VERSION:
            advice = (
                "upgrade orggraph (pip install -U orggraph) to read it"
                if version > FORMAT_VERSION
                else "open it with the orggraph release that wrote it and export it with `orggraph export`"
            )
            raise StoreFormatError(
                f"{self.path} has store format version {version}; this orggraph reads version {FORMAT_VERSION}: {advice}",
                message_zh=f"{self.path} 的存储格式版本为 {version}，本程序只能读取版本 {FORMAT_VERSION}",
                path=str(self.path),
                version=version,
            )
        if meta.get("key_fingerprint") != self.pii_key.fingerprint:
            raise StoreKeyMismatchError(
                f"the personal-data key does not belong to {self.path}; point ORGGRAPH_KEY_FILE at the key "
                "created with this store",
                message_zh=f"个人信息密钥与 {self.path} 不匹配；请用 ORGGRAPH_KEY_FILE 指向创建该存储时的密钥",
                path=str(self.path),
            )

    def _upgrade(self, version: int) -> None:
        """Bring a file of an older format version up to this one, in one transaction."""
        with self._transaction():
            self._db.execute(_UPGRADES[version])
            self._set_meta(format_version=FORMAT_VERSION)
        log.warning("%s: store format upgraded from version %d to %d", self.path, version, FORMAT_VERSION)

    def _initialise(self) -> None:
        with self._transaction():
            for statement in [*_SCHEMA.strip().split(";"), _AUDIT_SCHEMA]:
                if statement.strip():
                    self._db.execute(statement)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("format", FORMAT),
                    ("format_version", str(FORMAT_VERSION)),
                    ("key_fingerprint", self.pii_key.fingerprint),
                    ("created_at", now),
                    ("seq", "0"),
                    ("snapshot_seq", "0"),
                ],
            )
            self._write_snapshot(0)
        self._data_version = self._current_data_version()

    def _transaction(self, *, read: bool = False) -> _Transaction:
        return _Transaction(self._db, self.path, read=read)

    def _current_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    # -- snapshot and journal ---------------------------------------------------------------------

    def _write_snapshot(self, seq: int) -> None:
        graph = self.state.graph
        blob = marshal.dumps((FORMAT_VERSION, graph._node, graph._succ, graph._pred), _MARSHAL_VERSION)
        self._db.execute("DELETE FROM snapshot")
        self._db.executemany(
            "INSERT INTO snapshot VALUES (?, ?)",
            ((i, blob[offset : offset + _PART_BYTES]) for i, offset in enumerate(range(0, len(blob) or 1, _PART_BYTES))),
        )
        self._db.execute("DELETE FROM journal")
        self._set_meta(snapshot_seq=seq, snapshot_digest=self.pii_key.sign(blob).hex(), seq=seq)
        self._journal_ops = 0

    def _set_meta(self, **values: Any) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()])

    def _load(self) -> None:
        """Read the snapshot and replay the journal, in one read transaction."""
        with self._transaction(read=True):
            self._load_in_transaction()
        self._data_version = self._current_data_version()

    def _load_in_transaction(self) -> None:
        meta = self._meta()
        parts = [row[0] for row in self._db.execute("SELECT body FROM snapshot ORDER BY part")]
        blob = b"".join(parts)
        del parts
        if self.pii_key.sign(blob).hex() != meta.get("snapshot_digest"):
            raise StoreCorruptError(
                f"the snapshot in {self.path} fails its integrity check; restore the file from a backup",
                message_zh=f"{self.path} 中的快照未通过完整性校验；请从备份恢复",
                path=str(self.path),
            )
        with collector_paused():  # millions of small containers: collecting while they load triples the time
            version, node, succ, pred = marshal.loads(blob)  # noqa: S302 - signature checked above
        # The graph holds no reference cycles and lives long: keep the collector from walking its
        # millions of containers again and again (pauses of a few hundred ms in a server).
        gc.freeze()
        del blob
        if version != FORMAT_VERSION:
            raise StoreFormatError(f"snapshot version {version} in {self.path}", path=str(self.path))
        self.state = GraphState(new_graph(node, succ, pred))
        self._seq = int(meta["snapshot_seq"])
        self._journal_ops = 0
        self._replay_journal()

    def _replay_journal(self) -> bool:
        rows = self._db.execute("SELECT seq, n_ops, ops, digest FROM journal WHERE seq > ? ORDER BY seq", (self._seq,)).fetchall()
        for seq, n_ops, body, digest in rows:
            if self.pii_key.sign(body) != digest:
                raise StoreCorruptError(
                    f"journal entry {seq} in {self.path} fails its integrity check; restore the file from a backup",
                    message_zh=f"{self.path} 的日志第 {seq} 条未通过完整性校验",
                    path=str(self.path),
                )
            self.state.apply(marshal.loads(body))  # noqa: S302 - signature checked above
            self._seq = seq
            self._journal_ops += n_ops
        return bool(rows)

    def _catch_up(self) -> bool:
        """Inside a transaction: take in batches other processes committed since we last looked."""
        meta = self._meta()
        if int(meta["seq"]) == self._seq:
            return False
        if int(meta["snapshot_seq"]) > self._seq:
            self._load_in_transaction()
            return True
        return self._replay_journal()

    def refresh(self) -> bool:
        """Take in what other processes wrote since this store was opened or last refreshed."""
        with self._lock:
            if self._current_data_version() == self._data_version:
                return False
            with self._transaction(read=True):
                changed = self._catch_up()
            self._data_version = self._current_data_version()
            return changed

    def stale(self) -> bool:
        """Whether another process changed the graph since this one last looked (cheap: reads no graph).

        A server asks this before taking its write lock to :meth:`refresh`; audit entries alone make
        nothing stale.
        """
        with self._lock:
            if self._current_data_version() == self._data_version:
                return False
            if int(self._meta()["seq"]) == self._seq:
                self._data_version = self._current_data_version()
                return False
            return True

    # -- the port -------------------------------------------------------------------------------

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
        """Apply ``batch`` whole and make it durable, or change nothing and raise.

        With ``dry_run`` the batch is checked and counted on a scratch copy (:mod:`~orggraph.store.scratch`):
        the graph is not changed even for a moment, and the file's write lock is not taken. ``audit``
        (kind, record) is stored in the audit trail in the same transaction, with the counts. With
        ``expected_revision``, a store another process has written since (or this one) refuses the
        batch with :class:`~orggraph.errors.StaleRevisionError`.
        """
        if dry_run:
            return self._dry_run(batch, expected_revision, progress)
        with self._lock:
            transaction = self._transaction()
            transaction.begin()  # holds the write lock from catch-up to commit
            try:
                self._catch_up()
                if expected_revision is not None and expected_revision != self._seq:
                    raise StaleRevisionError.of(str(self.path), self._seq, expected_revision)
                applied = self.state.apply(batch.ops, progress)  # a refused batch raises here, rolled back
            except BaseException:
                transaction.rollback()
                raise
            summary = applied.summary
            if progress is not None:
                progress("save", 0, 0)
            summary.forward, summary.backward = changes_of(self.state.graph, applied.undo)
            if dry_run or (not applied.effective and audit is None):
                self.state.rollback(applied.undo)
                transaction.rollback()
                summary.dry_run = dry_run
                return summary
            journal_ops = self._journal_ops
            try:
                if applied.effective:
                    self._persist(applied.effective, batch.label, summary.backward)
                if audit is not None:
                    revision = self._seq + (1 if applied.effective else 0)
                    record = {"label": batch.label, **audit[1], "changes": summary.as_dict(), "revision": revision}
                    self._insert_audit(audit[0], record)
                if self.before_commit is not None:
                    self.before_commit()
                transaction.commit()
            except BaseException:
                transaction.rollback()
                self.state.rollback(applied.undo)
                self._journal_ops = journal_ops
                raise
            if applied.effective:
                self._seq += 1
                summary.revision = self._seq
            self._data_version = self._current_data_version()
        log.info("wrote batch %r: %d changes", batch.label, summary.changed)
        return summary

    def _dry_run(
        self, batch: Batch, expected_revision: int | None, progress: Callable[[str, int, int], None] | None
    ) -> WriteSummary:
        """What ``batch`` would change, checked on a scratch copy of the graph as it stands now."""
        self.refresh()
        with self._lock:
            if expected_revision is not None and expected_revision != self._seq:
                raise StaleRevisionError.of(str(self.path), self._seq, expected_revision)
            return dry_run(self.state, batch, progress)

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        """The change log after revision ``after`` (up to ``until``), oldest first (each entry's signature checked)."""
        rows = self._db.execute(
            "SELECT revision, at, label, backward, digest FROM changes WHERE revision > ? AND revision <= ? ORDER BY revision",
            (after, until if until is not None else 2**62),
        ).fetchall()
        for revision, at, label, body, digest in rows:
            if self.pii_key.sign(body) != digest:
                raise StoreCorruptError(
                    f"change log entry {revision} in {self.path} fails its integrity check; restore the file from a backup",
                    message_zh=f"{self.path} 的变更日志第 {revision} 条未通过完整性校验",
                    path=str(self.path),
                )
            yield WriteRecord(revision, at, label, Changes.unpacked(body))

    @property
    def revision(self) -> int:
        """A number that grows whenever the graph changes (the journal sequence); refresh first."""
        return self._seq

    def _insert_audit(self, kind: str, record: dict[str, Any]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._db.execute(
            "INSERT INTO audit (at, kind, record) VALUES (?, ?, ?)",
            (now, kind, orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode()),
        )

    def record_audit(self, kind: str, record: dict[str, Any]) -> None:
        """Add one entry to the audit trail (its own transaction)."""
        with self._lock, self._transaction():
            self._insert_audit(kind, record)

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        """Add many entries of one kind to the audit trail in one transaction."""
        if not records:
            return
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = [(now, kind, orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode()) for record in records]
        with self._lock, self._transaction():
            self._db.executemany("INSERT INTO audit (at, kind, record) VALUES (?, ?, ?)", rows)

    def audit_log(self, kind: str, *, since: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Audit entries of ``kind``, newest first, optionally only those at or after ``since`` (ISO)."""
        rows = self._db.execute(
            "SELECT id, at, record FROM audit WHERE kind = ? AND at >= ? ORDER BY id DESC LIMIT ?",
            (kind, since or "", limit),
        ).fetchall()
        return [{"id": row_id, "at": at, **orjson.loads(record)} for row_id, at, record in rows]

    def _persist(self, ops: list[Op], label: str, backward: Changes) -> None:
        seq = self._seq + 1
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        packed = backward.packed()
        self._db.execute("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", (seq, now, label, packed, self.pii_key.sign(packed)))
        if self._journal_ops + len(ops) > SNAPSHOT_AFTER_OPS:
            self._write_snapshot(seq)
        else:
            body = marshal.dumps(ops, _MARSHAL_VERSION)
            self._db.execute(
                "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?)",
                (seq, now, label, len(ops), body, self.pii_key.sign(body)),
            )
            self._set_meta(seq=seq)
            self._journal_ops += len(ops)

    def load_graph(self, graph: nx.DiGraph, *, label: str = "migrate") -> None:
        """Make this empty store hold a copy of ``graph``, as one snapshot (``orggraph migrate``)."""
        with self._lock:
            if self.state.graph.number_of_nodes():
                raise StoreFormatError(
                    f"{self.path} already holds a graph; copy into a new file",
                    message_zh=f"{self.path} 已有图数据；请复制到新文件",
                    path=str(self.path),
                )
            copy = GraphState()
            copy.graph = new_graph(
                {n: dict(a) for n, a in graph._node.items()},
                {u: {v: copy.intern(dict(d)) for v, d in t.items()} for u, t in graph._succ.items()},
                {},
            )
            copy.graph._pred = {n: {} for n in copy.graph._node}
            for u, targets in copy.graph._succ.items():
                for v, data in targets.items():
                    copy.graph._pred[v][u] = data
            with self._transaction():
                previous, self.state = self.state, copy
                try:
                    self._write_snapshot(self._seq + 1)
                    self._insert_audit("write", {"label": label, "nodes": graph.number_of_nodes(), "revision": self._seq + 1})
                except BaseException:
                    self.state = previous
                    raise
            self._seq += 1
            self._data_version = self._current_data_version()

    def checkpoint(self) -> None:
        """Fold the journal into a new snapshot (makes the next open faster)."""
        with self._lock:
            with self._transaction():
                self._catch_up()
                self._write_snapshot(self._seq + 1)
            self._seq += 1
        self._data_version = self._current_data_version()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` (or ``BEGIN`` to read) … ``COMMIT``; as a context, rollback on any exception."""

    def __init__(self, db: sqlite3.Connection, path: Path, *, read: bool = False) -> None:
        self.db, self.path, self.read = db, path, read

    def begin(self) -> None:
        try:
            self.db.execute("BEGIN" if self.read else "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailableError(
                f"{self.path} is busy (another process is writing): {exc}",
                message_zh=f"{self.path} 正被其他进程写入",
                path=str(self.path),
            ) from exc

    def commit(self) -> None:
        try:
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: the write could not be committed: {error}") from error

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def __enter__(self) -> None:
        self.begin()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.rollback()
                raise
        else:
            self.rollback()
