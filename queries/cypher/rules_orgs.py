"""The organisation rule (党组织建设) in Cypher: Party orgs without a secretary in post.

``org-without-secretary`` — live Party orgs no active SECRETARY_OF points into
(``OPTIONAL MATCH … count(s) = 0``), each placed as :func:`queries.coverage.orgs.org_area` places
it: up its SUBORDINATE_TO chain (itself first, every link active), the nearest org that is
RESPONSIBLE_FOR an area or whose unit (PARTY_ORG_OF) is LOCATED_IN one gives the area. In a scope the
org is kept when that area lies in it (:func:`~queries.cypher.within.within`). Findings are made by
:func:`queries.coverage.orgs.report_vacant_orgs` over the neighbourhood of the orgs, their areas and
their parents, plus the SUBORDINATE_TO links it reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE, label
from queries.coverage.findings import Finding
from queries.coverage.orgs import report_vacant_orgs
from queries.cypher.graph import CypherGraph, active, all_active, live
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.rules import CypherRule, RatioCounter
from queries.cypher.within import add_links, within
from queries.policy import Rule

L = LinkKind

#: How far up the Party tree :func:`~queries.coverage.orgs.org_area` looks (the org and 31 above it).
_CLIMB = 31

#: Each live org without a secretary, and ``area``: the id of the area it belongs to (or null).
_VACANT = (
    f"MATCH (o:{label(NodeKind.PARTY_ORG.value)}) WHERE {live('o')} AND coalesce(o.external, false) = false "
    f"OPTIONAL MATCH (o)<-[s:{L.SECRETARY_OF.value}]-() WHERE {active('s')} "
    "WITH o, count(s) AS secretaries WHERE secretaries = 0 "
    f"OPTIONAL MATCH p = (o)-[:{L.SUBORDINATE_TO.value}*0..{_CLIMB}]->(up) WHERE {all_active('p')} "
    f"OPTIONAL MATCH (up)-[r:{L.RESPONSIBLE_FOR.value}]->(led) WHERE {active('r')} "
    "WITH o, up, length(p) AS d, min(led.id) AS led "
    f"OPTIONAL MATCH (up)-[po:{L.PARTY_ORG_OF.value}]->()-[l:{L.LOCATED_IN.value}]->(at) WHERE {active('po')} AND {active('l')} "
    "WITH o, d, led, min(at.id) AS at WITH o, d, coalesce(led, at) AS area "
    "WITH o, collect([d, area]) AS found, min(CASE WHEN area IS NULL THEN null ELSE d END) AS nearest "
    "WITH o, head([x IN found WHERE x[0] = nearest | x[1]]) AS area "
)
_SCOPED = f"OPTIONAL MATCH (a:{NODE} {{id: area}}) WITH o, a {within('a', 'o, a')} WITH o, a.id AS area "
_PARENTS = (
    f"OPTIONAL MATCH (o)-[su:{L.SUBORDINATE_TO.value}]->(above) WHERE {active('su')} "
    "RETURN o.id AS node, area, min(above.id) AS parent"
)


def org_without_secretary(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``org-without-secretary`` in Cypher."""
    scope = "" if root is None else _SCOPED
    rows = sorted(cg.run(f"{_VACANT} {scope} {_PARENTS}", root=root), key=lambda row: str(row["node"]))
    found = [(row["node"], row["area"]) for row in rows]
    ix = neighbourhood(cg, {node for row in rows for node in (row["node"], row["area"], row["parent"]) if node is not None})
    add_links(ix, L.SUBORDINATE_TO, ((row["node"], row["parent"]) for row in rows))
    return report_vacant_orgs(ix, rule, found)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {"org-without-secretary": org_without_secretary}

#: The headline ratios this family counts, by name (none: the summary has no ratio of this family).
RATIOS: dict[str, RatioCounter] = {}
