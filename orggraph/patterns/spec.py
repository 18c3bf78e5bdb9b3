"""What a declared rule asks an engine (规则查询): the focus nodes, and what to count from each.

A :class:`Focus` says which nodes are checked: the live nodes of one kind, filtered by a condition on
``focus``, that have at least one match of each ``requires`` pattern, below ``root`` when given (an
area kind or households only: other kinds are placed by the rule, not by the engine), or among the
nodes ``among`` names when given (a scoped run picks the persons or orgs placed near its areas). A
:class:`MatchSpec` says what is counted from a focus node: the distinct nodes bound to ``count`` over
the matches of its patterns (any of them) that satisfy ``where``. Both are checked when made: every
pattern starts at ``(focus)``, the counted variable and those the condition reads are bound by every
pattern, and every ``$parameter`` has a value.

>>> spec = MatchSpec.of(["(focus)<-[:CONTACTS]-(p:Person)"], "p")
>>> spec.patterns[0].rels[0].kinds, spec.count
(('CONTACTS',), 'p')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from orggraph.model.kinds import LinkKind
from orggraph.model.schema import LINK_RULES
from orggraph.patterns.syntax import (
    Condition,
    NodePat,
    Pattern,
    PatternError,
    RelPat,
    params_of,
    parse_condition,
    parse_pattern,
    variables_of,
)

#: The variable every pattern starts at.
FOCUS = "focus"
#: The parameter every engine binds itself: the day read as of (ISO date).
DAY = "day"


def _frozen(params: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (params or {}).items()))


def _starting(texts: Iterable[str | Pattern]) -> tuple[Pattern, ...]:
    patterns = tuple(t if isinstance(t, Pattern) else parse_pattern(t) for t in texts)
    for pattern in patterns:
        if pattern.nodes[0].var != FOCUS:
            raise PatternError(
                f"a pattern starts at (focus): {pattern.text}", message_zh=f"模式须从 (focus) 开始：{pattern.text}"
            )
    return patterns


def _check_params(needed: set[str], given: Mapping[str, Any], what: str) -> None:
    missing = sorted(needed - set(given) - {DAY})
    if missing:
        raise PatternError(
            f"{what} names ${', $'.join(missing)}, which the rule does not give",
            message_zh=f"{what} 使用了规则未提供的参数 ${'、$'.join(missing)}",
            params=missing,
        )


def _thawed(items: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """Parameters as frozen (name, value) pairs, back as a dict (lists made lists again)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in items}


