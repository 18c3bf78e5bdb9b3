"""Expressions of a declared rule (规则表达式): bounds, values, cases and the words of a finding.

A rule's ``min``, ``max``, ``actual``, a case's ``when``, and every ``{…}`` in its texts are small
expressions, read here once when the policy is loaded and evaluated per finding:

* numbers, ``'text'``, ``true``/``false``/``null`` (also ``True``/``False``/``None``);
* names: ``count`` (what the pattern counted), ``min``, ``max``, ``day`` (the day read), the rule's
  parameters and ``let`` quantities;
* ``focus.attr`` (an attribute of the node checked; ``focus.code``, ``focus.name``), ``place.community``,
  ``place.community_name``, ``place.street`` … (where the finding is placed);
* ``+ - * /``, comparisons, ``and``/``or``/``not``, brackets;
* the functions ``ceil``, ``floor``, ``coalesce``, ``code`` (a node id's code), ``days_between(a, b)``
  and ``date_add(date, days)`` over ISO dates.

Nothing else is read (no other names, calls, subscripts or attributes): an expression that asks for
more is refused with the column where it does, when the policy is loaded.

>>> Expression.read("ceil(residents * per_10000 / 10000)").value({"residents": 556, "per_10000": 18})
2
>>> Template.read("有{count}户，{focus.care_tags}").render({"count": 3, "focus": {"care_tags": ("living_alone",)}}, "zh")
'有3户，独居老人'
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from orggraph.errors import ConfigurationError, InvalidValueError
from orggraph.model.enums import CareTag, MemberStatus, Rank, UnitKind, ZhEnum

#: Values of these names or attributes are shown in the text's language (处级 / division).
ENUM_WORDS: dict[str, type[ZhEnum]] = {"care_tags": CareTag, "rank": Rank, "unit_kind": UnitKind, "status": MemberStatus}


class ExpressionError(ConfigurationError):
    """An expression of a rule that cannot be read (规则表达式错误): what, and where."""

    code = "policy.expression"
    title_zh = "规则表达式错误"


def _days_between(a: Any, b: Any) -> int | None:
    if a is None or b is None:
        return None
    return (dt.date.fromisoformat(str(b)[:10]) - dt.date.fromisoformat(str(a)[:10])).days


def _date_add(a: Any, days: Any) -> str | None:
    if a is None or days is None:
        return None
    return (dt.date.fromisoformat(str(a)[:10]) + dt.timedelta(days=int(days))).isoformat()


def _code(node: Any) -> str | None:
    return None if node is None else str(node).split(":", 1)[-1]


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ceil": lambda x: None if x is None else math.ceil(x),
    "floor": lambda x: None if x is None else math.floor(x),
    "coalesce": _coalesce,
    "code": _code,
    "days_between": _days_between,
    "date_add": _date_add,
}
#: The objects whose attributes an expression may read.
OBJECTS = frozenset({"focus", "place"})

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_CONSTANTS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class Expression:
    """One expression, read (see the module docstring). Make one with :meth:`read`."""

    text: str
    tree: ast.expr

    @classmethod
    def read(cls, text: str, *, where: str = "expression") -> Expression:
        try:
            tree = ast.parse(text.strip(), mode="eval").body
        except SyntaxError as exc:
            raise _error(text, (exc.offset or 1) - 1, f"cannot be read ({exc.msg})", where) from None
        _check(text, tree, where)
        return cls(text, tree)

    @cached_property
    def names(self) -> frozenset[str]:
        """The plain names it reads (parameters, lets, count …)."""
        return frozenset(
            n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name) and n.id not in FUNCTIONS and n.id not in _CONSTANTS
        )

    def value(self, scope: Mapping[str, Any]) -> Any:
        """The value with the names of ``scope`` (``None`` where something it needs is missing)."""
        try:
            return _eval(self.tree, scope)
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
            return None

    @property
    def word(self) -> str | None:
        """The attribute or name whose values are shown in the text's language, if it is one of :data:`ENUM_WORDS`."""
        node = self.tree
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        return name if name in ENUM_WORDS else None


def _error(text: str, column: int, reason: str, where: str) -> ExpressionError:
    shown = f"{text}\n{' ' * column}^"
    return ExpressionError(
        f"column {column + 1} of the {where}: {reason}\n{shown}",
        message_zh=f"{where} 第 {column + 1} 列：{reason}\n{shown}",
        column=column + 1,
    )


