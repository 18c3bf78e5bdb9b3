"""Declared coverage rules (声明式覆盖规则): a ``[coverage.<id>]`` table read into what an engine runs.

A rule of the policy file says what it checks (the keys are drawn in the shipped ``policy.toml`` and
in the README): the kind checked (``focus``) and a condition on it (``where``), the patterns it must
match to be checked (``requires``), what is counted (``pattern``, ``count``, ``count_where``) and the
bounds (``min``, ``max``: numbers or expressions), quantities read for its words (``let``), where a
node that is no area sits (``place``) and who must act (``answer``), its words (``norm_*``, ``gap_*``,
``actual``, ``required``) and their ``case`` s, and ``each`` — one check per entry of a list parameter.
Every other key is a parameter: ``$name`` in patterns and conditions, ``name`` in expressions; a key
nothing uses is refused as unknown, so a misspelt key does not pass for a parameter.

:func:`checks_of` reads a rule into its :class:`Check` s (one, or one per ``each`` entry), refusing
what cannot be read with the table, the key and the place in the text. The policy is read this way
when it is loaded (``orggraph policy check``) and again when coverage runs (so a policy copied with
other parameters runs with them).

>>> from queries.policy import load_policy
>>> [c.focus.kind for c in checks_of(load_policy(None).rule("building-without-group"))]
['building']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orggraph.errors import ConfigurationError, InvalidValueError
from orggraph.model.enums import Rank
from orggraph.model.kinds import LinkKind
from orggraph.patterns import Focus, MatchSpec, PatternError, parse_condition, parse_pattern
from orggraph.patterns.spec import FOCUS
from orggraph.patterns.syntax import KINDS_BY_LABEL, Pattern, params_of
from queries.policy.expressions import Expression, ExpressionError, Template
from queries.policy.model import DECLARATION, SEVERITY_ORDER, Policy, RatioDecl, Rule

#: Who may be named as answering, besides patterns ending at ``(org)``.
ANSWERS = frozenset({"responsible", "street", "none"})
#: The grid-staff roles an ``each = "roles"`` list may name, and the link that fills each.
ROLE_LINKS: dict[str, LinkKind] = {
    "community_worker": LinkKind.COMMUNITY_WORKER_OF,
    "grid_worker": LinkKind.GRID_WORKER_OF,
    "property_manager": LinkKind.PROPERTY_MANAGER_OF,
    "grid_leader": LinkKind.GRID_LEADER_OF,
    "enforcement_officer": LinkKind.ENFORCEMENT_OFFICER_OF,
}
#: The variable a place pattern ends at, and an answer pattern.
AREA, ORG = "area", "org"


@dataclass(frozen=True)
class Let:
    """A quantity read per node checked: the ``count`` of what a pattern binds, the ``sum`` of an
    attribute of it, or the ``first`` node it binds; ``attribute`` first when the node has it."""

    name: str
    spec: MatchSpec
    mode: str
    key: str | None = None
    attribute: str | None = None


@dataclass(frozen=True)
class Case:
    """A case of a rule's words: when ``when`` holds, its severity, gap and actual replace the rule's."""

    when: Expression
    severity: Template | None
    gap_en: Template | None
    gap_zh: Template | None
    actual: Template | None


@dataclass(frozen=True)
class Check:
    """One check of a rule (one ``each`` entry), ready to run; see the module docstring."""

    rule: Rule
    focus: Focus
    spec: MatchSpec | None
    low: int | Expression | None
    high: int | Expression | None
    lets: tuple[Let, ...]
    place: tuple[MatchSpec, ...]
    answer: tuple[str | MatchSpec, ...]
    norm: tuple[Template, Template]
    gap: tuple[Template, Template]
    actual: Template | None
    required: Template | None
    cases: tuple[Case, ...]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def bounds_fixed(self) -> bool:
        """Whether the bounds are numbers (the engine checks them) rather than expressions per node."""
        return not isinstance(self.low, Expression) and not isinstance(self.high, Expression)


def _bad(rule: Rule, key: str, reason: str, reason_zh: str | None = None) -> ConfigurationError:
    where = f"coverage.{rule.id}" + (f".{key}" if key else "")
    return ConfigurationError(f"policy [{where}]: {reason}", message_zh=f"政策文件 [{where}]：{reason_zh or reason}", table=where)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _each_fields(name: str, item: Any, rule: Rule) -> dict[str, Any]:
    """The names an ``each`` entry gives the rule's patterns and words."""
    if name == "roles":
        link = ROLE_LINKS.get(str(item))
        if link is None:
            raise _bad(rule, "roles", f"unknown role {item!r}; known: {', '.join(sorted(ROLE_LINKS))}", f"未知岗位 {item!r}")
        return {"role": item, "role_link": link.value, "role_zh": link.zh, "role_en": str(item).replace("_", " ")}
    return {"item": item}


