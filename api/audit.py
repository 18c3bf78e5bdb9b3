"""The access audit (访问留痕): who was shown which person or household, through which route, when.

Every response that names a person or a household the caller asked about is recorded as an entry of
kind ``access`` in the store's audit trail: token id, role, route, node, time. Entries are gathered
in memory and written in one transaction a second (and when the server stops), so a request does not
wait for a disk write; a crash can lose at most the last second's entries.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence

from orggraph.store import GraphStore

log = logging.getLogger("orggraph.api.audit")

KIND = "access"


class AccessAudit:
    """Buffered access records, flushed to ``store`` by a background thread."""

    def __init__(self, store: GraphStore, *, every: float = 1.0, most: int = 5000) -> None:
        self.store = store
        self.every = every
        self.most = most
        self._pending: list[tuple[float, str, str, str, Sequence[str]]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def record(self, token: str, role: str, route: str, nodes: Sequence[str]) -> None:
        """Note that ``token`` was shown ``nodes`` through ``route`` (one entry per node)."""
        entry = (time.time(), token, role, route, nodes)
        with self._lock:
            self._pending.append(entry)
            full = len(self._pending) >= self.most
        if full:
            self._wake.set()

    def flush(self) -> int:
        """Write what is pending now; how many entries were written."""
        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            records = [
                {"token": token, "role": role, "route": route, "node": node, "time": _iso(at)}
                for at, token, role, route, nodes in pending
                for node in nodes
            ]
            try:
                self.store.record_audits(KIND, records)
            except Exception:
                log.exception("could not write %d access audit entries; keeping them for the next try", len(pending))
                with self._lock:
                    self._pending[:0] = pending
                return 0
            return len(records)
        return 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="orggraph-access-audit", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.every)
            self._wake.clear()
            self.flush()

    def stop(self) -> None:
        """Flush what is pending and stop the thread."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="milliseconds")
