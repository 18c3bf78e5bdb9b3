"""The plumbing of the embedded file: the connection, its transactions, and taking back the layout
(node and period-set numbers, block revisions) of a write that did not commit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from orggraph.errors import StoreError, StoreFormatError, StoreUnavailableError
from orggraph.store.blocks import Layout


def not_a_store(path: Path, detail: str) -> StoreFormatError:
    return StoreFormatError(
        f"{path} is not an orggraph store ({detail})",
        message_zh=f"{path} 不是 orggraph 图存储文件",
        path=str(path),
    )


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode, waiting up to 30 s for another process's write."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA busy_timeout = 30000")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
        db.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        raise not_a_store(path, f"it is not an SQLite file: {exc}") from exc
    if mode is None or str(mode[0]).lower() != "wal":
        raise StoreUnavailableError(f"{path}: cannot switch to WAL mode", path=str(path))
    return db


class Transaction:
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


class LayoutUndo:
    """What a write is about to change in a :class:`~orggraph.store.blocks.Layout`, to put it back if
    the write does not commit: the numbers given, the nodes forgotten, the block revisions."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.nodes = layout.next_node
        self.periods = layout.next_periods
        self.revisions = dict(layout.revisions)
        layout.forgotten = []

    def restore(self) -> None:
        layout = self.layout
        for node_id, number in layout.forgotten or ():
            layout.number[node_id] = number
            layout.ids[number] = node_id
        layout.forgotten = None
        for given in layout.ids[self.nodes :]:
            if given is not None:
                del layout.number[given]
        del layout.ids[self.nodes :]
        for data in layout.periods[self.periods :]:
            layout.period_number.pop(id(data), None)
        del layout.periods[self.periods :]
        layout.reset_content_index()
        layout.revisions = self.revisions
