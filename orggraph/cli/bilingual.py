"""Help in both languages (中英双语帮助): what typer itself writes in ``--help``, in Chinese and English.

Every command's and option's own help is written "中文 / English" where it is declared; what typer adds
— the ``--help`` option and the titles of the panels it groups options, arguments and commands in — is
given here, by the command classes :func:`bilingual` puts on every command of an app (the plugins'
commands included, whatever registered them). Click's usage line (``Usage:``) stays as click writes it.

Rich, which draws the help, breaks lines at spaces only and cuts a longer run short ("…"), so a Chinese
clause runs on as one word: :func:`breakable` lets a line break after each Chinese comma, colon or
semicolon (a space after it), and a test keeps every run short enough for an 80-column terminal. Rich
also drops the space that ends a full line by counting characters where it means cells, so a line
holding Chinese that fills its column lost its last character to "…";
:func:`measure_line_ends_in_cells` makes it count cells (every table the command line prints gains).

>>> breakable("区域编码，默认整个存储 / An area code; default the whole store.")
'区域编码， 默认整个存储 / An area code; default the whole store.'
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import typer
from rich.cells import cell_len
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

#: The help of the ``--help`` option.
HELP_OPTION = "显示本帮助并退出 / Show this message and exit."
OPTIONS = "选项 / Options"
ARGUMENTS = "参数 / Arguments"
COMMANDS = "命令 / Commands"
#: Chinese punctuation a line may break after (when no space follows it already): the ends of clauses,
#: and an enumeration comma before a Latin word (``viewer、dispatcher``).
_CLAUSE_END = re.compile(r"([，；：。]|、(?=[!-~]))(?=\S)")


def breakable(text: str) -> str:
    """``text`` with a space after each Chinese comma, semicolon, colon and full stop, and each
    enumeration comma before a Latin word, that has none, so that rich may break a line there."""
    return _CLAUSE_END.sub(r"\1 ", text)


def flowing(text: str) -> str:
    r"""A command's help with its first paragraph on one line (a docstring wraps it; typer would keep
    the line breaks in a list of commands), :func:`breakable`.

    >>> flowing("导入名册 /\n    Sync rosters.\n\n    More.")
    '导入名册 / Sync rosters.\n\nMore.'
    """
    first, *rest = inspect.cleandoc(text).split("\n\n")
    return breakable("\n\n".join([" ".join(first.split()), *rest]))


def _rstrip_end_in_cells(self: Text, size: int) -> None:
    """Remove whitespace beyond ``size`` cells at the end of the text (what rich's ``Text.rstrip_end``
    means to do; it compares characters with cells, so it leaves a wide character's line one cell over
    and the cell is then cut with "…")."""
    excess = cell_len(self.plain) - size
    if excess > 0:
        trailing = len(self.plain) - len(self.plain.rstrip())
        if trailing:
            self.right_crop(min(trailing, excess))


def measure_line_ends_in_cells() -> None:
    """Make rich measure the end of a wrapped line in cells (see the module docstring)."""
    Text.rstrip_end = _rstrip_end_in_cells  # type: ignore[method-assign]


def _panelled(params: list[Any]) -> list[Any]:
    """``params``, the options and arguments not given a panel of their own put in the bilingual default
    panels, their help :func:`breakable`."""
    for param in params:
        if isinstance(param, TyperOption | TyperArgument):
            if not param.rich_help_panel:
                param.rich_help_panel = ARGUMENTS if isinstance(param, TyperArgument) else OPTIONS
            if param.help:
                param.help = breakable(param.help)
    return params


def _titled(option: TyperOption | None) -> TyperOption | None:
    """The ``--help`` option with its help in both languages."""
    if option is not None:
        option.help = HELP_OPTION
    return option


class BilingualCommand(TyperCommand):
    """A command whose ``--help`` option and panels are titled in both languages."""

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        return _titled(super().get_help_option(ctx))

    def get_params(self, ctx: Any) -> list[Any]:
        return _panelled(super().get_params(ctx))


class BilingualGroup(TyperGroup):
    """A group whose ``--help`` option and panels (its commands' included) are titled in both languages."""

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        return _titled(super().get_help_option(ctx))

    def get_params(self, ctx: Any) -> list[Any]:
        return _panelled(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if isinstance(command, TyperCommand | TyperGroup):
            if not command.rich_help_panel:
                command.rich_help_panel = COMMANDS
            if command.help:
                command.help = flowing(command.help)
        return command


def _unset(value: Any, default: type) -> bool:
    """Whether a command's class was left to typer (unset, or typer's own default put in)."""
    return value is None or value is default or isinstance(value, DefaultPlaceholder)


def bilingual(app: typer.Typer) -> None:
    """Make every command and group of ``app``, and of the apps added to it, print bilingual help
    (those given a class of their own keep it)."""
    measure_line_ends_in_cells()
    if _unset(app.info.cls, TyperGroup):
        app.info.cls = BilingualGroup
    for command in app.registered_commands:
        if _unset(command.cls, TyperCommand):
            command.cls = BilingualCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            bilingual(group.typer_instance)
