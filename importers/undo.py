"""Undo an import (撤销导入): ``orggraph undo [IMPORT_ID]`` and ``POST /v1/imports/{id}/undo``.

The import's entry in the store's change log holds every node and link it changed as they were before;
undoing it puts them back exactly (:mod:`orggraph.store.undo`), as one write that is recorded in the
import history like an import (status ``undo``, naming the import it undid). It is refused, saying which,
when later imports changed the same nodes or links: undo those first, newest first. Undoing an undo
does the import again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from importers.change_words import ChangeLine, change_lines
from importers.collector import paused_cycle_collection
from orggraph.errors import NotFoundError, RefusedWriteError, StaleRevisionError, UndoConflictError, UndoError
from orggraph.store import GraphStore, WriteSummary
from orggraph.store.undo import undo_batch

#: How many times an undo is planned again when another write reached the store first.
MAX_REPLANS = 5


@dataclass
class UndoReport:
    """What an undo did (or, dry, would do)."""

    undone: int
    revision: int
    dry_run: bool
    summary: WriteSummary
    change_lines: list[ChangeLine] = field(default_factory=list)
    change_lines_total: int = 0
    #: The history entry of the undo itself (``None`` for a dry run).
    entry: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "undone": self.undone,
            "revision": self.revision,
            "dry_run": self.dry_run,
            "written": not self.dry_run,
            "entry": self.entry,
            "changes": self.summary.as_dict(),
            "change_lines": [line.__dict__ for line in self.change_lines],
        }


def history(store: GraphStore) -> list[dict[str, Any]]:
    """The store's import history, newest first, each entry with ``undone_by`` where it was undone."""
    entries = store.audit_log("import", limit=1_000_000)
    undone_by = {entry["undoes"]: entry["id"] for entry in entries if entry.get("status") == "undo" and "undoes" in entry}
    for entry in entries:
        if entry["id"] in undone_by:
            entry["undone_by"] = undone_by[entry["id"]]
    return entries


def undo_import(
    store: GraphStore,
    import_id: int | None = None,
    *,
    dry_run: bool = False,
    describe_lines: int = 0,
    actor: dict[str, Any] | None = None,
) -> UndoReport:
    """Undo the import ``import_id`` of :func:`history` (default: the last import not undone)."""
    with paused_cycle_collection():
        return _undo(store, import_id, dry_run=dry_run, describe_lines=describe_lines, actor=actor)


def _undo(
    store: GraphStore,
    import_id: int | None,
    *,
    dry_run: bool,
    describe_lines: int,
    actor: dict[str, Any] | None,
) -> UndoReport:
    for _ in range(MAX_REPLANS):
        store.refresh()
        planned_on = store.revision
        entries = history(store)
        target = _target(entries, import_id)
        revision = int(target["revision"])
        names = {int(e["revision"]): f"import #{e['id']}" for e in entries if e.get("status") in ("written", "undo")}
        batch = undo_batch(store, revision, describe=functools.partial(_name, names))
        batch.label = f"undo:import#{target['id']}"
        record = {
            "status": "undo",
            "undoes": target["id"],
            "undoes_revision": revision,
            "files": [],
            "options": {},
            "rejected": 0,
            **({"by": actor} if actor else {}),
        }
        try:
            summary = store.write(
                batch,
                dry_run=dry_run,
                audit=None if dry_run else ("import", record),
                expected_revision=None if dry_run else planned_on,
            )
        except StaleRevisionError:
            continue
        except RefusedWriteError as exc:
            raise UndoConflictError(
                f"undoing import #{target['id']} would break a rule of the graph ({exc.message}): a later import "
                "changed the same area or organisation tree; undo the later imports first",
                message_zh=f"撤销导入 #{target['id']} 会违反图的规则（{exc.message_zh}）：后续导入修改了同一区域或组织树；"
                "请先撤销后续导入",
                undoes=target["id"],
            ) from exc
        entry = None if dry_run else _entry_of(store, target["id"])
        lines, total = change_lines(summary.forward, summary.backward, store.node, limit=describe_lines)
        return UndoReport(target["id"], revision, dry_run, summary, lines if describe_lines else [], total, entry)
    raise StaleRevisionError(
        f"{store.location}: other writes kept changing the store while the undo was planned; nothing was undone, try again",
        message_zh=f"{store.location}：规划撤销期间其他写入持续进行；未撤销任何数据，请重试",
    )


def _name(names: dict[int, str], revision: int) -> str:
    return names.get(revision, f"revision {revision}")


def _target(entries: list[dict[str, Any]], import_id: int | None) -> dict[str, Any]:
    if import_id is None:
        for candidate in entries:
            if candidate.get("status") == "written" and "undone_by" not in candidate and wrote_changes(candidate):
                return candidate
        raise UndoError("there is no import to undo", message_zh="没有可撤销的导入")
    entry = next((e for e in entries if e["id"] == import_id), None)
    if entry is None:
        raise NotFoundError(f"there is no import #{import_id} in the history", message_zh=f"导入记录中没有 #{import_id}")
    if "undone_by" in entry:
        raise UndoError(
            f"import #{import_id} was undone already, by #{entry['undone_by']}",
            message_zh=f"导入 #{import_id} 已被 #{entry['undone_by']} 撤销",
        )
    if entry.get("status") not in ("written", "undo") or not wrote_changes(entry):
        raise UndoError(
            f"import #{import_id} wrote nothing (status {entry.get('status')}); there is nothing to undo",
            message_zh=f"导入 #{import_id} 未写入任何数据（状态 {entry.get('status')}），无可撤销",
        )
    return entry


def wrote_changes(entry: dict[str, Any]) -> bool:
    """Whether a history entry's write changed anything (its revision is its own)."""
    changes = entry.get("changes") or {}
    return any(
        n for part in changes.values() for counts in part.values() for outcome, n in counts.items() if outcome != "unchanged"
    )


def _entry_of(store: GraphStore, import_id: int) -> int | None:
    for entry in store.audit_log("import", limit=5):
        if entry.get("status") == "undo" and entry.get("undoes") == import_id:
            return int(entry["id"])
    return None
