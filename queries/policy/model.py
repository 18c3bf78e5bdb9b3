"""The policy file's model (政策配置): coverage rules, ratios and escalation levels, as data a district edits.

Shipped defaults (``orggraph/data/policy.toml``, read and layered by :mod:`orggraph.policy_file`)
come from the case figures of the domain; a district points ``ORGGRAPH_POLICY`` (or ``--policy``) at
its own copy. A file may set only what it changes: it is laid over the defaults, rule by rule and level
by level, and may add rules and ratios of its own. Every rule, ratio and level has a stable id and a
Chinese and an English description; :func:`read_policy` refuses unknown keys and wrong values with the
file, the table and the reason (a rule's declaration is read by :mod:`queries.policy.rules`).

>>> policy = read_policy(None)
>>> policy.rule("grid-size-out-of-range").params["max"]
300
>>> policy.escalation.levels[0]
'contact'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orggraph.errors import ConfigurationError
from orggraph.policy_file import ImportPolicy, bad, import_policy, layered, shipped
from queries.policy.cases import CasePolicy

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
#: The severities in Chinese (严重程度: 高/中/低).
SEVERITY_ZH: dict[str, str] = {"high": "高", "medium": "中", "low": "低"}

#: The keys of a coverage rule's declaration (:mod:`queries.policy.rules`); every other key is a parameter.
DECLARATION = frozenset(
    {
        "focus",
        "where",
        "requires",
        "pattern",
        "count",
        "count_where",
        "min",
        "max",
        "let",
        "place",
        "answer",
        "norm_en",
        "norm_zh",
        "gap_en",
        "gap_zh",
        "actual",
        "required",
        "case",
        "each",
    }
)

#: Roles an escalation level may name.
ESCALATION_ROLES = frozenset(
    {
        "contacting_member",
        "central_household",
        "building_group_leader",
        "grid_worker",
        "grid_leader",
        "community_worker",
        "property_manager",
        "enforcement_officer",
        "branch_secretary",
        "community_secretary",
        "liaison_leader",
        "street_secretary",
        "department",
    }
)


class Rule(BaseModel):
    """One coverage rule: on or off, severity, descriptions, parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    enabled: bool = True
    severity: Severity
    zh: str
    en: str
    params: dict[str, Any] = Field(default_factory=dict)


class RatioDecl(BaseModel):
    """One headline ratio (主要指标): the share of a rule's focus meeting it (``rule``), or of what ``of``
    binds from ``focus`` that ``pattern`` binds too (``count`` the variable; ``place`` where it sits)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    zh: str
    en: str
    rule: str | None = None
    focus: str | None = None
    of: str | None = None
    pattern: str | list[str] | None = None
    count: str | None = None
    place: list[str] = Field(default_factory=list)
    norm: float | None = Field(default=None, ge=0, le=1)
    """The share the district aims for (达标线), drawn as a line on the page's charts; none for a watched share."""

    @model_validator(mode="after")
    def _one_form(self) -> RatioDecl:
        if (self.rule is None) == (self.focus is None or self.of is None or self.pattern is None):
            raise ValueError("give either rule, or focus, of and pattern")
        return self


class Level(BaseModel):
    """One escalation level: who answers and by when (minutes from the report)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    zh: str
    en: str
    roles: list[str]
    deadline_minutes: int = Field(gt=0)

    @model_validator(mode="after")
    def _known_roles(self) -> Level:
        unknown = sorted(set(self.roles) - ESCALATION_ROLES)
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; known: {sorted(ESCALATION_ROLES)}")
        return self


class CategoryRule(BaseModel):
    """What an issue category adds: roles per level id, and the co-building resource categories that help."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contact: list[str] = Field(default_factory=list)
    building: list[str] = Field(default_factory=list)
    grid: list[str] = Field(default_factory=list)
    community: list[str] = Field(default_factory=list)
    street: list[str] = Field(default_factory=list)
    helpers: list[str] = Field(default_factory=list)


