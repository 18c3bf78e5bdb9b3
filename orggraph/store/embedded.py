"""The embedded engine: networkx in memory, durable in one SQLite file (WAL).

The file (format version 3) holds the graph as tables of nodes and of link periods, in numbered
blocks, plus the change log and the audit trail:

* ``meta(key, value)`` — ``format`` (``orggraph-embedded``), ``format_version`` (3), ``key_fingerprint``
  (of the personal-data key), ``created_at``, ``revision`` (grows with every write that changed the
  graph), ``block_size`` (256), ``next_node`` and ``next_periods`` (the next numbers to give) and
  ``state_digest`` (see below);
* ``node_blocks(block, revision, body, digest)`` — the nodes numbered ``block * block_size`` …
  ``(block + 1) * block_size - 1``; ``body`` is UTF-8 JSON ``{"number": […], "id": […], "attrs": […]}``,
  the attributes with their ``kind``;
* ``link_blocks(block, revision, body, digest)`` — the links from those nodes, one entry per
  (source, target) pair: ``{"source": […], "target": […], "periods": […]}``, node numbers and the number
  of the pair's period set;
* ``period_blocks(block, revision, body, digest)`` — the distinct link histories (period sets), shared
  by every pair with the same history: ``{"number": […], "periods": [{"<LINK KIND>": [[start, end or null,
  attributes as [[name, value], …] or null], …]}, …]}``;
* ``changes(revision, at, label, backward, digest)`` — the change log, as in version 2: per write that
  changed something, when the store learned it (UTC), its label and the states it replaced
  (zlib-compressed JSON of :class:`~orggraph.store.changes.Changes`, signed); what ``orggraph undo`` reads;
* ``audit(id, at, kind, record)`` — the audit trail (imports, API access);
* views ``nodes(number, id, kind, attrs)``, ``period_sets(number, periods)``, ``link_pairs`` and
  ``link_periods(source, target, kind, start, end, attrs)`` — one row per node and per link period,
  for people and tools (``sqlite3 demo.db "SELECT * FROM link_periods LIMIT 5"``).

Every block row is signed: ``digest`` is the HMAC-SHA256, under the store key, of
``"<table>:<block>:<revision>:"`` and the body; ``state_digest`` signs the revision, the counters and
every block's revision, so that a block cannot be put back to an older signed version or dropped. All
is checked before the graph is built: a tampered or foreign file is refused. A write is one SQLite
transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) that rewrites only the blocks of the nodes and links it
changed and adds its change-log row; the graph in memory changes only when it commits (a refused
batch or a failed commit is rolled back in memory too), and a process killed mid-batch leaves the file
at the previous batch. Several processes may share a file: :meth:`EmbeddedStore.refresh` takes in the
blocks others rewrote. Files of versions 1 and 2 (a marshalled snapshot of networkx's dicts and a
journal, :mod:`orggraph.store.legacy`) are migrated to version 3 the first time they are opened.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import floordiv, itemgetter
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from orggraph.cases.sqlite_ledger import SqliteLedger
from orggraph.errors import (
    StaleRevisionError,
    StoreCorruptError,
    StoreFormatError,
    StoreKeyMismatchError,
    StoreUnavailableError,
)
from orggraph.memory import collector_paused
from orggraph.pii import PiiKey
from orggraph.store import blocks, legacy
from orggraph.store.batch import Batch
from orggraph.store.changes import Changes, WriteRecord, changes_of
from orggraph.store.embedded_io import LayoutUndo, Transaction, connect, not_a_store
from orggraph.store.file_rows import AUDIT, FORMAT, FORMAT_VERSION, RowFile, schema
from orggraph.store.port import WriteSummary
from orggraph.store.reads import GraphReads
from orggraph.store.scratch import dry_run
from orggraph.store.state import GraphState, new_graph

log = logging.getLogger("orggraph.store")

__all__ = ["FORMAT", "FORMAT_VERSION", "EmbeddedStore", "missing_store"]


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
        self.layout = blocks.Layout()
        self._lock = threading.RLock()
        self._ledger: SqliteLedger | None = None
        self._revision = 0
        self._data_version = -1
        #: Called after a batch is written and before it commits (tests use it to kill the writer there).
        self.before_commit: Callable[[], None] | None = None
        existed = self.path.exists() and self.path.stat().st_size > 0
        if not existed and not create:
            raise missing_store(self.path)
        self._db = connect(self.path)
        self._file = RowFile(self._db, key, self.path)
        if existed:
            self._open()
        else:
            self._initialise()

    # -- the file ---------------------------------------------------------------------------------

    def _transaction(self, *, read: bool = False) -> Transaction:
        return Transaction(self._db, self.path, read=read)

    def _current_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _check_format(self) -> int:
        """The file's format version, once it is known to be an orggraph store of this key."""
        try:
            meta = self._file.meta()
        except sqlite3.DatabaseError as exc:
            raise not_a_store(self.path, str(exc)) from exc
        if meta.get("format") != FORMAT:
            raise StoreFormatError(
                f"{self.path} is an SQLite file but not an orggraph store; give another --store path",
                message_zh=f"{self.path} 是 SQLite 文件，但不是 orggraph 图存储；请指定其他 --store 路径",
                path=str(self.path),
            )
        version = int(meta.get("format_version", "0"))
        if version != FORMAT_VERSION and version not in legacy.VERSIONS:
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
        return version

    def _open(self) -> None:
        if self._check_format() != FORMAT_VERSION:
            self._migrate()
        else:
            self._db.execute(AUDIT)
            self._load()

    def _initialise(self) -> None:
        with self._transaction():
            for statement in schema():
                self._db.execute(statement)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._file.set_meta(
                format=FORMAT, format_version=FORMAT_VERSION, key_fingerprint=self.pii_key.fingerprint, created_at=now
            )
            self._file.seal(self.layout, 0)
        self._data_version = self._current_data_version()

    def _migrate(self) -> None:
        """Rewrite a file of format version 1 or 2 as version 3, in one transaction (once: a process that
        finds it done meanwhile just reads it)."""
        with self._transaction():
            version = int(self._file.meta().get("format_version", "0"))
            if version == FORMAT_VERSION:
                migrated = False
            else:
                migrated = True
                state, revision = legacy.read_legacy(self._db, self.pii_key, self.path)
                for statement in schema()[1:]:
                    self._db.execute(statement)
                for table in legacy.OLD_TABLES:
                    self._db.execute(f"DROP TABLE {table}")
                self._db.execute("DELETE FROM meta WHERE key IN ('seq', 'snapshot_seq', 'snapshot_digest')")
                self._file.set_meta(format_version=FORMAT_VERSION)
                self.state, self._revision = state, revision
                self._save_all(revision)
        if not migrated:
            self._load()
            return
        gc.freeze()
        self._data_version = self._current_data_version()
        log.warning("%s: store format migrated from version %d to %d", self.path, version, FORMAT_VERSION)
        try:  # give the old snapshot's pages back (another process holding the file open may prevent it)
            self._db.execute("VACUUM")
        except sqlite3.OperationalError as exc:
            log.info("%s: not compacted after the migration: %s", self.path, exc)

    def _load(self) -> None:
        """Read every block, check every signature and the state digest, build the graph."""
        with self._transaction(read=True):
            self._load_in_transaction()
        self._data_version = self._current_data_version()

    def _load_in_transaction(self) -> None:
        meta = self._file.meta()
        layout = blocks.Layout(int(meta.get("block_size", blocks.BLOCK_SIZE)))
        rows = self._file.read()
        with collector_paused():  # millions of small containers: collecting while they load triples the time
            try:
                state = blocks.load(layout, rows)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise self._file.corrupt(f"the graph ({exc})") from exc
            del rows
        self._revision = self._file.check_state(layout, meta)
        self.state, self.layout = state, layout
        # The graph holds no reference cycles and lives long: keep the collector from walking its
        # millions of containers again and again (pauses of a few hundred ms in a server).
        gc.freeze()

    def _catch_up(self) -> bool:
        """Inside a transaction: take in the blocks other processes rewrote since we last looked."""
        meta = self._file.meta()
        if int(meta["revision"]) == self._revision:
            return False
        if int(meta.get("rewritten_at", "0")) > self._revision:  # numbered afresh: read it whole
            self._load_in_transaction()
            return True
        rows = self._file.read(after=self._revision)
        try:
            blocks.apply_rows(self.state, self.layout, rows)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise self._file.corrupt(f"the blocks written since revision {self._revision} ({exc})") from exc
        self._revision = self._file.check_state(self.layout, meta)
        return True

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
            if int(self._file.meta()["revision"]) == self._revision:
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
                if expected_revision is not None and expected_revision != self._revision:
                    raise StaleRevisionError.of(str(self.path), self._revision, expected_revision)
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
            undo_layout = LayoutUndo(self.layout)
            try:
                if applied.effective:
                    self._persist(summary.forward, batch.label, summary.backward)
                if audit is not None:
                    revision = self._revision + (1 if applied.effective else 0)
                    record = {"label": batch.label, **audit[1], "changes": summary.as_dict(), "revision": revision}
                    self._insert_audit(audit[0], record)
                if self.before_commit is not None:
                    self.before_commit()
                transaction.commit()
            except BaseException:
                transaction.rollback()
                self.state.rollback(applied.undo)
                undo_layout.restore()
                raise
            self.layout.forgotten = None
            if applied.effective:
                self._revision += 1
                summary.revision = self._revision
            self._data_version = self._current_data_version()
        log.info("wrote batch %r: %d changes", batch.label, summary.changed)
        return summary

    def _dry_run(
        self, batch: Batch, expected_revision: int | None, progress: Callable[[str, int, int], None] | None
    ) -> WriteSummary:
        """What ``batch`` would change, checked on a scratch copy of the graph as it stands now."""
        self.refresh()
        with self._lock:
            if expected_revision is not None and expected_revision != self._revision:
                raise StaleRevisionError.of(str(self.path), self._revision, expected_revision)
            return dry_run(self.state, batch, progress)

    def _persist(self, forward: Changes, label: str, backward: Changes) -> None:
        """Inside the write's transaction: the change-log row, then the blocks of what changed."""
        revision = self._revision + 1
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        packed = backward.packed()
        self._db.execute("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", (revision, now, label, packed, self.pii_key.sign(packed)))
        layout, size = self.layout, self.layout.block_size
        nodes = self.state.graph._node
        layout.give_numbers(n for n, attrs in forward.nodes.items() if attrs is not None)
        number = layout.number.__getitem__
        node_blocks = set(map(floordiv, map(number, forward.nodes), repeat(size)))
        link_blocks = set(map(floordiv, map(number, map(itemgetter(0), forward.links)), repeat(size)))
        for node_id, attrs in forward.nodes.items():
            if attrs is None and node_id not in nodes:
                layout.forget(node_id)
        self._write_blocks(revision, node_blocks, link_blocks)

    def _write_blocks(self, revision: int, node_blocks: set[int], link_blocks: set[int]) -> None:
        layout, graph, write = self.layout, self.state.graph, self._file.write
        periods_before = layout.next_periods
        write("link_blocks", revision, ((b, blocks.encode_links(layout, graph, b)) for b in sorted(link_blocks)), layout)
        write("node_blocks", revision, ((b, blocks.encode_nodes(layout, graph, b)) for b in sorted(node_blocks)), layout)
        size = layout.block_size
        new_sets = layout.next_periods > periods_before
        period_blocks = range(periods_before // size, (layout.next_periods - 1) // size + 1) if new_sets else range(0)
        write("period_blocks", revision, ((b, blocks.encode_periods(layout, b)) for b in period_blocks), layout)
        self._file.seal(layout, revision)

    def _save_all(self, revision: int) -> None:
        """Inside a transaction: every block of the graph in memory, numbered afresh (a new file, a
        migration, :meth:`checkpoint`)."""
        for table in blocks.TABLES:
            self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        self.layout = blocks.Layout(self.layout.block_size)
        graph = self.state.graph
        self.layout.give_numbers(graph._node)
        every = set(range((self.layout.next_node + self.layout.block_size - 1) // self.layout.block_size))
        self._write_blocks(revision, every, every)
        self._file.set_meta(rewritten_at=revision)  # other processes read such a file whole again

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
        """A number that grows whenever the graph changes; refresh first."""
        return self._revision

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

    def load_graph(self, graph: nx.DiGraph, *, label: str = "migrate") -> None:
        """Make this empty store hold a copy of ``graph``, written whole (``orggraph migrate``)."""
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
            previous, layout = self.state, self.layout
            with self._transaction():
                self.state = copy
                try:
                    revision = self._revision + 1
                    self._save_all(revision)
                    self._insert_audit("write", {"label": label, "nodes": graph.number_of_nodes(), "revision": revision})
                except BaseException:
                    self.state, self.layout = previous, layout
                    raise
            self._revision += 1
            self._data_version = self._current_data_version()

    def checkpoint(self) -> None:
        """Write every block afresh, numbered densely and without the link histories no link uses any
        more, and fold SQLite's write-ahead log into the file."""
        with self._lock:
            layout = self.layout
            with self._transaction():
                self._catch_up()
                try:
                    self._save_all(self._revision + 1)
                except BaseException:
                    self.layout = layout
                    raise
            self._revision += 1
            self._data_version = self._current_data_version()
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def case_ledger(self) -> SqliteLedger:
        """The case ledger (:mod:`orggraph.cases.sqlite_ledger`), opened when first asked."""
        with self._lock:
            if self._ledger is None:
                self._ledger = SqliteLedger(self.path)
            return self._ledger

    def close(self) -> None:
        with self._lock:
            if self._ledger is not None:
                self._ledger.close()
            self._db.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
