"""``orggraph cases``: report a case, move it on, read it, list them, measure them, and tick the clock.

The same fields as the API's case routes (:mod:`api.routes.cases`); instants print in the district's
time zone (``ORGGRAPH_TIMEZONE``). ``orggraph cases tick --now 2026-12-08T09:00`` moves the clock for
a drill or a test; ``orggraph serve`` ticks every minute by itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from orggraph.cases import utc_text
from orggraph.cases.model import statuses_of
from orggraph.cli.common import StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.errors import InvalidValueError
from orggraph.settings import Settings
from queries.cases.clock import zone_of
from queries.cases.desk import CaseDesk
from queries.cases.notify import notifier_of
from queries.cases.present import case_dict, local
from queries.cli.policy import PolicyOption, effective_policy

cases_app = typer.Typer(
    help="事件：立案、流转、列表、统计与计时 / Cases: report, move on, list, measure, and the clock.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON 而非表格 / Print JSON instead of tables.")]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="按此时刻处理（ISO），默认现在；用于演练和测试 / The instant to act as of (ISO); default now. For drills and tests.",
    ),
]


def _json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _instant(text: str | None, zone: dt.tzinfo, option: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(
            f"{option} {text!r} is not an ISO date-time", message_zh=f"{option} {text} 不是日期时间"
        ) from None
    return at.replace(tzinfo=zone) if at.tzinfo is None else at


@contextlib.contextmanager
def _desk(store: str | None, policy: Any) -> Iterator[tuple[CaseDesk, Any, Settings]]:
    settings = settings_for(store)
    chosen = effective_policy(policy)
    notifier = notifier_of(chosen, settings)
    with open_existing(settings) as graph_store:
        desk = CaseDesk(
            graph_store.case_ledger(),
            chosen,
            zone_of(settings.timezone),
            key=graph_store.pii_key,
            notify=notifier.send if notifier is not None else None,
        )
        try:
            yield desk, graph_store, settings
        finally:
            if notifier is not None:
                notifier.close(timeout=30)  # a command waits for its notifications (retries included) a while


def _show(desk: CaseDesk, case_id: str, as_json: bool, now: dt.datetime) -> None:
    case = desk.get(case_id)
    data = case_dict(case, desk.ledger.events(case_id), desk.zone, utc_text(now))  # the case is in hand
    if as_json:
        _json(data)
        return
    holder = data["assignee"] or {}
    console.print(
        f"[bold]{data['id']}[/] {escape(data['category'])} — {data['status_zh']} {data['status']}"
        f"{' [red]超时 overdue[/]' if data['overdue'] else ''}"
    )
    console.print(f"{escape(data['address'] or data['household'])}: {escape(data['description'])}")
    console.print(
        f"reported 上报 {data['reported_at']}  ·  holder 承办 {escape(str(holder.get('name') or '—'))} "
        f"({holder.get('role_zh', '')})  ·  due 时限 {data['due_at'] or '—'}"
    )
    table = Table(title="办理记录 Timeline", title_justify="left")
    for column in ("时间 at", "事件 event", "状态 status", "承办 holder", "说明 note"):
        table.add_column(column)
    for event in data["events"]:
        table.add_row(
            event["at"],
            f"{event['type_zh']} {event['type']}",
            event["status"],
            escape(event["assignee_name"] or event["assignee"] or ""),
            escape(event["note"] or ""),
        )
    console.print(table)


@cases_app.command("report")
@reports_errors
def report(
    start: Annotated[
        str,
        typer.Argument(
            help="住户编码或地址，如 幸福里小区3号楼2单元501室 / Household code, or an address such as 幸福里小区3号楼2单元501室."
        ),
    ],
    category: Annotated[str, typer.Option("--category", help="事项类别，如 物业纠纷 / Issue category, e.g. 物业纠纷.")],
    description: Annotated[str, typer.Option("--description", help="居民反映的内容 / What the resident reports.")],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help=(
                "来源：hotline（热线）、mini_program（小程序）、grid_app（网格员应用）或 walk_in（来访） / "
                "hotline, mini_program, grid_app or walk_in."
            ),
        ),
    ] = "hotline",
    at: Annotated[
        str | None, typer.Option("--at", help="反映时间（ISO），默认现在 / When it was reported (ISO); default now.")
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="居民电话（加密保存，脱敏显示） / The resident's phone (kept sealed, shown masked)."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--idempotency-key", help="幂等键：同一键再次提交返回同一事件 / The same key again returns the same case."),
    ] = None,
    as_json: JsonOption = False,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """立案并派单到上报路径的第一步 / Report a case and dispatch it to the first step of its escalation path."""
    with _desk(store, policy) as (desk, graph_store, _):
        now = dt.datetime.now(dt.UTC)
        case, created = desk.report(
            graph_store.view(lazy=True),
            start,
            category,
            description=description,
            source=source,
            reported_at=_instant(at, desk.zone, "--at"),
            contact=contact,
            idempotency_key=f"cli:{key}" if key else None,
            by="cli",
            now=now,
        )
        if not created and not as_json:
            console.print(f"the key was used before: case {case.id} 已存在")
        _show(desk, case.id, as_json, now)


@cases_app.command("show")
@reports_errors
def show(
    case_id: Annotated[str, typer.Argument(help="事件编号，如 E20261207-000001 / The case id, e.g. E20261207-000001.")],
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """查看事件：路径、时限与办理记录 / A case with its path, deadlines and timeline."""
    with _desk(store, None) as (desk, _, _):
        _show(desk, case_id, as_json, dt.datetime.now(dt.UTC))


@cases_app.command("event")
@reports_errors
def event(
    case_id: Annotated[str, typer.Argument(help="事件编号 / The case id.")],
    kind: Annotated[
        str,
        typer.Argument(
            help=(
                "动作：accept（受理）、act（处置）、resolve（办结）、hand_on（流转交办）、"
                "reopen（重启）、close（结案）或 rate（评价） / "
                "accept, act, resolve, hand_on, reopen, close or rate."
            )
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="办理记录的备注 / A note for the timeline.")] = None,
    rating: Annotated[
        str | None,
        typer.Option(
            "--rating",
            help=(
                "评价时：satisfied（满意）、basically（基本满意）或 unsatisfied（不满意） / "
                "With rate: satisfied, basically or unsatisfied."
            ),
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="流转时：next（下一步，默认）或职能部门 / With hand_on: next (default) or a functional department."
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="发生时间（ISO），默认现在 / When it happened (ISO); default now.")
    ] = None,
    as_json: JsonOption = False,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """推进事件：受理、处置、办结、流转交办、重启、结案、评价 /
    Move a case on: accept, act, resolve, hand_on, reopen, close, rate."""
    with _desk(store, policy) as (desk, graph_store, _):
        desk.event(
            graph_store.view(lazy=True),
            case_id,
            kind,
            by="cli",
            at=_instant(at, desk.zone, "--at"),
            note=note,
            rating=rating,
            to=to,
        )
        _show(desk, case_id, as_json, dt.datetime.now(dt.UTC))


@cases_app.command("list")
@reports_errors
def list_(
    area: Annotated[
        str | None, typer.Option("--area", help="区域编码，默认整个存储 / An area code; default the whole store.")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="状态，或 open（未结）；可重复 / A status, or open; may be given again.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="只列当前时限已过的事件 / Only cases whose current deadline has passed.")
    ] = False,
    page: Annotated[int, typer.Option("--page", min=1, help="页码 / Page number.")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, max=10_000, help="每页条数 / Cases per page.")] = 50,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """区域内的事件，最新在前 / The cases of an area, newest first."""
    statuses = statuses_of(status) if status else None
    with _desk(store, None) as (desk, _, _):
        data = desk.page(area=f"area:{area}" if area else None, statuses=statuses, overdue=overdue, page=page, per_page=per_page)
    total, rows = data["total"], data["cases"]
    if as_json:
        _json(data)
        return
    table = Table(title=f"事件 Cases: {total}", title_justify="left")
    for column in ("编号 id", "类别 category", "状态 status", "地址 address", "承办 holder", "时限 due"):
        table.add_column(column)
    for row in rows:
        due = f"[red]{row['due_at']}[/]" if row["overdue"] else (row["due_at"] or "")
        table.add_row(
            row["id"],
            escape(row["category"]),
            row["status_zh"],
            escape(row["address"] or ""),
            escape((row["assignee"] or {}).get("name") or ""),
            due,
        )
    console.print(table)


@cases_app.command("metrics")
@reports_errors
def metrics(
    area: Annotated[
        str | None, typer.Option("--area", help="区域编码，默认整个存储 / An area code; default the whole store.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="首日（YYYY-MM-DD），默认本月1日 / First day (YYYY-MM-DD); default the 1st of this month."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", help="末日（YYYY-MM-DD，含当日），默认今天 / Last day (YYYY-MM-DD), included; default today."),
    ] = None,
    as_json: JsonOption = False,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """响应率 · 解决率 · 满意率、按时数与中位时长，社区排名 /
    Response, resolution and satisfaction rates, on-time counts and medians of an area's cases, communities ranked."""
    with _desk(store, policy) as (desk, graph_store, _):
        try:
            first = dt.date.fromisoformat(since) if since else None
            last = dt.date.fromisoformat(until) if until else None
        except ValueError as exc:
            raise InvalidValueError(f"--from/--to: {exc}", message_zh="--from/--to 须为日期 YYYY-MM-DD") from None
        data = desk.metrics(graph_store.view(lazy=True), area=f"area:{area}" if area else None, first=first, last=last)
    data.update(area=area)
    if as_json:
        _json(data)
        return
    rates = data["rates"]

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    console.print(
        f"[bold]{area or '全部 all'}[/] {data['since']} – {data['until']}: received 受理 {data['received']}, "
        "responded on time 按时响应 "
        f"{data['responded_on_time']}, resolved 办结 {data['resolved']} ({data['resolved_on_time']} on time), closed 结案 "
        f"{data['closed']}, overdue now 超时 {data['overdue_now']}"
    )
    console.print(
        f"响应率 {pct(rates['response'])} · 解决率 {pct(rates['resolution'])} · 满意率 {pct(rates['satisfaction'])} · "
        f"score 综合得分 {data['score'] if data['score'] is not None else '—'}"
    )
    table = Table(title="社区排名 Communities by score", title_justify="left")
    for column in ("#", "社区 community", "受理 received", "响应率", "解决率", "满意率", "得分 score", "超时 overdue"):
        table.add_column(column)
    for row in data["communities"]:
        r = row["rates"]
        table.add_row(
            str(row["rank"]),
            escape(row["name"]),
            str(row["received"]),
            pct(r["response"]),
            pct(r["resolution"]),
            pct(r["satisfaction"]),
            str(row["score"]),
            str(row["overdue_now"]),
        )
    console.print(table)


