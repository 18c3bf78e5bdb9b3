"""Dual registration rules (双报到): members where they live, units where they sit.

* ``member-not-registered`` — a Party member (MEMBER_OF an org) in service (在职党员) who LIVES_IN a
  household of community C but is not REGISTERED_WITH C. Registered with another community counts
  as not registered where he or she lives. The member's own org (所在党组织) answers.
* ``unit-not-registered`` — a work unit (单位) LOCATED_IN a community or an area below it (a grid, a
  compound) but not REGISTERED_WITH that community (单位党组织到所在社区报到); registered with another
  community counts as not registered where it sits, as for members. Units of the district or a street
  (区直、街道单位) sit in no community and are not checked. The unit's Party org answers (else the org
  responsible for where it sits).

:func:`home_registrations` is shared with the summary (the share of in-service members registered
where they live).

>>> sorted(RULES)
['member-not-registered', 'unit-not-registered']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, repeat

from orggraph.model.enums import MemberStatus
from queries.coverage.atlas import atlas_for, code_of
from queries.coverage.base import Assignee, K, L, Reporter, RuleFunc, community_units, links, nodes_in
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule

_IN_SERVICE = MemberStatus.IN_SERVICE.value


def home_registrations(ix: GraphIndex, areas: set[str] | None) -> Iterator[tuple[str, str, str | None, list[str]]]:
    """Every in-service member living in scope: (person, home, community of the home, communities registered with).

    Parameters
    ----------
    ix
        The index of the day.
    areas
        The scope's node ids, or ``None`` for the whole graph.

    Yields
    ------
    tuple
        The person's id, his or her household, that household's community (``None`` when it has
        none) and the communities he or she is REGISTERED_WITH.
    """
    homes, member_of, registered = links(ix, L.LIVES_IN), links(ix, L.MEMBER_OF), links(ix, L.REGISTERED_WITH)
    pairs: Iterable[tuple[str, str]]
    if areas is None:
        pairs = ((person, households[0]) for person, households in homes.items())
    else:
        lives_in = links(ix, L.LIVES_IN, "in")
        residents = chain.from_iterable(map(lives_in.get, nodes_in(ix, K.HOUSEHOLD, areas), repeat(())))
        pairs = ((person, homes[person][0]) for person in residents)
    attrs, path = ix.graph._node, atlas_for(ix).household_path
    for person, home in pairs:
        if person in member_of and attrs[person].get("status") == _IN_SERVICE:
            yield person, home, path(home).community, registered.get(person, [])


def member_not_registered(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """In-service members not registered with the community they live in (党员到居住地社区报到).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``member-not-registered`` (no parameters) and the scope.

    Yields
    ------
    Finding
        Actual the community registered with (its code, or ``"none"``), required the home
        community's code, for the member's own Party org.
    """
    found = [
        (person, home, community, registered)
        for person, home, community, registered in home_registrations(ix, areas)
        if community is not None and community not in registered
    ]
    yield from report_unregistered_members(ix, rule, found)


def report_unregistered_members(ix: GraphIndex, rule: Rule, found: list[tuple[str, str, str, list[str]]]) -> Iterator[Finding]:
    """The findings of :func:`member_not_registered` for ``found`` (any engine).

    ``found`` holds (person, home, community of the home, communities registered with) as
    :func:`home_registrations` yields them; ``ix`` needs the persons, their homes' places and their
    MEMBER_OF links.
    """
    report = Reporter(
        ix, rule, "an in-service member registers with the community he or she lives in", "在职党员到居住地社区报到"
    )
    member_of = links(ix, L.MEMBER_OF)
    for person, home, community, registered in found:
        elsewhere = code_of(min(registered)) if registered else None
        where = report.household_place(home)
        who = report.org(member_of[person][0])
        if elsewhere is None:
            gap_en, gap_zh = f"is not registered with {where.community_name}", f"未到居住地{where.community_name}报到"
        else:
            gap_en, gap_zh = (
                f"is registered with {elsewhere}, not with {where.community_name}",
                f"报到于{elsewhere}，未到居住地报到",
            )
        yield report.report(person, where, who, elsewhere or "none", str(code_of(community)), gap_en, gap_zh)


def unit_assignee(ix: GraphIndex, report: Reporter, unit: str, area: str | None) -> Assignee:
    """Who answers for a unit's gap: its own Party org (单位党组织), else the org responsible for its area."""
    orgs = links(ix, L.PARTY_ORG_OF, "in").get(unit)
    return report.org(min(orgs)) if orgs else report.responsible(area)


def unit_not_registered(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Work units located in an area but registered with no community (单位到社区报到).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``unit-not-registered`` (no parameters) and the scope.

    Yields
    ------
    Finding
        Actual 0, required 1, for the unit's Party org.
    """
    registered = links(ix, L.REGISTERED_WITH)
    found = [(unit, area) for unit, area, community in community_units(ix, areas) if community not in registered.get(unit, ())]
    yield from report_unregistered_units(ix, rule, found)


def report_unregistered_units(ix: GraphIndex, rule: Rule, found: list[tuple[str, str]]) -> Iterator[Finding]:
    """The findings of :func:`unit_not_registered` for ``found`` (unit, area it is LOCATED_IN) pairs (any engine).

    ``ix`` needs the units, the places of their areas and the orgs answering there, and the units'
    Party orgs (PARTY_ORG_OF).
    """
    report = Reporter(ix, rule, "a work unit registers with the community it is located in", "驻区单位党组织到所在社区报到")
    for unit, area in found:
        who = unit_assignee(ix, report, unit, area)
        yield report.report(
            unit, report.place(area), who, 0, 1, "is not registered with the community it is located in", "未到所在社区报到"
        )


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "member-not-registered": member_not_registered,
    "unit-not-registered": unit_not_registered,
}
