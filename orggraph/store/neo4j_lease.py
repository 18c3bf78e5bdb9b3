"""Who is writing to a Bolt server without rollback (FalkorDB), and whether they are still alive: leases.

A write on such a server is many statements, each applied as it runs (see :mod:`orggraph.store.neo4j`).
While it runs, the ``OrgGraphMeta`` node names its writer and the writer's *lease*::

    writer           the write's token (a random hex string); set by the claim, removed by the release
    writer_by        host:pid of the writing process (for the logs only)
    writer_at        when the write was claimed (ISO time, for the logs only)
    writer_op        "write" (undone from its change record) or "copy" (into an empty graph: undone by emptying it)
    writer_revision  the revision whose change record says what the write replaces (absent: it replaces nothing)
    lease_ms         how long the lease lasts after each renewal, in milliseconds
    lease_until      the server's clock (``timestamp()``, ms) until which the writer counts as alive

The writer renews ``lease_until`` every :data:`HEARTBEAT_S` seconds from a thread of its own, and
also before any statement it sends when a renewal is due (so a busy connection cannot starve the
thread). Only when ``lease_until`` has passed on the server's own clock — no renewal for
:data:`LEASE_S` seconds — may another process take the write over and undo it, and it takes it over
in one statement that sets its own token (so two recoverers cannot both undo it). Every statement of
a write (and of an undo) is *fenced*: it is prefixed by a match on ``writer = <its token>``, and one
statement runs atomically on FalkorDB (write queries on a graph run one at a time, each all or
nothing), so once a write has been taken over nothing it still sends takes effect, and its release
finds the token gone and reports the write as failed. A writer that was only stalled (a frozen
process, a network cut longer than the lease) therefore never reports as done a write that was undone.

On Neo4j none of this is needed or visible: a write is one transaction holding the write lock of the
``OrgGraphMeta`` node from its claim to its commit; the lease fields are written inside it and removed
before the commit, and a writer that dies is rolled back by the server.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from orggraph.errors import StoreUnavailableError
from orggraph.store.bolt import BoltConnection, Row
from orggraph.store.cypher_layout import META

log = logging.getLogger("orggraph.store.neo4j")

#: A writer that has not renewed its lease for this long is taken for dead and its write undone. Long
#: against anything that can hold up a live writer's renewal: the longest statement measured on the CI
#: server (a coverage rule in its slow form, 21 s) holds up every write on the graph, renewals included.
LEASE_S = 60.0
#: How often a writer renews its lease: 30 renewals must fail in a row before the lease runs out.
HEARTBEAT_S = 2.0
#: How long a writer (or a store loading its copy) waits for another process's live write to finish
#: before it gives up with ``store.unavailable`` (it never takes a live write over). Longer than the
#: lease, so that whoever waits for a writer that died outlives its lease and undoes its write.
WAIT_FOR_WRITER_S = 180.0
#: How often a waiting process looks at the lease again.
POLL_S = 0.05

#: The fields of the ``OrgGraphMeta`` node that a write holds while it runs (removed by its release).
WRITER_FIELDS = ("writer", "writer_by", "writer_at", "writer_op", "writer_revision", "lease_ms", "lease_until")
REMOVE_WRITER = "REMOVE " + ", ".join(f"m.{name}" for name in WRITER_FIELDS)
#: Reads the lease and the server's clock.
READ_LEASE = (
    f"MATCH (m:{META}) RETURN m.revision AS revision, m.writer AS writer, m.writer_by AS writer_by, "
    "m.lease_until AS lease_until, m.lease_ms AS lease_ms, timestamp() AS now"
)
_FENCE = f"MATCH (lease_fence:{META}) WHERE lease_fence.writer = $lease_token WITH lease_fence "


@dataclass(frozen=True)
class LeaseTimes:
    """The times of the lease protocol, in seconds (tests pass short ones)."""

    lease_s: float = LEASE_S
    heartbeat_s: float = HEARTBEAT_S
    wait_s: float = WAIT_FOR_WRITER_S

    def __post_init__(self) -> None:
        if not 0 < self.heartbeat_s * 3 <= self.lease_s:
            raise ValueError(f"a lease of {self.lease_s} s needs a heartbeat of at most a third of it, not {self.heartbeat_s} s")

    @property
    def lease_ms(self) -> int:
        return round(self.lease_s * 1000)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def expired(meta: dict[str, Any]) -> bool:
    """Whether the lease read by :data:`READ_LEASE` has run out (a writer without one counts as gone)."""
    until = meta.get("lease_until")
    return until is None or int(until) < int(meta["now"])


def busy_error(uri: str, meta: dict[str, Any], waited: float) -> StoreUnavailableError:
    left = (int(meta.get("lease_until") or 0) - int(meta["now"])) / 1000
    return StoreUnavailableError(
        f"{uri}: another process ({meta.get('writer_by') or 'unknown'}) has been writing for more than {waited:.0f} s "
        f"and is alive (its lease runs {left:.0f} s more); try again later",
        message_zh="另一进程正在写入且仍在运行，请稍后重试",
        uri=uri,
    )


def taken_over_error(uri: str, lease_s: float) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"{uri}: this write did not renew its lease for {lease_s:.0f} s, so another process took it for abandoned "
        "and undid it; nothing of it is kept — run it again",
        message_zh="本次写入超时未续租，已被其他进程视为中断并撤销；请重新执行",
        uri=uri,
    )


class Lease:
    """One write's lease: renewed from a thread (and before statements) until :meth:`stop`.

    ``heartbeat``: renew at all (on a server with transactions nobody else can see the lease).
    """

    def __init__(self, connection: BoltConnection, token: str, times: LeaseTimes, *, heartbeat: bool) -> None:
        self.connection = connection
        self.token = token
        self.times = times
        self.heartbeat = heartbeat
        #: Set once a renewal found another token on the server: the write was taken over.
        self.lost = False
        self._renewed = time.monotonic()
        self._renewing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def claim_fields(self, op: str, undo_revision: int | None, at: str) -> dict[str, Any]:
        """The parameters of the claim statement (see :data:`WRITER_FIELDS`)."""
        return {
            "token": self.token,
            "by": process_name(),
            "at": at,
            "op": op,
            "undo": undo_revision,
            "lease_ms": self.times.lease_ms,
        }

    def start(self) -> None:
        self._renewed = time.monotonic()
        if self.heartbeat and self._thread is None:
            self._thread = threading.Thread(target=self._beat, name=f"orggraph-lease-{self.token[:8]}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None

    def _beat(self) -> None:
        while not self._stop.wait(self.times.heartbeat_s):
            try:
                self.renew()
            except Exception as exc:  # the server is unreachable for now: the writer's own statements fail too
                log.debug("lease renewal failed: %s", exc)

    def renew(self) -> bool:
        """Move ``lease_until`` on; ``False`` (and :attr:`lost`) when the write is no longer ours."""
        with self._renewing:
            if self.lost:
                return False
            started = time.monotonic()
            rows = self.connection.run(
                f"MATCH (m:{META}) WHERE m.writer = $token SET m.lease_until = timestamp() + $lease_ms RETURN m.lease_until AS u",
                token=self.token,
                lease_ms=self.times.lease_ms,
            )
            if not rows:
                self.lost = True
                return False
            self._renewed = started
            return True

    def check(self) -> None:
        """Renew when due; raise when the write has been taken over (before sending anything more)."""
        if self.heartbeat and not self.lost and time.monotonic() - self._renewed >= self.times.heartbeat_s:
            self.renew()
        if self.lost:
            raise taken_over_error(self.connection.uri, self.times.lease_s)


class FencedConnection(BoltConnection):
    """The statements of one write on a server without rollback: each takes effect only while the
    write still holds its lease (``writer`` = its token), checked by the server in the same statement.

    Used in place of the store's connection for everything the write sends; shares its session.
    """

    def __init__(self, inner: BoltConnection, lease: Lease) -> None:  # no super().__init__: a view, not a new driver
        self.inner = inner
        self.lease = lease
        self.uri = inner.uri
        self.database = inner.database
        self.batch_rows = inner.batch_rows
        self.dialect = inner.dialect
        self.dialect_known = True

    def run(self, query: str, **params: Any) -> list[Row]:
        self.lease.check()
        return self.inner.run(_FENCE + query, lease_token=self.lease.token, **params)

    def run_in(self, tx: Any, query: str, **params: Any) -> list[Row]:
        if tx is not None:  # a transaction needs no fence: it is all or nothing
            return self.inner.run_in(tx, query, **params)
        return self.run(query, **params)

    def close(self) -> None:
        """The store's connection stays open."""
