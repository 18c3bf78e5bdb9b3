"""The bulk path of :meth:`GraphState.apply <orggraph.store.state.GraphState.apply>`: a run of ops of
one verb applied as whole columns, with the rules of :mod:`orggraph.store.state` checked per kind.

A first import makes hundreds of thousands of nodes and links of a handful of kinds; checking each
op alone repeats the same work (the same rule, the same start date, the same empty neighbourhood)
and dominated the write. Here a run of ``put``, ``link``, ``restore_link`` (to no periods) or
``restore_node`` ops is checked at once — the id prefixes per node kind, each (link kind, source
kind, target kind) once, each start date once, single links by counting, the trees by walking only
from the nodes that are both a new child and a parent — and applied with the interpreter's own loops.

Each function returns ``False`` and changes nothing when its run is not one it takes, or when any
rule *might* refuse it: the caller then applies the run op by op, which raises exactly the refusal
(the error, its message and the op's index) that an op-by-op write always gave. A run it takes leaves
the graph, the counts, the per-op outcomes and the undo log as op by op would (tests hold the two
paths equal, ``tests/orggraph/test_bulk.py``).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, contains, delitem, eq, gt, is_, is_not, itemgetter, ne, not_, setitem
from typing import TYPE_CHECKING, Any, Protocol

from orggraph.model.kinds import NodeKind
from orggraph.model.nodes import PREFIX
from orggraph.model.schema import LINK_RULES, LinkRule
from orggraph.store.batch import Op
from orggraph.store.port import Outcome, WriteSummary

if TYPE_CHECKING:
    import networkx as nx

#: A link's data: ``{link kind: periods}`` (as :mod:`orggraph.store.state` keeps it).
EdgeData = dict[str, tuple[tuple[Any, ...], ...]]


class GraphState(Protocol):
    """What the bulk path uses of :class:`orggraph.store.state.GraphState` (named so, as a protocol,
    for the state module imports this one)."""

    graph: nx.DiGraph

    def intern(self, data: EdgeData) -> EdgeData: ...

    def open_target(self, source: str, kind: str) -> str | None: ...

    def has_open_in(self, target: str, kind: str) -> bool: ...


#: Runs shorter than this go op by op (the columns cost more than they save).
MIN_RUN = 64

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_NODE_KINDS = {k.value: k for k in NodeKind}
_PREFIX = {k.value: PREFIX[k] + ":" for k in NodeKind}
_RULES = {k.value: r for k, r in LINK_RULES.items()}
_EMPTY: dict[str, Any] = {}

#: The outcomes of a run's ops, or ``None`` when the run is not taken.
Outcomes = list[Outcome] | None
#: (state, ops, summary, undo) → outcomes.
Bulk = Callable[["GraphState", Sequence[Op], WriteSummary, list[tuple[Any, ...]]], Outcomes]


def put_nodes(state: GraphState, ops: Sequence[Op], summary: WriteSummary, undo: list[tuple[Any, ...]]) -> Outcomes:
    """``put`` ops of distinct nodes: created, updated or unchanged, a node's kind never changed."""
    node = state.graph._node
    ids: list[str] = list(map(itemgetter(1), ops))
    attrs: list[dict[str, Any]] = list(map(itemgetter(2), ops))
    if not all(map(isinstance, ids, repeat(str))) or not all(map(isinstance, attrs, repeat(dict))):
        return None
    if len(set(ids)) != len(ids):
        return None
    kinds: list[Any] = list(map(dict.get, attrs, repeat("kind")))
    if not all(map(isinstance, kinds, repeat(str))):
        return None
    prefixes: list[Any] = list(map(_PREFIX.get, kinds))  # an unknown kind has no prefix
    if None in prefixes:
        return None
    if not all(map(str.startswith, ids, prefixes)) or not all(map(gt, map(len, ids), map(len, prefixes))):
        return None
    olds = list(map(node.get, ids))
    new = list(map(is_, olds, repeat(None)))
    known = [old for old in olds if old is not None]
    if known and not all(map(eq, map(itemgetter("kind"), known), compress(kinds, map(is_not, olds, repeat(None))))):
        return None  # a node cannot change its kind: op by op says which
    same = list(map(eq, olds, attrs))
    outcomes: list[Outcome] = ["created" if n else "unchanged" if s else "updated" for n, s in zip(new, same, strict=True)]
    changed = list(map(ne, outcomes, repeat("unchanged")))
    created = list(compress(ids, new))
    node.update(zip(compress(ids, changed), compress(attrs, changed), strict=True))
    graph = state.graph
    graph._succ.update(zip(created, map(dict.copy, repeat(_EMPTY)), strict=False))
    graph._pred.update(zip(created, map(dict.copy, repeat(_EMPTY)), strict=False))
    undo.extend(zip(repeat("node"), compress(ids, changed), compress(olds, changed)))
    summary.nodes.update(zip(kinds, outcomes, strict=True))
    return outcomes


