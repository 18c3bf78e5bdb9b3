"""The case desk (事件受理台): a case reported, dispatched along its escalation path, moved on by its
assignees and by the clock.

"Residents order, community dispatches, members take the order" (群众点单、社区派单、党员接单) and
"first receiver responsible, handle on receipt, hand on" (首接负责、接诉即办、流转交办): a case reported at
a household is dispatched to the first step of the escalation path computed then (kept with the case);
its assignee accepts, acts and resolves; a step whose reply deadline passes without ``accept`` hands the
case to the next step of the path (:meth:`CaseDesk.tick`, the case keeping both in its timeline), and
a resolved case the resident does not rate is closed by the clock. Every change is compare-and-set on
the case's version (:mod:`orggraph.cases.ledger`): two servers ticking at once escalate a case once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from orggraph.cases import Case, CaseEvent, CaseLedger, Change, allowed, from_utc_text, utc_text
from orggraph.cases.model import CALLER_EVENTS, OPEN_STATUSES, RATINGS, SOURCES
from orggraph.errors import CaseStateError, InvalidValueError, NotFoundError, StoreUnavailableError
from orggraph.pii import PiiKey, mask_phone, normalize_phone
from orggraph.store.view import DayView
from queries.cases.clock import CaseClock
from queries.cases.metrics import case_metrics
from queries.cases.present import case_row
from queries.escalation import escalation_path
from queries.escalation.roles import handled_categories
from queries.policy import Policy
from queries.reading.address import resolve_start
from queries.reading.place import Place

log = logging.getLogger("orggraph.cases")

#: Tries of a change that lost its compare-and-set to another writer before giving up.
_TRIES = 8
#: How far in the future an event's own time may be (clocks of front-line devices drift).
_SKEW = dt.timedelta(minutes=5)
#: Called with (what happened, the case) after a dispatch, an escalation, a hand-on or a reopen.
Notify = Callable[[str, Case], None]


@dataclasses.dataclass(frozen=True)
class Moved:
    """What a tick did to one case: escalated (from step, to step) or closed by the clock."""

    case: Case
    events: tuple[CaseEvent, ...]


def _step_of(step: dict[str, Any]) -> dict[str, Any]:
    """A path step as the case keeps it: who, in which role and level, and why (no hops, no ID numbers)."""
    person, unit, area = step.get("person"), step.get("unit"), step.get("area")
    return {
        "level": step["level"],
        "level_zh": step["level_zh"],
        "level_en": step["level_en"],
        "role": step["role"],
        "role_zh": step["role_zh"],
        "role_en": step["role_en"],
        "person": {k: person[k] for k in ("id", "name", "phone_masked")} if person else None,
        "unit": {k: unit[k] for k in ("id", "name")} if unit else None,
        "area": {k: area[k] for k in ("id", "name")} if area else None,
        "deputy": step.get("deputy", False),
        "reason_zh": step["reason"]["zh"],
        "reason_en": step["reason"]["en"],
    }


def _holder(step: dict[str, Any]) -> dict[str, Any]:
    who = step["person"] or step["unit"]
    return {
        "id": who["id"],
        "name": who["name"],
        "kind": "person" if step["person"] else "unit",
        "role": step["role"],
        "role_zh": step["role_zh"],
        "role_en": step["role_en"],
        "level": step["level"],
        "phone_masked": who.get("phone_masked"),
    }


class CaseDesk:
    """Reports, events and the tick over one store's ledger, by one policy, in one time zone."""

    def __init__(self, ledger: CaseLedger, policy: Policy, zone: dt.tzinfo, *, key: PiiKey, notify: Notify | None = None) -> None:
        self.ledger = ledger
        self.policy = policy
        self.clock = CaseClock(policy.cases.working, zone)
        self.zone = zone
        self.key = key
        self.notify = notify

    # -- reporting --------------------------------------------------------------------------------

    def report(
        self,
        view: DayView,
        start: str,
        category: str,
        *,
        description: str,
        source: str,
        reported_at: dt.datetime | None = None,
        contact: str | None = None,
        idempotency_key: str | None = None,
        by: str = "system",
        now: dt.datetime | None = None,
    ) -> tuple[Case, bool]:
        """Record a case at ``start`` (a household code or id, or an address) and dispatch it to the first
        step of its escalation path; ``(case, False)`` when ``idempotency_key`` was seen before (nothing new)."""
        now = now or dt.datetime.now(dt.UTC)
        if source not in SOURCES:
            raise InvalidValueError(
                f"unknown source {source!r}; one of {', '.join(SOURCES)}",
                message_zh=f"未知的来源“{source}”；可选：{'、'.join(f'{k}（{v[0]}）' for k, v in SOURCES.items())}",
                field="source",
            )
        at = self._instant(reported_at, now, "reported_at")
        household, _ = resolve_start(view, start)
        path = escalation_path(view, household, category, at=at.astimezone(self.zone), policy=self.policy)
        payload = path.to_dict()
        place = Place(view, household)
        areas = [
            a
            for a in (
                household,
                place.entrance,
                place.building,
                place.compound,
                place.grid,
                place.community,
                place.street,
                place.district,
            )
            if a is not None
        ]
        sealed = masked = None
        if contact:
            phone = normalize_phone(contact)
            sealed, masked = self.key.seal("phone", phone).hex(), mask_phone(phone)
        case = Case(
            id="",
            household=household,
            address=payload["address"],
            category=category,
            description=description,
            source=source,
            reported_at=utc_text(at),
            areas=areas,
            grid=place.grid,
            community=place.community,
            street=place.street,
            path=[_step_of(s) for s in payload["steps"]],
            step=0,
            assignee=None,
            contact_masked=masked,
            contact_sealed=sealed,
            idempotency_key=idempotency_key,
        )
        if case.path:
            self._dispatch(case, 0, at)
        else:
            case.exhausted = True  # every post vacant: kept, listed as unassigned, never lost
        case.promise = dict(case.due)
        event = CaseEvent(
            "report", utc_text(at), by, case.status, case.step, (case.assignee or {}).get("id"), recorded_at=utc_text(now)
        )
        made, created = self.ledger.create(case, event, prefix=f"E{at.astimezone(self.zone):%Y%m%d}-")
        if created and self.notify is not None and made.assignee is not None:
            self.notify("dispatch", made)
        return made, created

    def _instant(self, given: dt.datetime | None, now: dt.datetime, name: str) -> dt.datetime:
        if given is None:
            return now
        at = self.clock.local(given)
        if at - now > _SKEW:
            raise InvalidValueError(
                f"{name} {at.isoformat()} is in the future",
                message_zh=f"{name} {at.isoformat()} 晚于当前时间",
                field=name,
            )
        return at

    def _dispatch(self, case: Case, index: int, at: dt.datetime, holder: dict[str, Any] | None = None) -> None:
        """Give the case to step ``index`` of its path (or to ``holder``, a department handed on to) at
        ``at``: its deadlines from the policy's clock for the category and the step's level."""
        level = case.path[index]["level"] if index < len(case.path) else (case.path[-1]["level"] if case.path else "street")
        rule = self.policy.cases.clock.rule(case.category, level)
        due = {
            name: utc_text(self.clock.due(at, minutes, rule.time))
            for name, minutes in zip(("reply", "act", "result"), rule.minutes, strict=True)
        }
        case.step = index
        case.assignee = holder or (_holder(case.path[index]) if index < len(case.path) else None)
        case.status = "dispatched"
        case.due = due
        case.tick_at = due["reply"]
        case.assigned_at = utc_text(at)

    # -- events -----------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        case = self.ledger.get(case_id)
        if case is None:
            raise NotFoundError(f"no case {case_id!r}", message_zh=f"没有事件“{case_id}”", case=case_id)
        return case

    def event(
        self,
        view: DayView,
        case_id: str,
        kind: str,
        *,
        by: str,
        at: dt.datetime | None = None,
        note: str | None = None,
        rating: str | None = None,
        to: str | None = None,
        now: dt.datetime | None = None,
        check: Callable[[Case], None] | None = None,
    ) -> Case:
        """Apply one caller's event (accept, act, resolve, hand_on, reopen, close, rate) to a case.
        ``check`` sees the case as read (a scope, an assignee) and raises to refuse."""
        if kind not in CALLER_EVENTS:
            raise InvalidValueError(
                f"unknown event {kind!r}; one of {', '.join(CALLER_EVENTS)}",
                message_zh=f"未知的事件操作“{kind}”；可选：{'、'.join(CALLER_EVENTS)}",
                field="type",
            )
        if kind == "rate" and rating not in RATINGS:
            raise InvalidValueError(
                f"a rating is one of {', '.join(RATINGS)}",
                message_zh=f"评价须为{'、'.join(f'{k}（{v[0]}）' for k, v in RATINGS.items())}之一",
                field="rating",
            )
        now = now or dt.datetime.now(dt.UTC)
        when = self._instant(at, now, "at")
        for _ in range(_TRIES):
            case = self.get(case_id)
            if check is not None:
                check(case)
            if utc_text(when) < case.reported_at:
                raise InvalidValueError(
                    f"the event's time {when.isoformat()} is before the case was reported",
                    message_zh="事件操作时间早于事件上报时间",
                    field="at",
                )
            new = dataclasses.replace(case, due=dict(case.due), path=case.path)
            notice = self._move(view, new, kind, when, note=note, rating=rating, to=to)
            new.version = case.version + 1
            event = CaseEvent(
                kind, utc_text(when), by, new.status, new.step, (new.assignee or {}).get("id"), note, rating, to, utc_text(now)
            )
            if self.ledger.apply([Change(new, case.version, (event,))])[0]:
                if notice and self.notify is not None:
                    self.notify(notice, new)
                return new
        raise StoreUnavailableError(
            f"case {case_id} is being changed by others; try again", message_zh=f"事件 {case_id} 正被他人修改，请重试"
        )

    def _move(
        self, view: DayView, case: Case, kind: str, at: dt.datetime, *, note: str | None, rating: str | None, to: str | None
    ) -> str | None:
        """Change ``case`` in place for event ``kind``; what to notify of, if anything."""
        after = allowed(case.status, kind)
        stamp = utc_text(at)
        if kind == "accept":
            case.accepted_at = case.accepted_at or stamp
            if case.accepted_by is None:
                case.accepted_by = (case.assignee or {}).get("id")
                case.accepted_on_time = stamp <= case.promise.get("reply", stamp)
                case.accepted_step_on_time = stamp <= case.due.get("reply", stamp)
            case.tick_at = None
        elif kind == "act":
            case.acted_at = case.acted_at or stamp
        elif kind == "resolve":
            case.resolved_at = stamp
            case.tick_at = utc_text(at + dt.timedelta(minutes=self.policy.cases.close_after_minutes))
        elif kind == "hand_on":
            index, holder = self._target(view, case, to)
            self._dispatch(case, index, at, holder)
            return "hand_on"
        elif kind == "reopen":
            case.resolved_at = case.closed_at = case.rating = None
            self._dispatch(
                case, min(case.step, max(len(case.path) - 1, 0)), at, case.assignee if case.step >= len(case.path) else None
            )
            return "reopen"
        elif kind == "close":
            case.closed_at = stamp
            case.tick_at = None
        elif kind == "rate":
            if case.rating is not None:
                raise CaseStateError(f"case {case.id} is rated already", message_zh=f"事件 {case.id} 已评价", status=case.status)
            case.rating = rating
            case.closed_at = case.closed_at or stamp
            case.tick_at = None
        case.status = after
        return None

    def _target(self, view: DayView, case: Case, to: str | None) -> tuple[int, dict[str, Any] | None]:
        """Where a hand-on goes: the next step of the path (``to`` empty or ``next``), or a functional
        department (职能部门) named by its id, code or name."""
        if to in (None, "", "next"):
            if case.step + 1 >= len(case.path):
                raise CaseStateError(
                    f"case {case.id} is at the last step of its path; hand it on to a department by name",
                    message_zh=f"事件 {case.id} 已在响应路径最后一步；请指定职能部门",
                    status=case.status,
                )
            return case.step + 1, None
        assert to is not None
        found: list[tuple[str, Any]] = []
        for units in handled_categories(view).values():
            for unit in units:
                attrs = view.node(unit) or {}
                if to in (unit, unit.split(":", 1)[-1], attrs.get("name")) and unit not in (f[0] for f in found):
                    found.append((unit, attrs))
        if len(found) != 1:
            raise NotFoundError(
                f"no functional department {to!r}" if not found else f"{to!r} names {len(found)} departments; give its id",
                message_zh=f"没有职能部门“{to}”" if not found else f"“{to}”对应多个职能部门，请给出编号",
                to=to,
            )
        unit, attrs = found[0]
        holder = {
            "id": unit,
            "name": attrs.get("name"),
            "kind": "unit",
            "role": "department",
            "role_zh": "职能部门",
            "role_en": "functional department",
            "level": case.path[-1]["level"] if case.path else "street",
            "phone_masked": None,
        }
        return len(case.path), holder

    # -- the clock --------------------------------------------------------------------------------

    def tick(self, now: dt.datetime | None = None, *, by: str = "clock") -> list[Moved]:
        """Escalate every dispatched case whose reply deadline passed by ``now`` to the next step of its
        path (again while the next step's deadline has passed too), and close every resolved case nobody
        rated in time; what moved. A case another server moved first is left to it."""
        now = now or dt.datetime.now(dt.UTC)
        stamp = utc_text(now)
        changes: list[Change] = []
        notices: list[list[str]] = []
        for case in self.ledger.due(stamp):
            if case.tick_at is None or case.tick_at > stamp:
                continue  # not due (FalkorDB's range index has answered with cases that were not)
            new = dataclasses.replace(case, due=dict(case.due))
            new.version = case.version + 1
            events: list[CaseEvent] = []
            said: list[str] = []
            if case.status == "dispatched":
                while new.tick_at is not None and new.tick_at <= stamp and new.status == "dispatched":
                    deadline = from_utc_text(new.tick_at)
                    if new.step + 1 < len(new.path):
                        left = (new.assignee or {}).get("id")
                        self._dispatch(new, new.step + 1, deadline)
                        new.escalations += 1
                        events.append(
                            CaseEvent(
                                "escalate",
                                utc_text(deadline),
                                by,
                                "dispatched",
                                new.step,
                                (new.assignee or {}).get("id"),
                                to=left,
                                recorded_at=stamp,
                            )
                        )
                        said.append("escalate")
                    else:
                        new.exhausted = True
                        new.tick_at = None
                        events.append(
                            CaseEvent(
                                "exhausted",
                                utc_text(deadline),
                                by,
                                "dispatched",
                                new.step,
                                (new.assignee or {}).get("id"),
                                recorded_at=stamp,
                            )
                        )
            elif case.status == "resolved":
                closing = case.tick_at or stamp
                new.status, new.closed_at, new.tick_at = "closed", closing, None
                events.append(
                    CaseEvent(
                        "close",
                        closing,
                        by,
                        "closed",
                        new.step,
                        (new.assignee or {}).get("id"),
                        note="timeout",
                        recorded_at=stamp,
                    )
                )
            else:
                new.tick_at = None  # nothing waits on the clock in this status
            if events or new.tick_at != case.tick_at:
                changes.append(Change(new, case.version, tuple(events)))
                notices.append(said)
        moved: list[Moved] = []
        for change, ok, said in zip(changes, self.ledger.apply(changes) if changes else [], notices, strict=True):
            if not ok:
                continue
            if change.events:
                moved.append(Moved(change.case, tuple(change.events)))
            if said and self.notify is not None:
                self.notify("escalate", change.case)
        return moved

    # -- reads ------------------------------------------------------------------------------------

    def metrics(
        self,
        view: DayView,
        *,
        area: str | None,
        first: dt.date | None = None,
        last: dt.date | None = None,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """How the cases of ``area`` (a node id; ``None``: every case) reported from ``first`` to ``last``
        (days in the district's time zone, both included; default this month to today) were answered
        (:func:`~queries.cases.metrics.case_metrics`), communities and persons named from ``view``."""
        now = now or dt.datetime.now(dt.UTC)
        today = now.astimezone(self.zone).date()
        first = first or today.replace(day=1)
        last = last or today
        if last < first:
            raise InvalidValueError(
                f"the period ends ({last}) before it begins ({first})",
                message_zh=f"结束日期 {last} 早于开始日期 {first}",
                field="to",
            )
        start = dt.datetime.combine(first, dt.time(0), tzinfo=self.zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=self.zone)
        facts = self.ledger.facts(area=area, since=utc_text(start), until=utc_text(end))
        open_now = self.ledger.facts(area=area, statuses=OPEN_STATUSES)
        names: dict[str, str] = {}
        for f in (*facts, *open_now):
            for node in (f["community"], f["accepted_by"]):
                if node and node not in names:
                    names[node] = str((view.node(node) or {}).get("name") or node)
        data = case_metrics(facts, now=utc_text(now), rates=self.policy.cases.rates, names=names, open_now=open_now)
        data.update(since=first.isoformat(), until=last.isoformat())
        return data

    def events(self, case_id: str) -> list[CaseEvent]:
        self.get(case_id)
        return self.ledger.events(case_id)

    def page(
        self,
        *,
        area: str | None,
        statuses: Sequence[str] | None,
        overdue: bool,
        page: int,
        per_page: int,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """One page of an area's cases as a list shows them (:func:`~queries.cases.present.case_row`), newest first."""
        now = now or dt.datetime.now(dt.UTC)
        cases, total = self.find(
            area=area, statuses=statuses, overdue=overdue, now=now, offset=(page - 1) * per_page, limit=per_page
        )
        rows = [case_row(c, self.zone, utc_text(now)) for c in cases]
        return {"total": total, "page": page, "per_page": per_page, "cases": rows}

    def find(
        self,
        *,
        area: str | None = None,
        statuses: Sequence[str] | None = None,
        overdue: bool = False,
        now: dt.datetime | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Case], int]:
        now = now or dt.datetime.now(dt.UTC)
        return self.ledger.find(
            area=area, statuses=statuses, overdue_at=utc_text(now) if overdue else None, offset=offset, limit=limit
        )
