"""A scratch copy of an in-memory graph (草稿副本): a batch applied where nobody else reads.

A dry run, and a what-if, apply a batch to see what it would do; applied to the store's own graph
and rolled back, it would show readers a graph half-changed and hold the store's lock meanwhile.
:func:`scratch_state` gives a :class:`~orggraph.store.state.GraphState` over the same graph that a
batch may change freely: node attributes and link periods are shared (a write never changes them in
place: it puts new dicts and tuples), the node table and the adjacency maps are shallow copies, and
the neighbour map of a node is copied the first time the write rules ask for it to change it
(:class:`CopyOnRead`). A district's copy costs a few tens of milliseconds and the neighbour maps the
batch touches.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> _ = store.write(b)
>>> scratch = scratch_state(store.state)
>>> more = Batch(); more.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = scratch.apply(more.ops)
>>> len(scratch.graph._succ["area:C"]), len(store.state.graph._succ["area:C"])
(1, 0)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orggraph.store.batch import Batch
from orggraph.store.changes import changes_of
from orggraph.store.port import WriteSummary
from orggraph.store.state import GraphState, new_graph


class CopyOnRead(dict[str, Any]):
    """An adjacency map whose inner maps are copied when first taken by subscript (``succ[u]``), which is
    how the write rules take the map of a node they change; ``get`` and iteration read the originals."""

    __slots__ = ("_copied",)

    def __init__(self, base: dict[str, Any]) -> None:
        super().__init__(base)
        self._copied: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        value = dict.__getitem__(self, key)
        if key not in self._copied:
            value = dict(value)
            dict.__setitem__(self, key, value)
            self._copied.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._copied.add(key)  # a map put whole is the copy's own
        dict.__setitem__(self, key, value)


def scratch_state(state: GraphState) -> GraphState:
    """A state over a copy of ``state``'s graph that a batch may change (see the module docstring)."""
    graph = state.graph
    scratch = GraphState(new_graph(dict(graph._node), CopyOnRead(graph._succ), CopyOnRead(graph._pred)))
    scratch._interned = dict(state._interned)
    return scratch


def dry_run(state: GraphState, batch: Batch, progress: Callable[[str, int, int], None] | None = None) -> WriteSummary:
    """What ``batch`` would change in ``state`` (refused like a write when it would be), ``state`` untouched."""
    scratch = scratch_state(state)
    applied = scratch.apply(batch.ops, progress)
    summary = applied.summary
    summary.forward, summary.backward = changes_of(scratch.graph, applied.undo)
    summary.dry_run = True
    return summary
