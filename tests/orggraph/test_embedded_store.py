"""The embedded engine: durability, atomic batches, crash safety, format and key checks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orggraph.errors import (
    DanglingReferenceError,
    SchemaViolationError,
    StoreCorruptError,
    StoreFormatError,
    StoreKeyMismatchError,
    StoreUnavailableError,
)
from orggraph.model import Household, LinkKind
from orggraph.pii import PiiKey
from orggraph.store import Batch, EmbeddedStore
from orggraph.store import embedded as embedded_module
from orggraph.store.digest import graph_digest
from tests.orggraph.conftest import START, tiny_district

ROOT = Path(__file__).resolve().parents[2]


def journal_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM journal").fetchone()[0])


def test_reopen_gives_back_the_same_graph(store: EmbeddedStore, key: PiiKey) -> None:
    b = Batch()
    b.unlink(LinkKind.IN_GRID, "household:H2", "area:G1", end="2024-01-01")
    store.write(b)
    digest = graph_digest(store.graph)
    store.close()
    with EmbeddedStore(store.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest
        again.checkpoint()  # folded into the snapshot: still the same graph
    with EmbeddedStore(store.path, key, create=False) as third:
        assert graph_digest(third.graph) == digest
        assert journal_rows(store.path) == 0


def test_unchanged_batch_writes_nothing(store: EmbeddedStore, key: PiiKey) -> None:
    rows = journal_rows(store.path)
    summary = store.write(tiny_district(key))
    assert summary.changed == 0
    assert journal_rows(store.path) == rows


def test_refused_batch_leaves_memory_and_file_as_they_were(store: EmbeddedStore, key: PiiKey) -> None:
    digest = graph_digest(store.graph)
    rows = journal_rows(store.path)
    b = Batch()
    b.put(Household(code="H9", room="601"))
    b.link(LinkKind.MEMBER_OF, "household:H9", "org:O1", start=START)
    with pytest.raises(SchemaViolationError):
        store.write(b)
    assert graph_digest(store.graph) == digest
    assert journal_rows(store.path) == rows
    store.close()
    with EmbeddedStore(store.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest


def test_failed_commit_rolls_memory_back(store: EmbeddedStore) -> None:
    digest = graph_digest(store.graph)

    def fail() -> None:
        raise OSError("disk gone")

    store.before_commit = fail
    b = Batch()
    b.put(Household(code="H9", room="601"))
    with pytest.raises(OSError, match="disk gone"):
        store.write(b)
    assert graph_digest(store.graph) == digest
    store.before_commit = None
    store.write(b)  # and the store still works afterwards
    assert "household:H9" in store.graph


def test_a_big_batch_goes_to_the_snapshot(store: EmbeddedStore, key: PiiKey, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_module, "SNAPSHOT_AFTER_OPS", 3)
    b = Batch()
    for i in range(5):
        b.put(Household(code=f"X{i}", room=str(i)))
    store.write(b)
    assert journal_rows(store.path) == 0
    digest = graph_digest(store.graph)
    store.close()
    with EmbeddedStore(store.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest


def test_another_process_writes_are_taken_in(store: EmbeddedStore, key: PiiKey) -> None:
    other = EmbeddedStore(store.path, key, create=False)
    b = Batch()
    b.put(Household(code="H7", room="701"))
    other.write(b)
    assert "household:H7" not in store.graph
    assert store.refresh() is True
    assert "household:H7" in store.graph
    assert store.refresh() is False
    # a write from the stale side first catches up, then applies on top
    b2 = Batch()
    b2.put(Household(code="H8", room="801"))
    other.write(b2)
    b3 = Batch()
    b3.link(LinkKind.PART_OF, "household:H8", "area:P1/3号楼/2单元", start=START)
    store.write(b3)
    assert graph_digest(store.graph) == graph_digest(EmbeddedStore(store.path, key, create=False).graph)
    other.close()


def test_unknown_format_version_is_refused_with_advice(store: EmbeddedStore, key: PiiKey) -> None:
    store.close()
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    with pytest.raises(StoreFormatError, match="upgrade orggraph") as info:
        EmbeddedStore(store.path, key, create=False)
    assert info.value.code == "store.format"


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path, key: PiiKey) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreFormatError, match="not an orggraph store"):
        EmbeddedStore(junk, key, create=False)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    with pytest.raises(StoreFormatError, match="not an orggraph store"):
        EmbeddedStore(other, key, create=False)


def test_missing_store_is_not_created_by_readers(tmp_path: Path, key: PiiKey) -> None:
    with pytest.raises(StoreUnavailableError, match="orggraph demo"):
        EmbeddedStore(tmp_path / "none.db", key, create=False)
    assert not (tmp_path / "none.db").exists()


def test_wrong_key_is_refused(store: EmbeddedStore) -> None:
    store.close()
    with pytest.raises(StoreKeyMismatchError, match="ORGGRAPH_KEY_FILE"):
        EmbeddedStore(store.path, PiiKey(b"z" * 32), create=False)


def test_tampered_snapshot_is_refused(store: EmbeddedStore, key: PiiKey) -> None:
    store.checkpoint()
    store.close()
    with sqlite3.connect(store.path) as db:
        body = db.execute("SELECT body FROM snapshot WHERE part = 0").fetchone()[0]
        db.execute("UPDATE snapshot SET body = ? WHERE part = 0", (body[:-1] + b"\x00",))
    with pytest.raises(StoreCorruptError):
        EmbeddedStore(store.path, key, create=False)


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from orggraph.model import Household
    from orggraph.pii import PiiKey
    from orggraph.store import Batch, EmbeddedStore
    from orggraph.store import embedded
    embedded.SNAPSHOT_AFTER_OPS = int(sys.argv[2])
    store = EmbeddedStore(sys.argv[1], PiiKey(b"k" * 32), create=False)
    def hold():
        print("ready", flush=True)
        time.sleep(60)
    store.before_commit = hold
    b = Batch("killed")
    for i in range(20000):
        b.put(Household(code=f"K{i}", room=str(i)))
    store.write(b)
    """
)


