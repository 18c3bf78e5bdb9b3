"""Hostile text for the safe-export tests (issue 15), and ways to look into the files written.

``HOSTILE`` are cells a spreadsheet program would run as formulas (OWASP "CSV injection");
``ROUND_TRIP`` the hostile names an import keeps exactly as they are (it strips leading tabs and
line breaks, so those two are left out), with a name that legitimately begins with ``-`` and one that
already begins with an apostrophe before ``=``; ``UNSAFE_XML`` every character XML 1.0 cannot hold,
with markup characters and bidirectional controls that it can.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from orggraph.cells import FORMULA_STARTS

HOSTILE = ("=cmd|' /C notepad'!A1", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1")
ROUND_TRIP = ("=cmd|' /C notepad'!A1", "+1+1", "-2+3", "@SUM(A1)", "'=1", "-1号楼")
#: Every C0 control, U+FFFE, U+FFFF, a lone surrogate of each half; then what XML can hold.
NOT_XML = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff\ud800\udfff"
UNSAFE_XML = "王" + NOT_XML + "\t\n\r" + "<&>\"'" + "\u202e\u2066\u200f" + "芳]]>"

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _zip(xlsx: Path | bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(xlsx) if isinstance(xlsx, bytes) else xlsx)


def formulas(xlsx: Path | bytes) -> list[str]:
    """Every formula element (``<f>``) in the worksheets of a workbook; every XML part parsed strictly."""
    found = []
    with _zip(xlsx) as book:
        for name in book.namelist():
            if name.endswith((".xml", ".rels")):
                root = ET.fromstring(book.read(name))
                found += [ET.tostring(f, encoding="unicode") for f in root.iter(f"{_MAIN}f")]
    return found


def sheets(xlsx: Path | bytes) -> dict[str, list[list[Any]]]:
    """The cells of every worksheet, as python-calamine reads them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)) if isinstance(xlsx, bytes) else CalamineWorkbook.from_path(str(xlsx))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def csv_rows(path: Path | str, encoding: str = "utf-8-sig") -> list[list[str]]:
    """The rows of a CSV file (or of CSV text), as a spreadsheet program would split them."""
    if isinstance(path, str):
        return list(csv.reader(io.StringIO(path, newline="")))
    with path.open(encoding=encoding, newline="") as handle:  # a cell's carriage return kept
        return list(csv.reader(handle))


def runnable(rows: list[list[Any]]) -> list[str]:
    """The text cells a spreadsheet program would run as a formula: they begin with = + - @ tab CR."""
    return [cell for row in rows for cell in row if isinstance(cell, str) and cell[:1] in FORMULA_STARTS]
