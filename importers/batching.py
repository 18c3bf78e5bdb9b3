"""From a plan to the store's batch (批量写入), and from the store's per-op outcomes back to rows.

The batch is the plan's nodes (with their valid time), then what the import ends, then the plan's
links, each op with the row (or the ending) behind it, so that a row the store refuses can be named
and each row counted as created, updated or unchanged. Both are built a column at a time: an import
of a district has a million ops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import compress, repeat
from operator import attrgetter, is_, itemgetter, ne, not_
from typing import Any

from importers.ends import Ending, Ends
from importers.plan import Plan, Source
from importers.report import ImportReport
from orggraph.model.kinds import LinkKind
from orggraph.store import Batch
from orggraph.store.batch import Op, freeze_attrs
from orggraph.store.changes import Changes


def build_batch(plan: Plan, ends: Ends) -> tuple[Batch, list[Source | Ending]]:
    """One batch: nodes, then ends, then links; with the row (or ending) behind every op."""
    day = plan.day
    store = plan.store
    ops: list[Op] = []
    sources: list[Source | Ending] = []
    node_ids = list(plan.nodes)
    entries = list(plan.nodes.values())
    held = store.present(Changes(nodes=dict.fromkeys(node_ids))).nodes  # each node's stored attributes, or None
    ops.extend(
        ("put", node, with_gaps(attrs, before, day) if before is not None else {**attrs, "since": day})
        for node, (attrs, _), before in zip(node_ids, entries, map(held.__getitem__, node_ids), strict=True)
    )
    sources.extend(map(itemgetter(1), entries))
    for node, kind in ends.nodes:
        ops.append(("end", node, day))
        sources.append(Ending(kind))
    for (kind_value, src, dst), kind in ends.links:
        start = next(
            (lk.start for lk in store.links(src, as_of=day) if lk.kind.value == kind_value and lk.target == dst),
            day,
        )
        ops.append(("unlink", LinkKind(kind_value).value, src, dst, max(day, start)))
        sources.append(Ending(kind))
    keys = list(plan.links)
    planned = list(plan.links.values())
    restarts = list(map(plan.restarts.get, keys)) if plan.restarts else [None] * len(keys)
    ops.extend(
        (
            ("link", k, s, t, start, None)
            if attrs is None and not stated and restart is None
            else _link_op(k, s, t, start if restart is None else restart, attrs, stated and restart is None)
        )
        for (k, s, t), start, attrs, stated, restart in zip(
            keys,
            map(attrgetter("start"), planned),
            map(attrgetter("attrs"), planned),
            map(attrgetter("stated"), planned),
            restarts,
            strict=True,
        )
    )
    sources.extend(map(attrgetter("source"), planned))
    return Batch(f"import:{day}", ops), sources


def _link_op(kind: str, source: str, target: str, start: str, attrs: dict[str, Any] | None, stated: bool) -> Op:
    op = ("link", kind, source, target, start, freeze_attrs(attrs))
    return (*op, True) if stated else op


def with_gaps(attrs: dict[str, Any], stored: dict[str, Any] | None, day: str) -> dict[str, Any]:
    """A node's attributes with its valid time: the day it was first listed (``since``: a new node
    begins on the import day), the gaps it was away (``absent``), and a new gap when it comes back on a
    later day than it ended (so it reads as ended in between; back the same day, it never left)."""
    if stored is None:
        return {**attrs, "since": day}
    if "since" in stored:
        attrs = {**attrs, "since": stored["since"]}
    absent = list(stored.get("absent", ()))
    ended = stored.get("ended")
    if ended is not None and ended < day:
        absent.append(f"{ended}|{day}")
    return {**attrs, "absent": absent} if absent else attrs


def count_rows(report: ImportReport, outcomes: Sequence[str], sources: Sequence[Source | Ending]) -> None:
    """Per-row outcomes from per-op outcomes — created (the row's first op made something), updated
    (another op changed something) or unchanged — and what was ended, per roster kind."""
    ending = list(map(is_, map(type, sources), repeat(Ending)))
    for source, outcome in zip(compress(sources, ending), compress(outcomes, ending), strict=True):
        if outcome == "ended":
            report.count(source.kind, "ended")
    rows: list[Any] = list(compress(sources, map(not_, ending)))
    row_outcomes = list(compress(outcomes, map(not_, ending)))
    # by the identity of the Source (one object per row): a dataclass's hash is costly, millions of times
    ids = list(map(id, rows))
    first = dict(zip(reversed(ids), reversed(row_outcomes), strict=True))
    changed = set(compress(ids, map(ne, row_outcomes, repeat("unchanged"))))
    row_of = dict(zip(ids, rows, strict=True))
    counted: Counter[tuple[Any, str]] = Counter(
        (row_of[i].kind, "created" if first[i] == "created" else "updated" if i in changed else "unchanged")
        for i in dict.fromkeys(ids)
    )
    for (kind, outcome), n in counted.items():
        report.count(kind, outcome, n)
