"""Sync semantics: import, idempotent re-import, full rosters end what is missing within their scope,
partial rosters end nothing, dry run, moves and restarts, the report and the audit trail."""

from __future__ import annotations

from pathlib import Path

from importers.rosters import RosterKind
from orggraph.model import LinkKind
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.importers.conftest import DAY, HOUSEHOLDS, LATER, MEMBERS, WANG, run, write


def test_the_tiny_district_imports_whole(loaded: EmbeddedStore) -> None:
    counts = loaded.counts()
    assert counts.nodes["household"] == 4
    assert counts.nodes["person"] == 6
    assert counts.links["CONTACTS"] == 2
    assert counts.links["MANAGES"] == 1
    wang = loaded.pii_key.identity(WANG)
    lives = [lk.target for lk in loaded.links(f"person:{wang}", kind=LinkKind.LIVES_IN)]
    assert lives == ["household:H1"]
    # 李强's home came from his address 幸福里小区3号楼2单元201室
    li_home = {lk.target for lk in loaded.links("household:H3", kind=LinkKind.LIVES_IN, direction="in")}
    assert len(li_home) == 1
    # a secretary post on a group (党小组长) is SECRETARY_OF
    assert [lk.target for lk in loaded.links(f"person:{wang}", kind=LinkKind.SECRETARY_OF)] == ["org:P4"]


def test_reimport_changes_nothing_and_writes_nothing(loaded: EmbeddedStore, rosters: list[Path]) -> None:
    digest = graph_digest(loaded.graph)
    report = run(loaded, rosters)
    assert report.ok
    assert report.changed == 0
    assert report.total("unchanged") > 0
    assert graph_digest(loaded.graph) == digest
    assert report.quick is not None  # same files, store unchanged since: not even parsed again
    history = loaded.audit_log("import")
    assert len(history) == 2
    assert history[0]["status"] == "unchanged"
    assert history[1]["status"] == "written"
    assert all(f["sha256"] for f in history[0]["files"])


def test_reimport_after_a_change_takes_the_full_path(loaded: EmbeddedStore, rosters: list[Path], tmp_path: Path) -> None:
    other = run(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,4,"))], partial=True)
    assert other.changed == 1
    digest = graph_digest(loaded.graph)
    again = run(loaded, rosters)
    assert again.quick is None  # the store changed since the first import: every row is checked again
    assert again.ok
    assert again.counts[RosterKind.HOUSEHOLDS.value]["updated"] == 1  # residents back to 3
    assert graph_digest(loaded.graph) != digest
    options_differ = run(loaded, rosters, partial=True)
    assert options_differ.quick is None
    assert options_differ.changed == 0


def test_files_in_any_order(store: EmbeddedStore, rosters: list[Path]) -> None:
    report = run(store, list(reversed(rosters)))
    assert report.ok, report.rejections
    assert report.counts[RosterKind.HOUSEHOLDS.value]["created"] == 4


def test_dry_run_reports_and_writes_nothing(store: EmbeddedStore, rosters: list[Path]) -> None:
    digest = graph_digest(store.graph)
    report = run(store, rosters, dry_run=True)
    assert report.ok
    assert report.dry_run
    assert not report.written
    assert report.counts[RosterKind.HOUSEHOLDS.value]["created"] == 4
    assert graph_digest(store.graph) == digest
    assert store.audit_log("import") == []


def test_full_roster_ends_what_is_missing_in_its_street_only(loaded: EmbeddedStore, tmp_path: Path) -> None:
    # the 新华街道 household roster without H2; K1 (建设街道) is not in this file and must stay
    text = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith(("H2", "K1")))
    path = write(tmp_path, "住户.csv", text)
    report = run(loaded, [path])
    assert report.ok, report.rejections
    assert report.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 1
    assert loaded.node("household:H2")["ended"] == LATER  # type: ignore[index]
    assert "ended" not in loaded.node("household:K1")  # type: ignore[operator]
    # ended, not deleted: still there as of the first import
    assert "household:H2" in {n for n, _ in loaded.nodes(as_of=DAY)}
    # and what comes back starts again
    again = run(loaded, [write(tmp_path, "住户2.csv", HOUSEHOLDS)], date="2025-08-01")
    assert again.ok, again.rejections
    assert "ended" not in loaded.node("household:H2")  # type: ignore[operator]
    periods = [(lk.start, lk.end) for lk in loaded.links("household:H2", kind=LinkKind.IN_GRID, history=True)]
    assert periods == [(DAY, LATER), ("2025-08-01", None)]


