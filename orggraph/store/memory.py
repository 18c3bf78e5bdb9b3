"""A store that lives in memory only: the same rules and reads as the embedded store, no file.

For scratch work (the demo writes its generated district here before writing rosters from it) and
for tests. Its audit trail is a list.

>>> from orggraph.pii import PiiKey
>>> from orggraph.model import Street
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S1", name="新华街道"))
>>> store.write(b).changed
1
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from orggraph.cases.sqlite_ledger import SqliteLedger
from orggraph.errors import StaleRevisionError
from orggraph.pii import PiiKey
from orggraph.store.batch import Batch
from orggraph.store.changes import WriteRecord, changes_of
from orggraph.store.port import WriteSummary
from orggraph.store.reads import GraphReads
from orggraph.store.scratch import dry_run as scratch_dry_run
from orggraph.store.state import GraphState


class MemoryStore(GraphReads):
    """A graph store without persistence."""

    def __init__(self, key: PiiKey, *, location: str = "memory") -> None:
        self.pii_key = key
        self.location = location
        self.state = GraphState()
        self._audit: list[dict[str, Any]] = []
        self._log: list[WriteRecord] = []
        self._revision = 0
        self._lock = threading.RLock()
        self._ledger: SqliteLedger | None = None

    @property
    def revision(self) -> int:
        """Grows whenever the graph changes."""
        return self._revision

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
        with self._lock:
            return self._write(batch, dry_run=dry_run, audit=audit, expected_revision=expected_revision, progress=progress)

    def _write(
        self,
        batch: Batch,
        *,
        dry_run: bool,
        audit: tuple[str, dict[str, Any]] | None,
        expected_revision: int | None,
        progress: Callable[[str, int, int], None] | None,
    ) -> WriteSummary:
        if expected_revision is not None and expected_revision != self.revision:
            raise StaleRevisionError.of(self.location, self.revision, expected_revision)
        if dry_run:
            return scratch_dry_run(self.state, batch, progress)
        applied = self.state.apply(batch.ops, progress)
        summary = applied.summary
        summary.forward, summary.backward = changes_of(self.state.graph, applied.undo)
        if applied.effective:
            self._revision += 1
            summary.revision = self.revision
            at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._log.append(WriteRecord(self.revision, at, batch.label, summary.backward))
        if audit is not None:
            record = {"label": batch.label, **audit[1], "changes": applied.summary.as_dict(), "revision": self.revision}
            self.record_audit(audit[0], record)
        return applied.summary

    def record_audit(self, kind: str, record: dict[str, Any]) -> None:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._audit.append({"id": len(self._audit) + 1, "at": at, "kind": kind, **record})

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        for record in records:
            self.record_audit(kind, record)

    def audit_log(self, kind: str, *, since: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        entries = [e for e in reversed(self._audit) if e["kind"] == kind and e["at"] >= (since or "")]
        return [{k: v for k, v in e.items() if k != "kind"} for e in entries[:limit]]

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        last = self.revision if until is None else until
        return iter([record for record in self._log if after < record.revision <= last])

    def refresh(self) -> bool:
        return False

    def stale(self) -> bool:
        return False

    def case_ledger(self) -> SqliteLedger:
        """The case ledger (:mod:`orggraph.cases.sqlite_ledger`), opened when first asked."""
        with self._lock:
            if self._ledger is None:
                self._ledger = SqliteLedger(None)
            return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
