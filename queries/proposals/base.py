"""Proposals that close coverage gaps (补短板建议), written as rosters the importers accept.

Two proposals, each a min-cost flow in networkx over the graph as of one day:

* :func:`propose_contacts` — 1+10 contacts (联系户): every household no Party member contacts is
  given to a member of its community with spare capacity, nearest first, care-tagged households
  first when capacity is short (the solver: :mod:`queries.proposals_contacts`);
* :func:`propose_liaison` — liaison (包联): every community below the division-level leader norm
  gets the missing leaders with the fewest changes (the solver: :mod:`queries.proposals_liaison`).

Each returns a proposal with ``counts``, ``to_dict()`` (masked ID numbers only) and ``write(path)``,
which writes the **full** roster of the proposal's scope — links in force plus the proposed rows,
marked ``新增 proposed`` in 备注 — so that ``orggraph import FILE --scope CODE`` (``CODE`` being the
proposal's ``scope_code``) applies exactly the proposal and ends nothing (see :mod:`queries.rosters_out`).
This module holds the public functions and the result types; the solvers import them from here.

>>> sorted(PROPOSALS)
['contacts', 'liaison']
>>> PROPOSALS["liaison"].zh
'包联调整'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from orggraph.errors import InvalidValueError
from orggraph.model.enums import CareTag
from orggraph.model.nodes import code_of
from orggraph.store import GraphStore
from queries.index import GraphIndex
from queries.policy import Policy
from queries.rosters_out import (
    CONTACTS_CODE_HEADERS,
    CONTACTS_HEADERS,
    LIAISON_HEADERS,
    contacts_rows,
    liaison_rows,
    whole_ids,
    write_roster,
)

__all__ = [
    "PROPOSALS",
    "TIERS",
    "TIER_ZH",
    "ContactAssignment",
    "ContactProposal",
    "LiaisonAssignment",
    "LiaisonProposal",
    "Proposal",
    "ProposalKind",
    "Unassigned",
    "Unfixed",
    "propose",
    "propose_contacts",
    "propose_liaison",
]

#: Proximity tiers of 1+10 contacts, nearest first (the cost of a tier is its position + 1).
TIERS: tuple[str, ...] = ("entrance", "building", "grid", "community")
#: The Chinese term of each tier.
TIER_ZH: dict[str, str] = {"entrance": "同单元", "building": "同楼栋", "grid": "同网格", "community": "同社区"}
#: Communities one liaison leader may liaise with at most.
MAX_PER_LEADER = 3


class Proposal(Protocol):
    """What every proposal offers: counts, plain data, and the roster file."""

    scope_code: str | None
    as_of: str

    @property
    def counts(self) -> dict[str, int]: ...

    def to_dict(self) -> dict[str, Any]: ...

    def write(self, path: Path, *, by_code: bool = False) -> Path: ...

    @property
    def whole_ids(self) -> int:
        """How many whole ID numbers the last :meth:`write` put in its file (personal data)."""
        ...


@dataclass(frozen=True)
class ContactAssignment:
    """One proposed 1+10 link: ``member`` (masked) to contact ``household``, and how near they are."""

    household: str
    member: str
    member_masked: str
    member_name: str | None
    tier: str
    care_tags: tuple[str, ...]
    community: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "household": code_of(self.household),
            "member": self.member_masked,
            "member_name": self.member_name,
            "tier": self.tier,
            "tier_zh": TIER_ZH[self.tier],
            "care_tags": [CareTag.parse(t).zh for t in self.care_tags],
            "community": code_of(self.community),
        }


@dataclass(frozen=True)
class Unassigned:
    """A household the proposal leaves uncontacted, with the reason (``reason`` is a stable code)."""

    household: str
    community: str | None
    care_tags: tuple[str, ...]
    reason: str
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "household": code_of(self.household),
            "community": code_of(self.community) if self.community else None,
            "care_tags": [CareTag.parse(t).zh for t in self.care_tags],
            "reason": self.reason,
            "message": self.message,
            "message_zh": self.message_zh,
        }


@dataclass
class ContactProposal:
    """The 1+10 proposal (联系户补齐建议) of one scope and day; see :func:`propose_contacts`.

    Attributes
    ----------
    scope, scope_code
        The area it was made for (node id, ``None`` for everything) and the code to import it with.
    capacity
        The norm: households one member may contact (``member-over-capacity.max``).
    assignments, unassigned
        The proposed links, and the households left over with the reason.
    seconds
        How long the proposal took.
    """

    store: GraphStore = field(repr=False, compare=False)
    index: GraphIndex = field(repr=False, compare=False)
    scope: str | None
    scope_code: str | None
    as_of: str
    capacity: int
    assignments: list[ContactAssignment] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    seconds: float = 0.0
    _whole_ids: int = field(default=0, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """Uncontacted households, assigned and left (also the care-tagged ones), members used."""
        return {
            "uncontacted": len(self.assignments) + len(self.unassigned),
            "assigned": len(self.assignments),
            "assigned_care_tagged": sum(1 for a in self.assignments if a.care_tags),
            "unassigned": len(self.unassigned),
            "unassigned_care_tagged": sum(1 for u in self.unassigned if u.care_tags),
            "members_used": len({a.member for a in self.assignments}),
        }

    def write(self, path: Path, *, by_code: bool = False) -> Path:
        """Write the full 联系户 roster of the scope with the proposed rows (see :mod:`queries.rosters_out`);
        ``by_code`` names members by person code (人员编号) instead of whole ID number."""
        pairs = [(a.member, a.household) for a in self.assignments]
        rows = contacts_rows(self.store, self.index, self.scope, pairs, by_code=by_code)
        headers = CONTACTS_CODE_HEADERS if by_code else CONTACTS_HEADERS
        self._whole_ids = whole_ids(headers, rows)
        return write_roster(Path(path), "联系户", headers, rows)

    @property
    def whole_ids(self) -> int:
        """How many whole ID numbers the last :meth:`write` put in its file (0 by person code)."""
        return self._whole_ids

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and JSON output; members appear with masked ID numbers only."""
        return {
            "kind": "contacts",
            "scope": self.scope_code,
            "as_of": self.as_of,
            "capacity": self.capacity,
            "counts": self.counts,
            "seconds": round(self.seconds, 3),
            "assignments": [a.to_dict() for a in self.assignments],
            "unassigned": [u.to_dict() for u in self.unassigned],
        }


