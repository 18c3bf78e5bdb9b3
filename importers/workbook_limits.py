"""A workbook looked at before it is read: its size, its sheets' extent, its error cells.

An ``.xlsx`` is a zip of XML parts. A 2 KB file with one cell at ``XFD1048576`` makes a reader
allocate a grid of 16,384 × 1,048,576 cells; a 1.5 MB zip can hold a gigabyte of repeated XML. So
before the workbook reader allocates anything, this module reads the zip's directory and streams every
worksheet part once, with a cap on what it decompresses, and checks:

* the decompressed size of the whole workbook (``max_bytes``), of its shared strings and their count;
* the extent of each worksheet — its last row and column, from the cells themselves (a sheet's
  ``<dimension>`` may lie) — as a number of columns (``max_columns``) and of cells (``max_cells``);

and it collects the error cells (``t="e"``: ``#DIV/0!``, ``#N/A`` …) that the reader gives as blanks,
so the door (:mod:`importers.door`) refuses them as what they are. Over a limit:
:class:`~orggraph.errors.RosterFormatError` naming the file, the sheet and the limit; nothing is read.

Legacy ``.xls`` files are not zips; their format caps a sheet at 65,536 × 256 cells, and only the
file size is checked.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from orggraph.errors import RosterFormatError

__all__ = ["Limits", "WorkbookScan", "scan_workbook"]

_CHUNK = 1 << 20
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Z]{1,4})([0-9]{1,8})"')
_ROW_REF = re.compile(rb'<row r="([0-9]{1,8})"')
_LAST_ROW = re.compile(rb'<row r="([0-9]{1,8})"')
_COLUMNS = re.compile(rb' r="([A-Z]{1,4})[0-9]')
_ROWS = re.compile(rb' r="[A-Z]{1,4}([0-9]{1,8})"')
_REF_AT = re.compile(rb' r="[A-Z]{1,4}[0-9]')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{0,40})</(?:\w+:)?v>")
_SI = re.compile(rb"<(?:\w+:)?si[ >]")
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:\w+:)?id="([^"]*)"')
_REL = re.compile(rb"<Relationship\b([^>]*)/?>")
_REL_ID = re.compile(rb'\bId="([^"]*)"')
_REL_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_SMALL_PART = 4 << 20


@dataclass(frozen=True)
class Limits:
    """What a roster workbook may hold (settings ``ORGGRAPH_IMPORT_MAX_*``)."""

    max_bytes: int = 2 << 30  # decompressed, all parts together
    max_cells: int = 40_000_000  # rows × columns of one sheet
    max_columns: int = 1_000
    max_shared_strings: int = 20_000_000


@dataclass
class WorkbookScan:
    """What the scan found: each sheet's extent and its error cells (0-based row, column → value)."""

    extents: dict[str, tuple[int, int]] = field(default_factory=dict)
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def _too_big(file: str, what: str, what_zh: str, sheet: str | None = None) -> RosterFormatError:
    return RosterFormatError(
        f"{file}: {what}; the workbook is refused before it is read (nothing was imported). "
        "Split the roster or remove the stray cells",
        message_zh=f"{file}：{what_zh}；读取前已拒绝该工作簿（未导入任何内容）。请拆分名册或删除多余单元格",
        file=file,
        sheet=sheet,
    )


def scan_workbook(path: Path, file: str, limits: Limits | None = None) -> WorkbookScan | None:
    """Check ``path`` against ``limits``; ``None`` for a file that is not a zip (``.xls``)."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip: the workbook reader says what it is
    with archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_bytes:
            raise _too_big(
                file,
                f"it unpacks to {declared:,} bytes, more than the {limits.max_bytes:,} a roster may",
                f"解压后为{declared:,}字节，超过名册上限{limits.max_bytes:,}字节",
            )
        names = _sheet_names(archive)
        scan = WorkbookScan()
        budget = [limits.max_bytes]
        for info in infos:
            part = info.filename
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                sheet = names.get(part, PurePosixPath(part).stem)
                _scan_sheet(archive, info, file, sheet, limits, budget, scan)
            elif part == "xl/sharedStrings.xml":
                _scan_strings(archive, info, file, limits, budget)
    return scan


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, budget: list[int]) -> bytes:
    """A small part whole, within the budget."""
    with archive.open(info) as handle:
        data = handle.read(min(_SMALL_PART, budget[0]) + 1)
    if len(data) > min(_SMALL_PART, budget[0]):
        raise _too_big(file, f"its part {info.filename} is larger than a workbook's index may be", f"其部件 {info.filename} 过大")
    budget[0] -= len(data)
    return data


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name, from xl/workbook.xml and its relationships."""
    try:
        book = archive.getinfo("xl/workbook.xml")
        rels = archive.getinfo("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    budget = [2 * _SMALL_PART]
    targets: dict[bytes, str] = {}
    for attrs in _REL.findall(_read(archive, rels, "", budget)):
        rel_id, target = _REL_ID.search(attrs), _REL_TARGET.search(attrs)
        if rel_id and target:
            text = target.group(1).decode("utf-8", "replace")
            targets[rel_id.group(1)] = text.lstrip("/") if text.startswith("/") else f"xl/{text}"
    names: dict[str, str] = {}
    for name, rel_id in _SHEET.findall(_read(archive, book, "", budget)):
        if rel_id in targets:
            names[targets[rel_id]] = _unescape(name.decode("utf-8", "replace"))
    return names


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits, budget: list[int]):  # type: ignore[no-untyped-def]
    """The part's text in pieces that never cut a tag, within the decompression budget."""
    tail = b""
    with archive.open(info) as handle:
        while True:
            piece = handle.read(_CHUNK)
            if not piece:
                break
            budget[0] -= len(piece)
            if budget[0] < 0:
                raise _too_big(
                    file,
                    f"it unpacks to more than the {limits.max_bytes:,} bytes a roster may",
                    f"解压后超过名册上限{limits.max_bytes:,}字节",
                )
            data = tail + piece
            cut = data.rfind(b"<")
            tail, data = (data[cut:], data[:cut]) if cut > 0 else (b"", data)
            if len(tail) > _CHUNK:
                raise _too_big(
                    file, f"its part {info.filename} holds a tag over 1 MB long", f"其部件 {info.filename} 含有超过1MB的标签"
                )
            yield data
    if tail:
        yield tail