def _substituted(text: str, fields: Mapping[str, Any]) -> str:
    for key, value in fields.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _params(rule: Rule) -> dict[str, Any]:
    params = {k: v for k, v in rule.params.items() if k not in DECLARATION}
    if "rank" in params:  # a rank may be given in Chinese (处级) or English (division)
        try:
            params["rank"] = Rank.parse(str(params["rank"])).value
        except InvalidValueError as exc:
            raise _bad(rule, "rank", exc.message, exc.message_zh) from exc
    return params


#: Checks read before, by the rule they were read from (a rule is read once per policy, not per run).
_READ: dict[int, tuple[Rule, list[Check]]] = {}


def checks_of(rule: Rule) -> list[Check]:
    """The checks of ``rule`` (see the module docstring); :class:`~orggraph.errors.ConfigurationError`
    naming the table and key of anything that cannot be read."""
    known = _READ.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    checks = _read_checks(rule)
    if len(_READ) >= 512:
        _READ.clear()
    _READ[id(rule)] = (rule, checks)
    return checks


def _read_checks(rule: Rule) -> list[Check]:
    table = rule.params
    params = _params(rule)
    each = table.get("each")
    if each is None:
        return [_check(rule, table, params, {})]
    items = params.get(str(each))
    if not isinstance(items, list) or not items:
        raise _bad(rule, "each", f"names {each!r}, which must be a non-empty list parameter of the rule")
    return [_check(rule, table, params, _each_fields(str(each), item, rule)) for item in items]


def _check(rule: Rule, table: Mapping[str, Any], params: dict[str, Any], fields: dict[str, Any]) -> Check:
    def read(key: str, reader: Any, text: str) -> Any:
        try:
            return reader(_substituted(text, fields))
        except (PatternError, ExpressionError) as exc:
            raise _bad(rule, key, exc.message, exc.message_zh) from exc

    label = table.get("focus")
    if not isinstance(label, str) or label not in KINDS_BY_LABEL:
        raise _bad(rule, "focus", f"must name the label of a node kind ({', '.join(sorted(KINDS_BY_LABEL))}), not {label!r}")
    kind = KINDS_BY_LABEL[label]
    where = read("where", parse_condition, table["where"]) if "where" in table else None
    requires = tuple(read("requires", parse_pattern, t) for t in _texts(table.get("requires")))
    patterns: list[Pattern] = [read("pattern", parse_pattern, t) for t in _texts(table.get("pattern"))]
    count = table.get("count") or (patterns[0].nodes[-1].var if patterns else None)
    count_where = read("count_where", parse_condition, table["count_where"]) if "count_where" in table else None
    try:
        focus = Focus.of(kind, where=where, requires=requires, params=params)
        spec = MatchSpec.of(patterns, str(count), count_where, params) if patterns else None
    except PatternError as exc:
        raise _bad(rule, "pattern", exc.message, exc.message_zh) from exc
    if patterns and count is None:
        raise _bad(rule, "count", "name the variable counted: the pattern's last node has none")
    lets = tuple(_let(rule, name, value, params, read) for name, value in (table.get("let") or {}).items())
    place = tuple(_ending(rule, "place", AREA, read("place", parse_pattern, t), params) for t in _texts(table.get("place")))
    answer: list[str | MatchSpec] = []
    for text in _texts(table.get("answer", "responsible")):
        answer.append(text if text in ANSWERS else _ending(rule, "answer", ORG, read("answer", parse_pattern, text), params))
    norm = (read("norm_en", Template.read, table.get("norm_en", "")), read("norm_zh", Template.read, table.get("norm_zh", "")))
    gap = (read("gap_en", Template.read, table.get("gap_en", "")), read("gap_zh", Template.read, table.get("gap_zh", "")))
    cases = tuple(_case(rule, case, read) for case in table.get("case") or ())
    check = Check(
        rule=rule,
        focus=focus,
        spec=spec,
        low=_bound(rule, "min", table.get("min"), read),
        high=_bound(rule, "max", table.get("max"), read),
        lets=lets,
        place=place,
        answer=tuple(answer),
        norm=norm,
        gap=gap,
        actual=read("actual", Template.read, "{" + table["actual"] + "}") if "actual" in table else None,
        required=read("required", Template.read, table["required"]) if "required" in table else None,
        cases=cases,
        params={**params, **fields},
    )
    _check_used(rule, check, table)
    return check


