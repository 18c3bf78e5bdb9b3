"""Text at the door (importers.door): what cannot be seen is removed or refused, lengths and errors checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import door
from orggraph.errors import InvalidValueError
from orggraph.store import EmbeddedStore
from tests.importers.conftest import AREAS, HOUSEHOLDS, refused, roster, run, write

WANG_ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("幸福\u200b里", "幸福里"),  # zero-width space
        ("\ufeff幸福里", "幸福里"),  # a BOM where two files were pasted together
        ("幸福\u00ad里", "幸福里"),  # soft hyphen
        ("幸福\u2060里\u200d", "幸福里"),
        ("幸福\u2028里", "幸福 里"),
        ("幸福里　小区", "幸福里　小区"),  # the ideographic space is a space: the columns fold it
        ("\ue000", "\ue000"),  # private use: rare characters of old GBK fonts
    ],
)
def test_invisible_characters_are_removed(cell: str, kept: str) -> None:
    assert door.check("name", cell) == kept


@pytest.mark.parametrize(
    ("cell", "what"),
    [
        ("王\x01芳", "control character (U+0001) at character 2"),
        ("王芳\x7f", "control character (U+007F)"),
        ("王\u202e芳", "bidirectional control (U+202E)"),
        ("\u2066王芳", "bidirectional control (U+2066)"),
        ("王\ufffe", "no character of Unicode (U+FFFE)"),
        ("王\ud800", "half of a surrogate pair"),
    ],
)
def test_control_and_bidi_characters_are_refused_and_named(cell: str, what: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        door.check("name", cell)
    assert what in caught.value.message
    assert "U+" in caught.value.message_zh


@pytest.mark.parametrize("cell", ["#DIV/0!", "#N/A", " #REF! ", "#VALUE!", "#NAME?"])
def test_spreadsheet_errors_are_refused_as_such(cell: str) -> None:
    with pytest.raises(InvalidValueError, match="spreadsheet error"):
        door.check("residents", cell)


def test_a_hashtag_that_is_no_error_is_text() -> None:
    assert door.check("name", "#3号楼") == "#3号楼"


def test_lengths_are_per_column_and_the_value_shown_cut_and_masked() -> None:
    assert door.check("name", "幸" * 100) == "幸" * 100
    with pytest.raises(InvalidValueError) as caught:
        door.check("name", WANG_ID + "幸" * 300)
    assert "318 characters" in caught.value.message
    assert "at most 100" in caught.value.message
    shown = str(caught.value.context["value"])
    assert WANG_ID not in shown
    assert shown.startswith("1101**********002X")
    assert len(shown) <= 41
    with pytest.raises(InvalidValueError):
        door.check("area_code", "1" * 51)
    assert door.check("member_code", "ab" * 32) == "ab" * 32
    assert door.check("address", "幸福里" * 100) == "幸福里" * 100


def test_a_refused_cell_rejects_its_row_with_the_column_and_changes_nothing(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(HOUSEHOLDS).replace("H3,130705001001G1", "H3\u202e,130705001001G1", 1)
    report = refused(loaded, [write(tmp_path, "住户.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "户编码"
    assert "U+202E" in rejection.reason
    assert "<U+202E>" in rejection.value


def test_a_long_name_is_a_rejection_not_a_crash(loaded: EmbeddedStore, tmp_path: Path) -> None:
    """A name over 200 characters once passed the row and crashed on the node's model (a traceback
    with the value whole, an ID number if it began with one)."""
    text = roster(AREAS).replace("幸福里小区", WANG_ID + "幸福里小区" * 60, 1)
    report = refused(loaded, [write(tmp_path, "区域.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "区域名称"
    assert WANG_ID not in rejection.value + rejection.reason + rejection.reason_zh


def test_a_zero_width_space_in_a_code_is_the_same_code(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(HOUSEHOLDS).replace("H3,130705001001G1", "H3,1307050010\u200b01G1", 1)
    report = run(loaded, [write(tmp_path, "住户.csv", text)])
    assert report.ok, report.rejections
    assert report.changed == 0


def test_a_spreadsheet_error_in_a_csv_rejects_the_row(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(HOUSEHOLDS)
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("常住人数")] = "#DIV/0!"
    lines[1] = ",".join(cells)
    report = refused(loaded, [write(tmp_path, "住户.csv", "\n".join(lines) + "\n")])
    (rejection,) = report.rejections
    assert (rejection.column, rejection.value) == ("常住人数", "#DIV/0!")
    assert "表格错误值" in rejection.reason_zh
