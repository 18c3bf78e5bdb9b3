"""The contact rules (党员联系户, 1 + 10) in Cypher: every household contacted, no member over-loaded.

Found on the server, reported by :mod:`queries.coverage.contacts`' own reporting functions over the
neighbourhood of what was found:

* ``household-uncontacted`` — the households of the scope no active CONTACTS link points into
  (:meth:`~queries.cypher.graph.CypherGraph.lacking`), each with its attributes and the periods of
  its links to an entrance and a grid (tested here); the neighbourhood is fetched for those entrances
  and grids only (one chain per entrance rather than per household).
* ``member-over-capacity`` — the persons with ``count(DISTINCT x)`` of the households they CONTACT
  over ``$most`` (one statement over the persons, whatever the scope); then each one's home
  (LIVES_IN) or contacted households for the anchor (:func:`~queries.coverage.contacts.anchor_of`),
  in a scope kept when the anchor lies in it (below the root by PART_OF, or IN_GRID a grid below
  it), and the Party orgs they are MEMBER_OF, added to the neighbourhood for the reporting function.

The ratio ``households_contacted`` counts per entrance its households (PART_OF into it) and those of
them contacted — a union of two plain matches, summed per entrance (one without households adds
nothing to its community's sums) — and ends with :data:`~queries.cypher.place.PLACE`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE, label
from queries.coverage.base import param
from queries.coverage.contacts import anchor_of, care_severity, report_over_capacity, report_uncontacted
from queries.coverage.findings import Finding
from queries.cypher.graph import CypherGraph, active
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE
from queries.cypher.rules import CypherRule, RatioCounter
from queries.cypher.within import household_within
from queries.index import GraphIndex
from queries.policy import Policy, Rule

K = NodeKind
L = LinkKind

#: After a statement part binding ``h`` to households: what reporting them reads of them —
#: their attributes, and every period of their links to an entrance and a basic grid (the periods are
#: checked here, :func:`_active_ends`: testing them on the server costs more than sending them).
_ENDS = (
    f"OPTIONAL MATCH (h)-[po:{L.PART_OF.value}]->(e) OPTIONAL MATCH (h)-[ig:{L.IN_GRID.value}]->(g) "
    "WITH h, collect(DISTINCT [e.id, po.start, po.end]) AS parents, collect(DISTINCT [g.id, ig.start, ig.end]) AS grids "
    "RETURN h.id AS node, properties(h) AS attrs, parents, grids"
)


def _active_ends(periods: list[list[Any]], day: str) -> list[str]:
    """The other ends of the periods ``[end, start, end date]`` active on ``day``, sorted."""
    return sorted({node for node, start, end in periods if node is not None and start <= day and (end is None or day < end)})


def with_households(cg: CypherGraph, rows: Sequence[dict[str, Any]]) -> GraphIndex:
    """The neighbourhood of the households of ``rows`` (``node``, ``attrs``, ``parents``, ``grids``).

    :func:`neighbourhood` is asked for the households' entrances and grids only (one chain per
    entrance rather than per household); the households themselves go in from the rows.
    """
    ix = neighbourhood(cg, {area for row in rows for area in (*row["parents"], *row["grids"])})
    nodes, part_of = ix.graph._node, ix.out.setdefault(L.PART_OF.value, {})
    in_grid = ix.out.setdefault(L.IN_GRID.value, {})
    for row in rows:
        household = row["node"]
        nodes[household] = {k: v for k, v in row["attrs"].items() if k != "id"}
        if row["parents"]:
            part_of[household] = sorted(row["parents"])
            ix.parent[household] = part_of[household][0]
        if row["grids"]:
            in_grid[household] = sorted(row["grids"])
    return ix


def household_uncontacted(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``household-uncontacted`` in Cypher: the households of the scope no active CONTACTS points into."""
    care_severity(rule)  # refused before anything runs, as in networkx
    contacted = f"MATCH (h)<-[r:{L.CONTACTS.value}]-() WHERE {active('r')}"
    found = cg.run(f"{cg.lacking('h', K.HOUSEHOLD, root, contacted)} {_ENDS}", root=root)
    rows = [
        {**row, "parents": _active_ends(row["parents"], cg.day), "grids": _active_ends(row["grids"], cg.day)}
        for row in sorted(found, key=lambda row: str(row["node"]))
    ]
    return report_uncontacted(with_households(cg, rows), rule, [row["node"] for row in rows])


