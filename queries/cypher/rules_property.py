"""The property rules (物业治理) in Cypher: managed compounds, red property, owners' committees.

Detection runs on the server; the findings are made by the networkx family's reporting code
(:mod:`queries.coverage.property`, :func:`~queries.coverage.base.report_unlinked`) over the
neighbourhood of what was found.

* ``compound-without-property-management`` — the compounds of the scope no active MANAGES points
  into (the areas family's ``OPTIONAL MATCH … count(r) = 0`` statement, :func:`~queries.cypher.rules_areas.unlinked`).
* ``property-company-without-party-org`` — the property companies (:func:`placed` with their
  LOCATED_IN area) with ``count(r) = 0`` active PARTY_ORG_OF into them.
* ``owners-committee-without-party-member`` — per owners' committee (placed at its compound) the
  distinct persons with an active SITS_ON and, of them, those with an active MEMBER_OF
  (``OPTIONAL MATCH … count``), kept when fewer than ``$least``.
* ratios ``compounds_with_property_management`` (per compound 1 of 1 when managed) and
  ``owners_committee_party_share`` (per committee its members of its seats), placed at the compound.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orggraph.model.enums import UnitKind
from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage.base import report_unlinked
from queries.coverage.findings import Finding
from queries.coverage.property import (
    MANAGEMENT_GAP,
    MANAGEMENT_NORM,
    committee_minimum,
    report_committees,
    report_companies_without_org,
)
from queries.cypher.graph import CypherGraph, active
from queries.cypher.linked import placed
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE, share_linked
from queries.cypher.rules import CypherRule, RatioCounter
from queries.cypher.rules_areas import unlinked
from queries.policy import Policy, Rule

L = LinkKind
K = NodeKind

#: After the opening of :func:`placed` over committees: each with ``seats`` (persons on it) and
#: ``members`` (of them, the Party members: MEMBER_OF some org, or stated members — ``party_member``).
_SEATS = (
    f"OPTIONAL MATCH (p)-[s:{L.SITS_ON.value}]->(n) WHERE {active('s')} WITH DISTINCT n, a, p "
    f"OPTIONAL MATCH (p)-[m:{L.MEMBER_OF.value}]->() WHERE {active('m')} WITH n, a, p, count(m) AS memberships "
    "WITH n, a, count(p) AS seats, "
    "toInteger(sum(CASE WHEN memberships > 0 OR p.party_member = true THEN 1 ELSE 0 END)) AS members"
)


def compound_without_property_management(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``compound-without-property-management`` in Cypher."""
    found = unlinked(cg, (K.COMPOUND, L.MANAGES), root)
    return report_unlinked(neighbourhood(cg, found), rule, found, MANAGEMENT_NORM, MANAGEMENT_GAP)


def companies_without_party_org(cg: CypherGraph, root: str | None) -> list[tuple[str, str | None]]:
    """The property companies in scope without a Party org of their own, each with its area (unit, area)."""
    rest = (
        f"OPTIONAL MATCH (n)<-[r:{L.PARTY_ORG_OF.value}]-() WHERE {active('r')} WITH n, a, count(r) AS c WHERE c = 0 "
        "RETURN n.id AS unit, a.id AS area"
    )
    rows = placed(cg, K.UNIT, L.LOCATED_IN, root, rest, where="n.unit_kind = $company", company=UnitKind.PROPERTY_COMPANY.value)
    return sorted((row["unit"], row["area"]) for row in rows)


def property_company_without_party_org(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``property-company-without-party-org`` in Cypher."""
    found = companies_without_party_org(cg, root)
    ix = neighbourhood(cg, [*(unit for unit, _ in found), *(area for _, area in found if area is not None)])
    return report_companies_without_org(ix, rule, found)


def committees_short_of_members(cg: CypherGraph, least: int, root: str | None) -> list[tuple[str, str | None, int, int]]:
    """The owners' committees in scope with fewer than ``least`` Party members seated, as
    :func:`~queries.coverage.property.committee_seats` rows (committee, compound, seats, members)."""
    rest = f"{_SEATS} WHERE members < $least RETURN n.id AS committee, a.id AS compound, seats, members"
    rows = placed(cg, K.OWNERS_COMMITTEE, L.OWNERS_COMMITTEE_OF, root, rest, least=least)
    return sorted((row["committee"], row["compound"], int(row["seats"]), int(row["members"])) for row in rows)


def owners_committee_without_party_member(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``owners-committee-without-party-member`` in Cypher."""
    found = committees_short_of_members(cg, committee_minimum(rule), root)
    ix = neighbourhood(cg, [*(row[0] for row in found), *(row[1] for row in found if row[1] is not None)])
    return report_committees(ix, rule, found)


def compounds_with_property_management(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``compounds_with_property_management``: per compound 1 of 1 when a company MANAGES it."""
    return share_linked(cg, K.COMPOUND, L.MANAGES, root)


def owners_committee_party_share(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``owners_committee_party_share``: per committee its seats held by Party members of its seats."""
    rest = f"{_SEATS} WITH a, members AS num, seats AS den {PLACE}"
    return placed(cg, K.OWNERS_COMMITTEE, L.OWNERS_COMMITTEE_OF, root, rest)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {
    "compound-without-property-management": compound_without_property_management,
    "property-company-without-party-org": property_company_without_party_org,
    "owners-committee-without-party-member": owners_committee_without_party_member,
}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {
    "compounds_with_property_management": compounds_with_property_management,
    "owners_committee_party_share": owners_committee_party_share,
}
