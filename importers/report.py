"""The import report (导入报告): counts per roster kind, every change in the graph, every rejected row.

Three parts: the rows of each roster by outcome (created, updated, unchanged, ended, rejected); the
changes the import made — or, in a dry run, would make — in the graph by node and link kind and
outcome, cascades included (a household ended ends its links too), whose totals are what ``orggraph
history`` records; and one line per rejected row. With a change sheet (:mod:`importers.change_words`),
one line per changed node or link, before → after. Printed as tables; saved as .xlsx (sheets 被拒绝的行,
提示 (warnings: rows imported with a remark), 导入结果, 图中变化, 变更明细) or .csv (UTF-8 with BOM, so
Excel opens it; the warnings and the change sheet beside it as ``<name>-提示.csv`` and
``<name>-变更明细.csv``) with ``--report``. The cells — file names, rejected values, names in the change
sheet — are the uploaded text, so they are written safe (:mod:`orggraph.cells`): in CSV a text
beginning with ``= + - @``, tab or CR gets a leading ``'``; in the workbook text is a string cell,
never a formula.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from importers.change_words import COLUMNS as CHANGE_COLUMNS
from importers.change_words import ChangeLine
from importers.plan import Source
from importers.rosters import RosterKind
from importers.rows import Rejection, shown
from orggraph.cells import WORKBOOK_OPTIONS, safe_row, write_cells
from orggraph.errors import OrgGraphError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import WriteSummary

OUTCOMES = ("created", "updated", "unchanged", "ended", "rejected")
_OUTCOMES_ZH = {"created": "新增", "updated": "更新", "unchanged": "未变", "ended": "终止", "rejected": "拒绝"}
REJECTION_COLUMNS = (
    ("file", "文件"),
    ("sheet", "工作表"),
    ("row", "行号"),
    ("column", "列"),
    ("value", "值"),
    ("reason", "原因 (English)"),
    ("reason_zh", "原因"),
)


@dataclass
class FileReport:
    """One file read: its content hash, encoding, and the sheets recognised with their kinds and rows."""

    file: str
    sha256: str
    encoding: str | None = None
    sheets: list[tuple[str | None, str, int]] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did, or would do (dry run), or refused (atomic with rejections)."""

    files: list[FileReport] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    atomic: bool = True
    written: bool = False
    date: str = ""
    #: Roster kinds with rejected rows: treated as partial, nothing missing from them was ended.
    incomplete: list[str] = field(default_factory=list)
    #: Set when the quick check found the same files already imported into an unchanged store.
    quick: str | None = None
    #: Rows and files left out on purpose (footer rows, lock files …), each with where and why.
    notes: list[Rejection] = field(default_factory=list)
    #: Rows kept with a remark (an org outside the district recorded, a roster disagreeing with the
    #: members roster on membership): where, what, why — nothing is rejected for them.
    warnings: list[Rejection] = field(default_factory=list)
    #: Roster kinds whose ends were refused as too many (the import guard): nothing was written.
    mass_end: list[str] = field(default_factory=list)
    #: Links put back because the node they hang on, ended today by an earlier import, came back today.
    revived: int = 0
    #: What the write did (or a dry run would do), with the states it set and replaced.
    summary: WriteSummary | None = field(default=None, repr=False)
    #: The change sheet: one line per changed node or link (as many as were asked for) …
    change_lines: list[ChangeLine] = field(default_factory=list)
    #: … of how many in all.
    change_lines_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejections

    def count(self, kind: RosterKind, outcome: str, n: int = 1) -> None:
        counts = self.counts.get(kind.value)
        if counts is None:
            counts = self.counts[kind.value] = Counter()
        counts[outcome] += n

    def reject(self, source: Source, exc: OrgGraphError, headers: dict[Any, dict[str, str]]) -> None:
        """Reject the row at ``source`` for ``exc``, naming its column by the file's own header."""
        column = exc.context.get("column")
        header = headers.get((source.file, source.sheet), {}).get(column, column) if column else None
        value = str(exc.context.get("value") or "")
        self.rejections.append(
            Rejection(source.file, source.sheet, source.row, header, shown(column or "", value), exc.message, exc.message_zh)
        )
        self.count(source.kind, "rejected")

    def warn(self, found: list[tuple[Source, str | None, str, str, str]], headers: dict[Any, dict[str, str]]) -> None:
        """Add the warnings of kept rows, each column named by the file's own header."""
        for source, column, value, reason, reason_zh in found:
            header = headers.get((source.file, source.sheet), {}).get(column, column) if column else None
            self.warnings.append(
                Rejection(source.file, source.sheet, source.row, header, shown(column or "", value), reason, reason_zh)
            )

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(self.total(o) for o in ("created", "updated", "ended"))

    def graph_total(self, outcome: str) -> int:
        """Nodes and links of the graph with ``outcome`` (cascades included), as history records them."""
        return sum(c.get(outcome, 0) for part in self.changes.values() for c in part.values())

    def verdict(self) -> tuple[str, str]:
        """One sentence on what happened, in English and Chinese."""
        if self.mass_end:
            return (
                "refused: a full roster would end too much of its scope (see the rejected rows); nothing was written",
                "已拒绝：完整名册将终止其范围内过多数据（见被拒绝的行）；未写入任何数据",
            )
        if self.dry_run:
            return "dry run: nothing was written", "试运行：未写入任何数据"
        if self.rejections and self.atomic:
            return (
                f"{len(self.rejections)} rejected row(s): nothing was written (atomic import; fix them, or use --best-effort)",
                f"有 {len(self.rejections)} 行被拒绝：未写入任何数据（整体导入；请修正，或使用 --best-effort）",
            )
        if not self.changed:
            why = f" ({self.quick})" if self.quick else ""
            return f"no changes: the store already holds these rosters{why}", f"无变化：图存储已与名册一致{why}"
        return f"written: {self.changed} change(s)", f"已写入：{self.changed} 处变化"

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "dry_run": self.dry_run,
            "atomic": self.atomic,
            "written": self.written,
            "verdict": self.verdict()[0],
            "verdict_zh": self.verdict()[1],
            "files": [f.__dict__ for f in self.files],
            "counts": {kind: {o: c[o] for o in OUTCOMES} for kind, c in self.counts.items()},
            "rejections": [r.__dict__ for r in self.rejections],
            "incomplete": self.incomplete,
            "changes": self.changes,
            "notes": [r.__dict__ for r in self.notes],
            "warnings": [r.__dict__ for r in self.warnings],
            "mass_end": self.mass_end,
            "revived": self.revived,
            "change_lines": [dict(zip([c for c, _ in CHANGE_COLUMNS], line.cells(), strict=True)) for line in self.change_lines],
        }

    # -- output ----------------------------------------------------------------------------------

    def roster_rows(self) -> list[tuple[str, list[int]]]:
        """Every roster read — with rejections or without — and its counts per outcome."""
        kinds = {kind for info in self.files for _, kind, _ in info.sheets} | set(self.counts)
        rows = []
        for kind in RosterKind:
            if kind.value in kinds:
                c = self.counts.get(kind.value, Counter())
                read = sum(n for info in self.files for _, k, n in info.sheets if k == kind.value)
                rows.append((f"{kind.zh} {kind.value}", [read, *(c[o] for o in OUTCOMES)]))
        return rows

    def graph_rows(self) -> list[tuple[str, list[int]]]:
        """The changes in the graph per node and link kind (cascades included)."""
        rows = []
        for part, names in (("nodes", NodeKind), ("links", LinkKind)):
            for kind, c in sorted(self.changes.get(part, {}).items()):
                if any(c.get(o, 0) for o in OUTCOMES[:4] if o != "unchanged"):
                    zh = names(kind).zh if kind in names._value2member_map_ else kind
                    rows.append((f"{zh} {kind}", [c.get(o, 0) for o in ("created", "updated", "ended")]))
        return rows

    def tables(self) -> list[Table]:
        counts = Table(title="导入结果 Import", title_justify="left")
        counts.add_column("名册 roster")
        counts.add_column("行数\nrows", justify="right")
        for outcome in OUTCOMES:
            counts.add_column(f"{_OUTCOMES_ZH[outcome]}\n{outcome}", justify="right")
        for label, numbers in self.roster_rows():
            counts.add_row(label, *(f"{n:,}" for n in numbers))
        out = [counts]
        graph = self.graph_rows()
        if graph:
            title = "图中将有的变化 Changes the import would make" if self.dry_run else "图中的变化 Changes in the graph"
            changes = Table(title=title, title_justify="left")
            changes.add_column("节点或关系 node or link")
            for outcome in ("created", "updated", "ended"):
                changes.add_column(f"{_OUTCOMES_ZH[outcome]}\n{outcome}", justify="right")
            for label, numbers in graph:
                changes.add_row(label, *(f"{n:,}" for n in numbers))
            changes.add_row("合计 total", *(f"{self.graph_total(o):,}" for o in ("created", "updated", "ended")), style="bold")
            out.append(changes)
        if self.rejections:
            out.append(_rows_table("被拒绝的行 Rejected rows", self.rejections[:200]))
        if self.notes:
            out.append(_rows_table("未导入的行与文件 Rows and files left out", self.notes[:50]))
        if self.warnings:
            out.append(_rows_table("提示 Warnings (imported)", self.warnings[:100]))
        return out

    def print(self, console: Console, *, change_lines: int = 0) -> None:
        for table in self.tables():
            console.print(table)
        if len(self.warnings) > 100:
            console.print(f"… 另有 {len(self.warnings) - 100} 条提示（用 --report 保存）")
            console.print(f"… and {len(self.warnings) - 100} more warnings (save them with --report)")
        if len(self.rejections) > 200:
            more_rows = len(self.rejections) - 200
            console.print(f"… 另有 {more_rows} 行被拒绝（用 --report 保存）")
            console.print(f"… and {more_rows} more rejected rows (save them with --report)")
        self.print_change_lines(console, change_lines)
        if self.revived:
            console.print(f"当日恢复的节点带回了 {self.revived:,} 条随其终止的关系")
            console.print(f"{self.revived:,} links that ended with a node earlier today came back with it")
        if self.incomplete and not (self.atomic and self.rejections):
            names = ", ".join(self.incomplete)
            console.print(
                f"rosters with rejected rows ({escape(names)}) were treated as partial: nothing missing from them was ended"
            )
            console.print("有被拒绝行的名册按部分名册处理：未终止其中缺少的数据")
        en, zh = self.verdict()
        console.print(f"[bold]{escape(zh)}[/]\n{escape(en)}")

    def print_change_lines(self, console: Console, limit: int) -> None:
        """The first ``limit`` lines of the change sheet, and how many more there are."""
        if not limit or not self.change_lines:
            return
        sheet = Table(title="变更明细 What changed", title_justify="left")
        for name, zh in CHANGE_COLUMNS[:4]:
            sheet.add_column(zh if name != "change_en" else "change", overflow="fold")
        for line in self.change_lines[:limit]:
            sheet.add_row(*(escape(cell) for cell in line.cells()[:4]))
        console.print(sheet)
        more = self.change_lines_total - min(limit, len(self.change_lines))
        if more > 0:
            console.print(f"… 另有 {more:,} 处变化（用 --report FILE.xlsx 保存全部）")
            console.print(f"… and {more:,} more (save them all with --report FILE.xlsx)")

    def save(self, path: Path) -> None:
        """The report as .xlsx (rejected rows, counts, changes in the graph, change sheet) or .csv
        (rejected rows; the change sheet beside it)."""
        if path.suffix.lower() == ".xlsx":
            with xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS) as book:
                sheet = book.add_worksheet("被拒绝的行")
                write_cells(sheet, 0, 0, [zh for _, zh in REJECTION_COLUMNS])
                for i, r in enumerate([*self.rejections, *self.notes], start=1):
                    write_cells(sheet, i, 0, _cells(r))
                if self.warnings:
                    remarks = book.add_worksheet("提示")
                    write_cells(remarks, 0, 0, [zh for _, zh in REJECTION_COLUMNS])
                    for i, r in enumerate(self.warnings, start=1):
                        write_cells(remarks, i, 0, _cells(r))
                totals = book.add_worksheet("导入结果")
                write_cells(totals, 0, 0, ["名册", "行数", *(_OUTCOMES_ZH[o] for o in OUTCOMES)])
                for i, (label, numbers) in enumerate(self.roster_rows(), start=1):
                    write_cells(totals, i, 0, [label, *numbers])
                graph = book.add_worksheet("图中变化")
                write_cells(graph, 0, 0, ["节点或关系", *(_OUTCOMES_ZH[o] for o in ("created", "updated", "ended"))])
                for i, (label, numbers) in enumerate(self.graph_rows(), start=1):
                    write_cells(graph, i, 0, [label, *numbers])
                if self.change_lines:
                    lines = book.add_worksheet("变更明细")
                    write_cells(lines, 0, 0, [zh for _, zh in CHANGE_COLUMNS])
                    for i, line in enumerate(self.change_lines, start=1):
                        write_cells(lines, i, 0, line.cells())
                    more = self.change_lines_total - len(self.change_lines)
                    if more > 0:
                        write_cells(
                            lines, len(self.change_lines) + 1, 0, [f"… 另有 {more} 处变化未列出 / {more} more not listed"]
                        )
            return
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(safe_row(zh for _, zh in REJECTION_COLUMNS))
            writer.writerows(safe_row(_cells(r)) for r in [*self.rejections, *self.notes])
        if self.warnings:
            with path.with_name(f"{path.stem}-提示{path.suffix}").open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(safe_row(zh for _, zh in REJECTION_COLUMNS))
                writer.writerows(safe_row(_cells(r)) for r in self.warnings)
        if self.change_lines:
            beside = path.with_name(f"{path.stem}-变更明细{path.suffix}")
            with beside.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(safe_row(zh for _, zh in CHANGE_COLUMNS))
                writer.writerows(safe_row(line.cells()) for line in self.change_lines)


def _rows_table(title: str, rows: list[Rejection]) -> Table:
    """Rejected rows (or notes) as a table; reasons fold onto more lines, never cut."""
    table = Table(title=title, title_justify="left", show_lines=False)
    for name, zh in REJECTION_COLUMNS:
        wide = name in ("reason", "reason_zh")
        table.add_column(zh if name != "reason" else "reason", overflow="fold", ratio=3 if wide else None, no_wrap=False)
    for r in rows:
        table.add_row(*(escape("" if v is None else str(v)) for v in _cells(r)))
    return table


def _cells(r: Rejection) -> tuple[Any, ...]:
    return (r.file, r.sheet, r.row, r.column, r.value, r.reason, r.reason_zh)
