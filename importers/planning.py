"""Planning an import (规划): every row's nodes, then every row's links, into one :class:`~importers.plan.Plan`.

The sheets are planned in :data:`~importers.rosters.IMPORT_ORDER`: first the *define* step of every
row (the nodes a row describes), then the *connect* step of every row kept (its links, whose ends must
exist in the store or in the plan). A sheet validated into a :class:`~importers.table.Table` whose kind
has a columnar planner (:mod:`importers.columnar`) is planned as whole columns; any other sheet, and a
table its planner does not take, row by row with the handlers of :mod:`importers.handlers`. A row a
step rejects is reported with its column; a row rejected at the connect step takes back the nodes it
alone defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from importers.columnar import COLUMNAR, defined
from importers.handlers import HANDLERS, Context
from importers.plan import RowOps, RowProblem, Source
from importers.report import ImportReport
from importers.rosters import RosterKind
from importers.rows import Row
from importers.table import Table
from orggraph.errors import InvalidValueError


@dataclass
class ParsedSheet:
    """One sheet of one roster kind, validated: its rows as models, or as a table of columns."""

    kind: RosterKind
    file: str
    sheet: str | None
    rows: list[tuple[Source, Row]] = field(default_factory=list)
    table: Table | None = None

    def __len__(self) -> int:
        return len(self.table) if self.table is not None else len(self.rows)

    def sources(self) -> list[Source]:
        """The row behind each position of the table."""
        assert self.table is not None
        return [Source(self.file, self.sheet, number, self.kind) for number in self.table.numbers]

    def models(self, sources: list[Source] | None = None) -> Iterator[tuple[Source, Row]]:
        if self.table is None:
            yield from self.rows
            return
        rows = self.table.rows()
        for source, (_, row) in zip(sources or self.sources(), rows, strict=True):
            yield source, row


Progress = Callable[[str, int, int], None]


@dataclass
class _Columnar:
    sources: list[Source]
    found: dict[str, Any]


def plan_sheets(
    ctx: Context,
    sheets: list[ParsedSheet],
    report: ImportReport,
    headers: dict[Any, dict[str, str]],
    progress: Progress | None = None,
) -> set[Source]:
    """Plan every sheet (define, then connect); the rows planned row by row and kept."""
    steps = 2 * sum(len(sheet) for sheet in sheets)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and (n > 1 or not done % 5000):
            progress("规划 plan", done, steps)

    columnar: dict[int, _Columnar] = {}
    accepted: dict[int, list[tuple[Source, Row, RowOps]]] = {}
    for index, sheet in enumerate(sheets):
        if sheet.table is not None and sheet.kind in COLUMNAR:
            taken = _Columnar(sheet.sources(), {})
            if COLUMNAR[sheet.kind][0](ctx, sheet.table, taken.sources, taken.found):
                columnar[index] = taken
                tick(len(sheet))
                continue
        rows = accepted[index] = []
        for source, row in sheet.models():
            tick()
            ops = RowOps(source)
            try:
                HANDLERS[source.kind][0](ctx, row, ops)
            except (RowProblem, InvalidValueError) as exc:
                report.reject(source, exc, headers)
                continue
            ops.commit(ctx.plan)
            rows.append((source, row, ops))
    kept: set[Source] = set()
    dropped: list[RowOps] = []
    for index, sheet in enumerate(sheets):
        found = columnar.get(index)
        if found is not None:
            taken = found
            assert sheet.table is not None
            if COLUMNAR[sheet.kind][1](ctx, sheet.table, taken.sources, taken.found):
                tick(len(sheet))
                continue
            rows = [
                (source, row, defined(sheet.kind, taken.found, position, source))
                for position, (source, row) in enumerate(sheet.models(taken.sources))
            ]
        else:
            rows = accepted[index]
        for source, row, defined_ops in rows:
            tick()
            ops = RowOps(source)
            try:
                HANDLERS[source.kind][1](ctx, row, ops)
            except (RowProblem, InvalidValueError) as exc:
                report.reject(source, exc, headers)
                dropped.append(defined_ops)
                continue
            ops.commit(ctx.plan)
            kept.add(source)
    if dropped:  # a rejected row's own nodes go too, unless a kept row links to them
        used = {end for _, src, dst in ctx.plan.links for end in (src, dst)}
        for defined_ops in dropped:
            for node, _ in defined_ops.nodes:
                if node not in used and ctx.plan.nodes.get(node, (None, None))[1] == defined_ops.source:
                    del ctx.plan.nodes[node]
    return kept
