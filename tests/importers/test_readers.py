"""Roster files in, raw rows out: encodings, delimiters, workbooks, and every way a file can be wrong."""

from __future__ import annotations

import codecs
import datetime as dt
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.headers import find_header
from importers.readers import RawSheet, read_file
from importers.rosters import RosterKind
from orggraph.errors import RosterEncodingError, RosterError, RosterFormatError

HEADER = ["姓名", "公民身份号码", "所在党组织编码", "居住地址"]
LINES = [
    "某某社区党员名册,,,",
    ",".join(HEADER),
    "张三,11010519491231002X,0130705001,幸福里小区3号楼2单元501室",
    "",
    "李四, ,0130705002,“阳光”花园（东区）",
    ",,,",
]
EXPECTED: list[tuple[int, list[Any]]] = [
    (1, ["某某社区党员名册"]),
    (2, HEADER),
    (3, ["张三", "11010519491231002X", "0130705001", "幸福里小区3号楼2单元501室"]),
    (5, ["李四", None, "0130705002", "“阳光”花园（东区）"]),
]


def write_csv(path: Path, encoding: str, lines: list[str] = LINES, newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")]
)
def test_utf8_bom_and_gb18030_csv_read_identically(tmp_path: Path, encoding: str, reported: str) -> None:
    [sheet] = read_file(write_csv(tmp_path / "members.csv", encoding))
    assert sheet == RawSheet(file=str(tmp_path / "members.csv"), sheet=None, encoding=reported, rows=EXPECTED)


def test_utf16_with_bom_tab_separated_is_excels_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "members.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join(line.replace(",", "\t") for line in LINES).encode("utf-16-le"))
    [sheet] = read_file(path)
    assert sheet.encoding == "utf-16"
    assert sheet.rows == EXPECTED


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    lines = [line.replace(",", delimiter) for line in LINES]
    [sheet] = read_file(write_csv(tmp_path / "members.csv", "utf-8", lines))
    assert sheet.rows == EXPECTED


def test_semicolons_inside_a_comma_file_stay_in_their_cell(tmp_path: Path) -> None:
    lines = ["户编码,关爱标签,小区,楼栋", "H001,独居老人;残疾人,C01,3号楼"]
    [sheet] = read_file(write_csv(tmp_path / "households.csv", "utf-8", lines))
    assert sheet.rows[1] == (2, ["H001", "独居老人;残疾人", "C01", "3号楼"])


def test_quoted_cells_keep_commas_and_line_breaks_and_rows_count_records(tmp_path: Path) -> None:
    lines = ["名称,备注", '"幸福里, 东区","第一行', '第二行"', "  ,\u3000", "阳光花园, 保留空格 "]
    [sheet] = read_file(write_csv(tmp_path / "areas.csv", "utf-8", lines, newline="\n"))
    assert sheet.rows == [
        (1, ["名称", "备注"]),
        (2, ["幸福里, 东区", "第一行\n第二行"]),
        (4, ["阳光花园", " 保留空格 "]),
    ]


def test_a_forced_wrong_encoding_names_the_line_and_the_detected_one(tmp_path: Path) -> None:
    lines = ["name,id_number", "Zhang,11010519491231002X", "张三,11010519491231002X"]
    path = write_csv(tmp_path / "members.csv", "gb18030", lines)
    with pytest.raises(RosterEncodingError) as caught:
        read_file(path, encoding="utf-8")
    error = caught.value
    assert error.code == "roster.encoding"
    assert error.context == {"file": str(path), "row": 3, "encoding": "utf-8", "detected": "gb18030"}
    assert "line 3" in error.message
    assert "utf-8" in error.message
    assert "--encoding gb18030" in error.message
    assert "第3行" in error.message_zh


def test_a_bom_file_with_bytes_that_are_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(codecs.BOM_UTF8 + "姓名\n".encode() + "张三\n".encode("gb18030"))
    with pytest.raises(RosterEncodingError) as caught:
        read_file(path)
    assert caught.value.context["row"] == 2
    assert caught.value.context["encoding"] == "utf-8-sig"
    assert "--encoding" in caught.value.message


