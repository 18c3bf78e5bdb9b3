"""The grid rules (网格化管理) in Cypher: "one grid, three staff", grid size, the community-worker ratio.

Found on the server, reported by :mod:`queries.coverage.grids`' own reporting functions over the
neighbourhood of what was found:

* ``grid-missing-role`` — the basic grids of the scope (a live grid some household is IN_GRID on the
  day) with, per role of the rule, ``OPTIONAL MATCH (g)<-[s:<ROLE LINK>]-() … count(s)``; a count of 0
  is a missing role.
* ``grid-size-out-of-range`` — the basic grids with ``count(DISTINCT h)`` of the households IN_GRID
  outside ``[$low, $high]``.
* ``community-worker-ratio`` — per community of the scope its ``residents`` attribute and the distinct
  persons COMMUNITY_WORKER_OF any grid below it through grids only; for a community without the
  attribute, the residents of the households of its subtree (:meth:`~queries.index.GraphIndex.subtree`:
  below it by PART_OF, or IN_GRID a grid below it). Which communities fall short is decided by the
  reporting function, so the rule's arithmetic exists once.

The ratios ``grids_fully_staffed`` (basic grids with every role of ``grid-missing-role`` filled) and
``grid_leaders_party_members`` (per grid: its grid leaders, and those with an active MEMBER_OF) end
with :data:`~queries.cypher.place.PLACE`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import NODE
from queries.coverage.base import param
from queries.coverage.findings import Finding
from queries.coverage.grids import report_grid_sizes, report_missing_roles, report_worker_ratio, role_links, size_range
from queries.cypher.graph import MAX_DEPTH, CypherGraph, active, all_active
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE
from queries.cypher.rules import CypherRule, RatioCounter
from queries.policy import Policy, Rule

K = NodeKind
L = LinkKind


def basic(var: str) -> str:
    """Continues a statement binding ``var`` to grids: keeps the basic grids, with ``households`` IN_GRID."""
    return f"MATCH ({var})<-[i:{L.IN_GRID.value}]-(h) WHERE {active('i')} WITH {var}, count(DISTINCT h) AS households"


def staffed(var: str, links: Sequence[LinkKind]) -> tuple[str, str]:
    """Clauses counting the active links of each of ``links`` into ``var``, and the list of the counts."""
    clauses: list[str] = []
    counts: list[str] = []
    for n, link in enumerate(links):
        clauses.append(
            f"OPTIONAL MATCH ({var})<-[s{n}:{link.value}]-() WHERE {active(f's{n}')} "
            f"WITH {', '.join([var, *counts, f'count(s{n}) AS c{n}'])}"
        )
        counts.append(f"c{n}")
    return " ".join(clauses), f"[{', '.join(counts)}]"


def grid_missing_role(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``grid-missing-role`` in Cypher: a finding per (basic grid, role) with no active link of the role."""
    roles = role_links(rule)
    clauses, counts = staffed("g", [link for _, link in roles])
    rest = f"{basic('g')} {clauses} WITH g, {counts} AS staff WHERE any(c IN staff WHERE c = 0) RETURN g.id AS node, staff"
    rows = cg.scoped_rows("g", K.GRID, root, rest)
    missing = sorted((row["node"], role) for row in rows for (role, _), c in zip(roles, row["staff"], strict=True) if c == 0)
    return report_missing_roles(neighbourhood(cg, {grid for grid, _ in missing}), rule, missing)


