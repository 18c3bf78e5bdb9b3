"""Roster files in, raw rows out: CSV in any of the encodings districts use, and Excel workbooks.

A roster (名册) arrives as ``.xlsx`` or ``.csv``. This module only reads: it tells the two apart by
content (an ``.xlsx`` is a zip archive), finds a CSV's text encoding (UTF-8 with or without BOM, or
GB18030 — what Excel on a Chinese Windows writes when it saves as CSV) and its delimiter, and hands
back every non-blank row with its 1-based row number. Office files come as they are: a workbook's
vertically merged cells are filled down, and a roster's footer (制表人、审核人、填表日期, a 合计 row)
is taken out of the rows with a note each (see :mod:`importers.sheets`). Finding the header row and
mapping the columns is the next step's work.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "m.csv").write_bytes("姓名,联系电话\\n张三, \\n\\n".encode("gb18030"))
>>> [sheet] = read_file(folder / "m.csv")
>>> sheet.encoding, sheet.rows
('gb18030', [(1, ['姓名', '联系电话']), (2, ['张三'])])
>>> _ = (folder / "n.csv").write_text("姓名,人数\\n张三,1\\n合计,1\\n", encoding="utf-8")
>>> [sheet] = read_file(folder / "n.csv")
>>> sheet.rows, sheet.skipped
([(1, ['姓名', '人数']), (2, ['张三', '1'])], [(3, 'total row skipped: 合计 1', '已跳过合计行：合计 1')])
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from python_calamine import CalamineWorkbook, SheetTypeEnum

from importers.sheets import MergedRange, drop_footer, fill_merged
from importers.workbook_limits import Limits, scan_workbook
from orggraph.errors import RosterEncodingError, RosterError, RosterFormatError
from orggraph.memory import collector_paused
from orggraph.settings import Settings

__all__ = ["RawSheet", "read_file"]

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and password-protected .xlsx)
_BINARY_MAGICS = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7z archive",
}
_MARKUP_STARTS = ("<!doctype html", "<html", "<?xml", "<table")
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936"})
_DELIMITERS = (",", "\t", ";")
_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawSheet:
    """The rows of one CSV file or one worksheet (工作表), before any header is looked for.

    Attributes
    ----------
    file : str
        The path as given.
    sheet : str or None
        The worksheet name for a workbook; ``None`` for a CSV file.
    encoding : str or None
        The text encoding a CSV file was read with (``utf-8``, ``utf-8-sig``, ``gb18030`` …);
        ``None`` for a workbook.
    rows : list of (int, list)
        ``(row number, cells)``: the 1-based row number as Excel or a text editor shows it, and the
        cell values. CSV cells are ``str``; workbook cells keep their types (``str``, ``int``,
        ``float``, ``bool``, ``datetime.date``, ``datetime.datetime``, ``datetime.time``). Empty or
        whitespace-only cells are ``None``; trailing ``None`` cells are trimmed and blank rows left out.
        A workbook's vertically merged cells all hold the merged value; footer rows are left out.
    skipped : list of (int, str, str)
        The rows left out as a footer or a total (表尾行、合计行): ``(row number, reason in English,
        reason in Chinese)``, e.g. ``(57, "footer row skipped: 制表人：张三 …", "已跳过表尾行：制表人：张三 …")``,
        the row's text cut to 40 characters.
    """

    file: str
    sheet: str | None
    encoding: str | None
    rows: list[tuple[int, list[Any]]]
    skipped: list[tuple[int, str, str]] = field(default_factory=list)


def read_file(path: Path, *, encoding: str | None = None) -> list[RawSheet]:
    """Read a roster file (名册文件): every worksheet of a workbook, or the one table of a CSV file.

    Parameters
    ----------
    path : Path
        The file. A zip archive (``PK\\x03\\x04``) or a legacy ``.xls`` is read as a workbook whatever
        its suffix; anything else as CSV text.
    encoding : str, optional
        The text encoding of a CSV file (文件编码), overriding detection; GBK and GB2312 are read as
        their superset GB18030. Ignored for workbooks.

    Returns
    -------
    list of RawSheet
        One per worksheet in workbook order (empty sheets included, with no rows), or one for a CSV.

    Raises
    ------
    RosterFormatError
        The file is empty, not a CSV or Excel workbook, or has no non-blank row.
    RosterEncodingError
        The encoding cannot be told, or the given one does not fit the bytes.
    RosterError
        The file cannot be opened.
    """
    file = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            workbook = head.startswith(_ZIP_MAGICS) or head.startswith(_OLE2_MAGIC)
            data = b"" if workbook else head + handle.read()
    except OSError as exc:
        raise RosterError(
            f"{file}: the file cannot be opened ({exc.strerror or exc})",
            message_zh=f"{file}：无法打开文件（{exc.strerror or exc}）",
            file=file,
        ) from exc
    if not head:
        raise RosterFormatError(f"{file}: the file is empty (0 bytes)", message_zh=f"{file}：文件是空的（0字节）", file=file)
    if not data:
        return _read_workbook(path, file)
    return [_read_csv(data, file, encoding)]


def _not_a_roster(file: str, what: str, what_zh: str) -> RosterFormatError:
    return RosterFormatError(
        f"{file}: not a CSV or Excel workbook ({what}); save the roster as .xlsx or .csv",
        message_zh=f"{file}：不是CSV文件或Excel工作簿（{what_zh}）；请另存为 .xlsx 或 .csv",
        file=file,
    )


def _read_workbook(path: Path, file: str) -> list[RawSheet]:
    scan = scan_workbook(path, file, _limits())  # within limits before anything is allocated
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises CalamineError subclasses and, rarely, others
        raise _not_a_roster(
            file,
            f"an archive that is not a readable workbook — damaged, password-protected or something else: {exc}",
            f"不是可读取的工作簿（已损坏、有密码保护或为其他压缩包）：{exc}",
        ) from exc
    sheets: list[RawSheet] = []
    with workbook, collector_paused():
        for meta in workbook.sheets_metadata:
            if meta.typ is not SheetTypeEnum.WorkSheet:
                continue
            try:
                worksheet = workbook.get_sheet_by_name(meta.name)
                values = worksheet.to_python(skip_empty_area=False)
                merged = worksheet.merged_cell_ranges or []
            except Exception as exc:
                raise RosterFormatError(
                    f"{file}: worksheet {meta.name!r} cannot be read ({exc})",
                    message_zh=f"{file}：工作表“{meta.name}”无法读取（{exc}）",
                    file=file,
                    sheet=meta.name,
                ) from exc
            if scan is not None and meta.name in scan.errors:
                _put_errors(values, scan.errors[meta.name])
            rows, skipped = drop_footer(_workbook_rows(values, merged))
            sheets.append(RawSheet(file=file, sheet=meta.name, encoding=None, rows=rows, skipped=skipped))
    if not any(sheet.rows for sheet in sheets):
        raise RosterFormatError(
            f"{file}: the workbook has no worksheet with any data",
            message_zh=f"{file}：工作簿中没有任何含数据的工作表",
            file=file,
        )
    return sheets


def _limits() -> Limits:
    """The workbook limits of the settings (``ORGGRAPH_IMPORT_MAX_*``), else the defaults."""
    settings = Settings()
    return Limits(
        max_bytes=settings.import_max_bytes,
        max_cells=settings.import_max_cells,
        max_columns=settings.import_max_columns,
        max_shared_strings=settings.import_max_shared_strings,
    )


def _put_errors(values: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    """Put each error cell's value (``#DIV/0!`` …) where the reader left a blank, for the door to refuse."""
    for (row, column), value in errors.items():
        if row < len(values) and column < len(values[row]) and values[row][column] in ("", None):
            values[row][column] = value


