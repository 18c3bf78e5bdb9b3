"""Each headline ratio over the last month-ends (趋势): the ratios of an area as of each of the last
twelve month-ends, from as-of views of the graph (history is kept, so a past day reads as it was).

Only the rules the ratios measure are run, on views that read what a scope needs as they go
(``store.view(day, lazy=True)``): a street's twelve month-ends cost about what one whole-district
coverage run does. The whole district's counts per (street, community) on each day
(:func:`district_counts`) give the trend of the district, and of every street and community in it
(:func:`trend_of_counts`). The caller caches both per store revision (:meth:`api.service.Service.trend`).

>>> [str(d) for d in month_ends(dt.date(2026, 3, 15), 3)]
['2025-12-31', '2026-01-31', '2026-02-28']
>>> [str(d) for d in month_ends(dt.date(2026, 2, 28), 2)]
['2026-01-31', '2026-02-28']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.coverage.run import scope_of
from queries.coverage.summary import Key, Ratio, by_code, count_ratios, ratio_names, ratio_norms, summed
from queries.policy import Policy

MONTHS = 12


def month_ends(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The last ``count`` month-ends on or before ``today``, oldest first."""
    end = today if (today + dt.timedelta(days=1)).day == 1 else today.replace(day=1) - dt.timedelta(days=1)
    days = [end]
    while len(days) < count:
        days.append(days[-1].replace(day=1) - dt.timedelta(days=1))
    return days[::-1]


@dataclass(frozen=True)
class Trend:
    """An area's headline ratios on each day (``None`` for a day the area did not exist)."""

    scope: str | None
    days: list[str]
    names: dict[str, tuple[str, str]]
    norms: dict[str, float]
    points: list[dict[str, Ratio] | None]

    def to_dict(self) -> dict[str, Any]:
        """``{"scope", "days", "ratio_names", "ratio_norms", "series": {ratio: [{value, numerator,
        denominator} | None per day]}}``, JSON-ready."""
        series = {name: [point[name].to_dict() if point is not None else None for point in self.points] for name in self.names}
        return {
            "scope": self.scope,
            "days": self.days,
            "ratio_names": {name: {"zh": zh, "en": en} for name, (zh, en) in self.names.items()},
            "ratio_norms": self.norms,
            "series": series,
        }


def ratios_of(view: DayView, policy: Policy, scope: str | None) -> dict[str, Ratio] | None:
    """The scope's headline ratios on the view's day (``None`` when the area does not exist that day)."""
    try:
        subtree = scope_of(view, scope)
    except NotFoundError:
        return None
    return summed(policy.ratios, count_ratios(view, policy, subtree, {}).values())


def trend(view_of: Callable[[str], DayView], policy: Policy, scope: str | None, days: Sequence[dt.date]) -> Trend:
    """The ratios of ``scope`` (an area code, ``None`` for everything) on each of ``days``; ``view_of(day)``
    gives the graph as of an ISO day."""
    points = [ratios_of(view_of(day.isoformat()), policy, scope) for day in days]
    return Trend(scope, [day.isoformat() for day in days], ratio_names(policy), ratio_norms(policy), points)


#: The ratios' counts per (street code, community code) on one day: ``{key: {ratio: [numerator, denominator]}}``.
DayCounts = dict[Key, dict[str, list[int]]]


def district_counts(view_of: Callable[[str], DayView], policy: Policy, days: Sequence[dt.date]) -> list[DayCounts]:
    """The whole graph's ratio counts per (street, community) on each of ``days``."""
    found = []
    for day in days:
        view = view_of(day.isoformat())
        found.append(by_code(view, count_ratios(view, policy, None, {}), {}))
    return found


def trend_of_counts(
    counts: Sequence[DayCounts],
    policy: Policy,
    days: Sequence[dt.date],
    code: str,
    level: str,
    streets: frozenset[str] | None = None,
) -> Trend:
    """The trend of a district, a street or a community (``level``; the area by code) from
    :func:`district_counts`. A district counts what its ``streets`` count, or everything when ``None``
    (the store holds one district); a day where the area counts nothing has ratios of 0/0 (no value)."""

    def counted(street: str | None, community: str | None) -> bool:
        if level == "district":
            return streets is None or street in streets
        return street == code if level == "street" else community == code

    points: list[dict[str, Ratio] | None] = [
        summed(policy.ratios, (found for (street, community), found in day.items() if counted(street, community)))
        for day in counts
    ]
    return Trend(code, [day.isoformat() for day in days], ratio_names(policy), ratio_norms(policy), points)
