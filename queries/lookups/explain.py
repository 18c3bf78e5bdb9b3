"""How two nodes are connected (关系路径): the shortest path over the links active on a day, either way.

A bidirectional breadth-first search over a :class:`~orggraph.store.view.DayView`, links followed in
both directions and active on the view's day (起止日期), ended nodes left out. Each level is widened
from the frontier in one batch (:meth:`~orggraph.store.view.DayView.neighbours`: a statement per few
hundred nodes on a Bolt server). Ties are broken by the graph's content — links out before links in,
then by the other end's id and the link kind (:func:`ordered`) — so the same graph gives the same path
on every engine, whatever order it was written in. Each hop names the node, the link to the next hop
and whether the hop is that link's source (``out``) or its target (``in``).

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> [(h.name, h.link, h.direction) for h in explain_path(store.view("2024-01-01"), "area:S", "area:C").hops]
[('新华街道', 'PART_OF', 'in'), ('幸福社区', None, None)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.reading.model import Direction, Hop, ref_of

#: How many nodes the search may visit before it gives up (a district has about half a million).
MAX_VISITED = 2_000_000
#: Frontier nodes widened with one question to the view (one statement on a Bolt server).
FRONTIER = 256


@dataclass(frozen=True)
class ExplainedPath:
    """The shortest path from ``start`` to ``end`` (关系路径) as hops, with a sentence in zh and en."""

    start: str
    end: str
    as_of: str
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        """How many links the path has."""
        return len(self.hops) - 1

    def describe(self) -> tuple[str, str]:
        """The path as one line each in Chinese and English: ``A —PART_OF→ B ←IN_GRID— C``."""
        parts: list[str] = []
        for hop in self.hops:
            parts.append(hop.name)
            if hop.link is not None:
                parts.append(f" —{hop.link}→ " if hop.direction == "out" else f" ←{hop.link}— ")
        line = "".join(parts)
        return f"经 {self.length} 条关系：{line}", f"{self.length} link(s): {line}"

    def to_dict(self) -> dict[str, Any]:
        zh, en = self.describe()
        return {
            "start": self.start,
            "end": self.end,
            "as_of": self.as_of,
            "length": self.length,
            "hops": [h.to_dict() for h in self.hops],
            "zh": zh,
            "en": en,
        }


#: (other end, link kind, direction seen from the node) of one active link.
Neighbour = tuple[str, str, Direction]
#: Given a frontier, each of its nodes in turn with its neighbours (live other ends, in :func:`ordered` order).
Expand = Callable[[Sequence[str]], Iterator[tuple[str, Sequence[Neighbour]]]]


def ordered(neighbours: Iterable[Neighbour]) -> list[Neighbour]:
    """Neighbours in the order the search takes them: the links out first, then those in, each by the
    other end's id and the link kind — an order of the graph's content, the same on every engine."""
    return sorted(neighbours, key=lambda n: (n[2] != "out", n[0], n[1]))


def explain_path(view: DayView, a: str, b: str, *, through: Callable[[str], bool] | None = None) -> ExplainedPath:
    """The shortest path between nodes ``a`` and ``b`` over links active on the view's day, either way.

    ``through``, when given, says which nodes the path may pass (a caller's scope); others are skipped.

    Raises
    ------
    NotFoundError
        Either node does not exist (or has ended) on the day, or no path joins them.
    """
    day = view.day
    for node in (a, b):
        if view.node(node) is None:
            raise no_node(node, day)

    def expand(frontier: Sequence[str]) -> Iterator[tuple[str, Sequence[Neighbour]]]:
        for start in range(0, len(frontier), FRONTIER):
            batch = frontier[start : start + FRONTIER]
            found = view.neighbours(batch)
            for node in batch:
                yield node, ordered(found.get(node, ()))  # type: ignore[arg-type]

    seen_a, seen_b, meet = search(a, b, expand, through)
    if meet is None:
        raise no_path(a, b, day)
    return ExplainedPath(a, b, day, hops_of(view.nodes(path_nodes(seen_a, seen_b, meet)), seen_a, seen_b, meet))


def no_node(node: str, day: str) -> NotFoundError:
    return NotFoundError(f"no node {node!r} on {day}", message_zh=f"{day}不存在节点“{node}”", value=node)


def no_path(a: str, b: str, day: str) -> NotFoundError:
    return NotFoundError(
        f"no path joins {a!r} and {b!r} over the links active on {day}",
        message_zh=f"{day}时“{a}”与“{b}”之间没有关系路径",
        start=a,
        end=b,
    )


Seen = dict[str, tuple[str, str, Direction] | None]


def search(a: str, b: str, expand: Expand, through: Callable[[str], bool] | None) -> tuple[Seen, Seen, str | None]:
    """The bidirectional breadth-first search from ``a`` and ``b``: both parent maps, and where they met.

    Each step widens the smaller frontier (``a``'s on a tie) by one level, its nodes in order, each
    node's neighbours in :func:`ordered` order, and stops at the first node the other side has seen.
    """
    # parent maps: node → (the node it was reached from, link kind, direction from the reached node)
    seen_a: Seen = {a: None}
    seen_b: Seen = {b: None}
    frontier_a, frontier_b = [a], [b]
    meet = a if a == b else None
    visited = 0
    while meet is None and frontier_a and frontier_b and visited < MAX_VISITED:
        forward = len(frontier_a) <= len(frontier_b)
        frontier, seen, other = (frontier_a, seen_a, seen_b) if forward else (frontier_b, seen_b, seen_a)
        following: list[str] = []
        for node, neighbours in expand(frontier):
            for neighbour, kind, direction in neighbours:
                if neighbour in seen:
                    continue
                if through is not None and not through(neighbour):
                    continue
                seen[neighbour] = (node, kind, direction)
                visited += 1
                if neighbour in other:
                    meet = neighbour
                    break
                following.append(neighbour)
            if meet is not None:
                break
        if forward:
            frontier_a = following
        else:
            frontier_b = following
    return seen_a, seen_b, meet


def path_nodes(seen_a: Seen, seen_b: Seen, meet: str) -> list[str]:
    """The nodes of the path found, from ``a`` to ``b``."""
    left = [meet]
    step = seen_a[meet]
    while step is not None:
        left.append(step[0])
        step = seen_a[step[0]]
    left.reverse()
    step = seen_b[meet]
    while step is not None:
        left.append(step[0])
        step = seen_b[step[0]]
    return left


def hops_of(
    nodes: Mapping[str, Mapping[str, Any] | None],
    seen_a: dict[str, tuple[str, str, Direction] | None],
    seen_b: dict[str, tuple[str, str, Direction] | None],
    meet: str,
) -> tuple[Hop, ...]:
    """The hops from ``a`` to ``meet`` (walking ``seen_a`` back) then on to ``b`` (walking ``seen_b``)."""
    left: list[tuple[str, str | None, Direction | None]] = []
    node = meet
    step = seen_a[node]
    while step is not None:
        previous, kind, direction = step
        # reached ``node`` from ``previous``: seen from ``previous`` the link goes ``direction``
        left.append((previous, kind, direction))
        node = previous
        step = seen_a[node]
    left.reverse()
    right: list[tuple[str, str | None, Direction | None]] = []
    node = meet
    step = seen_b[node]
    while step is not None:
        following, kind, direction = step
        # ``node`` was reached from ``following``: seen from ``node`` the link goes the other way
        right.append((node, kind, "in" if direction == "out" else "out"))
        node = following
        step = seen_b[node]
    right.append((node, None, None))
    hops = []
    for name, link, way in (*left, *right):
        ref = ref_of(name, nodes.get(name))
        hops.append(Hop(name, ref.name, ref.kind, link, way))
    return tuple(hops)
