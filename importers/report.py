"""The import report (导入报告): counts per roster kind, and one line per rejected row.

Printed as tables; saved as .xlsx or .csv (UTF-8 with BOM, so Excel opens it) with ``--report``.
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

from importers.rosters import RosterKind
from importers.rows import Rejection

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

    @property
    def ok(self) -> bool:
        return not self.rejections

    def count(self, kind: RosterKind, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind.value, Counter())[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(self.total(o) for o in ("created", "updated", "ended"))

    def verdict(self) -> tuple[str, str]:
        """One sentence on what happened, in English and Chinese."""
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
            "files": [f.__dict__ for f in self.files],
            "counts": {kind: {o: c[o] for o in OUTCOMES} for kind, c in self.counts.items()},
            "rejections": [r.__dict__ for r in self.rejections],
            "incomplete": self.incomplete,
            "changes": self.changes,
        }

    # -- output ----------------------------------------------------------------------------------

    def tables(self) -> list[Table]:
        counts = Table(title="导入结果 Import", title_justify="left")
        counts.add_column("名册 roster")
        for outcome in OUTCOMES:
            counts.add_column(f"{_OUTCOMES_ZH[outcome]}\n{outcome}", justify="right")
        for kind in RosterKind:
            if kind.value in self.counts:
                c = self.counts[kind.value]
                counts.add_row(f"{kind.zh} {kind.value}", *(f"{c[o]:,}" for o in OUTCOMES))
        out = [counts]
        if self.rejections:
            rejected = Table(title="被拒绝的行 Rejected rows", title_justify="left", show_lines=False)
            for name, zh in REJECTION_COLUMNS:
                rejected.add_column(f"{zh}" if name != "reason" else "reason")
            for r in self.rejections[:200]:
                rejected.add_row(*(escape("" if v is None else str(v)) for v in _cells(r)))
            out.append(rejected)
        return out

    def print(self, console: Console) -> None:
        for table in self.tables():
            console.print(table)
        if len(self.rejections) > 200:
            console.print(f"… and {len(self.rejections) - 200} more rejected rows (save them with --report)")
        if self.incomplete and not (self.atomic and self.rejections):
            names = ", ".join(self.incomplete)
            console.print(
                f"rosters with rejected rows ({escape(names)}) were treated as partial: nothing missing from them was ended"
            )
            console.print("有被拒绝行的名册按部分名册处理：未终止其中缺少的数据")
        en, zh = self.verdict()
        console.print(f"[bold]{escape(zh)}[/]\n{escape(en)}")

    def save(self, path: Path) -> None:
        """The rejected rows and the counts, as .xlsx (two sheets) or .csv (rejected rows)."""
        if path.suffix.lower() == ".xlsx":
            with xlsxwriter.Workbook(str(path)) as book:
                sheet = book.add_worksheet("被拒绝的行")
                sheet.write_row(0, 0, [zh for _, zh in REJECTION_COLUMNS])
                for i, r in enumerate(self.rejections, start=1):
                    sheet.write_row(i, 0, ["" if v is None else v for v in _cells(r)])
                totals = book.add_worksheet("导入结果")
                totals.write_row(0, 0, ["名册", *(_OUTCOMES_ZH[o] for o in OUTCOMES)])
                for i, (kind, c) in enumerate(sorted(self.counts.items()), start=1):
                    totals.write_row(i, 0, [RosterKind.parse(kind).zh, *(c[o] for o in OUTCOMES)])
            return
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([zh for _, zh in REJECTION_COLUMNS])
            writer.writerows([["" if v is None else v for v in _cells(r)] for r in self.rejections])


def _cells(r: Rejection) -> tuple[Any, ...]:
    return (r.file, r.sheet, r.row, r.column, r.value, r.reason, r.reason_zh)