@pytest.mark.parametrize("name", ["klingon", "utf-8\x00"])  # a NUL in the name: found by the API's fuzzing (regression)
def test_an_unknown_encoding_name_is_refused(tmp_path: Path, name: str) -> None:
    path = write_csv(tmp_path / "members.csv", "utf-8")
    with pytest.raises(RosterEncodingError) as caught:
        read_file(path, encoding=name)
    assert caught.value.context == {"file": str(path), "encoding": name}
    assert "unknown encoding" in caught.value.message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Name,City\nMüller,Zürich\nÆrø,Kø\n", "latin-1"), ("姓名,地址\n陳大文,臺北\n", "big5")],
)
def test_an_encoding_that_is_neither_utf8_nor_gb18030_asks_for_encoding(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(RosterEncodingError) as caught:
        read_file(path)
    assert caught.value.code == "roster.encoding"
    assert caught.value.context["file"] == str(path)
    assert "--encoding" in caught.value.message
    assert "--encoding" in caught.value.message_zh


def test_short_gbk_files_are_still_taken_for_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes("姓名,电话\n张三,1\n".encode("gbk"))
    [sheet] = read_file(path)
    assert (sheet.encoding, sheet.rows[1]) == ("gb18030", (2, ["张三", "1"]))


def write_workbook(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True, "align": "center"})
    sheet = workbook.add_worksheet("党员")
    sheet.merge_range(0, 0, 0, 3, "某某社区党员名册（2024年）", bold)
    sheet.write_row(1, 0, ["姓名", "所在党组织编码", "入党日期", "是否党员"])
    sheet.write_row(2, 0, ["张三", "0130705001"])
    sheet.write_datetime(2, 2, dt.datetime(2021, 3, 1), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_boolean(2, 3, True)
    sheet.write_row(4, 1, [130705002, "  "])  # row 4 blank; a number and a whitespace-only cell
    for row in range(5, 12):
        sheet.write_blank(row, 0, None, bold)  # formatted but blank trailing rows
    workbook.add_worksheet("空白")
    other = workbook.add_worksheet("说明")
    other.write(2, 1, "填表说明")
    workbook.close()
    return path


def test_workbook_title_row_blank_rows_and_types_come_through_with_row_numbers(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "members.xlsx")
    members, blank, notes = read_file(path)
    assert (members.file, members.sheet, members.encoding) == (str(path), "党员", None)
    assert members.rows == [
        (1, ["某某社区党员名册（2024年）"]),
        (2, ["姓名", "所在党组织编码", "入党日期", "是否党员"]),
        (3, ["张三", "0130705001", dt.date(2021, 3, 1), True]),
        (5, [None, 130705002.0]),
    ]
    assert (blank.sheet, blank.rows) == ("空白", [])
    assert (notes.sheet, notes.rows) == ("说明", [(3, [None, "填表说明"])])


def test_a_workbook_is_told_by_its_content_not_its_suffix(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "members.xlsx").rename(tmp_path / "members.csv")
    assert [sheet.sheet for sheet in read_file(path)] == ["党员", "空白", "说明"]


def test_a_workbook_with_only_empty_sheets_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Sheet1").write_blank(3, 3, None, workbook.add_format({"bold": True}))
    workbook.close()
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert caught.value.context == {"file": str(path)}
    assert "no worksheet with any data" in caught.value.message


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_a_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert caught.value.code == "roster.format"
    assert caught.value.context == {"file": str(path)}
    assert "the file is empty" in caught.value.message
    assert "文件是空的" in caught.value.message_zh


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (PNG, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        ("姓名,电话\n张三\x00,1\n".encode(), "NUL bytes"),
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "HTML or XML page"),
    ],
)
def test_files_that_are_not_csv_or_excel_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(content)
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert caught.value.code == "roster.format"
    assert caught.value.context == {"file": str(path)}
    assert "not a CSV or Excel workbook" in caught.value.message
    assert reason in caught.value.message
    assert "不是CSV文件或Excel工作簿" in caught.value.message_zh


@pytest.mark.parametrize("content", [b"PK\x03\x04 broken archive", None])
def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "members.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
    else:
        path.write_bytes(content)
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert caught.value.context == {"file": str(path)}
    assert "not a readable workbook" in caught.value.message
    assert isinstance(caught.value.__cause__, Exception)


def test_a_file_of_blank_lines_has_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", "utf-8", ["", "  ", ",,,"])
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert "no rows" in caught.value.message


def test_a_missing_file_is_a_roster_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        read_file(tmp_path / "nowhere.csv")
    assert caught.value.code == "roster.invalid"
    assert caught.value.context == {"file": str(tmp_path / "nowhere.csv")}
    assert isinstance(caught.value.__cause__, FileNotFoundError)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.builds(lambda tail: b"PK\x03\x04" + tail, st.binary(max_size=100)))
