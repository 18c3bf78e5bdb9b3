"""A case as callers read it: instants in the district's time zone, statuses and events named in both
languages, the contact masked (the API adds what a caller may see whole)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from orggraph.cases import Case, CaseEvent, from_utc_text
from orggraph.cases.model import EVENT_NAMES, STATUSES


def local(text: str | None, zone: dt.tzinfo) -> str | None:
    """UTC text as ISO 8601 in ``zone`` (``None`` stays ``None``)."""
    return None if text is None else from_utc_text(text).astimezone(zone).isoformat()


def _deadlines(due: dict[str, str], zone: dt.tzinfo) -> dict[str, str | None]:
    return {k: local(due.get(k), zone) for k in ("reply", "act", "result")}


def _holder(case: Case) -> dict[str, Any] | None:
    if case.assignee is None:
        return None
    return {**case.assignee, "phone": None}


def case_row(case: Case, zone: dt.tzinfo, now: str) -> dict[str, Any]:
    """A case as a list shows it."""
    due_at = case.due_at()
    return {
        "id": case.id,
        "status": case.status,
        "status_zh": STATUSES[case.status][0],
        "category": case.category,
        "address": case.address,
        "community": case.community,
        "grid": case.grid,
        "reported_at": local(case.reported_at, zone),
        "assignee": _holder(case),
        "due_at": local(due_at, zone),
        "overdue": due_at is not None and due_at < now,
        "escalations": case.escalations,
        "exhausted": case.exhausted,
    }


def holder_names(case: Case) -> dict[str, str]:
    """The names of everyone who may hold the case: its path's persons and units, its holder now."""
    names = {who["id"]: who["name"] for step in case.path for who in (step["person"], step["unit"]) if who}
    if case.assignee is not None and case.assignee.get("name"):
        names[case.assignee["id"]] = case.assignee["name"]
    return names


def event_dict(event: CaseEvent, zone: dt.tzinfo, names: dict[str, str] | None = None) -> dict[str, Any]:
    """One entry of the timeline, named in both languages, its instants in ``zone``, its holders named."""
    zh, en = EVENT_NAMES.get(event.type, (event.type, event.type))
    names = names or {}
    out = event.to_dict()
    out.update(
        type_zh=zh,
        type_en=en,
        at=local(event.at, zone),
        recorded_at=local(event.recorded_at, zone),
        assignee_name=names.get(event.assignee or ""),
        to_name=names.get(event.to or ""),
    )
    return out


def case_dict(case: Case, events: list[CaseEvent], zone: dt.tzinfo, now: str) -> dict[str, Any]:
    """A case whole: its row, the path kept with it, the clock and the timeline."""
    row = case_row(case, zone, now)
    names = holder_names(case)
    return {
        **row,
        "description": case.description,
        "source": case.source,
        "household": case.household,
        "step": case.step,
        "due": _deadlines(case.due, zone),
        "promise": _deadlines(case.promise, zone),
        "accepted_at": local(case.accepted_at, zone),
        "resolved_at": local(case.resolved_at, zone),
        "closed_at": local(case.closed_at, zone),
        "rating": case.rating,
        "contact": {"masked": case.contact_masked, "phone": None},
        "path": [
            {**step, "person": {**step["person"], "phone": None, "id_number": None} if step["person"] else None}
            for step in case.path
        ],
        "events": [event_dict(e, zone, names) for e in events],
    }
