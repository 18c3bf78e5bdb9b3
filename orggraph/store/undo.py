"""Undo (撤销): the batch that puts back what one write replaced, if nothing written since stands on it.

A write's entry in the change log (:mod:`orggraph.store.changes`) holds the state of every node and
link it changed, as they were before. Undoing it sets each of them back — through the same port and
the same rules as any write, so both engines undo alike and the undo is itself a write, with its own
revision and change-log entry (undoing *that* redoes the write).

An undo is refused when a later write changed what it would put back: a node or link the write
changed whose state is no longer the one the write left, or a link made later to a node whose
existence the undo would change (a contact made with a household the write created). The refusal
names the latest writes responsible, so that they can be undone first. A later write that was itself
undone leaves its keys as they were, and does not stand in the way.

>>> from orggraph.model import Street
>>> from orggraph.pii import PiiKey
>>> from orggraph.store.memory import MemoryStore
>>> store = MemoryStore(PiiKey(b"k" * 32))
>>> b = Batch(); b.put(Street(code="S1", name="新华街道"))
>>> revision = store.write(b).revision
>>> store.write(undo_batch(store, revision)).changed, store.node("area:S1")
(1, None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orggraph.errors import UndoConflictError, UndoError
from orggraph.store.batch import Batch
from orggraph.store.changes import Changes, LinkKey, WriteRecord, restore_ops
from orggraph.store.port import GraphStore


def _live(attrs: dict[str, Any] | None) -> bool:
    return attrs is not None and "ended" not in attrs


def undo_batch(store: GraphStore, revision: int, *, describe: Callable[[int], str] = lambda r: f"revision {r}") -> Batch:
    """The batch that undoes the write of ``revision``; :class:`UndoConflictError` when later writes
    changed the same nodes or links (``describe`` names a revision in the message)."""
    records = list(store.write_log(after=revision - 1))
    if not records or records[0].revision != revision:
        raise UndoError(
            f"{describe(revision)} has no entry in the change log: it changed nothing, or it was written "
            "before this store kept one",
            message_zh=f"{describe(revision)} 没有变更日志记录：它没有改变任何数据，或写入时存储尚未记录变更",
            revision=revision,
        )
    target, later = records[0], records[1:]
    blockers = _blockers(store, target, later)
    if blockers:
        names = ", ".join(describe(r) for r in sorted(blockers, reverse=True))
        count = sum(blockers.values())
        raise UndoConflictError(
            f"{describe(revision)} cannot be undone: {count} of the nodes and links it changed were changed again "
            f"since by {names}; undo those first (newest first)",
            message_zh=f"{describe(revision)} 无法撤销：其改动的节点和关系中有 {count} 处此后又被 {names} 修改；"
            "请先从最新的开始撤销这些导入",
            revision=revision,
            later=sorted(blockers),
        )
    batch = Batch(f"undo:{target.label}")
    batch.ops.extend(restore_ops(target.backward, lambda node: store.node(node) is not None))
    return batch


def _blockers(store: GraphStore, target: WriteRecord, later: list[WriteRecord]) -> dict[int, int]:
    """The later revisions that left a node or link of ``target`` in another state than ``target`` did,
    with how many such nodes and links each."""
    # the state of each node and link right after the target write, where a later write recorded it,
    # and the latest write that touched it
    node_after: dict[str, dict[str, Any] | None] = {}
    node_latest: dict[str, int] = {}
    for record in later:
        for node_id, attrs in record.backward.nodes.items():
            if node_id in target.backward.nodes:
                node_after.setdefault(node_id, attrs)
                node_latest[node_id] = record.revision
    now = store.present(Changes(nodes=dict(target.backward.nodes)))
    # the nodes whose existence the undo would change: links made to them later stand in the way
    shifting = {
        node_id
        for node_id, before in target.backward.nodes.items()
        if _live(before) != _live(node_after.get(node_id, now.nodes[node_id]))
    }
    link_after: dict[LinkKey, Any] = {}
    link_latest: dict[LinkKey, int] = {}
    for record in later:
        for link, periods in record.backward.links.items():
            if link in target.backward.links or link[0] in shifting or link[1] in shifting:
                link_after.setdefault(link, periods)
                link_latest[link] = record.revision
    links_now = store.present(Changes(links=dict.fromkeys(link_after, ())))
    blockers: dict[int, int] = {}
    for node_id, attrs in node_after.items():
        if attrs != now.nodes[node_id]:
            blockers[node_latest[node_id]] = blockers.get(node_latest[node_id], 0) + 1
    for link, periods in link_after.items():
        if periods != links_now.links[link]:
            blockers[link_latest[link]] = blockers.get(link_latest[link], 0) + 1
    return blockers
