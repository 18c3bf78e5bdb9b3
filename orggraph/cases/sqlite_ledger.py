"""The case ledger in SQLite: tables of the embedded store's file (or of memory, for a memory store).

Three tables, made when the ledger is first opened (the store's format 3 is unchanged: a file without
them has no cases yet):

* ``cases(number, id, version, …facts…, body)`` — one row per case: its number (the ledger's sequence),
  its id, the indexed fields of :data:`~orggraph.cases.model.FACTS` and its whole body (UTF-8 JSON of
  :class:`~orggraph.cases.model.Case`); ``idempotency_key`` is unique;
* ``case_areas(area, number)`` — the areas each case is in (its household's, up to the district);
* ``case_events(number, seq, at, type, body)`` — the timeline, append-only.

A write is one ``BEGIN IMMEDIATE`` … ``COMMIT`` on its own connection to the file (the store's WAL
discipline): a case and its event are there together or not at all, and a process killed at any
moment leaves every committed case whole. Changes are compare-and-set on ``version``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from orggraph.cases.ledger import Change
from orggraph.cases.model import FACTS, Case, CaseEvent
from orggraph.errors import StoreError, StoreUnavailableError

_COLUMNS = [f for f in FACTS if f != "id"]
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS cases (number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
    + ", ".join(f'"{c}"' for c in _COLUMNS if c != "idempotency_key")
    + ", idempotency_key TEXT UNIQUE, body BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cases_tick ON cases (tick_at) WHERE tick_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS cases_reported ON cases (reported_at)",
    "CREATE TABLE IF NOT EXISTS case_areas (area TEXT NOT NULL, number INTEGER NOT NULL, "
    "PRIMARY KEY (area, number)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS case_events (number INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, "
    "type TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (number, seq)) WITHOUT ROWID",
]
_SET = ", ".join(f'"{c}" = ?' for c in _COLUMNS) + ", body = ?"
#: The statements built from :data:`FACTS` (fixed names, never input).
_INSERT = (
    f"INSERT INTO cases (number, id, {', '.join(chr(34) + c + chr(34) for c in _COLUMNS)}, body) "  # noqa: S608 - fixed names
    f"VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)}, ?)"
)
_UPDATE = f"UPDATE cases SET {_SET} WHERE number = ?"  # noqa: S608 - fixed names
_FACT_COLUMNS = ", ".join(f'c."{f}"' for f in FACTS)


def _case(row: Sequence[Any]) -> Case:
    """A case from its row's ``id`` and ``body``."""
    case = Case.from_dict(orjson.loads(row[1]))
    case.id = row[0]
    return case


def _fact_values(case: Case) -> list[Any]:
    facts = case.facts()
    return [facts[c] for c in _COLUMNS]


