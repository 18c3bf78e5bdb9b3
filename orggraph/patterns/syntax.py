"""Reading the pattern language (模式语言): Cypher path patterns and conditions, as a coverage rule writes them.

A rule of the policy file names what it counts as a *path pattern* in Cypher's own notation, and may
filter with a *condition* (Cypher's ``WHERE`` expressions)::

    (focus)<-[:PART_OF]-(:Entrance)<-[:PART_OF]-(:Household)<-[:LIVES_IN]-(p:Person)-[:MEMBER_OF]->(:PartyOrg)
    p.rank = $rank AND NOT p.status IN ['completed', 'terminated']

The subset read here:

* a pattern is nodes joined by relationships: ``(var:Label {key: value, …})``, every part optional;
  ``-[:TYPE]->`` or ``<-[:TYPE]-``, types joined by ``|`` for any of them, ``*min..max`` for a
  variable length (at most :data:`MAX_HOPS`), ``{key: value}`` on the relationship's attributes. Labels are the
  Cypher labels of the node kinds (``Household``, ``PartyOrg`` …), types the link kinds (``LIVES_IN`` …);
  a variable named twice is the same node (``(focus)-[:LIVES_IN]->()…(c)<-[:REGISTERED_WITH]-(focus)``).
* a condition is comparisons (``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``), ``IS [NOT] NULL``,
  ``[NOT] IN [list]``, joined by ``AND``, ``OR``, ``NOT`` and brackets, over ``var.key``, literals
  (``'text'``, numbers, ``true``, ``false``, ``null``), ``$parameters``, ``coalesce(…)`` and
  ``date_add(date, days)`` (of literals and parameters).

Anything else is refused with a :class:`PatternError` that says what was expected and where, with a
caret under the place:

>>> parse_pattern("(focus)<-[:PART_OF]-(e:Entrance)").nodes[1]
NodePat(var='e', kind='entrance', props=())
>>> parse_pattern("(focus)-[:LIVES]->(h)")
Traceback (most recent call last):
...
orggraph.patterns.syntax.PatternError: column 11 of the pattern: unknown relationship type LIVES; known: ...
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from orggraph.errors import ConfigurationError
from orggraph.model.kinds import LinkKind, NodeKind

#: The longest variable-length step (``*`` alone means 1 to this many).
MAX_HOPS = 12
#: Node kinds by their Cypher label, and link kinds by their type.
KINDS_BY_LABEL: dict[str, str] = {kind.label: kind.value for kind in NodeKind}
LINK_TYPES: frozenset[str] = frozenset(kind.value for kind in LinkKind)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_KEYWORDS = {"AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE"}


class PatternError(ConfigurationError):
    """A pattern or condition that cannot be read (模式语法错误): what was expected, and where."""

    code = "policy.pattern"
    title_zh = "模式语法错误"


@dataclass(frozen=True)
class Param:
    """A ``$name`` in a pattern or condition: its value comes from the rule (or ``$day``)."""

    name: str


Value = str | int | float | bool | None | Param


@dataclass(frozen=True)
class NodePat:
    """One node of a pattern: its variable, its kind (from the label), equalities on its attributes."""

    var: str | None
    kind: str | None
    props: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class RelPat:
    """One relationship of a pattern: link kinds, direction from the node before, hops, equalities."""

    kinds: tuple[str, ...]
    direction: Literal["out", "in"]
    min_hops: int
    max_hops: int
    props: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Pattern:
    """A path pattern: ``nodes[0]``, ``rels[0]``, ``nodes[1]`` …; ``text`` as written."""

    nodes: tuple[NodePat, ...]
    rels: tuple[RelPat, ...]
    text: str

    @property
    def variables(self) -> tuple[str, ...]:
        """The node variables, in order of first use."""
        return tuple(dict.fromkeys(n.var for n in self.nodes if n.var is not None))


# -- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prop:
    """``var.key``: an attribute of the node bound to ``var``."""

    var: str
    key: str


@dataclass(frozen=True)
class Lit:
    value: str | int | float | bool | None


@dataclass(frozen=True)
class Func:
    """``coalesce(a, b, …)`` (the first argument that is not null) or ``date_add(date, days)``."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Compare:
    op: Literal["=", "<>", "<", "<=", ">", ">="]
    left: Operand
    right: Operand


