"""Extension points: how the other packages add to the core without the core importing them.

The core's dependency arrows point one way (``importers`` → ``orggraph``, never back), yet the one
``orggraph`` command offers ``import``, ``coverage`` and ``serve``. Packages declare, in
``pyproject.toml``, entry points that the core looks up by name at run time:

* group ``orggraph.commands`` — a function ``register(app: typer.Typer) -> None`` that adds commands;
* group ``orggraph.hooks`` — named functions the core calls where it offers a hook:
  ``demo_loader(store, district, *, folder, console)`` loads the demo's district (the importers load
  it through rosters), ``roster_writer(store, folder, *, fmt)`` writes rosters for ``export --rosters``,
  ``demo_report(store, *, console)`` prints what the demo ends with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points
from typing import Any

COMMANDS = "orggraph.commands"
HOOKS = "orggraph.hooks"


@cache
def _loaded(group: str) -> dict[str, Callable[..., Any]]:
    return {ep.name: ep.load() for ep in sorted(entry_points(group=group), key=lambda ep: ep.name)}


def command_registrars() -> list[Callable[..., None]]:
    """Every ``register(app)`` declared by an installed package, by name."""
    return list(_loaded(COMMANDS).values())


def hook(name: str) -> Callable[..., Any] | None:
    """The function declared for hook ``name``, or ``None`` when no installed package offers it."""
    return _loaded(HOOKS).get(name)