def grid_size_out_of_range(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``grid-size-out-of-range`` in Cypher: the basic grids with too few or too many households."""
    low, high = size_range(rule)
    rest = f"{basic('g')} WHERE households < $low OR households > $high RETURN g.id AS node, households"
    found = sorted((row["node"], int(row["households"])) for row in cg.scoped_rows("g", K.GRID, root, rest, low=low, high=high))
    return report_grid_sizes(neighbourhood(cg, [grid for grid, _ in found]), rule, found)


_WORKERS = (
    f"OPTIONAL MATCH p = (c)<-[:{L.PART_OF.value}*1..{MAX_DEPTH}]-(g) "
    f"WHERE {all_active('p')} AND all(x IN nodes(p)[1..] WHERE x.kind = $grid) "
    f"OPTIONAL MATCH (g)<-[w:{L.COMMUNITY_WORKER_OF.value}]-(worker) WHERE {active('w')} "
    "RETURN c.id AS node, c.residents AS residents, count(DISTINCT worker) AS workers"
)
#: The residents of the households of a community's subtree (see :func:`subtree_residents`).
_RESIDENTS = (
    f"UNWIND $rows AS id MATCH (c:{NODE} {{id: id}}) "
    f"MATCH p = (c)<-[:{L.PART_OF.value}*0..{MAX_DEPTH}]-(x) WHERE {all_active('p')} "
    f"OPTIONAL MATCH (x)<-[i:{L.IN_GRID.value}]-(y) WHERE {active('i')} "
    "WITH id, collect(DISTINCT x) + collect(DISTINCT y) AS below "
    "UNWIND below AS h WITH id, h WHERE h.kind = $household WITH DISTINCT id, h "
    "RETURN id, toInteger(sum(toInteger(coalesce(h.residents, 0)))) AS residents"
)


def subtree_residents(cg: CypherGraph, communities: Sequence[str]) -> dict[str, int]:
    """The residents of the households in each community's subtree (below it by PART_OF, or IN_GRID a
    grid below it — :meth:`~queries.index.GraphIndex.subtree`); a community without any is left out."""
    rows = cg.run_ids(_RESIDENTS, communities, household=K.HOUSEHOLD.value)
    return {row["id"]: int(row["residents"] or 0) for row in rows}


def community_worker_ratio(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``community-worker-ratio`` in Cypher: every community's residents and workers, reported when short."""
    int(param(rule, "per_10000"))  # refused before anything runs, as in networkx
    rows = cg.scoped_rows("c", K.COMMUNITY, root, _WORKERS, grid=K.GRID.value)
    counted = subtree_residents(cg, [row["node"] for row in rows if row["residents"] is None])
    staffing = sorted(
        (row["node"], counted.get(row["node"], 0) if row["residents"] is None else int(row["residents"]), int(row["workers"]))
        for row in rows
    )
    return report_worker_ratio(neighbourhood(cg, [community for community, _, _ in staffing]), rule, staffing)


def grids_fully_staffed(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``grids_fully_staffed``: per basic grid 1 of 1 when every role of ``grid-missing-role`` is filled."""
    clauses, counts = staffed("a", [link for _, link in role_links(policy.rule("grid-missing-role"))])
    rest = f"{basic('a')} {clauses} WITH a, CASE WHEN all(c IN {counts} WHERE c > 0) THEN 1 ELSE 0 END AS num, 1 AS den {PLACE}"
    (opening,) = cg.scoped("a", K.GRID, root)
    return cg.run(f"{opening} {rest}", root=root)


def grid_leaders_party_members(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``grid_leaders_party_members``: per grid its grid leaders, of them the Party members
    (an active MEMBER_OF, or ``party_member`` stated by a roster)."""
    rest = (
        f"OPTIONAL MATCH (a)<-[l:{L.GRID_LEADER_OF.value}]-(p) WHERE {active('l')} "
        f"OPTIONAL MATCH (p)-[m:{L.MEMBER_OF.value}]->() WHERE {active('m')} "
        "WITH a, p, count(m) AS memberships "
        "WITH a, count(p) AS den, "
        f"sum(CASE WHEN memberships > 0 OR p.party_member = true THEN 1 ELSE 0 END) AS num {PLACE}"
    )
    (opening,) = cg.scoped("a", K.GRID, root)
    return cg.run(f"{opening} {rest}", root=root)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {
    "grid-missing-role": grid_missing_role,
    "grid-size-out-of-range": grid_size_out_of_range,
    "community-worker-ratio": community_worker_ratio,
}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {
    "grids_fully_staffed": grids_fully_staffed,
    "grid_leaders_party_members": grid_leaders_party_members,
}