class Escalation(BaseModel):
    """The escalation policy: the levels in order, deputies standing in, per-category additions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: list[str]
    deputies_stand_in: bool = True
    level: dict[str, Level]
    category: dict[str, CategoryRule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _levels_defined(self) -> Escalation:
        missing = [lv for lv in self.levels if lv not in self.level]
        if missing:
            raise ValueError(f"levels {missing} have no [escalation.level.<id>] table")
        return self

    def roles_at(self, level: str, category: str) -> list[str]:
        """The roles that answer at ``level`` for an issue of ``category``, category additions first."""
        extra: list[str] = getattr(self.category.get(category, CategoryRule()), level, [])
        return [*extra, *(r for r in self.level[level].roles if r not in extra)]


class Policy(BaseModel):
    """The effective policy: coverage rules by id and the escalation policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    coverage: dict[str, Rule]
    ratios: dict[str, RatioDecl] = Field(default_factory=dict)
    escalation: Escalation
    imports: ImportPolicy = Field(default_factory=ImportPolicy)
    cases: CasePolicy = Field(default_factory=CasePolicy)

    def rule(self, rule_id: str) -> Rule:
        return self.coverage[rule_id]

    def enabled(self) -> list[Rule]:
        return [r for r in self.coverage.values() if r.enabled]


def read_policy(path: Path | None) -> Policy:
    """The shipped defaults, with the file at ``path`` (if any) laid over them; its fields checked (the
    declarations of its rules are read by :func:`queries.policy.load_policy`)."""
    data, source = layered(path)
    imports = import_policy(path)
    shipped_rules = shipped().get("coverage", {})
    rules: dict[str, Rule] = {}
    for rule_id, table in data.get("coverage", {}).items():
        if not isinstance(table, dict):
            raise _bad(path, f"coverage.{rule_id}", "a rule is a table")
        fields = {k: table[k] for k in ("enabled", "severity", "zh", "en") if k in table}
        params = {k: v for k, v in table.items() if k not in fields}
        for name, value in params.items():  # a shipped parameter keeps its type (a district's copy of a number)
            expected = shipped_rules.get(rule_id, {}).get(name)
            if name not in DECLARATION and expected is not None and type(value) is not type(expected):
                raise _bad(path, f"coverage.{rule_id}.{name}", f"must be {type(expected).__name__}, not {value!r}")
        try:
            rules[rule_id] = Rule(id=rule_id, params=params, **fields)
        except ValidationError as exc:
            raise _bad(path, f"coverage.{rule_id}", _first(exc)) from exc
    ratios: dict[str, RatioDecl] = {}
    for ratio_id, table in data.get("ratio", {}).items():
        try:
            ratios[ratio_id] = RatioDecl(id=ratio_id, **table)
        except (ValidationError, TypeError) as exc:
            reason = _first(exc) if isinstance(exc, ValidationError) else str(exc)
            raise _bad(path, f"ratio.{ratio_id}", reason) from exc
        if ratios[ratio_id].rule is not None and ratios[ratio_id].rule not in rules:
            raise _bad(path, f"ratio.{ratio_id}.rule", f"no coverage rule {ratios[ratio_id].rule!r}")
    escalation = dict(data.get("escalation", {}))
    escalation["level"] = {k: {"id": k, **v} for k, v in escalation.get("level", {}).items()}
    try:
        checked = Escalation(**escalation)
    except ValidationError as exc:
        raise _bad(path, "escalation", _first(exc)) from exc
    try:
        cases = CasePolicy(**data.get("cases", {}))
    except (ValidationError, TypeError) as exc:
        raise _bad(path, "cases", _first(exc) if isinstance(exc, ValidationError) else str(exc)) from exc
    named = [*cases.clock.level, *(lv for c in cases.clock.category.values() for lv in c.level)]
    named += [lv for hook in cases.webhooks.values() for lv in hook.levels]
    unknown = sorted(set(named) - set(checked.level))
    if unknown:
        raise _bad(path, "cases", f"no escalation level {unknown[0]!r}; the levels are {', '.join(checked.levels)}")
    return Policy(source=source, coverage=rules, ratios=ratios, escalation=checked, imports=imports, cases=cases)


def _first(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _bad(path: Path | None, table: str, reason: str) -> ConfigurationError:
    return bad(path, table, reason)
