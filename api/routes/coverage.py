"""Coverage (覆盖检查): the summary, the findings page by page, the export, and the statistics.

A run is made once per store revision, day, area and rule set, and shared by the summary, every
page of findings and the export (:meth:`api.service.Service.cached`).
"""

from __future__ import annotations

import math
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.auth import Caller, Planner, Viewer
from api.params import Area, AsOf, day_of
from api.problems import responses
from api.replies import FILE_CONTENT, file_reply, json_reply
from api.schemas import AreasOut, CoverageSummaryOut, FindingsPage, StatsOut, TrendOut, TrendPendingOut
from api.scope import Scope
from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.coverage import CoverageResult
from queries.coverage.drilldown import area_counts, breakdown
from queries.coverage.export import export_findings

router = APIRouter(prefix="/v1", tags=["coverage"])

Rules = Annotated[
    list[str] | None, Query(max_length=40, description="rule ids to run (repeat the parameter); default every enabled rule")
]


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class SortKey(StrEnum):
    severity = "severity"
    rule = "rule"
    community = "community"
    grid = "grid"
    responsible_org = "responsible_org"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


FormatParam = Annotated[ExportFormat, Query(description="the file format: a spreadsheet (xlsx) or csv")]


def area_in_scope(caller: Caller, reader: DayView, area: str | None) -> tuple[Scope, str]:
    """The area code a request names (default the token's), checked to lie within the token's scope."""
    scope = caller.scope(reader)
    if area is None:
        return scope, scope.area.split(":", 1)[1]
    node = area if area.startswith("area:") else f"area:{area}"
    if reader.node(node) is None or not scope.contains(reader, node):
        raise NotFoundError(
            f"no area with code {area!r} as of {reader.day}", message_zh=f"{reader.day} 不存在编码为 {area!r} 的区域"
        )
    return scope, node.split(":", 1)[1]


def coverage_run(caller: Caller, area: str | None, rules: list[str] | None, as_of: str | None) -> CoverageResult:
    service = caller.service
    view = service.view(as_of)
    _, code = area_in_scope(caller, view, area)
    return service.coverage(view, code, tuple(sorted(set(rules))) if rules else None)


@router.get("/coverage/summary", response_model=CoverageSummaryOut, responses=responses(), summary="Coverage summary")
def summary(caller: Viewer, area: Area = None, rule: Rules = None, as_of: AsOf = None) -> Response:
    """Findings per rule and severity and the headline ratios (覆盖率: households contacted, buildings
    with a Party group, grids fully staffed …) in total, per street and per community of the area."""
    service = caller.service
    with service.reading(day_of(as_of)):
        result = coverage_run(caller, area, rule, day_of(as_of))
        head = {"as_of": result.as_of, "scope": result.scope, "scope_name": result.scope_name, "scope_kind": result.scope_kind}
        return json_reply({**head, **result.summary.to_dict()})


#: Seconds a trend request waits for the whole graph's month-end counts before answering "still counting".
TREND_WAIT = 5.0


@router.get(
    "/coverage/trend",
    response_model=TrendOut,
    responses={**responses(), 202: {"model": TrendPendingOut, "description": "still counting: ask again after Retry-After"}},
    summary="Headline ratios over twelve month-ends",
)
def coverage_trend(caller: Viewer, area: Area = None) -> Response:
    """The area's headline ratios (主要指标) at each of the last twelve month-ends (趋势), from as-of
    views of the kept history. The whole graph is counted once per store revision (after each write, in
    the background) and every district's, street's and community's trend read from that; a smaller area
    is counted when asked. Asked before the count is done: 202, ``Retry-After`` seconds to ask again."""
    service = caller.service
    with service.reading():
        view = service.view()
        _, code = area_in_scope(caller, view, area)
        name = (view.node(f"area:{code}") or {}).get("name")
    found = service.trends.of(code, wait=TREND_WAIT)
    if found is None:
        pending = {
            "scope": code,
            "status": "counting",
            "retry_after_s": 5,
            "message_en": "the month-ends are being counted for the store's latest revision; ask again shortly",
            "message_zh": "正在按各月末计算最新数据，请稍后再试",
        }
        reply = json_reply(pending, status=202)
        reply.headers["Retry-After"] = "5"
        return reply
    return json_reply({**found.to_dict(), "scope_name": name})


