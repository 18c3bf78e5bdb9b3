"""Proposals that close coverage gaps (补短板建议), written as rosters the importers accept.

Two proposals, each a min-cost flow in networkx over the graph as of one day:

* :func:`propose_contacts` — 1+10 contacts (联系户): every household no Party member contacts is
  given to a member of its community with spare capacity, nearest first, care-tagged households
  first when capacity is short (the solver: :mod:`queries.proposals.contacts`);
* :func:`propose_liaison` — liaison (包联): every community below the division-level leader norm
  gets the missing leaders with the fewest changes (the solver: :mod:`queries.proposals.liaison`).

Each returns a proposal (:mod:`queries.proposals.base`) whose ``write(path)`` writes the **full**
roster of the proposal's scope — links in force plus the proposed rows, marked ``新增 proposed`` in
备注 — so that ``orggraph import FILE --scope CODE`` (``CODE`` being the proposal's ``scope_code``)
applies exactly the proposal and ends nothing (see :mod:`queries.proposals.rosters`).

>>> sorted(PROPOSALS)
['contacts', 'liaison']
>>> PROPOSALS["liaison"].zh
'包联调整'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from orggraph.store import GraphStore
from queries.policy import Policy
from queries.proposals.base import MAX_PER_LEADER, ContactProposal, LiaisonProposal, Proposal
from queries.proposals.contacts import solve_contacts
from queries.proposals.liaison import solve_liaison


def propose_contacts(
    store: GraphStore, *, scope: str | None = None, as_of: str | None = None, policy: Policy | None = None
) -> ContactProposal:
    """Propose 1+10 contacts (联系户) for every uncontacted household of the scope.

    Each household no one contacts goes to a Party member (not 流动) of its own community with
    spare capacity under ``member-over-capacity.max``, nearest first (same entrance 单元, building 楼栋,
    basic grid 网格, community 社区); care-tagged households first when capacity is short; never a
    member's own home, never across communities. See :mod:`queries.proposals.contacts`.

    Parameters
    ----------
    store
        The graph store; only read.
    scope
        An area code (区域编码) or area node id; households at or below it are considered. Members
        come from each household's own community whatever the scope.
    as_of
        The day (ISO); today when not given.
    policy
        The norms; the shipped defaults when not given (``member-over-capacity.max`` = 15).

    Returns
    -------
    ContactProposal
        The proposed links, the households left over with the reason, counts; ``write`` gives the roster.
    """
    return solve_contacts(store, scope=scope, as_of=as_of, policy=policy)


def propose_liaison(
    store: GraphStore,
    *,
    scope: str | None = None,
    as_of: str | None = None,
    policy: Policy | None = None,
    max_per_leader: int = MAX_PER_LEADER,
) -> LiaisonProposal:
    """Propose liaison links (包联) so that every community of the scope has its division-level leaders.

    A community below ``community-few-liaison-leaders.min`` leaders of the norm's rank (处级) gets one
    new link per missing leader, from an existing leader of that rank who does not liaise with it
    yet: of the same street (街道) first, the least loaded first, else of the district (区); no leader
    past ``max_per_leader`` communities. See :mod:`queries.proposals.liaison`.

    Parameters
    ----------
    store
        The graph store; only read.
    scope
        An area code (区域编码) or area node id; communities at or below it are considered. Leaders
        come from the whole district.
    as_of
        The day (ISO); today when not given.
    policy
        The norms; the shipped defaults when not given (``min`` = 2, ``rank`` = ``division``).
    max_per_leader
        Communities one leader may liaise with at most.

    Returns
    -------
    LiaisonProposal
        The proposed links and the communities that cannot be fixed, with the reason.
    """
    return solve_liaison(store, scope=scope, as_of=as_of, policy=policy, max_per_leader=max_per_leader)


@dataclass(frozen=True)
class ProposalKind:
    """One kind of proposal: its function, the roster it writes, and names for the CLI and API."""

    name: str
    zh: str
    roster_zh: str
    run: Callable[..., Proposal]


#: The proposals by name (what a ``propose NAME`` command and the API take).
PROPOSALS: dict[str, ProposalKind] = {
    "contacts": ProposalKind("contacts", "联系户（1+10）补齐", "联系户", propose_contacts),
    "liaison": ProposalKind("liaison", "包联调整", "包联", propose_liaison),
}


def propose(
    store: GraphStore, name: str, *, scope: str | None = None, as_of: str | None = None, policy: Policy | None = None
) -> Proposal:
    """Run the proposal called ``name`` (``contacts`` or ``liaison``) for a scope and day.

    Parameters
    ----------
    store
        The graph store; only read.
    name
        A key of :data:`PROPOSALS`.
    scope, as_of, policy
        As for :func:`propose_contacts` and :func:`propose_liaison`.

    Returns
    -------
    Proposal
        A :class:`ContactProposal` or a :class:`LiaisonProposal`.
    """
    if name not in PROPOSALS:
        raise KeyError(f"unknown proposal {name!r}; known: {', '.join(PROPOSALS)}")
    return PROPOSALS[name].run(store, scope=scope, as_of=as_of, policy=policy)
