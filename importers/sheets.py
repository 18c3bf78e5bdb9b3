"""Sheets as offices leave them: merged cells filled down, and the footer rows below a roster taken out.

A worksheet exported from an office system merges a 街道 or 小区 column over the rows it applies to,
and a roster ends with a footer (表尾): who made and checked the table and when (制表人、审核人、
填表日期), the reporting unit (填报单位), notes (备注) and a total row (合计). :func:`fill_merged`
gives every row of a vertically merged range its value; :func:`drop_footer` takes the footer out of
the rows and says which rows it took, in English and Chinese.

>>> rows = [(1, ["姓名", "人数"]), (2, ["张三", "1"]), (3, ["合计", "1"]), (5, ["制表人：李四", None, "审核人：王五"])]
>>> kept, skipped = drop_footer(rows)
>>> kept
[(1, ['姓名', '人数']), (2, ['张三', '1'])]
>>> [(number, english) for number, english, _ in skipped]
[(3, 'total row skipped: 合计 1'), (5, 'footer row skipped: 制表人：李四 审核人：王五')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from orggraph.text import to_halfwidth

__all__ = ["MergedRange", "drop_footer", "fill_merged"]

#: A merged range as python-calamine gives it: ``((first row, first column), (last row, last column))``,
#: zero-based and inclusive.
MergedRange = tuple[tuple[int, int], tuple[int, int]]
Row = tuple[int, list[Any]]

#: How many characters of a skipped row are shown in its note.
SHOWN_CHARS = 40

_TOTAL_WORDS = ("合计", "总计", "小计", "共计")
_TOTAL_STARTS = frozenset(word[0] for word in _TOTAL_WORDS)
# A total row's first cell: the word alone, or with a unit in brackets, a colon or a figure after it
# (合计、合计（人）、合计：35人、总计35) — never a longer name that begins with it (合计村).
_TOTAL = re.compile(r"(?:合计|总计|小计|共计)(?:\([^()]*\))?(?:[:：].*|\d.*)?", re.DOTALL)
# A footer row's first cell: a label alone (its value in the next cell) or followed by a colon.
_FOOTER_LABEL = re.compile(
    r"(?:制表|制表人|制表单位|制表日期|审核|审核人|审批人|复核人|填表人|填表日期|填报人|填报日期|填报单位|"
    r"报送单位|报送日期|统计人|经办人|负责人|单位负责人|主要负责人|联系人|联系电话|备注|说明|填表说明|"
    r"注\d*|日期|单位盖章|盖章)(?:[:：].*)?",
    re.DOTALL,
)
# A row that belongs to a footer only beside a labelled one: a date or a stamp alone under the signatures.
_FOOTER_FILLER = re.compile(r"\d{4}(?:年\d{1,2}月\d{1,2}日?|[-/.]\d{1,2}[-/.]\d{1,2})|.*(?:盖章|公章|签字|签名).*")
_NOISE = re.compile(r"[\s()（）【】\[\]]+")
_SPACES = re.compile(r"\s+")


def fill_merged(grid: list[list[Any]], ranges: Iterable[MergedRange]) -> None:
    """Give every cell of a vertically merged range its top-left value, in place (合并单元格).

    ``grid`` holds a worksheet's cells from A1, blanks as ``None``. A range over one row only (a
    title merged across the columns) is left as it is: its text stays in its first cell. A range over
    several rows fills each of its rows that has a value of its own outside the range, and leaves
    blank the rows that would hold nothing else (a title merged over two rows stays one cell's text;
    a street merged past the last household adds no rows).

    >>> grid = [["街道", "户编码"], ["新华街道", "H1"], [None, "H2"], [None, None]]
    >>> fill_merged(grid, [((1, 0), (3, 0))])
    >>> grid
    [['街道', '户编码'], ['新华街道', 'H1'], ['新华街道', 'H2'], [None, None]]
    """
    height = len(grid)
    spans = [(r0, c0, min(r1, height - 1), c1) for (r0, c0), (r1, c1) in ranges if r0 < r1 and 0 <= r0 < height]
    if not spans:
        return
    # Which columns hold a value of the row's own, taken before any range is filled (ranges never overlap).
    bounds = {row: _bounds(grid[row]) for r0, _, r1, _ in spans for row in range(r0, r1 + 1)}
    for r0, c0, r1, c1 in spans:
        top = grid[r0]
        value = top[c0] if c0 < len(top) else None
        if value is None:
            continue
        for row in range(r0, r1 + 1):
            own = bounds[row]
            if own is None or (c0 <= own[0] and own[1] <= c1):
                continue  # blank but for this range
            cells = grid[row]
            for column in range(c0, min(c1, len(cells) - 1) + 1):
                cells[column] = value


def _bounds(cells: Sequence[Any]) -> tuple[int, int] | None:
    """The first and last column holding a value, or ``None`` for a blank row."""
    filled = [index for index, cell in enumerate(cells) if cell is not None]
    return (filled[0], filled[-1]) if filled else None


def drop_footer(rows: list[Row]) -> tuple[list[Row], list[tuple[int, str, str]]]:
    """The rows without a roster's footer, and a note for each row taken out (表尾行).

    Taken out: the trailing block of rows that are all footer rows — a first non-empty cell that is a
    footer label (制表人、审核人、填表日期、填报单位、负责人、联系人、备注 …) alone or followed by a
    colon, or a total word (合计、总计、小计、共计) alone or followed by a colon or a figure, or a
    date or a stamp alone below such a row — and, anywhere after the first row, a row whose first
    non-empty cell is a total word. The first row (a title or the header) is always kept; a row whose
    first cell only begins with one of the words (合计村) is data and is kept.

    Returns
    -------
    (list of rows, list of (int, str, str))
        The rows kept, and ``(row number, reason in English, reason in Chinese)`` per row taken out,
        the reason showing the row's first :data:`SHOWN_CHARS` characters.
    """
    if len(rows) < 2:
        return rows, []
    start = len(rows)
    while start > 1 and _footer_kind(rows[start - 1][1]) is not None:
        start -= 1
    while start < len(rows) and _footer_kind(rows[start][1]) == "filler":
        start += 1  # a date or a stamp is a footer's only below a labelled row
    starts, str_ = _TOTAL_STARTS, str
    # the common case costs a look at each row's first cell: rows that may be totals, found in one pass
    suspects = [
        index
        for index, (_, cells) in enumerate(rows[1:start], start=1)
        if (first := cells[0] if cells[0] is not None else _first(cells)).__class__ is str_
        and (first[:1] in starts or first[:1].isspace())
        and _is_total(cells)
    ]
    if not suspects and start == len(rows):
        return rows, []
    gone = set(suspects) | set(range(start, len(rows)))
    skipped: list[tuple[int, str, str]] = []
    for index in sorted(gone):
        number, cells = rows[index]
        kind = "total" if index < start else _footer_kind(cells)
        shown = _shown(cells)
        if kind == "total":
            skipped.append((number, f"total row skipped: {shown}", f"已跳过合计行：{shown}"))
        else:
            skipped.append((number, f"footer row skipped: {shown}", f"已跳过表尾行：{shown}"))
    return [row for index, row in enumerate(rows) if index not in gone], skipped


def _first(cells: Sequence[Any]) -> Any:
    for cell in cells:
        if cell is not None:
            return cell
    return None


def _is_total(cells: Sequence[Any]) -> bool:
    first = _first(cells)
    if first.__class__ is not str or first.lstrip()[:1] not in _TOTAL_STARTS:
        return False  # the common case: one look at the first cell
    return _TOTAL.fullmatch(_SPACES.sub("", to_halfwidth(first))) is not None


def _footer_kind(cells: Sequence[Any]) -> str | None:
    """``"total"``, ``"label"`` or ``"filler"`` for a row that may be part of a footer, else ``None``."""
    first = _first(cells)
    if isinstance(first, dt.date):
        return "filler" if sum(cell is not None for cell in cells) == 1 else None
    if not isinstance(first, str):
        return None
    if _is_total(cells):
        return "total"
    key = _NOISE.sub("", to_halfwidth(first))
    if _FOOTER_LABEL.fullmatch(key):
        return "label"
    if sum(cell is not None for cell in cells) == 1 and _FOOTER_FILLER.fullmatch(key):
        return "filler"
    return None


def _shown(cells: Sequence[Any]) -> str:
    """The row's cells as one line of text, cut to :data:`SHOWN_CHARS` characters."""
    text = " ".join(" ".join(_text(cell).split()) for cell in cells if cell is not None)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]} …"


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)