def _ending(rule: Rule, key: str, var: str, pattern: Pattern, params: dict[str, Any]) -> MatchSpec:
    if var not in pattern.variables:
        raise _bad(rule, key, f"a {key} pattern ends at ({var}): {pattern.text}", f"{key} 模式须以 ({var}) 结束：{pattern.text}")
    try:
        return MatchSpec.of([pattern], var, None, params)
    except PatternError as exc:
        raise _bad(rule, key, exc.message, exc.message_zh) from exc


def _bound(rule: Rule, key: str, value: Any, read: Any) -> int | Expression | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _bad(rule, key, f"must be a whole number or an expression, not {value!r}")
    return value if isinstance(value, int) else read(key, Expression.read, value)


def _let(rule: Rule, name: str, value: Any, params: dict[str, Any], read: Any) -> Let:
    key = f"let.{name}"
    if not isinstance(value, Mapping) or "pattern" not in value:
        raise _bad(rule, key, "a quantity is a table with a pattern and one of count, sum, first")
    modes = [m for m in ("count", "sum", "first") if m in value]
    if len(modes) != 1:
        raise _bad(rule, key, "give exactly one of count, sum, first")
    mode = modes[0]
    pattern = read(key, parse_pattern, value["pattern"])
    target, _, attr = str(value[mode]).partition(".")
    if mode == "sum" and not attr:
        raise _bad(rule, key, 'sum = "var.attribute": the attribute of a variable of the pattern')
    try:
        spec = MatchSpec.of([pattern], target, None, params)
    except PatternError as exc:
        raise _bad(rule, key, exc.message, exc.message_zh) from exc
    return Let(name, spec, mode, attr or None, value.get("attribute"))


def _case(rule: Rule, case: Any, read: Any) -> Case:
    if not isinstance(case, Mapping) or "when" not in case:
        raise _bad(rule, "case", "each [[case]] has a when")
    unknown = sorted(set(case) - {"when", "severity", "gap_en", "gap_zh", "actual"})
    if unknown:
        raise _bad(rule, "case", f"unknown key(s) {unknown}; a case has when, severity, gap_en, gap_zh, actual")

    def template(key: str, text: str | None = None) -> Template | None:
        found = case.get(key) if text is None else text
        return read(f"case.{key}", Template.read, found) if found is not None else None

    actual = case.get("actual")
    return Case(
        when=read("case.when", Expression.read, case["when"]),
        severity=template("severity"),
        gap_en=template("gap_en"),
        gap_zh=template("gap_zh"),
        actual=template("actual", None if actual is None else "{" + actual + "}"),
    )


