"""The findings for people (问题清单): a rich table, CSV (UTF-8 with BOM) and an Excel workbook.

Every format carries the same columns (:data:`COLUMNS`) with Chinese and English headers, so that a
planner can sort and filter them in a spreadsheet: the severity in Chinese (高/中/低) beside its id, the
rule's Chinese name (from the policy file) beside its id. The workbook adds a summary sheet (汇总)
with the counts per rule and the headline ratios for the scope (its row named for it) and for the
streets and communities it holds whole. Names come from the rosters, so every cell is written safe
(:mod:`orggraph.cells`): in CSV a text beginning with ``= + - @``, tab or CR gets a leading ``'``; in
the workbook text is always a string cell, never a formula.

>>> COLUMNS[:2]
(('severity_zh', '严重程度', 'severity'), ('severity', '严重程度代码', 'severity id'))
>>> header("rule", "规则编号", "rule id")
'规则编号 rule id'
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
from queries.policy import SEVERITY_ZH

#: The columns of every export: field of :class:`Finding` (or ``severity_zh`` and ``rule_zh``, the
#: severity and the rule's name in Chinese), Chinese and English header.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("severity_zh", "严重程度", "severity"),
    ("severity", "严重程度代码", "severity id"),
    ("rule_zh", "规则", "rule"),
    ("rule", "规则编号", "rule id"),
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
#: The columns the terminal table shows (severity and rule: the Chinese above the id).
TABLE_COLUMNS = ("severity", "rule", "community_name", "kind", "name", "actual", "required", "responsible_org_name", "message_zh")
_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def header(_field: str, zh: str, en: str) -> str:
    """A column header in both languages: ``规则 rule``."""
    return f"{zh} {en}"


def rows(result: CoverageResult) -> list[list[Any]]:
    """The findings of ``result`` as rows of :data:`COLUMNS` (``None`` as empty text)."""
    fields = [name for name, _, _ in COLUMNS]
    summary = result.summary

    def cell(finding: Finding, name: str) -> Any:
        if name == "severity_zh":
            return SEVERITY_ZH[finding.severity]
        if name == "rule_zh":
            return summary.rule_zh(finding.rule)
        value = getattr(finding, name)
        return "" if value is None else value

    return [[cell(f, name) for name in fields] for f in result.findings]


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
            "rule": f"{result.summary.rule_zh(f.rule)}\n{f.rule}",
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
        writer.writerows(safe_row(row) for row in rows(result))


def _summary_rows(result: CoverageResult) -> tuple[list[str], list[list[Any]]]:
    """The summary sheet: a row for the scope's total (with the scope's code and name), then one per
    street and community the scope holds whole; counts, then each ratio and its parts."""
    summary = result.summary
    rules = summary.rules
    head = ["层级 level", "编码 code", "名称 name", "所属街道 street", "户数 households", "问题数 findings"]
    head += [f"{zh} {sev}" for sev, zh in SEVERITY_ZH.items()] + [f"{summary.rule_zh(r)} {r}" for r in rules]
    names = summary.ratio_names
    for zh, en in names.values():
        head += [f"{zh} {en}", f"{zh}（分子/分母） parts"]
    areas: list[AreaSummary] = [summary.totals, *result.whole_streets(), *result.whole_communities()]
    body = []
    for area in areas:
        level = {"total": "合计 total", "street": "街道 street", "community": "社区 community"}[area.level]
        code, name = (result.scope, result.scope_name) if area.level == "total" else (area.code, area.name)
        row: list[Any] = [level, code or "", name or "", area.street or "", area.households, area.findings]
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
        for i, row in enumerate(rows(result), start=1):
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
