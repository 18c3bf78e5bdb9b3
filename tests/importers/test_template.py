"""Roster templates (名册模板): the headers the importer reads, a drop-down list on every column that takes a
value from a fixed list, text-formatted codes and ID numbers, instructions in both languages — and a
template filled in imports cleanly through the real importer.

The workbooks are read back as what they are, zip archives of XML (no spreadsheet library writes or
reads them here but the importer's own reader), so what Excel and WPS will see is what is checked.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest
from pydantic import BeforeValidator
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from importers import template, values
from importers.columns import field_parts
from importers.headers import find_header
from importers.readers import read_file
from importers.rosters import COLUMNS, IMPORT_ORDER, RosterKind
from importers.rows import MODELS
from importers.sync import ImportOptions, import_rosters
from importers.template import INSTRUCTIONS, LISTS, TEMPLATE_ROWS, roster_kind, template_bytes, template_name, write_templates
from orggraph.errors import InvalidValueError
from orggraph.model.enums import CareTag, ZhEnum
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from tests.importers.conftest import DAY, ROSTERS, roster

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: Excel's built-in number formats the templates use (ECMA-376 18.8.30): General, 0 and text.
BUILTIN_FORMATS = {0: "General", 1: "0", 49: "@"}


@dataclass
class Sheet:
    """One worksheet of a workbook as its XML says it."""

    name: str
    state: str
    xml: ElementTree.Element
    comments: dict[str, str] = field(default_factory=dict)

    def validations(self) -> dict[str, dict[str, Any]]:
        """Each data validation by the first column letter of its range."""
        found = {}
        for node in self.xml.iterfind("m:dataValidations/m:dataValidation", NS):
            first = node.get("sqref", "").split(":")[0]
            found[re.sub(r"\d", "", first)] = {
                "type": node.get("type"),
                "sqref": node.get("sqref"),
                "formula1": node.findtext("m:formula1", default="", namespaces=NS),
                "error_style": node.get("errorStyle", "stop"),
            }
        return found

    def column_styles(self) -> dict[int, int]:
        """The style index of each column (0-based) that has one."""
        styles = {}
        for col in self.xml.iterfind("m:cols/m:col", NS):
            for index in range(int(col.get("min", "0")) - 1, int(col.get("max", "0"))):
                styles[index] = int(col.get("style", "0"))
        return styles

    def frozen_rows(self) -> int:
        pane = self.xml.find("m:sheetViews/m:sheetView/m:pane", NS)
        return int(float(pane.get("ySplit", "0"))) if pane is not None and pane.get("state") == "frozen" else 0


@dataclass
class Book:
    """What a template's XML parts say: its sheets in order and its cell styles' number formats."""

    sheets: list[Sheet]
    formats: list[str]
    strings: list[str]

    @classmethod
    def read(cls, data: bytes) -> Book:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None

            def xml(name: str) -> ElementTree.Element:
                return ElementTree.fromstring(archive.read(name))

            targets = _rels(archive, "xl/_rels/workbook.xml.rels", "xl")
            sheets = []
            for node in xml("xl/workbook.xml").iterfind("m:sheets/m:sheet", NS):
                part = targets[node.get(REL, "")]
                sheet = Sheet(node.get("name", ""), node.get("state", "visible"), xml(part))
                rels = f"{PurePosixPath(part).parent}/_rels/{PurePosixPath(part).name}.rels"
                if rels in archive.namelist():
                    for target in _rels(archive, rels, str(PurePosixPath(part).parent)).values():
                        if "comments" in target:
                            for comment in xml(target).iterfind("m:commentList/m:comment", NS):
                                text = "".join(t.text or "" for t in comment.iterfind(".//m:t", NS))
                                sheet.comments[comment.get("ref", "")] = text
                sheets.append(sheet)
            styles = xml("xl/styles.xml")
            custom = {int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in styles.iterfind("m:numFmts/m:numFmt", NS)}
            formats = [
                custom.get(int(xf.get("numFmtId", "0"))) or BUILTIN_FORMATS.get(int(xf.get("numFmtId", "0")), "?")
                for xf in styles.iterfind("m:cellXfs/m:xf", NS)
            ]
            strings = ["".join(t.text or "" for t in si.iterfind(".//m:t", NS)) for si in xml("xl/sharedStrings.xml")]
        return cls(sheets, formats, strings)

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


def _rels(archive: zipfile.ZipFile, name: str, folder: str) -> dict[str, str]:
    root = ElementTree.fromstring(archive.read(name))
    return {r.get("Id", ""): posixpath.normpath(posixpath.join(folder, r.get("Target", ""))) for r in root}


def filled(kind: RosterKind, rows: list[dict[str, str]]) -> bytes:
    """The template of ``kind`` with ``rows`` (header → text) typed into its roster sheet below the header,
    as string cells, its drop-down lists, formats, comments and other sheets left as they were."""
    data, header = template_bytes(kind), [c.zh for c in COLUMNS[kind]]
    assert {name for row in rows for name in row} <= set(header)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                lines = []
                for number, row in enumerate(rows, start=2):
                    cells = "".join(
                        f'<c r="{xl_col_to_name(index)}{number}" t="inlineStr"><is><t>{escape(row[name])}</t></is></c>'
                        for index, name in enumerate(header)
                        if row.get(name)
                    )
                    lines.append(f'<row r="{number}">{cells}</row>')
                last = f"{xl_col_to_name(len(header) - 1)}{len(rows) + 1}"
                text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', text)
                body = text.replace("</sheetData>", "".join(lines) + "</sheetData>").encode()
            target.writestr(item, body)
    return out.getvalue()


def fixture_rows(kind: RosterKind) -> list[dict[str, str]]:
    """The rows of the importers' tiny district for ``kind`` (valid rows, tests/importers/conftest.py)."""
    text = next(roster(body) for name, body in ROSTERS.items() if name == f"{kind.zh}.csv")
    return list(csv.DictReader(io.StringIO(text)))


