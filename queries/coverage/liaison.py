"""The liaison rule (包联): every community has enough division-level liaison leaders (处级包联领导).

* ``community-few-liaison-leaders`` — a community (社区) that fewer than ``min`` persons of the
  policy's ``rank`` (``division`` = 处级) liaise with (LIAISES_WITH). Units that liaise (包联单位) and
  cadres of other ranks (科级) do not count. Assigning leaders is a street-level matter: the street
  working committee (街道党工委) answers.

:func:`leader_counts` is shared with the summary, which reports the share of communities meeting
the norm.

>>> sorted(RULES)
['community-few-liaison-leaders']
"""

from __future__ import annotations

from collections.abc import Iterator

from orggraph.errors import ConfigurationError, InvalidValueError
from orggraph.model.enums import Rank
from queries.coverage.base import K, L, Reporter, RuleFunc, links, nodes_in, param
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule


def leader_rank(rule: Rule) -> Rank:
    """The rank (职级) whose cadres count toward the norm: the rule's ``rank``, in English or Chinese."""
    value = param(rule, "rank")
    try:
        return Rank.parse(str(value))
    except InvalidValueError as exc:
        raise ConfigurationError(
            f"coverage rule {rule.id}: {exc.message}",
            message_zh=f"覆盖规则 {rule.id}：{exc.message_zh}",
            table=f"coverage.{rule.id}.rank",
        ) from exc


def leader_counts(ix: GraphIndex, communities: list[str], rank: Rank) -> dict[str, int]:
    """For each community, how many distinct persons of ``rank`` liaise with it (包联领导).

    Parameters
    ----------
    ix
        The index of the day.
    communities
        The community node ids to count for.
    rank
        The rank that counts (处级 for the shipped norm).

    Returns
    -------
    dict[str, int]
        Community id → number of leaders.
    """
    liaising = links(ix, L.LIAISES_WITH, "in")
    attrs = ix.graph._node
    wanted = rank.value
    counts: dict[str, int] = {}
    for community in communities:
        sources = liaising.get(community, ())
        counts[community] = len({s for s in sources if attrs[s]["kind"] == "person" and attrs[s].get("rank") == wanted})
    return counts


def community_few_liaison_leaders(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Communities with fewer than ``min`` liaison leaders of the policy's ``rank``.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``community-few-liaison-leaders`` (parameters ``min``, ``rank``) and the scope.

    Yields
    ------
    Finding
        Actual the leaders, required ``min``, for the street working committee's secretary.
    """
    least, rank = liaison_norm(rule)
    counts = leader_counts(ix, nodes_in(ix, K.COMMUNITY, areas), rank)
    yield from report_few_leaders(ix, rule, [(community, count) for community, count in counts.items() if count < least])


def liaison_norm(rule: Rule) -> tuple[int, Rank]:
    """The rule's norm: the least number of leaders (``min``) and the rank that counts (``rank``)."""
    return int(param(rule, "min")), leader_rank(rule)


def report_few_leaders(ix: GraphIndex, rule: Rule, found: list[tuple[str, int]]) -> Iterator[Finding]:
    """The findings of :func:`community_few_liaison_leaders` for ``found`` (community, leaders) pairs (any engine).

    ``ix`` needs the communities, the areas above them and the orgs responsible for their streets.
    """
    least, rank = liaison_norm(rule)
    report = Reporter(
        ix,
        rule,
        f"every community has at least {least} liaison leaders of {rank.value} rank",
        f"每个社区至少有{least}名{rank.zh}包联领导",
    )
    for community, count in found:
        street = ix.path(community).street
        who = report.responsible(street or community)
        gap_en = f"has {count} liaison leaders of {rank.value} rank"
        yield report.report(community, report.place(community), who, count, least, gap_en, f"仅有{count}名{rank.zh}包联领导")


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {"community-few-liaison-leaders": community_few_liaison_leaders}
