"""The queries' commands, registered with ``orggraph`` through an entry point (see :mod:`orggraph.plugins`)."""

from __future__ import annotations

import typer

from queries import cli_policy


def register(app: typer.Typer) -> None:
    """Add ``policy`` (and the query commands) to ``orggraph``."""
    cli_policy.register(app)
