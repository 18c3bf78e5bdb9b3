"""Embedded files of format versions 1 and 2, written as those releases wrote them (for the migration
tests): a marshalled snapshot of networkx's dicts in table ``snapshot``, a journal of marshalled ops,
and (version 2) the change log."""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from orggraph.pii import PiiKey
from orggraph.store import Batch
from orggraph.store.changes import changes_of
from orggraph.store.state import GraphState

AT = "2025-01-01T00:00:00+00:00"


def write_legacy(path: Path, key: PiiKey, batches: Sequence[Batch], *, version: int = 2, in_snapshot: int = 1) -> GraphState:
    """Write ``batches`` as a file of ``version``: the first ``in_snapshot`` in the snapshot, the rest
    in the journal; the graph they make."""
    state = GraphState()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE TABLE snapshot (part INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    db.execute(
        "CREATE TABLE journal (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL, "
        "n_ops INTEGER NOT NULL, ops BLOB NOT NULL, digest BLOB NOT NULL)"
    )
    if version >= 2:
        db.execute(
            "CREATE TABLE changes (revision INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL, "
            "backward BLOB NOT NULL, digest BLOB NOT NULL)"
        )
        db.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, record TEXT NOT NULL)")
    seq = 0
    snapshot: bytes | None = None
    for index, batch in enumerate(batches):
        applied = state.apply(batch.ops)
        _, backward = changes_of(state.graph, applied.undo)
        seq += 1
        if version >= 2:
            packed = backward.packed()
            db.execute("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", (seq, AT, batch.label, packed, key.sign(packed)))
        if index < in_snapshot:
            graph = state.graph
            snapshot = marshal.dumps((version, graph._node, graph._succ, graph._pred), 4)
            snapshot_seq = seq
        else:
            body = marshal.dumps(applied.effective, 4)
            row = (seq, AT, batch.label, len(applied.effective), body, key.sign(body))
            db.execute("INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?)", row)
    assert snapshot is not None
    db.execute("INSERT INTO snapshot VALUES (0, ?)", (snapshot,))
    meta = {
        "format": "orggraph-embedded",
        "format_version": str(version),
        "key_fingerprint": key.fingerprint,
        "created_at": AT,
        "seq": str(seq),
        "snapshot_seq": str(snapshot_seq),
        "snapshot_digest": key.sign(snapshot).hex(),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.close()
    return state
