"""The queries' commands, registered with ``orggraph`` through an entry point (see :mod:`orggraph.plugins`)."""

from __future__ import annotations

import typer

from queries.cli import cases as cli_cases
from queries.cli import coverage as cli_coverage
from queries.cli import escalate as cli_escalate
from queries.cli import policy as cli_policy
from queries.cli import propose as cli_propose
from queries.cli.coverage import demo_report

__all__ = ["demo_report", "register"]


def register(app: typer.Typer) -> None:
    """Add ``coverage``, ``policy`` (and the other query commands) to ``orggraph``."""
    app.command("coverage")(cli_coverage.coverage)
    app.command("escalate")(cli_escalate.escalate)
    app.command("who")(cli_escalate.who)
    app.command("propose")(cli_propose.propose_command)
    app.command("whatif")(cli_propose.whatif)
    cli_policy.register(app)
    cli_cases.register(app)
