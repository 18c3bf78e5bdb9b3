"""The dual registration rules (双报到) in Cypher: members where they live, units where they sit.

* ``member-not-registered`` — the in-service members living (LIVES_IN) in a household of the scope
  (:func:`~queries.cypher.within.household_within`) and MEMBER_OF an org, with the communities they
  are REGISTERED_WITH and the community of the home: the nearest above it by PART_OF, else the one
  above its basic grid (IN_GRID), as :meth:`~queries.coverage.atlas.Atlas.household_path` places it.
  Kept when the home has a community the member is not registered with.
* ``unit-not-registered`` — live units with an active LOCATED_IN an area with a community (itself or
  above it, :func:`in_community`) and no active REGISTERED_WITH that community
  (``OPTIONAL MATCH … count(r) = 0``), found from the unit; in a scope, kept when the area they are
  located in lies in it (:func:`~queries.cypher.within.within`, a climb of a few steps per unit).

The ratio ``members_registered`` counts every such member, 1 of 1 when registered with the home's
community, placed there (summed per community on the server before :data:`~queries.cypher.place.PLACE`).

Findings are made by :func:`queries.coverage.registration.report_unregistered_members` and
:func:`~queries.coverage.registration.report_unregistered_units`, over the neighbourhood of what was
found plus the MEMBER_OF and PARTY_ORG_OF links those read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orggraph.model.enums import MemberStatus
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import label
from queries.coverage.findings import Finding
from queries.coverage.registration import report_unregistered_members, report_unregistered_units
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active, all_active, live
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE
from queries.cypher.rules import CypherRule, RatioCounter
from queries.cypher.within import add_links, household_within, within
from queries.policy import Policy, Rule

L = LinkKind
_PART_OF = L.PART_OF.value
_COMMUNITY = label(NodeKind.COMMUNITY.value)
_IN_SERVICE = MemberStatus.IN_SERVICE.value

#: Each in-service member ``p`` living (LIVES_IN, active) in a live household ``h`` — found from the
#: persons, not from every household of the scope: testing a link's period while expanding from each
#: of a district's 400,000 households costs FalkorDB seconds, from its members a fraction of that.
_RESIDENTS = (
    f"MATCH (p:{label(NodeKind.PERSON.value)})-[l:{L.LIVES_IN.value}]->(h:{label(NodeKind.HOUSEHOLD.value)}) "
    f"WHERE p.status = $status AND {active('l')} AND {live('h')} "
)
#: After :data:`_RESIDENTS` (and the scope): his or her ``org`` (MEMBER_OF), the communities
#: ``registered`` with, and ``home`` (the community node of the household, or null).
_MEMBERS = (
    f"OPTIONAL MATCH (p)-[m:{L.MEMBER_OF.value}]->(o) WHERE {active('m')} "
    "WITH h, p, min(o.id) AS org WHERE org IS NOT NULL "
    f"OPTIONAL MATCH (p)-[r:{L.REGISTERED_WITH.value}]->(reg) WHERE {active('r')} "
    "WITH h, p, org, collect(DISTINCT reg.id) AS registered "
    f"OPTIONAL MATCH pc = (h)-[:{_PART_OF}*1..{MAX_DEPTH}]->(c1:{_COMMUNITY}) WHERE {all_active('pc')} "
    "WITH h, p, org, registered, head(collect(c1)) AS c1 "
    f"OPTIONAL MATCH pg = (h)-[:{L.IN_GRID.value}]->(:{label(NodeKind.GRID.value)})-[:{_PART_OF}*1..{MAX_DEPTH}]->"
    f"(c2:{_COMMUNITY}) WHERE {all_active('pg')} "
    "WITH h, p, org, registered, c1, head(collect(c2)) AS c2 WITH h, p, org, registered, coalesce(c1, c2) AS home"
)


def residents(root: str | None) -> str:
    """:data:`_RESIDENTS` then :data:`_MEMBERS`, kept to the households of the scope ``$root``."""
    return f"{_RESIDENTS} {'' if root is None else household_within('h', 'h, p')} {_MEMBERS}"


def member_not_registered(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``member-not-registered`` in Cypher."""
    rest = (
        "WHERE home IS NOT NULL AND NOT (home.id IN registered) "
        "RETURN p.id AS node, h.id AS household, home.id AS home, registered, org"
    )
    rows = cg.run(f"{residents(root)} {rest}", root=root, status=_IN_SERVICE)
    rows.sort(key=lambda row: (str(row["node"]), str(row["household"])))
    found = [(row["node"], row["household"], row["home"], sorted(row["registered"])) for row in rows]
    ix = neighbourhood(cg, {node for row in rows for node in (row["node"], row["household"], row["org"])})
    add_links(ix, L.MEMBER_OF, ((row["node"], row["org"]) for row in rows))
    return report_unregistered_members(ix, rule, found)


def members_registered(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``members_registered``: per in-service member living in scope, 1 of 1 when registered
    with the home's community, placed at that community (nowhere without one)."""
    count = (
        "WITH home AS a, CASE WHEN home IS NOT NULL AND home.id IN registered THEN 1 ELSE 0 END AS num "
        f"WITH a, sum(num) AS num, count(*) AS den {PLACE}"
    )
    return cg.run(f"{residents(root)} {count}", root=root, status=_IN_SERVICE)


def in_community(keep: str) -> str:
    """``a``'s community ``c``: ``a`` itself, or the community above it (a grid's, a compound's: one,
    PART_OF being a tree); an area of the district or a street has none (no row). Keeps ``keep``."""
    return f"MATCH cp = (a)-[:{_PART_OF}*0..{MAX_DEPTH}]->(c:{_COMMUNITY}) WHERE {all_active('cp')} WITH {keep}, a, c "


_UNITS = (
    f"MATCH (u:{label(NodeKind.UNIT.value)}) WHERE {live('u')} "
    f"MATCH (u)-[l:{L.LOCATED_IN.value}]->(a) WHERE {active('l')} "
    f"{in_community('u')}"
    f"OPTIONAL MATCH (u)-[r:{L.REGISTERED_WITH.value}]->(c) WHERE {active('r')} "
    "WITH u, a, count(r) AS registered WHERE registered = 0 "
)
_UNIT_ORGS = (
    f"OPTIONAL MATCH (u)<-[po:{L.PARTY_ORG_OF.value}]-(o) WHERE {active('po')} "
    "RETURN u.id AS node, a.id AS area, min(o.id) AS org"
)


def unit_not_registered(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``unit-not-registered`` in Cypher."""
    scope = "" if root is None else within("a", "u, a")
    rows = sorted(cg.run(f"{_UNITS} {scope} {_UNIT_ORGS}", root=root), key=lambda row: (str(row["node"]), str(row["area"])))
    found = [(row["node"], row["area"]) for row in rows]
    ix = neighbourhood(cg, {node for row in rows for node in (row["node"], row["area"], row["org"]) if node is not None})
    add_links(ix, L.PARTY_ORG_OF, ((row["org"], row["node"]) for row in rows))
    return report_unregistered_units(ix, rule, found)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {
    "member-not-registered": member_not_registered,
    "unit-not-registered": unit_not_registered,
}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {"members_registered": members_registered}