def _check(text: str, tree: ast.AST, where: str) -> None:
    for node in ast.walk(tree):
        column = getattr(node, "col_offset", 0)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                name = node.func.id if isinstance(node.func, ast.Name) else "this call"
                raise _error(text, column, f"{name}: unknown function; known: {', '.join(sorted(FUNCTIONS))}", where)
        elif isinstance(node, ast.Attribute):
            if not isinstance(node.value, ast.Name) or node.value.id not in OBJECTS:
                raise _error(text, column, f"only {' and '.join(sorted(OBJECTS))} have attributes (focus.attr)", where)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _ARITHMETIC:
                raise _error(text, column, "only + - * / are read", where)
        elif isinstance(node, ast.Compare):
            if any(type(op) not in _COMPARE for op in node.ops):
                raise _error(text, column, "only ==, !=, <, <=, >, >=, in, not in are read", where)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not | ast.USub):
                raise _error(text, column, "only not and - are read before a value", where)
        elif not isinstance(
            node,
            ast.Expression
            | ast.BoolOp
            | ast.And
            | ast.Or
            | ast.Name
            | ast.Constant
            | ast.Load
            | ast.List
            | ast.Tuple
            | ast.cmpop
            | ast.operator
            | ast.unaryop,
        ):
            raise _error(text, column, f"{type(node).__name__.lower()} is not read in a rule's expression", where)


def _eval(node: ast.expr, scope: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = scope.get(node.value.id) if isinstance(node.value, ast.Name) else None
        return owner.get(node.attr) if isinstance(owner, Mapping) else None
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return FUNCTIONS[node.func.id](*(_eval(arg, scope) for arg in node.args))
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, scope), _eval(node.right, scope)
        return None if left is None or right is None else _ARITHMETIC[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, scope)
        if isinstance(node.op, ast.Not):
            return not inner
        return None if inner is None else -inner
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, scope) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, scope)
            if (left is None or right is None) and not isinstance(op, ast.Eq | ast.NotEq):
                return False
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return False
            left = right
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(item, scope) for item in node.elts]
    raise TypeError(type(node).__name__)


def shown(value: Any, word: str | None, language: str) -> str:
    """A value as a text shows it: lists joined, the values of :data:`ENUM_WORDS` in the language.

    >>> shown(("living_alone", "disabled"), "care_tags", "en"), shown("division", "rank", "zh")
    ('living alone, disabled', '处级')
    """
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        joiner = "、" if language == "zh" else ", "
        return joiner.join(shown(item, word, language) for item in value)
    if word is not None and isinstance(value, str):
        enum = ENUM_WORDS[word]
        try:
            member = enum.parse(value)
        except InvalidValueError:  # a value the enum does not know is shown as it is
            return value
        return member.zh if language == "zh" else member.value.replace("_", " ")
    return str(value)


@dataclass(frozen=True)
class Template:
    """A text with ``{expression}`` places (see the module docstring). Make one with :meth:`read`."""

    text: str
    parts: tuple[str | Expression, ...]

    @classmethod
    def read(cls, text: str, *, where: str = "text") -> Template:
        parts: list[str | Expression] = []
        at = 0
        while at < len(text):
            opening = text.find("{", at)
            if opening < 0:
                parts.append(text[at:])
                break
            closing = text.find("}", opening)
            if closing < 0:
                raise _error(text, opening, "a '{' is not closed", where)
            if opening > at:
                parts.append(text[at:opening])
            parts.append(Expression.read(text[opening + 1 : closing], where=f"{where} {text!r}"))
            at = closing + 1
        return cls(text, tuple(parts))

    @cached_property
    def names(self) -> frozenset[str]:
        """The plain names its places read."""
        return frozenset().union(*(p.names for p in self.parts if isinstance(p, Expression)))

    @property
    def plain(self) -> bool:
        """Whether it has no place to fill."""
        return all(isinstance(p, str) for p in self.parts)

    def render(self, scope: Mapping[str, Any], language: str = "en") -> str:
        return "".join(p if isinstance(p, str) else shown(p.value(scope), p.word, language) for p in self.parts)

    def value(self, scope: Mapping[str, Any]) -> Any:
        """One place alone (``"{days}"``) keeps its value's type; else the text rendered in English."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Expression):
            return self.parts[0].value(scope)
        return self.render(scope)
