"""The area rules (五级组织体系) in Cypher: compounds without a branch, buildings without a group,
entrances without a central household — areas that no active link of a kind points into.

The statement form is ``OPTIONAL MATCH … count(r) = 0`` (measured fastest on FalkorDB for these
shapes; the ``WHERE NOT`` pattern form counts ended links too and is slower).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage.areas import UNLINKED
from queries.coverage.base import report_unlinked
from queries.coverage.findings import Finding
from queries.cypher.graph import CypherGraph, active
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import share_linked
from queries.cypher.rules import CypherRule, RatioCounter
from queries.policy import Policy, Rule


def unlinked(cg: CypherGraph, kind_link: tuple[object, LinkKind], root: str | None) -> list[str]:
    """The live areas of the kind in scope that no active link of the kind points into."""
    kind, link = kind_link
    rest = f"OPTIONAL MATCH (n)<-[r:{link.value}]-() WHERE {active('r')} WITH n, count(r) AS c WHERE c = 0 RETURN n.id AS node"
    return sorted(row["node"] for row in cg.scoped_rows("n", kind, root, rest))  # type: ignore[arg-type]


def _rule(rule_id: str) -> CypherRule:
    kind, link, norm, gap = UNLINKED[rule_id]

    def run(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
        found = unlinked(cg, (kind, link), root)
        return report_unlinked(neighbourhood(cg, found), rule, found, norm, gap)

    run.__doc__ = f"``{rule_id}`` in Cypher."
    return run


def buildings_with_group(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``buildings_with_group``: per building 1 of 1 when a Party org is RESPONSIBLE_FOR it."""
    return share_linked(cg, NodeKind.BUILDING, LinkKind.RESPONSIBLE_FOR, root)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {rule_id: _rule(rule_id) for rule_id in UNLINKED}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {"buildings_with_group": buildings_with_group}