def enumerated(kind: RosterKind) -> dict[str, tuple[str, ...]]:
    """The columns of ``kind`` the row model takes from a fixed list, with the list, read from the model's
    annotations (an enumeration, a yes/no flag) — independently of how the template finds them."""
    found = {}
    for column in COLUMNS[kind]:
        base, _, _ = field_parts(MODELS[kind], column.field)
        if isinstance(base, type) and issubclass(base, ZhEnum):
            found[column.zh] = tuple(member.zh for member in base)
        elif base is bool:
            found[column.zh] = values.YES_NO
    if kind is RosterKind.HOUSEHOLDS:  # a list of care tags: one or several of CareTag
        found["关爱标签"] = tuple(tag.zh for tag in CareTag)
    return found


def cleaning(kind: RosterKind, header: str) -> Any:
    column = next(c for c in COLUMNS[kind] if c.zh == header)
    _, parts, _ = field_parts(MODELS[kind], column.field)
    return next(p.func for p in parts if isinstance(p, BeforeValidator))


@pytest.fixture(scope="module")
def books() -> dict[RosterKind, bytes]:
    return {kind: template_bytes(kind) for kind in RosterKind}


@pytest.mark.parametrize("kind", list(RosterKind), ids=lambda k: k.value)
def test_the_header_row_is_what_the_importer_reads(kind: RosterKind, books: dict[RosterKind, bytes], tmp_path: Path) -> None:
    path = tmp_path / template_name(kind)
    path.write_bytes(books[kind])
    sheets = read_file(path)
    assert [s.sheet for s in sheets] == [kind.zh, INSTRUCTIONS]
    (_, header), *rest = sheets[0].rows
    assert not rest
    assert header == [c.zh for c in COLUMNS[kind]]
    match = find_header(sheets[0].rows)  # the kind told by the headers alone
    assert match.kind is kind
    assert set(match.fields) == {c.field for c in COLUMNS[kind]}
    assert not match.unknown
    assert Book.read(books[kind]).sheets[0].frozen_rows() == 1


