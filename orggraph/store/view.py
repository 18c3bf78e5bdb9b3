"""The read port (读图接口): the graph as of one day, the only way queries read a store.

A :class:`DayView` answers a few questions about the graph as it stood on :attr:`DayView.day`:

* a node's attributes if it is live that day (:meth:`~DayView.node`), or many nodes' at once
  (:meth:`~DayView.nodes`);
* the other ends of its links of one kind active that day, out or in (:meth:`~DayView.out`,
  :meth:`~DayView.into`, :meth:`~DayView.parent`), for many nodes at once (:meth:`~DayView.out_many`,
  :meth:`~DayView.into_many`), or for every node at once (:meth:`~DayView.table`), and the attributes
  of one such link (:meth:`~DayView.link`); every active link of many nodes, whatever its kind
  (:meth:`~DayView.neighbours`);
* the live nodes of a kind (:meth:`~DayView.of_kind`) and the subtree of an area
  (:meth:`~DayView.subtree`);
* what a path pattern binds from many nodes (:meth:`~DayView.bind`), and which nodes of a kind have
  too few or too many matches (:meth:`~DayView.scan`): what a declared coverage rule asks
  (:mod:`orggraph.patterns`).

Each engine gives its own (:meth:`GraphStore.view <orggraph.store.port.GraphStore.view>`): the
embedded engine a :class:`~orggraph.store.day_index.DayIndex` — the day's active links in look-up
tables, built once per store revision and day, immutable — or, for a single question about another
day, a :class:`~orggraph.store.raw_view.RawView` that checks periods as it goes; the Neo4j engine a
view that asks its server in a few statements and keeps the answers. Queries are written once,
against this protocol; the engine is chosen once, when the store is opened.

Every method takes and returns node ids (``area:C01``, ``household:H0001``, ``person:…``) and link kinds
as their string values (``"PART_OF"``). Lists of ids come back in id order where an order is promised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from orggraph.patterns import Focus, MatchSpec

T = TypeVar("T")

#: The other ends of one kind of link, per node: ``{node: [other, …]}``.
Table = Mapping[str, Sequence[str]]


class Subtree(set[str]):
    """The node ids of an area's subtree (范围): the area, the areas below it (PART_OF) and the households
    below them; a grid's households are those IN_GRID it (the address tree runs through compounds, not
    grids). :meth:`of_kind` lists them by kind."""

    def __init__(self, root: str, by_kind: Mapping[str, Sequence[str]]) -> None:
        super().__init__(node for nodes in by_kind.values() for node in nodes)
        self.root = root
        self.by_kind: dict[str, list[str]] = {kind: list(nodes) for kind, nodes in by_kind.items()}

    def of_kind(self, kind: str) -> list[str]:
        """The nodes of ``kind`` (a node kind's value, ``"household"``) in the subtree, in no set order."""
        return self.by_kind.get(kind, [])


@runtime_checkable
class DayView(Protocol):
    """The graph as of :attr:`day`; see the module docstring."""

    #: The day (ISO date) the view reads the graph as of.
    day: str
    #: The store revision the view was made at.
    revision: int
    #: The engine that answers: ``"embedded"`` or ``"bolt"`` (for reports and benchmarks, not for choosing code).
    engine: str
    #: Caches of callers, valid as long as the view (names, answers per area …).
    scratch: dict[str, Any]

    def node(self, node: str) -> Mapping[str, Any] | None:
        """The attributes of ``node`` if it exists and is live on the day, else ``None``."""
        ...

    def nodes(self, nodes: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        """The attributes of those of ``nodes`` that are live on the day."""
        ...

    def out(self, node: str, kind: str) -> Sequence[str]:
        """The targets of ``node``'s links of ``kind`` active on the day."""
        ...

    def into(self, node: str, kind: str) -> Sequence[str]:
        """The sources of the links of ``kind`` into ``node`` active on the day."""
        ...

    def parent(self, node: str | None, kind: str) -> str | None:
        """The first target of ``node``'s active links of ``kind`` (its area, grid, org …), or ``None``."""
        ...

    def out_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        """:meth:`out` for many nodes at once (nodes without such links are left out)."""
        ...

    def into_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        """:meth:`into` for many nodes at once (nodes without such links are left out)."""
        ...

    def neighbours(self, nodes: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Every active link of each of ``nodes`` whose other end is live: (other end, link kind,
        ``"out"`` or ``"in"`` seen from the node), in no set order (nodes without any are left out)."""
        ...

    def table(self, kind: str, direction: str = "out") -> Table:
        """Every active link of ``kind``: ``{source: [targets]}`` (``"out"``) or ``{target: [sources]}`` (``"in"``)."""
        ...

    def link(self, kind: str, source: str, target: str) -> Mapping[str, Any] | None:
        """The attributes of the link of ``kind`` from ``source`` to ``target`` active on the day
        (``{}`` when it has none), or ``None`` when there is no such link that day."""
        ...

    def of_kind(self, kind: str) -> Sequence[str]:
        """The nodes of ``kind`` live on the day, in id order."""
        ...

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """The nodes of ``kind`` live on the day with their attributes, in id order."""
        ...

    def subtree(self, area: str) -> Subtree:
        """``area`` and everything below it (see :class:`Subtree`)."""
        ...

    def bind(self, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
        """For each of ``nodes`` (as ``focus``), the distinct nodes the spec's count variable binds to
        over the matches of its patterns, in id order (nodes with none are left out)."""
        ...

    def scan(self, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
        """The focus nodes whose count (see :meth:`bind`) is below ``low`` or above ``high``, with that
        count, in id order; with neither bound, every focus node with its count; without ``spec``,
        every focus node (count 0)."""
        ...

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` once per view under ``name`` (catalogues, tables derived from the view)."""
        ...


def first(nodes: Sequence[str]) -> str | None:
    """The first of ``nodes``, or ``None``.

    >>> first(["a", "b"]), first([])
    ('a', None)
    """
    return nodes[0] if nodes else None
