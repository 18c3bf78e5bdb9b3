"""One store shared by the requests of a server: readers never see half a write (读写隔离).

The embedded engine changes its graph in place when it writes. Requests about today read a snapshot
(the published view, :mod:`api.service`) and take no lock; what reads the graph itself (another day,
counts) reads under a shared lock, and a write — an upload's batch, or taking in what another
process wrote (``refresh``) — takes it exclusively, so such a read sees the store before an import or
after it, never between. A dry run changes nothing (a scratch copy) and takes no exclusive hold.
Uploads are also serialised among themselves (:attr:`StoreGuard.importing`): an import plans
against the store it will write to, so nothing else may write between its plan and its batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from starlette.concurrency import run_in_threadpool

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.stats import StreetSummary
from orggraph.store import Batch, GraphStore, Link, StoreCounts, WriteSummary
from orggraph.store.changes import WriteRecord
from orggraph.store.view import DayView

T = TypeVar("T")


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds back new readers, so it is not starved. A
    thread that holds a read hold may take another (nested) without waiting: it never waits on a
    writer that waits on it."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._waiting = 0
        self._mine = threading.local()

    @contextmanager
    def reading(self) -> Iterator[None]:
        held = getattr(self._mine, "holds", 0)
        if held:  # nested in a hold of this thread's
            self._mine.holds = held + 1
            try:
                yield
            finally:
                self._mine.holds -= 1
            return
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
        self._mine.holds = 1
        try:
            yield
        finally:
            self._mine.holds = 0
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class GuardedStore:
    """A :class:`~orggraph.store.GraphStore` whose writes take the lock exclusively; reads pass through.

    Readers hold ``lock.reading()`` around whole requests; code that writes (an upload) goes through
    this object and holds no read lock itself.
    """

    def __init__(self, store: GraphStore, lock: ReadWriteLock) -> None:
        self.inner = store
        self.lock = lock
        self.location = store.location
        self.pii_key = store.pii_key

    def __getattr__(self, name: str) -> Any:  # the engine's own attributes (``graph`` for the index)
        return getattr(self.inner, name)

    @property
    def revision(self) -> int:
        return self.inner.revision

    def view(self, as_of: str | None = None, *, lazy: bool = False) -> DayView:
        return self.inner.view(as_of, lazy=lazy)

    def view_ready(self, as_of: str | None = None) -> bool:
        return self.inner.view_ready(as_of)

    def view_after(self, batch: Batch, as_of: str | None = None) -> DayView:
        return self.inner.view_after(batch, as_of)

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
        if dry_run:  # checked on a scratch copy: the graph readers read never changes, so they need not wait
            self.refresh()
            return self.inner.write(batch, dry_run=True, audit=audit, expected_revision=expected_revision, progress=progress)
        with self.lock.writing():
            return self.inner.write(batch, dry_run=dry_run, audit=audit, expected_revision=expected_revision, progress=progress)

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        return self.inner.write_log(after=after, until=until)

    def refresh(self) -> bool:
        if not self.inner.stale():  # ask first, so a quiet store never holds readers back
            return False
        with self.lock.writing():
            return self.inner.refresh()

    def stale(self) -> bool:
        return self.inner.stale()

    def record_audit(self, kind: str, record: dict[str, Any]) -> None:
        self.inner.record_audit(kind, record)

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        self.inner.record_audits(kind, records)

    def audit_log(self, kind: str, *, since: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        return self.inner.audit_log(kind, since=since, limit=limit)

    def kind_of(self, node_id: str, *, as_of: str | None = None) -> str | None:
        return self.inner.kind_of(node_id, as_of=as_of)

    def node(self, node_id: str) -> dict[str, Any] | None:
        return self.inner.node(node_id)

    def nodes(self, kind: NodeKind | None = None, *, as_of: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        return self.inner.nodes(kind, as_of=as_of)

    def links(
        self,
        node_id: str,
        *,
        kind: LinkKind | None = None,
        direction: Literal["out", "in"] = "out",
        as_of: str | None = None,
        history: bool = False,
    ) -> Iterator[Link]:
        return self.inner.links(node_id, kind=kind, direction=direction, as_of=as_of, history=history)

    def counts(self, *, as_of: str | None = None) -> StoreCounts:
        return self.inner.counts(as_of=as_of)

    def per_street(self, *, as_of: str | None = None) -> dict[str, StreetSummary]:
        return self.inner.per_street(as_of=as_of)

    def close(self) -> None:
        self.inner.close()


class StoreGuard:
    """The server's store, its lock, and the mutex that serialises uploads."""

    def __init__(self, store: GraphStore) -> None:
        self.lock = ReadWriteLock()
        self.store = GuardedStore(store, self.lock)
        self.importing = threading.Lock()

    def reading(self) -> Any:
        """``with guard.reading():`` around a request's reads."""
        return self.lock.reading()

    async def read(self, work: Callable[[], T], *, quick: bool = True) -> T:
        """``work()`` at once on the event loop when it is ``quick`` — it reads a snapshot no write
        changes, so it takes no lock and waits for nothing (the lookups answer without a thread hop) —
        else in a worker thread under a read hold, which waits for a write to end (the loop goes on
        serving meanwhile)."""
        if quick:
            return work()

        def waiting() -> T:
            with self.lock.reading():
                return work()

        return await run_in_threadpool(waiting)

    def take_in_others_writes(self) -> bool:
        """What another process wrote since, taken in exclusively; skipped while an upload runs."""
        if not self.importing.acquire(blocking=False):
            return False
        try:
            return self.store.refresh()
        finally:
            self.importing.release()
