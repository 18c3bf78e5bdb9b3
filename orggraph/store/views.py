"""The day views an in-memory graph gives (the embedded and memory engines): built once, kept a while.

:class:`ViewCache` keeps the last few :class:`~orggraph.store.day_index.DayIndex` es, one per (store
revision, day), and the :class:`~orggraph.store.raw_view.RawShared` of the current revision. An index
is built under the store's lock, so it never sees half a write; once built it is a snapshot and is
read without any lock. Threads asking for the same index at once wait for one build.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from orggraph.store.day_index import DayIndex
from orggraph.store.raw_view import RawShared, RawView

if TYPE_CHECKING:
    import networkx as nx

    from orggraph.store.view import DayView

#: Day indexes kept per store (today's, and a few other days asked for).
KEEP = 4


class ViewCache:
    """The views of one store's graph; ``lock`` is the store's (held by its writes)."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._indexes: OrderedDict[tuple[int, str], DayIndex] = OrderedDict()
        self._raw: RawShared | None = None
        self._building = threading.Lock()
        self._table = threading.Lock()

    def index(self, graph: nx.DiGraph, revision: Callable[[], int], day: str) -> DayIndex:
        """The index of the day at the store's current revision, built if not kept."""
        with self.lock:  # the revision and the graph read together: no write between
            key = (revision(), day)
            found = self._kept(key)
            if found is not None:
                return found
        with self._building:  # one build at a time; a thread that waited finds it built
            found = self._kept(key)
            if found is not None:
                return found
            with self.lock:
                key = (revision(), day)
                found = self._kept(key) or DayIndex.build(graph, day=day, revision=key[0])
            with self._table:
                self._indexes[key] = found
                while len(self._indexes) > KEEP:
                    self._indexes.popitem(last=False)
            return found

    def ready(self, revision: int, day: str) -> bool:
        """Whether the index of the day at ``revision`` is kept."""
        return self._kept((revision, day)) is not None

    def _kept(self, key: tuple[int, str]) -> DayIndex | None:
        with self._table:
            found = self._indexes.get(key)
            if found is not None:
                self._indexes.move_to_end(key)
            return found

    def view(self, graph: nx.DiGraph, revision: Callable[[], int], day: str, *, lazy: bool) -> DayView:
        """The index of the day, or — ``lazy`` and none kept — a raw view that needs none."""
        if not lazy:
            return self.index(graph, revision, day)
        current = revision()
        kept = self._kept((current, day))
        if kept is not None:
            return kept
        shared = self._raw
        if shared is None or shared.revision != current:
            shared = self._raw = RawShared(graph, current)
        return RawView(shared, day, lambda: self.index(graph, revision, day))

    def forget(self) -> None:
        """Drop every kept view (a scratch store done with)."""
        with self._table:
            self._indexes.clear()
        self._raw = None