@dataclass(frozen=True)
class IsNull:
    operand: Operand
    negated: bool


@dataclass(frozen=True)
class InList:
    operand: Operand
    items: tuple[Operand, ...] | Param
    negated: bool


@dataclass(frozen=True)
class Not:
    inner: Condition


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


Operand = Prop | Lit | Param | Func
#: The functions a condition may call: ``coalesce(a, b, …)``, and ``date_add(date, days)`` — an ISO date
#: moved by whole days, over literals and parameters only (``date_add($day, $days)``: engines without date
#: functions, FalkorDB among them, get its value as a parameter).
FUNCTIONS = frozenset({"coalesce", "date_add"})
Condition = Compare | IsNull | InList | Not | AllOf | AnyOf


def _operand_vars(operand: Operand) -> set[str]:
    if isinstance(operand, Prop):
        return {operand.var}
    if isinstance(operand, Func):
        return set().union(*(_operand_vars(a) for a in operand.args))
    return set()


def variables_of(condition: Condition) -> set[str]:
    """The variables a condition reads."""
    if isinstance(condition, Compare):
        return _operand_vars(condition.left) | _operand_vars(condition.right)
    if isinstance(condition, IsNull):
        return _operand_vars(condition.operand)
    if isinstance(condition, InList):
        found = _operand_vars(condition.operand)
        if not isinstance(condition.items, Param):
            found |= set().union(*(_operand_vars(o) for o in condition.items))
        return found
    if isinstance(condition, Not):
        return variables_of(condition.inner)
    return set().union(*(variables_of(p) for p in condition.parts))


def params_of(pattern: Pattern | None = None, condition: Condition | None = None) -> set[str]:
    """The ``$parameters`` a pattern and a condition name."""
    found: set[str] = set()
    if pattern is not None:
        for props in (*(n.props for n in pattern.nodes), *(r.props for r in pattern.rels)):
            found |= {v.name for _, v in props if isinstance(v, Param)}
    stack: list[Any] = [condition] if condition is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, Param):
            found.add(item.name)
        elif isinstance(item, Func):
            stack.extend(item.args)
        elif isinstance(item, Compare):
            stack += [item.left, item.right]
        elif isinstance(item, IsNull):
            stack.append(item.operand)
        elif isinstance(item, InList):
            stack.append(item.operand)
            stack.extend([item.items] if isinstance(item.items, Param) else item.items)
        elif isinstance(item, Not):
            stack.append(item.inner)
        elif isinstance(item, AllOf | AnyOf):
            stack.extend(item.parts)
    return found


# -- the reader -------------------------------------------------------------------------------


class _Reader:
    """A cursor over the text, skipping blanks, raising :class:`PatternError` at its place."""

    def __init__(self, text: str, what: str) -> None:
        self.text = text
        self.what = what
        self.at = 0

    def skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.at)

    def take(self, token: str) -> bool:
        if self.peek(token):
            self.at += len(token)
            return True
        return False

    def expect(self, token: str, what: str | None = None) -> None:
        if not self.take(token):
            raise self.error(f"expected {what or repr(token)}")

    def word(self) -> str | None:
        self.skip()
        found = _IDENT.match(self.text, self.at)
        if found is None:
            return None
        self.at = found.end()
        return found.group()

    def keyword(self, word: str) -> bool:
        self.skip()
        found = _IDENT.match(self.text, self.at)
        if found is not None and found.group().upper() == word:
            self.at = found.end()
            return True
        return False

    def integer(self) -> int | None:
        self.skip()
        found = re.compile(r"\d+").match(self.text, self.at)
        if found is None:
            return None
        self.at = found.end()
        return int(found.group())

    def done(self) -> bool:
        self.skip()
        return self.at >= len(self.text)

    def error(self, message: str, at: int | None = None) -> PatternError:
        where = self.at if at is None else at
        shown = f"{self.text}\n{' ' * where}^"
        return PatternError(
            f"column {where + 1} of the {self.what}: {message}\n{shown}",
            message_zh=f"{self.what_zh}第 {where + 1} 列：{message}\n{shown}",
            column=where + 1,
        )

    @property
    def what_zh(self) -> str:
        return "模式" if self.what == "pattern" else "条件"


