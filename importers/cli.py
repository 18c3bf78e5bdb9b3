"""The importers' commands and hooks: ``orggraph import``, ``orggraph history``, the demo's loader and
``orggraph export --rosters`` (registered through entry points; see :mod:`orggraph.plugins`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from importers import demo
from importers.headers import HeaderMapping
from importers.rosters import RosterKind
from importers.sync import ImportOptions, import_rosters
from importers.writer import RosterFormat, write_rosters
from orggraph.cli.common import StoreOption, console, reports_errors, settings_for
from orggraph.errors import ConfigurationError
from orggraph.store import GraphStore, open_store


@reports_errors
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Roster files (.xlsx, .csv), any order.", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the change; write nothing.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Rosters are partial: end nothing missing.")] = False,
    scope: Annotated[
        str | None, typer.Option("--scope", help="Area code a full roster covers (default: the streets of its rows).")
    ] = None,
    best_effort: Annotated[
        bool, typer.Option("--best-effort", help="Write the valid rows even when others are rejected.")
    ] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML file renaming headers.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Save the report as .xlsx or .csv.")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Encoding of CSV files (default: detected).")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Roster kind, when the headers do not tell it.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Import date: links start and end on it (default today).")] = None,
    store: StoreOption = None,
) -> None:
    """Sync rosters into the store: one change for all files, atomic unless --best-effort."""
    settings = settings_for(store)
    options = ImportOptions(
        dry_run=dry_run,
        partial=partial,
        scope=scope,
        best_effort=best_effort,
        encoding=encoding,
        kind=RosterKind.parse(kind) if kind else None,
        mapping=HeaderMapping.load(mapping) if mapping else None,
        date=date,
    )
    for path in paths:
        if not path.is_file():
            raise ConfigurationError(f"{path} is not a file", message_zh=f"{path} 不是文件", path=str(path))
    with open_store(settings, create=True) as graph_store:
        result = _run_import(graph_store, paths, options, console)
    if report is not None:
        result.save(report)
        console.print(f"report saved to {report}")
    if result.rejections:
        raise typer.Exit(code=1)


def _run_import(graph_store: GraphStore, paths: list[Path], options: ImportOptions, out: Console) -> Any:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def advance(file: str, done: int, total: int) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(f"reading {Path(file).name}", total=total)
            progress.update(tasks[file], completed=done, total=total)

        result = import_rosters(graph_store, paths, options, progress=advance)
    result.print(out)
    return result


@reports_errors
def history(
    since: Annotated[str | None, typer.Option("--since", help="Only imports at or after this date.")] = None,
    store: StoreOption = None,
) -> None:
    """List the imports recorded in the store: when, which files (with content hashes), what changed."""
    settings = settings_for(store)
    with open_store(settings) as graph_store:
        entries = graph_store.audit_log("import", since=since)
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
            entry.get("status", ""),
            files,
            options,
            *(f"{totals[o]:,}" for o in ("created", "updated", "ended")),
            str(entry.get("rejected", 0)),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the importers' commands to ``orggraph``."""
    app.command("import")(import_command)
    app.command("history")(history)


def export_rosters(graph_store: GraphStore, folder: Path, *, fmt: str = "xlsx") -> list[Path]:
    """Hook ``roster_writer``: ``orggraph export --rosters DIR``."""
    return write_rosters(graph_store, folder, fmt=RosterFormat(fmt))


def load_demo(graph_store: GraphStore, district: Any, *, folder: Path, console: Console) -> None:
    """Hook ``demo_loader``: see :func:`importers.demo.load_demo`."""
    demo.load_demo(graph_store, district, folder=folder, console=console, run=_run_import)
