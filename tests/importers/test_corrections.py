"""A roster keeper's ordinary day: a wrong file then the right one the same day leaves the store as the
right one alone would; a wrong date can be corrected; a roster for one community ends nothing beyond it;
an import that would end too much is refused; the report's totals are what history records."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.rosters import RosterKind
from importers.sync import ImportOptions, import_rosters
from orggraph.model import LinkKind
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.importers.conftest import CONTACTS, DAY, HOUSEHOLDS, MEMBERS, REGISTRATIONS, WANG, ZHAO, roster, run, write

WANG_ROW = "王芳,{wang},P4,女,13800138000,在职,{unit_a},党小组长"
STAFF = "网格编码,姓名,公民身份号码,岗位\n"


def _same_day(store: EmbeddedStore, paths: list[Path], **options: object) -> object:
    return run(store, paths, date=DAY, **options)


def test_a_member_moved_by_a_wrong_file_and_back_the_same_day_leaves_no_trace(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = graph_digest(loaded.graph)
    wrong = MEMBERS.replace(WANG_ROW, WANG_ROW.replace(",P4,", ",P1,").replace("党小组长", "书记"))
    report = _same_day(loaded, [write(tmp_path, "党员.csv", wrong)])
    assert report.written
    wang = f"person:{loaded.pii_key.identity(WANG)}"
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.SECRETARY_OF)] == ["org:P1"]
    right = _same_day(loaded, [write(tmp_path, "党员.csv", MEMBERS)])
    assert right.written
    assert graph_digest(loaded.graph) == before
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.MEMBER_OF)] == ["org:P4"]
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.SECRETARY_OF)] == ["org:P4"]
    # and a later dry run of the same file sees nothing to do
    assert _same_day(loaded, [write(tmp_path, "党员.csv", MEMBERS)], dry_run=True).changed == 0


def test_a_member_leaving_an_org_leaves_his_post_in_it_whatever_the_scope(loaded: EmbeddedStore, tmp_path: Path) -> None:
    # 王芳 made secretary of the other street's community org by a wrong file, then moved back by a later one
    wrong = MEMBERS.replace(WANG_ROW, WANG_ROW.replace(",P4,", ",Q2,").replace("党小组长", "书记"))
    run(loaded, [write(tmp_path, "党员.csv", wrong)], partial=True)
    run(loaded, [write(tmp_path, "党员.csv", MEMBERS)], date="2025-08-01", partial=True)
    wang = f"person:{loaded.pii_key.identity(WANG)}"
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.SECRETARY_OF)] == ["org:P4"]
    assert [lk.target for lk in loaded.links(wang, kind=LinkKind.MEMBER_OF)] == ["org:P4"]


def test_households_dropped_by_a_wrong_file_come_back_with_their_contacts(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = graph_digest(loaded.graph)
    wrong = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith("H2,"))  # H2 is contacted
    dropped = _same_day(loaded, [write(tmp_path, "住户.csv", wrong + "\n")])
    assert dropped.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 1
    assert dropped.graph_total("ended") > 1  # the household and its links: cascades are counted
    assert not list(loaded.links("household:H2", kind=LinkKind.CONTACTS, direction="in"))
    back = _same_day(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS)])
    assert back.revived == 1  # 李强's contact with H2 came back with the household
    assert graph_digest(loaded.graph) == before


def test_a_typo_household_made_and_unmade_the_same_day_is_gone(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = graph_digest(loaded.graph)
    typo = HOUSEHOLDS + "H9,130705001001G1,130705001001X1,3号楼,1单元,109,1,,否\n"
    _same_day(loaded, [write(tmp_path, "住户.csv", typo)])
    assert loaded.kind_of("household:H9", as_of=DAY) == "household"
    _same_day(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS)])
    assert loaded.node("household:H9") is None
    assert graph_digest(loaded.graph) == before


def test_contacts_removed_and_restored_the_same_day(loaded: EmbeddedStore, tmp_path: Path) -> None:
    before = graph_digest(loaded.graph)
    _same_day(loaded, [write(tmp_path, "联系户.csv", "\n".join(CONTACTS.splitlines()[:2]) + "\n")])
    assert loaded.counts(as_of=DAY).links["CONTACTS"] == 1
    restored = _same_day(loaded, [write(tmp_path, "联系户.csv", CONTACTS)])
    assert restored.counts[RosterKind.CONTACTS.value]["created"] == 1
    assert graph_digest(loaded.graph) == before


def test_a_wrong_registration_date_is_corrected(loaded: EmbeddedStore, tmp_path: Path) -> None:
    wang = f"person:{loaded.pii_key.identity(WANG)}"
    typo = REGISTRATIONS.replace("个人,130705001001,{wang},,2024/3/1", "个人,130705001001,{wang},,2034/3/1")
    first = run(loaded, [write(tmp_path, "双报到.csv", typo)])
    assert first.counts[RosterKind.REGISTRATIONS.value]["updated"] == 1
    assert not list(loaded.links(wang, kind=LinkKind.REGISTERED_WITH, as_of="2025-07-01"))
    fixed = run(loaded, [write(tmp_path, "双报到.csv", REGISTRATIONS)])
    assert fixed.counts[RosterKind.REGISTRATIONS.value]["updated"] == 1
    [link] = loaded.links(wang, kind=LinkKind.REGISTERED_WITH, history=True)
    assert (link.start, link.end) == ("2024-03-01", None)
    # the wrong date is kept in the change log, not in the periods
    log = list(loaded.write_log())
    assert any(
        periods and periods[-1][0] == "2034-03-01"
        for record in log
        for (u, _, kind), periods in record.backward.links.items()
        if u == wang and kind == "REGISTERED_WITH"
    )


def test_a_date_outside_1900_to_2100_is_rejected_with_row_and_column(loaded: EmbeddedStore, tmp_path: Path) -> None:
    typo = REGISTRATIONS.replace("2024/3/1", "3021-01-01")
    report = run(loaded, [write(tmp_path, "双报到.csv", typo)])
    [rejection] = report.rejections
    assert (rejection.row, rejection.column) == (2, "报到日期")
    assert "2100-12-31" in rejection.reason


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("区域.csv", "区域编码,区域名称,层级,上级区域编码\n130705,下花园区,区,\n130705009,自环街道,街道,130705009\n"),
        ("党组织.csv", "组织编码,组织名称,组织类别,上级组织编码\nZ1,自环党委,党委,Z1\n"),
    ],
)
def test_a_row_that_is_its_own_parent_is_refused(loaded: EmbeddedStore, tmp_path: Path, name: str, text: str) -> None:
    before = graph_digest(loaded.graph)
    report = run(loaded, [write(tmp_path, name, text)], partial=True)
    [rejection] = report.rejections
    assert "own parent" in rejection.reason
    assert rejection.column == "上级区域编码" if name == "区域.csv" else "上级组织编码"
    assert graph_digest(loaded.graph) == before


def test_a_roster_of_one_community_ends_nothing_outside_it(loaded: EmbeddedStore, tmp_path: Path) -> None:
    # a households roster of 和平社区 (street 建设街道) only: the households of 幸福社区 stay
    peace = "\n".join([HOUSEHOLDS.splitlines()[0], *(line for line in HOUSEHOLDS.splitlines() if line.startswith("K"))])
    report = run(loaded, [write(tmp_path, "住户.csv", peace + "\n")])
    assert report.written
    assert report.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 0
    assert loaded.counts().nodes["household"] == 4


def test_a_community_roster_without_its_other_community_ends_only_in_its_community(loaded: EmbeddedStore, tmp_path: Path) -> None:
    # 张伟's grid roster for 幸福社区's grid lists nobody: only 幸福社区's staff end, 和平社区 is not its scope
    extra = run(loaded, [write(tmp_path, "网格人员.csv", STAFF + "130705002001G1,赵敏,{zhao},专职网格员\n")])
    assert extra.written
    peace_staff = list(loaded.links("area:130705002001G1", kind=LinkKind.GRID_WORKER_OF, direction="in"))
    assert len(peace_staff) == 1
    # a full roster that lists only 幸福社区's grid: 赵敏 in 和平社区 stays
    again = run(loaded, [write(tmp_path, "网格人员.csv", roster(STAFF + "130705001001G1,张伟,{zhang},专职网格员\n"))])
    assert again.counts[RosterKind.GRID_STAFF.value]["ended"] == 1  # 张伟's 社区工作者 post
    assert len(list(loaded.links("area:130705002001G1", kind=LinkKind.GRID_WORKER_OF, direction="in"))) == 1
    assert ZHAO


def test_an_import_that_would_end_too_much_is_refused_then_allowed(store: EmbeddedStore, tmp_path: Path) -> None:
    areas = (
        "区域编码,区域名称,层级,上级区域编码,网格级别\n130705,下花园区,区,,\n130705001,新华街道,街道,130705,\n"
        "130705001001,幸福社区,社区,130705001,\n130705001001G1,第一网格,网格,130705001001,4\n"
        "130705001001X1,幸福里小区,小区,130705001001,\n"
    )
    head = "户编码,所属网格编码,小区,楼栋,单元,室\n"
    rows = [f"H{i:02d},130705001001G1,130705001001X1,1号楼,1单元,{100 + i}\n" for i in range(40)]
    first = run(store, [write(tmp_path, "区域.csv", areas), write(tmp_path, "住户.csv", head + "".join(rows))], date=DAY)
    assert first.ok
    before = graph_digest(store.graph)
    kept = head + "".join(rows[:20])  # half the households missing: 20 > max(10, 20% of 40)
    refused = run(store, [write(tmp_path, "住户.csv", kept)])
    assert refused.mass_end == ["households"]
    assert not refused.written
    [rejection] = refused.rejections
    assert "20 of the 40" in rejection.reason
    assert "--allow-mass-end" in rejection.reason
    assert "幸福社区" in rejection.reason_zh
    assert graph_digest(store.graph) == before
    allowed = run(store, [write(tmp_path, "住户.csv", kept)], allow_mass_end=True)
    assert allowed.written
    assert allowed.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 20


def test_the_report_counts_every_change_as_history_records_it(loaded: EmbeddedStore, tmp_path: Path) -> None:
    wrong = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith(("H2,", "H3,")))
    report = run(loaded, [write(tmp_path, "住户.csv", wrong + "\n")])
    [last] = loaded.audit_log("import", limit=1)
    assert last["changes"] == report.changes
    history_ended = sum(c["ended"] for part in last["changes"].values() for c in part.values())
    assert report.graph_total("ended") == history_ended
    assert history_ended > report.counts[RosterKind.HOUSEHOLDS.value]["ended"]  # links ended with the households


def test_the_change_sheet_says_what_moved_in_words(loaded: EmbeddedStore, tmp_path: Path) -> None:
    moved = MEMBERS.replace("赵敏,{zhao},Q2", "赵敏,{zhao},P2")
    options = ImportOptions(date="2025-07-01", dry_run=True, change_lines=100, partial=True)
    report = import_rosters(loaded, [write(tmp_path, "党员.csv", moved)], options)
    [line] = [line for line in report.change_lines if "moved" in line.change_en]
    assert line.subject.startswith("赵敏 1307")
    assert line.change_zh == "从 和平社区党委（Q2） 调至 幸福社区党委（P2）"
    saved = tmp_path / "report.xlsx"
    report.save(saved)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(saved))
    assert "变更明细" in book.sheet_names
    cells = book.get_sheet_by_name("变更明细").to_python()
    assert any("调至" in str(cell) for row in cells for cell in row)
    assert not any(ZHAO in str(cell) for row in cells for cell in row)  # personal data masked


def test_a_household_away_for_a_month_reads_as_away_then_and_back_after(loaded: EmbeddedStore, tmp_path: Path) -> None:
    gone = "\n".join(line for line in HOUSEHOLDS.splitlines() if not line.startswith("H1,")) + "\n"
    run(loaded, [write(tmp_path, "住户.csv", gone)], date="2025-07-01")
    back = run(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS)], date="2025-08-01")
    assert back.written
    assert loaded.kind_of("household:H1", as_of="2025-06-15") == "household"
    assert loaded.kind_of("household:H1", as_of="2025-07-15") is None
    assert "household:H1" not in {n for n, _ in loaded.nodes(as_of="2025-07-15")}
    assert loaded.kind_of("household:H1", as_of="2025-08-01") == "household"
    assert run(loaded, [write(tmp_path, "住户.csv", HOUSEHOLDS)], date="2025-09-01").changed == 0  # the gap stays as it is
