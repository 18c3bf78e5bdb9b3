"""Undo of an import: the graph exactly as before it, or a refusal naming the later imports in the way;
the undo recorded in history like an import; two processes importing at once give what one after
the other would."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from importers.undo import history, undo_import
from orggraph.errors import UndoConflictError, UndoError
from orggraph.model import LinkKind
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.importers.conftest import CONTACTS, HOUSEHOLDS, LATER, MEMBERS, ROSTERS, roster, run, write


def test_undo_of_the_last_import_gives_back_the_exact_graph(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = graph_digest(loaded.graph)
    moved = MEMBERS.replace("赵敏,{zhao},Q2", "赵敏,{zhao},P2")
    dropped = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith("H2,")) + "\n"
    report = run(loaded, [write(tmp_path, "党员.csv", moved), write(tmp_path, "住户.csv", dropped)])
    assert report.written
    assert graph_digest(loaded.graph) != before
    undone = undo_import(loaded)
    assert graph_digest(loaded.graph) == before
    assert report.summary is not None
    assert len(undone.summary.forward) == len(report.summary.forward)  # every node and link it changed, put back
    entries = history(loaded)
    assert entries[0]["status"] == "undo"
    assert entries[0]["undoes"] == entries[1]["id"]
    assert entries[1]["undone_by"] == entries[0]["id"]
    # the store reopened reads the same graph (the undo is durable)
    path = loaded.path
    loaded.close()
    with EmbeddedStore(path, PiiKey(b"i" * 32)) as again:
        assert graph_digest(again.graph) == before


def test_undo_again_walks_back_and_an_undo_can_be_undone(loaded: EmbeddedStore, tmp_path: Path) -> None:
    first = graph_digest(loaded.graph)
    run(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,4,"))], partial=True)
    second = graph_digest(loaded.graph)
    ended = run(loaded, [write(tmp_path, "联系户.csv", "\n".join(CONTACTS.splitlines()[:2]) + "\n")], date="2025-08-01")
    assert ended.written
    undo_import(loaded)
    assert graph_digest(loaded.graph) == second
    undo_import(loaded)  # the default is the last import not undone
    assert graph_digest(loaded.graph) == first
    entries = history(loaded)
    redo = undo_import(loaded, entries[0]["id"])  # undoing the last undo does its import again
    assert graph_digest(loaded.graph) == second
    assert redo.summary.changed == 1


def test_an_undo_in_the_way_of_a_later_import_is_refused_naming_it(loaded: EmbeddedStore, tmp_path: Path) -> None:
    added = HOUSEHOLDS + "H5,130705001001G1,130705001001X1,3号楼,1单元,105,2,,否\n"
    run(loaded, [write(tmp_path, "住户.csv", added)], partial=True)
    households_import = history(loaded)[0]["id"]
    contact = roster("党员身份证号,户编码\n{wang},H5\n")
    run(loaded, [write(tmp_path, "联系户.csv", contact)], partial=True, date="2025-08-01")
    contacts_import = history(loaded)[0]["id"]
    before = graph_digest(loaded.graph)
    with pytest.raises(UndoConflictError) as refused:
        undo_import(loaded, households_import)
    assert f"import #{contacts_import}" in refused.value.message
    assert f"#{contacts_import}" in refused.value.message_zh
    assert graph_digest(loaded.graph) == before
    undo_import(loaded, contacts_import)
    undo_import(loaded, households_import)  # now nothing stands in the way
    assert loaded.node("household:H5") is None


def test_undo_refuses_what_there_is_nothing_to_undo(loaded: EmbeddedStore, rosters: list[Path]) -> None:
    run(loaded, rosters)  # unchanged: the quick check writes nothing
    unchanged = history(loaded)[0]
    with pytest.raises(UndoError):
        undo_import(loaded, unchanged["id"])
    undo_import(loaded)
    with pytest.raises(UndoError, match="undone already"):
        undo_import(loaded, history(loaded)[-1]["id"])
    with pytest.raises(LookupError):
        undo_import(loaded, 999)


def test_a_dry_run_undo_writes_nothing(loaded: EmbeddedStore, tmp_path: Path) -> None:
    run(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,4,"))], partial=True)
    before = graph_digest(loaded.graph)
    dry = undo_import(loaded, dry_run=True, describe_lines=10)
    assert dry.summary.changed == 1
    assert [line.change_en for line in dry.change_lines] == ["residents 4 → 3"]
    assert graph_digest(loaded.graph) == before
    assert history(loaded)[0]["status"] == "written"


def _import_in_a_process(path: str, files: list[str], day: str) -> None:
    from importers.sync import ImportOptions, import_rosters

    with EmbeddedStore(path, PiiKey(b"i" * 32)) as store:
        report = import_rosters(store, [Path(f) for f in files], ImportOptions(date=day, partial=True))
        assert report.written, report.rejections


def test_two_processes_importing_at_once_give_what_one_after_the_other_would(store: EmbeddedStore, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    run(store, [write(base, name, text) for name, text in ROSTERS.items()], date="2025-06-01")
    folder_a, folder_b = tmp_path / "a", tmp_path / "b"
    folder_a.mkdir()
    folder_b.mkdir()
    # two keepers at once: one moves 赵敏 to 幸福社区, the other changes households and adds a contact
    a = [str(write(folder_a, "党员.csv", MEMBERS.replace("赵敏,{zhao},Q2", "赵敏,{zhao},P2")))]
    b = [
        str(write(folder_b, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,5,"))),
        str(write(folder_b, "联系户.csv", CONTACTS + "{wang},H1\n")),
    ]
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_import_in_a_process, args=(str(store.path), files, LATER)) for files in (a, b)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store.refresh()
    together = graph_digest(store.graph)
    entries = [e for e in history(store) if e.get("status") == "written"]
    assert len(entries) == 3  # the base and both imports were written, none lost

    # the same two imports one after the other, in the order the store took them
    order = [a if entries[1]["files"][0]["file"].endswith("党员.csv") else b]
    order.append(b if order[0] is a else a)
    with EmbeddedStore(tmp_path / "sequential.db", PiiKey(b"i" * 32)) as sequential:
        run(sequential, [write(base, name, text) for name, text in ROSTERS.items()], date="2025-06-01")
        for files in order:
            run(sequential, [Path(f) for f in files], date=LATER, partial=True)
        assert graph_digest(sequential.graph) == together
    wang = f"person:{store.pii_key.identity('130705198001010012')}"
    assert "household:H1" in {lk.target for lk in store.links(wang, kind=LinkKind.CONTACTS)}


def test_an_import_planned_on_an_older_revision_is_planned_again(store: EmbeddedStore, tmp_path: Path) -> None:
    from importers.sync import ImportOptions, import_rosters

    base = tmp_path / "base"
    base.mkdir()
    run(store, [write(base, name, text) for name, text in ROSTERS.items()], date="2025-06-01")
    other = EmbeddedStore(store.path, store.pii_key)  # a second process on the same file
    moved = write(tmp_path, "党员.csv", MEMBERS.replace("赵敏,{zhao},Q2", "赵敏,{zhao},P2"))
    residents = write(tmp_path, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,5,"))
    phases: list[str] = []

    def meanwhile(phase: str, done: int, total: int) -> None:
        phases.append(phase)
        if phase.startswith("生成变更") and phases.count(phase) == 1:  # planned: the other process writes first
            assert import_rosters(other, [residents], ImportOptions(date=LATER, partial=True)).written

    report = import_rosters(store, [moved], ImportOptions(date=LATER, partial=True), progress=meanwhile)
    assert report.written
    assert sum(p.startswith("生成变更") for p in phases) == 2  # planned twice
    other.close()
    with EmbeddedStore(tmp_path / "sequential.db", store.pii_key) as sequential:
        run(sequential, [write(base, name, text) for name, text in ROSTERS.items()], date="2025-06-01")
        run(sequential, [residents], date=LATER, partial=True)
        run(sequential, [moved], date=LATER, partial=True)
        assert graph_digest(sequential.graph) == graph_digest(store.graph)


def test_the_collector_is_back_after_an_import_and_an_undo(loaded: EmbeddedStore) -> None:
    import gc

    assert gc.isenabled()
    undo_import(loaded)
    assert gc.isenabled()