def link_pairs(state: GraphState, ops: Sequence[Op], summary: WriteSummary, undo: list[tuple[Any, ...]]) -> Outcomes:
    """``link`` ops that start the first link of their kind between two nodes, or find it open as it
    is (unchanged); any other op (a new period, a change of attributes or start) is not taken."""
    graph = state.graph
    node, succ = graph._node, graph._succ
    count = len(ops)
    lengths = list(map(len, ops))
    if min(lengths) < 6:
        return None
    kinds: list[str] = list(map(itemgetter(1), ops))
    sources: list[str] = list(map(itemgetter(2), ops))
    targets: list[str] = list(map(itemgetter(3), ops))
    starts: list[str] = list(map(itemgetter(4), ops))
    if not all(all(map(isinstance, column, repeat(str))) for column in (kinds, sources, targets, starts)):
        return None
    attrss: list[Any] = list(map(itemgetter(5), ops))
    if attrss.count(None) != count:
        attrss = [a or None for a in attrss]  # no attributes: None (older journals may hold an empty tuple)
    stated = [False] * count if max(lengths) == 6 else [len(op) > 6 and bool(op[6]) for op in ops]
    if None in map(_RULES.get, set(kinds)) or not _live_and_allowed(node, kinds, sources, targets):
        return None
    if not all(_ISO.fullmatch(s) for s in set(starts)):
        return None
    pairs = list(zip(sources, targets, strict=True))
    per_pair = Counter(pairs)
    if len(per_pair) != count and len(set(zip(kinds, pairs, strict=True))) != count:
        return None  # one link twice in a run: the second depends on the first
    olds: list[EdgeData | None] = list(map(dict.get, map(succ.__getitem__, sources), targets))
    if olds.count(None) == count:
        outcomes: list[Outcome] = ["created"] * count
    else:
        outcomes = []
        for old, kind, start, attrs, says in zip(olds, kinds, starts, attrss, stated, strict=True):
            if old is None or kind not in old:
                outcomes.append("created")
            elif _unchanged(old[kind], start, attrs, says):
                outcomes.append("unchanged")
            else:
                return None
    made = list(map(eq, outcomes, repeat("created")))
    new = _Columns(*(list(compress(column, made)) for column in (kinds, sources, targets, starts, attrss, olds)))
    if new.kinds and not _shapes_hold(state, new):
        return None
    _make_pairs(state, new, per_pair, undo)
    summary.links.update(zip(kinds, outcomes, strict=True))
    return outcomes


@dataclass
class _Columns:
    """The ops of a run that start links, as columns."""

    kinds: list[str]
    sources: list[str]
    targets: list[str]
    starts: list[str]
    attrs: list[Any]
    olds: list[EdgeData | None]


def _live_and_allowed(node: dict[str, Any], kinds: list[str], sources: list[str], targets: list[str]) -> bool:
    """Both ends exist and are not ended, and every (link kind, source kind, target kind) is allowed."""
    ends: tuple[list[Any], list[Any]] = list(map(node.get, sources)), list(map(node.get, targets))
    for found in ends:
        if None in found or any(map(contains, found, repeat("ended"))):
            return False
    source_kinds = map(itemgetter("kind"), ends[0])
    target_kinds = map(itemgetter("kind"), ends[1])
    for kind, source_kind, target_kind in set(zip(kinds, source_kinds, target_kinds, strict=True)):
        if not _RULES[kind].allows(_NODE_KINDS[source_kind], _NODE_KINDS[target_kind]):
            return False
    return True


def _unchanged(periods: tuple[Any, ...], start: str, attrs: Any, stated: bool) -> bool:
    """What :meth:`GraphState._link` finds unchanged: the open period with these attributes, its start
    the stated one (or not stated)."""
    if not periods or periods[-1][1] is not None:
        return False
    last = periods[-1]
    begins = start if stated else last[0]
    if len(periods) > 1 and begins < periods[-2][1]:
        begins = periods[-2][1]
    return bool((last[2] or None) == attrs and begins == last[0])