class SqliteLedger:
    """Cases in SQLite; see the module docstring. ``path`` ``None``: in memory (a memory store's)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                path if path is not None else ":memory:", isolation_level=None, check_same_thread=False, timeout=30
            )
            self._db.execute("PRAGMA busy_timeout = 30000")
            if path is not None:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
            with self._write():
                for statement in SCHEMA:
                    self._db.execute(statement)
            #: Reads go through a connection of their own (in WAL mode they never wait for a write), and
            #: a lock of their own; in memory there is one database, so one connection and one lock.
            self._reader, self._read_lock = self._db, self._lock
            if path is not None:
                self._reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
                self._reader.execute("PRAGMA busy_timeout = 30000")
                self._read_lock = threading.Lock()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the case ledger: {exc}", message_zh=f"{path}：无法打开事件台账") from exc

    class _Tx:
        def __init__(self, ledger: SqliteLedger) -> None:
            self.ledger = ledger

        def __enter__(self) -> sqlite3.Connection:
            self.ledger._lock.acquire()
            try:
                self.ledger._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                self.ledger._lock.release()
                raise StoreUnavailableError(
                    f"{self.ledger.path} is busy (another process is writing): {exc}",
                    message_zh=f"{self.ledger.path} 正被其他进程写入",
                ) from exc
            return self.ledger._db

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            db = self.ledger._db
            try:
                if exc_type is None:
                    db.execute("COMMIT")
                elif db.in_transaction:
                    db.execute("ROLLBACK")
            finally:
                self.ledger._lock.release()

    def _write(self) -> SqliteLedger._Tx:
        return SqliteLedger._Tx(self)

    def _read(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._read_lock:
            return self._reader.execute(query, params).fetchall()

    # -- writes -----------------------------------------------------------------------------------

    def create(self, case: Case, event: CaseEvent, *, prefix: str) -> tuple[Case, bool]:
        # made before the transaction (the id is the row's: the body's own is read back from its column),
        # so that the write lock is held for the SQL alone
        body, event_body, facts = orjson.dumps(case), orjson.dumps(event), _fact_values(case)
        with self._write() as db:
            if case.idempotency_key is not None:
                row = db.execute("SELECT id, body FROM cases WHERE idempotency_key = ?", (case.idempotency_key,)).fetchone()
                if row is not None:
                    return _case(row), False
            number = int(db.execute("SELECT coalesce(max(number), 0) + 1 FROM cases").fetchone()[0])
            case.id = f"{prefix}{number:06d}"
            db.execute(_INSERT, [number, case.id, *facts, body])
            db.executemany("INSERT OR IGNORE INTO case_areas (area, number) VALUES (?, ?)", [(a, number) for a in case.areas])
            db.execute(
                "INSERT INTO case_events (number, seq, at, type, body) VALUES (?, 1, ?, ?, ?)",
                (number, event.at, event.type, event_body),
            )
        return case, True

    def apply(self, changes: Sequence[Change]) -> list[bool]:
        made = [
            (c, [*_fact_values(c.case), orjson.dumps(c.case)], [(e.at, e.type, orjson.dumps(e)) for e in c.events])
            for c in changes
        ]
        done: list[bool] = []
        with self._write() as db:
            for change, row_values, events in made:
                row = db.execute("SELECT number, version FROM cases WHERE id = ?", (change.case.id,)).fetchone()
                if row is None or int(row[1]) != change.expected:
                    done.append(False)
                    continue
                number = int(row[0])
                db.execute(_UPDATE, [*row_values, number])
                seq = int(db.execute("SELECT coalesce(max(seq), 0) FROM case_events WHERE number = ?", (number,)).fetchone()[0])
                db.executemany(
                    "INSERT INTO case_events (number, seq, at, type, body) VALUES (?, ?, ?, ?, ?)",
                    [(number, seq + i + 1, *event) for i, event in enumerate(events)],
                )
                done.append(True)
        return done

    # -- reads ------------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case | None:
        rows = self._read("SELECT id, body FROM cases WHERE id = ?", (case_id,))
        return _case(rows[0]) if rows else None

    def events(self, case_id: str) -> list[CaseEvent]:
        rows = self._read(
            "SELECT e.body FROM case_events AS e JOIN cases AS c ON c.number = e.number WHERE c.id = ? ORDER BY e.seq", (case_id,)
        )
        return [CaseEvent(**orjson.loads(r[0])) for r in rows]

    def _where(
        self,
        area: str | None,
        statuses: Sequence[str] | None,
        overdue_at: str | None,
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if area is not None:
            clauses.append("c.number IN (SELECT number FROM case_areas WHERE area = ?)")
            params.append(area)
        if statuses:
            clauses.append(f"c.status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if overdue_at is not None:
            clauses.append("c.due_at IS NOT NULL AND c.due_at < ?")
            params.append(overdue_at)
        if since is not None:
            clauses.append("c.reported_at >= ?")
            params.append(since)
        if until is not None:
            clauses.append("c.reported_at < ?")
            params.append(until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def find(
        self,
        *,
        area: str | None = None,
        statuses: Sequence[str] | None = None,
        overdue_at: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Case], int]:
        where, params = self._where(area, statuses, overdue_at)
        count = f"SELECT count(*) FROM cases AS c{where}"  # noqa: S608 - fixed clauses
        page = f"SELECT id, body FROM cases AS c{where} ORDER BY c.number DESC LIMIT ? OFFSET ?"  # noqa: S608 - fixed clauses
        total = int(self._read(count, params)[0][0])
        rows = self._read(page, [*params, limit, offset])
        return [_case(r) for r in rows], total

    def due(self, now: str, *, limit: int = 10_000) -> list[Case]:
        rows = self._read(
            "SELECT id, body FROM cases WHERE tick_at IS NOT NULL AND tick_at <= ? ORDER BY tick_at LIMIT ?", (now, limit)
        )
        return [_case(r) for r in rows]

    def facts(
        self,
        *,
        area: str | None = None,
        since: str | None = None,
        until: str | None = None,
        statuses: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        where, params = self._where(area, statuses, None, since, until)
        query = f"SELECT {_FACT_COLUMNS} FROM cases AS c{where}"  # noqa: S608 - fixed names
        rows = self._read(query, params)
        out = []
        for row in rows:
            item = dict(zip(FACTS, row, strict=True))
            for flag in ("accepted_on_time", "accepted_step_on_time"):
                if item[flag] is not None:
                    item[flag] = bool(item[flag])
            out.append(item)
        return out

    def count(self) -> int:
        return int(self._read("SELECT count(*) FROM cases")[0][0])

    def close(self) -> None:
        with self._lock:
            if self._reader is not self._db:
                self._reader.close()
            self._db.close()
