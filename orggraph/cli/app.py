"""The ``orggraph`` command: one sub-command per job; see ``orggraph --help``."""

from __future__ import annotations

import typer

from orggraph.cli import demo, export, info, migrate
from orggraph.plugins import command_registrars

app = typer.Typer(
    name="orggraph",
    help="党建引领基层治理 — the governance network as a graph: coverage gaps and escalation paths.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("info")(info.info)
app.command("export")(export.export)
app.command("migrate")(migrate.migrate)
for register in command_registrars():
    register(app)


def main() -> None:
    """Entry point of the ``orggraph`` script."""
    app()
