"""One store shared by the requests of a server: readers never see half a write (读写隔离).

The embedded engine changes its graph in place when it writes. A server's requests read under a
shared lock; a write — an upload's batch, or taking in what another process wrote (``refresh``) —
takes it exclusively, so a request sees the store before an import or after it, never between.
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

T = TypeVar("T")


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds back new readers, so it is not starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    def try_reading(self) -> bool:
        """Take a read hold without waiting, if no writer holds or waits for the lock; say whether taken.
        (An event loop reads on its own thread this way, and waits in a worker thread otherwise.)"""
        with self._cond:
            if self._writing or self._waiting:
                return False
            self._readers += 1
            return True

    def done_reading(self) -> None:
        """Give back a hold taken by :meth:`try_reading`."""
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

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
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
        """``work()`` under a read hold: at once on the event loop when it is ``quick`` and no write is
        under way (the lookups answer without a thread hop), else in a worker thread, which waits for a
        write to end (the loop goes on serving meanwhile)."""
        if quick and self.lock.try_reading():
            try:
                return work()
            finally:
                self.lock.done_reading()

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
