"""The summary of a coverage run (覆盖情况汇总): per street, per community and in total.

For each area: findings per rule and per severity, and the headline ratios (主要指标) as fractions in
[0, 1] with numerator and denominator — see :data:`RATIOS`. A ratio with nothing to count (a
denominator of 0) is 1.0: nothing is missing. The ratios read the graph itself, not the findings,
and share their counting with the rules so that both always agree.

>>> Ratio(3, 4).value, Ratio(0, 0).value
(0.75, 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from queries.coverage.atlas import atlas_for, code_of
from queries.coverage.base import K, L, links, nodes_in, param, party_member
from queries.coverage.findings import Finding
from queries.coverage.grids import basic_grids, role_links
from queries.coverage.liaison import leader_counts, leader_rank
from queries.coverage.projects import bound_units, live_projects
from queries.coverage.property import committee_seats
from queries.coverage.registration import home_registrations
from queries.index import GraphIndex
from queries.policy import Policy

if TYPE_CHECKING:
    from queries.coverage.run import CoverageResult

#: The headline ratios: name → (Chinese, English).
RATIOS: dict[str, tuple[str, str]] = {
    "households_contacted": ("住户党员联系率", "households contacted by a Party member"),
    "grids_fully_staffed": ("一格三员配齐率", "basic grids with every staff role filled"),
    "buildings_with_group": ("楼栋党小组覆盖率", "buildings with a Party group"),
    "communities_meeting_liaison_norm": ("包联领导达标社区占比", "communities meeting the liaison-leader norm"),
    "members_registered": ("在职党员居住地报到率", "in-service members registered where they live"),
    "units_with_live_project": ("单位在期共建项目覆盖率", "work units with a live co-building project"),
    "compounds_with_property_management": ("小区物业管理覆盖率", "compounds with property management"),
    "grid_leaders_party_members": ("网格长党员占比", "grid-leader posts held by Party members"),
    "owners_committee_party_share": ("业委会党员占比", "owners' committee seats held by Party members"),
}
SEVERITIES = ("high", "medium", "low")

Key = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class Ratio:
    """A fraction with its parts: ``value`` = numerator / denominator (1.0 when there is nothing to count)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float:
        return self.numerator / self.denominator if self.denominator else 1.0

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
        """The households in the area (the denominator of ``households_contacted``)."""
        return self.ratios["households_contacted"].denominator

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
    totals: AreaSummary
    streets: list[AreaSummary] = field(default_factory=list)
    communities: list[AreaSummary] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "ratio_names": {name: {"zh": zh, "en": en} for name, (zh, en) in RATIOS.items()},
            "totals": self.totals.to_dict(),
            "streets": [s.to_dict() for s in self.streets],
            "communities": [c.to_dict() for c in self.communities],
        }


class _Tally:
    """Numerators and denominators per (street, community) node ids; areas placed by the index's atlas."""

    def __init__(self, ix: GraphIndex) -> None:
        self.path = atlas_for(ix).path
        self.counts: dict[Key, dict[str, list[int]]] = {}

    def add(self, area: str | None, ratio: str, numerator: int, denominator: int) -> None:
        if area is None:
            key: Key = (None, None)
        else:
            path = self.path(area)
            key = (path.street, path.community)
        counts = self.counts.get(key)
        if counts is None:
            counts = self.counts[key] = {name: [0, 0] for name in RATIOS}
        pair = counts[ratio]
        pair[0] += numerator
        pair[1] += denominator

    def by_code(self, ix: GraphIndex, names: dict[str | None, str | None]) -> dict[Key, dict[str, list[int]]]:
        """The counts keyed by (street code, community code); the names of both go to ``names``."""
        coded: dict[Key, dict[str, list[int]]] = {}
        for (street, community), counts in self.counts.items():
            for node in (street, community):
                if node is not None:
                    names[code_of(node)] = ix.name(node)
            coded[code_of(street), code_of(community)] = counts
        return coded


