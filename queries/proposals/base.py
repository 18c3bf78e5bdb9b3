"""The proposals' result types (补短板建议): what a proposal holds, says and writes.

:class:`ContactProposal` (1+10 contacts, solved by :mod:`queries.proposals.contacts`) and
:class:`LiaisonProposal` (liaison, solved by :mod:`queries.proposals.liaison`), both with ``counts``,
``to_dict()`` (masked ID numbers only) and ``write(path)`` — the **full** roster of the proposal's
scope with the proposed rows marked (:mod:`queries.proposals.rosters`). :mod:`queries.proposals.propose`
runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from orggraph.errors import InvalidValueError
from orggraph.model.enums import CareTag
from orggraph.model.nodes import code_of
from orggraph.store import GraphStore
from orggraph.store.view import DayView
from queries.proposals.rosters import (
    CONTACTS_CODE_HEADERS,
    CONTACTS_HEADERS,
    LIAISON_HEADERS,
    contacts_rows,
    liaison_rows,
    whole_ids,
    write_roster,
)

__all__ = [
    "TIERS",
    "TIER_ZH",
    "ContactAssignment",
    "ContactProposal",
    "LiaisonAssignment",
    "LiaisonProposal",
    "Proposal",
    "Unassigned",
    "Unfixed",
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
    index: DayView = field(repr=False, compare=False)
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
        """Write the full 联系户 roster of the scope with the proposed rows (see :mod:`queries.proposals.rosters`);
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
    index: DayView = field(repr=False, compare=False)
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
        """Write the full 包联 roster of the scope with the proposed rows (see :mod:`queries.proposals.rosters`).

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
