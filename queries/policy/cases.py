"""The case loop's part of the policy (``[cases]``): the clock of each step, working hours, the rates.

The 136 service's promise — a reply within 1 hour, action within 3, a result within 6 (首接负责、接诉即办)
— is the shipped default for every level, in calendar minutes. A district changes it by level, by
category, or by category and level, and says whether a deadline counts calendar minutes or working
time (China's official calendar, the policy's working hours, in the district's time zone):

.. code-block:: toml

    [cases.clock.default]          # every step: reply, act, result (minutes) and how they count
    reply = 60
    act = 180
    result = 360
    time = "calendar"              # or "working"

    [cases.clock.level.street]     # a level's own
    time = "working"

    [cases.clock.category."养老服务"]           # a category's own (over the level's)
    result = 1440

    [cases.clock.category."养老服务".level.street]   # one category at one level (over both)
    result = 2880

The most specific table wins key by key: category and level, category, level, default.

>>> clock = CasePolicy().clock
>>> clock.rule("物业纠纷", "grid").minutes
(60, 180, 360)
>>> CasePolicy().rates.weights()
(0.1, 0.5, 0.4)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TimeMode = Literal["calendar", "working"]
Notice = Literal["dispatch", "escalate", "hand_on", "reopen"]
NOTICES: tuple[Notice, ...] = ("dispatch", "escalate", "hand_on", "reopen")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class ClockTable(BaseModel):
    """One table of the clock: any of reply, act and result (minutes) and how they count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reply: int | None = Field(None, gt=0, description="minutes to accept (受理/响应)")
    act: int | None = Field(None, gt=0, description="minutes to start acting (处置)")
    result: int | None = Field(None, gt=0, description="minutes to a result (办结)")
    time: TimeMode | None = None


class CategoryClock(ClockTable):
    """A category's clock, and its own per level."""

    level: dict[str, ClockTable] = Field(default_factory=dict)


class StepClock(BaseModel):
    """The clock of one step: minutes to reply, act and result, and whether they count working time."""

    model_config = ConfigDict(frozen=True)

    reply: int
    act: int
    result: int
    time: TimeMode

    @property
    def minutes(self) -> tuple[int, int, int]:
        return self.reply, self.act, self.result


class Clock(BaseModel):
    """``[cases.clock]``: the default, per level, per category (and per category and level)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: ClockTable = Field(default_factory=lambda: ClockTable(reply=60, act=180, result=360, time="calendar"))
    level: dict[str, ClockTable] = Field(default_factory=dict)
    category: dict[str, CategoryClock] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete_default(self) -> Clock:
        missing = [k for k in ("reply", "act", "result", "time") if getattr(self.default, k) is None]
        if missing:
            raise ValueError(f"cases.clock.default needs {', '.join(missing)}")
        return self

    def rule(self, category: str, level: str) -> StepClock:
        """The clock of a step of ``level`` for an issue of ``category`` (the most specific table wins)."""
        own = self.category.get(category)
        tables = [own.level.get(level) if own else None, own, self.level.get(level), self.default]
        values = {}
        for key in ("reply", "act", "result", "time"):
            values[key] = next(getattr(t, key) for t in tables if t is not None and getattr(t, key) is not None)
        return StepClock(**values)


class WorkingTime(BaseModel):
    """``[cases.working]``: the working hours of a working day, and days the official calendar lacks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: list[str] = Field(default_factory=lambda: ["08:30-12:00", "14:00-17:30"])
    #: Days off and days worked beyond the official calendar (a local holiday; a year it does not know yet).
    holidays: list[dt.date] = Field(default_factory=list)
    workdays: list[dt.date] = Field(default_factory=list)

    @field_validator("hours")
    @classmethod
    def _spans(cls, hours: list[str]) -> list[str]:
        last = -1
        for text in hours:
            match = _SPAN.match(text.strip())
            if match is None:
                raise ValueError(f"working hours {text!r} must read HH:MM-HH:MM")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59 or start < last:
                raise ValueError(f"working hours {text!r} must be within a day, in order, not overlapping")
            last = end
        if not hours:
            raise ValueError("give at least one span of working hours")
        return hours

    def spans(self) -> list[tuple[int, int]]:
        """The working spans of a day as (start, end) minutes after midnight."""
        out = []
        for text in self.hours:
            match = _SPAN.match(text.strip())
            assert match is not None
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            out.append((h1 * 60 + m1, h2 * 60 + m2))
        return out


class Rates(BaseModel):
    """``[cases.rates]``: the weights of 响应率, 解决率 and 满意率 in a community's score, and what a
    "basically satisfied" (基本满意) rating counts (Beijing 12345 uses 10/50/40; others 30/35/35)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response: float = Field(10, ge=0)
    resolution: float = Field(50, ge=0)
    satisfaction: float = Field(40, ge=0)
    basically: float = Field(0.9, ge=0, le=1, description="what a basically-satisfied rating counts")

    @model_validator(mode="after")
    def _some_weight(self) -> Rates:
        if self.response + self.resolution + self.satisfaction <= 0:
            raise ValueError("the weights of the three rates must not all be 0")
        return self

    def weights(self) -> tuple[float, float, float]:
        """The three weights as shares of their sum."""
        total = self.response + self.resolution + self.satisfaction
        return self.response / total, self.resolution / total, self.satisfaction / total


class Webhook(BaseModel):
    """One notification target: the URL, and the categories and levels it hears (empty: all)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(pattern=r"^https?://")
    categories: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    events: list[Notice] = Field(default_factory=lambda: list(NOTICES))

    def hears(self, event: str, category: str, level: str) -> bool:
        return (
            event in self.events
            and (not self.categories or category in self.categories)
            and (not self.levels or level in self.levels)
        )


class CasePolicy(BaseModel):
    """``[cases]``: the clock, working time, rates, when a resolved case closes by itself, the webhooks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clock: Clock = Field(default_factory=Clock)
    working: WorkingTime = Field(default_factory=WorkingTime)
    rates: Rates = Field(default_factory=Rates)
    #: A resolved case the resident does not rate is closed (核查结案) this many minutes after it was resolved.
    close_after_minutes: int = Field(3 * 24 * 60, gt=0)
    webhooks: dict[str, Webhook] = Field(default_factory=dict)
