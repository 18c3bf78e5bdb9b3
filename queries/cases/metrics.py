"""How cases are answered (事件考核): counts, on-time rates, medians and the three rates of Beijing 12345.

For the cases of an area (grid, community, street, district) reported in a period:

* received (受理量), responded on time (按时响应: accepted by the reply deadline promised when it was
  reported), resolved (办结), resolved on time (按时办结: by the result deadline promised), closed (结案),
  escalated (超时升级), median minutes to reply and to resolve;
* overdue now (当前超时): the open cases of the area whose current deadline has passed, whenever they
  were reported (a case reported last month and overdue today counts today);
* 响应率 = responded on time ÷ received; 解决率 = resolved ÷ received; 满意率 = (satisfied + basically ×
  the policy's weight) ÷ rated; the score = the three weighed by the policy (``[cases.rates]``) × 100;
* the communities ranked by that score, and per person: cases accepted, and accepted by the reply
  deadline of their own step (an escalated case counts against the step that let it pass, not the next).

>>> _median([3, 1, 2]), _median([]), _rate(1, 0)
(2.0, None, None)
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from orggraph.cases import OPEN_STATUSES, from_utc_text
from queries.policy.cases import Rates

RATE_NAMES = {
    "response": ("响应率", "response rate"),
    "resolution": ("解决率", "resolution rate"),
    "satisfaction": ("满意率", "satisfaction rate"),
}


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _minutes(start: str, end: str) -> float:
    return (from_utc_text(end) - from_utc_text(start)).total_seconds() / 60


def _timed(facts: list[dict[str, Any]]) -> None:
    """Give each case its minutes to reply and to resolve, once (summaries of several areas share them)."""
    for f in facts:
        if "reply_minutes" not in f:
            f["reply_minutes"] = _minutes(f["reported_at"], f["accepted_at"]) if f["accepted_at"] else None
            f["resolve_minutes"] = _minutes(f["reported_at"], f["resolved_at"]) if f["resolved_at"] else None


def overdue(facts: Iterable[dict[str, Any]], now: str) -> int:
    """How many of the cases are open with their current deadline passed at ``now``."""
    return sum(1 for f in facts if f["status"] in OPEN_STATUSES and f["due_at"] and f["due_at"] < now)


def summarise(
    facts: Iterable[dict[str, Any]], *, now: str, rates: Rates, open_now: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The counts, medians, rates and score of a set of cases (their :data:`~orggraph.cases.FACTS`);
    overdue now counted over ``open_now`` (the area's open cases) when given, else over ``facts``."""
    facts = list(facts)
    _timed(facts)
    received = on_time = resolved = resolved_on_time = closed = escalated = rated = 0
    satisfied = 0.0
    reply: list[float] = []
    resolve: list[float] = []
    for f in facts:
        received += 1
        if f["accepted_on_time"]:
            on_time += 1
        if f["reply_minutes"] is not None:
            reply.append(f["reply_minutes"])
        if f["resolved_at"]:
            resolved += 1
            resolve.append(f["resolve_minutes"])
            if f.get("promise_result") is None or f["resolved_at"] <= f["promise_result"]:
                resolved_on_time += 1
        if f["status"] == "closed":
            closed += 1
        if f["escalations"]:
            escalated += 1
        if f["rating"]:
            rated += 1
            satisfied += 1.0 if f["rating"] == "satisfied" else rates.basically if f["rating"] == "basically" else 0.0
    three = {
        "response": _rate(on_time, received),
        "resolution": _rate(resolved, received),
        "satisfaction": _rate(satisfied, rated),
    }
    weights = rates.weights()
    score = None
    if received:
        score = round(
            100 * sum(w * (three[k] or 0.0) for w, k in zip(weights, ("response", "resolution", "satisfaction"), strict=True)), 2
        )
    return {
        "received": received,
        "responded_on_time": on_time,
        "resolved": resolved,
        "resolved_on_time": resolved_on_time,
        "closed": closed,
        "open_now": sum(1 for f in (open_now if open_now is not None else facts) if f["status"] in OPEN_STATUSES),
        "overdue_now": overdue(open_now if open_now is not None else facts, now),
        "escalated": escalated,
        "rated": rated,
        "median_reply_minutes": _median(reply),
        "median_resolve_minutes": _median(resolve),
        "rates": three,
        "score": score,
    }


def case_metrics(
    facts: list[dict[str, Any]],
    *,
    now: str,
    rates: Rates,
    names: dict[str, str] | None = None,
    open_now: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The summary of ``facts``, the communities ranked by score (best first, then by cases), and per
    person; overdue now over ``open_now`` (the area's open cases, whenever reported) when given."""
    names = names or {}
    _timed(facts)
    open_by_community: dict[str, list[dict[str, Any]]] = {}
    for f in open_now or ():
        if f["community"]:
            open_by_community.setdefault(f["community"], []).append(f)
    by_community: dict[str, list[dict[str, Any]]] = {c: [] for c in open_by_community}
    by_person: dict[str, list[int]] = {}
    for f in facts:
        if f["community"]:
            by_community.setdefault(f["community"], []).append(f)
        if f["accepted_by"]:
            counts = by_person.setdefault(f["accepted_by"], [0, 0])
            counts[0] += 1
            counts[1] += 1 if f["accepted_step_on_time"] else 0
    ranking = []
    for community, items in by_community.items():
        mine = open_by_community.get(community, []) if open_now is not None else None
        summary = summarise(items, now=now, rates=rates, open_now=mine)
        ranking.append({"community": community, "name": names.get(community, community), **summary})
    ranking.sort(key=lambda r: (-(r["score"] or 0.0), -r["received"], r["community"]))
    for place, row in enumerate(ranking, 1):
        row["rank"] = place
    persons = [
        {"person": p, "name": names.get(p, p), "answered": n, "on_time": ok, "on_time_rate": _rate(ok, n)}
        for p, (n, ok) in sorted(by_person.items(), key=lambda item: (-item[1][0], item[0]))
    ]
    weights = dict(zip(("response", "resolution", "satisfaction"), rates.weights(), strict=True))
    return {
        **summarise(facts, now=now, rates=rates, open_now=open_now),
        "weights": weights,
        "basically_counts": rates.basically,
        "rate_names": {k: {"zh": zh, "en": en} for k, (zh, en) in RATE_NAMES.items()},
        "communities": ranking,
        "persons": persons,
    }
