"""The escalation path (响应路径) as callers get it: immutable, its steps put together when first read.

The climb (:mod:`queries.escalation`) finds a :class:`PathCore` — answers in climbing order, vacancies,
helpers — once per question; an :class:`EscalationPath` adds the report time, and from it the
deadlines (处置时限) and whole reasons of its :class:`~queries.reading.model.Step` s, when read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from queries.reading.model import Answer, Helper, Hop, Reason, Ref, Skipped, Stage, Step, UnitRef


class Where(Protocol):
    """Where a path starts: the hops from an area down to the household, and the household's address."""

    def tail(self, area: str | None) -> tuple[Hop, ...]: ...

    def address(self) -> str | None: ...


#: A helper before its reason is put together: unit, project, category, term end, lead hops, zh, en, area.
HelperLead = tuple[UnitRef, Ref, str, "str | None", tuple[Hop, ...], str, str, str]


class PathCore(NamedTuple):
    """What the climb found for one household and category, before deadlines and whole reasons.

    ``entries`` are (level id, role, :class:`Answer`) in climbing order; ``levels`` the policy's level
    id → (zh, en, minutes); ``where`` puts each answer's area back in reach of the household.
    """

    household: Ref
    read_as: str | None
    category: str
    day: str
    entries: tuple[tuple[str, str, Answer], ...]
    skipped: tuple[Skipped, ...]
    helpers: tuple[HelperLead, ...]
    levels: Mapping[str, tuple[str, str, int]]
    where: Where


class EscalationPath:
    """Who answers an issue reported at a household, who next, and by when (响应路径). Immutable.

    Attributes
    ----------
    start, read_as
        What the caller gave, and how an address was read (``None`` for a household code or id).
    household, address
        The household (户) and its address (小区 楼栋 单元 室) as the graph has it.
    category, as_of, reported_at
        The issue category (事项类别), the day the graph was read as of, and the report time (ISO).
    steps
        In climbing order: contact, building, grid, community, street (the policy's levels).
    skipped
        Roles passed over: vacant posts (岗位空缺) and persons already listed at an earlier step.
    helpers
        Co-building units with a live project of a helping resource category for the community.

    The steps and helpers are put together (deadlines, whole reasons) when first read.
    """

    __slots__ = ("_core", "_helpers", "_reported", "_steps", "start")
    _core: PathCore
    _reported: dt.datetime
    _steps: tuple[Step, ...] | None
    _helpers: tuple[Helper, ...] | None
    start: str

    def __init__(self, core: PathCore, start: str, reported: dt.datetime) -> None:
        object.__setattr__(self, "_core", core)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "_reported", reported)
        object.__setattr__(self, "_steps", None)
        object.__setattr__(self, "_helpers", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"EscalationPath is immutable; cannot set {name}")

    def __repr__(self) -> str:
        return f"EscalationPath({self.start!r}, {self.category!r}, steps={len(self.steps)}, skipped={len(self.skipped)})"

    @property
    def read_as(self) -> str | None:
        return self._core.read_as

    @property
    def household(self) -> Ref:
        return self._core.household

    @property
    def address(self) -> str | None:
        return self._core.where.address()

    @property
    def category(self) -> str:
        return self._core.category

    @property
    def as_of(self) -> str:
        return self._core.day

    @property
    def reported_at(self) -> str:
        return self._reported.isoformat()

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        return self._core.skipped

    @property
    def steps(self) -> tuple[Step, ...]:
        steps: tuple[Step, ...] | None = self._steps
        if steps is None:
            core = self._core
            stages: dict[str, Stage] = {}
            made = []
            for level, role, answer in core.entries:
                stage = stages.get(level)
                if stage is None:
                    zh, en, minutes = core.levels[level]
                    deadline = (self._reported + dt.timedelta(minutes=minutes)).isoformat()
                    stage = stages[level] = Stage(level, zh, en, minutes, deadline)
                tail = core.where.tail(answer.area.id if answer.area else None)
                made.append(Step(stage, role, answer, Reason(answer.lead + tail, answer.zh, answer.en)))
            steps = tuple(made)
            object.__setattr__(self, "_steps", steps)
        return steps

    @property
    def helpers(self) -> tuple[Helper, ...]:
        helpers: tuple[Helper, ...] | None = self._helpers
        if helpers is None:
            tails = self._core.where
            helpers = tuple(
                Helper(unit, project, category, term_end, Reason(lead + tails.tail(area), zh, en))
                for unit, project, category, term_end, lead, zh, en, area in self._core.helpers
            )
            object.__setattr__(self, "_helpers", helpers)
        return helpers

    def at_level(self, level: str) -> tuple[Step, ...]:
        """The steps of one level id."""
        return tuple(s for s in self.steps if s.level == level)

    def to_dict(self) -> dict[str, Any]:
        """The path as plain data for the API (persons masked)."""
        return {
            "start": self.start,
            "read_as": self.read_as,
            "household": self.household.to_dict(),
            "address": self.address,
            "category": self.category,
            "as_of": self.as_of,
            "reported_at": self.reported_at,
            "steps": [s.to_dict() for s in self.steps],
            "skipped": [s.to_dict() for s in self.skipped],
            "helpers": [h.to_dict() for h in self.helpers],
        }
