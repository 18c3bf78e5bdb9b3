"""The SQLite side of the embedded file (format 3): its tables and views, and signed block rows.

The format itself — tables, columns, bodies, signatures — is described in
:mod:`orggraph.store.embedded`; the bodies are made and read by :mod:`orggraph.store.blocks`. Here the
rows are written, read and checked: every block row carries the HMAC-SHA256, under the store key, of
``"<table>:<block>:<revision>:"`` followed by its body, and the ``meta`` row ``state_digest`` signs the
revision, the counters and every block's revision (:meth:`~orggraph.store.blocks.Layout.state_text`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from orggraph.errors import StoreCorruptError
from orggraph.pii import PiiKey
from orggraph.store.blocks import TABLES, BlockRow, Layout

FORMAT = "orggraph-embedded"
FORMAT_VERSION = 3

_BLOCK_TABLE = (
    "CREATE TABLE {name} (block INTEGER PRIMARY KEY, revision INTEGER NOT NULL, body BLOB NOT NULL, digest BLOB NOT NULL);"
    "CREATE INDEX {name}_revision ON {name} (revision);"
)

#: The change log (``changes``) and the audit trail (``audit``) are the same as in format 2.
CHANGES = (
    "CREATE TABLE IF NOT EXISTS changes ("
    "revision INTEGER PRIMARY KEY, at TEXT NOT NULL, label TEXT NOT NULL, backward BLOB NOT NULL, digest BLOB NOT NULL)"
)
AUDIT = "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, record TEXT NOT NULL)"

#: One row per node and per link period, read from the blocks (for people and tools; the store reads
#: the blocks). SQLite's JSON functions parse each block body once per statement.
VIEWS = """
CREATE VIEW nodes AS
SELECT n.value AS number,
       json_extract(CAST(b.body AS TEXT), '$.id[' || n.key || ']') AS id,
       json_extract(CAST(b.body AS TEXT), '$.attrs[' || n.key || '].kind') AS kind,
       json_extract(CAST(b.body AS TEXT), '$.attrs[' || n.key || ']') AS attrs
FROM node_blocks AS b, json_each(CAST(b.body AS TEXT), '$.number') AS n;
CREATE VIEW period_sets AS
SELECT p.value AS number, json_extract(CAST(b.body AS TEXT), '$.periods[' || p.key || ']') AS periods
FROM period_blocks AS b, json_each(CAST(b.body AS TEXT), '$.number') AS p;
CREATE VIEW link_pairs AS
SELECT s.value AS source_number,
       json_extract(CAST(b.body AS TEXT), '$.target[' || s.key || ']') AS target_number,
       json_extract(CAST(b.body AS TEXT), '$.periods[' || s.key || ']') AS period_set
FROM link_blocks AS b, json_each(CAST(b.body AS TEXT), '$.source') AS s;
CREATE VIEW link_periods AS
SELECT src.id AS source, dst.id AS target, k.key AS kind,
       json_extract(p.value, '$[0]') AS start, json_extract(p.value, '$[1]') AS "end",
       json_extract(p.value, '$[2]') AS attrs
FROM link_pairs AS l
JOIN nodes AS src ON src.number = l.source_number
JOIN nodes AS dst ON dst.number = l.target_number
JOIN period_sets AS ps ON ps.number = l.period_set,
json_each(ps.periods) AS k, json_each(k.value) AS p;
"""


def schema() -> list[str]:
    """The statements that make an empty file of this format (``meta`` is filled by the caller)."""
    statements = ["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"]
    for name in TABLES:
        statements.extend(s for s in _BLOCK_TABLE.format(name=name).split(";") if s)
    statements.extend([CHANGES, AUDIT])
    statements.extend(s.strip() for s in VIEWS.split(";") if s.strip())
    return statements


def _signed(table: str, block: int, revision: int, body: bytes) -> bytes:
    return f"{table}:{block}:{revision}:".encode() + body


class RowFile:
    """Signed block rows of one SQLite connection (the caller holds the transaction)."""

    def __init__(self, db: sqlite3.Connection, key: PiiKey, path: Path) -> None:
        self.db, self.key, self.path = db, key, path

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, **values: Any) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()])

    def corrupt(self, what: str) -> StoreCorruptError:
        return StoreCorruptError(
            f"{what} in {self.path} fails its integrity check; restore the file from a backup",
            message_zh=f"{self.path} 中的{what}未通过完整性校验；请从备份恢复",
            path=str(self.path),
        )

    def read(self, *, after: int = -1) -> dict[str, list[BlockRow]]:
        """The block rows written after revision ``after`` (all of them by default), each checked."""
        rows: dict[str, list[BlockRow]] = {}
        sign = self.key.sign
        for table in TABLES:
            found = rows[table] = []
            query = f"SELECT block, revision, body, digest FROM {table} WHERE revision > ? ORDER BY block"  # noqa: S608 - fixed names
            for block, revision, body, digest in self.db.execute(query, (after,)):
                if body.__class__ is not bytes or sign(_signed(table, block, revision, body)) != digest:
                    raise self.corrupt(f"block {block} of {table}")
                found.append((block, revision, body))
        return rows

    def check_state(self, layout: Layout, meta: dict[str, str]) -> int:
        """The file's revision, once the state digest in ``meta`` is found to sign ``layout``."""
        revision = int(meta.get("revision", "-1"))
        expected = self.key.sign(layout.state_text(revision)).hex()
        if (
            meta.get("state_digest") != expected
            or int(meta.get("next_node", "-1")) != layout.next_node
            or int(meta.get("next_periods", "-1")) != layout.next_periods
        ):
            raise self.corrupt("the list of blocks")
        return revision

    def write(self, table: str, revision: int, blocks: Iterable[tuple[int, bytes]], layout: Layout) -> int:
        """Write (insert or replace) blocks of ``table`` at ``revision``; how many bytes."""
        sign = self.key.sign
        rows = [(block, revision, body, sign(_signed(table, block, revision, body))) for block, body in blocks]
        self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", rows)  # noqa: S608 - fixed names
        for block, _, _, _ in rows:
            layout.revisions[table, block] = revision
        return sum(len(row[2]) for row in rows)

    def seal(self, layout: Layout, revision: int) -> None:
        """Record the revision, the counters and the state digest that signs them."""
        self.set_meta(
            revision=revision,
            next_node=layout.next_node,
            next_periods=layout.next_periods,
            block_size=layout.block_size,
            state_digest=self.key.sign(layout.state_text(revision)).hex(),
        )
