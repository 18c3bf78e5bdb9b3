"""Bad input: each case reports file, row, column and reason precisely, and leaves the store as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from orggraph.store import EmbeddedStore
from tests.importers.conftest import HOUSEHOLDS, MEMBERS, ORGS, PROJECTS, WANG, refused, roster, write


def only(report, **expected: object):  # type: ignore[no-untyped-def]
    assert len(report.rejections) == 1, report.rejections
    rejection = report.rejections[0]
    for name, value in expected.items():
        assert getattr(rejection, name) == value, (name, rejection)
    return rejection


def test_wrong_encoding_forced(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = write(tmp_path, "住户.csv", HOUSEHOLDS, encoding="gb18030")
    report = refused(loaded, [path], encoding="utf-8")
    rejection = only(report, file=str(path), row=1)
    assert "utf-8" in rejection.reason.lower()
    assert "gb18030" in rejection.reason.lower()


def test_gb18030_is_detected_without_being_told(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = write(tmp_path, "住户.csv", HOUSEHOLDS, encoding="gb18030")
    report = refused(loaded, [write(tmp_path, "坏.csv", HOUSEHOLDS.replace("H1,", "H1,X"))])  # a dangling grid
    assert report.rejections
    from tests.importers.conftest import run

    ok = run(loaded, [path])
    assert ok.ok, ok.rejections
    assert ok.files[0].encoding == "gb18030"


def test_missing_required_column(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = "\n".join(",".join(line.split(",")[:1] + line.split(",")[2:]) for line in HOUSEHOLDS.splitlines())
    report = refused(loaded, [write(tmp_path, "住户.csv", text)])
    rejection = only(report, row=1, column="所属网格编码 [grid_code]")
    assert "missing" in rejection.reason
    assert "缺少必填列" in rejection.reason_zh


def test_unknown_header(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = HOUSEHOLDS.replace("中心户", "中心户,楼长姓名", 1).replace(",是\n", ",是,\n")
    report = refused(loaded, [write(tmp_path, "住户.csv", text)])
    rejection = only(report, row=1, column="楼长姓名")
    assert "--mapping" in rejection.reason


def test_unknown_header_mapped_to_ignore(loaded: EmbeddedStore, tmp_path: Path) -> None:
    from importers.headers import HeaderMapping
    from tests.importers.conftest import run

    text = HOUSEHOLDS.replace("中心户", "中心户,楼长姓名", 1)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns.households]\n"楼长姓名" = "ignore"\n"房间" = "room"\n', encoding="utf-8")
    report = run(loaded, [write(tmp_path, "住户.csv", text.replace(",室,", ",房间,"))], mapping=HeaderMapping.load(mapping))
    assert report.ok, report.rejections


def test_duplicated_key_in_one_file(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = HOUSEHOLDS + "H1,130705001001G1,130705001001X1,3号楼,1单元,109,1,,否\n"
    rejection = only(refused(loaded, [write(tmp_path, "住户.csv", text)]), row=6, column="户编码")
    assert "row 2" in rejection.reason


def test_bad_check_digit(loaded: EmbeddedStore, tmp_path: Path) -> None:
    broken = WANG[:-1] + ("3" if WANG[-1] != "3" else "4")
    text = roster(MEMBERS).replace(WANG, broken)
    rejection = only(refused(loaded, [write(tmp_path, "党员.csv", text)]), row=2, column="公民身份号码")
    assert "check digit" in rejection.reason
    assert broken not in rejection.value  # masked
    assert rejection.value == "1307**********" + broken[-4:]


def test_code_in_scientific_notation(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = HOUSEHOLDS.replace("H1,130705001001G1", "1.30705E+17,130705001001G1")
    rejection = only(refused(loaded, [write(tmp_path, "住户.csv", text)]), row=2, column="户编码")
    assert "text" in rejection.reason
    assert "文本" in rejection.reason_zh


def test_unparseable_date(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = PROJECTS.replace("2024-01-01", "明年春天")
    rejection = only(refused(loaded, [write(tmp_path, "共建项目.csv", text)]), row=2, column="开始日期")
    assert "明年春天" in rejection.reason


def test_end_before_start(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = PROJECTS.replace("2026-12-31", "2023-12-31")
    rejection = only(refused(loaded, [write(tmp_path, "共建项目.csv", text)]), row=2, column="结束日期")
    assert "before it starts" in rejection.reason


def test_dangling_reference(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = HOUSEHOLDS.replace("H3,130705001001G1", "H3,130705009009G9")
    rejection = only(refused(loaded, [write(tmp_path, "住户.csv", text)]), row=4, column="所属网格编码")
    assert "130705009009G9" in rejection.reason
    assert "区域名册" in rejection.reason_zh


def test_org_hierarchy_cycle_across_two_rows(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = ORGS.replace("P1,新华街道党工委,党工委,,", "P1,新华街道党工委,党工委,P4,")
    report = refused(loaded, [write(tmp_path, "党组织.csv", text)])
    rejection = only(report)
    assert rejection.row in (2, 5)
    assert "cycle" in rejection.reason


def test_member_in_two_orgs(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS) + f"王芳,{WANG},P2,女,,在职,,,,\n"
    rejection = only(refused(loaded, [write(tmp_path, "党员.csv", text)]), row=5, column="公民身份号码")
    assert "already listed" in rejection.reason


def test_person_with_two_names_for_one_id(loaded: EmbeddedStore, tmp_path: Path) -> None:
    staff = f"网格编码,姓名,公民身份号码,岗位,联系电话\n130705001001G1,王小芳,{WANG},网格长,\n"
    report = refused(loaded, [write(tmp_path, "党员.csv", MEMBERS), write(tmp_path, "网格人员.csv", staff)])
    rejection = only(report, row=2, column="姓名")
    assert "王芳" in rejection.reason
    assert "王小芳" in rejection.reason


def test_empty_file(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "空.csv"
    path.write_text("\n\n  \n", encoding="utf-8")
    rejection = only(refused(loaded, [path]), file=str(path))
    assert "only blank lines" in rejection.reason


def test_zero_byte_file(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "零.csv"
    path.write_bytes(b"")
    rejection = only(refused(loaded, [path]), file=str(path))
    assert "empty" in rejection.reason


def test_file_that_is_not_a_spreadsheet(loaded: EmbeddedStore, tmp_path: Path) -> None:
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    zipped = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    report = refused(loaded, [png, zipped])
    assert {r.file for r in report.rejections} == {str(png), str(zipped)}
    assert all("not a CSV or Excel workbook" in r.reason for r in report.rejections)


def test_workbook_with_no_matching_sheet(loaded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        for name in ("说明", "统计"):
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, ["项目", "数量"])
            sheet.write_row(1, 0, ["甲", 1])
    rejection = only(refused(loaded, [path]), file=str(path))
    assert "no sheet" in rejection.reason


def test_workbook_title_rows_and_several_sheets(loaded: EmbeddedStore, tmp_path: Path) -> None:
    from tests.importers.conftest import run

    path = tmp_path / "名册.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("住户")
        sheet.merge_range(0, 0, 0, 8, "幸福社区住户名册（2025年6月）")
        for i, line in enumerate(HOUSEHOLDS.strip().splitlines(), start=1):
            sheet.write_row(i, 0, line.split(","))
        notes = book.add_worksheet("说明")
        notes.write(0, 0, "本表由社区导出")
    report = run(loaded, [path])
    assert report.ok, report.rejections
    assert report.files[0].sheets == [("住户", "households", 4)]
    assert report.changed == 0


def test_address_that_does_not_resolve_shows_how_it_was_read(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS).replace("幸福里小区3号楼2单元201室", "幸福里小区3号楼2单元909室")
    rejection = only(refused(loaded, [write(tmp_path, "党员.csv", text)]), row=3, column="居住地址")
    assert "909" in rejection.reason
    assert "幸福里小区" in rejection.reason
