"""The case desk on the tiny district: report and dispatch, the lifecycle and its refusals, hand-on,
the clock (escalation, closing, working time), idempotency, personal data, and the metrics."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from orggraph.cases import Case
from orggraph.errors import CaseStateError, ConfigurationError, InvalidValueError, NotFoundError
from orggraph.model import LinkKind
from orggraph.store import Batch, MemoryStore
from queries.cases.desk import CaseDesk
from queries.cases.metrics import case_metrics
from queries.policy import Policy, load_policy
from tests.queries.test_escalation_world import AT, KEY, pid, tiny_world

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = AT + dt.timedelta(minutes=1)


def minutes(n: float) -> dt.datetime:
    return AT + dt.timedelta(minutes=n)


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(tiny_world())
    return s


def desk_of(store: MemoryStore, policy: Policy | None = None, heard: list[tuple[str, str]] | None = None) -> CaseDesk:
    def notify(what: str, case: Case) -> None:
        if heard is not None:
            heard.append((what, (case.assignee or {})["name"]))

    return CaseDesk(store.case_ledger(), policy or load_policy(None), ZONE, key=KEY, notify=notify)


def report(desk: CaseDesk, store: MemoryStore, **options: object) -> Case:
    fields: dict = {"description": "楼道漏水", "source": "hotline", "reported_at": AT, "now": NOW} | options
    case, created = desk.report(
        store.view(lazy=True), str(fields.pop("start", "H2")), str(fields.pop("category", "物业纠纷")), **fields
    )
    assert created
    return case


def test_a_report_is_dispatched_to_the_first_step_with_the_136_clock(store: MemoryStore) -> None:
    heard: list[tuple[str, str]] = []
    desk = desk_of(store, heard=heard)
    case = report(desk, store)
    assert case.id == "E20250630-000001"
    assert case.status == "dispatched"
    assert case.step == 0
    assert case.assignee is not None
    assert case.assignee["name"] == "王芳"
    assert case.assignee["role"] == "contacting_member"
    assert case.due == {"reply": "2025-06-30T02:00:00Z", "act": "2025-06-30T04:00:00Z", "result": "2025-06-30T07:00:00Z"}
    assert case.promise == case.due
    assert case.areas[0] == "household:H2"
    assert "area:C1" in case.areas
    assert "area:S1" in case.areas
    assert case.community == "area:C1"
    assert case.grid == "area:G1"
    assert [s["person"]["name"] if s["person"] else s["unit"]["name"] for s in case.path][:3] == ["王芳", "李强", "郑丽"]
    assert heard == [("dispatch", "王芳")]
    assert [e.type for e in desk.events(case.id)] == ["report"]


def test_the_path_is_kept_with_the_case_when_the_rosters_change(store: MemoryStore) -> None:
    desk = desk_of(store)
    case = report(desk, store)
    batch = Batch("王芳 stops contacting H2")
    batch.unlink(LinkKind.CONTACTS, pid("王芳"), "household:H2", end="2025-06-30")
    store.write(batch)
    assert desk.get(case.id).path == case.path
    later = report(desk, store)
    assert later.path[0]["role"] == "central_household"
    assert case.path[0]["role"] == "contacting_member"


def test_an_address_is_read_as_the_escalation_path_reads_it(store: MemoryStore) -> None:
    case = report(desk_of(store), store, start="幸福里小区3号楼2单元502室")
    assert case.household == "household:H2"


def test_idempotency_key_gives_the_same_case_once(store: MemoryStore) -> None:
    desk = desk_of(store)
    first = report(desk, store, idempotency_key="abc")
    again, created = desk.report(
        store.view(lazy=True), "H2", "物业纠纷", description="x", source="hotline", idempotency_key="abc"
    )
    assert not created
    assert again.id == first.id
    assert store.case_ledger().count() == 1


def test_the_lifecycle_and_its_refusals(store: MemoryStore) -> None:
    desk = desk_of(store)
    view = store.view(lazy=True)
    case = report(desk, store)
    with pytest.raises(CaseStateError) as refused:
        desk.event(view, case.id, "resolve", by="t", now=minutes(5))
    assert "dispatched" in str(refused.value)
    assert "受理" in refused.value.message_zh
    case = desk.event(view, case.id, "accept", by="t", now=minutes(10))
    assert case.status == "accepted"
    assert case.accepted_on_time
    assert case.accepted_by == pid("王芳")
    assert case.due_at() == case.due["act"]
    case = desk.event(view, case.id, "act", by="t", now=minutes(20), note="已联系物业")
    case = desk.event(view, case.id, "resolve", by="t", now=minutes(100))
    assert case.status == "resolved"
    assert case.tick_at is not None
    case = desk.event(view, case.id, "rate", by="t", rating="basically", now=minutes(200))
    assert case.status == "closed"
    assert case.rating == "basically"
    with pytest.raises(CaseStateError):
        desk.event(view, case.id, "rate", by="t", rating="satisfied", now=minutes(201))
    case = desk.event(view, case.id, "reopen", by="t", now=minutes(300))
    assert case.status == "dispatched"
    assert case.rating is None
    assert case.resolved_at is None
    types = [e.type for e in desk.events(case.id)]
    assert types == ["report", "accept", "act", "resolve", "rate", "reopen"]
    assert desk.events(case.id)[2].note == "已联系物业"


def test_bad_events_are_refused_with_the_field(store: MemoryStore) -> None:
    desk = desk_of(store)
    view = store.view(lazy=True)
    case = report(desk, store)
    with pytest.raises(InvalidValueError, match="unknown event"):
        desk.event(view, case.id, "escalate", by="t")
    with pytest.raises(InvalidValueError, match="rating"):
        desk.event(view, case.id, "rate", by="t", rating="great")
    with pytest.raises(InvalidValueError, match="before the case was reported"):
        desk.event(view, case.id, "accept", by="t", at=minutes(-10), now=NOW)
    with pytest.raises(NotFoundError):
        desk.event(view, "E20250630-999999", "accept", by="t")
    with pytest.raises(InvalidValueError, match="source"):
        report(desk, store, source="fax")
    with pytest.raises(InvalidValueError, match="future"):
        report(desk, store, reported_at=NOW + dt.timedelta(hours=1))
    with pytest.raises(ConfigurationError):
        report(desk, store, category="不存在的类别")
    with pytest.raises(NotFoundError):
        report(desk, store, start="H404")
    assert store.case_ledger().count() == 1
    assert [e.type for e in desk.events(case.id)] == ["report"]


def test_hand_on_to_the_next_step_or_a_named_department(store: MemoryStore) -> None:
    heard: list[tuple[str, str]] = []
    desk = desk_of(store, heard=heard)
    view = store.view(lazy=True)
    case = report(desk, store)
    case = desk.event(view, case.id, "hand_on", by="t", now=minutes(5))
    assert case.step == 1
    assert case.assignee["name"] == "李强"
    assert case.status == "dispatched"
    case = desk.event(view, case.id, "hand_on", by="t", to="下花园区住房和城乡建设局", now=minutes(6))
    assert case.assignee["id"] == "unit:U2"
    assert case.assignee["role"] == "department"
    assert heard[-2:] == [("hand_on", "李强"), ("hand_on", "下花园区住房和城乡建设局")]
    with pytest.raises(NotFoundError):
        desk.event(view, case.id, "hand_on", by="t", to="不存在的局")


def test_the_tick_escalates_a_step_whose_reply_deadline_passed(store: MemoryStore) -> None:
    heard: list[tuple[str, str]] = []
    desk = desk_of(store, heard=heard)
    case = report(desk, store)
    assert desk.tick(minutes(59)) == []
    moved = desk.tick(minutes(61))
    assert [m.case.id for m in moved] == [case.id]
    now = desk.get(case.id)
    assert now.step == 1
    assert now.assignee["name"] == "李强"
    assert now.escalations == 1
    assert now.due["reply"] == "2025-06-30T03:00:00Z"  # counted from the deadline that passed, not from the tick
    escalate = desk.events(case.id)[-1]
    assert escalate.type == "escalate"
    assert escalate.to == pid("王芳")
    assert escalate.at == "2025-06-30T02:00:00Z"
    assert heard[-1] == ("escalate", "李强")
    assert desk.tick(minutes(61)) == []  # nothing twice


def test_a_late_tick_climbs_every_step_whose_deadline_passed_then_says_none_is_left(store: MemoryStore) -> None:
    desk = desk_of(store)
    case = report(desk, store)
    desk.tick(minutes(60 * 24 * 30))
    now = desk.get(case.id)
    assert now.step == len(now.path) - 1
    assert now.exhausted
    assert now.tick_at is None
    types = [e.type for e in desk.events(case.id)]
    assert types.count("escalate") == len(now.path) - 1
    assert types[-1] == "exhausted"


def test_a_resolved_case_nobody_rates_is_closed_by_the_clock(store: MemoryStore) -> None:
    desk = desk_of(store)
    view = store.view(lazy=True)
    case = report(desk, store)
    desk.event(view, case.id, "accept", by="t", now=minutes(5))
    desk.event(view, case.id, "resolve", by="t", now=minutes(30))
    assert desk.tick(minutes(30 + 4319)) == []
    [moved] = desk.tick(minutes(30 + 4321))
    assert moved.case.status == "closed"
    assert moved.events[0].note == "timeout"


def test_working_time_categories_count_working_hours(store: MemoryStore, tmp_path: Path) -> None:
    file = tmp_path / "policy.toml"
    file.write_text('[cases.clock.category."物业纠纷"]\ntime = "working"\nreply = 120\n', encoding="utf-8")
    desk = desk_of(store, load_policy(file))
    friday = dt.datetime(2025, 7, 4, 17, 0, tzinfo=ZONE)  # 30 working minutes left that day
    case = report(desk, store, reported_at=friday, now=friday)
    assert case.due["reply"] == "2025-07-07T02:00:00Z"  # Monday 10:00 in Shanghai


def test_a_contact_phone_is_kept_sealed_and_masked(store: MemoryStore) -> None:
    case = report(desk_of(store), store, contact="+86 139-1234-5678")
    assert case.contact_masked == "139****5678"
    assert case.contact_sealed is not None
    assert "13912345678" not in str(case.to_dict())
    assert KEY.unseal("phone", bytes.fromhex(case.contact_sealed)) == "13912345678"


def test_metrics_count_rates_and_rank_by_the_policys_weights(store: MemoryStore, tmp_path: Path) -> None:
    desk = desk_of(store)
    view = store.view(lazy=True)
    a = report(desk, store)
    b = report(desk, store, start="H1", reported_at=minutes(1))
    report(desk, store, start="H4", reported_at=minutes(2))
    desk.event(view, a.id, "accept", by="t", now=minutes(10))
    desk.event(view, a.id, "resolve", by="t", now=minutes(100))
    desk.event(view, a.id, "rate", by="t", rating="satisfied", now=minutes(120))
    desk.event(view, b.id, "accept", by="t", now=minutes(90))  # after the 60-minute promise
    desk.event(view, b.id, "resolve", by="t", now=minutes(600))  # after the 360-minute promise
    desk.event(view, b.id, "rate", by="t", rating="basically", now=minutes(700))
    rates = load_policy(None).cases.rates
    facts = store.case_ledger().facts()
    m = case_metrics(facts, now="2025-06-30T05:00:00Z", rates=rates)
    assert (m["received"], m["responded_on_time"], m["resolved"], m["resolved_on_time"], m["closed"]) == (3, 1, 2, 1, 2)
    assert m["overdue_now"] == 1  # the third, still dispatched past its reply deadline
    assert m["open_now"] == 1  # the two others resolved and closed
    assert m["rates"] == {
        "response": pytest.approx(1 / 3, abs=1e-4),
        "resolution": pytest.approx(2 / 3, abs=1e-4),
        "satisfaction": 0.95,
    }
    assert m["score"] == pytest.approx(100 * (0.1 / 3 + 0.5 * 2 / 3 + 0.4 * 0.95), abs=0.01)
    assert m["median_reply_minutes"] == 49.5  # (10 + 89) / 2
    assert m["communities"][0]["community"] == "area:C1"
    assert m["communities"][0]["rank"] == 1
    file = tmp_path / "policy.toml"
    file.write_text("[cases.rates]\nresponse = 30\nresolution = 35\nsatisfaction = 35\nbasically = 1.0\n", encoding="utf-8")
    other = case_metrics(facts, now="2025-06-30T05:00:00Z", rates=load_policy(file).cases.rates)
    assert other["rates"]["satisfaction"] == 1.0
    assert other["score"] == pytest.approx(100 * (0.3 / 3 + 0.35 * 2 / 3 + 0.35), abs=0.01)
    window = store.case_ledger().facts(since="2025-06-30T01:01:30Z")
    assert len(window) == 1
    area = store.case_ledger().facts(area="household:H1")
    assert [f["id"] for f in area] == [b.id]


def test_a_policy_naming_an_unknown_level_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "policy.toml"
    file.write_text("[cases.clock.level.village]\nreply = 30\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="village"):
        load_policy(file)
    file.write_text('[cases.working]\nhours = ["17:00-08:00"]\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="working hours"):
        load_policy(file)


def test_a_case_whose_every_post_is_vacant_is_kept_unassigned_and_can_still_be_moved(store: MemoryStore) -> None:
    desk = desk_of(store)
    view = store.view(lazy=True)
    case = report(desk, store)
    bare = Case.from_dict({**case.to_dict(), "path": [], "assignee": None, "step": 0, "exhausted": True, "idempotency_key": None})
    made, _ = store.case_ledger().create(bare, desk.events(case.id)[0], prefix="E20250630-")
    moved = desk.event(view, made.id, "accept", by="t", now=minutes(5))
    moved = desk.event(view, made.id, "resolve", by="t", now=minutes(6))
    moved = desk.event(view, made.id, "reopen", by="t", now=minutes(7))
    assert moved.status == "dispatched"
    assert moved.assignee is None
    with pytest.raises(CaseStateError, match="last step"):
        desk.event(view, made.id, "hand_on", by="t", now=minutes(8))
    assert desk.event(view, made.id, "hand_on", by="t", to="U1", now=minutes(9)).assignee["name"] == "下花园区综合行政执法局"


def test_the_tick_leaves_alone_a_case_a_ledger_gives_it_that_is_not_due(store: MemoryStore) -> None:
    """FalkorDB's string range index has answered ``tick_at <= now`` with cases that were not due; the
    tick checks each case's own time before it escalates or closes anything."""
    from orggraph.cases.sqlite_ledger import SqliteLedger

    class Loose(SqliteLedger):
        def due(self, now: str, *, limit: int = 10_000) -> list[Case]:
            return self.find(limit=limit)[0]  # every case, due or not

    desk = CaseDesk(Loose(None), load_policy(None), ZONE, key=KEY)
    view = store.view(lazy=True)
    case, _ = desk.report(view, "H2", "物业纠纷", description="x", source="hotline", reported_at=AT, now=NOW)
    desk.event(view, case.id, "accept", by="t", now=minutes(5))
    desk.event(view, case.id, "resolve", by="t", now=minutes(10))
    assert desk.tick(minutes(20)) == []
    assert desk.get(case.id).status == "resolved"
