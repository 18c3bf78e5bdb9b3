"""The in-memory graph and the rules every write obeys; no I/O here.

The graph is a :class:`networkx.DiGraph`. A node's attributes are a plain dict with its ``kind``.
The data of an edge ``u → v`` is ``{link kind: (period, ...)}``, a period being
``(start, end, attrs)`` (see :mod:`orggraph.timeline`). Equal edge data are *shared*: one dict
serves every edge with the same content, which keeps a district of half a million nodes and a
million and a half links well under a gigabyte. Because of this, edge data are never changed in
place; a write puts a new (interned) dict. Treat the graph as read-only outside this module.

Writes are applied with an undo log — runs of ops of one verb as whole columns where the bulk path
(:mod:`orggraph.store.bulk`) takes them, the rest op by op; the first op that breaks a rule rolls the
whole batch back and raises, so a refused batch leaves the graph exactly as it was.

Valid time (when a fact held) is kept normalised, so that a same-day correction leaves no trace in it:
a period ended on the day it started never held and is dropped; a link started again on the day its
last period ended, with the same attributes, goes on in that period; a link whose start the roster
states (``stated``: 报到日期, 开始日期) has its open period's start corrected when a later roster says
another. What a write replaced is kept in the change log (:mod:`orggraph.store.changes`), not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import compress, groupby, repeat
from operator import itemgetter, ne
from typing import Any, NamedTuple

import networkx as nx

from orggraph.errors import (
    DanglingReferenceError,
    PeriodError,
    RefusedWriteError,
    SchemaViolationError,
    SecondParentError,
    SingleLinkError,
    TreeCycleError,
)
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import PREFIX
from orggraph.model.schema import LINK_RULES, LinkRule, describe
from orggraph.store.batch import Op
from orggraph.store.bulk import BULK, MIN_RUN
from orggraph.store.port import Outcome, WriteSummary

EdgeData = dict[str, tuple[tuple[Any, ...], ...]]
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_NODE_KINDS = {k.value: k for k in NodeKind}
_RULES = {k.value: r for k, r in LINK_RULES.items()}
#: The most ops of one run the bulk path takes at once (a run it cannot take goes op by op).
CHUNK = 16_384


def new_graph(node: dict[str, Any], succ: dict[str, Any], pred: dict[str, Any]) -> nx.DiGraph:
    """A DiGraph over existing adjacency dicts (how a snapshot is loaded without copying)."""
    graph = nx.DiGraph()
    graph._node = node
    graph._adj = graph._succ = succ
    graph._pred = pred
    return graph


class Applied(NamedTuple):
    """The result of :meth:`GraphState.apply`: counts, the ops that changed something, the undo log."""

    summary: WriteSummary
    effective: list[Op]
    undo: list[tuple[Any, ...]]


class GraphState:
    """The graph plus the write rules; ``journal`` keeps the ops that changed something."""

    def __init__(self, graph: nx.DiGraph | None = None) -> None:
        self.graph: nx.DiGraph = graph if graph is not None else nx.DiGraph()
        self._interned: dict[tuple[Any, ...], EdgeData] = {}
        #: Nodes that lost a period that never held, in the batch being applied (see :meth:`_sweep`).
        self._dropped: set[str] = set()

    # -- reading helpers -------------------------------------------------------------------------

    def intern(self, data: EdgeData) -> EdgeData:
        key = tuple(sorted(data.items()))
        shared = self._interned.get(key)
        if shared is None:
            shared = self._interned[key] = data
        return shared

    def open_target(self, source: str, kind: str) -> str | None:
        """The target of ``source``'s open link of ``kind`` (first found), or ``None``."""
        for target, data in self.graph._succ[source].items():
            periods = data.get(kind)
            if periods is not None and periods[-1][1] is None:
                return str(target)
        return None

    def has_open_in(self, target: str, kind: str) -> bool:
        for data in self.graph._pred[target].values():
            periods = data.get(kind)
            if periods is not None and periods[-1][1] is None:
                return True
        return False

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, ops: Iterable[Op], progress: Callable[[str, int, int], None] | None = None, *, bulk: bool = True) -> Applied:
        """Apply every op or none; what is returned can still be rolled back (see :meth:`rollback`).

        Runs of ops of one verb go the bulk path (:mod:`orggraph.store.bulk`) where it takes them, the
        rest op by op; both obey the same rules and refuse the same ops (``bulk=False``: every op alone,
        the reference the bulk path is held to). ``progress("apply", done, total)`` is called every few
        thousand ops."""
        summary = WriteSummary()
        undo: list[tuple[Any, ...]] = []
        effective: list[Op] = []
        self._dropped = set()
        ops = ops if isinstance(ops, list) else list(ops)
        total = len(ops)
        try:
            index = 0
            for verb, group in groupby(ops, key=itemgetter(0)):
                run = list(group)
                for start in range(0, len(run), CHUNK):
                    chunk = run[start : start + CHUNK]
                    take = BULK.get(verb) if bulk and len(chunk) >= MIN_RUN else None
                    outcomes = take(self, chunk, summary, undo) if take is not None else None
                    if outcomes is None:
                        self._apply_ops(chunk, index, summary, undo, effective, progress, total)
                    else:
                        summary.outcomes.extend(outcomes)
                        effective.extend(compress(chunk, map(ne, outcomes, repeat("unchanged"))))
                    index += len(chunk)
                    if progress is not None:
                        progress("apply", index, total)
            self._sweep(summary, undo)
        except BaseException:
            self.rollback(undo)
            raise
        return Applied(summary, effective, undo)

    def _apply_ops(
        self,
        ops: list[Op],
        first: int,
        summary: WriteSummary,
        undo: list[tuple[Any, ...]],
        effective: list[Op],
        progress: Callable[[str, int, int], None] | None,
        total: int,
    ) -> None:
        """Apply ops one at a time; ``first`` is the index of the first in the batch."""
        for index, op in enumerate(ops, start=first):
            if progress is not None and not index % 20_000:
                progress("apply", index, total)
            try:
                outcome = self._apply_one(op, summary, undo)
            except RefusedWriteError as exc:
                exc.context.setdefault("op_index", index)
                raise
            summary.outcomes.append(outcome)
            if outcome != "unchanged":
                effective.append(op)

    def _sweep(self, summary: WriteSummary, undo: list[Any]) -> None:
        """Remove the nodes this batch left with nothing that ever held: a person, or an ended node, whose
        every link period was dropped as never held (made and ended on one day). A same-day correction
        then leaves no trace in the graph; the change log keeps what was removed."""
        nodes, succ, pred = self.graph._node, self.graph._succ, self.graph._pred
        for node_id in sorted(self._dropped):
            attrs = nodes.get(node_id)
            if attrs is None or succ[node_id] or pred[node_id]:
                continue
            if attrs["kind"] == NodeKind.PERSON.value or "ended" in attrs:
                del nodes[node_id], succ[node_id], pred[node_id]
                undo.append(("node", node_id, attrs))
                if "ended" not in attrs:
                    summary.nodes[attrs["kind"], "ended"] += 1
        self._dropped = set()

    def rollback(self, undo: list[tuple[Any, ...]]) -> None:
        """Put back everything an undo log recorded, newest first."""
        node, succ, pred = self.graph._node, self.graph._succ, self.graph._pred
        for entry in reversed(undo):
            if entry[0] == "edge":
                _, u, v, old = entry
                if old is None:
                    del succ[u][v]
                    del pred[v][u]
                else:
                    succ[u][v] = pred[v][u] = old
            else:
                _, n, old = entry
                if old is None:
                    del node[n], succ[n], pred[n]
                else:  # changed, or removed by a restore (it had no links then)
                    node[n] = old
                    succ.setdefault(n, {})
                    pred.setdefault(n, {})

    def _apply_one(self, op: Op, summary: WriteSummary, undo: list[tuple[Any, ...]]) -> Outcome:
        verb = op[0]
        if verb == "link":
            return self._link(op[1], op[2], op[3], op[4], op[5], len(op) > 6 and bool(op[6]), summary, undo)
        if verb == "put":
            return self._put(op[1], op[2], summary, undo)
        if verb == "unlink":
            return self._unlink(op[1], op[2], op[3], op[4], summary, undo)
        if verb == "end":
            return self._end_node(op[1], op[2], summary, undo)
        if verb == "restore_node":
            return self._restore_node(op[1], op[2], summary, undo)
        if verb == "restore_link":
            return self._restore_link(op[1], op[2], op[3], op[4], summary, undo)
        raise SchemaViolationError(f"unknown operation {verb!r}", message_zh=f"未知操作 {verb!r}")

    def _put(self, node_id: str, attrs: dict[str, Any], summary: WriteSummary, undo: list[Any]) -> Outcome:
        kind = str(attrs.get("kind"))
        node_kind = _NODE_KINDS.get(kind)
        if node_kind is None or not node_id.startswith(PREFIX[node_kind] + ":") or len(node_id) <= len(PREFIX[node_kind]) + 1:
            raise SchemaViolationError(
                f"node {node_id!r} of kind {kind!r}: the id must be '{PREFIX.get(node_kind, '?')}:<code>'"  # type: ignore[arg-type]
                " for a known kind",
                message_zh=f"节点 {node_id} 的编号或类别无效",
                node=node_id,
            )
        nodes = self.graph._node
        old = nodes.get(node_id)
        if old is None:
            nodes[node_id] = attrs
            self.graph._succ[node_id] = {}
            self.graph._pred[node_id] = {}
            undo.append(("node", node_id, None))
            summary.nodes[kind, "created"] += 1
            return "created"
        if old["kind"] != kind:
            raise SchemaViolationError(
                f"node {node_id!r} is a {old['kind']}, it cannot become a {kind}",
                message_zh=f"节点 {node_id} 是{NodeKind(old['kind']).zh}，不能改为{node_kind.zh}",
                node=node_id,
            )
        if old == attrs:
            summary.nodes[kind, "unchanged"] += 1
            return "unchanged"
        nodes[node_id] = attrs
        undo.append(("node", node_id, old))
        summary.nodes[kind, "updated"] += 1
        return "updated"

    def _live(self, node_id: str, role: str, kind: str) -> NodeKind:
        attrs = self.graph._node.get(node_id)
        if attrs is None or "ended" in attrs:
            state = "does not exist" if attrs is None else f"ended on {attrs['ended']}"
            raise DanglingReferenceError(
                f"{kind} link: the {role} {node_id!r} {state}",
                message_zh=f"{LinkKind(kind).zh}关系引用的节点 {node_id} 不存在或已终止",
                node=node_id,
                link=kind,
            )
        return _NODE_KINDS[attrs["kind"]]

    def _rule(self, kind: str, source: str, target: str) -> LinkRule:
        rule = _RULES.get(kind)
        if rule is None:
            raise SchemaViolationError(f"unknown link kind {kind!r}", message_zh=f"未知关系类型 {kind}", link=kind)
        source_kind = self._live(source, "source", kind)
        target_kind = self._live(target, "target", kind)
        if not rule.allows(source_kind, target_kind):
            raise SchemaViolationError(
                f"a {kind} link cannot join {source_kind} {source!r} to {target_kind} {target!r}: {describe(rule.kind)}",
                message_zh=f"{rule.kind.zh}关系不能从{source_kind.zh}连接到{target_kind.zh}",
                link=kind,
                source=source,
                target=target,
            )
        return rule

    def _set_edge(self, u: str, v: str, data: EdgeData, old: EdgeData | None, undo: list[Any]) -> None:
        """Put the data of edge ``u → v``; an edge left with no link kind is removed."""
        if data:
            shared = self.intern(data)
            self.graph._succ[u][v] = shared
            self.graph._pred[v][u] = shared
        elif old is not None:
            del self.graph._succ[u][v], self.graph._pred[v][u]
        else:
            return
        undo.append(("edge", u, v, old))

    def _set_periods(self, u: str, v: str, kind: str, periods: tuple[Any, ...], old: EdgeData | None, undo: list[Any]) -> None:
        """Put the periods of one link kind on ``u → v`` (none: the kind is dropped from the edge)."""
        data = {k: p for k, p in (old or {}).items() if k != kind}
        if periods:
            data[kind] = periods
        self._set_edge(u, v, data, old, undo)

    def _link(
        self,
        kind: str,
        source: str,
        target: str,
        start: str,
        attrs: tuple[Any, ...] | None,
        stated: bool,
        summary: WriteSummary,
        undo: list[Any],
    ) -> Outcome:
        """Start a link, or keep the open one (attributes replaced; with ``stated``, its start corrected).

        A link that comes back on the very day its last period ended, with the same attributes, goes on
        in that period: ending and restoring it the same day leaves the one open period it had.
        """
        rule = self._rule(kind, source, target)
        if not isinstance(start, str) or not _ISO.fullmatch(start):
            raise PeriodError(
                f"{kind} link {source!r} → {target!r}: start {start!r} is not a date YYYY-MM-DD",
                message_zh=f"{rule.kind.zh}关系的开始日期 {start!r} 无效",
                link=kind,
            )
        old = self.graph._succ[source].get(target)
        periods = old.get(kind) if old is not None else None
        attrs = attrs or None  # no attributes: None (older journals may hold an empty tuple)
        if periods:
            last = periods[-1]
            if last[1] is None:
                begins = start if stated else last[0]
                if len(periods) > 1 and begins < periods[-2][1]:
                    begins = periods[-2][1]  # a period starts on its stated date, but not before the last one ended
                if (last[2] or None) == attrs and begins == last[0]:
                    summary.links[kind, "unchanged"] += 1
                    return "unchanged"
                earlier, opened = periods[:-1], (begins, None, attrs)
                if earlier and begins == earlier[-1][1] and (earlier[-1][2] or None) == attrs:
                    earlier, opened = earlier[:-1], (earlier[-1][0], None, attrs)  # it goes on in the period before
                self._set_periods(source, target, kind, (*earlier, opened), old, undo)
                summary.links[kind, "updated"] += 1
                return "updated"
            if start < last[1]:
                raise PeriodError(
                    f"{kind} link {source!r} → {target!r}: a new period cannot start on {start}, "
                    f"before the last one ended ({last[1]})",
                    message_zh=f"{rule.kind.zh}关系新的开始日期 {start} 早于上次结束日期 {last[1]}",
                    link=kind,
                )
            self._check_shape(rule, source, target)
            if start == last[1] and (last[2] or None) == attrs:
                new_periods = (*periods[:-1], (last[0], None, attrs))
            else:
                new_periods = (*periods, (start, None, attrs))
            self._set_periods(source, target, kind, new_periods, old, undo)
            summary.links[kind, "created"] += 1
            return "created"
        self._check_shape(rule, source, target)
        if old is None:  # the common case of a first import: the pair's first link
            shared = self.intern({kind: ((start, None, attrs),)})
            self.graph._succ[source][target] = self.graph._pred[target][source] = shared
            undo.append(("edge", source, target, None))
        else:
            self._set_periods(source, target, kind, ((start, None, attrs),), old, undo)
        summary.links[kind, "created"] += 1
        return "created"

    def _check_shape(self, rule: LinkRule, source: str, target: str) -> None:
        kind = rule.kind._value_  # _value_: the hot path (an enum's value property costs a call)
        if rule.tree and source == target:
            raise TreeCycleError(
                f"{source!r} cannot be {kind} itself: a node cannot be its own parent",
                message_zh=f"{source} 不能以自身为上级（{rule.kind.zh}）",
                link=kind,
                source=source,
                target=target,
            )
        if rule.single_target:
            other = self.open_target(source, kind)
            if other is not None and other != target:
                error = SecondParentError if rule.tree else SingleLinkError
                raise error(
                    f"{source!r} already has an open {kind} link to {other!r}; end it before linking to {target!r}",
                    message_zh=f"{source} 已有{rule.kind.zh}关系（{other}），须先终止才能改为 {target}",
                    link=kind,
                    source=source,
                    target=target,
                    existing=other,
                )
        if rule.single_source:
            for other, data in self.graph._pred[target].items():
                periods = data.get(kind)
                if other != source and periods is not None and periods[-1][1] is None:
                    raise SingleLinkError(
                        f"{target!r} already has an open {kind} link from {other!r}; end it before linking {source!r}",
                        message_zh=f"{target} 已有{rule.kind.zh}关系（{other}），须先终止",
                        link=kind,
                        source=source,
                        target=target,
                        existing=other,
                    )
        if rule.tree and self.has_open_in(source, kind):
            # Only a node with children can close a cycle: climb from the new parent.
            seen = target
            while seen is not None:
                if seen == source:
                    raise TreeCycleError(
                        f"linking {source!r} {kind} {target!r} would close a cycle: {target!r} is below {source!r}",
                        message_zh=f"{source} 隶属于 {target} 会形成循环：{target} 已在 {source} 之下",
                        link=kind,
                        source=source,
                        target=target,
                    )
                seen = self.open_target(seen, kind)  # type: ignore[assignment]

    def _unlink(self, kind: str, source: str, target: str, end: str, summary: WriteSummary, undo: list[Any]) -> Outcome:
        if not isinstance(end, str) or not _ISO.fullmatch(end):
            raise PeriodError(f"{kind} link: end {end!r} is not a date YYYY-MM-DD", message_zh=f"结束日期 {end!r} 无效")
        old = self.graph._succ.get(source, {}).get(target)
        periods = old.get(kind) if old is not None else None
        if periods and periods[-1][1] == end:
            summary.links[kind, "unchanged"] += 1  # already ended on that day
            return "unchanged"
        if not periods or periods[-1][1] is not None:
            raise PeriodError(
                f"there is no open {kind} link {source!r} → {target!r} to end",
                message_zh=f"{source} 与 {target} 之间没有可终止的关系",
                link=kind,
                source=source,
                target=target,
            )
        assert old is not None
        ended = _ended_periods(kind, source, target, periods, end)
        if len(ended) < len(periods):
            self._dropped.update((source, target))
        self._set_periods(source, target, kind, ended, old, undo)
        summary.links[kind, "ended"] += 1
        return "ended"

    def _end_node(self, node_id: str, end: str, summary: WriteSummary, undo: list[Any]) -> Outcome:
        attrs = self.graph._node.get(node_id)
        if attrs is None:
            raise DanglingReferenceError(f"node {node_id!r} does not exist", message_zh=f"节点 {node_id} 不存在")
        if not isinstance(end, str) or not _ISO.fullmatch(end):
            raise PeriodError(f"end {end!r} is not a date YYYY-MM-DD", message_zh=f"结束日期 {end!r} 无效")
        if "ended" in attrs:
            summary.nodes[attrs["kind"], "unchanged"] += 1
            return "unchanged"
        for u, v, data in [
            *((node_id, v, d) for v, d in self.graph._succ[node_id].items()),
            *((u, node_id, d) for u, d in self.graph._pred[node_id].items()),
        ]:
            current = self.graph._succ[u][v]
            new = dict(current)
            for kind, periods in data.items():
                if periods[-1][1] is None:
                    ended = _ended_periods(kind, u, v, periods, max(end, periods[-1][0]))
                    if len(ended) < len(periods):
                        self._dropped.update((u, v))
                    if ended:
                        new[kind] = ended
                    else:
                        del new[kind]
                    summary.links[kind, "ended"] += 1
            if new != current:
                self._set_edge(u, v, new, current, undo)
        self.graph._node[node_id] = {**attrs, "ended": end}
        undo.append(("node", node_id, attrs))
        summary.nodes[attrs["kind"], "ended"] += 1
        return "ended"

    # -- restoring (undo) ------------------------------------------------------------------------

    def _restore_node(self, node_id: str, attrs: dict[str, Any] | None, summary: WriteSummary, undo: list[Any]) -> Outcome:
        """Set a node to a state it had (``None``: it did not exist, so it goes, once it has no link left)."""
        nodes = self.graph._node
        old = nodes.get(node_id)
        if old == attrs:
            summary.nodes[(attrs or {}).get("kind", "?"), "unchanged"] += 1
            return "unchanged"
        if attrs is None:
            assert old is not None
            if self.graph._succ[node_id] or self.graph._pred[node_id]:
                raise DanglingReferenceError(
                    f"node {node_id!r} cannot go: links of it are still there",
                    message_zh=f"节点 {node_id} 仍有关系，不能移除",
                    node=node_id,
                )
            del nodes[node_id], self.graph._succ[node_id], self.graph._pred[node_id]
            undo.append(("node", node_id, old))
            summary.nodes[old["kind"], "ended"] += 1
            return "ended"
        nodes[node_id] = attrs
        if old is None:
            self.graph._succ[node_id] = {}
            self.graph._pred[node_id] = {}
        undo.append(("node", node_id, old))
        outcome: Outcome = "created" if old is None else "updated"
        summary.nodes[attrs["kind"], outcome] += 1
        return outcome

    def _restore_link(
        self, kind: str, source: str, target: str, periods: tuple[Any, ...], summary: WriteSummary, undo: list[Any]
    ) -> Outcome:
        """Set the periods of one link to a state they had; a link it opens again is checked like a new one."""
        succ = self.graph._succ
        for end in (source, target):
            if periods and end not in self.graph._node:
                raise DanglingReferenceError(
                    f"{kind} link: the node {end!r} does not exist", message_zh=f"节点 {end} 不存在", node=end, link=kind
                )
        old = succ.get(source, {}).get(target)
        current = tuple((old or {}).get(kind, ()))
        periods = tuple(periods)
        if current == periods:
            summary.links[kind, "unchanged"] += 1
            return "unchanged"
        if periods and periods[-1][1] is None and not (current and current[-1][1] is None):
            self._check_shape(self._rule(kind, source, target), source, target)
        self._set_periods(source, target, kind, periods, old, undo)
        outcome: Outcome = "created" if not current else "ended" if not periods else "updated"
        summary.links[kind, outcome] += 1
        return outcome


def _ended_periods(kind: str, source: str, target: str, periods: tuple[Any, ...], end: str) -> tuple[Any, ...]:
    """``periods`` with the open last one ended on ``end``; ended on the day it started, it never
    held, so it goes (the change log keeps it)."""
    start = periods[-1][0]
    if end < start:
        raise PeriodError(
            f"{kind} link {source!r} → {target!r} cannot end on {end}, before it started ({start})",
            message_zh=f"结束日期 {end} 早于开始日期 {start}",
            link=kind,
            source=source,
            target=target,
        )
    if end == start:
        return tuple(periods[:-1])
    return (*periods[:-1], (start, end, periods[-1][2]))
