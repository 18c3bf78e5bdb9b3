"""Reading the embedded files of format versions 1 and 2, once, to migrate them to version 3.

Those files held a *snapshot* of the graph — networkx's adjacency dicts ``(version, node, succ,
pred)`` in :mod:`marshal` form, split into the rows of table ``snapshot`` and signed as a whole
(``meta.snapshot_digest``) — and a *journal* of the batches written since (table ``journal``: one
signed row of marshalled ops per batch, ``meta.snapshot_seq`` the snapshot's sequence and
``meta.seq`` the last batch's). Version 2 added the change log (``changes``), which version 3 keeps as
it is; version 1 files have none (their imports cannot be undone). Nothing is decoded before its
signature is checked, so a tampered or foreign file is refused here too.
"""

from __future__ import annotations

import gc
import marshal
import sqlite3
from pathlib import Path

from orggraph.errors import StoreCorruptError, StoreFormatError
from orggraph.memory import collector_paused
from orggraph.pii import PiiKey
from orggraph.store.state import GraphState, new_graph

#: The format versions this module reads.
VERSIONS = (1, 2)
#: Their tables that version 3 no longer has.
OLD_TABLES = ("snapshot", "journal")


def read_legacy(db: sqlite3.Connection, key: PiiKey, path: Path) -> tuple[GraphState, int]:
    """The graph of a version 1 or 2 file (snapshot, then its journal replayed) and its revision."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    blob = b"".join(row[0] for row in db.execute("SELECT body FROM snapshot ORDER BY part"))
    if key.sign(blob).hex() != meta.get("snapshot_digest"):
        raise StoreCorruptError(
            f"the snapshot in {path} fails its integrity check; restore the file from a backup",
            message_zh=f"{path} 中的快照未通过完整性校验；请从备份恢复",
            path=str(path),
        )
    with collector_paused():
        version, node, succ, pred = marshal.loads(blob)  # noqa: S302 - signature checked above
    del blob
    if version not in VERSIONS:
        raise StoreFormatError(f"snapshot version {version} in {path}", path=str(path))
    state = GraphState(new_graph(node, succ, pred))
    seq = int(meta["snapshot_seq"])
    rows = db.execute("SELECT seq, ops, digest FROM journal WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
    for seq, body, digest in rows:
        if key.sign(body) != digest:
            raise StoreCorruptError(
                f"journal entry {seq} in {path} fails its integrity check; restore the file from a backup",
                message_zh=f"{path} 的日志第 {seq} 条未通过完整性校验",
                path=str(path),
            )
        state.apply(marshal.loads(body))  # noqa: S302 - signature checked above
    gc.collect()
    return state, seq