def _workbook_rows(values: list[list[Any]], merged: list[MergedRange]) -> list[tuple[int, list[Any]]]:
    str_ = str
    grid = [[None if value.__class__ is str_ and (not value or value.isspace()) else value for value in row] for row in values]
    if merged:
        fill_merged(grid, merged)
    rows: list[tuple[int, list[Any]]] = []
    append = rows.append
    for number, cells in enumerate(grid, 1):
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            append((number, cells))
    return rows


def _read_csv(data: bytes, file: str, encoding: str | None) -> RawSheet:
    for magic, what in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise _not_a_roster(file, f"it is {what}", f"该文件是{what}")
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text" export
    if b"\x00" in data and encoding not in ("utf-16", "utf_16"):
        raise _not_a_roster(file, "it holds binary data (NUL bytes)", "含有二进制数据（NUL字节）")
    text, used = _decode(data, file, encoding)
    if text[:512].lstrip().lower().startswith(_MARKUP_STARTS):
        raise _not_a_roster(
            file,
            "it is an HTML or XML page; open it in Excel and save it as .xlsx",
            "是HTML或XML网页；请用Excel打开后另存为 .xlsx",
        )
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text), strict=False)
    rows: list[tuple[int, list[Any]]] = []
    append = rows.append
    strip = str.strip
    number = 0
    try:
        with collector_paused():
            for number, row in enumerate(reader, 1):
                if row and all(map(strip, row)):  # the common case: no blank cell
                    append((number, row))
                    continue
                cells: list[Any] = [None if not cell or cell.isspace() else cell for cell in row]
                while cells and cells[-1] is None:
                    cells.pop()
                if cells:
                    append((number, cells))
    except csv.Error as exc:
        raise RosterFormatError(
            f"{file}: row {number + 1} cannot be read as CSV ({exc})",
            message_zh=f"{file}：第{number + 1}行无法按CSV读取（{exc}）",
            file=file,
            row=number + 1,
        ) from exc
    if not rows:
        raise RosterFormatError(
            f"{file}: the file has no rows, only blank lines",
            message_zh=f"{file}：文件中只有空行，没有数据",
            file=file,
        )
    kept, skipped = drop_footer(rows)
    return RawSheet(file=file, sheet=None, encoding=used, rows=kept, skipped=skipped)


