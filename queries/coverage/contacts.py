"""1 + 10 contact rules (党员联系户): every household contacted, no member over-loaded.

* ``household-uncontacted`` — a household (户) no person CONTACTS. Households with a care tag
  (关爱标签: 独居老人, 空巢老人, 残疾人, 困难群众, 候鸟) get the policy's ``care_tagged_severity`` and so
  come first. The org responsible for the household's building (楼栋党小组, else the compound branch …)
  must assign a member.
* ``member-over-capacity`` — a person who CONTACTS more than ``max`` households. His or her own Party
  org (所在党组织) must rebalance; a person who is no member is left to the org of his or her home.

This module's loop over households is the hottest of all rules (400,000 at district scale): it
tests membership in the CONTACTS table only, and builds a finding only for a gap.

>>> sorted(RULES)
['household-uncontacted', 'member-over-capacity']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat
from typing import get_args

from orggraph.errors import ConfigurationError
from orggraph.model.enums import CareTag
from queries.coverage.atlas import Place
from queries.coverage.base import Assignee, K, L, Reporter, RuleFunc, links, nodes_in, param
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule, Severity

#: Care tags (关爱标签) in Chinese and English, by stored value.
CARE_ZH = {tag.value: tag.zh for tag in CareTag}
CARE_EN = {tag.value: tag.value.replace("_", " ") for tag in CareTag}


def care_severity(rule: Rule) -> Severity:
    """The severity of a care-tagged household (关爱对象), checked against high/medium/low."""
    value = param(rule, "care_tagged_severity")
    for severity in get_args(Severity):
        if value == severity:
            return severity  # type: ignore[no-any-return]
    raise ConfigurationError(
        f"coverage rule {rule.id}: care_tagged_severity must be high, medium or low, not {value!r}",
        message_zh=f"覆盖规则 {rule.id}：care_tagged_severity 须为 high、medium 或 low，而非 {value!r}",
        table=f"coverage.{rule.id}.care_tagged_severity",
    )


#: The norm of ``household-uncontacted`` (English, Chinese).
UNCONTACTED_NORM = ("every household is contacted by a Party member (1 + 10)", "每户都有党员联系（1+10）")
#: The norm of ``member-over-capacity`` (English, Chinese), ``{most}`` the rule's ``max``.
CAPACITY_NORM = ("a member contacts at most {most} households", "每名党员联系不超过{most}户")


def household_uncontacted(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Households no Party member contacts (1 + 10 联系户), care-tagged ones raised to their severity.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``household-uncontacted`` (parameter ``care_tagged_severity``) and the scope.

    Yields
    ------
    Finding
        Actual 0, required 1, for the org responsible for the household's building; the name is the
        household's address.
    """
    contacted = links(ix, L.CONTACTS, "in")
    yield from report_uncontacted(ix, rule, [h for h in nodes_in(ix, K.HOUSEHOLD, areas) if h not in contacted])


def report_uncontacted(ix: GraphIndex, rule: Rule, households: Iterable[str]) -> Iterator[Finding]:
    """The findings of :func:`household_uncontacted` for the uncontacted ``households`` (any engine)."""
    tagged_severity = care_severity(rule)
    report = Reporter(ix, rule, *UNCONTACTED_NORM)
    in_grid = links(ix, L.IN_GRID)
    attrs, parent, prefix_of = ix.graph._node, ix.parent, report.atlas.address_prefix
    shared: dict[tuple[str | None, str | None], tuple[Place, Assignee, str]] = {}  # per entrance and grid
    for household in households:
        found = attrs[household]
        entrance = parent.get(household)
        grids = in_grid.get(household)
        key = (entrance, grids[0] if grids else None)
        context = shared.get(key)
        if context is None:
            who = report.responsible(entrance or household)
            context = shared[key] = (report.household_place(household), who, prefix_of(entrance))
        where, who, prefix = context
        room = found.get("room")
        name = f"{prefix}{room}" if prefix and room else household.split(":", 1)[1]
        tags = found.get("care_tags")
        if tags:
            gap_zh = f"为关爱对象（{'、'.join(CARE_ZH.get(t, t) for t in tags)}），无党员联系"
            gap_en = f"is contacted by no Party member although care-tagged ({', '.join(CARE_EN.get(t, t) for t in tags)})"
            yield report.report(household, where, who, 0, 1, gap_en, gap_zh, severity=tagged_severity, name=name)
        else:
            yield report.report(household, where, who, 0, 1, "is contacted by no Party member", "无党员联系", name=name)


def _contacting(ix: GraphIndex, areas: set[str] | None, most: int) -> Iterable[tuple[str, list[str]]]:
    """The persons contacting more than ``most`` households: all, or those living in or contacting the scope."""
    contacts = links(ix, L.CONTACTS)
    if areas is None:
        return [(p, households) for p, households in contacts.items() if len(households) > most]
    households = nodes_in(ix, K.HOUSEHOLD, areas)
    near = set(chain.from_iterable(map(links(ix, L.CONTACTS, "in").get, households, repeat(()))))
    near.update(chain.from_iterable(map(links(ix, L.LIVES_IN, "in").get, households, repeat(()))))
    return [(p, contacts[p]) for p in near if len(contacts.get(p, ())) > most]


def anchor_of(homes: Sequence[str] | None, households: Iterable[str]) -> str:
    """Where a member is placed: the first home (LIVES_IN), else the first by id of the ``households`` contacted."""
    return homes[0] if homes else min(households)


def member_over_capacity(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Persons who contact more than ``max`` households (exactly ``max`` is fine).

    A person is placed at his or her home (LIVES_IN), else at the first household contacted.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``member-over-capacity`` (parameter ``max``) and the scope.

    Yields
    ------
    Finding
        Actual the households contacted, required ``max``, for the person's own Party org.
    """
    homes = links(ix, L.LIVES_IN)
    found: list[tuple[str, int, str]] = []
    for person, households in _contacting(ix, areas, int(param(rule, "max"))):
        anchor = anchor_of(homes.get(person), households)
        if areas is None or anchor in areas:
            found.append((person, len(households), anchor))
    yield from report_over_capacity(ix, rule, found)


def report_over_capacity(ix: GraphIndex, rule: Rule, found: Iterable[tuple[str, int, str]]) -> Iterator[Finding]:
    """The findings of :func:`member_over_capacity` for the (person, households contacted, anchor
    household — see :func:`anchor_of`) of ``found`` (any engine); reads the persons' MEMBER_OF."""
    most = int(param(rule, "max"))
    report = Reporter(ix, rule, *(text.format(most=most) for text in CAPACITY_NORM))
    member_of = links(ix, L.MEMBER_OF)
    for person, load, anchor in found:
        orgs = member_of.get(person)
        who = report.org(orgs[0]) if orgs else report.responsible(ix.parent.get(anchor, anchor))
        yield report.report(
            person, report.household_place(anchor), who, load, most, f"contacts {load} households", f"联系{load}户"
        )


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "household-uncontacted": household_uncontacted,
    "member-over-capacity": member_over_capacity,
}
