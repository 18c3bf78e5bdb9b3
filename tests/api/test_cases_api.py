"""The case routes: report with an idempotency key, move on, read, list, measure — within scopes, with
the assignee's phone for a dispatcher and the resident's contact only for the assignee chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import MemoryStore
from tests.api.conftest import ALL_PEOPLE, KEY, api_world, pid

BODY = {"household": "H2", "category": "物业纠纷", "description": "楼道漏水", "source": "hotline", "contact": "139 1234 5678"}


@pytest.fixture
def setup() -> Iterator[tuple[FastAPI, TokenBook, MemoryStore]]:
    store = MemoryStore(KEY)
    api_world(store)
    tokens = TokenBook(None)
    app = create_app(Settings(store=":memory:"), store=store, tokens=tokens)
    with TestClient(app):
        yield app, tokens, store


def client_of(
    setup: tuple[FastAPI, TokenBook, MemoryStore], role: Role = Role.DISPATCHER, scope: str = "D", person: str | None = None
) -> TestClient:
    app, tokens, _ = setup
    whole, _ = tokens.add(role, scope, expires=None, note=None, person=person)
    made = TestClient(app)
    made.headers["Authorization"] = f"Bearer {whole}"
    return made


def test_report_dispatches_to_the_first_step_and_a_retry_returns_the_same_case(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    first = desk.post("/v1/cases", json=BODY, headers={"Idempotency-Key": "r-1"})
    assert first.status_code == 201, first.text
    case = first.json()
    assert case["status"] == "dispatched"
    assert case["status_zh"] == "派单"
    assert case["assignee"]["name"] == "王芳"
    assert case["assignee"]["role"] == "contacting_member"
    assert case["assignee"]["phone"] == ALL_PEOPLE["王芳"][1]  # a dispatcher may call the assignee
    assert case["due_at"].endswith("+08:00")
    assert case["reported_at"].endswith("+08:00")
    assert [e["type"] for e in case["events"]] == ["report"]
    assert case["contact"] == {"masked": "139****5678", "phone": None}
    again = desk.post("/v1/cases", json=BODY, headers={"Idempotency-Key": "r-1"})
    assert again.status_code == 200
    assert again.json()["id"] == case["id"]
    other = desk.post("/v1/cases", json=BODY, headers={"Idempotency-Key": "r-2"})
    assert other.status_code == 201
    assert other.json()["id"] != case["id"]


def test_a_viewer_may_not_report_and_bad_bodies_say_where(setup) -> None:  # type: ignore[no-untyped-def]
    assert client_of(setup, Role.VIEWER).post("/v1/cases", json=BODY).status_code == 403
    desk = client_of(setup)
    missing = desk.post("/v1/cases", json={k: v for k, v in BODY.items() if k != "category"})
    assert missing.status_code == 422
    both = desk.post("/v1/cases", json={**BODY, "address": "幸福里小区3号楼2单元502室"})
    assert both.status_code == 422
    assert both.json()["code"] == "request.invalid"
    unknown = desk.post("/v1/cases", json={**BODY, "category": "不存在"})
    assert unknown.status_code == 422
    assert "不存在" in unknown.json()["message_zh"]
    phone = desk.post("/v1/cases", json={**BODY, "contact": "12"})
    assert phone.status_code == 422
    assert desk.get("/v1/cases").json()["total"] == 0


def test_scope_hides_other_areas_cases_as_not_found(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    case = desk.post("/v1/cases", json=BODY).json()
    c2 = client_of(setup, scope="C2")
    assert c2.get(f"/v1/cases/{case['id']}").status_code == 404
    assert c2.post(f"/v1/cases/{case['id']}/events", json={"type": "accept"}).status_code == 404
    assert c2.get("/v1/cases").json()["total"] == 0
    assert c2.post("/v1/cases", json=BODY).status_code == 404  # H2 is outside C2
    c1 = client_of(setup, scope="C1")
    assert c1.get(f"/v1/cases/{case['id']}").status_code == 200
    assert c1.get("/v1/cases").json()["total"] == 1


def test_the_lifecycle_over_the_api_and_a_wrong_move_is_409(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    case = desk.post("/v1/cases", json=BODY).json()
    url = f"/v1/cases/{case['id']}/events"
    wrong = desk.post(url, json={"type": "resolve"})
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "case.state"
    assert desk.post(url, json={"type": "accept", "note": "收到"}).json()["status"] == "accepted"
    assert desk.post(url, json={"type": "act"}).json()["status"] == "acting"
    assert desk.post(url, json={"type": "resolve"}).json()["status"] == "resolved"
    rated = desk.post(url, json={"type": "rate", "rating": "satisfied"}).json()
    assert rated["status"] == "closed"
    assert rated["rating"] == "satisfied"
    assert [e["type"] for e in rated["events"]] == ["report", "accept", "act", "resolve", "rate"]
    assert rated["events"][1]["note"] == "收到"
    assert rated["events"][1]["type_zh"] == "受理"
    assert desk.post(url, json={"type": "fly"}).status_code == 422
    assert desk.post("/v1/cases/E19990101-000001/events", json={"type": "accept"}).status_code == 404


def test_a_person_token_moves_only_its_own_cases_and_sees_the_contact(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    case = desk.post("/v1/cases", json=BODY).json()
    url = f"/v1/cases/{case['id']}/events"
    stranger = client_of(setup, person=pid("李强"))  # the second step, not holding the case yet
    assert stranger.post(url, json={"type": "accept"}).status_code == 403
    assert stranger.get(f"/v1/cases/{case['id']}").json()["contact"]["phone"] is None
    holder = client_of(setup, person=pid("王芳"))
    seen = holder.get(f"/v1/cases/{case['id']}").json()
    assert seen["contact"]["phone"] == "13912345678"
    assert holder.post(url, json={"type": "hand_on"}).json()["assignee"]["name"] == "李强"
    assert stranger.get(f"/v1/cases/{case['id']}").json()["contact"]["phone"] == "13912345678"
    assert stranger.post(url, json={"type": "accept"}).json()["status"] == "accepted"


def test_list_filters_and_pages(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    ids = [desk.post("/v1/cases", json={**BODY, "household": h}).json()["id"] for h in ("H1", "H2", "H4", "H9")]
    desk.post(f"/v1/cases/{ids[0]}/events", json={"type": "accept"})
    listed = desk.get("/v1/cases", params={"per_page": 2}).json()
    assert listed["total"] == 4
    assert [c["id"] for c in listed["cases"]] == [ids[3], ids[2]]
    assert desk.get("/v1/cases", params={"status": "accepted"}).json()["total"] == 1
    assert desk.get("/v1/cases", params={"status": "open"}).json()["total"] == 4
    assert desk.get("/v1/cases", params={"area": "C2"}).json()["total"] == 1
    assert desk.get("/v1/cases", params={"status": "lost"}).status_code == 422
    assert desk.get("/v1/cases", params={"overdue": "true"}).json()["total"] == 0


def test_metrics_and_the_clock(setup) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = setup
    desk = client_of(setup)
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    case = desk.post("/v1/cases", json={**BODY, "reported_at": earlier}).json()
    assert desk.get("/v1/cases", params={"overdue": "true"}).json()["total"] == 1
    moved = app.state.service.tick()
    assert [m.case.id for m in moved] == [case["id"]]
    now = desk.get(f"/v1/cases/{case['id']}").json()
    assert now["escalations"] >= 1
    assert now["events"][1]["type"] == "escalate"
    viewer = client_of(setup, Role.VIEWER)
    m = viewer.get("/v1/cases/metrics").json()
    assert m["received"] == 1
    assert m["overdue_now"] >= 0
    assert m["communities"][0]["name"] == "幸福社区"
    assert m["weights"] == {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}
    assert viewer.get("/v1/cases/metrics", params={"from": "2020-01-01", "to": "2020-01-31"}).json()["received"] == 0
    assert viewer.get("/v1/cases/metrics", params={"from": "2020-02-01", "to": "2020-01-31"}).status_code == 422
    assert client_of(setup, Role.VIEWER, scope="C2").get("/v1/cases/metrics").json()["received"] == 0
    assert viewer.get(f"/v1/cases/{case['id']}").status_code == 403


def test_escalation_deadlines_are_in_the_districts_time_zone(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    path = desk.get("/v1/escalation", params={"household": "H2", "category": "物业纠纷"}).json()
    assert path["reported_at"].endswith("+08:00")  # not the machine's zone (UTC on a server)
    assert path["steps"][0]["deadline"].endswith("+08:00")
    naive = desk.get("/v1/escalation", params={"household": "H2", "category": "物业纠纷", "at": "2025-06-30T09:00:00"}).json()
    assert naive["steps"][0]["deadline"] == "2025-06-30T10:00:00+08:00"  # a time without an offset is the district's
    store = MemoryStore(KEY)
    api_world(store)
    tokens = TokenBook(None)
    whole, _ = tokens.add(Role.DISPATCHER, "D", expires=None, note=None)
    with TestClient(create_app(Settings(store=":memory:", timezone="Asia/Urumqi"), store=store, tokens=tokens)) as other:
        answer = other.get(
            "/v1/escalation", params={"household": "H2", "category": "物业纠纷"}, headers={"Authorization": f"Bearer {whole}"}
        )
        assert answer.json()["reported_at"].endswith("+06:00")


def test_the_list_gives_a_dispatcher_the_holders_phone_and_the_community(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    desk.post("/v1/cases", json=BODY)
    row = desk.get("/v1/cases").json()["cases"][0]
    assert row["assignee"]["phone"] == ALL_PEOPLE["王芳"][1]
    assert row["community"] == "area:C1"
    assert row["grid"] == "area:G1"


def test_overdue_now_counts_open_cases_reported_before_the_period(setup) -> None:  # type: ignore[no-untyped-def]
    desk = client_of(setup)
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).isoformat()
    desk.post("/v1/cases", json={**BODY, "reported_at": long_ago})
    metrics = client_of(setup, Role.VIEWER).get("/v1/cases/metrics").json()
    assert metrics["received"] == 0  # reported before this month
    assert metrics["overdue_now"] == 1  # but overdue today
    assert metrics["communities"][0]["overdue_now"] == 1
    assert (metrics["open_now"], metrics["communities"][0]["open_now"]) == (1, 1)  # open, for the cases tab's chart
