"""``orggraph coverage``: where the network is thin, how far from the norm, and who must fix it;
and the ``demo_report`` hook that ends ``orggraph demo`` with the district's coverage."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from orggraph.cli.common import AsOfOption, StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.errors import ConfigurationError
from orggraph.store import GraphStore
from queries.cli.policy import PolicyOption, effective_policy
from queries.coverage import CoverageResult, run_coverage, worst_communities
from queries.coverage.export import findings_table, write_csv, write_xlsx
from queries.coverage.summary import AreaSummary
from queries.policy import SEVERITY_ZH


class CoverageFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@reports_errors
def coverage(
    scope: Annotated[
        str | None, typer.Option("--scope", help="区域编码：区或其下任一区域 / Area code: the district or any area below it.")
    ] = None,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="只运行此规则（可重复） / Only this rule id (repeatable).")
    ] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        CoverageFormat, typer.Option("--format", help="格式：table（表格）、json、csv 或 xlsx / table, json, csv or xlsx.")
    ] = CoverageFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=(
                "输出文件：csv、xlsx 或 json（json 未指定时输出到标准输出） / File for csv/xlsx/json (json: stdout if not given)."
            ),
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="表格中显示的问题条数 / Findings shown in the table.")] = 50,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """覆盖缺口：缺什么、离规范多远、由谁整改 /
    Coverage gaps per street: what is missing, how far from the norm, and who must fix it."""
    settings = settings_for(store)
    rules = list(rule) if rule else None
    with open_existing(settings) as graph_store:
        result = run_coverage(graph_store.view(as_of), scope=scope, rules=rules, policy=effective_policy(policy))
    if fmt is CoverageFormat.JSON:
        data = orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        if output is None:
            sys.stdout.buffer.write(data + b"\n")
        else:
            output.write_bytes(data)
        return
    if fmt in (CoverageFormat.CSV, CoverageFormat.XLSX):
        if output is None:
            raise ConfigurationError(
                f"--format {fmt.value} needs --output FILE", message_zh=f"--format {fmt.value} 需要 --output"
            )
        (write_csv if fmt is CoverageFormat.CSV else write_xlsx)(result, output)
        console.print(f"wrote {len(result.findings):,} findings to {output}")
        return
    print_coverage(result, console, limit=limit)


def _percent(value: float | None) -> str:
    """A share as a percentage; "—" when there was nothing to count."""
    return "—" if value is None else f"{value:.1%}"


def _columns(result: CoverageResult) -> tuple[list[AreaSummary], list[str]]:
    """The areas a table gives a column each — the streets the scope holds whole, then the scope itself
    — and their headings (the scope's is its name and code)."""
    streets = result.whole_streets()
    return [*streets, result.summary.totals], [*(s.name or str(s.code) for s in streets), result.scope_label]


def ratios_table(result: CoverageResult) -> Table:
    """The households and the headline ratios, per street the scope holds whole and for the whole scope
    (named)."""
    areas, headings = _columns(result)
    table = Table(title=f"覆盖率 Coverage ratios — as of {result.as_of}", title_justify="left")
    table.add_column("指标 ratio")
    for heading in headings:
        table.add_column(heading, justify="right")
    table.add_row("户数\nhouseholds", *(f"{area.households:,}" for area in areas))
    for name, (zh, en) in result.summary.ratio_names.items():
        table.add_row(f"{zh}\n{en}", *(_percent(area.ratios[name].value) for area in areas))
    return table


def rules_table(result: CoverageResult) -> Table:
    """The findings per rule (its Chinese name above its id), per street the scope holds whole and in all."""
    summary = result.summary
    areas, headings = _columns(result)
    per_street = len(areas) > 1
    title = "各规则、各街道缺口 Gaps per rule and street" if per_street else "各规则缺口 Gaps per rule"
    table = Table(title=title, title_justify="left")
    table.add_column("规则 rule")
    for heading in headings:
        table.add_column(heading, justify="right")
    for rule_id in summary.rules:
        table.add_row(f"{summary.rule_zh(rule_id)}\n{rule_id}", *(f"{a.by_rule.get(rule_id, 0):,}" for a in areas))
    return table


def worst_table(result: CoverageResult, worst: int = 5) -> Table:
    """The communities most in need (of those the scope holds whole), severities in both languages."""
    table = Table(title="最需关注的社区 Communities most in need", title_justify="left")
    for column in ("社区 community", "街道 street", *(f"{zh} {sev}" for sev, zh in SEVERITY_ZH.items()), "户数 households"):
        table.add_column(column)
    for area in worst_communities(result, worst):
        sev = area.by_severity
        table.add_row(
            f"{area.name} ({area.code})", str(area.street or ""), *(str(sev[s]) for s in SEVERITY_ZH), f"{area.households:,}"
        )
    return table


def print_coverage(result: CoverageResult, out: Console, *, limit: int = 50, worst: int = 5) -> None:
    """Ratios and findings per rule (per street the scope holds whole, and for the scope), the worst
    communities (when the scope holds whole communities), and the first findings."""
    out.print(ratios_table(result))
    out.print(rules_table(result))
    if result.whole_communities():
        out.print(worst_table(result, worst))
    if limit:
        out.print(findings_table(result, limit=limit))
    total = len(result.findings)
    out.print(
        f"共 {total:,} 条问题，完整清单用 --format xlsx --output findings.xlsx / "
        f"{total:,} findings; the whole list: --format xlsx --output findings.xlsx"
    )


def demo_report(graph_store: GraphStore, *, console: Console) -> None:
    """Hook ``demo_report``: the demo ends with its district's coverage summary and worst communities."""
    result = run_coverage(graph_store.view())
    print_coverage(result, console, limit=0)
