"""Writers in separate processes on one Bolt server (issue 15, point 8): no write lost, none undone alive.

On a server without rollback (the CI's FalkorDB) a write is many statements; a process that dies in
the middle leaves its changes for the next one to undo. These tests run real processes
(:mod:`tests.contract.writer_process`) with a lease of 1.5 s renewed every 0.3 s, so that a live
write outlasts its lease many times over:

* a store opened, and another write started, while a live write is held up for 4 s leave that write
  alone — it is kept, reported and counted;
* a writer killed mid-write is undone, once its lease has run out, by the next process that writes
  (or opens the store), to the last digit of the graph's digest;
* two processes writing 12 batches each at once lose none of the 24 and undo none.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from orggraph.model import Street
from orggraph.store import Batch
from orggraph.store.cypher_layout import META
from orggraph.store.neo4j import Neo4jStore
from tests.contract.conftest import KEY, BoltTarget
from tests.contract.test_store_contract import NewStore, server_digest
from tests.contract.writer_process import short_lease

ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 1.5


def _writer(target: BoltTarget, prefix: str, count: int, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.contract.writer_process",
            target.uri,
            prefix,
            str(count),
            "--lease",
            str(LEASE_S),
            "--user",
            target.user,
            "--password",
            target.password,
            *more,
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _streets(target: BoltTarget) -> set[str]:
    store = Neo4jStore(target.connect(), KEY, lease=short_lease(LEASE_S))
    try:
        return {n for n, _ in store.nodes() if n.startswith("area:")}
    finally:
        store.close()


def _meta(target: BoltTarget) -> dict[str, object]:
    connection = target.connect()
    try:
        rows = connection.run(f"MATCH (m:{META}) RETURN m.writer AS writer, m.revision AS revision")
        return rows[0] if rows else {}
    finally:
        connection.close()


@pytest.fixture
def base(new_bolt_store: NewStore) -> Neo4jStore:
    store = new_bolt_store()
    first = Batch("base")
    first.put(Street(code="S0", name="起始街道"))
    store.write(first)
    return store


def _wait_for_claim(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "claimed", (line, process.stderr.read() if process.stderr else "")


def test_a_live_write_is_left_alone_by_a_store_opened_and_a_write_started_meanwhile(
    base: Neo4jStore, bolt_target: BoltTarget
) -> None:
    writer = _writer(bolt_target, "L", 1, "--hold", "4")
    _wait_for_claim(writer)
    assert _meta(bolt_target)["writer"]  # the write is under way, its changes sent
    time.sleep(LEASE_S * 1.5)  # longer than a lease: only the renewals keep it
    opened = Neo4jStore(bolt_target.connect(), KEY, lease=short_lease(LEASE_S))  # the old recovery undid here
    try:
        mine = Batch("meanwhile")
        mine.put(Street(code="M0", name="其间街道"))
        opened.write(mine)  # waits for the live write, then writes after it
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.strip().startswith("done")
        assert {"area:S0", "area:L0", "area:M0"} <= _streets(bolt_target)
        assert int(_meta(bolt_target)["revision"]) == base.revision + 2  # the two writes, nothing undone between
        assert opened.kind_of("area:L0") == "street"
    finally:
        opened.close()


def test_a_writer_killed_mid_write_is_undone_once_its_lease_has_run_out(base: Neo4jStore, bolt_target: BoltTarget) -> None:
    writer = _writer(bolt_target, "K", 1, "--die")
    writer.communicate(timeout=60)
    assert writer.returncode == -9  # SIGKILL, mid-write
    assert _meta(bolt_target)["writer"]  # its changes are on the server, its lease not yet run out
    later = Neo4jStore(bolt_target.connect(), KEY, lease=short_lease(LEASE_S))
    try:
        again = Batch("after")
        again.put(Street(code="A0", name="其后街道"))
        later.write(again)  # waits out the dead writer's lease, undoes its write, then writes
        assert "area:K0" not in _streets(bolt_target)
        assert "area:A0" in _streets(bolt_target)
        assert not _meta(bolt_target)["writer"]
    finally:
        later.close()
    base.refresh()
    assert base.kind_of("area:K0") is None
    assert [r.label for r in base.write_log(after=0)][-1] == "after"  # the dead write left no record


def test_a_dead_writers_changes_are_undone_to_the_last_digit(base: Neo4jStore, bolt_target: BoltTarget) -> None:
    before = server_digest(bolt_target)
    writer = _writer(bolt_target, "D", 1, "--die")
    writer.communicate(timeout=60)
    assert writer.returncode == -9
    time.sleep(LEASE_S * 1.5)  # the lease runs out
    assert server_digest(bolt_target) == before  # the store opened to read it undid the dead write


def test_two_processes_writing_at_once_lose_nothing_and_undo_nothing(base: Neo4jStore, bolt_target: BoltTarget) -> None:
    revision = base.revision
    writers = [_writer(bolt_target, prefix, 12, "--hold", "0.2", "--ready") for prefix in ("P", "Q")]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:  # both go at once: every write of one meets a write of the other under way
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.strip().splitlines()[-1].startswith("done")
    streets = _streets(bolt_target)
    assert {f"area:{p}{n}" for p in "PQ" for n in range(12)} <= streets
    assert int(_meta(bolt_target)["revision"]) == revision + 24  # each write its own revision, none undone
    assert not _meta(bolt_target)["writer"]
    labels = [record.label for record in base.write_log(after=revision)]
    assert sorted(labels) == sorted(f"{p}{n}" for p in "PQ" for n in range(12))
