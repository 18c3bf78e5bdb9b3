"""What a token may see (可见范围): the subtree of its scope area, and what is placed in it.

A node is *placed* in the areas its links put it in: an area or a household in itself; a Party org
in the area it is responsible for (or its unit's places, or — failing both — its parent org's); a
person in every household, area, org and unit their links reach; a unit where it is located,
registered, managing or providing; a project in the area it is for. A node is visible to a scope
when one of its places lies in the scope's subtree. A token scoped to the top of the area tree sees
everything. Anything not visible answers 404, exactly like a node that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from orggraph.model.kinds import AREA_KINDS, LinkKind, NodeKind
from orggraph.model.schema import LINK_RULES
from orggraph.patterns import Focus, MatchSpec
from orggraph.store.view import DayView, Subtree

T = TypeVar("T")

_AREAS = frozenset(k.value for k in AREA_KINDS) | {NodeKind.HOUSEHOLD.value}
_PART_OF = LinkKind.PART_OF.value
_SUBORDINATE_TO = LinkKind.SUBORDINATE_TO.value
_IN_GRID = LinkKind.IN_GRID.value
#: The links that place a node of each kind (tree links aside): every link kind it may be the source of.
_PLACING: dict[str, tuple[str, ...]] = {
    kind.value: tuple(
        rule.kind.value
        for rule in LINK_RULES.values()
        if kind in rule.sources and rule.kind not in (LinkKind.PART_OF, LinkKind.SUBORDINATE_TO, LinkKind.IN_GRID)
    )
    for kind in NodeKind
}


@dataclass(frozen=True, slots=True)
class Scope:
    """A token's scope: an area node id, and whether it is the top of the tree (sees everything)."""

    area: str
    everything: bool
    _memo_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_memo_key", f"api.sees:{self.area}")

    @classmethod
    def of(cls, reader: DayView, code: str) -> Scope | None:
        """The scope of an area code on the reader's day, or ``None`` when no such area is live."""
        area = code if code.startswith("area:") else f"area:{code}"
        attrs = reader.node(area)
        if attrs is None or attrs.get("kind") not in _AREAS:
            return None
        return cls(area, reader.parent(area, _PART_OF) is None)

    def sees(self, reader: DayView, node: str) -> bool:
        """Whether ``node`` (live on the reader's day) lies in this scope."""
        memo: dict[str, bool] | None = reader.scratch.get(self._memo_key)
        if memo is None:
            memo = reader.scratch.setdefault(self._memo_key, {})
        found = memo.get(node)
        if found is None:
            if reader.node(node) is None:
                found = False
            else:
                found = self.everything or any(self.contains(reader, place) for place in places(reader, node))
            memo[node] = found
        return found

    def contains(self, reader: DayView, area: str) -> bool:
        """Whether ``area`` (or household) is the scope's area or lies below it; a household lies
        below its entrance's chain and below its grid's (网格 is not on the address chain)."""
        if self._climbs_to(reader, area):
            return True
        grid = reader.parent(area, _IN_GRID)
        return grid is not None and self._climbs_to(reader, grid)

    def _climbs_to(self, reader: DayView, area: str) -> bool:
        current: str | None = area
        for _ in range(32):
            if current is None:
                return False
            if current == self.area:
                return True
            current = reader.parent(current, _PART_OF)
        return False


def places(reader: DayView, node: str, depth: int = 3) -> Iterable[str]:
    """The areas and households ``node`` is placed in (see the module docstring)."""
    attrs = reader.node(node)
    if attrs is None:
        return ()
    kind = str(attrs.get("kind"))
    if kind in _AREAS:
        return (node,)
    if depth == 0:
        return ()
    found: list[str] = []
    for link in _PLACING.get(kind, ()):
        for target in reader.out(node, link):
            found.extend(places(reader, target, depth - 1))
    above = reader.parent(node, _SUBORDINATE_TO) if kind == NodeKind.PARTY_ORG.value else None
    for _ in range(32):
        if found or above is None:
            break
        found.extend(places(reader, above, depth))
        above = reader.parent(above, _SUBORDINATE_TO)
    return found


