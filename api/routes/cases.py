"""Cases (事件): report one, move it on, read it, list them, measure how they are answered.

A token sees the cases of its scope area (a case lies in its household's areas); any other case
answers 404 like one that does not exist. A dispatcher reports and moves cases; a token that acts for
a person (``orggraph tokens add --person``) may accept, act on, resolve and hand on only the cases it
holds, and sees the resident's whole contact only on cases whose path it is on up to the current step.
The assignee's whole phone goes to a dispatcher and above, as on every route (:mod:`api.masking`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from starlette.responses import Response

from api.auth import Caller, Dispatcher, Viewer
from api.case_schemas import CaseIn, CaseMetricsOut, CaseOut, CasePageOut, EventIn
from api.params import Area, BadRequestError, one_start
from api.problems import ForbiddenError, responses
from api.routes.coverage import area_in_scope
from api.scope import reader_within
from orggraph.cases import Case, utc_text
from orggraph.cases.model import statuses_of
from orggraph.errors import InvalidValueError, NotFoundError
from orggraph.store.view import DayView
from queries.cases.present import case_dict
from queries.reading.address import resolve_start

router = APIRouter(prefix="/v1", tags=["cases"])

CaseId = Annotated[str, Path(min_length=1, max_length=40, description="the case id, e.g. E20261207-000001")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, description="a retry with the same key returns the same case"),
]
#: The events a token acting for a person may send only on the cases it holds.
_HOLDERS_ONLY = ("accept", "act", "resolve", "hand_on")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _visible(caller: Caller, reader: DayView, case: Case) -> None:
    scope = caller.scope(reader)
    if not (scope.everything or scope.area in case.areas):
        raise NotFoundError(f"no case {case.id!r}", message_zh=f"没有事件“{case.id}”", case=case.id)


def _answer(caller: Caller, reader: DayView, case: Case, *, status: int = 200) -> Response:
    """The case whole, persons revealed as the caller's role allows, the contact as its person may see it."""
    service = caller.service
    desk = service.cases
    payload = case_dict(case, desk.ledger.events(case.id), desk.zone, utc_text(_now()))  # the case is in hand
    persons: list[dict[str, Any] | None] = [s["person"] for s in payload["path"]]
    if payload["assignee"] is not None and payload["assignee"]["kind"] == "person":
        persons.append(payload["assignee"])
    asked = [case.household]
    person = caller.token.person
    chain = {s["person"]["id"] for s in case.path[: case.step + 1] if s["person"]} | {(case.assignee or {}).get("id")}
    if person is not None and person in chain and case.contact_sealed is not None:
        payload["contact"]["phone"] = service.store.pii_key.unseal("phone", bytes.fromhex(case.contact_sealed))
    response = caller.respond(payload, reader, asked=asked, persons=persons, status=status)
    return response


@router.post(
    "/cases",
    response_model=CaseOut,
    status_code=201,
    responses={
        **responses(409),
        200: {"model": CaseOut, "description": "the case an earlier request with this Idempotency-Key made"},
    },
    summary="Report a case",
)
def report_case(caller: Dispatcher, body: CaseIn, idempotency_key: IdempotencyKey = None) -> Response:
    """Report a case (立案) at a household or address; it is dispatched (派单) at once to the first step of
    the escalation path computed now, which is kept with the case. 201 with the case; 200 with the same
    case when a request with the same `Idempotency-Key` made it before."""
    service = caller.service
    start = one_start(body.household, body.address)
    with service.reading():
        reader = service.reader()
        node, _ = resolve_start(reader_within(reader, caller.scope(reader)), start)
        key = f"{caller.token.id}:{idempotency_key}" if idempotency_key else None
        case, created = service.cases.report(
            reader,
            node,
            body.category,
            description=body.description,
            source=body.source,
            reported_at=body.reported_at,
            contact=body.contact,
            idempotency_key=key,
            by=f"token:{caller.token.id}",
        )
        return _answer(caller, reader, case, status=201 if created else 200)