def _check_used(rule: Rule, check: Check, table: Mapping[str, Any]) -> None:
    """Every parameter is used by something; the severities of cases are severities."""
    used: set[str] = set()
    specs: list[MatchSpec] = [s for s in (check.spec, *check.place, *(a for a in check.answer if not isinstance(a, str))) if s]
    specs += [let.spec for let in check.lets]
    for spec in specs:
        for pattern in spec.patterns:
            used |= params_of(pattern, spec.where)
    used |= params_of(None, check.focus.where)
    for pattern in check.focus.requires:
        used |= params_of(pattern)
    templates: list[Template | Expression | None] = [*check.norm, *check.gap, check.actual, check.required]
    templates += [
        check.low if isinstance(check.low, Expression) else None,
        check.high if isinstance(check.high, Expression) else None,
    ]
    for case in check.cases:
        templates += [case.when, case.severity, case.gap_en, case.gap_zh, case.actual]
    for item in templates:
        if item is not None:
            used |= item.names
    if table.get("each"):
        used.add(str(table["each"]))
    known = {"count", "min", "max", "day", "focus", "place", *check.params, *(let.name for let in check.lets)}
    named: list[tuple[str, Template | Expression | None]] = [("norm_en", check.norm[0]), ("norm_zh", check.norm[1])]
    named += [("gap_en", check.gap[0]), ("gap_zh", check.gap[1]), ("actual", check.actual), ("required", check.required)]
    named += [
        ("min", check.low if isinstance(check.low, Expression) else None),
        ("max", check.high if isinstance(check.high, Expression) else None),
    ]
    for case in check.cases:
        named += [("case.when", case.when), ("case.severity", case.severity), ("case.gap_en", case.gap_en)]
        named += [("case.gap_zh", case.gap_zh), ("case.actual", case.actual)]
    for key, item in named:
        unknown = sorted(item.names - known) if item is not None else []
        if unknown:
            raise _bad(
                rule,
                key,
                f"unknown name {unknown[0]!r}; an expression reads count, min, max, day, focus.attr, place.attr, "
                "the rule's parameters and lets",
                f"未知名称 {unknown[0]!r}",
            )
    raw = {k for k in rule.params if k not in DECLARATION}
    unused = sorted(raw - used)
    if unused:
        raise _bad(rule, unused[0], "unknown key: neither a key of a rule nor a parameter its patterns or words use")
    for case in check.cases:
        if case.severity is not None and case.severity.names <= set(check.params):
            severity = case.severity.render(check.params)
            if severity not in SEVERITY_ORDER:
                raise _bad(rule, "case.severity", f"must be high, medium or low, not {severity!r}")


@dataclass(frozen=True)
class RatioCheck:
    """One headline ratio, ready to run: of a rule (its checks' focus meeting it), or of links (what
    ``den`` binds from each focus node, and what ``num`` binds of that)."""

    decl: RatioDecl
    rule: str | None = None
    focus: Focus | None = None
    den: MatchSpec | None = None
    num: MatchSpec | None = None
    place: tuple[MatchSpec, ...] = ()


def ratio_checks(policy: Policy) -> dict[str, RatioCheck]:
    """The ratios of ``policy``, read (``ConfigurationError`` naming the table of one that cannot be)."""
    found: dict[str, RatioCheck] = {}
    for ratio_id, decl in policy.ratios.items():
        where = f"ratio.{ratio_id}"
        if decl.rule is not None:
            found[ratio_id] = RatioCheck(decl, rule=decl.rule)
            continue
        assert decl.focus is not None
        assert decl.of is not None
        assert decl.pattern is not None
        if decl.focus not in KINDS_BY_LABEL:
            raise ConfigurationError(f"policy [{where}.focus]: unknown label {decl.focus!r}", table=where)
        count = decl.count or FOCUS
        try:
            found[ratio_id] = RatioCheck(
                decl,
                focus=Focus.of(KINDS_BY_LABEL[decl.focus]),
                den=MatchSpec.of([decl.of], count),
                num=MatchSpec.of(_texts(decl.pattern), count),
                place=tuple(MatchSpec.of([text], AREA) for text in decl.place),
            )
        except PatternError as exc:
            raise ConfigurationError(
                f"policy [{where}]: {exc.message}", message_zh=f"政策文件 [{where}]：{exc.message_zh}", table=where
            ) from exc
    return found


__all__: Sequence[str] = [
    "ANSWERS",
    "AREA",
    "ORG",
    "ROLE_LINKS",
    "Case",
    "Check",
    "Let",
    "RatioCheck",
    "checks_of",
    "ratio_checks",
]
