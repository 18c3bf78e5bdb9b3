"""The findings for people (问题清单): a rich table, CSV (UTF-8 with BOM) and an Excel workbook.

Every format carries the same columns (:data:`COLUMNS`) with Chinese and English headers, so that a
planner can sort and filter them in a spreadsheet; the workbook adds a summary sheet (汇总) with the
counts per rule and the headline ratios per street and community. Names come from the rosters, so
every cell is written safe (:mod:`orggraph.cells`): in CSV a text beginning with ``= + - @``, tab or
CR gets a leading ``'``; in the workbook text is always a string cell, never a formula.

>>> COLUMNS[0]
('severity', '严重程度', 'severity')
>>> header("rule", "规则", "rule")
'规则 rule'
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson
import xlsxwriter
from rich.table import Table

from orggraph.cells import WORKBOOK_OPTIONS, safe_row, write_cells
from orggraph.errors import ConfigurationError
from queries.coverage.findings import KIND_ZH, Finding
from queries.coverage.run import CoverageResult
from queries.coverage.summary import AreaSummary

#: The columns of every export: field of :class:`Finding`, Chinese and English header.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("severity", "严重程度", "severity"),
    ("rule", "规则", "rule"),
    ("street", "街道编码", "street code"),
    ("street_name", "街道", "street"),
    ("community", "社区编码", "community code"),
    ("community_name", "社区", "community"),
    ("grid", "网格", "grid"),
    ("kind", "对象类别", "kind"),
    ("code", "编码", "code"),
    ("name", "名称", "name"),
    ("actual", "现状", "actual"),
    ("required", "规范要求", "required"),
    ("responsible_org", "责任党组织编码", "responsible org code"),
    ("responsible_org_name", "责任党组织", "responsible org"),
    ("responsible_post", "责任岗位", "post"),
    ("message_zh", "说明", "message (zh)"),
    ("message", "说明（英文）", "message"),
)
#: The columns the terminal table shows.
TABLE_COLUMNS = ("severity", "rule", "community_name", "kind", "name", "actual", "required", "responsible_org_name", "message_zh")
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def header(_field: str, zh: str, en: str) -> str:
    """A column header in both languages: ``规则 rule``."""
    return f"{zh} {en}"


def rows(findings: list[Finding]) -> list[list[Any]]:
    """The findings as rows of :data:`COLUMNS` (``None`` as empty text)."""
    fields = [name for name, _, _ in COLUMNS]
    return [["" if (v := getattr(f, name)) is None else v for name in fields] for f in findings]


def findings_table(result: CoverageResult, *, limit: int | None = 50) -> Table:
    """A rich table of the first ``limit`` findings (all when ``None``), headers in Chinese and English."""
    title = f"覆盖缺口 Coverage gaps · {result.as_of}" + (f" · {result.scope}" if result.scope else "")
    shown = result.findings if limit is None else result.findings[:limit]
    caption = f"{len(shown)} / {len(result.findings)}"
    table = Table(title=title, caption=caption, show_lines=False)
    by_field = {name: (zh, en) for name, zh, en in COLUMNS}
    for name in TABLE_COLUMNS:
        zh, en = by_field[name]
        table.add_column(f"{zh}\n{en}", overflow="fold")
    for f in shown:
        cells = {
            "severity": f"{SEVERITY_ZH[f.severity]} {f.severity}",
            "kind": KIND_ZH.get(f.kind, f.kind),
        }
        values = (cells.get(n, getattr(f, n)) for n in TABLE_COLUMNS)
        table.add_row(*("" if v is None else str(v) for v in values), style=_STYLE[f.severity])
    return table


def write_csv(result: CoverageResult, path: Path) -> None:
    """The findings as CSV, UTF-8 with a BOM (so that Excel opens it as UTF-8), bilingual headers."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(safe_row(header(*c) for c in COLUMNS))
        writer.writerows(safe_row(row) for row in rows(result.findings))


def _summary_rows(result: CoverageResult) -> tuple[list[str], list[list[Any]]]:
    """The summary sheet: one row per total, street and community; counts, then each ratio and its parts."""
    rules = result.summary.rules
    head = ["层级 level", "编码 code", "名称 name", "所属街道 street", "户数 households", "问题数 findings"]
    head += [f"{zh} {sev}" for sev, zh in SEVERITY_ZH.items()] + rules
    names = result.summary.ratio_names
    for zh, en in names.values():
        head += [f"{zh} {en}", f"{zh}（分子/分母） parts"]
    areas: list[AreaSummary] = [result.summary.totals, *result.summary.streets, *result.summary.communities]
    body = []
    for area in areas:
        level = {"total": "合计 total", "street": "街道 street", "community": "社区 community"}[area.level]
        row: list[Any] = [level, area.code or "", area.name or "", area.street or "", area.households, area.findings]
        row += [area.by_severity[s] for s in SEVERITY_ZH] + [area.by_rule.get(r, 0) for r in rules]
        for name in names:
            ratio = area.ratios[name]
            row += [ratio.value if ratio.value is not None else "—", f"{ratio.numerator}/{ratio.denominator}"]
        body.append(row)
    return head, body


def write_xlsx(result: CoverageResult, path: Path) -> None:
    """An Excel workbook: sheet ``问题清单 Findings`` (filterable, frozen header) and ``汇总 Summary``."""
    workbook = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True})
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True, "valign": "top"})
        percent = workbook.add_format({"num_format": "0.0%"})
        sheet = workbook.add_worksheet("问题清单 Findings")
        write_cells(sheet, 0, 0, [header(*c) for c in COLUMNS], bold)
        for i, row in enumerate(rows(result.findings), start=1):
            write_cells(sheet, i, 0, row)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(result.findings)), len(COLUMNS) - 1)
        for col, (name, _, _) in enumerate(COLUMNS):
            sheet.set_column(col, col, 60 if name.startswith("message") else 16)
        head, body = _summary_rows(result)
        summary = workbook.add_worksheet("汇总 Summary")
        write_cells(summary, 0, 0, head, bold)
        first_ratio = len(head) - 2 * len(result.summary.ratio_names)
        for i, row in enumerate(body, start=1):
            write_cells(summary, i, 0, row[:first_ratio])
            for col in range(first_ratio, len(row), 2):
                if isinstance(row[col], float | int):
                    summary.write_number(i, col, row[col], percent)
                else:  # "—": nothing to count
                    summary.write_string(i, col, row[col])
                summary.write_string(i, col + 1, row[col + 1])
        summary.freeze_panes(1, 3)
        summary.set_column(0, len(head) - 1, 14)
    finally:
        workbook.close()


def write_json(result: CoverageResult, path: Path) -> None:
    """The result as JSON (:meth:`CoverageResult.to_dict`), UTF-8, indented."""
    path.write_bytes(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2))


def export_findings(result: CoverageResult, path: Path) -> None:
    """Write ``result`` to ``path`` in the format its suffix names: ``.csv``, ``.xlsx`` or ``.json``."""
    writers = {".csv": write_csv, ".xlsx": write_xlsx, ".json": write_json}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise ConfigurationError(
            f"{path}: cannot export findings as {path.suffix or 'a file without suffix'}; use .csv, .xlsx or .json",
            message_zh=f"{path}：不支持的导出格式，请使用 .csv、.xlsx 或 .json",
            path=str(path),
        )
    writer(result, path)
