"""``--help`` in both languages: every command, group, option and argument says "中文 / English", Chinese
first; typer's own ``--help`` option and panel titles too; nothing cut off at 80 columns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from orggraph.cli.app import app

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"\b[A-Za-z]{2,}\b")
#: Rich's mark of a cell it cut short (a word too long for its column): "…" at the end of a cell.
CUT = re.compile(r"…\s*│")


def _tree(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            yield from _tree(sub, (*path, name))


COMMANDS = list(_tree(typer.main.get_command(app), ()))


def _flaw(text: str | None) -> str | None:
    """What is wrong with a help text, or ``None``: it must read "中文 / English" (Chinese first)."""
    if not text:
        return "no help"
    first = " ".join(text.strip().split("\n\n")[0].split())
    chinese, slash, english = first.partition(" / ")
    if not slash:
        return "no ' / ' between Chinese and English"
    if not CJK.search(chinese):
        return "no Chinese before ' / '"
    if WORD.search(chinese) and WORD.search(chinese).start() < CJK.search(chinese).start():  # type: ignore[union-attr]
        return "English before the Chinese"
    if len(WORD.findall(english)) < 2:
        return "no English after ' / '"
    return None


def test_the_tree_holds_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "coverage", "import", "serve", "cases list", "tokens add", "policy check"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "orggraph" for p, _ in COMMANDS])
def test_every_command_and_parameter_speaks_chinese_then_english(path: tuple[str, ...], command: Any) -> None:
    flaws = []
    if (flaw := _flaw(command.help)) is not None:
        flaws.append(f"the command: {flaw}: {command.help!r}")
    params = command.get_params(typer.Context(command, info_name="orggraph"))
    assert any("--help" in p.opts for p in params)
    for param in params:
        if getattr(param, "hidden", False):
            continue
        if (flaw := _flaw(getattr(param, "help", None))) is not None:
            flaws.append(f"{'/'.join(param.opts)}: {flaw}: {getattr(param, 'help', None)!r}")
    assert not flaws, f"orggraph {' '.join(path)}:\n" + "\n".join(flaws)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) or "orggraph" for p, _ in COMMANDS])
def test_help_prints_both_languages_whole_at_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    assert "显示本帮助并退出 / Show this message and exit." in " ".join(result.output.replace("│", " ").split())
    assert "选项 / Options" in result.output
    cut = [line for line in result.output.splitlines() if CUT.search(line)]
    assert not cut, "\n".join(cut)


def test_the_flaw_finder_finds_flaws() -> None:
    """The check above can fail: English only, Chinese only, English first, no separator."""
    assert _flaw("Show this message and exit.") is not None
    assert _flaw("显示本帮助并退出") is not None
    assert _flaw("Page 页码 / Page number.") is not None
    assert _flaw("页码 / 页") is not None
    assert _flaw(None) is not None
    assert _flaw("页码 / Page number.") is None
