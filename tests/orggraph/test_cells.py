"""Safe cells (:mod:`orggraph.cells`): CSV text quoted, workbook text never a formula, XML text well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from orggraph.cells import FORMULA_STARTS, WORKBOOK_OPTIONS, safe_cell, safe_row, unicode_text, unquote, write_cells, xml_text
from tests.orggraph.hostile import HOSTILE, NOT_XML, UNSAFE_XML, formulas, sheets


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_would_be_a_formula_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unquote(safe_cell(text)) == text


@pytest.mark.parametrize("value", ["幸福社区", "3号楼", "'0313 5512345", "O'Brien", "", " =1", "＝1", 3, -2, 1.5, True])
def test_other_cells_are_written_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert unquote(value) == value


def test_an_apostrophe_before_a_formula_start_gets_one_more_and_loses_exactly_one() -> None:
    assert safe_cell("'=1") == "''=1"
    assert safe_cell("''-1号楼") == "'''-1号楼"
    assert unquote("''=1") == "'=1"
    assert unquote("'") == "'"
    assert safe_row(["-1号楼", None, 7, "王芳"]) == ["'-1号楼", "", 7, "王芳"]


@given(st.text())
def test_unquote_undoes_safe_cell_and_nothing_written_begins_a_formula(text: str) -> None:
    written = safe_cell(text)
    assert written[:1] not in FORMULA_STARTS
    assert unquote(written) == text


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1"), max_size=6))
def test_the_quoting_rule_is_exact_on_apostrophes_and_formula_starts(text: str) -> None:
    assert unquote(safe_cell(text)) == text
    assert safe_cell(text) == (("'" + text) if text.lstrip("'")[:1] in FORMULA_STARTS else text)


def test_write_cells_writes_text_as_string_cells_even_where_xlsxwriter_would_make_formulas(tmp_path: Path) -> None:
    path = tmp_path / "cells.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:  # the default options: write() turns "=…" into a formula
        sheet = book.add_worksheet("x")
        write_cells(sheet, 0, 0, HOSTILE)
        write_cells(sheet, 1, 0, ["{=A1}", "http://example.com", "007", None, "", 3, 2.5, True, float("nan")])
    assert formulas(path) == []
    [rows] = sheets(path).values()
    assert rows[0][: len(HOSTILE)] == list(HOSTILE)  # calamine pads each row to the sheet's width
    assert rows[1][:3] == ["{=A1}", "http://example.com", "007"]
    assert rows[1][5:] == [3, 2.5, True, "nan"]


def test_the_workbook_options_keep_write_row_text_too(tmp_path: Path) -> None:
    path = tmp_path / "row.xlsx"
    with xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS) as book:
        book.add_worksheet("x").write_row(0, 0, HOSTILE)
    assert formulas(path) == []
    assert next(iter(sheets(path).values()))[0] == list(HOSTILE)


def test_xml_text_replaces_exactly_what_xml_cannot_hold() -> None:
    for char in NOT_XML:
        assert xml_text(f"a{char}b") == "a\ufffdb"
    kept = "\t\n\r<&>\"'\u202e\u2066\ufdd0\U0001f600王\x7f\x85"
    assert xml_text(kept) == kept
    ET.fromstring(f"<a>{xml_text(UNSAFE_XML).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</a>")
    assert unicode_text("a\ud800b\x01") == "a\ufffdb\x01"