def _count(ix: GraphIndex, policy: Policy, areas: set[str] | None) -> _Tally:
    """Count every ratio's numerator and denominator over the scope."""
    tally = _Tally(ix)
    add = tally.add
    contacted, children = links(ix, L.CONTACTS, "in"), ix.children
    for entrance in nodes_in(ix, K.ENTRANCE, areas):
        households = children.get(entrance, ())
        add(entrance, "households_contacted", len(contacted.keys() & households), len(households))
    staff = [links(ix, link, "in") for _, link in role_links(policy.rule("grid-missing-role"))]
    for grid, _ in basic_grids(ix, areas):
        add(grid, "grids_fully_staffed", all(grid in table for table in staff), 1)
    led = links(ix, L.RESPONSIBLE_FOR, "in")
    for building in nodes_in(ix, K.BUILDING, areas):
        add(building, "buildings_with_group", building in led, 1)
    liaison = policy.rule("community-few-liaison-leaders")
    least = int(param(liaison, "min"))
    for community, count in leader_counts(ix, nodes_in(ix, K.COMMUNITY, areas), leader_rank(liaison)).items():
        add(community, "communities_meeting_liaison_norm", count >= least, 1)
    for _, _, home, registered in home_registrations(ix, areas):
        add(home, "members_registered", home in registered, 1)
    for unit, area in bound_units(ix, areas):
        add(area, "units_with_live_project", live_projects(ix, unit) > 0, 1)
    managed = links(ix, L.MANAGES, "in")
    for compound in nodes_in(ix, K.COMPOUND, areas):
        add(compound, "compounds_with_property_management", compound in managed, 1)
    leaders, is_member = links(ix, L.GRID_LEADER_OF, "in"), party_member(ix)
    for grid in nodes_in(ix, K.GRID, areas):
        persons = leaders.get(grid, ())
        add(grid, "grid_leaders_party_members", sum(1 for p in persons if is_member(p)), len(persons))
    for _, of_compound, seats, members in committee_seats(ix, areas):
        add(of_compound, "owners_committee_party_share", members, seats)
    return tally


def _area(
    level: str,
    code: str | None,
    name: str | None,
    street: str | None,
    keys: list[Key],
    counts: dict[Key, dict[str, list[int]]],
    found: dict[Key, Counter[tuple[str, str]]],
    rules: list[str],
) -> AreaSummary:
    """The summary of the keys ``keys`` (one community, a street's communities, or all)."""
    sums = {ratio: [0, 0] for ratio in RATIOS}
    by_rule = dict.fromkeys(rules, 0)
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for key in keys:
        for ratio, (num, den) in counts.get(key, {}).items():
            sums[ratio][0] += num
            sums[ratio][1] += den
        for (rule, severity), n in found.get(key, Counter()).items():
            by_rule[rule] = by_rule.get(rule, 0) + n
            by_severity[severity] += n
    ratios = {ratio: Ratio(num, den) for ratio, (num, den) in sums.items()}
    return AreaSummary(level, code, name, street, sum(by_severity.values()), by_rule, by_severity, ratios)


def summarise(
    ix: GraphIndex, findings: Sequence[Finding], policy: Policy, areas: set[str] | None, rules: list[str]
) -> CoverageSummary:
    """Summarise ``findings`` and the scope's ratios per street and community, and in total.

    Parameters
    ----------
    ix
        The index of the day.
    findings
        The findings of the run.
    policy
        The policy (the grid roles and the liaison norm shape two ratios).
    areas
        The scope's node ids, or ``None``.
    rules
        The rule ids that were run (every one gets a count, zeros included).
    """
    names: dict[str | None, str | None] = {None: None}
    counts = _count(ix, policy, areas).by_code(ix, names)
    return summarise_counts(counts, names, findings, rules)


def summarise_counts(
    counts: dict[Key, dict[str, list[int]]],
    names: dict[str | None, str | None],
    findings: Sequence[Finding],
    rules: list[str],
) -> CoverageSummary:
    """The summary from the ratios' counts per (street code, community code) and the findings (any engine).

    ``names`` maps street and community codes to names (more are taken from the findings).
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
        totals=_area("total", None, None, None, keys, counts, found, rules),
        streets=[_area("street", s, names.get(s), None, ks, counts, found, rules) for s, ks in streets.items()],
        communities=[
            _area("community", k[1], names.get(k[1]), k[0], [k], counts, found, rules) for k in keys if k[1] is not None
        ],
    )


def worst_communities(result: CoverageResult, n: int = 10) -> list[AreaSummary]:
    """The ``n`` communities most in need: most high-severity findings per household, then most findings.

    Parameters
    ----------
    result
        A coverage run.
    n
        How many communities to return.
    """

    def need(area: AreaSummary) -> tuple[float, int, str]:
        high = area.by_severity["high"]
        return (-(high / area.households if area.households else float(high)), -area.findings, area.code or "")

    return sorted(result.summary.communities, key=need)[:n]
