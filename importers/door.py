"""Text at the door: every cell of a roster is checked before any column's validation sees it.

What a spreadsheet or a web page can slip into a cell that a person cannot see is either removed or
refused, the same for every column:

* **removed** — zero-width characters (U+200B ZERO WIDTH SPACE, U+200C, U+200D, U+2060 WORD JOINER),
  the byte-order mark U+FEFF anywhere but the start of a file (two files pasted together leave one at a
  line's start) and the soft hyphen U+00AD: a name with one is the same name without it;
* **refused** — control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F),
  bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they make a name read
  as another, "Trojan Source"), other invisible format characters, unpaired surrogates and
  non-characters (U+FFFE, U+FFFF …), each named by its code point;
* **refused** — a spreadsheet's error value instead of data (``#DIV/0!``, ``#N/A``, ``#REF!``,
  ``#VALUE!``, ``#NAME?``, ``#NUM!``, ``#NULL!``, ``#SPILL!``, ``#CALC!``), from a workbook's error
  cell or typed into a CSV;
* **refused** — a cell longer than its column takes (:func:`limit`): codes, choices, dates, rooms
  and phones 50 characters, a person code 64, names and cells taking a code or a name 100,
  addresses and lists 500.

Line and paragraph separators (U+2028, U+2029) become spaces; tabs and line breaks are left to the
columns (free text collapses them). Messages show the cell cut and with personal data masked.

>>> check("id_number", "11010519491231002X\\u200b")
'11010519491231002X'
>>> try:
...     check("name", "王\\u202e芳")
... except ValueError as error:
...     print(error.message_zh)
单元格第2个字符是不可见的文字方向控制符（U+202E）：它会使文字显示为另一内容，不予接受
"""

from __future__ import annotations

import unicodedata
from typing import Any

from orggraph.errors import InvalidValueError
from orggraph.logs import PiiRedactingFilter

__all__ = ["ERROR_VALUES", "SHORTEST_LIMIT", "check", "limit", "shown_cut"]

#: The error values a spreadsheet shows in a cell whose formula failed.
ERROR_VALUES = frozenset(
    {"#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!"}
)
_REMOVED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SPACES = frozenset("\u2028\u2029")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LIMITS: dict[str, int] = {
    **dict.fromkeys(
        (
            *("id_number", "member_id_number", "phone", "room", "entrance", "gender", "grid_level", "is_central"),
            *("is_party_member", "kind", "level", "post", "rank", "role", "status", "registered_on", "since", "start"),
            *("end", "residents", "service_hours", "area_code", "community_code", "grid_code", "household_code"),
            *("parent_code", "project_code", "org_code"),
        ),
        50,
    ),
    "member_code": 64,  # a person code (人员编号): 64 hex digits
    **dict.fromkeys(("address", "care_tags", "handles", "category", "tasks"), 500),
}
_SHOWN = 40
#: The least of the limits: a printable cell no longer than this needs no look (the common case).
SHORTEST_LIMIT = 50


def limit(field: str) -> int:
    """The most characters a cell of ``field`` may hold: codes and choices 50, a person code 64,
    names — and cells that take a code or a name (工作单位, 所在党组织, 小区) — 100, addresses and lists 500."""
    return _LIMITS.get(field, 100)


def shown_cut(text: str) -> str:
    """``text`` as a message may show it: invisible characters as ``<U+202E>``, cut to 40 characters,
    ID numbers and phones masked."""
    visible = "".join(f"<U+{ord(c):04X}>" if not c.isprintable() and c != " " else c for c in text)
    if len(visible) > _SHOWN:
        visible = visible[:_SHOWN] + "…"
    return PiiRedactingFilter.redact(visible)


def check(field: str, value: Any) -> Any:
    """``value`` as the columns may see it, or :class:`InvalidValueError` saying what and where."""
    if value.__class__ is not str:
        return value
    if not value.isprintable():
        value = _cleaned(value)
    if "#" in value and value.strip() in ERROR_VALUES:
        raise InvalidValueError(
            f"the cell holds the spreadsheet error {value.strip()} instead of a value: fix the formula or type the value",
            message_zh=f"单元格为表格错误值 {value.strip()}，不是数据：请修正公式或填写数值",
            value=value.strip(),
        )
    most = limit(field)
    if len(value) > most:
        raise InvalidValueError(
            f"the cell is {len(value)} characters long; this column takes at most {most}",
            message_zh=f"单元格长度为{len(value)}个字符，此列最多{most}个",
            value=shown_cut(value),
        )
    return value


def _cleaned(value: str) -> str:
    kept: list[str] = []
    for position, char in enumerate(value, 1):
        if char.isprintable() or char in _ALLOWED_CONTROLS:
            kept.append(char)
            continue
        if char in _REMOVED:
            continue
        if char in _SPACES:
            kept.append(" ")
            continue
        category = unicodedata.category(char)
        if category == "Zs" or category == "Co":  # other spaces (U+3000 …); private use (rare characters of old GBK fonts)
            kept.append(char)
            continue
        what, what_zh, why, why_zh = _refused(char, category)
        raise InvalidValueError(
            f"the cell holds {what} (U+{ord(char):04X}) at character {position}: refused, {why}",
            message_zh=f"单元格第{position}个字符是{what_zh}（U+{ord(char):04X}）：{why_zh}，不予接受",
            value=shown_cut(value),
        )
    return "".join(kept)


def _refused(char: str, category: str) -> tuple[str, str, str, str]:
    if char in _BIDI:
        return (
            "an invisible bidirectional control",
            "不可见的文字方向控制符",
            "since it makes a text read as another",
            "它会使文字显示为另一内容",
        )
    if category == "Cc":
        return "a control character", "控制字符", "since no roster text holds one", "名册文本不应含有控制字符"
    if category == "Cs":
        return "half of a surrogate pair", "不成对的代理字符", "since it is no character", "它不是有效字符"
    if category == "Cn":
        return "no character of Unicode", "非Unicode字符", "since it is no character", "它不是有效字符"
    return "an invisible format character", "不可见的格式字符", "since it cannot be seen", "它无法被看见"
