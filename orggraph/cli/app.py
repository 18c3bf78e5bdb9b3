"""The ``orggraph`` command: one sub-command per job; see ``orggraph --help``."""

from __future__ import annotations

import sys

import typer

from orggraph import __version__
from orggraph.cli import demo, export, info, migrate
from orggraph.cli.bilingual import bilingual
from orggraph.logs import redacted_traceback
from orggraph.plugins import command_registrars

#: What ``orggraph --help`` says first.
ROOT_HELP = (
    "党建引领基层治理：治理网络图谱，查覆盖缺口与上报路径 / "
    "Party-building-led community governance as a graph: coverage gaps and escalation paths."
)

app = typer.Typer(
    name="orggraph",
    help=ROOT_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"orggraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本并退出 / Print the version and exit."
    ),
) -> None:
    """The options of ``orggraph`` itself (its help is :data:`ROOT_HELP`)."""


app.command("demo")(demo.demo)
app.command("info")(info.info)
app.command("export")(export.export)
app.command("migrate")(migrate.migrate)
for register in command_registrars():
    register(app)
bilingual(app)


def main() -> None:
    """Entry point of the ``orggraph`` script. An error no command expected ends it with its traceback
    on stderr, personal data masked (a value in an exception's text may be an ID number)."""
    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:  # the last words of the process
        sys.stderr.write(redacted_traceback(error))
        sys.stderr.write("orggraph: 意外错误，详见上方 / an unexpected error, see above\n")
        raise SystemExit(1) from None