def _shapes_hold(state: GraphState, new: _Columns) -> bool:
    """The shape rules for the links a run starts: no self-parent, one open link per source (or target)
    where the kind says so, no cycle in a tree."""
    succ, pred = state.graph._succ, state.graph._pred
    for kind in set(new.kinds):
        rule: LinkRule = _RULES[kind]
        if not (rule.single_target or rule.single_source or rule.tree):
            continue
        mine = list(map(eq, new.kinds, repeat(kind)))
        sources = list(compress(new.sources, mine))
        targets = list(compress(new.targets, mine))
        if rule.single_target:
            if len(set(sources)) != len(sources):
                return False
            linked = compress(sources, map(len, map(succ.__getitem__, sources)))
            if any(state.open_target(s, kind) is not None for s in linked):
                return False
        if rule.single_source:
            if len(set(targets)) != len(targets):
                return False
            linked = compress(targets, map(len, map(pred.__getitem__, targets)))
            if any(state.has_open_in(t, kind) for t in linked):
                return False
        if rule.tree and not _acyclic(state, kind, dict(zip(sources, targets, strict=True))):
            return False
    return True


def _acyclic(state: GraphState, kind: str, parent: dict[str, str]) -> bool:
    """No chain of open ``kind`` links returns to where it started once ``parent`` (child → new parent)
    is added. A cycle passes through a new child that is also a parent, so only those are walked."""
    pred = state.graph._pred
    if any(map(eq, parent, parent.values())):
        return False
    walk = parent.keys() & set(parent.values())
    walk.update(c for c in compress(parent, map(len, map(pred.__getitem__, parent))) if state.has_open_in(c, kind))
    safe: set[str] = set()
    for child in walk:
        seen = {child}
        here: str | None = parent[child]
        while here is not None and here not in safe:
            if here in seen:
                return False
            seen.add(here)
            here = parent[here] if here in parent else state.open_target(here, kind)
        safe.update(seen)
    return True


def _make_pairs(state: GraphState, new: _Columns, per_pair: Counter[tuple[str, str]], undo: list[tuple[Any, ...]]) -> None:
    """Start the links: a pair's first link alone where it can be, a pair's kinds merged where not,
    equal edge data shared."""
    succ, pred = state.graph._succ, state.graph._pred
    pairs = list(zip(new.sources, new.targets, strict=True))
    alone = list(map(eq, map(per_pair.__getitem__, pairs), repeat(1)))
    if new.olds.count(None) != len(pairs):
        alone = list(map(and_, alone, map(is_, new.olds, repeat(None))))
    keys = list(zip(compress(new.kinds, alone), compress(new.starts, alone), compress(new.attrs, alone), strict=True))
    shared = {key: state.intern({key[0]: ((key[1], None, key[2]),)}) for key in set(keys)}
    datas = list(map(shared.__getitem__, keys))
    us, vs = list(compress(new.sources, alone)), list(compress(new.targets, alone))
    deque(map(setitem, map(succ.__getitem__, us), vs, datas), 0)
    deque(map(setitem, map(pred.__getitem__, vs), us, datas), 0)
    undo.extend(zip(repeat("edge"), us, vs, repeat(None)))
    merged: dict[tuple[str, str], tuple[EdgeData | None, EdgeData]] = {}
    rest = map(not_, alone)
    for kind, pair, start, attrs, old in compress(zip(new.kinds, pairs, new.starts, new.attrs, new.olds, strict=True), rest):
        found = merged.get(pair)
        if found is None:
            found = merged[pair] = (old, dict(old) if old is not None else {})
        found[1][kind] = ((start, None, attrs),)
    for (source, target), (old, data) in merged.items():
        succ[source][target] = pred[target][source] = state.intern(data)
        undo.append(("edge", source, target, old))


