"""The README tells the truth: every command, option and setting is documented there."""

from __future__ import annotations

from pathlib import Path

import typer.main

from orggraph.cli.app import app
from orggraph.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert commands, "the orggraph command has no sub-commands"
    for name, command in commands.items():
        assert f"orggraph {name}" in README, f"command {name} is not documented"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"option {opt} of {name} is not documented"


def test_every_setting_is_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"ORGGRAPH_{name.upper()}" in README, f"setting ORGGRAPH_{name.upper()} is not documented"


def test_the_two_commands_are_in_the_readme() -> None:
    assert "make demo" in README
    assert "make test" in README