@router.get("/coverage/areas", response_model=AreasOut, responses=responses(), summary="Findings per area below")
def areas(caller: Viewer, area: Area = None, rule: Rules = None, as_of: AsOf = None) -> Response:
    """The areas one level below for drilling down (街道 → 社区 → 网格 → 楼栋): each with its households
    and its findings by severity. Below a community its basic grids; below a grid the buildings its
    households live in."""
    service = caller.service
    with service.reading(day_of(as_of)):
        result = coverage_run(caller, area, rule, day_of(as_of))
        below = breakdown(service.view(day_of(as_of)), result)
        return json_reply({"as_of": result.as_of, "scope": result.scope, "areas": below})


@router.get("/coverage/findings", response_model=FindingsPage, responses=responses(), summary="Coverage findings, paginated")
def findings(
    caller: Viewer,
    area: Area = None,
    rule: Rules = None,
    severity: Annotated[list[Severity] | None, Query(description="keep only these severities")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="the page, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000, description="findings per page")] = 100,
    sort: Annotated[SortKey, Query(description="order by; ties keep the default order")] = SortKey.severity,
    as_of: AsOf = None,
) -> Response:
    """The gaps (覆盖缺口) with who must close each, in a stable order: by default severity (high first),
    street, community, rule, code; ``sort`` puts another field first (ties keep that order)."""
    with caller.service.reading(day_of(as_of)):
        result = coverage_run(caller, area, rule, day_of(as_of))
        wanted = {s.value for s in severity} if severity else None
        found = [f for f in result.findings if wanted is None or f.severity in wanted]
        if sort is not SortKey.severity:
            found.sort(key=lambda f: str(getattr(f, sort.value) or ""))  # stable: the default order breaks ties
        start = (page - 1) * per_page
        return json_reply(
            {
                "as_of": result.as_of,
                "scope": result.scope,
                "total": len(found),
                "page": page,
                "per_page": per_page,
                "pages": max(1, math.ceil(len(found) / per_page)),
                "items": [f.to_dict() for f in found[start : start + per_page]],
            }
        )


@router.get(
    "/coverage/export",
    responses={**responses(), 200: FILE_CONTENT},
    response_class=Response,
    summary="Coverage findings as a file",
)
def export(
    caller: Planner, format: FormatParam = ExportFormat.xlsx, area: Area = None, rule: Rules = None, as_of: AsOf = None
) -> Response:
    """Every finding and the summary of the area as a spreadsheet (``xlsx``) or ``csv`` (UTF-8 with BOM)."""
    with caller.service.reading(day_of(as_of)):
        result = coverage_run(caller, area, rule, day_of(as_of))
    with tempfile.TemporaryDirectory(prefix="orggraph-export-") as folder:
        path = Path(folder) / f"coverage-{result.scope}-{result.as_of}.{format.value}"
        export_findings(result, path)
        body = path.read_bytes()
    return file_reply(body, path.name)


@router.get("/stats", response_model=StatsOut, responses=responses(), summary="Live nodes per kind in the area")
def stats(caller: Viewer, area: Area = None, as_of: AsOf = None) -> Response:
    """Areas and households in the area's subtree by kind, and every street in it with its live nodes
    per kind (Party orgs, persons, units … placed by their links)."""
    service = caller.service
    with service.reading(day_of(as_of)):
        reader = service.view(day_of(as_of))
        _, code = area_in_scope(caller, reader, area)
        counts = service.cached(("area_counts", reader.revision, reader.day, code), lambda: area_counts(reader, code))
        within = Scope(f"area:{code}", everything=False)

        def per_street() -> Any:
            with service.guard.reading():  # counted on the store's graph itself
                return service.store.per_street(as_of=reader.day)

        streets = service.cached(("per_street", reader.revision, reader.day), per_street)
        payload = {
            "as_of": reader.day,
            "scope": code,
            "areas": counts,
            "streets": [
                {"street": s.street.split(":", 1)[1], "name": s.name, "counts": s.counts}
                for node, s in sorted(streets.items())
                if within.contains(reader, node)
            ],
        }
        return json_reply(payload)