def remove_links(state: GraphState, ops: Sequence[Op], summary: WriteSummary, undo: list[tuple[Any, ...]]) -> Outcomes:
    """``restore_link`` ops to no periods (an undo taking links away): the kind leaves the pair, and a
    pair left with no kind goes."""
    if not all(map(eq, map(len, ops), repeat(5))) or any(op[4] for op in ops):
        return None
    succ, pred = state.graph._succ, state.graph._pred
    kinds: list[str] = list(map(itemgetter(1), ops))
    sources: list[str] = list(map(itemgetter(2), ops))
    targets: list[str] = list(map(itemgetter(3), ops))
    if not all(all(map(isinstance, column, repeat(str))) for column in (kinds, sources, targets)):
        return None
    if len(set(zip(kinds, sources, targets, strict=True))) != len(ops):
        return None
    olds: list[Any] = [(succ.get(s) or _EMPTY).get(t) for s, t in zip(sources, targets, strict=True)]
    outcomes: list[Outcome] = ["ended" if old and kind in old else "unchanged" for old, kind in zip(olds, kinds, strict=True)]
    ending = list(map(eq, outcomes, repeat("ended")))
    pairs = list(zip(compress(sources, ending), compress(targets, ending), strict=True))
    whole = [len(old) == 1 for old in compress(olds, ending)]  # the pair's only kind: the pair goes
    gone = list(compress(pairs, whole))
    us, vs = list(map(itemgetter(0), gone)), list(map(itemgetter(1), gone))
    undo.extend(zip(repeat("edge"), us, vs, compress(compress(olds, ending), whole)))
    deque(map(delitem, map(succ.__getitem__, us), vs), 0)
    deque(map(delitem, map(pred.__getitem__, vs), us), 0)
    dropped: dict[tuple[str, str], set[str]] = {}
    for kind, pair, one in zip(compress(kinds, ending), pairs, whole, strict=True):
        if not one:
            dropped.setdefault(pair, set()).add(kind)
    for (source, target), drop in dropped.items():
        old = succ[source][target]
        data = {k: p for k, p in old.items() if k not in drop}
        undo.append(("edge", source, target, old))
        if data:
            succ[source][target] = pred[target][source] = state.intern(data)
        else:
            del succ[source][target], pred[target][source]
    summary.links.update(zip(kinds, outcomes, strict=True))
    return outcomes


def restore_nodes(state: GraphState, ops: Sequence[Op], summary: WriteSummary, undo: list[tuple[Any, ...]]) -> Outcomes:
    """``restore_node`` ops of distinct nodes: a node set to a state it had, or taken away (``None``)
    once no link of it is left."""
    graph = state.graph
    node, succ, pred = graph._node, graph._succ, graph._pred
    ids: list[str] = list(map(itemgetter(1), ops))
    attrs: list[dict[str, Any] | None] = list(map(itemgetter(2), ops))
    if not all(map(eq, map(len, ops), repeat(3))) or not all(map(isinstance, ids, repeat(str))):
        return None
    if len(set(ids)) != len(ids) or not all(a is None or isinstance(a, dict) for a in attrs):
        return None
    olds = list(map(node.get, ids))
    same = list(map(eq, olds, attrs))
    going = [a is None and not s for a, s in zip(attrs, same, strict=True)]
    leaving = list(compress(ids, going))
    if not all(map(is_not, compress(olds, going), repeat(None))):
        return None
    if any(map(len, map(succ.__getitem__, leaving))) or any(map(len, map(pred.__getitem__, leaving))):
        return None  # links of it are still there: op by op says which
    outcomes: list[Outcome] = [
        "unchanged" if s else "ended" if a is None else "created" if o is None else "updated"
        for o, a, s in zip(olds, attrs, same, strict=True)
    ]
    changed = list(map(ne, outcomes, repeat("unchanged")))
    undo.extend(zip(repeat("node"), compress(ids, changed), compress(olds, changed)))
    deque(map(delitem, repeat(node), leaving), 0)
    deque(map(delitem, repeat(succ), leaving), 0)
    deque(map(delitem, repeat(pred), leaving), 0)
    setting = [c and a is not None for c, a in zip(changed, attrs, strict=True)]
    node.update(zip(compress(ids, setting), compress(attrs, setting), strict=True))
    created = [i for i, o, a in zip(ids, olds, attrs, strict=True) if o is None and a is not None]
    graph._succ.update(zip(created, map(dict.copy, repeat(_EMPTY)), strict=False))
    graph._pred.update(zip(created, map(dict.copy, repeat(_EMPTY)), strict=False))
    kinds = [(a or o or _EMPTY).get("kind", "?") for o, a in zip(olds, attrs, strict=True)]
    summary.nodes.update(zip(kinds, outcomes, strict=True))
    return outcomes


#: The bulk path of each verb it takes.
BULK: dict[str, Bulk] = {
    "put": put_nodes,
    "link": link_pairs,
    "restore_link": remove_links,
    "restore_node": restore_nodes,
}