@cases_app.command("tick")
@reports_errors
def tick(now: NowOption = None, as_json: JsonOption = False, policy: PolicyOption = None, store: StoreOption = None) -> None:
    """计时：超时未响应的事件上报下一步，办结后逾期未评价的结案 / Escalate overdue cases and close unrated resolved ones.

    Escalate every case whose reply deadline has passed as of ``--now`` (default now) to the next
    step of its path, close resolved cases nobody rated in time; print what moved."""
    with _desk(store, policy) as (desk, _, _):
        at = _instant(now, desk.zone, "--now") or dt.datetime.now(dt.UTC)
        moved = desk.tick(at)
        rows = [
            {
                "id": m.case.id,
                "status": m.case.status,
                "assignee": (m.case.assignee or {}).get("name"),
                "events": [{"type": e.type, "at": local(e.at, desk.zone)} for e in m.events],
            }
            for m in moved
        ]
    if as_json:
        _json({"now": at.astimezone(desk.zone).isoformat(), "moved": rows})
        return
    console.print(f"tick 计时 {at.astimezone(desk.zone).isoformat()}: {len(rows)} case(s) moved 件事件变动")
    for m in moved:
        console.print(
            f"  {m.case.id}: {', '.join(e.type for e in m.events)} → "
            f"{escape(str((m.case.assignee or {}).get('name') or '—'))} ({m.case.status})"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
