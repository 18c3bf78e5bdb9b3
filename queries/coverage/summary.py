"""The summary of a coverage run (覆盖情况汇总): per street, per community and in total.

For each area: findings per rule and per severity, and the headline ratios (主要指标) the policy
declares (``[ratio.<name>]``) as fractions in [0, 1] with numerator and denominator. A ratio of a rule
is the share of the rule's focus in the area that meets it (its nodes without a finding: the same
count as the rule, by construction); a ratio of links is the share of what a pattern binds that
another binds too (grid-leader posts held by Party members). A ratio with nothing to count (a
denominator of 0) has no value (``None``: "—" on screen and in exports), not 100%: a grid whose scope
holds no household has met no norm.

>>> Ratio(3, 4).value, Ratio(0, 0).value
(0.75, None)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from orggraph.store.view import DayView, Subtree
from queries.coverage.checks import Tally, run_check
from queries.coverage.findings import Finding
from queries.coverage.places import Atlas, atlas_for, code_of
from queries.policy import Policy, checks_of, ratio_checks
from queries.policy.rules import RatioCheck

SEVERITIES = ("high", "medium", "low")

Key = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class Ratio:
    """A fraction with its parts: ``value`` = numerator / denominator (``None`` when there is nothing to count)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


@dataclass
class AreaSummary:
    """One street, community or the total: findings per rule and severity, and the ratios."""

    level: str
    code: str | None
    name: str | None
    street: str | None
    findings: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    ratios: dict[str, Ratio]

    @property
    def households(self) -> int:
        """The households in the area (the denominator of ``households_contacted``, 0 without that ratio)."""
        found = self.ratios.get("households_contacted")
        return found.denominator if found is not None else 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.level == "community":
            out["street"] = self.street
        out |= {"households": self.households, "findings": self.findings, "by_rule": self.by_rule}
        out |= {"by_severity": self.by_severity, "ratios": {k: r.to_dict() for k, r in self.ratios.items()}}
        return out


@dataclass
class CoverageSummary:
    """The whole summary: the rules run, the totals, every street and every community (codes sorted)."""

    rules: list[str]
    ratio_names: dict[str, tuple[str, str]]
    totals: AreaSummary
    streets: list[AreaSummary] = field(default_factory=list)
    communities: list[AreaSummary] = field(default_factory=list)
    ratio_norms: dict[str, float] = field(default_factory=dict)
    #: Every rule of the policy: id → (Chinese name, English name).
    rule_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "ratio_names": {name: {"zh": zh, "en": en} for name, (zh, en) in self.ratio_names.items()},
            "ratio_norms": self.ratio_norms,
            "rule_names": {rule: {"zh": zh, "en": en} for rule, (zh, en) in self.rule_names.items()},
            "totals": self.totals.to_dict(),
            "streets": [s.to_dict() for s in self.streets],
            "communities": [c.to_dict() for c in self.communities],
        }

    def rule_zh(self, rule: str) -> str:
        """The Chinese name of ``rule`` (its id when the policy does not name it)."""
        return self.rule_names.get(rule, (rule, rule))[0]


def ratio_names(policy: Policy) -> dict[str, tuple[str, str]]:
    """The policy's headline ratios: name → (Chinese, English)."""
    return {name: (ratio.zh, ratio.en) for name, ratio in policy.ratios.items()}


def ratio_norms(policy: Policy) -> dict[str, float]:
    """The headline ratios' norms (达标线) the policy sets: name → share; a ratio without one is left out."""
    return {name: ratio.norm for name, ratio in policy.ratios.items() if ratio.norm is not None}


def rule_names(policy: Policy) -> dict[str, tuple[str, str]]:
    """The policy's coverage rules: id → (Chinese name, English name)."""
    return {rule.id: (rule.zh, rule.en) for rule in policy.coverage.values()}


def _link_ratio(view: DayView, ratio: RatioCheck, scope: Subtree | None, atlas: Atlas, add: Any) -> None:
    """A ratio of links: per focus node in scope, what ``den`` binds and how many of those ``num`` binds."""
    assert ratio.focus is not None
    assert ratio.den is not None
    assert ratio.num is not None
    focus = ratio.focus.within(scope.root) if scope is not None and not ratio.place else ratio.focus
    nodes = [node for node, _ in view.scan(focus, None, None, None)]
    places: dict[str, str | None] = {node: node for node in nodes}
    if ratio.place:
        places = dict.fromkeys(nodes)
        left = list(nodes)
        for spec in ratio.place:
            bound = view.bind(spec, left)
            for node in left:
                if node in bound:
                    places[node] = bound[node][0]
            left = [n for n in left if places[n] is None]
        if scope is not None:
            nodes = [n for n in nodes if places[n] is not None and places[n] in scope]
    den, num = view.bind(ratio.den, nodes), view.bind(ratio.num, nodes)
    for node in nodes:
        whole = set(den.get(node, ()))
        add(places[node], ratio.decl.id, len(whole & set(num.get(node, ()))), len(whole))


