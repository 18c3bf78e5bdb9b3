"""What every command shares: the ``--store`` option, opening the store, printing errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from orggraph.errors import OrgGraphError
from orggraph.logs import configure_logging
from orggraph.settings import Settings, load_settings
from orggraph.store import GraphStore, open_store

P = ParamSpec("P")
R = TypeVar("R")

#: Wide when writing to a file or a pipe (Rich would assume 80 columns), else the terminal's width.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help=(
            "存储：文件路径（嵌入式引擎）或 bolt:// 地址 / "
            "The store: a file path (embedded engine) or bolt:// URI. [env: ORGGRAPH_STORE]"
        ),
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="按此日期作答（YYYY-MM-DD），默认今天 / Answer as of this date (YYYY-MM-DD); default today."),
]


def settings_for(store: str | None) -> Settings:
    settings = load_settings(store=store)
    configure_logging(settings.log_level)
    return settings


def open_existing(settings: Settings) -> GraphStore:
    """Open the store the settings name; it must exist."""
    return open_store(settings, create=False)


def fail(error: OrgGraphError) -> typer.Exit:
    """Print a coded error in English and Chinese; the command exits with status 1."""
    err_console.print(f"[bold red]error[/] {escape(f'[{error.code}]')} {escape(error.message)}", highlight=False)
    err_console.print(f"[red]错误[/] {escape(error.message_zh)}", highlight=False)
    return typer.Exit(code=1)


def remove_store_files(path: Path) -> None:
    """Delete an embedded store file with its WAL and shared-memory files (the key file stays)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a coded :class:`OrgGraphError` from a command into its message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OrgGraphError as error:
            raise fail(error) from None

    return wrapper
