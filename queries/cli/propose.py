"""``orggraph propose`` (rosters that close gaps) and ``orggraph whatif`` (gaps a change would open or close)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orggraph.cli.common import AsOfOption, StoreOption, console, err_console, open_existing, reports_errors, settings_for
from orggraph.errors import ConfigurationError
from queries.cli.policy import PolicyOption, effective_policy
from queries.coverage import Finding
from queries.coverage.whatif import what_if
from queries.proposals import PROPOSALS, propose


@reports_errors
def propose_command(
    kind: Annotated[
        str, typer.Argument(help="类别：contacts（1+10 联系户）或 liaison（包联） / contacts (1+10 households) or liaison.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="要写出的名册（.xlsx，或 GB18030 编码的 .csv） / The roster to write (.xlsx, or .csv in GB18030).",
        ),
    ],
    scope: Annotated[
        str | None, typer.Option("--scope", help="区域编码，默认整个存储 / Area code; default the whole store.")
    ] = None,
    id_numbers: Annotated[
        bool,
        typer.Option(
            "--id-numbers",
            help=(
                "仅用于 contacts：以完整身份证号（属个人信息）指明党员，而非人员编号 / "
                "contacts: name members by whole ID number (personal data) instead of person code."
            ),
        ),
    ] = False,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """提出补齐 1+10 联系或包联缺口的方案，写成名册供审核后导入 /
    Propose how to close the 1+10 or the liaison gap, written as a roster to review and import.

    A 联系户 roster names members by person code unless ``--id-numbers`` is given; a 包联 roster defines
    its persons, so it holds whole ID numbers. Whenever the file holds any, a warning says how many."""
    if kind not in PROPOSALS:
        raise ConfigurationError(f"unknown proposal {kind!r}; use one of {', '.join(PROPOSALS)}", message_zh="未知的方案类别")
    settings = settings_for(store)
    with open_existing(settings) as graph_store:
        proposal = propose(graph_store, kind, scope=scope, as_of=as_of, policy=effective_policy(policy))
        proposal.write(output, by_code=kind == "contacts" and not id_numbers)
    if proposal.whole_ids:
        err_console.print(
            f"[yellow]warning[/] {output} holds {proposal.whole_ids:,} whole ID numbers (personal data): "
            "keep it as the rosters themselves are kept, and delete it once imported",
            highlight=False,
        )
        err_console.print(
            f"[yellow]注意[/] {output} 含 {proposal.whole_ids:,} 个完整身份证号（个人信息）：请按名册的保管要求保存，导入后删除",
            highlight=False,
        )
    counts = ", ".join(f"{k} {v:,}" for k, v in proposal.counts.items())
    console.print(f"{PROPOSALS[kind].zh}: {counts}")
    console.print(f"wrote {output} — review it, then: orggraph import {output} --scope {proposal.scope_code or '<district>'}")


@reports_errors
def whatif(
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove",
            help="离开的人员：节点编号或完整身份证号（可重复） / A person who leaves: node id or whole ID number (repeatable).",
        ),
    ] = None,
    end: Annotated[
        list[str] | None,
        typer.Option(
            "--end",
            help=(
                "终止的关系，写作 类型,起点,终点（如 SECRETARY_OF,person:…,org:P1；可重复） / "
                "A link that ends, as KIND,SOURCE,TARGET (e.g. SECRETARY_OF,person:…,org:P1; repeatable)."
            ),
        ),
    ] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="报告的区域编码 / Area code to report on.")] = None,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """假设分析：人员离开或关系终止后会出现或消失哪些覆盖缺口（不改变数据） /
    The coverage gaps that would appear or disappear if persons left or links ended (nothing is changed)."""
    links = []
    for text in end or []:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 3:
            raise ConfigurationError(f"--end {text!r} is not KIND,SOURCE,TARGET", message_zh=f"--end {text} 须为 类型,起点,终点")
        links.append((parts[0], parts[1], parts[2]))
    if not remove and not links:
        raise ConfigurationError("give --remove or --end", message_zh="请指定 --remove 或 --end")
    settings = settings_for(store)
    with open_existing(settings) as graph_store:
        result = what_if(graph_store, remove=remove or (), end=links, as_of=as_of, policy=effective_policy(policy), scope=scope)
    for title, findings in (("would appear 将出现", result.appeared), ("would disappear 将消除", result.disappeared)):
        table = Table(title=f"{title} ({len(findings)})", title_justify="left")
        for column in ("rule", "severity", "node", "name", "community", "actual", "required"):
            table.add_column(column)
        for finding in findings[:100]:
            table.add_row(*(escape(str(v)) for v in _row(finding)))
        console.print(table)


def _row(f: Finding) -> tuple[object, ...]:
    return (f.rule, f.severity, f.code, f.name, f.community or "", f.actual, f.required)