class ScopedReader:
    """A :class:`~orggraph.store.view.DayView` that shows only what a scope sees.

    Callers resolve what a request names (an address, a masked ID number, a code) through it, so a
    thing outside the scope is not found — with the same message as a thing that does not exist, and
    no hint drawn from outside (no "several compounds have this name", no list of rooms). Its caches
    are its own, kept per scope in the inner reader's scratch.
    """

    __slots__ = ("_inner", "_scope", "day", "engine", "revision", "scratch")

    def __init__(self, inner: DayView, scope: Scope) -> None:
        self._inner = inner
        self._scope = scope
        self.day = inner.day
        self.revision = inner.revision
        self.engine = inner.engine
        self.scratch: dict[str, Any] = inner.scratch.setdefault(f"api.scoped:{scope.area}", {})

    def _sees(self, node: str) -> bool:
        return self._scope.sees(self._inner, node)

    def node(self, node: str) -> Mapping[str, Any] | None:
        return self._inner.node(node) if self._sees(node) else None

    def nodes(self, nodes: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        return {n: attrs for n, attrs in self._inner.nodes(nodes).items() if self._sees(n)}

    def out_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        found = self._inner.out_many([n for n in nodes if self._sees(n)], kind)
        return {n: kept for n, others in found.items() if (kept := [o for o in others if self._sees(o)])}

    def into_many(self, nodes: Iterable[str], kind: str) -> dict[str, Sequence[str]]:
        found = self._inner.into_many([n for n in nodes if self._sees(n)], kind)
        return {n: kept for n, others in found.items() if (kept := [o for o in others if self._sees(o)])}

    def neighbours(self, nodes: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        found = self._inner.neighbours([n for n in nodes if self._sees(n)])
        return {n: kept for n, links in found.items() if (kept := [lk for lk in links if self._sees(lk[0])])}

    def table(self, kind: str, direction: str = "out") -> Mapping[str, Sequence[str]]:
        def build() -> dict[str, list[str]]:
            table = self._inner.table(kind, direction)
            return {n: kept for n, others in table.items() if self._sees(n) and (kept := [o for o in others if self._sees(o)])}

        return self.memo(f"scoped.table:{kind}:{direction}", build)

    def link(self, kind: str, source: str, target: str) -> Mapping[str, Any] | None:
        return self._inner.link(kind, source, target) if self._sees(source) and self._sees(target) else None

    def of_kind(self, kind: str) -> Sequence[str]:
        return [n for n in self._inner.of_kind(kind) if self._sees(n)]

    def subtree(self, area: str) -> Subtree:
        found = self._inner.subtree(area) if self._sees(area) else Subtree(area, {})
        return Subtree(area, {kind: [n for n in nodes if self._sees(n)] for kind, nodes in found.by_kind.items()})

    def bind(self, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
        found = self._inner.bind(spec, [n for n in nodes if self._sees(n)])
        return {n: kept for n, bound in found.items() if (kept := [b for b in bound if self._sees(b)])}

    def scan(self, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
        return [(n, c) for n, c in self._inner.scan(focus, spec, low, high) if self._sees(n)]

    def out(self, node: str, kind: str) -> Sequence[str]:
        return [n for n in self._inner.out(node, kind) if self._scope.sees(self._inner, n)]

    def into(self, node: str, kind: str) -> Sequence[str]:
        return [n for n in self._inner.into(node, kind) if self._scope.sees(self._inner, n)]

    def parent(self, node: str | None, kind: str) -> str | None:
        found = self._inner.parent(node, kind)
        return found if found is not None and self._scope.sees(self._inner, found) else None

    def candidates(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for node, attrs in self._inner.candidates(kind):
            if self._scope.sees(self._inner, node):
                yield node, attrs

    def memo(self, name: str, build: Callable[[], T]) -> T:
        if name not in self.scratch:
            self.scratch[name] = build()
        found: T = self.scratch[name]
        return found


def reader_within(reader: DayView, scope: Scope) -> DayView:
    """``reader`` itself for a scope that sees everything, else a :class:`ScopedReader`."""
    return reader if scope.everything else ScopedReader(reader, scope)


def area_path(reader: DayView, node: str, scope: Scope | None = None) -> dict[str, str | None]:
    """The street, community and grid codes of the first place of ``node`` that ``scope`` contains
    (any place without a scope, or for one that sees everything); ``None`` where none. A node placed
    both inside and outside the scope (a unit located in another community that liaises with this
    one) is so answered with a place the caller may see, never one outside it."""
    found: dict[str, str | None] = {"street": None, "community": None, "grid": None}
    within = None if scope is None or scope.everything else scope
    place = next((p for p in places(reader, node) if within is None or within.contains(reader, p)), None)
    if place is not None and (reader.node(place) or {}).get("kind") == NodeKind.HOUSEHOLD.value:
        grid = reader.parent(place, LinkKind.IN_GRID.value)
        found["grid"] = grid.split(":", 1)[1] if grid else None
    current = place
    for _ in range(32):
        if current is None:
            break
        kind = (reader.node(current) or {}).get("kind")
        if kind in found and found[str(kind)] is None:
            found[str(kind)] = current.split(":", 1)[1]
        current = reader.parent(current, _PART_OF)
    return found


#: The hop that stands for nodes outside the caller's scope on a reason path (no id, no name).
HIDDEN_HOP: dict[str, Any] = {"node": "", "name": "…", "kind": "hidden", "link": None, "direction": None}


def hide_outside(reasons: Iterable[dict[str, Any]], scope: Scope, reader: DayView, *, near: str | None = None) -> None:
    """Replace, in each reason (``{"hops": [...], ...}``), every run of hops the scope neither sees nor
    lies below (a department's office in another street) by one :data:`HIDDEN_HOP`; the first hop (who
    answers) stays. ``near``, a node the caller may see (the household asked about), lets its areas
    and the areas above the scope pass without a look-up. In place."""
    if scope.everything:
        return
    clear: set[str] = set()
    for start in (near, scope.area):
        current = reader.parent(start, _PART_OF) if start is not None else None
        while current is not None and current not in clear:
            clear.add(current)
            current = reader.parent(current, _PART_OF)
    if near is not None:
        clear.add(near)
    for reason in reasons:
        hops: list[dict[str, Any]] = reason["hops"]
        if all(h["node"] in clear or scope.sees(reader, h["node"]) for h in hops[1:]):
            continue
        kept = hops[:1]
        for hop in hops[1:]:
            if hop["node"] in clear or scope.sees(reader, hop["node"]):
                kept.append(hop)
            elif kept[-1] is not HIDDEN_HOP:
                kept.append(HIDDEN_HOP)
        reason["hops"] = [dict(h) for h in kept]
