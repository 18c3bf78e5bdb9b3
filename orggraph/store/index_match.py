"""Patterns over the embedded engine's day index (索引上的模式匹配): how a declared rule runs there.

:func:`bind` follows a :class:`~orggraph.patterns.MatchSpec`'s patterns from each start node through
the index's tables — one step a relationship, a variable-length step breadth first — checking each
node's liveness, kind and attributes as it goes and the condition once a path is whole, and collects
the distinct nodes the counted variable binds to. :func:`scan` selects a :class:`~orggraph.patterns.Focus`
and counts, stopping as soon as the count settles the bounds (a rule needing one match stops at the
first). A pattern of one plain step — the commonest, ``(focus)<-[:CONTACTS]-(p:Person)`` — runs as a
loop over one table.

Conditions have Cypher's three values: a comparison with a missing attribute is unknown, ``NOT`` of
unknown is unknown, and only a true condition lets a path through — as on the server.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> from orggraph.patterns import Focus, MatchSpec
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.put(Community(code="D", name="和平社区")); b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = store.write(b)
>>> view = store.view("2024-01-01")
>>> scan(view, Focus.of("community"), MatchSpec.of(["(focus)-[:PART_OF]->(s:Street)"], "s"), 1, None)
[('area:D', 0)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from orggraph.patterns.spec import DAY, FOCUS, Focus, MatchSpec, leading_to, start_kinds
from orggraph.patterns.syntax import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Func,
    InList,
    IsNull,
    NodePat,
    Not,
    Operand,
    Param,
    Pattern,
    Prop,
    RelPat,
    Value,
    date_add,
)
from orggraph.store.view import Subtree


class DayIndex(Protocol):
    """What the evaluation reads of a :class:`~orggraph.store.day_index.DayIndex`: its tables."""

    day: str
    _nodes: dict[str, dict[str, Any]]
    _live: dict[str, dict[str, Any]]
    out_tables: dict[str, dict[str, list[str]]]
    into_tables: dict[str, dict[str, list[str]]]
    attrs_out: dict[tuple[str, str, str], dict[str, Any]]

    def node(self, node: str) -> Mapping[str, Any] | None: ...

    def of_kind(self, kind: str) -> Sequence[str]: ...

    def subtree(self, area: str) -> Subtree: ...

    def memo(self, name: str, build: Callable[[], Any]) -> Any: ...


_EMPTY: Mapping[str, list[str]] = {}
Bindings = dict[str, str]


class _Run:
    """One spec's evaluation over one index: its parameters resolved, its tables at hand."""

    def __init__(self, ix: DayIndex, params: Mapping[str, Any]) -> None:
        self.ix = ix
        self.nodes = ix._nodes
        self.live = ix._live
        self.day = ix.day
        self.params = {**params, DAY: ix.day}
        self._tests: dict[int, tuple[Condition, Callable[[Bindings], bool | None]]] = {}

    # -- values ----------------------------------------------------------------------------------

    def value(self, value: Value) -> Any:
        return self.params[value.name] if isinstance(value, Param) else value

    def test(self, condition: Condition) -> Callable[[Bindings], bool | None]:
        """The condition's value on the bindings — ``True``, ``False`` or ``None`` (unknown) — as a
        function made once of closures (a condition is asked per node, not read again each time)."""
        found = self._tests.get(id(condition))
        if found is None or found[0] is not condition:
            found = self._tests[id(condition)] = (condition, self._made(condition))
        return found[1]

    def _made(self, condition: Condition) -> Callable[[Bindings], bool | None]:
        if isinstance(condition, Compare):
            left, right, op = self._read(condition.left), self._read(condition.right), condition.op
            return lambda bound: _compare(op, left(bound), right(bound))
        if isinstance(condition, IsNull):
            read, negated = self._read(condition.operand), condition.negated
            return lambda bound: (read(bound) is None) != negated
        if isinstance(condition, InList):
            read, negated = self._read(condition.operand), condition.negated
            if isinstance(condition.items, Param):
                given = list(self.params[condition.items.name])
                items: Callable[[Bindings], list[Any]] = lambda bound: given  # noqa: E731
            else:
                readers = [self._read(item) for item in condition.items]
                items = lambda bound: [r(bound) for r in readers]  # noqa: E731

            def inside(bound: Bindings) -> bool | None:
                found = read(bound)
                if found is None:
                    return None
                hit = any(_compare("=", found, item) for item in items(bound))
                return not hit if negated else hit

            return inside
        if isinstance(condition, Not):
            inner = self._made(condition.inner)
            return lambda bound: None if (value := inner(bound)) is None else not value
        parts = [self._made(part) for part in condition.parts]
        assert isinstance(condition, AllOf | AnyOf)
        # AND is settled by a false part, OR by a true one; otherwise unknown if any part is
        settles = not isinstance(condition, AllOf)

        def joined(bound: Bindings) -> bool | None:
            unknown = False
            for part in parts:
                value = part(bound)
                if value is settles:
                    return settles
                unknown = unknown or value is None
            return None if unknown else not settles

        return joined

    def _read(self, operand: Operand) -> Callable[[Bindings], Any]:
        if isinstance(operand, Prop):
            nodes, var, key = self.nodes, operand.var, operand.key
            return lambda bound: None if (node := bound.get(var)) is None else nodes[node].get(key)
        if isinstance(operand, Param):
            given = self.params[operand.name]
            return lambda bound: given
        if isinstance(operand, Func):
            args = [self._read(arg) for arg in operand.args]
            if operand.name == "date_add":
                return lambda bound: date_add(*(arg(bound) for arg in args))

            def coalesce(bound: Bindings) -> Any:  # the first argument that is not null
                for arg in args:
                    found = arg(bound)
                    if found is not None:
                        return found
                return None

            return coalesce
        constant = operand.value
        return lambda bound: constant

    # -- nodes and steps -------------------------------------------------------------------------

    def node_ok(self, node: str, pat: NodePat, bound: Bindings) -> bool:
        attrs = self.live.get(node)
        if attrs is None:
            return False
        if pat.kind is not None and attrs["kind"] != pat.kind:
            return False
        for key, value in pat.props:
            if not _compare("=", attrs.get(key), self.value(value)):
                return False
        return pat.var is None or pat.var not in bound or bound[pat.var] == node

    def step(self, node: str, rel: RelPat, toward: str | None = None) -> Iterable[str]:
        """The nodes one relationship step (or a variable-length run of them) leads to from ``node``;
        a run looking for nodes of kind ``toward`` goes on only from nodes that can lead to one."""
        if rel.min_hops == rel.max_hops == 1:
            return self.hop(node, rel)
        if any(isinstance(value, Param) for _, value in rel.props):
            return self.run_of(node, rel, toward)
        # a run's ends depend on the day's links only: kept on the index, for every rule that walks it
        runs: dict[tuple[RelPat, str | None], dict[str, tuple[str, ...]]] = self.ix.memo("variable-length runs", dict)
        ends = runs.get((rel, toward))
        if ends is None:
            ends = runs.setdefault((rel, toward), {})
        found = ends.get(node)
        if found is None:
            found = ends[node] = tuple(self.run_of(node, rel, toward))
        return found

    def run_of(self, node: str, rel: RelPat, toward: str | None) -> Iterable[str]:
        """The nodes a variable-length run of ``rel`` reaches from ``node``, breadth first."""
        found: dict[str, None] = {node: None} if rel.min_hops == 0 else {}
        frontier, seen = [node], {node}
        useful = leading_to(rel, toward) if toward is not None else None
        nodes = self.nodes
        tables = [(self.ix.out_tables if rel.direction == "out" else self.ix.into_tables).get(k, _EMPTY) for k in rel.kinds]
        for depth in range(1, rel.max_hops + 1):
            following = []
            for current in frontier:
                if useful is not None:
                    attrs = nodes.get(current)
                    if attrs is not None and attrs["kind"] not in useful:
                        continue
                for other in self.hop(current, rel) if rel.props else (o for t in tables for o in t.get(current, ())):
                    if other not in seen:
                        seen.add(other)
                        following.append(other)
            if depth >= rel.min_hops:
                found.update(dict.fromkeys(following))
            if not following:
                break
            frontier = following
        return found

    def hop(self, node: str, rel: RelPat) -> list[str]:
        tables = self.ix.out_tables if rel.direction == "out" else self.ix.into_tables
        found: list[str] = []
        for kind in rel.kinds:
            others = tables.get(kind, _EMPTY).get(node, ())
            if rel.props:
                others = [o for o in others if self._link_ok(kind, rel, node, o)]
            found.extend(others)
        return found

    def _link_ok(self, kind: str, rel: RelPat, node: str, other: str) -> bool:
        source, target = (node, other) if rel.direction == "out" else (other, node)
        attrs = self.ix.attrs_out.get((kind, source, target), {})
        return all(_compare("=", attrs.get(key), self.value(value)) for key, value in rel.props)

    # -- whole patterns --------------------------------------------------------------------------

    def collect(
        self, pattern: Pattern, start: str, count: str, where: Condition | None, found: set[str], limit: int | None
    ) -> bool:
        """Add to ``found`` what ``count`` binds over the matches from ``start``; ``True`` once ``limit`` is reached."""
        bound: Bindings = {FOCUS: start}
        last = len(pattern.rels) - 1

        def walk(index: int, node: str) -> bool:
            if index == len(pattern.rels):
                if where is None or self.test(where)(bound) is True:
                    found.add(bound[count])
                    return limit is not None and len(found) >= limit
                return False
            pat = pattern.nodes[index + 1]
            if index == last and where is None:  # the last step, no condition: count what it reaches
                rel = pattern.rels[index]
                if pat.var in bound and rel.min_hops == rel.max_hops == 1 and not rel.props:
                    # back to a node already bound (the focus): is it one step away? asked of the
                    # link's source, whose few links are read rather than all of a busy node's
                    target = bound[pat.var]
                    source, dest = (target, node) if rel.direction == "in" else (node, target)
                    out = self.ix.out_tables
                    linked = any(dest in out.get(kind, _EMPTY).get(source, ()) for kind in rel.kinds)
                    if linked and self.node_ok(target, pat, bound):
                        found.add(bound[count])
                        return limit is not None and len(found) >= limit
                    return False
                for other in self.step(node, rel, pat.kind):
                    if self.node_ok(other, pat, bound):
                        found.add(other if pat.var == count else bound[count])
                        if limit is not None and len(found) >= limit:
                            return True
                return False
            for other in self.step(node, pattern.rels[index], pat.kind):
                if not self.node_ok(other, pat, bound):
                    continue
                fresh = pat.var is not None and pat.var not in bound
                if fresh:
                    bound[pat.var] = other  # type: ignore[index]
                stop = walk(index + 1, other)
                if fresh:
                    del bound[pat.var]  # type: ignore[arg-type]
                if stop:
                    return True
            return False

        return walk(0, start)


