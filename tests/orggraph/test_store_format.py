"""The embedded file's format 3: its tables and views, the migration of versions 1 and 2, and
processes sharing a file (each takes in the blocks the others rewrote)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from orggraph.errors import StoreCorruptError
from orggraph.model import Household, LinkKind, Person
from orggraph.pii import PiiKey
from orggraph.store import Batch, EmbeddedStore
from orggraph.store.digest import canonical_lines, graph_content, graph_digest
from orggraph.store.file_rows import FORMAT_VERSION
from orggraph.store.undo import undo_batch
from tests.orggraph.conftest import ID_B, START, tiny_district
from tests.orggraph.legacy_files import write_legacy


def _later(key: PiiKey) -> list[Batch]:
    """Batches after the tiny district: a household moved, a person who comes and goes, an attribute."""
    moved = Batch("moved")
    moved.put(Household(code="H3", room="503"))
    moved.link(LinkKind.PART_OF, "household:H3", "area:P1/3号楼/2单元", start=START)
    moved.unlink(LinkKind.IN_GRID, "household:H2", "area:G1", end="2024-01-01")
    person = Person.from_id_number(key, ID_B, name="李强")
    gone = Batch("gone")  # made and ended the same day: nothing is left of it
    gone.put(person)
    gone.link(LinkKind.CONTACTS, person, "household:H3", start="2024-02-01")
    gone.unlink(LinkKind.CONTACTS, person, "household:H3", end="2024-02-01")
    changed = Batch("changed")
    changed.put(Household(code="H1", room="501", residents=4))
    return [moved, gone, changed]


@pytest.mark.parametrize(("version", "in_snapshot"), [(2, 1), (2, 4), (1, 2)])
def test_an_older_file_is_migrated_once_and_keeps_its_graph_and_log(
    tmp_path: Path, key: PiiKey, version: int, in_snapshot: int
) -> None:
    path = tmp_path / "old.db"
    expected = write_legacy(path, key, [tiny_district(key), *_later(key)], version=version, in_snapshot=in_snapshot)
    with EmbeddedStore(path, key, create=False) as store:
        assert graph_content(store.graph) == graph_content(expected.graph)
        assert store.revision == 4
        log = list(store.write_log())
        assert [r.revision for r in log] == ([1, 2, 3, 4] if version == 2 else [])
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert {"snapshot", "journal"}.isdisjoint(tables)
    assert {"node_blocks", "link_blocks", "period_blocks", "changes", "audit"} <= tables
    assert meta["format_version"] == str(FORMAT_VERSION)
    assert "snapshot_digest" not in meta
    with EmbeddedStore(path, key, create=False) as again:  # opened as version 3 now
        assert graph_digest(again.graph) == graph_digest(expected.graph)
        if version == 2:  # what the old release wrote can still be undone
            again.write(undo_batch(again, 4))
            assert again.node("household:H1") == {**expected.graph._node["household:H1"], "residents": 2}


def test_a_tampered_older_file_is_refused(tmp_path: Path, key: PiiKey) -> None:
    path = tmp_path / "old.db"
    write_legacy(path, key, [tiny_district(key), *_later(key)], in_snapshot=1)
    with sqlite3.connect(path) as db:
        ops = db.execute("SELECT ops FROM journal WHERE seq = 2").fetchone()[0]
        db.execute("UPDATE journal SET ops = ? WHERE seq = 2", (ops + b"\x00",))
    with pytest.raises(StoreCorruptError, match="journal entry 2"):
        EmbeddedStore(path, key, create=False)


def test_views_give_one_row_per_node_and_per_link_period(store: EmbeddedStore) -> None:
    for batch in _later(store.pii_key):
        store.write(batch)
    with sqlite3.connect(store.path) as db:
        nodes = {row[0]: (row[1], row[2]) for row in db.execute("SELECT id, kind, attrs FROM nodes")}
        periods = db.execute('SELECT source, target, kind, start, "end", attrs FROM link_periods').fetchall()
    graph = store.graph
    assert {n: (a["kind"], a) for n, a in graph._node.items()} == {n: (k, orjson.loads(a)) for n, (k, a) in nodes.items()}
    lines = sorted(line for line in canonical_lines(graph) if line.startswith(b'["link"'))
    from_view = sorted(
        orjson.dumps(["link", k, s, t, start, end, orjson.loads(a) if a else None], option=orjson.OPT_SORT_KEYS)
        for s, t, k, start, end, a in periods
    )
    assert from_view == lines


def test_another_process_removing_and_renumbering_is_taken_in(tmp_path: Path, key: PiiKey) -> None:
    path = tmp_path / "shared.db"
    first = EmbeddedStore(path, key)
    first.write(tiny_district(key))
    second = EmbeddedStore(path, key, create=False)
    for batch in _later(key):  # the person made and gone again: a node removed in between
        second.write(batch)
    assert first.refresh()
    assert graph_content(first.graph) == graph_content(second.graph)
    second.checkpoint()  # every block written afresh
    b = Batch()
    b.put(Household(code="H4", room="504"))
    second.write(b)
    assert first.refresh()
    assert graph_content(first.graph) == graph_content(second.graph)
    b = Batch()  # and the first writes on top, numbering as the file now does
    b.put(Household(code="H5", room="505"))
    b.link(LinkKind.PART_OF, "household:H5", "area:P1/3号楼/2单元", start=START)
    first.write(b)
    assert second.refresh()
    fresh = EmbeddedStore(path, key, create=False)
    assert graph_content(fresh.graph) == graph_content(first.graph) == graph_content(second.graph)
    for store in (first, second, fresh):
        store.close()


def test_a_block_tampered_under_a_running_process_is_refused_at_refresh(tmp_path: Path, key: PiiKey) -> None:
    path = tmp_path / "shared.db"
    first = EmbeddedStore(path, key)
    first.write(tiny_district(key))
    second = EmbeddedStore(path, key, create=False)
    b = Batch()
    b.put(Household(code="H4", room="504"))
    second.write(b)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE node_blocks SET body = replace(body, '504', '666')")
    with pytest.raises(StoreCorruptError):
        first.refresh()
    first.close()
    second.close()


def test_text_utf8_cannot_carry_is_stored_and_logged(store: EmbeddedStore) -> None:
    """A lone surrogate (a Python string may hold one) in a name: written, read back, replaced and
    undone — the blocks and the change log carry it as a JSON escape."""
    odd = "王\ud800芳"
    b = Batch("odd")
    b.put_attrs("area:D", {**(store.node("area:D") or {}), "name": odd})
    store.write(b)
    b = Batch("even")
    b.put_attrs("area:D", {**(store.node("area:D") or {}), "name": "下花园区"})
    revision = store.write(b).revision  # its change log holds the odd name it replaced
    assert revision is not None
    store.write(undo_batch(store, revision))
    store.close()
    with EmbeddedStore(store.path, store.pii_key, create=False) as again:
        assert (again.node("area:D") or {})["name"] == odd
