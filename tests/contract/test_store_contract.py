"""The store contract: the same writes give the same graph, the same reads and the same refusals on
the embedded engine and on the Bolt server — several generated districts with their deliberate flaws,
refused batches, an interrupted write, the audit trail, and the importers' sync semantics."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from importers.demo import DEMO_CSV
from importers.sync import ImportOptions, import_rosters
from importers.writer import RosterFormat, write_rosters
from orggraph.errors import OrgGraphError, StoreError
from orggraph.generator import Scale, generate
from orggraph.model import Community, Grid, LinkKind, NodeKind, Street
from orggraph.store import Batch, GraphStore, MemoryStore
from orggraph.store.bolt import BoltConnection
from orggraph.store.digest import graph_digest
from orggraph.store.local_bolt import LocalBoltServer
from orggraph.store.neo4j import Neo4jStore
from tests.contract.conftest import KEY, BoltTarget, wipe

AS_OF = "2025-06-30"
EARLIER = "2023-01-15"
SEEDS = [1, 2, 3]

NewStore = Callable[..., Neo4jStore]


def load(store: GraphStore, seed: int, scale: Scale = Scale.COMMUNITY) -> None:
    for batch in generate(scale, seed=seed, key=KEY, as_of=AS_OF).batches:
        store.write(batch, audit=("write", {"by": "contract"}))


def server_digest(target: BoltTarget) -> str:
    """The digest of what is on the server, read by a store of its own (no shared copy)."""
    store = Neo4jStore(target.connect(), KEY)
    try:
        return graph_digest(store.graph)
    finally:
        store.close()


def reads(store: GraphStore, day: str) -> dict[str, object]:
    """Every port read, as plain data: counts, nodes per kind, links of each node both ways."""
    nodes = {kind.value: sorted(n for n, _ in store.nodes(kind, as_of=day)) for kind in NodeKind}
    sample = [n for ids in nodes.values() for n in ids[:5]]
    return {
        "counts": (store.counts(as_of=day).nodes, store.counts(as_of=day).links),
        "per_street": {street: (s.name, s.counts) for street, s in store.per_street(as_of=day).items()},
        "nodes": nodes,
        "kind_of": {n: store.kind_of(n, as_of=day) for n in sample},
        "node": {n: store.node(n) for n in sample},
        "out": {n: sorted((lk.kind, lk.target, lk.start, str(lk.attrs)) for lk in store.links(n, as_of=day)) for n in sample},
        "in": {n: sorted((lk.kind, lk.source, lk.start) for lk in store.links(n, direction="in", as_of=day)) for n in sample},
        "history": {
            n: sorted((lk.kind, lk.target, lk.start, lk.end or "") for lk in store.links(n, history=True)) for n in sample
        },
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_a_generated_district_is_the_same_graph_on_both_engines(
    seed: int, new_bolt_store: NewStore, bolt_target: BoltTarget
) -> None:
    embedded, bolt = MemoryStore(KEY), new_bolt_store()
    load(embedded, seed)
    load(bolt, seed)
    assert graph_digest(bolt.graph) == graph_digest(embedded.graph)
    assert server_digest(bolt_target) == graph_digest(embedded.graph)
    assert bolt.revision == embedded.revision
    for day in (AS_OF, EARLIER):
        assert reads(bolt, day) == reads(embedded, day)


def test_a_store_opened_afresh_reads_what_the_server_holds(new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    embedded, bolt = MemoryStore(KEY), new_bolt_store()
    load(embedded, 4)
    load(bolt, 4)
    fresh = Neo4jStore(bolt_target.connect(), KEY)
    try:
        assert reads(fresh, AS_OF) == reads(embedded, AS_OF)
        assert fresh.revision == bolt.revision
        assert not fresh.stale()
    finally:
        fresh.close()


def test_the_audit_trail_is_kept_alike(new_bolt_store: NewStore) -> None:
    embedded, bolt = MemoryStore(KEY), new_bolt_store()
    load(embedded, 1)
    load(bolt, 1)
    bolt.record_audits("access", [{"route": "/v1/x", "node": "O'Brien \\ 王"}, {"route": "/v1/y"}])
    embedded.record_audits("access", [{"route": "/v1/x", "node": "O'Brien \\ 王"}, {"route": "/v1/y"}])

    def strip(entries: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in e.items() if k not in ("at", "id")} for e in entries]

    for kind in ("write", "access"):
        assert strip(bolt.audit_log(kind)) == strip(embedded.audit_log(kind))
    assert [e["id"] for e in bolt.audit_log("access")] == sorted((e["id"] for e in bolt.audit_log("access")), reverse=True)


def _base() -> Batch:
    b = Batch("base")
    b.put(Street(code="S1", name="新华街道"))
    b.put(Community(code="C1", name="幸福社区"))
    b.put(Community(code="C2", name="和平社区"))
    b.put(Grid(code="G1", name="第一网格", level=4))
    b.link(LinkKind.PART_OF, "area:C1", "area:S1", start="2021-01-01")
    b.link(LinkKind.PART_OF, "area:G1", "area:C1", start="2021-01-01")
    return b


def _refused() -> dict[str, Batch]:
    cycle = Batch("cycle")
    cycle.link(LinkKind.PART_OF, "area:S1", "area:G1", start="2021-02-01")
    dangling = Batch("dangling")
    dangling.put(Grid(code="G2", name="第二网格", level=4))
    dangling.link(LinkKind.PART_OF, "area:G2", "area:C9", start="2021-02-01")
    second = Batch("second parent")
    second.link(LinkKind.PART_OF, "area:G1", "area:C2", start="2021-02-01")
    period = Batch("period")
    period.unlink(LinkKind.PART_OF, "area:G1", "area:C1", end="2020-01-01")
    schema = Batch("schema")
    schema.link(LinkKind.PART_OF, "area:S1", "area:C1", start="2021-02-01")
    return {"cycle": cycle, "dangling": dangling, "second": second, "period": period, "schema": schema}


@pytest.mark.parametrize("name", sorted(_refused()))
def test_a_refused_batch_is_refused_alike_and_changes_nothing(
    name: str, new_bolt_store: NewStore, bolt_target: BoltTarget
) -> None:
    embedded, bolt = MemoryStore(KEY), new_bolt_store()
    for store in (embedded, bolt):
        store.write(_base())
    before = server_digest(bolt_target)
    errors = []
    for store in (embedded, bolt):
        with pytest.raises(OrgGraphError) as caught:
            store.write(_refused()[name])
        errors.append((type(caught.value), caught.value.code, caught.value.message))
    assert errors[0] == errors[1]
    assert server_digest(bolt_target) == before == graph_digest(embedded.graph)


class BrokenError(Exception):
    """The connection dropped in the middle of a write (raised by the test's hook)."""


def test_a_write_that_fails_half_way_leaves_nothing_and_the_store_goes_on(
    new_bolt_store: NewStore, bolt_target: BoltTarget
) -> None:
    bolt = new_bolt_store(batch_rows=5)  # many statements per write, so the failure is truly half-way
    load(bolt, 1)
    before = server_digest(bolt_target)
    revision = bolt.revision

    def drop() -> None:
        raise BrokenError

    bolt.before_commit = drop
    with pytest.raises(BrokenError):
        load(bolt, 2)  # a different district on top: its first batch fails after its changes were sent
    assert server_digest(bolt_target) == before
    assert graph_digest(bolt.graph) == before
    bolt.before_commit = None
    more = Batch("more")
    more.put(Street(code="S9", name="新街道"))
    bolt.write(more)
    assert bolt.revision > revision
    assert bolt.kind_of("area:S9") == "street"


def test_a_write_cut_off_with_its_process_is_undone_when_the_store_is_next_opened(
    new_bolt_store: NewStore, bolt_target: BoltTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    bolt = new_bolt_store(batch_rows=5)
    load(bolt, 1)
    before = server_digest(bolt_target)

    def die() -> None:
        raise BrokenError

    bolt.before_commit = die
    monkeypatch.setattr(Neo4jStore, "_undo_after_failure", lambda self, *args: None)  # the process is gone
    with pytest.raises(BrokenError):
        load(bolt, 2)
    monkeypatch.undo()
    reopened = Neo4jStore(bolt_target.connect(), KEY)  # recovers what the dead writer left
    try:
        assert graph_digest(reopened.graph) == before
        more = Batch("more")
        more.put(Street(code="S9", name="新街道"))
        reopened.write(more)
    finally:
        reopened.close()


def test_two_stores_on_one_server_see_each_others_writes(new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    first = new_bolt_store()
    first.write(_base())
    second = Neo4jStore(bolt_target.connect(), KEY)
    try:
        assert second.kind_of("area:G1") == "grid"
        change = Batch("second")
        change.put(Street(code="S2", name="建设街道"))
        second.write(change)
        assert first.stale()
        assert first.refresh()
        assert first.kind_of("area:S2") == "street"
        # a write checked on an out-of-date copy catches up first: the same rules, the newest graph
        clash = Batch("clash")
        clash.link(LinkKind.PART_OF, "area:C2", "area:S2", start="2021-03-01")
        second.write(clash)
        again = Batch("again")
        again.link(LinkKind.PART_OF, "area:C2", "area:S1", start="2021-03-01")
        with pytest.raises(OrgGraphError) as caught:
            first.write(again)
        assert caught.value.code == "tree.second-parent"
    finally:
        second.close()


def test_a_store_with_another_key_is_refused(new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    from orggraph.pii import PiiKey

    new_bolt_store().write(_base())
    with pytest.raises(StoreError) as caught:
        Neo4jStore(bolt_target.connect(), PiiKey(b"x" * 32))
    assert caught.value.code == "store.key-mismatch"


# -- the importers' sync semantics on both engines --------------------------------------------------


def _rosters(tmp_path: Path, seed: int) -> list[Path]:
    original = MemoryStore(KEY)
    for batch in generate(Scale.COMMUNITY, seed=seed, key=KEY, as_of=AS_OF).batches:
        original.write(batch)
    return write_rosters(
        original, tmp_path / "rosters", formats=dict.fromkeys(DEMO_CSV, RosterFormat.CSV), as_of=AS_OF, typed_phones=True
    )


def test_imports_sync_alike_on_both_engines(tmp_path: Path, new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    paths = _rosters(tmp_path, 5)
    embedded, bolt = MemoryStore(KEY), new_bolt_store()
    reports = [import_rosters(store, paths, ImportOptions(date=AS_OF)) for store in (embedded, bolt)]
    assert all(r.ok for r in reports), [r.rejections[:3] for r in reports]
    assert reports[0].changes == reports[1].changes
    assert server_digest(bolt_target) == graph_digest(embedded.graph)

    # importing the same rosters again changes nothing (checked row by row: another day's import)
    again = [import_rosters(store, paths, ImportOptions(date="2025-07-01")) for store in (embedded, bolt)]
    assert [r.ok for r in again] == [True, True]
    assert again[0].changes == again[1].changes
    assert sum(n["created"] + n["updated"] + n["ended"] for part in again[1].changes.values() for n in part.values()) == 0

    # a household leaves the roster: a full import ends it and its links, on both engines alike
    households = next(p for p in paths if p.name.startswith("住户"))
    code = households.read_bytes().splitlines()[1].split(b",")[0]
    for path in paths:  # the household and every row that names it
        if path.suffix == ".csv":
            lines = path.read_bytes().splitlines(keepends=True)
            path.write_bytes(b"".join([lines[0], *(line for line in lines[1:] if code not in line)]))
    ended = [import_rosters(store, paths, ImportOptions(date="2025-08-01")) for store in (embedded, bolt)]
    assert [r.ok for r in ended] == [True, True], [r.rejections[:2] for r in ended]
    assert ended[0].changes == ended[1].changes
    assert ended[1].changes["nodes"]["household"]["ended"] == 1
    assert server_digest(bolt_target) == graph_digest(embedded.graph)


def test_the_server_stopped_during_an_import_fails_it_clearly_and_a_rerun_completes(
    tmp_path: Path, new_bolt_store: NewStore, bolt_target: BoltTarget
) -> None:
    """The server is killed while an import's changes are being sent. The import fails with the
    store's own error (no driver traceback); once the server is back, running it again completes.
    (FalkorDB here keeps nothing across a restart, so it comes back empty; Neo4j rolls the
    transaction back, and the tests above show a write cut off half-way leaves nothing.)"""
    server = bolt_target.server
    if server is None:
        pytest.skip("stopping the server is tested on the local FalkorDB server only")
    paths = _rosters(tmp_path, 6)
    bolt = new_bolt_store(batch_rows=5)
    bolt.before_commit = server.kill
    with pytest.raises(StoreError) as caught:
        import_rosters(bolt, paths, ImportOptions(date=AS_OF))
    assert caught.value.code == "store.unavailable"
    assert bolt_target.uri in caught.value.message
    server.start()
    rerun = new_bolt_store()
    report = import_rosters(rerun, paths, ImportOptions(date=AS_OF))
    assert report.ok
    embedded = MemoryStore(KEY)
    import_rosters(embedded, paths, ImportOptions(date=AS_OF))
    assert server_digest(bolt_target) == graph_digest(embedded.graph)


def test_threads_sharing_one_connection_each_get_their_own_answers(bolt_target: BoltTarget) -> None:
    """A server's request threads and its refresh thread share the store's connection (regression: two
    threads on one driver session corrupted its messages — ``BufferError`` — and then hung)."""
    connection = bolt_target.connect()
    answers: dict[int, list[int]] = {}
    failures: list[BaseException] = []

    def ask(worker: int) -> None:
        try:
            for i in range(40):
                rows = connection.run("UNWIND range(0, $n) AS x RETURN $w AS w, count(x) AS c", w=worker, n=i)
                answers.setdefault(worker, []).append(rows[0]["c"] if rows[0]["w"] == worker else -1)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=ask, args=(worker,)) for worker in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        connection.close()
    assert not failures
    assert answers == {worker: list(range(1, 41)) for worker in range(4)}


def test_the_test_network_acknowledges_at_once(bolt_target: BoltTarget) -> None:
    """The session's private loopback routes carry ``quickack`` (else every reply of the local server over
    4 KB waits 40 ms for a delayed ACK; see ``orggraph.store.local_bolt``)."""
    if bolt_target.server is None:
        pytest.skip("the Bolt server under test is not the local one")
    shown = subprocess.run(["ip", "route", "show", "table", "local"], capture_output=True, text=True, check=True).stdout
    local = [line for line in shown.splitlines() if line.startswith("local ") and " dev lo " in line]
    assert local
    assert all("quickack 1" in line for line in local), shown


def test_statements_go_on_after_the_server_restarted(bolt_target: BoltTarget) -> None:
    """The connection a restarted server dropped is replaced without an error (the driver opens a new
    one); nothing is retried by orggraph itself, so no write can run twice."""
    if bolt_target.server is None:
        pytest.skip("restarts a local server of its own")
    server = LocalBoltServer.find()
    server.start()
    connection = BoltConnection(server.uri, user="falkordb", password="", timeout=3.0)
    try:
        connection.run("CREATE (:Probe {n: 1})")
        server.stop()
        server.start()  # the same ports, an empty graph: the connection in the driver's pool is dead now
        assert connection.run("MATCH (p:Probe) RETURN count(p) AS n") == [{"n": 0}]
        connection.run("CREATE (:Probe {n: 2})")
        assert connection.run("MATCH (p:Probe) RETURN p.n AS n") == [{"n": 2}]
    finally:
        connection.close()
        server.stop()


def test_records_come_back_as_plain_dicts_nodes_included(bolt_target: BoltTarget) -> None:
    """Values are paired with their keys as they come; a node is converted whole, as ``Record.data()`` does."""
    connection = bolt_target.connect()
    try:
        wipe(bolt_target)
        connection.run("CREATE (:Probe {n: 1, tags: ['a', 'b']})")
        rows = connection.run("MATCH (p:Probe) RETURN p.n AS n, properties(p) AS props, [p.n, 2] AS pair, p AS node")
        assert rows == [{"n": 1, "props": {"n": 1, "tags": ["a", "b"]}, "pair": [1, 2], "node": {"n": 1, "tags": ["a", "b"]}}]
    finally:
        connection.close()
        wipe(bolt_target)


def test_a_copy_keeps_every_value_exactly_packed_or_not(new_bolt_store: NewStore, bolt_target: BoltTarget) -> None:
    """``load_graph`` packs rows into strings on FalkorDB; values that do not pack go as maps: either way
    the graph read back is the graph copied — quotes, backslashes, separators, lists, booleans, big
    integers, ids without a prefix, ended nodes and closed periods with attributes."""
    embedded = MemoryStore(KEY)
    for batch in generate(Scale.COMMUNITY, seed=4, key=KEY, as_of=AS_OF).batches:
        embedded.write(batch)
    graph = embedded.graph.copy()
    households = sorted(n for n, a in graph.nodes(data=True) if a["kind"] == "household")
    awkward = [
        {"note": "O'Brien \\ 的'家'"},
        {"note": "two\x1fparts\x1erows\x1ditems"},
        {"tags": ("独居", "it's", "a\\b")},
        {"tags": ("", "empty first")},
        {"tags": ()},
        {"flag": True, "other": False},
        {"big": 2**62, "negative": -7},
    ]
    for node, extra in zip(households, awkward, strict=False):
        graph.nodes[node].update(extra)
    graph.add_node("no-prefix", kind="household", room="1'01")
    u, v = next((u, v) for u, v, d in graph.edges(data=True) if "CONTACTS" in d)
    graph[u][v]["CONTACTS"] = (("2020-01-01", "2021-02-03", (("note", "a'b\x1fc"),)), ("2022-01-01", None, None))
    store = new_bolt_store()
    store.load_graph(graph)
    assert graph_digest(store.graph) == graph_digest(graph)
    assert server_digest(bolt_target) == graph_digest(graph)