@router.get("/cases/metrics", response_model=CaseMetricsOut, responses=responses(), summary="How cases are answered")
def metrics(
    caller: Viewer,
    area: Area = None,
    since: Annotated[
        dt.date | None, Query(alias="from", description="first day (YYYY-MM-DD); default the 1st of this month")
    ] = None,
    until: Annotated[dt.date | None, Query(alias="to", description="last day (YYYY-MM-DD), included; default today")] = None,
) -> Response:
    """The cases of an area reported in a period: received, responded and resolved on time, closed,
    overdue now, medians, 响应率 · 解决率 · 满意率 and the score by the policy's weights; the communities
    ranked by score; per person, cases answered and on time."""
    service = caller.service
    with service.reading():
        reader = service.reader()
        scope, code = area_in_scope(caller, reader, area)
        node = f"area:{code}"
        everything = scope.everything and area is None
        payload = service.cases.metrics(reader, area=None if everything else node, first=since, last=until)
        payload.update(area=code, area_name=(reader.node(node) or {}).get("name"))
        return caller.respond(payload, reader, persons=())


@router.get("/cases", response_model=CasePageOut, responses=responses(), summary="List cases")
def list_cases(
    caller: Dispatcher,
    area: Area = None,
    status: Annotated[
        list[str] | None, Query(max_length=5, description="dispatched, accepted, acting, resolved, closed; or `open`")
    ] = None,
    overdue: Annotated[bool, Query(description="only cases whose current deadline has passed")] = False,
    page: Annotated[int, Query(ge=1, le=100_000, description="the page, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="cases per page (at most 200)")] = 50,
) -> Response:
    """The cases of an area (default the token's scope), newest first, by status and overdue."""
    service = caller.service
    try:
        statuses = statuses_of(status) if status else None
    except InvalidValueError as exc:  # a request's parameter: answered as the other malformed requests are
        raise BadRequestError(exc.message, message_zh=exc.message_zh) from exc
    with service.reading():
        reader = service.reader()
        scope, code = area_in_scope(caller, reader, area)
        everything = scope.everything and area is None
        area_node = None if everything else f"area:{code}"
        payload = service.cases.page(area=area_node, statuses=statuses, overdue=overdue, page=page, per_page=per_page)
        holders = [r["assignee"] for r in payload["cases"] if r["assignee"] is not None and r["assignee"]["kind"] == "person"]
        return caller.respond(payload, reader, persons=holders)  # a dispatcher may call each holder


@router.get("/cases/{case_id}", response_model=CaseOut, responses=responses(), summary="A case")
def get_case(caller: Dispatcher, case_id: CaseId) -> Response:
    """A case with the path kept with it, its deadlines and its timeline (办理记录)."""
    service = caller.service
    with service.reading():
        reader = service.reader()
        case = service.cases.get(case_id)
        _visible(caller, reader, case)
        return _answer(caller, reader, case)


@router.post("/cases/{case_id}/events", response_model=CaseOut, responses=responses(409), summary="Move a case on")
def case_event(caller: Dispatcher, case_id: CaseId, body: EventIn) -> Response:
    """Accept (受理), act (处置), resolve (办结), hand on (流转交办: to the next step, or `to` a department),
    reopen (重新派单), close (结案) or rate (评价) a case; the case as it is after."""
    service = caller.service
    with service.reading():
        reader = service.reader()

        def check(case: Case) -> None:
            _visible(caller, reader, case)
            person = caller.token.person
            if person is not None and body.type in _HOLDERS_ONLY and (case.assignee or {}).get("id") != person:
                raise ForbiddenError(
                    f"case {case.id} is not held by the person this token acts for",
                    message_zh=f"事件 {case.id} 不由本令牌对应人员承办",
                )

        case = service.cases.event(
            reader,
            case_id,
            body.type,
            by=f"token:{caller.token.id}",
            at=body.at,
            note=body.note,
            rating=body.rating,
            to=body.to,
            check=check,
        )
        return _answer(caller, reader, case)