def parse_pattern(text: str) -> Pattern:
    """Read a path pattern (see the module docstring); :class:`PatternError` when it cannot be read."""
    reader = _Reader(text, "pattern")
    nodes = [_node(reader)]
    rels: list[RelPat] = []
    while not reader.done():
        rels.append(_rel(reader))
        nodes.append(_node(reader))
    return Pattern(tuple(nodes), tuple(rels), text)


def _node(reader: _Reader) -> NodePat:
    reader.expect("(", "'(' to open a node")
    var = reader.word()
    if var is not None and var.upper() in _KEYWORDS:
        raise reader.error(f"{var} cannot name a variable")
    kind = None
    if reader.take(":"):
        at = reader.at
        found = reader.word()
        if found is None:
            raise reader.error("expected a label after ':'")
        kind = KINDS_BY_LABEL.get(found)
        if kind is None:
            raise reader.error(f"unknown label {found}; known: {', '.join(sorted(KINDS_BY_LABEL))}", at)
        if reader.peek(":"):
            raise reader.error("a node takes one label")
    props = _props(reader) if reader.peek("{") else ()
    reader.expect(")", "')' to close the node")
    return NodePat(var, kind, props)


def _rel(reader: _Reader) -> RelPat:
    incoming = reader.take("<-")
    if not incoming:
        reader.expect("-", "'-' or '<-' to join the next node")
    reader.expect("[", "'[' (a relationship names its type: -[:TYPE]->)")
    if reader.word() is not None and not reader.peek(":"):
        raise reader.error("expected ':' and a relationship type")
    reader.expect(":", "':' and a relationship type")
    kinds = []
    while True:
        at = reader.at
        found = reader.word()
        if found is None:
            raise reader.error("expected a relationship type")
        if found not in LINK_TYPES:
            reader.skip()
            known = ", ".join(sorted(LINK_TYPES))
            raise reader.error(f"unknown relationship type {found}; known: {known}", at + _blank(reader, at))
        kinds.append(found)
        if not reader.take("|"):
            break
    low, high = 1, 1
    if reader.take("*"):
        low, high = 1, MAX_HOPS
        first = reader.integer()
        if reader.take(".."):
            low = first if first is not None else 1
            second = reader.integer()
            high = second if second is not None else MAX_HOPS
        elif first is not None:
            low = high = first
        if low > high or high > MAX_HOPS:
            raise reader.error(f"a variable length runs from 0 to at most {MAX_HOPS} hops, low to high")
    props = _props(reader) if reader.peek("{") else ()
    reader.expect("]", "']' to close the relationship")
    if incoming:
        reader.expect("-", "'-' after ']' (an incoming relationship is <-[:TYPE]-)")
        if reader.peek(">"):
            raise reader.error("a relationship has one direction: <-[…]- or -[…]->")
    else:
        reader.expect("->", "'->' (an undirected relationship is not read: write its direction)")
    return RelPat(tuple(kinds), "in" if incoming else "out", low, high, props)


def _blank(reader: _Reader, at: int) -> int:
    """How many blanks sit at ``at`` (an error's column points at the word, not before it)."""
    count = 0
    while at + count < len(reader.text) and reader.text[at + count].isspace():
        count += 1
    return count


def _props(reader: _Reader) -> tuple[tuple[str, Value], ...]:
    reader.expect("{")
    found: list[tuple[str, Value]] = []
    while not reader.take("}"):
        if found:
            reader.expect(",", "',' or '}'")
        key = reader.word()
        if key is None:
            raise reader.error("expected an attribute name")
        reader.expect(":", "':' after the attribute name")
        value = _value(reader)
        if isinstance(value, Lit):
            found.append((key, value.value))
        elif isinstance(value, Param):
            found.append((key, value))
        else:
            raise reader.error("an attribute is compared with a literal or a $parameter here")
    return tuple(found)