@pytest.mark.parametrize("kind", list(RosterKind), ids=lambda k: k.value)
def test_every_enumerated_column_has_its_drop_down_list(kind: RosterKind, books: dict[RosterKind, bytes]) -> None:
    book = Book.read(books[kind])
    sheet = book.sheets[0]
    header = [c.zh for c in COLUMNS[kind]]
    lists = {letter: v for letter, v in sheet.validations().items() if v["type"] == "list"}
    expected = enumerated(kind)
    assert {header[xl_cell_to_rowcol(letter + "1")[1]] for letter in lists} == set(expected)
    for name, choices in expected.items():
        letter = xl_col_to_name(header.index(name))
        validation = lists[letter]
        assert validation["sqref"] == f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        assert tuple(validation["formula1"].strip('"').split(",")) == choices
        assert validation["error_style"] == ("information" if name == "关爱标签" else "stop")  # several tags: allowed
        clean = cleaning(kind, name)
        for choice in choices:
            clean(choice)  # every choice offered is one the importer takes


def test_whole_numbers_are_checked_within_the_models_bounds(books: dict[RosterKind, bytes]) -> None:
    checks = Book.read(books[RosterKind.AREAS]).sheets[0].validations()
    assert checks["E"]["type"] == "whole"  # 网格级别 1–5
    assert checks["E"]["formula1"] == "1"
    assert checks["F"]["type"] == "whole"  # 常住人口 ≥ 0
    assert checks["F"]["formula1"] == "0"


@pytest.mark.parametrize("kind", list(RosterKind), ids=lambda k: k.value)
def test_codes_id_numbers_and_phones_are_text_and_dates_iso(kind: RosterKind, books: dict[RosterKind, bytes]) -> None:
    book = Book.read(books[kind])
    styles = book.sheets[0].column_styles()
    text_cleaning = {values.code, values.id_number, values.phone, values.credit_or_unit_code, values.person_code}
    for index, column in enumerate(COLUMNS[kind]):
        clean = cleaning(kind, column.zh)
        number_format = book.formats[styles[index]] if index in styles else "General"
        if clean in text_cleaning or column.field in ("id_number", "member_id_number", "phone"):
            assert number_format == "@", column.zh
        if clean is values.date:
            assert number_format == "yyyy-mm-dd", column.zh


@pytest.mark.parametrize("kind", list(RosterKind), ids=lambda k: k.value)
def test_headers_are_marked_and_explained(kind: RosterKind, books: dict[RosterKind, bytes]) -> None:
    book = Book.read(books[kind])
    sheet = book.sheets[0]
    for index, column in enumerate(COLUMNS[kind]):
        comment = sheet.comments[f"{xl_col_to_name(index)}1"]
        assert comment.startswith(column.field)
        assert ("必填 required" in comment) == column.required
    instructions = book.sheet(INSTRUCTIONS)
    assert instructions.state == "visible"
    cells = [_shared(book, c) for c in instructions.xml.iterfind("m:sheetData/m:row/m:c", NS)]
    for column in COLUMNS[kind]:
        assert column.zh in cells
        assert column.field in cells
    assert "--partial" in " ".join(cells)
    assert any("终止" in c for c in cells)


def _shared(book: Book, cell: ElementTree.Element) -> str:
    return book.strings[int(cell.findtext("m:v", default="0", namespaces=NS))] if cell.get("t") == "s" else ""


