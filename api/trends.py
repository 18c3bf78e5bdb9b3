"""The headline ratios' trends of a server (趋势): each ratio of an area at the last twelve month-ends.

Counting a month-end reads the graph as it was that day (an as-of view) and runs the rules the ratios
measure: seconds per day for a district or a large street, so a minute for a year. The server counts
the whole graph once per store revision, per street and community (:class:`Trends`), and every
district's, street's and community's trend is read from that; a grid or anything smaller is counted
alone when asked (a small scope reads little). The whole count starts after each new revision
(:meth:`api.service.Service.warm`) in child processes at a lower priority (:class:`TrendCounter`:
the interpreter stays the requests'), or, for a store a child cannot open (in memory), in a thread.
A trend asked for before its count is done waits a few seconds, then is answered "still counting"
(HTTP 202, ``Retry-After``).

A child opens the store the settings name, as the server did, and reads it at the revision it finds;
counts are kept only when that is the revision the server asked at.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from orggraph.settings import Settings
from orggraph.store import open_store
from orggraph.store.view import DayView
from orggraph.timeline import today
from queries.coverage.drilldown import summary_areas
from queries.coverage.trend import DayCounts, Trend, district_counts, month_ends, trend, trend_of_counts
from queries.policy import Policy


class Host(Protocol):
    """What the trends read of the server (:class:`api.service.Service`): its store and cache."""

    settings: Settings
    store: Any  # the server's store, behind its guard: a GraphStore's reads and revision
    policy: Policy
    own_store: bool

    def published(self) -> DayView: ...

    def reading_lock(self) -> AbstractContextManager[object]: ...

    def cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any: ...


log = logging.getLogger("orggraph.api")

#: The area kinds whose trends are read from the whole graph's count.
COUNTED_WHOLE = ("district", "street", "community")


def _count(conn: Connection, settings: Settings, policy: Policy, days: list[str]) -> None:
    """A child: behind the server's requests for the processors, send back ("counts", (the store's
    revision, the counts of each day)) or ("error", what went wrong)."""
    os.nice(10)
    answer: tuple[str, Any]
    try:
        with open_store(settings) as store:
            counts = district_counts(lambda day: store.view(day, lazy=True), policy, [dt.date.fromisoformat(d) for d in days])
            answer = ("counts", (store.revision, counts))
    except Exception as error:  # sent back: the parent logs it and asks again later
        answer = ("error", f"{type(error).__name__}: {error}")
    conn.send(answer)


class TrendCounter:
    """Child processes (spawned for each count, never forked from the threaded server) that count the
    whole graph on given days, in parallel: one per core, at most four. :meth:`close` stops them."""

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = workers or settings.trend_workers or max(1, min(4, os.cpu_count() or 1))
        self._children: list[BaseProcess] = []
        self._closed = False

    def count(self, policy: Policy, days: list[dt.date]) -> tuple[set[int], list[DayCounts]]:
        """The counts of ``days`` (in order) and the revisions the children read them at."""
        context = multiprocessing.get_context("spawn")
        chunks = [days[i :: self.workers] for i in range(self.workers) if days[i :: self.workers]]
        pipes = []
        for chunk in chunks:
            mine, theirs = context.Pipe(duplex=False)
            child = context.Process(target=_count, args=(theirs, self.settings, policy, [d.isoformat() for d in chunk]))
            child.daemon = True
            if self._closed:
                raise RuntimeError("the server is stopping")
            child.start()
            theirs.close()
            self._children.append(child)
            pipes.append((mine, child))
        by_day: dict[dt.date, DayCounts] = {}
        revisions: set[int] = set()
        try:
            for chunk, (mine, _) in zip(chunks, pipes, strict=True):
                outcome, value = mine.recv()
                if outcome == "error":
                    raise RuntimeError(f"a month-end count failed: {value}")
                revision, counts = value
                revisions.add(revision)
                by_day.update(zip(chunk, counts, strict=True))
        finally:
            for mine, child in pipes:
                mine.close()
                if child.is_alive():
                    child.kill()
                child.join()
                self._children.remove(child)
        return revisions, [by_day[day] for day in days]

    def close(self) -> None:
        """Stop the children counting now, if any (the server is stopping)."""
        self._closed = True
        for child in list(self._children):
            if child.is_alive():
                child.kill()


class Trends:
    """A server's trends: the whole graph's month-end counts per revision, and the areas' trends."""

    def __init__(self, service: Host) -> None:
        self.service = service
        self._counter: TrendCounter | None = None
        self._counting = False
        self._changed = threading.Condition()  # told when a count ends
        self._one = threading.Lock()  # one count at a time
        self._closed = False
        #: The last count kept: (store revision, last month-end, policy) and the counts. Kept apart from
        #: the server's cache of runs, which drops its oldest: a minute's count is not dropped for them.
        self._kept: tuple[tuple[Any, ...], list[DayCounts]] | None = None

    @staticmethod
    def days() -> list[dt.date]:
        """The last twelve month-ends, in the district's calendar."""
        return month_ends(dt.date.fromisoformat(today()))

    def _key(self, days: list[dt.date], revision: int | None = None) -> tuple[Any, ...]:
        revision = self.service.store.revision if revision is None else revision
        return (revision, days[-1].isoformat(), id(self.service.policy))

    def counted(self, days: list[dt.date] | None = None) -> list[DayCounts] | None:
        """The whole graph's counts at ``days`` (default the month-ends) for the store's revision, if made."""
        kept = self._kept
        return kept[1] if kept is not None and kept[0] == self._key(days or self.days()) else None

    def of(self, code: str, *, wait: float) -> Trend | None:
        """The trend of the area ``code``; ``None`` when the whole graph's count it needs is under way
        after ``wait`` seconds (asked for again later, it is read from the count)."""
        service = self.service
        days = self.days()
        view = service.published()
        kind = str((view.node(f"area:{code}") or {}).get("kind"))
        if kind in COUNTED_WHOLE:
            counts = self.wait(days, wait)
            if counts is None:
                return None
            return trend_of_counts(counts, service.policy, days, code, kind, self._streets_of(view, code, kind))

        def alone() -> Trend:
            with service.reading_lock():
                return trend(lambda day: service.store.view(day, lazy=True), service.policy, code, days)

        found: Trend = service.cached(("trend", code, days[-1].isoformat(), id(service.policy)), alone)
        return found

    @staticmethod
    def _streets_of(view: DayView, code: str, kind: str) -> frozenset[str] | None:
        """A district's street codes when the store holds more than one district (``None``: everything)."""
        if kind != "district" or len(summary_areas(view, streets=False)) <= 1:
            return None
        node = f"area:{code}"
        return frozenset(s.split(":", 1)[1] for s in view.of_kind("street") if node in view.out_many([s], "PART_OF"))

    def wait(self, days: list[dt.date], seconds: float) -> list[DayCounts] | None:
        """The whole graph's counts at ``days`` for the store's revision: kept ones, or those of the
        count under way (started now if none is) when it ends within ``seconds``."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while (found := self.counted(days)) is None:
                if not self._counting:
                    self._start()
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
        counts: list[DayCounts] = found
        return counts

    def start(self) -> None:
        """Count the whole graph for the store's revision in the background, unless a count is under way."""
        with self._changed:
            if not self._counting:
                self._start()

    def _start(self) -> None:
        self._counting = True
        threading.Thread(target=self._run, name="orggraph-trend", daemon=True).start()

    def _run(self) -> None:
        again = False
        try:
            self.count()
            again = self.counted() is None  # a write overtook it: count the new revision
        except Exception:
            log.exception("could not count the month-ends; a trend asked for starts the count again")
        finally:
            with self._changed:
                self._counting = False
                if again and not self._closed:
                    self._start()
                self._changed.notify_all()

    def count(self, days: list[dt.date] | None = None) -> list[DayCounts]:
        """The whole graph's ratio counts per street and community at ``days`` (default the month-ends),
        made once per revision: by the children when the store is one a child can open, else here a day
        at a time under the shared lock (a writer waits for one day at most). Counts a write overtook
        are not kept."""
        service = self.service
        days = days or self.days()
        with self._one:
            found = self.counted(days)
            if found is not None:
                return found
            revision = service.store.revision
            counts: list[DayCounts] = []
            read_at = {revision}
            if service.own_store:
                self._counter = self._counter or TrendCounter(service.settings)
                read_at, counts = self._counter.count(service.policy, days)
            else:
                for day in days:
                    with service.reading_lock():
                        counts += district_counts(lambda on: service.store.view(on, lazy=True), service.policy, [day])
            if read_at == {revision} and service.store.revision == revision:
                self._kept = (self._key(days, revision), counts)
            return counts

    def close(self) -> None:
        self._closed = True
        if self._counter is not None:
            self._counter.close()