def _value(reader: _Reader) -> Operand:
    reader.skip()
    at = reader.at
    if reader.take("$"):
        name = reader.word()
        if name is None:
            raise reader.error("expected a parameter name after '$'")
        return Param(name)
    if reader.peek("'") or reader.peek('"'):
        quote = reader.text[reader.at]
        end = reader.text.find(quote, reader.at + 1)
        if end < 0:
            raise reader.error("a text is not closed")
        text = reader.text[reader.at + 1 : end]
        reader.at = end + 1
        return Lit(text)
    number = _NUMBER.match(reader.text, reader.at)
    if number is not None:
        reader.at = number.end()
        return Lit(float(number.group()) if number.group(1) else int(number.group()))
    word = reader.word()
    if word is None:
        raise reader.error("expected a value: 'text', a number, true, false, null, $parameter or var.attribute", at)
    if word.upper() in ("TRUE", "FALSE"):
        return Lit(word.upper() == "TRUE")
    if word.upper() == "NULL":
        return Lit(None)
    if reader.take("("):
        if word.lower() not in FUNCTIONS:
            raise reader.error(f"unknown function {word}; known: {', '.join(sorted(FUNCTIONS))}", at)
        args: list[Operand] = []
        while not reader.take(")"):
            if args:
                reader.expect(",", "',' or ')'")
            args.append(_value(reader))
        if not args:
            raise reader.error(f"{word}() takes at least one argument")
        if word.lower() == "date_add" and (len(args) != 2 or any(_operand_vars(a) for a in args)):
            raise reader.error("date_add(date, days) takes two literals or $parameters, no attribute", at)
        return Func(word.lower(), tuple(args))
    reader.expect(".", f"'.' and an attribute after {word} (var.attribute)")
    key = reader.word()
    if key is None:
        raise reader.error("expected an attribute name after '.'")
    return Prop(word, key)


def parse_condition(text: str) -> Condition:
    """Read a condition (see the module docstring); :class:`PatternError` when it cannot be read.

    >>> parse_condition("p.rank = 'division' AND NOT p.status IN ['x']")
    AllOf(parts=(Compare(op='=', left=Prop(var='p', key='rank'), right=Lit(value='division')), \
Not(inner=InList(operand=Prop(var='p', key='status'), items=(Lit(value='x'),), negated=False))))
    """
    reader = _Reader(text, "condition")
    found = _or(reader)
    if not reader.done():
        raise reader.error("expected AND, OR or the end of the condition")
    return found


def _or(reader: _Reader) -> Condition:
    parts = [_and(reader)]
    while reader.keyword("OR"):
        parts.append(_and(reader))
    return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


def _and(reader: _Reader) -> Condition:
    parts = [_not(reader)]
    while reader.keyword("AND"):
        parts.append(_not(reader))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _not(reader: _Reader) -> Condition:
    if reader.keyword("NOT"):
        return Not(_not(reader))
    if reader.take("("):
        inner = _or(reader)
        reader.expect(")", "')' to close the bracket")
        return inner
    return _comparison(reader)


_OPS = ("<>", "<=", ">=", "=", "<", ">")


def _comparison(reader: _Reader) -> Condition:
    left = _value(reader)
    if reader.keyword("IS"):
        negated = reader.keyword("NOT")
        if not reader.keyword("NULL"):
            raise reader.error("expected NULL after IS")
        return IsNull(left, negated)
    negated = reader.keyword("NOT")
    if reader.keyword("IN"):
        return InList(left, _list(reader), negated)
    if negated:
        raise reader.error("expected IN after NOT")
    for op in _OPS:
        if reader.take(op):
            return Compare(op, left, _value(reader))  # type: ignore[arg-type]
    raise reader.error("expected a comparison (=, <>, <, <=, >, >=), IS NULL or IN")


def _list(reader: _Reader) -> tuple[Operand, ...] | Param:
    if reader.take("$"):
        name = reader.word()
        if name is None:
            raise reader.error("expected a parameter name after '$'")
        return Param(name)
    reader.expect("[", "'[' to open a list (or a $parameter holding one)")
    items: list[Operand] = []
    while not reader.take("]"):
        if items:
            reader.expect(",", "',' or ']'")
        items.append(_value(reader))
    return tuple(items)


def date_add(date: object, days: object) -> str | None:
    """An ISO date moved by whole days (``None`` when either is missing).

    >>> date_add("2025-06-30", 30)
    '2025-07-30'
    """
    if date is None or days is None:
        return None
    return (dt.date.fromisoformat(str(date)[:10]) + dt.timedelta(days=int(str(days)))).isoformat()