@dataclass(frozen=True)
class MatchSpec:
    """What to count from a focus node; see the module docstring. Make one with :meth:`of`."""

    patterns: tuple[Pattern, ...]
    count: str
    where: Condition | None = None
    param_items: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def params(self) -> dict[str, Any]:
        return _thawed(self.param_items)

    @classmethod
    def of(
        cls,
        patterns: Iterable[str | Pattern],
        count: str,
        where: str | Condition | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> MatchSpec:
        """Read and check a spec (:class:`~orggraph.patterns.syntax.PatternError` when it is wrong)."""
        read = _starting(patterns)
        if not read:
            raise PatternError("a count needs at least one pattern", message_zh="计数至少需要一个模式")
        condition = parse_condition(where) if isinstance(where, str) else where
        for pattern in read:
            bound = set(pattern.variables)
            if count not in bound:
                raise PatternError(
                    f"the counted variable {count} is not bound by the pattern {pattern.text}",
                    message_zh=f"计数变量 {count} 未出现在模式 {pattern.text} 中",
                )
            unbound = sorted(variables_of(condition) - bound) if condition is not None else []
            if unbound:
                raise PatternError(
                    f"the condition reads {', '.join(unbound)}, which the pattern {pattern.text} does not bind",
                    message_zh=f"条件使用的变量 {'、'.join(unbound)} 未出现在模式 {pattern.text} 中",
                )
            _check_params(params_of(pattern, condition), params or {}, pattern.text)
        return cls(read, count, condition, _frozen(params))


@dataclass(frozen=True)
class Focus:
    """Which nodes a rule checks; see the module docstring. Make one with :meth:`of`."""

    kind: str
    where: Condition | None = None
    requires: tuple[Pattern, ...] = ()
    root: str | None = None
    param_items: tuple[tuple[str, Any], ...] = field(default=())
    among: tuple[str, ...] | None = None

    @property
    def params(self) -> dict[str, Any]:
        return _thawed(self.param_items)

    @classmethod
    def of(
        cls,
        kind: str,
        *,
        where: str | Condition | None = None,
        requires: Iterable[str | Pattern] = (),
        root: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Focus:
        condition = parse_condition(where) if isinstance(where, str) else where
        if condition is not None:
            other = sorted(variables_of(condition) - {FOCUS})
            if other:
                raise PatternError(
                    f"a focus condition reads focus only, not {', '.join(other)}",
                    message_zh=f"对象条件只能使用 focus，不能使用 {'、'.join(other)}",
                )
            _check_params(params_of(None, condition), params or {}, "the focus condition")
        read = _starting(requires)
        for pattern in read:
            _check_params(params_of(pattern), params or {}, pattern.text)
        return cls(kind, condition, read, root, _frozen(params))

    def within(self, root: str | None) -> Focus:
        """The same focus below ``root``."""
        return Focus(self.kind, self.where, self.requires, root, self.param_items)

    def picking(self, nodes: Iterable[str]) -> Focus:
        """The same focus, chosen among ``nodes`` only (those of its kind, live, meeting its condition)."""
        return Focus(self.kind, self.where, self.requires, None, self.param_items, tuple(sorted(set(nodes))))


#: The variable a spec read backwards counts (the focus of the spec read forwards).
ORIGIN = "origin"


def backwards(spec: MatchSpec, kind: str) -> MatchSpec | None:
    """``spec`` read from its far end: from a node its counted variable can bind (the last node of its
    one pattern), the nodes of ``kind`` from which the spec reaches it, counted as ``origin``. ``None``
    when it cannot be read so (a condition, several patterns, a count in the middle).

    >>> spec = MatchSpec.of(["(focus)-[:MEMBER_OF]->(o:PartyOrg)-[:RESPONSIBLE_FOR]->(area)"], "area")
    >>> back = backwards(spec, "person")
    >>> [(n.var, n.kind) for n in back.patterns[0].nodes], [r.direction for r in back.patterns[0].rels]
    ([('focus', None), ('o', 'party_org'), ('origin', 'person')], ['in', 'in'])
    """
    if spec.where is not None or len(spec.patterns) != 1:
        return None
    pattern = spec.patterns[0]
    if pattern.nodes[-1].var != spec.count or spec.count == FOCUS or ORIGIN in pattern.variables:
        return None
    names = {FOCUS: ORIGIN, spec.count: FOCUS}
    nodes = []
    for node in reversed(pattern.nodes):
        var = names.get(node.var, node.var) if node.var is not None else None
        nodes.append(NodePat(var, kind if var == ORIGIN and node.kind is None else node.kind, node.props))
    rels = tuple(
        RelPat(rel.kinds, "in" if rel.direction == "out" else "out", rel.min_hops, rel.max_hops, rel.props)
        for rel in reversed(pattern.rels)
    )
    read = Pattern(tuple(nodes), rels, f"{pattern.text} (read backwards)")
    return MatchSpec((read,), ORIGIN, None, spec.param_items)


@lru_cache(maxsize=256)
def _steps(links: tuple[str, ...], direction: str) -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for link in links:
        rule = LINK_RULES[LinkKind(link)]
        joined = rule.pairs if rule.pairs is not None else {(s, t) for s in rule.sources for t in rule.targets}
        pairs.update((s.value, t.value) if direction == "out" else (t.value, s.value) for s, t in joined)
    return frozenset(pairs)


def kind_steps(rel: RelPat) -> frozenset[tuple[str, str]]:
    """The (from, to) node kinds one step of ``rel`` may join, as the schema allows its links.

    >>> sorted(kind_steps(parse_pattern("(focus)<-[:LIVES_IN]-(p)").rels[0]))
    [('household', 'person')]
    """
    return _steps(rel.kinds, rel.direction)


def start_kinds(spec: MatchSpec) -> frozenset[str] | None:
    """The node kinds a match of ``spec`` can start from (those its patterns' first steps may leave),
    or ``None`` when any can (a first step of zero hops)."""
    kinds: set[str] = set()
    for pattern in spec.patterns:
        if not pattern.rels or pattern.rels[0].min_hops == 0:
            return None
        kinds.update(own for own, _ in kind_steps(pattern.rels[0]))
    return frozenset(kinds)


@lru_cache(maxsize=256)
def leading_to(rel: RelPat, kind: str) -> frozenset[str]:
    """The node kinds from which one or more of ``rel``'s steps can reach a node of ``kind``, as the
    schema allows (a walk pruned to them never leaves a path to one).

    >>> sorted(leading_to(parse_pattern("(focus)<-[:PART_OF*1..6]-(g:Grid)").rels[0], "grid"))
    ['community', 'district', 'grid', 'street']
    """
    pairs = kind_steps(rel)
    useful: set[str] = set()
    grew = True
    while grew:
        grew = False
        for own, other in pairs:
            if own not in useful and (other == kind or other in useful):
                useful.add(own)
                grew = True
    return frozenset(useful)