def _scan_sheet(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    file: str,
    sheet: str,
    limits: Limits,
    budget: list[int],
    scan: WorkbookScan,
) -> None:
    """The sheet's last row and column as a reader places its cells (a row or cell without ``r``
    follows the one before it), and its error cells.

    A piece in which every row and cell carries its reference and no cell is an error (what Excel,
    WPS and the libraries write) is measured by whole-piece searches; any other piece tag by tag."""
    state = _Place()
    errors: dict[tuple[int, int], str] = {}
    carry = b""
    for piece in _chunks(archive, info, file, limits, budget):
        data, carry = carry + piece, b""
        if not _plain(data):
            carry = _exact(data, state, errors)
        else:
            columns = set(_COLUMNS.findall(data))
            if columns:
                state.last_column = max(state.last_column, max(_column_number(c) for c in columns))
            rows = set(_ROWS.findall(data))
            rows.update(_ROW_REF.findall(data))
            if rows:
                state.last_row = max(state.last_row, max(int(r) for r in rows))
            last = _LAST_ROW.search(data, max(0, data.rfind(b"<row ")))
            if last is not None:
                state.row, state.column = int(last.group(1)), 0
            last_cell = data.rfind(b' r="', max(0, data.rfind(b"<c ")))
            ref = _REF.match(data, last_cell + 1) if last_cell >= 0 else None
            if ref is not None:
                state.column = _column_number(ref.group(1))
        if state.last_column > limits.max_columns:
            raise _too_big(
                file,
                f"worksheet {sheet!r} reaches column {state.last_column:,}, "
                f"more than the {limits.max_columns:,} a roster may have",
                f"工作表“{sheet}”用到第{state.last_column:,}列，超过名册上限{limits.max_columns:,}列",
                sheet,
            )
        if state.last_row * state.last_column > limits.max_cells:
            raise _too_big(
                file,
                f"worksheet {sheet!r} spans {state.last_row:,} rows × {state.last_column:,} columns, "
                f"more than the {limits.max_cells:,} cells a roster may",
                f"工作表“{sheet}”范围为{state.last_row:,}行×{state.last_column:,}列，超过名册上限{limits.max_cells:,}个单元格",
                sheet,
            )
    scan.extents[sheet] = (state.last_row, state.last_column)
    if errors:
        scan.errors[sheet] = errors


@dataclass
class _Place:
    row: int = 0
    column: int = 0
    last_row: int = 0
    last_column: int = 0


def _plain(data: bytes) -> bool:
    """Every row and cell of ``data`` has its reference, none is an error, no tag has a prefix."""
    if b't="e"' in data or b":c " in data or b":row " in data:
        return False
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
    rows = data.count(b"<row ") + data.count(b"<row>")
    return cells == len(_REF_AT.findall(data)) and rows == data.count(b'<row r="')


def _exact(data: bytes, state: _Place, errors: dict[tuple[int, int], str]) -> bytes:
    """Place every row and cell of ``data`` in turn; what is left to read with the next piece."""
    for match in _TAG.finditer(data):
        name, attrs = match.group(1), match.group(2)
        if name == b"row":
            number = _ROW_REF.search(attrs)
            state.row = int(number.group(1)) if number else state.row + 1
            state.column = 0
            state.last_row = max(state.last_row, state.row)
            continue
        ref = _REF.search(attrs)
        if ref is not None:
            state.column, state.row = _column_number(ref.group(1)), int(ref.group(2))
            state.last_row = max(state.last_row, state.row)
        else:
            state.column += 1
        state.last_column = max(state.last_column, state.column)
        if match.group(3) or not _ERROR_TYPE.search(attrs):
            continue
        value = _VALUE.search(data, match.end(), match.end() + 4096)
        if value is None and len(data) - match.end() < 4096:
            return data[match.start() :]  # the cell's value is in the next piece: look again there
        errors[state.row - 1, state.column - 1] = value.group(1).decode("ascii", "replace") if value else "#ERROR"
    return b""


def _scan_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits, budget: list[int]) -> None:
    count = 0
    for data in _chunks(archive, info, file, limits, budget):
        count += len(_SI.findall(data))
        if count > limits.max_shared_strings:
            raise _too_big(
                file,
                f"it holds more than the {limits.max_shared_strings:,} distinct texts a roster may",
                f"所含不同文本超过名册上限{limits.max_shared_strings:,}个",
            )
