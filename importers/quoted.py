"""The apostrophe of a safe CSV taken off on read (引号前缀), as a spreadsheet program takes it off.

The project's CSV files put a ``'`` before a text that a spreadsheet would run as a formula — one
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (:func:`orggraph.cells.safe_cell`).
Reading a CSV, the importers take exactly one such apostrophe off (:func:`orggraph.cells.unquote`), so
that a roster written by ``orggraph export --rosters`` or a proposal imports as the text it was
written from: ``'-1号楼`` reads ``-1号楼``, ``'+86 138 0013 8000`` reads ``+86 138 0013 8000`` and
``''=1`` reads ``'=1``. An apostrophe before anything else (``'0313…``, typed to keep a leading zero)
is left as it is. A workbook's cells are left alone: a string cell needs no apostrophe, and one it
holds is part of its text.

>>> rows = [(1, ["姓名", "楼栋"]), (2, ["'=cmd", None, "'-1号楼", "'0313", "王芳"])]
>>> unquote_rows(rows)
>>> rows[1]
(2, ['=cmd', None, '-1号楼', "'0313", '王芳'])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from orggraph.cells import unquote

if TYPE_CHECKING:
    from importers.readers import RawSheet

__all__ = ["unquote_csv", "unquote_rows"]


def unquote_rows(rows: Iterable[tuple[int, list[Any]]]) -> None:
    """Take the safe-CSV apostrophe off every text cell of ``rows`` (``(row number, cells)``, as a
    :class:`~importers.readers.RawSheet` holds them), in place."""
    join = "".join
    for _, cells in rows:
        try:
            if "'" not in join(filter(None, cells)):  # the common case: no apostrophe in the row at all
                continue
        except TypeError:  # a cell that is not text (a workbook's number): look at each cell
            pass
        for i, cell in enumerate(cells):
            if cell.__class__ is str and cell[:1] == "'":
                cells[i] = unquote(cell)


def unquote_csv(sheets: list[RawSheet]) -> list[RawSheet]:
    """``sheets`` as :func:`importers.readers.read_file` gave them, with the cells of a CSV file
    (a sheet with an ``encoding``) unquoted in place; a workbook's sheets are left alone."""
    for sheet in sheets:
        if sheet.encoding is not None:
            unquote_rows(sheet.rows)
    return sheets
