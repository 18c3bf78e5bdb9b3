"""``orggraph escalate`` (who answers an issue, who next, by when) and ``orggraph who`` (liaison lookups)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from orggraph.cli.common import AsOfOption, StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.errors import ConfigurationError, InvalidValueError
from queries.cases.clock import zone_of
from queries.cli.policy import PolicyOption, effective_policy
from queries.escalation import escalation_path
from queries.lookups import community_links, household_liaison, member_links
from queries.lookups.explain import explain_path
from queries.lookups.search import person_named

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON 而非表格 / Print JSON instead of tables.")]


def _json(data: dict[str, Any]) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def _person(p: dict[str, Any] | None) -> str:
    if not p:
        return ""
    return f"{p.get('name') or ''} {p.get('id_masked') or ''} {p.get('phone_masked') or ''}".strip()


@reports_errors
def escalate(
    start: Annotated[
        str,
        typer.Argument(
            help="住户编码或地址，如 幸福里小区3号楼2单元501室 / Household code, or an address such as 幸福里小区3号楼2单元501室."
        ),
    ],
    category: Annotated[
        str, typer.Option("--category", help="事项类别，如 物业纠纷、违章搭建 / Issue category, e.g. 物业纠纷, 违章搭建.")
    ],
    at: Annotated[
        str | None,
        typer.Option("--at", help="反映时间（ISO 日期时间），默认现在 / When it was reported (ISO date-time); default now."),
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    policy: PolicyOption = None,
    store: StoreOption = None,
) -> None:
    """下呼上应：住户反映的事项由谁响应、下一步是谁、时限多久 /
    Who answers an issue reported at a household, who comes next, and by when."""
    settings = settings_for(store)
    reported = None
    if at is not None:
        try:
            reported = dt.datetime.fromisoformat(at)
        except ValueError:
            raise InvalidValueError(f"--at {at!r} is not an ISO date-time", message_zh=f"--at {at} 不是日期时间") from None
    zone = zone_of(settings.timezone)
    if reported is not None and reported.tzinfo is None:
        reported = reported.replace(tzinfo=zone)  # a time without an offset is the district's
    with open_existing(settings) as graph_store:
        view = graph_store.view(as_of, lazy=True)
        path = escalation_path(view, start, category, at=reported, policy=effective_policy(policy), zone=zone)
        data = path.to_dict()
    if as_json:
        _json(data)
        return
    console.print(
        f"[bold]{escape(data['address'] or data['household']['code'])}[/] — {escape(category)}, "
        f"reported {data['reported_at']}, as of {data['as_of']}"
    )
    table = Table(title="逐级响应 Escalation path", title_justify="left", show_lines=True)
    for column in ("#", "层级 level", "岗位 role", "人员 person", "组织 org / unit", "时限 deadline", "依据 why"):
        table.add_column(column)
    for i, step in enumerate(data["steps"], start=1):
        holder = step.get("org") or step.get("unit") or {}
        office = (step.get("unit") or {}).get("phone_masked") if step.get("person") is None else None  # a department's
        role = f"{step['role_zh']}{' (副书记代行 deputy)' if step.get('deputy') else ''}"
        table.add_row(
            str(i),
            step["level_zh"],
            role,
            escape(_person(step.get("person"))),
            escape(" ".join(filter(None, (holder.get("name"), office)))),
            step["deadline"],
            escape(step["reason"]["zh"]),
        )
    console.print(table)
    for skipped in data["skipped"]:
        console.print(f"skipped 跳过: {escape(skipped['zh'])}")
    for helper in data["helpers"]:
        console.print(f"co-building helper 共建协助: {escape(helper['unit']['name'])} — {escape(helper['project']['name'])}")


@reports_errors
def who(
    household: Annotated[str | None, typer.Option("--household", help="住户编码或地址 / Household code or address.")] = None,
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            help="人员：编号、脱敏或完整身份证号、姓名 / Person: node id, code, masked or whole ID number, or name.",
        ),
    ] = None,
    community: Annotated[str | None, typer.Option("--community", help="社区区域编码 / Community area code.")] = None,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path", help="两个节点编号：两者之间最短的说明路径 / Two node ids: the shortest explaining path between them."
        ),
    ] = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """联系查询：住户由谁负责，党员或社区关联了什么 /
    Liaison lookups: who is responsible for a household; what a member or a community is linked to.

    ``--member`` takes a person's code, a masked ID number only one has, a whole ID number (looked up
    by its keyed hash, printed masked) or a name; a name several persons have lists them, masked, and
    asks for one's code."""
    settings = settings_for(store)
    asked = [x for x in (household, member, community, path) if x]
    if len(asked) != 1:
        raise ConfigurationError(
            "give exactly one of --household, --member, --community, --path",
            message_zh="请只指定 --household、--member、--community、--path 之一",
        )
    with open_existing(settings) as graph_store:
        view = graph_store.view(as_of, lazy=True)
        if household:
            data = household_liaison(view, household).to_dict()
        elif member:
            data = member_links(view, person_named(view, member, key=graph_store.pii_key)).to_dict()
        elif community:
            data = community_links(view, community).to_dict()
        else:
            assert path is not None
            data = explain_path(view, path[0], path[1]).to_dict()
    _json(data)
