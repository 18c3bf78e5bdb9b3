"""The models of the case routes (事件): what a dispatcher sends, what every case route answers.

Instants are ISO 8601 with the district's offset (``2026-12-07T10:30:00+08:00``); a request's instant
without an offset is read in the district's time zone (``ORGGRAPH_TIMEZONE``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal["hotline", "mini_program", "grid_app", "walk_in"]
EventKind = Literal["accept", "act", "resolve", "hand_on", "reopen", "close", "rate"]
Rating = Literal["satisfied", "basically", "unsatisfied"]


class CaseIn(BaseModel):
    """A case reported (立案): where, what, from which channel, when."""

    model_config = ConfigDict(extra="forbid")

    household: str | None = Field(default=None, min_length=1, max_length=200, description="a household code (户编码) or id")
    address: str | None = Field(
        default=None, min_length=1, max_length=200, description="or an address, e.g. 幸福里小区3号楼2单元502室"
    )
    category: str = Field(min_length=1, max_length=50, description="the issue category (事项类别), e.g. 物业纠纷")
    description: str = Field(min_length=1, max_length=2000, description="what the resident reports")
    source: Source = Field(
        default="hotline", description="hotline (热线), mini_program (小程序), grid_app (网格员 App), walk_in (来访)"
    )
    reported_at: dt.datetime | None = Field(default=None, description="when it was reported (ISO); default now")
    contact: str | None = Field(default=None, min_length=3, max_length=40, description="the resident's phone, as they give it")


class EventIn(BaseModel):
    """An event on a case: accept (受理), act (处置), resolve (办结), hand_on (流转交办), reopen (重新派单),
    close (结案), rate (评价)."""

    model_config = ConfigDict(extra="forbid")

    type: EventKind
    note: str | None = Field(default=None, max_length=500)
    rating: Rating | None = Field(
        default=None, description="with rate: satisfied (满意), basically (基本满意), unsatisfied (不满意)"
    )
    to: str | None = Field(default=None, max_length=200, description="with hand_on: `next` (default) or a functional department")
    at: dt.datetime | None = Field(default=None, description="when it happened (ISO); default now")


class HolderOut(BaseModel):
    """Who holds a case (承办人): a person of its path or a department it was handed on to."""

    id: str
    name: str | None
    kind: str
    role: str
    role_zh: str
    role_en: str
    level: str
    phone_masked: str | None = None
    phone: str | None = Field(default=None, description="whole phone: dispatcher and above, persons in a post only")
    id_number: str | None = Field(default=None, description="never given on the case routes")


class CasePersonOut(BaseModel):
    id: str
    name: str
    phone_masked: str | None = None
    phone: str | None = None
    id_number: str | None = None


class CaseRefOut(BaseModel):
    id: str
    name: str | None


class CaseStepOut(BaseModel):
    """One step of the path kept with the case."""

    level: str
    level_zh: str
    level_en: str
    role: str
    role_zh: str
    role_en: str
    person: CasePersonOut | None
    unit: CaseRefOut | None
    area: CaseRefOut | None
    deputy: bool
    reason_zh: str
    reason_en: str


class CaseEventOut(BaseModel):
    """One entry of the timeline (办理记录)."""

    type: str
    type_zh: str
    type_en: str
    at: str
    recorded_at: str | None
    by: str
    status: str
    step: int
    assignee: str | None
    assignee_name: str | None = None
    note: str | None
    rating: str | None
    to: str | None
    to_name: str | None = None


class DeadlinesOut(BaseModel):
    reply: str | None = None
    act: str | None = None
    result: str | None = None


class ContactOut(BaseModel):
    masked: str | None
    phone: str | None = Field(default=None, description="whole: only to a token acting for a person of the case's assignee chain")


class CaseOut(BaseModel):
    """A case (事件) with its path, its clock and its timeline."""

    id: str
    status: str
    status_zh: str
    category: str
    community: str | None
    grid: str | None
    description: str
    source: str
    household: str
    address: str | None
    reported_at: str
    step: int
    assignee: HolderOut | None
    due_at: str | None
    overdue: bool
    due: DeadlinesOut
    promise: DeadlinesOut
    escalations: int
    exhausted: bool
    accepted_at: str | None
    resolved_at: str | None
    closed_at: str | None
    rating: str | None
    contact: ContactOut
    path: list[CaseStepOut]
    events: list[CaseEventOut]


class CaseRowOut(BaseModel):
    """A case as listed (no path, no timeline)."""

    id: str
    status: str
    status_zh: str
    category: str
    address: str | None
    community: str | None
    grid: str | None
    reported_at: str
    assignee: HolderOut | None
    due_at: str | None
    overdue: bool
    escalations: int
    exhausted: bool


class CasePageOut(BaseModel):
    total: int
    page: int
    per_page: int
    cases: list[CaseRowOut]


class RatesOut(BaseModel):
    response: float | None
    resolution: float | None
    satisfaction: float | None


class CaseCountsOut(BaseModel):
    received: int
    responded_on_time: int
    resolved: int
    resolved_on_time: int
    closed: int
    open_now: int = Field(description="cases of the area open now, whenever reported (在办)")
    overdue_now: int
    escalated: int
    rated: int
    median_reply_minutes: float | None
    median_resolve_minutes: float | None
    rates: RatesOut
    score: float | None


class CommunityScoreOut(CaseCountsOut):
    community: str
    name: str
    rank: int


class PersonScoreOut(BaseModel):
    person: str
    name: str
    answered: int
    on_time: int
    on_time_rate: float | None


class RateNameOut(BaseModel):
    zh: str
    en: str


class CaseMetricsOut(CaseCountsOut):
    """The cases of an area reported in a period: counts, medians, the three rates and the score, the
    communities ranked, and per person."""

    area: str
    area_name: str | None
    since: str
    until: str
    weights: dict[str, float]
    basically_counts: float
    rate_names: dict[str, RateNameOut]
    communities: list[CommunityScoreOut]
    persons: list[PersonScoreOut]
