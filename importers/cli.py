"""The importers' commands and hooks: ``orggraph import``, ``orggraph undo``, ``orggraph history``, the
demo's loader and ``orggraph export --rosters`` (registered through entry points; see :mod:`orggraph.plugins`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from importers import demo
from importers.headers import HeaderMapping
from importers.paths import roster_paths
from importers.progress import PhaseBars, phase_progress
from importers.report import ImportReport
from importers.rosters import RosterKind
from importers.rows import Rejection
from importers.sync import ImportOptions, import_rosters
from importers.template import roster_kind, template_name, write_template, write_templates
from importers.undo import history, undo_import
from importers.writer import RosterFormat, write_rosters
from orggraph.cli.common import StoreOption, console, reports_errors, settings_for
from orggraph.errors import ConfigurationError
from orggraph.policy_file import import_policy
from orggraph.store import GraphStore, open_store

#: Lines of the change sheet a report keeps (the counts are always whole).
CHANGE_SHEET_LINES = 1_000_000
#: Lines of it a dry run shows on the terminal.
CHANGE_LINES_SHOWN = 40


@reports_errors
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="名册文件（.xlsx、.csv）或其所在文件夹，顺序不限 / Roster files (.xlsx, .csv) or folders of them, any order.",
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="逐行显示变更，不写入 / Show the change, line by line; write nothing.")
    ] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="名册不完整：缺少的不作终止 / Rosters are partial: end nothing missing.")
    ] = False,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help=(
                "完整名册覆盖的区域编码（默认：行所在的社区） / "
                "Area code a full roster covers (default: the communities its rows fall in)."
            ),
        ),
    ] = None,
    best_effort: Annotated[
        bool,
        typer.Option("--best-effort", help="即使有行被拒，仍写入有效行 / Write the valid rows even when others are rejected."),
    ] = False,
    allow_mass_end: Annotated[
        bool,
        typer.Option(
            "--allow-mass-end",
            help=(
                "完整名册缺少的即使超出政策比例（[import]）也终止 / "
                "End what full rosters miss even beyond the policy's share ([import])."
            ),
        ),
    ] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="表头改名的 TOML 文件 / TOML file renaming headers.")] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="把报告（含变更表）存为 .xlsx 或 .csv / Save the report as .xlsx or .csv, with the change sheet."
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="编码：CSV 文件的字符编码（默认自动识别） / Encoding of CSV files (default: detected)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="名册类别，表头无法判断时指定 / Roster kind, when the headers do not tell it.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="导入日期：关系于此日开始或终止（默认今天） / Import date: links start and end on it (default today)."
        ),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="叠加在内置默认值之上的政策文件 / Policy file laid over the shipped defaults. [env: ORGGRAPH_POLICY]"
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """导入名册：所有文件作为一次变更，除非 --best-effort 否则全有或全无 /
    Sync rosters into the store: one change for all files, atomic unless --best-effort."""
    settings = settings_for(store)
    files, left_out = roster_paths(paths)
    options = ImportOptions(
        dry_run=dry_run,
        partial=partial,
        scope=scope,
        best_effort=best_effort,
        encoding=encoding,
        kind=RosterKind.parse(kind) if kind else None,
        mapping=HeaderMapping.load(mapping) if mapping else None,
        date=date,
        allow_mass_end=allow_mass_end,
        guard=import_policy(policy or settings.policy),
        change_lines=CHANGE_SHEET_LINES if report is not None else CHANGE_LINES_SHOWN if dry_run else 0,
    )
    notes = [Rejection(path, None, None, None, "", en, zh) for path, en, zh in left_out]
    with open_store(settings, create=True) as graph_store:
        result = _run_import(graph_store, files, options, console, notes=notes)
    if report is not None:
        result.save(report)
        console.print(f"报告已保存 report saved to {report}")
    if result.rejections:
        raise typer.Exit(code=1)


def _run_import(
    graph_store: GraphStore, paths: list[Path], options: ImportOptions, out: Console, *, notes: list[Rejection] | None = None
) -> ImportReport:
    progress = phase_progress(out)
    with progress if isinstance(progress, PhaseBars) else contextlib.nullcontext():
        result = import_rosters(graph_store, paths, options, progress=progress)
        progress.finish()
    result.notes[0:0] = notes or []
    result.print(out, change_lines=CHANGE_LINES_SHOWN if options.dry_run else 0)
    return result


@reports_errors
def undo_command(
    import_id: Annotated[
        int | None,
        typer.Argument(
            help=(
                "要撤销的导入，编号见 `orggraph history`（默认：最近一次） / "
                "The import to undo, as `orggraph history` numbers it (default: the last)."
            )
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="显示撤销将改变什么，不写入 / Show what the undo would change; write nothing.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="把变更表存为 .xlsx 或 .csv / Save the change sheet as .xlsx or .csv.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """撤销一次导入：把它改过的节点和关系恢复原样（之后的导入又改过的则拒绝） /
    Undo an import: put every node and link it changed back as it was (refused if later imports changed them)."""
    settings = settings_for(store)
    with open_store(settings) as graph_store:
        lines = CHANGE_SHEET_LINES if report is not None else CHANGE_LINES_SHOWN
        result = undo_import(graph_store, import_id, dry_run=dry_run, describe_lines=lines)
    shown = ImportReport(dry_run=dry_run, written=not dry_run, changes=result.summary.as_dict())
    shown.summary, shown.change_lines, shown.change_lines_total = result.summary, result.change_lines, result.change_lines_total
    for table in shown.tables()[1:]:
        console.print(table)
    shown.print_change_lines(console, CHANGE_LINES_SHOWN)
    if report is not None:
        shown.save(report)
        console.print(f"报告已保存 report saved to {report}")
    if dry_run:
        console.print(f"[bold]试运行：撤销导入 #{result.undone} 将改变 {result.summary.changed} 处；未写入任何数据[/]")
        console.print(f"dry run: undoing import #{result.undone} would change {result.summary.changed}; nothing was written")
    else:
        console.print(f"[bold]已撤销导入 #{result.undone}：{result.summary.changed} 处恢复原状（记录 #{result.entry}）[/]")
        console.print(
            f"import #{result.undone} undone: {result.summary.changed} changes put back (history entry #{result.entry})"
        )


@reports_errors
def history_command(
    since: Annotated[
        str | None, typer.Option("--since", help="只列此日期及之后的导入 / Only imports at or after this date.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """导入记录：时间、文件（含内容哈希）、变更及撤销情况 /
    List the imports recorded in the store: when, which files (with content hashes), what changed, what was undone."""
    settings = settings_for(store)
    with open_store(settings) as graph_store:
        entries = [e for e in history(graph_store) if not since or e["at"] >= since]
    table = Table(title="导入记录 Import history", title_justify="left")
    for column in ("#", "time", "status", "files", "options", "created", "updated", "ended", "rejected"):
        table.add_column(column)
    for entry in entries:
        changes = entry.get("changes", {})
        totals = {
            o: sum(c.get(o, 0) for part in changes.values() for c in part.values()) for o in ("created", "updated", "ended")
        }
        files = "\n".join(f"{Path(f['file']).name} {f['sha256'][:12]}" for f in entry.get("files", []))
        options = ", ".join(f"{k}={v}" for k, v in entry.get("options", {}).items() if v not in (None, False))
        table.add_row(
            str(entry["id"]),
            entry["at"],
            _status(entry),
            files,
            options,
            *(f"{totals[o]:,}" for o in ("created", "updated", "ended")),
            str(entry.get("rejected", 0)),
        )
    console.print(table)


def _status(entry: dict[str, Any]) -> str:
    status = str(entry.get("status", ""))
    if status == "undo":
        status = f"撤销 #{entry.get('undoes')} undo of #{entry.get('undoes')}"
    if "undone_by" in entry:
        status += f"\n已被 #{entry['undone_by']} 撤销 undone by #{entry['undone_by']}"
    return status


_KINDS = ", ".join(f"{k.value} {k.zh}" for k in RosterKind)


@reports_errors
def template_command(
    kind: Annotated[
        str | None, typer.Argument(help=f"名册类别 / The roster kind: {_KINDS}.", show_default=False, metavar="KIND")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="写入的文件，或文件夹（--all 时）；默认当前文件夹下的 <名册>名册模板.xlsx / The file to write, or the folder "
            "(with --all); default <名册>名册模板.xlsx here.",
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="每种名册各写一个模板 / One template for every roster kind.")] = False,
) -> None:
    """写出空白名册模板（.xlsx）：表头、填写说明、下拉列表 / Write a blank roster to fill in (.xlsx): the headers,
    a sheet of instructions, drop-down lists for the columns that take a value from a list."""
    if every == (kind is not None):
        raise ConfigurationError("give either a roster kind or --all", message_zh="请指定名册类别或 --all（二者选一）")
    if every:
        paths = write_templates(output or Path.cwd())
    else:
        assert kind is not None
        chosen = roster_kind(kind)
        path = output or Path(template_name(chosen))
        if path.is_dir():
            path = path / template_name(chosen)
        write_template(chosen, path)
        paths = [path]
    for path in paths:
        console.print(f"已写入 wrote {path}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the importers' commands to ``orggraph``."""
    app.command("import")(import_command)
    app.command("undo")(undo_command)
    app.command("history")(history_command)
    app.command("template")(template_command)


def export_rosters(graph_store: GraphStore, folder: Path, *, fmt: str = "xlsx") -> list[Path]:
    """Hook ``roster_writer``: ``orggraph export --rosters DIR``."""
    return write_rosters(graph_store, folder, fmt=RosterFormat(fmt))


def load_demo(graph_store: GraphStore, district: Any, *, folder: Path, console: Console) -> None:
    """Hook ``demo_loader``: see :func:`importers.demo.load_demo`."""
    demo.load_demo(graph_store, district, folder=folder, console=console, run=_run_import)