def _decode(data: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding used: the given one, a BOM's, UTF-8 or GB18030."""
    if encoding is not None:
        used = _canonical(encoding, file)
        if used == "utf-8" and data.startswith(codecs.BOM_UTF8):
            used = "utf-8-sig"
        return _strict(data, file, used, given=True), used
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, file, "utf-8-sig", given=False), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # only the offset is kept: the exception itself would hold this frame and every caller's
        # (the whole import's rows) in a reference cycle until the cycle collector ran
        start = exc.start
    guess = _detect(data, start)
    if guess != "gb18030":
        line = _line_of(data, start)
        looks = f" (it may be {guess})" if guess else ""
        looks_zh = f"（可能是 {guess}）" if guess else ""
        raise RosterEncodingError(
            f"{file}: cannot tell the text encoding: line {line} is not UTF-8 and the file is not GB18030"
            f"{looks}; pass the encoding with --encoding",
            message_zh=f"{file}：无法识别文件编码：第{line}行不是UTF-8，文件也不是GB18030{looks_zh}；请用 --encoding 指定编码",
            file=file,
            row=line,
            encoding=guess,
        ) from None
    return _strict(data, file, "gb18030", given=False), "gb18030"


def _canonical(encoding: str, file: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError) as exc:  # ValueError: a name no codec can have (a NUL in it)
        raise RosterEncodingError(
            f"{file}: unknown encoding {encoding!r}; use e.g. utf-8 or gb18030",
            message_zh=f"{file}：未知的编码“{encoding}”；可用 utf-8 或 gb18030",
            file=file,
            encoding=encoding,
        ) from exc
    return "gb18030" if name in ("gbk", "gb2312", "cp936") else name


def _strict(data: bytes, file: str, encoding: str, *, given: bool) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(bytes(exc.object), exc.start)
        detected = _detect(data, exc.start) if given else None
        if detected == encoding:
            detected = None
        hint, hint_zh = "; pass --encoding", "；请用 --encoding 指定编码"
        if detected:
            hint = f"; the file looks like {detected}, try --encoding {detected}"
            hint_zh = f"；文件看起来是 {detected}，可尝试 --encoding {detected}"
        raise RosterEncodingError(
            f"{file}: line {line} cannot be decoded as {encoding}{hint}",
            message_zh=f"{file}：第{line}行无法按 {encoding} 解码{hint_zh}",
            file=file,
            row=line,
            encoding=encoding,
            detected=detected,
        ) from exc


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _detect(data: bytes, offset: int) -> str | None:
    """Guess the encoding from a sample around the first undecodable byte: ``gb18030`` for Chinese text
    in any of the GB encodings, else charset-normalizer's best guess (or ``None``)."""
    start = data.rfind(b"\n", 0, max(offset - _SAMPLE_BYTES // 2, 0)) + 1
    end = data.find(b"\n", offset + _SAMPLE_BYTES // 2)
    sample = data[start : len(data) if end < 0 else end]
    if start > 0:
        head = data[:_SAMPLE_BYTES]
        sample = head[: head.rfind(b"\n") + 1] + sample
    best = from_bytes(sample).best()
    name = codecs.lookup(best.encoding).name if best is not None else None
    # Short GBK samples are often taken for cp949 or big5, so the GB reading is also judged on its own.
    if name in _GB_FAMILY or _reads_as_chinese(sample):
        return "gb18030"
    return name


def _reads_as_chinese(sample: bytes) -> bool:
    """Whether ``sample`` decodes as GB18030 to plausible Chinese: nearly all non-ASCII characters are
    ideographs, punctuation or symbols, none in the private use area, and most ideographs are common
    ones (in GB2312). Latin-1, Big5 or Shift-JIS bytes read as GB18030 give mostly rare ideographs."""
    try:
        text = sample.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [char for char in text if char > "\x7f"]
    if any("\ue000" <= char <= "\uf8ff" for char in wide):
        return False
    ideographs = [char for char in wide if "\u3400" <= char <= "\u9fff"]
    symbols = sum(1 for char in wide if char <= "\u00ff" or "\u2000" <= char <= "\u33ff" or char >= "\ufe30")
    if not ideographs or len(ideographs) + symbols < 0.9 * len(wide):
        return False
    common = sum(1 for char in ideographs if _in_gb2312(char))
    return common >= 0.8 * len(ideographs)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _sniff_delimiter(text: str) -> str:
    """Comma unless tabs or semicolons are more frequent in the first lines."""
    lines = [line for line in text[:_SAMPLE_BYTES].splitlines()[:20] if line.strip()]
    counts = {delimiter: sum(line.count(delimiter) for line in lines) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","