def count_ratios(
    view: DayView, policy: Policy, scope: Subtree | None, tallies: dict[str, Tally]
) -> dict[Key, dict[str, list[int]]]:
    """Every ratio's numerator and denominator per (street, community) node ids. ``tallies`` holds the
    rules already run (their focus and findings per place); a rule a ratio needs that was not run is run
    here (its findings left out of the run)."""
    atlas = atlas_for(view)
    names = list(policy.ratios)
    counts: dict[Key, dict[str, list[int]]] = {}

    def pair(key: Key, ratio: str) -> list[int]:
        found = counts.get(key)
        if found is None:
            found = counts[key] = {name: [0, 0] for name in names}
        return found[ratio]

    def add(area: str | None, ratio: str, numerator: int, denominator: int) -> None:
        path = atlas.path(area) if area is not None else None
        counted = pair((path.street, path.community) if path else (None, None), ratio)
        counted[0] += numerator
        counted[1] += denominator

    for name, ratio in ratio_checks(policy).items():
        if ratio.rule is None:
            _link_ratio(view, ratio, scope, atlas, add)
            continue
        tally = tallies.get(ratio.rule)
        if tally is None:
            tally = tallies[ratio.rule] = Tally()
            for check in checks_of(policy.rule(ratio.rule)):
                run_check(view, check, scope, tally)
        for key, total in tally.focus.items():
            counted = pair(key, name)
            counted[0] += total - tally.found.get(key, 0)
            counted[1] += total
    return counts


def by_code(
    view: DayView, counts: dict[Key, dict[str, list[int]]], names: dict[str | None, str | None]
) -> dict[Key, dict[str, list[int]]]:
    """The counts keyed by (street code, community code); the names of both go to ``names``."""
    atlas = atlas_for(view)
    coded: dict[Key, dict[str, list[int]]] = {}
    for (street, community), found in counts.items():
        for node in (street, community):
            if node is not None:
                names[code_of(node)] = atlas.name(node)
        coded[code_of(street), code_of(community)] = found
    return coded


def _area(
    level: str,
    code: str | None,
    name: str | None,
    street: str | None,
    keys: list[Key],
    counts: dict[Key, dict[str, list[int]]],
    found: dict[Key, Counter[tuple[str, str]]],
    rules: list[str],
    ratios: dict[str, tuple[str, str]],
) -> AreaSummary:
    """The summary of the keys ``keys`` (one community, a street's communities, or all)."""
    by_rule = dict.fromkeys(rules, 0)
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for key in keys:
        for (rule, severity), n in found.get(key, Counter()).items():
            by_rule[rule] = by_rule.get(rule, 0) + n
            by_severity[severity] += n
    shares = summed(ratios, (counts.get(key, {}) for key in keys))
    return AreaSummary(level, code, name, street, sum(by_severity.values()), by_rule, by_severity, shares)


def summed(names: Iterable[str], parts: Iterable[dict[str, list[int]]]) -> dict[str, Ratio]:
    """Each ratio of ``names`` over ``parts`` (the counts of places: ratio → [numerator, denominator]).

    >>> summed(["a"], [{"a": [1, 2]}, {"a": [2, 2]}, {}])
    {'a': Ratio(numerator=3, denominator=4)}
    """
    sums = {name: [0, 0] for name in names}
    for part in parts:
        for name, (numerator, denominator) in part.items():
            sums[name][0] += numerator
            sums[name][1] += denominator
    return {name: Ratio(numerator, denominator) for name, (numerator, denominator) in sums.items()}


def summarise(
    view: DayView,
    findings: Sequence[Finding],
    policy: Policy,
    scope: Subtree | None,
    rules: list[str],
    tallies: dict[str, Tally],
) -> CoverageSummary:
    """Summarise ``findings`` and the scope's ratios per street and community, and in total.

    Parameters
    ----------
    view
        The graph of the day.
    findings
        The findings of the run.
    policy
        The policy: its ratios, and the rules they measure.
    scope
        The scope's subtree, or ``None``.
    rules
        The rule ids that were run (every one gets a count, zeros included).
    tallies
        The focus and findings per place of the rules run (:class:`~queries.coverage.checks.Tally`).
    """
    names: dict[str | None, str | None] = {None: None}
    counts = by_code(view, count_ratios(view, policy, scope, tallies), names)
    summary = summarise_counts(counts, names, findings, rules, ratio_names(policy), rule_names(policy))
    summary.ratio_norms = ratio_norms(policy)
    return summary


def summarise_counts(
    counts: dict[Key, dict[str, list[int]]],
    names: dict[str | None, str | None],
    findings: Sequence[Finding],
    rules: list[str],
    ratios: dict[str, tuple[str, str]],
    rule_names: dict[str, tuple[str, str]] | None = None,
) -> CoverageSummary:
    """The summary from the ratios' counts per (street code, community code) and the findings.

    ``names`` maps street and community codes to names (more are taken from the findings); ``ratios``
    names the ratios and ``rule_names`` the rules (id → (Chinese, English)).
    """
    found: dict[Key, Counter[tuple[str, str]]] = {}
    for finding in findings:
        key = (finding.street, finding.community)
        tally = found.get(key)
        if tally is None:
            tally = found[key] = Counter()
            names.setdefault(finding.street, finding.street_name)
            names.setdefault(finding.community, finding.community_name)
        tally[finding.rule, finding.severity] += 1
    keys = sorted(set(counts) | set(found), key=lambda k: (k[0] or "", k[1] or ""))
    streets: dict[str, list[Key]] = {}
    for key in keys:
        if key[0] is not None:
            streets.setdefault(key[0], []).append(key)
    return CoverageSummary(
        rules=list(rules),
        ratio_names=ratios,
        totals=_area("total", None, None, None, keys, counts, found, rules, ratios),
        streets=[_area("street", s, names.get(s), None, ks, counts, found, rules, ratios) for s, ks in streets.items()],
        communities=[
            _area("community", k[1], names.get(k[1]), k[0], [k], counts, found, rules, ratios) for k in keys if k[1] is not None
        ],
        rule_names=dict(rule_names or {}),
    )
