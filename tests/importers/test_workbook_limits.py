"""Workbooks within limits: a far cell, a zip bomb, a lying extent, error cells — found before reading."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from importers.readers import read_file
from importers.workbook_limits import Limits, scan_workbook
from orggraph.errors import RosterFormatError


def _book(path: Path, rows: list[list[object]], *, far: tuple[int, int] | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("住户")
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    if far is not None:
        sheet.write_string(far[0], far[1], "x")
    book.close()
    return path


def _with_sheet(path: Path, xml: str) -> Path:
    """``path`` with its first worksheet's XML replaced by ``xml`` (a hand-made, hostile sheet)."""
    original = path.with_suffix(".orig.xlsx")
    path.rename(original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = xml.encode("utf-8")
            target.writestr(info.filename, data)
    return path


SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:B2"/><sheetData>{rows}</sheetData></worksheet>'
)


def test_a_cell_at_the_last_column_and_row_is_refused_before_reading(tmp_path: Path) -> None:
    """One cell at XFD1048576 made the reader allocate a grid of 17 billion cells (~512 GiB)."""
    path = _book(tmp_path / "far.xlsx", [["户编码", "常住人数"], ["H1", 3]], far=(1_048_575, 16_383))
    assert path.stat().st_size < 10_000
    with pytest.raises(RosterFormatError) as caught:
        read_file(path)
    assert "column 16,384" in caught.value.message
    assert "住户" in caught.value.message
    assert "未导入任何内容" in caught.value.message_zh


def test_a_far_row_in_few_columns_is_refused_by_its_cells(tmp_path: Path) -> None:
    path = _book(tmp_path / "tall.xlsx", [["户编码", "常住人数"]], far=(1_048_575, 99))
    with pytest.raises(RosterFormatError, match=r"1,048,576 rows × 100 columns"):
        read_file(path)


def test_the_extent_is_taken_from_the_cells_not_the_dimension(tmp_path: Path) -> None:
    """A ``<dimension>`` that says A1:B2 over a cell at column 5,000 does not hide it."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>户编码</t></is></c><c r="GJH1"><v>1</v></c></row>'
    path = _with_sheet(_book(tmp_path / "lie.xlsx", [["户编码"]]), SHEET.format(rows=rows))
    with pytest.raises(RosterFormatError, match="column 5,000"):
        read_file(path)


def test_cells_without_references_are_placed_one_after_another(tmp_path: Path) -> None:
    """``r`` is optional in the format: 1,200 cells without it reach column 1,200."""
    rows = '<row r="1">' + "<c><v>1</v></c>" * 1_200 + "</row>"
    path = _with_sheet(_book(tmp_path / "norefs.xlsx", [["户编码"]]), SHEET.format(rows=rows))
    with pytest.raises(RosterFormatError, match="column 1,200"):
        read_file(path)


def test_a_zip_bomb_is_refused_within_its_limit(tmp_path: Path) -> None:
    """A sheet of repeated XML, small zipped, larger unpacked than the limit: refused while unpacking."""
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{pad}</t></is></c></row>'
    pad = "x" * 900
    rows = "".join(row.format(n=n, pad=pad) for n in range(1, 6_000))
    path = _with_sheet(_book(tmp_path / "bomb.xlsx", [["户编码"]]), SHEET.format(rows=rows))
    assert path.stat().st_size < 200_000
    with pytest.raises(RosterFormatError, match="unpacks to"):
        scan_workbook(path, "bomb.xlsx", Limits(max_bytes=2_000_000))
    assert scan_workbook(path, "bomb.xlsx", Limits()) is not None  # under the default limit


def test_too_many_shared_strings_are_refused(tmp_path: Path) -> None:
    path = _book(tmp_path / "strings.xlsx", [[f"名称{i}"] for i in range(300)])
    with pytest.raises(RosterFormatError, match="distinct texts"):
        scan_workbook(path, "strings.xlsx", Limits(max_shared_strings=100))


def test_error_cells_are_read_as_their_error_not_as_blanks(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("住户")
    sheet.write_row(0, 0, ["户编码", "常住人数", "备注"])
    sheet.write_string(1, 0, "H1")
    sheet.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    sheet.write_formula(1, 2, "=NA()", None, "#N/A")
    book.close()
    [raw] = read_file(path)
    assert raw.rows[1] == (2, ["H1", "#DIV/0!", "#N/A"])


def test_a_roster_workbook_of_ordinary_size_is_measured(tmp_path: Path) -> None:
    rows = [["户编码", "常住人数"], *[[f"H{i}", i % 7] for i in range(2_000)]]
    scan = scan_workbook(_book(tmp_path / "ok.xlsx", rows), "ok.xlsx")
    assert scan is not None
    assert scan.extents == {"住户": (2_001, 2)}
    assert scan.errors == {}


def test_a_legacy_xls_or_a_csv_is_not_scanned(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("户编码\nH1\n", encoding="utf-8")
    assert scan_workbook(path, "m.csv") is None
