"""The clock of a case (时限): when a step's reply, action and result are due.

A deadline counts calendar minutes, or working time: the minutes inside the working hours of working
days, in the district's time zone. Working days are China's official calendar — public holidays off,
the weekend days made working days (调休) on — from the ``chinese-calendar`` package, with the policy's
own ``holidays`` and ``workdays`` laid over it. For a year the package does not know yet, Monday to
Friday count (said once in the log) until the package is updated or the policy lists that year's days.

>>> import zoneinfo
>>> from queries.policy.cases import WorkingTime
>>> clock = CaseClock(WorkingTime(), zoneinfo.ZoneInfo("Asia/Shanghai"))
>>> thursday = dt.datetime(2026, 9, 24, 17, 0, tzinfo=clock.zone)
>>> clock.due(thursday, 60, "working").isoformat()  # 30 minutes, the Mid-autumn days off, Monday from 08:30
'2026-09-28T09:00:00+08:00'
>>> clock.due(dt.datetime(2026, 9, 30, 17, 0, tzinfo=clock.zone), 60, "working").isoformat()  # National Day off
'2026-10-08T09:00:00+08:00'
>>> clock.due(dt.datetime(2026, 10, 9, 17, 0, tzinfo=clock.zone), 60, "working").isoformat()  # Saturday worked (调休)
'2026-10-10T09:00:00+08:00'
>>> clock.due(thursday, 60, "calendar").astimezone(clock.zone).isoformat()
'2026-09-24T18:00:00+08:00'
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import zoneinfo

import chinese_calendar

from orggraph.errors import ConfigurationError
from queries.policy.cases import TimeMode, WorkingTime

log = logging.getLogger("orggraph.cases")

#: The furthest a working-time deadline is looked for (a policy whose every day is off is refused).
_MAX_DAYS = 366
_WARNED: set[int] = set()


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The time zone named (``Asia/Shanghai``), or a configuration error saying so."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"unknown time zone {name!r} (ORGGRAPH_TIMEZONE); e.g. Asia/Shanghai",
            message_zh=f"未知的时区“{name}”（ORGGRAPH_TIMEZONE），例如 Asia/Shanghai",
            timezone=name,
        ) from exc


@functools.lru_cache(maxsize=4096)
def official_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day by China's official calendar (Monday–Friday where it is not known)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _WARNED:
            _WARNED.add(day.year)
            log.warning(
                "chinese-calendar does not know %s yet: Monday to Friday count as working days "
                "(update the package, or list the year's days in [cases.working])",
                day.year,
            )
        return day.weekday() < 5


class CaseClock:
    """Deadlines in one time zone by one policy's working time."""

    def __init__(self, working: WorkingTime, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.spans = working.spans()
        self.holidays = frozenset(working.holidays)
        self.workdays = frozenset(working.workdays)

    def workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return official_workday(day)

    def local(self, at: dt.datetime) -> dt.datetime:
        """``at`` in the district's time zone (a naive time is read as the district's)."""
        return at.replace(tzinfo=self.zone) if at.tzinfo is None else at.astimezone(self.zone)

    def due(self, start: dt.datetime, minutes: int, time: TimeMode) -> dt.datetime:
        """When ``minutes`` counted from ``start`` run out: an aware instant (calendar minutes in UTC —
        converting to the district's zone costs more than the rest and the ledger keeps UTC — working
        time in the district's zone)."""
        if time == "calendar":
            utc = start.replace(tzinfo=self.zone) if start.tzinfo is None else start
            return utc.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
        start = self.local(start)
        left = float(minutes)
        day = start.date()
        now_minute = start.hour * 60 + start.minute + start.second / 60 + start.microsecond / 60e6
        for _ in range(_MAX_DAYS * 2):
            if self.workday(day):
                for begin, end in self.spans:
                    if now_minute >= end:
                        continue
                    frm = max(now_minute, begin)
                    if frm + left <= end:
                        at = frm + left
                        whole = int(at)
                        moment = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone) + dt.timedelta(
                            minutes=whole, microseconds=round((at - whole) * 60e6)
                        )
                        return moment.astimezone(dt.UTC).astimezone(self.zone)
                    left -= end - frm
                    now_minute = end
            day += dt.timedelta(days=1)
            now_minute = 0.0
        raise ConfigurationError(
            "the working calendar has no working time within two years",
            message_zh="工作日历在两年内没有工作时间",
        )