#: Everyone contacting more than ``$most`` households, with that load.
_OVER = (
    f"MATCH (p:{label(K.PERSON.value)})-[c:{L.CONTACTS.value}]->(x) WHERE {active('c')} "
    "WITH p, count(DISTINCT x) AS load WHERE load > $most RETURN p.id AS node, load"
)
#: Each person's homes, and (without one) the households contacted: what :func:`anchor_of` reads.
_ANCHORS = (
    f"UNWIND $rows AS id MATCH (p:{NODE} {{id: id}}) "
    f"OPTIONAL MATCH (p)-[l:{L.LIVES_IN.value}]->(home) WHERE {active('l')} "
    "WITH id, p, collect(home.id) AS homes "
    f"RETURN id, homes, CASE WHEN size(homes) = 0 THEN [(p)-[c:{L.CONTACTS.value}]->(x) WHERE {active('c')} | x.id] "
    "ELSE [] END AS households"
)
#: Which of the households are in the scope of ``$root`` (as :class:`~queries.coverage.base.Subtree` finds them).
_IN_SCOPE = f"UNWIND $rows AS id MATCH (h:{NODE} {{id: id}}) {household_within('h', 'id')} RETURN id"
_MEMBER_OF = (
    f"UNWIND $rows AS id MATCH (p:{NODE} {{id: id}})-[m:{L.MEMBER_OF.value}]->(o) WHERE {active('m')} "
    "RETURN id, properties(o) AS org"
)


def over_capacity(cg: CypherGraph, most: int, root: str | None) -> list[tuple[str, int, str]]:
    """The persons contacting more than ``most`` households, with that load and their anchor household.

    Without a scope everyone; in one, those whose anchor lies in the scope. The networkx rule first
    narrows to the persons contacting or living in a household of the scope, but a person anchored
    in the scope is always one of them (the anchor is a home or a household contacted), so here the
    over-loaded are found once for the whole graph — one statement over the persons instead of two
    over every household of a large scope.
    """
    loads = {row["node"]: int(row["load"]) for row in cg.run(_OVER, most=most)}
    anchors = {row["id"]: anchor_of(sorted(row["homes"]), row["households"]) for row in cg.run_ids(_ANCHORS, loads)}
    if root is not None:
        inside = {row["id"] for row in cg.run_ids(_IN_SCOPE, set(anchors.values()), root=root)}
        anchors = {person: anchor for person, anchor in anchors.items() if anchor in inside}
    return sorted((person, loads[person], anchor) for person, anchor in anchors.items())


def with_memberships(cg: CypherGraph, ix: GraphIndex, persons: Sequence[str]) -> GraphIndex:
    """``ix`` with the active MEMBER_OF links of ``persons`` and the Party orgs they point to."""
    member_of: dict[str, list[str]] = {}
    nodes = ix.graph._node
    for row in cg.run_ids(_MEMBER_OF, persons):
        attrs = dict(row["org"])
        org = str(attrs.pop("id"))
        nodes.setdefault(org, attrs)
        member_of.setdefault(row["id"], []).append(org)
    ix.out[L.MEMBER_OF.value] = {person: sorted(orgs) for person, orgs in member_of.items()}
    return ix


def member_over_capacity(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``member-over-capacity`` in Cypher: persons contacting more than ``max`` households."""
    found = over_capacity(cg, int(param(rule, "max")), root)
    persons = [person for person, _, _ in found]
    ix = neighbourhood(cg, {*persons, *(anchor for _, _, anchor in found)})
    return report_over_capacity(with_memberships(cg, ix, persons), rule, found)


def households_contacted(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``households_contacted``: per entrance, its households contacted of its households."""
    (opening,) = cg.scoped("a", K.ENTRANCE, root)
    households = f"{opening} MATCH (a)<-[po:{L.PART_OF.value}]-(h) WHERE {active('po')}"
    contacted = f"MATCH (h)<-[r:{L.CONTACTS.value}]-() WHERE {active('r')} WITH DISTINCT a, h"
    counted = (
        f"CALL {{ {households} RETURN a, 1 AS den, 0 AS num UNION ALL {households} {contacted} RETURN a, 0 AS den, 1 AS num }} "
        f"WITH a, sum(num) AS num, sum(den) AS den {PLACE}"
    )
    return cg.run(counted, root=root)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {
    "household-uncontacted": household_uncontacted,
    "member-over-capacity": member_over_capacity,
}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {"households_contacted": households_contacted}
