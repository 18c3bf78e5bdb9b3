"""What a running server holds: the guarded store, the tokens, the policy, the access audit, caches.

One :class:`Service` per app, made by :func:`api.app.create_app` and kept on ``app.state``. A
background thread takes in what other processes write to the store (another worker's upload, an
``orggraph import`` from the command line) once a second.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from api.audit import AccessAudit
from api.guard import StoreGuard
from api.problems import ForbiddenError
from api.scope import Scope
from api.tokens import Token, TokenBook
from orggraph.errors import NotFoundError
from orggraph.model.kinds import AREA_KINDS, NodeKind
from orggraph.settings import Settings
from orggraph.store import GraphStore
from orggraph.timeline import today
from queries.coverage import CoverageResult, run_coverage
from queries.cypher.graph import is_cypher
from queries.drilldown import summary_areas
from queries.escalation import reader_for
from queries.escalation_read import Reader
from queries.index import index_for, index_ready
from queries.policy import Policy, load_policy

log = logging.getLogger("orggraph.api")
T = TypeVar("T")

#: Seconds between two freezes of what outlived the collector's young generations (see :meth:`Service.warm`).
FREEZE_EVERY = 10


class Service:
    """The server's shared state; see the module docstring."""

    def __init__(self, settings: Settings, store: GraphStore, tokens: TokenBook) -> None:
        self.settings = settings
        self.guard = StoreGuard(store)
        self.store = self.guard.store
        self.tokens = tokens
        self.policy: Policy = load_policy(settings.policy)
        self.audit = AccessAudit(self.store)
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None
        self._thresholds = gc.get_threshold()

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._thresholds = tune_collector()
        self.audit.start()
        self._refresher = threading.Thread(target=self._refresh_loop, name="orggraph-refresh", daemon=True)
        self._refresher.start()

    def _refresh_loop(self) -> None:
        try:
            self.warm()
        except Exception:
            log.exception("could not warm up: requests will build the index themselves")
        ticks = 0
        while not self._stop.wait(1.0):
            ticks += 1
            try:
                if self.guard.take_in_others_writes():
                    self.warm()
                elif ticks % FREEZE_EVERY == 0:
                    gc.collect(1)
                    gc.freeze()  # what lived through the young collections: caches, mostly
            except Exception:
                log.exception("could not take in other processes' writes")

    def warm(self) -> None:
        """Build today's index now (in this thread), so requests do not wait for it; then set what is
        in memory aside from the garbage collector.

        The graph and the index are millions of objects that live as long as the store's revision,
        and the caches of escalation paths gain a hundred objects a request. A full collection walks
        every one — hundreds of milliseconds on a district, a stall for every request — and the
        collector runs one whenever enough objects outlive its young generations. So the server runs
        no full collection of its own accord (:func:`tune_collector`): what is alive now is frozen
        (``gc.freeze``), the young generations are collected as usual, and the refresh thread
        freezes their survivors every ``FREEZE_EVERY`` seconds. Frozen objects are still freed when
        the last reference goes (an evicted cache entry); only garbage in reference cycles that
        outlived the young generations waits — until the next write (a new revision), when
        everything is thawed, collected once and frozen again.
        """
        if is_cypher(self.store):  # the graph stays on the server: only its coverage is made now
            with self.guard.reading():
                self.precompute(today())
            return
        if getattr(self.store.inner, "graph", None) is None:
            return
        with self.guard.reading():
            index = index_for(self.store)
            self.precompute(index.day)
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def precompute(self, day: str) -> None:
        """The coverage of the whole area tree and of each street (every rule, the day), made now so the
        summaries planners ask most are answered from the cache; called after each new revision."""
        for code in summary_areas(self.store, as_of=day):
            self.coverage(code, None, day)

    def coverage(self, code: str, rules: tuple[str, ...] | None, day: str) -> CoverageResult:
        """The coverage run of an area (by code), rules and day, once per store revision."""
        return self.cached(
            ("coverage", day, code, rules, id(self.policy)),
            lambda: run_coverage(self.store, scope=code, rules=rules, as_of=day, policy=self.policy),
        )

    def stop(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=10)
        self.audit.stop()
        gc.unfreeze()
        gc.set_threshold(*self._thresholds)

    # -- reading -----------------------------------------------------------------------------------

    def reader(self, as_of: str | dt.date | None = None) -> Reader:
        """The reader of the day (today's shared index, or the raw graph for another day)."""
        return reader_for(self.store, as_of=as_of)

    def quick(self, as_of: dt.date | None) -> bool:
        """Whether reading as of the day is quick enough for the event loop: today, its index built (a
        store on a Bolt server is read over the network: always in a worker thread)."""
        return as_of is None and not is_cypher(self.store) and index_ready(self.store)

    def scope_of(self, token: Token, reader: Reader) -> Scope:
        """The token's scope on the reader's day; a token whose area is gone sees nothing (403)."""
        scope = Scope.of(reader, token.scope)
        if scope is None:
            raise ForbiddenError(
                f"the token's scope area {token.scope} does not exist on {reader.day}",
                message_zh=f"令牌的范围区域 {token.scope} 在 {reader.day} 不存在",
            )
        return scope

    def named(self, scope: Scope, reader: Reader, given: str, kind: NodeKind) -> str:
        """The node of ``kind`` that ``given`` names (its code, or its node id) if the scope sees it on
        the reader's day; else the same 404 as for a node that does not exist."""
        prefix = "area" if kind in AREA_KINDS else kind.value
        node = given if given.startswith(f"{prefix}:") else f"{prefix}:{given}"
        if (reader.node(node) or {}).get("kind") != kind.value or not scope.sees(reader, node):
            raise NotFoundError(
                f"no {kind.value} {given!r} on {reader.day}", message_zh=f"{reader.day}不存在{kind.zh}“{given}”", value=given
            )
        return node

    def cached(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()`` once per key (callers put the store revision and day in it); a few dozen kept."""
        full = (self.store.revision, *key)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                found: T = self._cache[full]
                return found
        value = make()
        with self._cache_lock:
            self._cache[full] = value
            while len(self._cache) > 64:
                self._cache.popitem(last=False)
        return value


def tune_collector() -> tuple[int, int, int]:
    """No full collection but those :meth:`Service.warm` runs (see there); young ones as usual.
    Returns the thresholds before, which :meth:`Service.stop` puts back."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], 1_000_000_000)
    return before