def test_any_bytes_give_rows_or_a_roster_error_never_a_raw_exception(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        try:
            sheets = read_file(path)
        except RosterError:
            return
        for sheet in sheets:
            assert all(number >= 1 and cells and cells[-1] is not None for number, cells in sheet.rows)


def test_vertically_merged_cells_are_filled_down_and_titles_stay_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "households.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("住户")
    sheet.merge_range(0, 0, 1, 5, "幸福社区住户名册")  # a title merged over two rows and six columns
    sheet.write_row(2, 0, ["街道", "小区", "户编码", "楼栋", "单元", "室"])
    sheet.merge_range(3, 0, 6, 0, "新华街道")  # a street over four rows
    sheet.merge_range(3, 1, 4, 1, "幸福里")
    sheet.merge_range(5, 1, 6, 1, "阳光花园")
    sheet.merge_range(3, 3, 4, 4, "1号楼")  # a block: two columns over two rows
    for row, (household, room) in enumerate([("H1", "101"), ("H2", "102"), ("H3", "201"), ("H4", "202")], start=3):
        sheet.write(row, 2, household)
        sheet.write(row, 5, room)
    sheet.merge_range(7, 0, 9, 0, "建设街道")  # over a data row and two rows blank but for it
    sheet.write(7, 2, "H5")
    sheet.merge_range(7, 3, 7, 4, "备用")  # merged across one row only: stays in its first cell
    sheet.write(11, 2, "H6")
    workbook.close()
    [households] = read_file(path)
    assert households.rows == [
        (1, ["幸福社区住户名册"]),
        (3, ["街道", "小区", "户编码", "楼栋", "单元", "室"]),
        (4, ["新华街道", "幸福里", "H1", "1号楼", "1号楼", "101"]),
        (5, ["新华街道", "幸福里", "H2", "1号楼", "1号楼", "102"]),
        (6, ["新华街道", "阳光花园", "H3", None, None, "201"]),
        (7, ["新华街道", "阳光花园", "H4", None, None, "202"]),
        (8, ["建设街道", None, "H5", "备用"]),
        (12, [None, None, "H6"]),
    ]
    assert households.skipped == []


def test_a_two_row_header_with_merged_cells_is_found_on_its_second_row(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("党员")
    sheet.merge_range(0, 0, 0, 3, "某某社区党员名册")
    sheet.merge_range(1, 0, 2, 0, "姓名")
    sheet.merge_range(1, 1, 2, 1, "公民身份号码")
    sheet.merge_range(1, 2, 1, 3, "组织与联系")  # a group header over two sub-headers
    sheet.write_row(2, 2, ["所在党组织编码", "联系电话"])
    sheet.write_row(3, 0, ["张三", "11010519491231002X", "0130705001", "13800138000"])
    workbook.close()
    [members] = read_file(path)
    assert members.rows[1:3] == [
        (2, ["姓名", "公民身份号码", "组织与联系"]),
        (3, ["姓名", "公民身份号码", "所在党组织编码", "联系电话"]),
    ]
    header = find_header(members.rows)
    assert (header.kind, header.row) == (RosterKind.MEMBERS, 3)
    assert set(header.fields) == {"name", "id_number", "org_code", "phone"}


FOOTER_LINES = [
    "某某社区党员名册,,,",
    ",".join(HEADER),
    "张三,11010519491231002X,0130705001,幸福里小区3号楼2单元501室",
    "合计,1,,",
    "李四,130705198801010010,0130705002,阳光花园1号楼",
    " 总　计 ：2人,,,",
    ",,,",
    "制表人：张三　　审核人：李四　　填表日期：2025年6月1日,,,",
    "填报单位：幸福社区,,负责人: 王五,",
    ",联系人,赵六,",
    "备注：本表所列人员均为截至2025年5月31日在册的正式党员及预备党员，不含流出党员,,,",
]


def test_footer_and_total_rows_of_a_csv_are_skipped_with_a_note(tmp_path: Path) -> None:
    [sheet] = read_file(write_csv(tmp_path / "members.csv", "gb18030", FOOTER_LINES))
    assert sheet.rows == [
        (1, ["某某社区党员名册"]),
        (2, HEADER),
        (3, ["张三", "11010519491231002X", "0130705001", "幸福里小区3号楼2单元501室"]),
        (5, ["李四", "130705198801010010", "0130705002", "阳光花园1号楼"]),
    ]
    assert sheet.skipped[:5] == [
        (4, "total row skipped: 合计 1", "已跳过合计行：合计 1"),
        (6, "total row skipped: 总 计 ：2人", "已跳过合计行：总 计 ：2人"),
        (
            8,
            "footer row skipped: 制表人：张三 审核人：李四 填表日期：2025年6月1日",
            "已跳过表尾行：制表人：张三 审核人：李四 填表日期：2025年6月1日",
        ),
        (9, "footer row skipped: 填报单位：幸福社区 负责人: 王五", "已跳过表尾行：填报单位：幸福社区 负责人: 王五"),
        (10, "footer row skipped: 联系人 赵六", "已跳过表尾行：联系人 赵六"),
    ]
    number, english, chinese = sheet.skipped[5]
    assert number == 11
    assert english == "footer row skipped: 备注：本表所列人员均为截至2025年5月31日在册的正式党员及预备党员，不含流出 …"
    assert chinese == "已跳过表尾行：备注：本表所列人员均为截至2025年5月31日在册的正式党员及预备党员，不含流出 …"
    assert len(english.removeprefix("footer row skipped: ").removesuffix(" …")) == 40


def test_footer_rows_of_a_workbook_are_skipped_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("党员")
    sheet.write_row(0, 0, ["序号", *HEADER])
    sheet.write_row(1, 0, [1, "张三", "11010519491231002X", "0130705001"])
    sheet.write_row(2, 0, [2, "李四", "130705198801010010", "0130705002"])
    sheet.merge_range(3, 0, 3, 1, "合  计")  # the total's label over 序号 and 姓名
    sheet.write_number(3, 2, 2)
    sheet.write_row(5, 1, ["制表人：", "张三", "审核人：", "李四"])  # spread over cells, after a blank row
    sheet.merge_range(6, 0, 6, 4, "填表日期：2025年6月1日")
    sheet.write(7, 4, "2025年6月1日")  # a date under the signatures
    workbook.close()
    [members] = read_file(path)
    assert [number for number, _ in members.rows] == [1, 2, 3]
    assert members.skipped == [
        (4, "total row skipped: 合 计 2", "已跳过合计行：合 计 2"),
        (6, "footer row skipped: 制表人： 张三 审核人： 李四", "已跳过表尾行：制表人： 张三 审核人： 李四"),
        (7, "footer row skipped: 填表日期：2025年6月1日", "已跳过表尾行：填表日期：2025年6月1日"),
        (8, "footer row skipped: 2025年6月1日", "已跳过表尾行：2025年6月1日"),
    ]


def test_data_rows_with_heji_inside_a_name_are_kept(tmp_path: Path) -> None:
    lines = [
        "区域名称,区域编码,层级,上级区域编码",
        "合计村,130705003,社区,130705",
        "总计划小区,130705003X1,小区,130705003",
        "联合计量站家属院,130705003X2,小区,130705003",
        "合计庄,130705004,社区,130705",
        "小计家园,130705004X1,小区,130705004",
    ]
    [sheet] = read_file(write_csv(tmp_path / "areas.csv", "utf-8", lines))
    assert [number for number, _ in sheet.rows] == [1, 2, 3, 4, 5, 6]
    assert sheet.skipped == []


def test_a_date_or_a_total_word_alone_at_the_end_is_not_taken_for_a_footer(tmp_path: Path) -> None:
    lines = ["姓名,入党日期", "张三,2021-03-01", "2025年6月1日,", "合计小区,"]
    [sheet] = read_file(write_csv(tmp_path / "members.csv", "utf-8", lines))
    assert [number for number, _ in sheet.rows] == [1, 2, 3, 4]
    lines = ["姓名,入党日期", "张三,2021-03-01", "2025年6月1日,"]
    [sheet] = read_file(write_csv(tmp_path / "members.csv", "utf-8", lines))
    assert [number for number, _ in sheet.rows] == [1, 2, 3]
    assert sheet.skipped == []


def test_the_first_row_is_never_a_footer(tmp_path: Path) -> None:
    [sheet] = read_file(write_csv(tmp_path / "notes.csv", "utf-8", ["备注：本表暂无数据"]))
    assert (sheet.rows, sheet.skipped) == ([(1, ["备注：本表暂无数据"])], [])


def test_reading_a_gb18030_file_leaves_no_reference_cycle(tmp_path: Path) -> None:
    """Regression: the UTF-8 attempt's exception was kept, and with it every caller's frame (a whole
    import's rows) in a cycle that only the cycle collector could free."""
    import gc

    path = tmp_path / "区域.csv"
    path.write_bytes("区域编码,区域名称,层级\nS1,幸福街道,街道\n".encode("gb18030"))
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        [sheet] = read_file(path)
        assert sheet.encoding == "gb18030"
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