def plain_counts(ix: DayIndex, link: str, direction: str, kind: str | None) -> dict[str, int]:
    """How many live nodes (of ``kind``, when given) each node's day ``link`` links lead to, read in
    ``direction``; nodes with none are left out. Kept on the index: one pass over the link's table
    for every rule that counts one plain step of it."""

    def build() -> dict[str, int]:
        table = (ix.out_tables if direction == "out" else ix.into_tables).get(link, _EMPTY)
        live = ix._live
        counts: dict[str, int] = {}
        for node, others in table.items():
            n = 0
            for other in others:
                attrs = live.get(other)
                if attrs is not None and (kind is None or attrs["kind"] == kind):
                    n += 1
            if n:
                counts[node] = n
        return counts

    found: dict[str, int] = ix.memo(f"plain-counts:{direction}:{link}:{kind}", build)
    return found


def _compare(op: str, left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    if isinstance(left, tuple):
        left = list(left)
    if isinstance(right, tuple):
        right = list(right)
    if op == "=":
        return bool(left == right)
    if op == "<>":
        return bool(left != right)
    numbers = isinstance(left, int | float) and isinstance(right, int | float)
    if (isinstance(left, bool) or isinstance(right, bool) or type(left) is not type(right)) and not numbers:
        return None  # ordering across types is unknown, as in Cypher
    try:
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return None


def _simple(spec: MatchSpec) -> tuple[str, tuple[str, ...], str | None] | None:
    """(direction, link kinds, far kind) when the spec is one plain step counting its far node, or
    (asking only whether there is one) counting the focus."""
    if len(spec.patterns) != 1 or spec.where is not None:
        return None
    pattern = spec.patterns[0]
    if len(pattern.rels) != 1:
        return None
    rel, far = pattern.rels[0], pattern.nodes[1]
    if rel.min_hops != 1 or rel.max_hops != 1 or rel.props or far.props or far.var == FOCUS:
        return None
    if far.var != spec.count and spec.count != FOCUS:
        return None
    return rel.direction, rel.kinds, far.kind


def counter(ix: DayIndex, spec: MatchSpec) -> Callable[[str, int | None], set[str]]:
    """A function ``(start, limit) -> bound nodes`` for ``spec`` over ``ix`` (a plain step as one loop)."""
    run = _Run(ix, spec.params)
    simple = _simple(spec)
    if simple is not None:
        direction, kinds, far_kind = simple
        tables = [(ix.out_tables if direction == "out" else ix.into_tables).get(kind, _EMPTY) for kind in kinds]
        live = ix._live

        def plain(start: str, limit: int | None) -> set[str]:
            found: set[str] = set()
            for table in tables:
                for other in table.get(start, ()):
                    attrs = live.get(other)
                    if attrs is not None and (far_kind is None or attrs["kind"] == far_kind):
                        found.add(other)
                        if limit is not None and len(found) >= limit:
                            return found
            return found

        def exists(start: str, limit: int | None) -> set[str]:
            for table in tables:
                for other in table.get(start, ()):
                    attrs = live.get(other)
                    if attrs is not None and (far_kind is None or attrs["kind"] == far_kind):
                        return {start}
            return set()

        return exists if spec.count == FOCUS else plain

    def general(start: str, limit: int | None) -> set[str]:
        found: set[str] = set()
        for pattern in spec.patterns:
            if run.collect(pattern, start, spec.count, spec.where, found, limit):
                break
        return found

    return general


def bind(ix: DayIndex, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
    """What ``spec``'s counted variable binds from each of ``nodes`` (see :meth:`DayView.bind`)."""
    count = counter(ix, spec)
    found: dict[str, list[str]] = {}
    starts = start_kinds(spec)
    live = ix._live
    for node in nodes:
        attrs = live.get(node)
        if attrs is None or (starts is not None and attrs["kind"] not in starts):
            continue
        bound = count(node, None)
        if bound:
            found[node] = sorted(bound)
    return found


def focus_nodes(ix: DayIndex, focus: Focus) -> list[str]:
    """The nodes ``focus`` selects, in id order."""
    nodes: Sequence[str]
    if focus.among is not None:
        live = ix._live
        nodes = [n for n in focus.among if (attrs := live.get(n)) is not None and attrs["kind"] == focus.kind]
    elif focus.root is not None:
        nodes = sorted(n for n in ix.subtree(focus.root).of_kind(focus.kind) if ix.node(n) is not None)
    else:
        nodes = ix.of_kind(focus.kind)
    if focus.where is not None:
        holds = _Run(ix, focus.params).test(focus.where)
        nodes = [n for n in nodes if holds({FOCUS: n}) is True]
    for pattern in focus.requires:
        exists = counter(ix, MatchSpec(patterns=(pattern,), count=FOCUS, param_items=focus.param_items))
        nodes = [n for n in nodes if exists(n, 1)]
    return list(nodes)


def scan(ix: DayIndex, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
    """The focus nodes whose count is out of bounds (see :meth:`DayView.scan`)."""
    nodes = focus_nodes(ix, focus)
    if spec is None:
        return [(node, 0) for node in nodes]
    limit = low if high is None else None  # below the least is all a rule with no most needs to know
    everything = low is None and high is None
    found: list[tuple[str, int]] = []
    simple = _simple(spec)
    if simple is not None and len(simple[1]) == 1 and spec.count != FOCUS:
        # one plain step over one table: counted in this loop (a table lists each other end once)
        direction, (link,), far_kind = simple
        counts = plain_counts(ix, link, direction, far_kind)
        for node in nodes:
            n = counts.get(node, 0)
            if everything or (low is not None and n < low) or (high is not None and n > high):
                found.append((node, n))
        return found
    count = counter(ix, spec)
    for node in nodes:
        n = len(count(node, limit))
        if everything or (low is not None and n < low) or (high is not None and n > high):
            found.append((node, n))
    return found