@pytest.mark.parametrize("snapshot_after", [10**9, 10], ids=["journal", "snapshot"])
def test_writer_killed_mid_batch_loses_nothing_and_leaves_nothing(store: EmbeddedStore, key: PiiKey, snapshot_after: int) -> None:
    committed = Batch()
    committed.put(Household(code="H5", room="505"))
    store.write(committed)
    digest = graph_digest(store.graph)
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(store.path), str(snapshot_after)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    with EmbeddedStore(store.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest
        assert "household:H5" in again.graph
        assert "household:K0" not in again.graph


def test_dry_run_counts_and_writes_nothing(store: EmbeddedStore) -> None:
    digest = graph_digest(store.graph)
    rows = journal_rows(store.path)
    b = Batch()
    b.put(Household(code="H9", room="601"))
    b.link(LinkKind.PART_OF, "household:H9", "area:P1/3号楼/2单元", start=START)
    b.unlink(LinkKind.IN_GRID, "household:H1", "area:G1", end="2024-01-01")
    summary = store.write(b, dry_run=True)
    assert summary.dry_run
    assert summary.outcomes == ["created", "created", "ended"]
    assert graph_digest(store.graph) == digest
    assert journal_rows(store.path) == rows


def test_audit_is_written_with_the_batch_even_without_changes(store: EmbeddedStore, key: PiiKey) -> None:
    store.write(tiny_district(key), audit=("import", {"files": ["a.csv"]}))
    b = Batch("second")
    b.put(Household(code="H9", room="601"))
    store.write(b, audit=("import", {"files": ["b.csv"]}))
    log = store.audit_log("import")
    assert [entry["files"] for entry in log] == [["b.csv"], ["a.csv"]]
    assert log[0]["changes"]["nodes"]["household"]["created"] == 1
    assert log[1]["changes"]["nodes"]["household"]["unchanged"] == 2
    assert store.audit_log("access") == []
    # a refused batch leaves no audit entry either
    bad = Batch()
    bad.link(LinkKind.IN_GRID, "household:H9", "area:NOPE", start=START)
    with pytest.raises(DanglingReferenceError):
        store.write(bad, audit=("import", {"files": ["c.csv"]}))
    assert len(store.audit_log("import")) == 2