def test_required_columns_look_other_than_optional_ones(books: dict[RosterKind, bytes]) -> None:
    xml = Book.read(books[RosterKind.MEMBERS]).sheets[0].xml
    styles = [c.get("s") for c in xml.iterfind("m:sheetData/m:row/m:c", NS)]
    required = {styles[i] for i, c in enumerate(COLUMNS[RosterKind.MEMBERS]) if c.required}
    optional = {styles[i] for i, c in enumerate(COLUMNS[RosterKind.MEMBERS]) if not c.required}
    assert required.isdisjoint(optional)


@pytest.mark.parametrize("inline", [template.INLINE_LIMIT, 0], ids=["lists-inline", "lists-on-hidden-sheet"])
def test_filled_templates_import_cleanly_and_as_the_csv_rosters_do(
    inline: int, tmp_path: Path, rosters: list[Path], key: PiiKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "INLINE_LIMIT", inline)
    folder = tmp_path / "filled"
    folder.mkdir()
    rows = {kind: fixture_rows(kind) for kind in RosterKind}
    paths = []
    for kind in reversed(IMPORT_ORDER):  # any order: the importer applies them in theirs
        path = folder / template_name(kind)
        path.write_bytes(filled(kind, rows[kind]))
        paths.append(path)
    with EmbeddedStore(tmp_path / "t.db", key) as store:
        report = import_rosters(store, paths, ImportOptions(dry_run=True, date=DAY))
        assert report.ok, report.rejections
        assert not report.notes  # the instructions leave no footer or skipped row behind
        assert not report.written
        for info in report.files:
            kind = next(k for k in RosterKind if Path(info.file).name == template_name(k))
            assert info.sheets == [(kind.zh, kind.value, len(rows[kind]))]  # the roster sheet only
    with EmbeddedStore(tmp_path / "c.db", key) as store:
        from_csv = import_rosters(store, rosters, ImportOptions(dry_run=True, date=DAY))
    assert report.counts == from_csv.counts
    assert report.changes == from_csv.changes


def test_a_list_too_long_for_its_validation_goes_to_a_hidden_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template, "INLINE_LIMIT", 0)  # as if every list were longer than Excel takes inline
    data = template_bytes(RosterKind.MEMBERS)
    book = Book.read(data)
    assert [(s.name, s.state) for s in book.sheets] == [("党员", "visible"), (INSTRUCTIONS, "visible"), (LISTS, "hidden")]
    lists = book.sheet(LISTS)
    column_of = {}
    for cell in lists.xml.iterfind("m:sheetData/m:row/m:c", NS):
        _, col = xl_cell_to_rowcol(cell.get("r", ""))
        column_of.setdefault(col, []).append(_shared(book, cell))
    validations = book.sheets[0].validations()
    for name, choices in enumerated(RosterKind.MEMBERS).items():
        letter = xl_col_to_name([c.zh for c in COLUMNS[RosterKind.MEMBERS]].index(name))
        reference = validations[letter]["formula1"]
        found = re.fullmatch(rf"'{LISTS}'!\$([A-Z]+)\$1:\$\1\$(\d+)", reference)
        assert found, reference
        assert int(found.group(2)) == len(choices)
        assert tuple(column_of[xl_cell_to_rowcol(found.group(1) + "1")[1]]) == choices


def test_write_templates_writes_one_file_per_kind(tmp_path: Path) -> None:
    paths = write_templates(tmp_path / "out")
    assert [p.name for p in paths] == [template_name(k) for k in RosterKind]
    assert all(p.stat().st_size > 0 for p in paths)


@pytest.mark.parametrize("text", ["members", "党员", " MEMBERS "])
def test_a_kind_is_named_in_either_language(text: str) -> None:
    assert roster_kind(text) is RosterKind.MEMBERS


def test_an_unknown_kind_is_refused_naming_the_kinds() -> None:
    with pytest.raises(InvalidValueError) as refused:
        roster_kind("members2")
    assert "members2" in refused.value.message
    assert "owners_committees (业委会)" in refused.value.message
    assert "业委会（owners_committees）" in refused.value.message_zh
