"""The liaison rule (包联) in Cypher: communities with too few liaison leaders of the policy's rank.

Per community in scope, the distinct persons of the rank with an active LIAISES_WITH into it,
counted in the ``OPTIONAL MATCH … count(DISTINCT p)`` form (a community nobody liaises with counts
0). The rule keeps the communities under ``min``; the ratio ``communities_meeting_liaison_norm``
counts, per community, 1 of 1 when it meets the norm. Findings are made by
:func:`queries.coverage.liaison.report_few_leaders` over the communities' neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orggraph.model.enums import Rank
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import label
from queries.coverage.findings import Finding
from queries.coverage.liaison import liaison_norm, report_few_leaders
from queries.cypher.graph import CypherGraph, active
from queries.cypher.neighbourhood import neighbourhood
from queries.cypher.place import PLACE
from queries.cypher.rules import CypherRule, RatioCounter
from queries.policy import Policy, Rule

#: After an opening binding ``c`` to a community: ``leaders``, the persons of ``$rank`` liaising with it.
_LEADERS = (
    f"OPTIONAL MATCH (c)<-[r:{LinkKind.LIAISES_WITH.value}]-(p:{label(NodeKind.PERSON.value)}) "
    f"WHERE {active('r')} AND p.rank = $rank WITH c, count(DISTINCT p) AS leaders"
)


def leader_counts(cg: CypherGraph, rank: Rank, root: str | None, rest: str, **params: Any) -> list[dict[str, Any]]:
    """``<communities in scope> <leaders counted> <rest>`` (see :data:`_LEADERS`); its rows."""
    (opening,) = cg.scoped("c", NodeKind.COMMUNITY, root)
    return cg.run(f"{opening} {_LEADERS} {rest}", root=root, rank=rank.value, **params)


def community_few_liaison_leaders(cg: CypherGraph, rule: Rule, root: str | None) -> Iterator[Finding]:
    """``community-few-liaison-leaders`` in Cypher."""
    least, rank = liaison_norm(rule)
    rows = leader_counts(cg, rank, root, "WHERE leaders < $least RETURN c.id AS node, leaders", least=least)
    found = sorted((str(row["node"]), int(row["leaders"])) for row in rows)
    return report_few_leaders(neighbourhood(cg, [community for community, _ in found]), rule, found)


def communities_meeting_liaison_norm(cg: CypherGraph, policy: Policy, root: str | None) -> list[dict[str, Any]]:
    """Ratio ``communities_meeting_liaison_norm``: per community 1 of 1 when it has ``min`` leaders."""
    least, rank = liaison_norm(policy.rule("community-few-liaison-leaders"))
    rest = f"WITH c AS a, CASE WHEN leaders >= $least THEN 1 ELSE 0 END AS num, 1 AS den {PLACE}"
    return leader_counts(cg, rank, root, rest, least=least)


#: The rules of this family, by id.
RULES: dict[str, CypherRule] = {"community-few-liaison-leaders": community_few_liaison_leaders}

#: The headline ratios this family counts, by name.
RATIOS: dict[str, RatioCounter] = {"communities_meeting_liaison_norm": communities_meeting_liaison_norm}
