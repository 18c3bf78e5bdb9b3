"""Safe exports (安全导出): no cell a spreadsheet runs as a formula, no text an XML parser refuses.

Every CSV, workbook and XML file the project writes passes its text through this module, whatever
the store holds (OWASP "CSV injection"; issue 15):

* **CSV** — :func:`safe_cell` (:func:`safe_row` for a row): a text beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading apostrophe ``'``, the prefix a person types
  in a spreadsheet to keep a text from being a formula. So that the rule can be undone exactly, a
  text whose leading apostrophes come before one of these characters gets one more (``'=1`` is
  written ``''=1``). Numbers, dates and every other text are written as they are. :func:`unquote`
  is the inverse, for the importers reading such a CSV back: it takes off exactly one leading
  apostrophe before those characters (``'-1号楼`` reads ``-1号楼``; ``'0313…`` stays as it is).
* **xlsx** — :func:`write_cells`: text is always a string cell (``write_string``), never a formula,
  a link or a number, and gets no apostrophe (a string cell is text whatever it begins with);
  numbers are number cells, booleans boolean cells, ``None`` an empty cell. Workbooks are opened
  with :data:`WORKBOOK_OPTIONS`, which turn off xlsxwriter's ``strings_to_formulas``,
  ``strings_to_urls`` and ``strings_to_numbers`` for any other write.
* **XML** (GraphML, GEXF) — :func:`xml_text`: a character XML 1.0 cannot hold (the C0 controls but
  tab, line feed and carriage return; U+FFFE, U+FFFF; a lone surrogate) becomes U+FFFD, the
  replacement character "�". Everything else — ``<&>"'``, bidirectional controls, any other
  character — is kept, escaped by the XML writer as needed. :func:`unicode_text` does the same for
  lone surrogates only, for JSON (which escapes controls itself).

>>> safe_cell("=cmd|' /C notepad'!A1")
"'=cmd|' /C notepad'!A1"
>>> safe_cell("-1号楼"), safe_cell("幸福社区"), safe_cell(-3), safe_cell("'=1")
("'-1号楼", '幸福社区', -3, "''=1")
>>> unquote("'-1号楼"), unquote("''=1"), unquote("'0313"), unquote("-2")
('-1号楼', "'=1", "'0313", '-2')
>>> safe_row(["@SUM(A1)", None, 3])
["'@SUM(A1)", '', 3]
>>> xml_text("王\\x01芳\\ufffe")
'王�芳�'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, TypeVar

__all__ = [
    "FORMULA_STARTS",
    "WORKBOOK_OPTIONS",
    "safe_cell",
    "safe_row",
    "unicode_text",
    "unquote",
    "write_cells",
    "xml_text",
]

T = TypeVar("T")

#: The first characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_STARTS = frozenset("=+-@\t\r")
#: The options every workbook is opened with: text stays text whichever write method is called.
WORKBOOK_OPTIONS: dict[str, bool] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_REPLACEMENT = "\ufffd"


def _formula_like(text: str) -> bool:
    """Whether ``text``, its leading apostrophes aside, begins with a character of :data:`FORMULA_STARTS`."""
    return text.lstrip("'")[:1] in FORMULA_STARTS if text else False


def safe_cell(value: T) -> T:
    """``value`` as a CSV cell: a text a spreadsheet would run as a formula with a leading ``'``;
    anything else unchanged."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value  # type: ignore[return-value]
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row: every cell through :func:`safe_cell`, ``None`` as empty text."""
    return ["" if value is None else safe_cell(value) for value in values]


def unquote(text: str) -> str:
    """The inverse of :func:`safe_cell` for a CSV cell read back: one leading ``'`` taken off when
    what follows (its further apostrophes aside) begins with ``=``, ``+``, ``-``, ``@``, tab or CR."""
    if text[:1] == "'" and _formula_like(text[1:]):
        return text[1:]
    return text


def write_cells(sheet: Any, row: int, col: int, values: Iterable[Any], cell_format: Any = None) -> None:
    """Write ``values`` into ``sheet`` (an xlsxwriter worksheet) from (``row``, ``col``) rightwards:
    text as string cells (never a formula), numbers as numbers, ``None`` and ``""`` as empty cells."""
    for j, value in enumerate(values, start=col):
        if value is None or (value.__class__ is str and not value):
            if cell_format is not None:
                sheet.write_blank(row, j, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, j, value, cell_format)
        elif isinstance(value, int | float) and math.isfinite(value):
            sheet.write_number(row, j, value, cell_format)
        else:
            sheet.write_string(row, j, str(value), cell_format)


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return text if text.isprintable() else _NOT_XML.sub(_REPLACEMENT, text)


def unicode_text(text: str) -> str:
    """``text`` with every lone surrogate (no character, not encodable as UTF-8) replaced by U+FFFD."""
    return text if text.isprintable() else _LONE_SURROGATE.sub(_REPLACEMENT, text)
