"""The access audit (访问留痕): who was shown which person or household, through which route, when.

Every response that names a person or a household the caller asked about is recorded as an entry of
kind ``access`` in the store's audit trail: token id, role, route, node, time. The entry is durable
before the answer leaves: :meth:`AccessAudit.record` queues it and returns the :class:`Commit` it
will be written in, and :class:`AuditGate` holds the response back until that commit is done (the
embedded store commits in WAL mode with ``synchronous = FULL``: the entry is fsynced). A server
killed at any moment has recorded every answer it sent.

Entries are written by one thread in *group commits*: while one transaction is being written, the
entries of the requests that come meanwhile gather for the next, so a busy server writes one
transaction (one fsync) for many requests, and a quiet one writes each entry at once. A commit that
fails fails every request waiting on it: they are answered 503 ``audit.unavailable`` instead of the
data, which is not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import MutableMapping, Sequence
from typing import Any

from api.limits import App, Message, Receive, Send
from api.problems import problem_response
from orggraph.store import GraphStore

log = logging.getLogger("orggraph.api.audit")

KIND = "access"
#: Where a request's commits wait in its ASGI scope (a list, made by :class:`AuditGate`).
SCOPE_KEY = "orggraph.audit"

Entry = tuple[float, str, str, str, Sequence[str]]


class AuditUnavailableError(Exception):
    """The entries of a commit could not be written."""


class Commit:
    """One transaction of entries to come: requests wait on it, in a thread or on an event loop."""

    __slots__ = ("_done", "_error", "_lock", "_waiters", "entries")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._done = threading.Event()
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._waiters: dict[asyncio.AbstractEventLoop, asyncio.Future[None]] = {}

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def finish(self, error: BaseException | None = None) -> None:
        """Mark the commit written (or failed) and wake whoever waits on it."""
        with self._lock:
            self._error = error
            self._done.set()
            waiters, self._waiters = self._waiters, {}
        for loop, future in waiters.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting on it any more
                loop.call_soon_threadsafe(_settle, future, error)

    def wait(self, timeout: float | None = None) -> None:
        """Block until written; raise :class:`AuditUnavailableError` when it failed or timed out."""
        if not self._done.wait(timeout):
            raise AuditUnavailableError("the access audit was not written in time")
        if self._error is not None:
            raise AuditUnavailableError(str(self._error)) from self._error

    async def written(self) -> None:
        """Wait on the running event loop until written; one wake-up per loop and commit, however
        many requests of that loop wait on it."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if not self._done.is_set():
                future = self._waiters.get(loop)
                if future is None:
                    future = self._waiters[loop] = loop.create_future()
            else:
                future = None
        if future is not None:
            await asyncio.shield(future)  # a request given up on does not cancel the others' wait
        if self._error is not None:
            raise AuditUnavailableError(str(self._error)) from self._error


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if not future.done():
        future.set_result(None)  # the error is read from the commit: a shared future holds none


class AccessAudit:
    """Access entries written to ``store`` in group commits by a background thread; see the module."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._cond = threading.Condition(threading.Lock())
        self._next = Commit()  # the commit that gathers entries now
        self._last: Commit | None = None  # the last commit that took an entry (written in order)
        self._writing = threading.Lock()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def record(self, token: str, role: str, route: str, nodes: Sequence[str]) -> Commit:
        """Queue that ``token`` was shown ``nodes`` through ``route`` (one entry per node); the commit
        it will be written in, to wait on before the answer is sent."""
        entry = (time.time(), token, role, route, nodes)
        with self._cond:
            commit = self._last = self._next
            commit.entries.append(entry)
            self._cond.notify()
        if self._thread is None:  # no writer thread (a service not started): written here and now
            self._write_pending()
        return commit

    def flush(self, timeout: float | None = 30) -> None:
        """Until every entry recorded so far is written (raises when that failed or timed out)."""
        with self._cond:
            last = self._last
        if last is None:
            return
        if self._thread is None:
            self._write_pending()
        last.wait(timeout)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="orggraph-access-audit", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._next.entries and not self._stopping:
                    self._cond.wait()
                if not self._next.entries:
                    return  # stopping, and nothing left
            self._write_pending()

    def _write_pending(self) -> None:
        """Write the gathering commit, if it holds entries; the next requests gather in a new one."""
        with self._writing:
            with self._cond:
                commit = self._next
                if not commit.entries:
                    return
                self._next = Commit()
            self._write(commit)

    def _write(self, commit: Commit) -> None:
        records = [
            {"token": token, "role": role, "route": route, "node": node, "time": _iso(at)}
            for at, token, role, route, nodes in commit.entries
            for node in nodes
        ]
        try:
            self.store.record_audits(KIND, records)
        except Exception as error:
            log.exception("could not write %d access audit entries: their answers are not sent", len(records))
            commit.finish(error)
            return
        commit.finish()

    def stop(self) -> None:
        """Write what is queued and stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self._write_pending()


class AuditGate:
    """ASGI middleware: a response is not started until the audit commits of its request are written.

    It puts a list in the request's scope (:data:`SCOPE_KEY`) where :class:`api.auth.Caller` adds the
    commit of each access it records; on ``http.response.start`` it waits on them (on the event loop:
    other requests go on), then lets the response out — or answers 503 when one failed, and drops
    the response it held back.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        commits: list[Commit] = []
        scope[SCOPE_KEY] = commits
        state = {"refused": False}

        async def gated_send(message: Message) -> None:
            if state["refused"]:
                return  # the held-back answer's body: dropped
            if message["type"] == "http.response.start" and commits:
                try:
                    for commit in dict.fromkeys(commits):  # each commit once, in order
                        await commit.written()
                except AuditUnavailableError:
                    state["refused"] = True
                    refusal = problem_response(
                        503,
                        "audit.unavailable",
                        "the access audit could not be written, so the answer is not given; try again",
                        "访问留痕无法写入，因此不予答复；请稍后重试",
                        str(scope.get("path", "")),
                    )
                    await refusal(scope, _no_body, send)
                    return
            await send(message)

        await self.app(scope, receive, gated_send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="milliseconds")
