"""Property rules (物业治理): managed compounds, red property, Party members on owners' committees.

* ``compound-without-property-management`` — a compound (小区) no property company MANAGES; the
  org responsible for the compound (its branch, else the community org) answers.
* ``property-company-without-party-org`` — a property company (物业企业) with no Party org
  (PARTY_ORG_OF into it): not yet "red property" (红色物业). Building Party orgs in companies is a
  street-level task: the working committee of the street the company is located in answers.
* ``owners-committee-without-party-member`` — an owners' committee (业委会) on which fewer than
  ``min`` Party members (MEMBER_OF some org) sit (SITS_ON); the org responsible for its compound answers.

:func:`committee_seats` is shared with the summary (the Party-member share of seats).

>>> sorted(RULES)[0]
'compound-without-property-management'
"""

from __future__ import annotations

from collections.abc import Iterator

from orggraph.model.enums import UnitKind
from queries.coverage.base import K, L, Reporter, RuleFunc, in_scope, links, param, party_member, units_in, without_link_in
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule

_PROPERTY_COMPANY = UnitKind.PROPERTY_COMPANY.value

#: The norm of ``compound-without-property-management`` and its gap (English, Chinese).
MANAGEMENT_NORM = ("every compound has property management", "每个小区有物业管理")
MANAGEMENT_GAP = ("has no property management", "无物业管理")
#: The norm of ``property-company-without-party-org`` and its gap (English, Chinese).
RED_PROPERTY_NORM = ("every property company has a Party organisation (red property)", "物业企业建立党组织（红色物业）")
RED_PROPERTY_GAP = ("has no Party organisation", "未建立党组织")


def compound_without_property_management(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Compounds no property company manages (物业管理).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``compound-without-property-management`` (no parameters) and the scope.

    Yields
    ------
    Finding
        Actual 0, required 1, for the org responsible for the compound.
    """
    return without_link_in(ix, rule, areas, K.COMPOUND, L.MANAGES, MANAGEMENT_NORM, MANAGEMENT_GAP)


def property_company_without_party_org(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Property companies without a Party organisation of their own (红色物业).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``property-company-without-party-org`` (no parameters) and the scope;
        a company is placed where it is LOCATED_IN.

    Yields
    ------
    Finding
        Actual 0, required 1, for the street working committee (街道党工委) of the company's street.
    """
    attrs, with_org = ix.graph._node, links(ix, L.PARTY_ORG_OF, "in")
    found = [
        (unit, area)
        for unit, area in units_in(ix, areas)
        if attrs[unit].get("unit_kind") == _PROPERTY_COMPANY and unit not in with_org
    ]
    yield from report_companies_without_org(ix, rule, found)


def report_companies_without_org(ix: GraphIndex, rule: Rule, found: list[tuple[str, str | None]]) -> Iterator[Finding]:
    """The findings of :func:`property_company_without_party_org` for the companies ``found`` (unit, its area).

    Any engine: reads the companies, the areas above theirs and RESPONSIBLE_FOR.
    """
    report = Reporter(ix, rule, *RED_PROPERTY_NORM)
    for unit, area in found:
        street = ix.path(area).street if area is not None else None
        who = report.responsible(street or area)
        yield report.report(unit, report.place(area), who, 0, 1, *RED_PROPERTY_GAP)


def committee_seats(ix: GraphIndex, areas: set[str] | None) -> Iterator[tuple[str, str | None, int, int]]:
    """Every owners' committee in scope: (committee, its compound, seats, seats held by Party members).

    Parameters
    ----------
    ix
        The index of the day.
    areas
        The scope's node ids (a committee is in scope when its compound is), or ``None``.

    Yields
    ------
    tuple
        The committee's id, its compound (``None`` when it has none), the persons sitting on it and
        how many of them are Party members (:func:`~queries.coverage.base.party_member`).
    """
    of, sits, is_member = links(ix, L.OWNERS_COMMITTEE_OF), links(ix, L.SITS_ON, "in"), party_member(ix)
    for committee in ix.nodes(K.OWNERS_COMMITTEE):
        compounds = of.get(committee)
        compound = compounds[0] if compounds else None
        if not in_scope(compound, areas):
            continue
        seated = set(sits.get(committee, ()))
        yield committee, compound, len(seated), sum(1 for person in seated if is_member(person))


def owners_committee_without_party_member(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Owners' committees with fewer than ``min`` Party members sitting on them (业委会党员).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``owners-committee-without-party-member`` (parameter ``min``) and the scope.

    Yields
    ------
    Finding
        Actual the Party members seated, required ``min``, for the org responsible for the compound.
    """
    least = committee_minimum(rule)
    yield from report_committees(ix, rule, [seats for seats in committee_seats(ix, areas) if seats[3] < least])


def committee_minimum(rule: Rule) -> int:
    """The Party members that must sit on every owners' committee (the rule's ``min``)."""
    return int(param(rule, "min"))


def report_committees(ix: GraphIndex, rule: Rule, found: list[tuple[str, str | None, int, int]]) -> Iterator[Finding]:
    """The findings of :func:`owners_committee_without_party_member` for the committees ``found``.

    Any engine: ``found`` are rows of :func:`committee_seats` with too few members; reads the
    committees, the areas above their compounds and RESPONSIBLE_FOR.
    """
    least = committee_minimum(rule)
    report = Reporter(ix, rule, f"at least {least} Party members sit on every owners' committee", f"业委会中党员不少于{least}名")
    for committee, compound, seats, members in found:
        gap_en = f"has {members} Party members among {seats} seats"
        gap_zh = f"{seats}名成员中党员{members}名"
        yield report.report(committee, report.place(compound), report.responsible(compound), members, least, gap_en, gap_zh)


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "compound-without-property-management": compound_without_property_management,
    "property-company-without-party-org": property_company_without_party_org,
    "owners-committee-without-party-member": owners_committee_without_party_member,
}
