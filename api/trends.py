"""The whole district's trend counted in child processes (趋势): the headline ratios of every street
and community at the last twelve month-ends take a minute of interpreter time on a district, which
would hold the server's requests up; children (spawned once and kept; like the import's child, never
forked from the threaded server) count the days in parallel at a lower priority, so the server's
requests go first.

A child opens the store the settings name, as the server did, and reads it at the revision it finds;
the counts are kept only when that is the revision the server asked at (:meth:`Service.trend`).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from orggraph.settings import Settings
from orggraph.store import open_store
from queries.coverage.trend import DayCounts, district_counts
from queries.policy import Policy


def _lower_priority() -> None:
    """A child's start: behind the server's requests for the processors."""
    os.nice(10)


def _count(settings: Settings, policy: Policy, days: list[str]) -> tuple[int, list[DayCounts]]:
    """In a child: the store's revision and the counts of each day."""
    with open_store(settings) as store:
        counts = district_counts(lambda day: store.view(day, lazy=True), policy, [dt.date.fromisoformat(d) for d in days])
        return store.revision, counts


class TrendCounter:
    """Child processes that count the whole district on given days (one per core, at most four)."""

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None

    def count(self, policy: Policy, days: list[dt.date]) -> tuple[set[int], list[DayCounts]]:
        """The counts of ``days`` (in order) and the revisions the children read them at."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded server
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_lower_priority)
        chunks = [days[i :: self.workers] for i in range(self.workers) if days[i :: self.workers]]
        futures = [self._pool.submit(_count, self.settings, policy, [d.isoformat() for d in chunk]) for chunk in chunks]
        by_day: dict[dt.date, DayCounts] = {}
        revisions: set[int] = set()
        for chunk, future in zip(chunks, futures, strict=True):
            revision, counts = future.result()
            revisions.add(revision)
            by_day.update(zip(chunk, counts, strict=True))
        return revisions, [by_day[day] for day in days]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