@dataclass(frozen=True)
class LiaisonAssignment:
    """One proposed 包联 link: ``leader`` (masked) to liaise with ``community``."""

    community: str
    leader: str
    leader_masked: str
    leader_name: str | None
    tier: str
    communities_before: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "community": code_of(self.community),
            "leader": self.leader_masked,
            "leader_name": self.leader_name,
            "tier": self.tier,
            "tier_zh": "同街道" if self.tier == "street" else "同区",
            "communities_before": self.communities_before,
        }


@dataclass(frozen=True)
class Unfixed:
    """A community still below the norm after the proposal: how many leaders it lacks, and why."""

    community: str
    missing: int
    reason: str
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "community": code_of(self.community),
            "missing": self.missing,
            "reason": self.reason,
            "message": self.message,
            "message_zh": self.message_zh,
        }


@dataclass
class LiaisonProposal:
    """The 包联 proposal (包联调整建议) of one scope and day; see :func:`propose_liaison`.

    Attributes
    ----------
    required, rank
        The norm: leaders of ``rank`` a community needs.
    deficient
        Communities below the norm, with the number of leaders each had.
    assignments, unfixed
        The proposed links; the communities still short, with the reason.
    """

    store: GraphStore = field(repr=False, compare=False)
    index: GraphIndex = field(repr=False, compare=False)
    scope: str | None
    scope_code: str | None
    as_of: str
    required: int
    rank: str
    max_per_leader: int
    deficient: dict[str, int] = field(default_factory=dict)
    assignments: list[LiaisonAssignment] = field(default_factory=list)
    unfixed: list[Unfixed] = field(default_factory=list)
    seconds: float = 0.0
    _whole_ids: int = field(default=0, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """Communities below the norm, links proposed, communities fixed and not, leaders used."""
        return {
            "deficient": len(self.deficient),
            "links_added": len(self.assignments),
            "fixed": len(self.deficient) - len(self.unfixed),
            "unfixed": len(self.unfixed),
            "leaders_used": len({a.leader for a in self.assignments}),
        }

    def write(self, path: Path, *, by_code: bool = False) -> Path:
        """Write the full 包联 roster of the scope with the proposed rows (see :mod:`queries.rosters_out`).

        A 包联 roster defines its persons (name, rank, ID number), so it has no ``by_code`` form.
        """
        if by_code:
            raise InvalidValueError(
                "a 包联 roster defines its persons, so it names them by whole ID number; it has no person-code form",
                message_zh="包联名册须登记人员信息，只能使用完整身份证号，不能使用人员编号",
            )
        pairs = [(a.leader, a.community) for a in self.assignments]
        rows = liaison_rows(self.store, self.index, self.scope, pairs)
        self._whole_ids = whole_ids(LIAISON_HEADERS, rows)
        return write_roster(Path(path), "包联", LIAISON_HEADERS, rows)

    @property
    def whole_ids(self) -> int:
        """How many whole ID numbers the last :meth:`write` put in its file."""
        return self._whole_ids

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and JSON output; leaders appear with masked ID numbers only."""
        return {
            "kind": "liaison",
            "scope": self.scope_code,
            "as_of": self.as_of,
            "required": self.required,
            "rank": self.rank,
            "counts": self.counts,
            "deficient": {code_of(c): n for c, n in self.deficient.items()},
            "assignments": [a.to_dict() for a in self.assignments],
            "unfixed": [u.to_dict() for u in self.unfixed],
        }


def propose_contacts(
    store: GraphStore, *, scope: str | None = None, as_of: str | None = None, policy: Policy | None = None
) -> ContactProposal:
    """Propose 1+10 contacts (联系户) for every uncontacted household of the scope.

    Each household no one contacts goes to a Party member (not 流动) of its own community with
    spare capacity under ``member-over-capacity.max``, nearest first (same entrance 单元, building 楼栋,
    basic grid 网格, community 社区); care-tagged households first when capacity is short; never a
    member's own home, never across communities. See :mod:`queries.proposals_contacts`.

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
    from queries.proposals_contacts import solve_contacts

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
    past ``max_per_leader`` communities. See :mod:`queries.proposals_liaison`.

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
    from queries.proposals_liaison import solve_liaison

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
