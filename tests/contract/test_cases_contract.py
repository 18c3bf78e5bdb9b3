"""The case ledger's contract: the same reports, events and ticks give the same cases, timelines, lists
and metrics in a memory store, in the embedded file and on the Bolt server; two servers ticking at
once escalate each case once; the graph's own reads do not see the cases."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore, GraphStore, MemoryStore
from orggraph.store.neo4j import Neo4jStore
from queries.cases.desk import CaseDesk
from queries.cases.metrics import case_metrics
from queries.policy import load_policy
from tests.contract.conftest import BoltTarget
from tests.queries.test_escalation_world import AT, tiny_world

KEY = PiiKey(b"k" * 32)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
POLICY = load_policy(None)
NOW = AT + dt.timedelta(minutes=1)
NewStore = Callable[..., Neo4jStore]


def minutes(n: float) -> dt.datetime:
    return AT + dt.timedelta(minutes=n)


def desk_of(store: GraphStore) -> CaseDesk:
    return CaseDesk(store.case_ledger(), POLICY, ZONE, key=KEY)


def scenario(store: GraphStore) -> dict[str, Any]:
    """Reports (one replayed, one with a long description and a quote), a tick, events, lists, metrics."""
    store.write(tiny_world())
    desk = desk_of(store)
    view = store.view(lazy=True)
    long_text = "楼道漏水，业主说“已经三天了”，O'Brien 也反映过。" * 60  # longer than one Bolt parameter
    a, _ = desk.report(view, "H2", "物业纠纷", description="漏水", source="hotline", reported_at=AT, now=NOW, idempotency_key="a")
    again, created = desk.report(view, "H2", "物业纠纷", description="漏水", source="hotline", idempotency_key="a", now=NOW)
    b, _ = desk.report(
        view, "H1", "违章搭建", description=long_text, source="grid_app", reported_at=minutes(1), now=NOW, contact="13912345678"
    )
    c, _ = desk.report(view, "H4", "环境卫生", description="垃圾", source="walk_in", reported_at=minutes(2), now=NOW)
    moved = desk.tick(minutes(65))
    desk.event(view, a.id, "accept", by="t", note="收到", now=minutes(70))
    desk.event(view, a.id, "resolve", by="t", now=minutes(120))
    desk.event(view, a.id, "rate", by="t", rating="basically", now=minutes(130))
    desk.event(view, b.id, "accept", by="t", now=minutes(20))
    desk.event(view, b.id, "hand_on", by="t", to="下花园区综合行政执法局", now=minutes(30))
    ledger = store.case_ledger()
    cases = {x.id: desk.get(x.id).to_dict() for x in (a, b, c)}
    return {
        "ids": [a.id, b.id, c.id],
        "replay": (again.id, created),
        "moved": sorted((m.case.id, tuple(e.type for e in m.events)) for m in moved),
        "cases": cases,
        "long": cases[b.id]["description"] == long_text,
        "events": {i: [e.to_dict() for e in desk.events(i)] for i in cases},
        "open": [x.id for x in desk.find(statuses=["dispatched", "accepted", "acting"], now=minutes(200))[0]],
        "overdue": desk.find(overdue=True, now=minutes(200))[1],
        "in_h1": [x.id for x in ledger.find(area="household:H1")[0]],
        "due": [x.id for x in ledger.due("2025-06-30T09:00:00Z")],
        "facts": sorted((sorted(f.items()) for f in ledger.facts(area="area:C1")), key=str),
        "metrics": case_metrics(ledger.facts(), now="2025-06-30T09:00:00Z", rates=POLICY.cases.rates),
        "count": ledger.count(),
    }


@pytest.fixture
def memory_answer() -> dict[str, Any]:
    return scenario(MemoryStore(KEY))


def test_the_embedded_file_answers_as_memory(memory_answer: dict[str, Any], tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "c.db", KEY) as store:
        answer = scenario(store)
    assert answer == memory_answer
    assert answer["replay"] == (answer["ids"][0], False)
    assert answer["long"]
    with EmbeddedStore(tmp_path / "c.db", KEY, create=False) as reopened:  # and it is in the file
        assert reopened.case_ledger().count() == 3


def test_the_bolt_server_answers_as_memory(memory_answer: dict[str, Any], new_bolt_store: NewStore) -> None:
    store = new_bolt_store(key=KEY)
    answer = scenario(store)
    assert answer == memory_answer


def test_cases_on_the_bolt_server_are_invisible_to_the_graphs_reads(new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    store = new_bolt_store(key=KEY)
    store.write(tiny_world())
    before = (store.counts().nodes, store.counts().links, sorted(n for n, _ in store.nodes()))
    neighbours = sorted((lk.kind, lk.source) for lk in store.links("household:H2", direction="in"))
    desk = desk_of(store)
    desk.report(store.view(lazy=True), "H2", "物业纠纷", description="x", source="hotline", now=NOW, reported_at=AT)
    fresh = Neo4jStore(bolt_target.connect(), KEY)
    try:
        assert (fresh.counts().nodes, fresh.counts().links, sorted(n for n, _ in fresh.nodes())) == before
        assert sorted((lk.kind, lk.source) for lk in fresh.links("household:H2", direction="in")) == neighbours
        rows = fresh.connection.run(
            "MATCH (c:OrgGraphCase)-[:REPORTED_AT]->(h:OrgNode), (c)-[:ASSIGNED_TO]->(p:OrgNode) RETURN h.id AS h, p.name AS p"
        )
        assert rows == [{"h": "household:H2", "p": "王芳"}]  # and Cypher can ask across both
    finally:
        fresh.close()


def _two_ticks(first: GraphStore, second: GraphStore) -> None:
    """Ten cases due; two desks over two stores on the same ledger tick at once; each case escalates once."""
    first.write(tiny_world())
    view = first.view(lazy=True)
    desk = desk_of(first)
    made = [
        desk.report(view, h, "物业纠纷", description=f"第{i}件", source="hotline", reported_at=AT, now=NOW)[0].id
        for i, h in enumerate(["H1", "H2", "H4"] * 4)
    ]
    desks = [desk_of(first), desk_of(second)]
    moved: list[list[str]] = [[], []]
    barrier = threading.Barrier(2)

    def tick(i: int) -> None:
        barrier.wait()
        moved[i] = [m.case.id for m in desks[i].tick(minutes(61))]

    threads = [threading.Thread(target=tick, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(moved[0] + moved[1]) == sorted(made)  # every case moved, by one of them
    for case in made:
        assert [e.type for e in desk.events(case)].count("escalate") == 1
        assert desk.get(case).step == 1


def test_two_servers_ticking_at_once_escalate_a_case_once_in_the_file(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "t.db", KEY) as one, EmbeddedStore(tmp_path / "t.db", KEY) as other:
        _two_ticks(one, other)


def test_two_servers_ticking_at_once_escalate_a_case_once_on_the_bolt_server(
    new_bolt_store: NewStore, bolt_target: BoltTarget
) -> None:
    one = new_bolt_store(key=KEY)
    other = Neo4jStore(bolt_target.connect(), KEY)
    try:
        _two_ticks(one, other)
    finally:
        other.close()


def test_an_ordinary_change_is_a_claim_and_a_finish_on_the_bolt_server(new_bolt_store: NewStore) -> None:
    store = new_bolt_store(key=KEY)
    store.write(tiny_world())
    desk = desk_of(store)
    view = store.view(lazy=True)
    case, _ = desk.report(view, "H2", "物业纠纷", description="漏水", source="hotline", reported_at=AT, now=NOW)
    ledger = store.case_ledger()
    sent: list[str] = []
    run_in = ledger.connection.run_in

    def counted(tx: object, query: str, **params: object) -> list[dict[str, object]]:
        sent.append(query)
        return run_in(tx, query, **params)

    ledger.connection.run_in = counted  # type: ignore[method-assign]
    try:
        desk.event(view, case.id, "accept", by="t", note="收到", now=minutes(5))
    finally:
        ledger.connection.run_in = run_in  # type: ignore[method-assign]
    writes = [q for q in sent if "SET" in q]
    locks = 1 if ledger.connection.dialect.rolls_back else 0  # Neo4j takes the case's lock first
    assert len(writes) == 2 + locks
    assert desk.get(case.id).status == "accepted"
    assert desk.get(case.id).path == case.path  # the path, written once, is read back with the body
