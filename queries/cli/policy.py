"""``orggraph policy show|check``: the effective policy, and a check of a district's policy file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orggraph.cli.common import console, reports_errors
from orggraph.settings import load_settings
from queries.policy import SEVERITY_ZH, Policy, load_policy

policy_app = typer.Typer(
    help="政策配置：覆盖规范与上报层级 / The policy file: coverage norms and escalation levels.", no_args_is_help=True
)

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy", help="叠加在内置默认值之上的政策文件 / Policy file laid over the shipped defaults. [env: ORGGRAPH_POLICY]"
    ),
]


def effective_policy(path: Path | None) -> Policy:
    """The policy a command uses: ``--policy``, else ``ORGGRAPH_POLICY``, else the shipped defaults."""
    return load_policy(path or load_settings().policy)


@policy_app.command("show")
@reports_errors
def show(policy: PolicyOption = None) -> None:
    """显示生效的政策：每条规则的严重程度与参数、每个上报层级 /
    Print the effective policy: every rule with its severity and parameters, every escalation level."""
    effective = effective_policy(policy)
    rules = Table(title=f"覆盖规则 Coverage rules — {effective.source}", title_justify="left")
    for column in ("id", "on", "严重程度 severity", "规则", "rule", "parameters"):
        rules.add_column(column, overflow="fold")  # a Chinese name is one long word to rich: folded, not cut
    for rule in effective.coverage.values():
        params = ", ".join(f"{k}={v}" for k, v in rule.params.items())
        severity = f"{SEVERITY_ZH[rule.severity]} {rule.severity}"
        rules.add_row(rule.id, "yes" if rule.enabled else "no", severity, rule.zh, rule.en, params)
    console.print(rules)
    levels = Table(title="逐级响应 Escalation levels", title_justify="left")
    for column in ("#", "id", "层级", "level", "roles", "deadline"):
        levels.add_column(column)
    for i, level_id in enumerate(effective.escalation.levels, start=1):
        level = effective.escalation.level[level_id]
        levels.add_row(str(i), level.id, level.zh, level.en, ", ".join(level.roles), f"{level.deadline_minutes} min")
    console.print(levels)
    categories = Table(title="事项类别 Categories", title_justify="left")
    for column in ("category", "extra roles", "co-building helpers"):
        categories.add_column(column)
    for name, additions in effective.escalation.category.items():
        levels_with = [lv for lv in effective.escalation.levels if getattr(additions, lv, [])]
        extra = "; ".join(f"{lv}: {', '.join(getattr(additions, lv))}" for lv in levels_with)
        categories.add_row(name, extra, ", ".join(additions.helpers))
    console.print(categories)
    guard = effective.imports
    imports = Table(title="名册导入 Imports", title_justify="left")
    for column in ("key", "value", "说明 meaning"):
        imports.add_column(column)
    imports.add_row("mass_end_share", f"{guard.mass_end_share:g}", "可终止范围内数据的比例 share of the scope an import may end")
    imports.add_row("mass_end_max", str(guard.mass_end_max), "且不超过此数 and never more than this many")
    imports.add_row("mass_end_floor", str(guard.mass_end_floor), "不超过此数时不拦截 never refused for this many or fewer")
    console.print(imports)


@policy_app.command("check")
@reports_errors
def check(path: Annotated[Path, typer.Argument(help="要检查的政策文件 / The policy file to check.")]) -> None:
    """检查政策文件：报告未知规则、键、角色和错误取值及其所在表 /
    Check a policy file: unknown rules, keys, roles and wrong values are reported with the table."""
    effective = load_policy(path)
    changed = sum(1 for r in effective.coverage.values() if r != load_policy(None).coverage[r.id])
    console.print(
        f"{path}: valid — {len(effective.coverage)} rules ({changed} changed from the defaults), "
        f"{len(effective.escalation.levels)} escalation levels"
    )


def register(app: typer.Typer) -> None:
    """Add the queries' commands to ``orggraph``."""
    app.add_typer(policy_app, name="policy")
