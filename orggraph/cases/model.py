"""A case (事件) and its lifecycle, as the ledger keeps it on either engine.

The lifecycle follows GB/T 30428's 立案 → 派遣 → 处置 → 核查 → 结案 with PagerDuty's acknowledge step:

=============  ==========  =========================================================================
status         中文         what moves it on
=============  ==========  =========================================================================
``dispatched`` 派单         ``accept`` → accepted; ``hand_on`` → dispatched to the next step or a
                            department; the reply deadline passing → dispatched to the next step
``accepted``   受理         ``act`` → acting; ``resolve`` → resolved; ``hand_on``
``acting``     处置中       ``resolve`` → resolved; ``hand_on``
``resolved``   办结         ``rate`` or ``close`` → closed (核查结案); ``reopen`` → dispatched; closed
                            by the clock when nobody rates it in the policy's time
``closed``     结案         ``reopen`` → dispatched; ``rate`` once if not rated yet
=============  ==========  =========================================================================

Instants are kept as UTC text (``2026-12-07T02:30:00Z``, to the second) so that they sort as text on
both engines; they are shown in the district's time zone.

>>> allowed("dispatched", "accept")
'accepted'
>>> allowed("closed", "reopen")
'dispatched'
>>> utc_text(dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
'2026-12-07T02:30:00Z'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from orggraph.errors import CaseStateError, InvalidValueError

Status = Literal["dispatched", "accepted", "acting", "resolved", "closed"]
EventType = Literal["report", "accept", "act", "resolve", "hand_on", "reopen", "close", "rate", "escalate", "exhausted"]

STATUSES: dict[str, tuple[str, str]] = {
    "dispatched": ("派单", "dispatched"),
    "accepted": ("已受理", "accepted"),
    "acting": ("处置中", "acting"),
    "resolved": ("已办结", "resolved"),
    "closed": ("已结案", "closed"),
}
OPEN_STATUSES: tuple[str, ...] = ("dispatched", "accepted", "acting")
EVENT_NAMES: dict[str, tuple[str, str]] = {
    "report": ("立案派单", "reported and dispatched"),
    "accept": ("受理", "accepted"),
    "act": ("开始处置", "acting"),
    "resolve": ("办结", "resolved"),
    "hand_on": ("流转交办", "handed on"),
    "reopen": ("重新派单", "reopened"),
    "close": ("核查结案", "closed"),
    "rate": ("评价", "rated"),
    "escalate": ("超时升级", "escalated on the clock"),
    "exhausted": ("已无上级可升级", "no step left to escalate to"),
}
#: The events a caller may send (the rest are the system's own).
CALLER_EVENTS: tuple[str, ...] = ("accept", "act", "resolve", "hand_on", "reopen", "close", "rate")
RATINGS: dict[str, tuple[str, str]] = {
    "satisfied": ("满意", "satisfied"),
    "basically": ("基本满意", "basically satisfied"),
    "unsatisfied": ("不满意", "unsatisfied"),
}
SOURCES: dict[str, tuple[str, str]] = {
    "hotline": ("热线", "hotline"),
    "mini_program": ("小程序", "mini-program"),
    "grid_app": ("网格员 App", "grid app"),
    "walk_in": ("来访", "walk-in"),
}

#: status → event → the status it leads to.
_MOVES: dict[str, dict[str, str]] = {
    "dispatched": {"accept": "accepted", "hand_on": "dispatched", "escalate": "dispatched", "exhausted": "dispatched"},
    "accepted": {"act": "acting", "resolve": "resolved", "hand_on": "dispatched"},
    "acting": {"resolve": "resolved", "hand_on": "dispatched"},
    "resolved": {"rate": "closed", "close": "closed", "reopen": "dispatched"},
    "closed": {"reopen": "dispatched", "rate": "closed"},
}


def allowed(status: str, event: str) -> str:
    """The status ``event`` leads to from ``status``, or :class:`~orggraph.errors.CaseStateError`."""
    moves = _MOVES.get(status, {})
    after = moves.get(event)
    if after is None:
        zh_status = STATUSES.get(status, (status,))[0]
        zh_event = EVENT_NAMES.get(event, (event,))[0]
        can = [e for e in moves if e in CALLER_EVENTS]
        raise CaseStateError(
            f"a {status} case cannot take {event!r}; it takes {', '.join(can) or 'nothing'}",
            message_zh=f"{zh_status}状态的事件不能{zh_event}；可进行：{'、'.join(EVENT_NAMES[e][0] for e in can) or '无'}",
            status=status,
            event=event,
        )
    return after


_ZERO = dt.timedelta(0)


def statuses_of(given: Sequence[str]) -> list[str]:
    """The statuses a filter names: each a status, or ``open`` for the three open ones; an unknown one is
    :class:`~orggraph.errors.InvalidValueError` naming the choices.

    >>> statuses_of(["open", "closed"])
    ['dispatched', 'accepted', 'acting', 'closed']
    """
    out: list[str] = []
    for name in given:
        if name == "open":
            out.extend(OPEN_STATUSES)
        elif name in STATUSES:
            out.append(name)
        else:
            raise InvalidValueError(
                f"unknown status {name!r}; one of {', '.join(STATUSES)} or open",
                message_zh=f"未知的状态“{name}”；可选：{'、'.join(STATUSES)} 或 open",
                field="status",
            )
    return out


def utc_text(at: dt.datetime) -> str:
    """An aware instant as UTC text to the second (how the ledger keeps and compares instants)."""
    if at.tzinfo is None:
        raise ValueError("an instant needs its time zone")
    utc = at if at.utcoffset() == _ZERO else at.astimezone(dt.UTC)
    return utc.replace(tzinfo=None, microsecond=0).isoformat() + "Z"  # isoformat: far faster than strftime


def from_utc_text(text: str) -> dt.datetime:
    """The instant of UTC text (``fromisoformat``: several times faster than ``strptime``)."""
    return dt.datetime.fromisoformat(text)


@dataclass
class Case:
    """One case as the ledger keeps it (事件). ``path`` is the escalation path computed when it was
    reported — its steps as plain data, kept with the case so that later roster changes do not
    rewrite it; ``step`` the index of the current one; ``assignee`` who holds the case now (a step's
    person or unit, or a department it was handed on to); ``due`` the current step's deadlines and
    ``promise`` the first step's (what the resident was promised: the on-time rates count against it).
    Instants are UTC text (:func:`utc_text`)."""

    id: str
    household: str
    address: str | None
    category: str
    description: str
    source: str
    reported_at: str
    #: The areas the household is in, household's entrance up to the district (for scopes and metrics).
    areas: list[str]
    grid: str | None
    community: str | None
    street: str | None
    path: list[dict[str, Any]]
    step: int
    assignee: dict[str, Any] | None
    status: str = "dispatched"
    version: int = 1
    due: dict[str, str] = field(default_factory=dict)
    promise: dict[str, str] = field(default_factory=dict)
    #: When the tick must look at the case next: the reply deadline while dispatched, the close-by
    #: time once resolved (``None``: nothing waits on the clock).
    tick_at: str | None = None
    assigned_at: str | None = None
    accepted_at: str | None = None
    accepted_by: str | None = None
    accepted_on_time: bool | None = None
    #: Accepted by the reply deadline of the step that accepted it (what a person's on-time rate counts).
    accepted_step_on_time: bool | None = None
    acted_at: str | None = None
    resolved_at: str | None = None
    closed_at: str | None = None
    rating: str | None = None
    escalations: int = 0
    exhausted: bool = False
    contact_masked: str | None = None
    contact_sealed: str | None = None
    idempotency_key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (shallow: the path's steps are shared, not copied)."""
        return {name: getattr(self, name) for name in _CASE_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Case:
        return cls(**{k: v for k, v in data.items() if k in _CASE_FIELDS})

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def due_at(self) -> str | None:
        """The deadline the case waits on now: reply while dispatched, action once accepted, the result
        while acting; none once resolved."""
        return {"dispatched": self.due.get("reply"), "accepted": self.due.get("act"), "acting": self.due.get("result")}.get(
            self.status
        )

    def facts(self) -> dict[str, Any]:
        """The fields the ledger indexes (both engines): what lists, ticks and metrics read without the body."""
        derived = {"due_at": self.due_at(), "promise_result": self.promise.get("result")}
        return {name: getattr(self, name) for name in FACTS if name not in derived} | derived


_CASE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Case))

#: What the ledger keeps beside a case's whole body, for lists, the tick and the metrics.
FACTS: tuple[str, ...] = (
    "id",
    "version",
    "status",
    "category",
    "source",
    "household",
    "reported_at",
    "due_at",
    "tick_at",
    "grid",
    "community",
    "street",
    "accepted_at",
    "accepted_by",
    "accepted_on_time",
    "accepted_step_on_time",
    "resolved_at",
    "promise_result",
    "closed_at",
    "rating",
    "escalations",
    "idempotency_key",
)


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's timeline (append-only): what happened, when (UTC text), by whom, and the
    step, assignee and status it left."""

    type: str
    at: str
    by: str
    status: str
    step: int
    assignee: str | None = None
    note: str | None = None
    rating: str | None = None
    to: str | None = None
    #: The instant it was recorded (may differ from ``at``: an event told afterwards).
    recorded_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
