"""The embedded engine: durability, atomic batches, crash safety, format and key checks; only the
blocks a write changed are rewritten."""

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
from orggraph.store.digest import graph_digest
from tests.orggraph.conftest import START, tiny_district

ROOT = Path(__file__).resolve().parents[2]


def file_revision(path: Path) -> int:
    """The revision the file records (grows with every write that changed the graph)."""
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])


def rows_written_at(path: Path, revision: int) -> dict[str, int]:
    """How many block rows of each table the write of ``revision`` wrote."""
    with sqlite3.connect(path) as db:
        return {
            table: int(db.execute(f"SELECT count(*) FROM {table} WHERE revision = ?", (revision,)).fetchone()[0])
            for table in ("node_blocks", "link_blocks", "period_blocks")
        }


def test_reopen_gives_back_the_same_graph(store: EmbeddedStore, key: PiiKey) -> None:
    b = Batch()
    b.unlink(LinkKind.IN_GRID, "household:H2", "area:G1", end="2024-01-01")
    store.write(b)
    digest = graph_digest(store.graph)
    store.close()
    with EmbeddedStore(store.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest
        again.checkpoint()  # every block written afresh: still the same graph
    with EmbeddedStore(store.path, key, create=False) as third:
        assert graph_digest(third.graph) == digest
        assert third.revision == file_revision(store.path)


def test_unchanged_batch_writes_nothing(store: EmbeddedStore, key: PiiKey) -> None:
    revision = file_revision(store.path)
    summary = store.write(tiny_district(key))
    assert summary.changed == 0
    assert file_revision(store.path) == revision


def test_refused_batch_leaves_memory_and_file_as_they_were(store: EmbeddedStore, key: PiiKey) -> None:
    digest = graph_digest(store.graph)
    revision = file_revision(store.path)
    b = Batch()
    b.put(Household(code="H9", room="601"))
    b.link(LinkKind.MEMBER_OF, "household:H9", "org:O1", start=START)
    with pytest.raises(SchemaViolationError):
        store.write(b)
    assert graph_digest(store.graph) == digest
    assert file_revision(store.path) == revision
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
    store.write(b)  # and the store still works afterwards, numbering the node as if nothing had failed
    assert "household:H9" in store.graph
    digest = graph_digest(store.graph)
    store.close()
    with EmbeddedStore(store.path, store.pii_key, create=False) as again:
        assert graph_digest(again.graph) == digest


def test_a_write_rewrites_only_the_blocks_it_changed(tmp_path: Path, key: PiiKey) -> None:
    store = EmbeddedStore(tmp_path / "big.db", key)
    store.write(tiny_district(key))
    b = Batch()
    for i in range(3000):  # about twelve blocks of nodes
        b.put(Household(code=f"X{i:04d}", room=str(i)))
        b.link(LinkKind.PART_OF, f"household:X{i:04d}", "area:P1/3号楼/2单元", start=START)
    store.write(b)
    assert rows_written_at(store.path, store.revision)["node_blocks"] >= 12
    one = Batch()
    one.put(Household(code="X2999", room="楼上"))
    store.write(one)
    assert rows_written_at(store.path, store.revision) == {"node_blocks": 1, "link_blocks": 0, "period_blocks": 0}
    moved = Batch()
    moved.unlink(LinkKind.PART_OF, "household:X0000", "area:P1/3号楼/2单元", end="2024-01-01")
    store.write(moved)  # a new history: one link block and the period block it is added to
    assert rows_written_at(store.path, store.revision) == {"node_blocks": 0, "link_blocks": 1, "period_blocks": 1}
    digest = graph_digest(store.graph)
    store.close()
    with EmbeddedStore(tmp_path / "big.db", key, create=False) as again:
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


def _tamper(path: Path, statement: str, *args: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(statement, args)


def test_a_tampered_block_is_refused(store: EmbeddedStore, key: PiiKey) -> None:
    store.close()
    with sqlite3.connect(store.path) as db:
        body = db.execute("SELECT body FROM node_blocks WHERE block = 0").fetchone()[0]
    _tamper(store.path, "UPDATE node_blocks SET body = ? WHERE block = 0", body.replace(b"501", b"509"))
    with pytest.raises(StoreCorruptError, match="block 0 of node_blocks"):
        EmbeddedStore(store.path, key, create=False)


def test_a_block_put_back_to_an_older_signed_version_is_refused(store: EmbeddedStore, key: PiiKey) -> None:
    with sqlite3.connect(store.path) as db:
        old = db.execute("SELECT revision, body, digest FROM node_blocks WHERE block = 0").fetchone()
    b = Batch()
    b.put(Household(code="H1", room="501", residents=5))
    store.write(b)
    store.close()
    _tamper(store.path, "UPDATE node_blocks SET revision = ?, body = ?, digest = ? WHERE block = 0", *old)
    with pytest.raises(StoreCorruptError, match="list of blocks"):
        EmbeddedStore(store.path, key, create=False)


def test_a_dropped_block_is_refused(store: EmbeddedStore, key: PiiKey) -> None:
    store.close()
    _tamper(store.path, "DELETE FROM link_blocks WHERE block = 0")
    with pytest.raises(StoreCorruptError):
        EmbeddedStore(store.path, key, create=False)


def test_a_foreign_file_signed_with_another_key_is_refused(store: EmbeddedStore, key: PiiKey) -> None:
    """Someone else's store with our key's fingerprint written into it: the signatures give it away."""
    other = PiiKey(b"z" * 32)
    foreign = EmbeddedStore(store.path.with_name("foreign.db"), other)
    foreign.write(tiny_district(other))
    foreign.close()
    _tamper(foreign.path, "UPDATE meta SET value = ? WHERE key = 'key_fingerprint'", key.fingerprint)
    with pytest.raises(StoreCorruptError):
        EmbeddedStore(foreign.path, key, create=False)


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from orggraph.model import Household, LinkKind
    from orggraph.pii import PiiKey
    from orggraph.store import Batch, EmbeddedStore
    store = EmbeddedStore(sys.argv[1], PiiKey(b"k" * 32), create=False)
    def hold():
        print("ready", flush=True)
        time.sleep(60)
    store.before_commit = hold
    b = Batch("killed")
    for i in range(int(sys.argv[2])):
        b.put(Household(code=f"K{i}", room=str(i)))
        b.link(LinkKind.PART_OF, f"household:K{i}", "area:P1/3号楼/2单元", start="2021-03-01")
    b.put(Household(code="H1", room="999"))  # and a change to a block already written
    store.write(b)
    """
)


@pytest.mark.parametrize("households", [3, 20000], ids=["small", "large"])
def test_writer_killed_mid_batch_loses_nothing_and_leaves_nothing(store: EmbeddedStore, key: PiiKey, households: int) -> None:
    committed = Batch()
    committed.put(Household(code="H5", room="505"))
    store.write(committed)
    digest = graph_digest(store.graph)
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(store.path), str(households)],
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
        assert again.node("household:H1") == store.node("household:H1")


def test_dry_run_counts_and_writes_nothing(store: EmbeddedStore) -> None:
    digest = graph_digest(store.graph)
    revision = file_revision(store.path)
    b = Batch()
    b.put(Household(code="H9", room="601"))
    b.link(LinkKind.PART_OF, "household:H9", "area:P1/3号楼/2单元", start=START)
    b.unlink(LinkKind.IN_GRID, "household:H1", "area:G1", end="2024-01-01")
    summary = store.write(b, dry_run=True)
    assert summary.dry_run
    assert summary.outcomes == ["created", "created", "ended"]
    assert graph_digest(store.graph) == digest
    assert file_revision(store.path) == revision


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
