"""What a running server holds: the guarded store, the tokens, the policy, the access audit, caches.

One :class:`Service` per app, made by :func:`api.app.create_app` and kept on ``app.state``. A
background thread takes in what other processes write to the store (another worker's upload, an
``orggraph import`` from the command line) once a second.

Requests about today read the **published view**: the store's view of today at the revision last
published (on the embedded engine a :class:`~orggraph.store.day_index.DayIndex`, a snapshot). A write
— an upload, another process's batch taken in — changes the store's graph under the exclusive lock,
then :meth:`Service.warm` builds the view of the new revision and publishes it in one assignment:
until then requests go on reading the one before. So a request sees the store before a write or
after it, never half of it, and never waits for it. Requests about another day read the store's graph
itself (a view built for that day, or one that checks periods as it goes) under the shared lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from api.audit import AccessAudit
from api.guard import StoreGuard
from api.problems import ForbiddenError
from api.scope import Scope, places
from api.tokens import Token, TokenBook
from api.trends import Trends
from orggraph.errors import NotFoundError
from orggraph.model.kinds import AREA_KINDS, NodeKind
from orggraph.settings import Settings
from orggraph.store import GraphStore
from orggraph.store.view import DayView
from orggraph.timeline import today
from queries.cases.clock import zone_of
from queries.cases.desk import CaseDesk, Moved
from queries.cases.notify import notifier_of
from queries.coverage import CoverageResult, run_coverage
from queries.coverage.drilldown import summary_areas
from queries.lookups.search_index import SearchIndex
from queries.policy import Policy, load_policy

log = logging.getLogger("orggraph.api")
T = TypeVar("T")

#: Seconds between two ticks of the case clock (escalations, closings): every minute.
TICK_EVERY = 60
#: Seconds between two freezes of what outlived the collector's young generations (see :meth:`Service.warm`).
FREEZE_EVERY = 10


class Service:
    """The server's shared state; see the module docstring."""

    def __init__(self, settings: Settings, store: GraphStore, tokens: TokenBook) -> None:
        self.settings = settings
        self.guard = StoreGuard(store)
        self.store = self.guard.store
        self.tokens = tokens
        #: whether the store was opened from the settings (so that a child process can open it too)
        self.own_store = False
        self.policy: Policy = load_policy(settings.policy)
        self.audit = AccessAudit(self.store)
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None
        self._thresholds = gc.get_threshold()
        #: The view of today requests read (see the module docstring); ``None`` until warmed.
        self._published: DayView | None = None
        #: The search index of the last view it was built for (:meth:`search_index`).
        self._search: SearchIndex | None = None
        self._search_lock = threading.Lock()
        #: The (revision, day) whose index the refresh thread could not build: not tried again.
        self._search_failed: tuple[int, str] | None = None
        #: The case desk (事件): reports, events and the clock over the store's ledger.
        #: The district's time zone (``ORGGRAPH_TIMEZONE``): deadlines are shown in it.
        self.zone = zone_of(settings.timezone)
        #: Webhooks of the policy told of dispatches and escalations (``None``: the policy has none).
        self.webhooks = notifier_of(self.policy, settings)
        #: The trends of the headline ratios over the month-ends (趋势).
        self.trends = Trends(self)
        self.cases = CaseDesk(
            self.store.case_ledger(),
            self.policy,
            self.zone,
            key=self.store.pii_key,
            notify=self.webhooks.send if self.webhooks is not None else None,
        )

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
            log.exception("could not warm up: requests will build today's view themselves")
        ticks = 0
        while not self._stop.wait(1.0):
            ticks += 1
            if ticks % TICK_EVERY == 0:
                self.tick()
            try:
                if self.guard.take_in_others_writes() or (self._published is not None and self._published.day != today()):
                    self.warm()  # a new revision, or a new day: its view is built here, not by a request
                elif self._published is not None and not self.search_current(self._published):
                    self._index_published(self._published)  # after a new revision: built here, not by a search
                elif ticks % FREEZE_EVERY == 0:
                    gc.collect(1)
                    gc.freeze()  # what lived through the young collections: caches, mostly
            except Exception:
                log.exception("could not take in other processes' writes")

    def tick(self, now: dt.datetime | None = None) -> list[Moved]:
        """Move on every case whose deadline passed (:meth:`CaseDesk.tick`); several servers may tick
        at once, each case moves once. Failures are logged, never raised into the refresh loop."""
        try:
            moved = self.cases.tick(now)
        except Exception:
            log.exception("the case tick failed; the next one tries again")
            return []
        for item in moved:
            log.info("case %s: %s", item.case.id, ", ".join(e.type for e in item.events))
        return moved

    def warm(self) -> None:
        """Build the view of today at the store's revision now (in this thread), publish it, and make
        the coverage runs planners ask most; then set what is in memory aside from the garbage collector.

        The graph and the view are millions of objects that live as long as the store's revision,
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
        view = self.store.view(today())  # built under the store's own lock: never half a write
        self._published = view
        self.precompute(view)
        if self.own_store and view.engine == "embedded":
            # the new revision's month-ends, counted by children while requests go on; on a Bolt server
            # they are counted when a trend is first asked for (each day's reads would load the server)
            self.trends.start()
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def precompute(self, view: DayView) -> None:
        """The coverage of the whole area tree (every rule, the view's day), made now so the summary
        planners ask most is answered from the cache; called after each new revision. A street's run is
        made when first asked: every street's run after each write held the interpreter from the
        requests for tens of seconds on a district."""
        for code in summary_areas(view, streets=False):
            self.coverage(view, code, None)

    def coverage(self, view: DayView, code: str, rules: tuple[str, ...] | None) -> CoverageResult:
        """The coverage run of an area (by code) and rules on a view, once per view (revision and day)."""
        return self.cached(
            ("coverage", view.revision, view.day, code, rules, id(self.policy)),
            lambda: run_coverage(view, scope=code, rules=rules, policy=self.policy),
        )

    def stop(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=10)
        if self.webhooks is not None:
            self.webhooks.close(timeout=5)
        self.audit.stop()
        self.trends.close()
        gc.unfreeze()
        gc.set_threshold(*self._thresholds)

    # -- reading -----------------------------------------------------------------------------------

    def published(self) -> DayView:
        """The published view of today (built now if there is none yet, or the day has turned)."""
        view = self._published
        if view is None or view.day != today():
            view = self._published = self.store.view(today())
        return view

    def snapshot(self, as_of: str | dt.date | None = None) -> bool:
        """Whether reading as of the day reads a snapshot no write changes: today, on the embedded
        engine (its day index). Such reads take no lock; others hold the shared lock."""
        return as_of is None and self.published().engine == "embedded"

    def reading_lock(self) -> AbstractContextManager[object]:
        """The shared lock, always (a read as of another day, for as long as it reads)."""
        lock: AbstractContextManager[object] = self.guard.reading()
        return lock

    def reading(self, as_of: str | dt.date | None = None) -> AbstractContextManager[object]:
        """``with service.reading(as_of):`` around what a request reads: nothing to hold for a snapshot,
        the shared lock otherwise."""
        return contextlib.nullcontext() if self.snapshot(as_of) else self.guard.reading()

    def reader(self, as_of: str | dt.date | None = None) -> DayView:
        """The view a point lookup reads (an escalation path, a liaison): the published view of today,
        else one of the day that checks periods as it goes (read under :meth:`reading`)."""
        if as_of is None:
            return self.published()
        return self.store.view(str(as_of), lazy=True)

    def view(self, as_of: str | dt.date | None = None) -> DayView:
        """The view a run over many nodes reads (coverage, drill-down): the published view of today, else
        the day's whole view, built under the shared lock (a snapshot once built)."""
        if as_of is None:
            return self.published()
        with self.guard.reading():
            return self.store.view(str(as_of))

    def quick(self, as_of: dt.date | None) -> bool:
        """Whether a lookup as of the day is quick enough for the event loop: today, on a snapshot (a
        store on a Bolt server is read over the network: always in a worker thread)."""
        return self.snapshot(as_of)

    def scope_of(self, token: Token, reader: DayView) -> Scope:
        """The token's scope on the reader's day; a token whose area is gone sees nothing (403)."""
        scope = Scope.of(reader, token.scope)
        if scope is None:
            raise ForbiddenError(
                f"the token's scope area {token.scope} does not exist on {reader.day}",
                message_zh=f"令牌的范围区域 {token.scope} 在 {reader.day} 不存在",
            )
        return scope

    def named(self, scope: Scope, reader: DayView, given: str, kind: NodeKind) -> str:
        """The node of ``kind`` that ``given`` names (its code, or its node id) if the scope sees it on
        the reader's day; else the same 404 as for a node that does not exist."""
        prefix = "area" if kind in AREA_KINDS else kind.value
        node = given if given.startswith(f"{prefix}:") else f"{prefix}:{given}"
        if (reader.node(node) or {}).get("kind") != kind.value or not scope.sees(reader, node):
            raise NotFoundError(
                f"no {kind.value} {given!r} on {reader.day}", message_zh=f"{reader.day}不存在{kind.zh}“{given}”", value=given
            )
        return node

    def search_index(self, view: DayView) -> SearchIndex:
        """The search index (:mod:`queries.lookups.search`) of ``view``, the published view of today.

        It is built once per view — by the refresh thread, a second after each new revision is
        published — and kept until the next. While it is being built, searches go on reading the index
        of the revision before (their hits read from the new view: nothing ended is shown, a node new
        in this revision is found seconds later); with no index of the day at all, a search builds it.
        """
        found = self._search
        if found is not None and self.search_ready(view):
            return found
        with self._search_lock:
            found = self._search
            if found is None or not found.of(view):
                found = self._search = SearchIndex.build(view, placer=places)
            return found

    def _index_published(self, view: DayView) -> None:
        if self._search_failed == (view.revision, view.day):
            return
        try:
            self.search_index(view)
        except Exception:
            self._search_failed = (view.revision, view.day)
            log.exception("could not build the search index of revision %s: a search builds it when asked", view.revision)

    def search_current(self, view: DayView) -> bool:
        """Whether the search index is ``view``'s own."""
        found = self._search
        return found is not None and found.of(view)

    def search_ready(self, view: DayView) -> bool:
        """Whether a search of ``view`` is answered without building an index: the view's own, or the
        one before while the view's is being built."""
        found = self._search
        return found is not None and (found.of(view) or (found.day == view.day and self._search_lock.locked()))

    def cached(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()`` once per key (callers put the store revision and day in it); a few dozen kept."""
        revision = self.store.revision
        found: T | None = self.peek(key, revision)
        if found is not None:
            return found
        value = make()
        self.remember(key, value, revision)
        return value

    def peek(self, key: tuple[Any, ...], revision: int | None = None) -> Any:
        """What :meth:`cached` keeps under ``key`` at the store's revision (or ``revision``), else ``None``."""
        full = (self.store.revision if revision is None else revision, *key)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        return None

    def remember(self, key: tuple[Any, ...], value: object, revision: int) -> None:
        """Keep ``value`` under ``key`` at ``revision`` (the oldest dropped past a few dozen)."""
        with self._cache_lock:
            self._cache[(revision, *key)] = value
            while len(self._cache) > 64:
                self._cache.popitem(last=False)


def tune_collector() -> tuple[int, int, int]:
    """No full collection but those :meth:`Service.warm` runs (see there); young ones as usual.
    Returns the thresholds before, which :meth:`Service.stop` puts back."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], 1_000_000_000)
    return before
