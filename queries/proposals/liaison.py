"""A proposal that closes 包联 gaps (包联调整建议): every community reaches its division-level leaders.

The norm (``community-few-liaison-leaders``) wants at least ``min`` liaison leaders of rank ``rank``
(处级, division level) per community. A community below it gets the missing leaders with the fewest
changes: one new LIAISES_WITH link per missing leader, each given to an **existing** division-level
leader (one who already liaises with a community or compound) who does not liaise with it yet,
preferring a leader of the **same street** (街道), and among those the one with the **fewest
communities**; else a leader of the same district (区). No leader passes ``max_per_leader``
communities (3 by default).

It is a min-cost flow (networkx ``network_simplex``)::

    community ──1──▶ leader ──1──▶ slot k (cost = communities after) ──▶ sink
    community ──deficit── not fixed (a very high cost) ─────────────────▶ sink

Another street costs more than any spread of loads, and leaving a gap open more than anything, so
the flow fills every gap it can, within streets where it can, to the least loaded leaders.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import networkx as nx

from orggraph.model.enums import Rank
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import GraphStore
from orggraph.store.view import DayView
from queries.coverage.places import atlas_for
from queries.policy import Policy, load_policy
from queries.proposals.base import MAX_PER_LEADER, LiaisonAssignment, LiaisonProposal, Unfixed
from queries.proposals.rosters import area_id, in_scope, scope_code

K = NodeKind
L = LinkKind


@dataclass
class _Leader:
    node: str
    communities: set[str]
    streets: set[str]
    districts: set[str]


def solve_liaison(
    store: GraphStore,
    *,
    scope: str | None = None,
    as_of: str | None = None,
    policy: Policy | None = None,
    max_per_leader: int = MAX_PER_LEADER,
) -> LiaisonProposal:
    """The 包联 proposal; called as :func:`queries.proposals.propose_liaison` (same parameters)."""
    started = time.perf_counter()
    policy = policy or load_policy(None)
    params = policy.rule("community-few-liaison-leaders").params
    required, rank = int(params["min"]), Rank.parse(str(params["rank"])).value
    index = store.view(as_of)
    scope_id = area_id(scope) if scope else None
    proposal = LiaisonProposal(store, index, scope_id, scope_code(index, scope_id), index.day, required, rank, max_per_leader)
    for community in sorted(in_scope(index, scope_id, (K.COMMUNITY,))):
        have = len(_leaders_of(index, community, rank))
        if have < required:
            proposal.deficient[community] = have
    leaders = _existing_leaders(index, rank)
    if proposal.deficient:
        _solve(index, proposal, leaders)
    proposal.seconds = time.perf_counter() - started
    return proposal


def _leaders_of(index: DayView, community: str, rank: str) -> set[str]:
    people = (p for p in index.into(community, L.LIAISES_WITH.value) if atlas_for(index).kind(p) == K.PERSON.value)
    return {p for p in people if atlas_for(index).attrs(p).get("rank") == rank}


def _district_of(index: DayView, area: str) -> str | None:
    return next((a for a in (area, *atlas_for(index).ancestors(area)) if atlas_for(index).kind(a) == K.DISTRICT.value), None)


def _existing_leaders(index: DayView, rank: str) -> list[_Leader]:
    """Persons of ``rank`` who liaise with at least one community or compound, with where they work."""
    leaders = []
    for person, targets in sorted(index.table(L.LIAISES_WITH.value).items()):
        if atlas_for(index).kind(person) != K.PERSON.value or atlas_for(index).attrs(person).get("rank") != rank:
            continue
        communities = {t for t in targets if atlas_for(index).kind(t) == K.COMMUNITY.value}
        streets = {s for t in targets if (s := atlas_for(index).path(t).street) is not None}
        districts = {d for s in streets if (d := _district_of(index, s)) is not None}
        leaders.append(_Leader(person, communities, streets, districts))
    return leaders


def _solve(index: DayView, proposal: LiaisonProposal, leaders: list[_Leader]) -> None:
    cap = proposal.max_per_leader
    missing = {c: proposal.required - have for c, have in proposal.deficient.items()}
    total = sum(missing.values())
    other_street = (cap + 1) * (total + 1)  # another street costs more than any spread of loads
    left = (other_street + cap + 1) * (total + 1) + 1  # leaving a gap open costs more than anything
    graph = nx.DiGraph()
    graph.add_node("sink", demand=total)
    candidates: dict[str, int] = {}
    for community, need in missing.items():
        node = ("c", community)
        graph.add_node(node, demand=-need)
        graph.add_edge(node, "sink", capacity=need, weight=left)
        street = atlas_for(index).path(community).street
        district = _district_of(index, street) if street else None
        room = [ld for ld in leaders if len(ld.communities) < cap and community not in ld.communities]
        near = [ld for ld in room if district is not None and district in ld.districts]
        candidates[community] = len(near)
        for ld in near:
            graph.add_edge(node, ("l", ld.node), capacity=1, weight=0 if street in ld.streets else other_street)
    for ld in leaders:
        if ("l", ld.node) in graph:
            for k in range(len(ld.communities), cap):
                graph.add_edge(("l", ld.node), ("s", ld.node, k), capacity=1, weight=k + 1)
                graph.add_edge(("s", ld.node, k), "sink", capacity=1, weight=0)
    flow: dict[Any, dict[Any, int]] = nx.network_simplex(graph)[1]
    by_node = {ld.node: ld for ld in leaders}
    for community in missing:
        street = atlas_for(index).path(community).street
        for target, f in flow[("c", community)].items():
            if f and target != "sink":
                ld = by_node[target[1]]
                attrs = atlas_for(index).attrs(ld.node)
                tier = "street" if street in ld.streets else "district"
                masked = str(attrs.get("id_masked", ""))
                proposal.assignments.append(
                    LiaisonAssignment(community, ld.node, masked, attrs.get("name"), tier, len(ld.communities))
                )
        short = flow[("c", community)].get("sink", 0)
        if short:
            proposal.unfixed.append(_unfixed(community, short, candidates[community], cap, proposal.rank))
    proposal.assignments.sort(key=lambda a: (a.community, a.leader))


def _unfixed(community: str, short: int, candidates: int, cap: int, rank: str) -> Unfixed:
    zh = Rank.parse(rank).zh
    if candidates == 0:
        message = (
            f"no {rank}-level liaison leader of the district has room for it "
            f"(each already liaises with it or with {cap} communities, or there is none)"
        )
        message_zh = f"本区没有可再包联该社区的{zh}领导（均已包联该社区或已包联{cap}个社区，或本区没有）"
        return Unfixed(community, short, "no-leader-with-room", message, message_zh)
    message = f"only {candidates} {rank}-level leader(s) of the district have room, and other communities needed them too"
    message_zh = f"本区尚有余量的{zh}领导仅{candidates}名，且其他社区也需要"
    return Unfixed(community, short, "leaders-short", message, message_zh)