def test_partial_roster_ends_nothing(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith("H2"))
    report = run(loaded, [write(tmp_path, "住户.csv", text)], partial=True)
    assert report.ok
    assert report.total("ended") == 0
    assert "ended" not in loaded.node("household:H2")  # type: ignore[operator]


def test_scope_limits_what_is_ended(loaded: EmbeddedStore, tmp_path: Path) -> None:
    only_h1 = "\n".join(line for line in HOUSEHOLDS.splitlines() if line.startswith(("户编码", "H1")))
    report = run(loaded, [write(tmp_path, "住户.csv", only_h1)], scope="130705001001")
    assert report.ok, report.rejections
    assert report.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 2  # H2 and H3, not K1
    outside = run(loaded, [write(tmp_path, "住户2.csv", HOUSEHOLDS)], scope="130705001001", dry_run=True)
    assert [r.row for r in outside.rejections] == [5]  # K1 lies in 建设街道


def test_moving_a_member_ends_the_old_membership(loaded: EmbeddedStore, tmp_path: Path) -> None:
    moved = MEMBERS.replace(",P4,女", ",P3,女").replace("党小组长", "")
    report = run(loaded, [write(tmp_path, "党员.csv", moved)])
    assert report.ok, report.rejections
    wang = f"person:{loaded.pii_key.identity(WANG)}"
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.MEMBER_OF)] == ["org:P3"]
    assert list(loaded.links(wang, kind=LinkKind.SECRETARY_OF)) == []  # the post went with the move
    old = [(lk.target, lk.end) for lk in loaded.links(wang, kind=LinkKind.MEMBER_OF, history=True) if lk.end]
    assert old == [("org:P4", LATER)]
    assert report.counts[RosterKind.MEMBERS.value]["updated"] == 1


def test_best_effort_writes_the_valid_rows(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = HOUSEHOLDS + "H9,NOGRID,130705001001X1,3号楼,1单元,103,1,,否\nH8,130705001001G1,130705001001X1,3号楼,1单元,104,1,,否\n"
    report = run(loaded, [write(tmp_path, "住户.csv", text)], best_effort=True)
    assert [r.row for r in report.rejections] == [6]
    assert report.written
    assert loaded.node("household:H8") is not None
    assert loaded.node("household:H9") is None


def test_report_saves_as_xlsx_and_csv(loaded: EmbeddedStore, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    text = HOUSEHOLDS + "H9,NOGRID,130705001001X1,3号楼,1单元,103,1,,否\n"
    report = run(loaded, [write(tmp_path, "住户.csv", text)])
    report.save(tmp_path / "r.xlsx")
    report.save(tmp_path / "r.csv")
    rows = CalamineWorkbook.from_path(str(tmp_path / "r.xlsx")).get_sheet_by_name("被拒绝的行").to_python()
    assert rows[0][:4] == ["文件", "工作表", "行号", "列"]
    assert rows[1][2] in (6, 6.0)
    assert rows[1][3] == "所属网格编码"
    assert "NOGRID" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert loaded.audit_log("import")[0]["status"] == "rejected"


def test_household_attrs_are_what_the_model_gives() -> None:
    from importers.handlers import household_attrs
    from importers.rows import HouseholdRow
    from orggraph.model import Building, Entrance, Household

    for care in ([], ["独居老人", "残疾人"]):
        for residents in (0, 3):
            row = HouseholdRow.model_validate(
                {
                    "household_code": "H1",
                    "grid_code": "G",
                    "compound_code": "C",
                    "building": "3号楼",
                    "entrance": "1单元",
                    "room": "101",
                    "residents": residents,
                    "care_tags": "、".join(care),
                }
            )
            model = Household(code="H1", room="101", residents=residents, care_tags=row.care_tags)  # type: ignore[arg-type]
            assert household_attrs(row) == model.to_attrs()
    assert Building.of("C", "3号楼").to_attrs() == {"kind": "building", "name": "3号楼"}
    assert Entrance.of("C/3号楼", "1单元").node_id == "area:C/3号楼/1单元"
