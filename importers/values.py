"""Cell values of a roster normalised to the forms the graph keeps, or coded errors in two languages.

Every function takes one cell as the reader gave it (``str`` from a CSV; ``str``, ``int``,
``float``, ``bool`` or a date from a workbook) and returns the normalised value or raises an
:class:`~orggraph.errors.InvalidValueError` (or a subclass) whose ``message`` and ``message_zh``
tell the roster keeper what is wrong and how to fix it. Whole ID numbers and phone numbers never
appear in a message, only their masked forms. The functions run once per cell of files with
hundreds of thousands of rows, so each has a fast path for the clean common case.

>>> code(130705001.0), code("０１３０７"), date("2021年3月1日"), date(44256)
('130705001', '01307', '2021-03-01', '2021-03-01')
>>> yes_no("是"), integer("３"), [tag.zh for tag in care_tags("独居老人、残疾人")]
(True, 3, ['独居老人', '残疾人'])
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar, cast

from orggraph.codes import looks_like_credit_code, uscc_check_char
from orggraph.errors import InvalidCodeError, InvalidIdNumberError, InvalidPhoneError, InvalidValueError
from orggraph.model.enums import CareTag, ZhEnum
from orggraph.pii import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from orggraph.text import to_halfwidth

__all__ = [
    "care_tags",
    "choice",
    "code",
    "credit_or_unit_code",
    "date",
    "decimal",
    "id_number",
    "integer",
    "is_blank",
    "members",
    "phone",
    "split_list",
    "text",
    "yes_no",
]

E = TypeVar("E", bound=ZhEnum)

#: Excel's day 0 (serial numbers count days from here; the 1900 leap-day bug is not corrected).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: The largest Excel serial date, 9999-12-31.
EXCEL_MAX_SERIAL = 2958465
#: The first and the last day a roster's date may be (ISO strings compare as the days do).
DATE_MIN, DATE_MAX = "1900-01-01", "2100-12-31"
_DATE_FORMS = "2021-03-01, 2021/3/1, 2021.3.1, 2021年3月1日, 20210301 or an Excel date"
_DATE_FORMS_ZH = "2021-03-01、2021/3/1、2021.3.1、2021年3月1日、20210301 或 Excel 日期"

_WIDE = re.compile("[\u3000\uff01-\uff5e]")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_TRAILING_ZERO = re.compile(r"(\d+)\.0+")
_ISO_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_TAG_SEPARATORS = re.compile(r"[、;；,，/\s]+")
_LIST_SEPARATORS = re.compile(r"[、;；,，\r\n]+")
_YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "1.0"})
_NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "0.0"})
#: The words a yes/no cell is written with: the drop-down list of a template (:mod:`importers.template`).
YES_NO = ("是", "否")


def is_blank(value: Any) -> bool:
    """Whether a cell is empty (空): ``None``, or a string of nothing but whitespace."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _fold(value: str) -> str:
    """Full-width forms folded, outer whitespace stripped (the common case costs one strip)."""
    if value.isascii() or not _WIDE.search(value):
        return value.strip()
    return to_halfwidth(value).strip()


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _empty(what: str, what_zh: str, cls: type[InvalidValueError] = InvalidValueError) -> InvalidValueError:
    return cls(f"the {what} is empty", message_zh=f"{what_zh}为空", value="")


def text(value: Any) -> str | None:
    """Free text (文本): full-width ASCII folded, whitespace trimmed and collapsed; blank gives ``None``.

    >>> text("  幸福里　　小区（东区） "), text("  ")
    ('幸福里 小区(东区)', None)
    """
    if value is None:
        return None
    if value.__class__ is str:
        if not value.isascii() and _WIDE.search(value):
            value = to_halfwidth(value)
        if value.isprintable() and "  " not in value and value == value.strip():
            return value or None  # the common clean case
        return " ".join(value.split()) or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) or None


def _digits_lost(shown: str) -> InvalidCodeError:
    return InvalidCodeError(
        f"{shown!r} is in scientific notation: Excel has lost the code's last digits; format the column "
        "as text and export the roster again",
        message_zh=f"“{shown}”是科学计数法，Excel 已丢失编码的末尾数字；请将该列设置为文本格式后重新导出",
        value=shown,
    )


def _code_text(value: Any, mask: Callable[[str], str] | None = None) -> str:
    """A code cell as text, before any shape check: ``mask`` hides personal data in messages."""
    show: Callable[[Any], str] = mask or _shown
    if value.__class__ is str:
        result = _fold(value)
        if not result:
            raise _empty("code", "编码", InvalidCodeError)
        if result.isdigit() and result.isascii():
            return result  # the common clean case
        if "." in result:
            match = _TRAILING_ZERO.fullmatch(result)
            if match:
                return match.group(1)
        if ("e" in result or "E" in result) and _SCIENTIFIC.fullmatch(result):
            raise _digits_lost(show(result))
        return " ".join(result.split())
    if value is None:
        raise _empty("code", "编码", InvalidCodeError)
    if isinstance(value, bool):
        raise InvalidCodeError(
            f"{value!r} is a yes/no value, not a code", message_zh=f"“{value}”是逻辑值，不是编码", value=repr(value)
        )
    if isinstance(value, int):
        if value < 0:
            raise InvalidCodeError(f"{value} is negative, not a code", message_zh=f"{value}是负数，不是编码")
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value >= 1e15:
            raise _digits_lost(show(f"{value:.6E}"))
        if math.isfinite(value) and value >= 0 and value.is_integer():
            return str(int(value))
        raise InvalidCodeError(
            f"{show(repr(value))} is not a code (a code is digits and letters, stored as text)",
            message_zh=f"“{show(repr(value))}”不是编码（编码由数字和字母组成，应为文本格式）",
            value=show(repr(value)),
        )
    if isinstance(value, dt.date):
        raise InvalidCodeError(
            f"{value.isoformat()!r} is a date: Excel has turned the code into a date; format the column as text "
            "and export the roster again",
            message_zh=f"“{value.isoformat()}”是日期，Excel 把编码转成了日期；请将该列设置为文本格式后重新导出",
            value=value.isoformat(),
        )
    return code(str(value))


def code(value: Any) -> str:
    """A code (编码: 区域编码, 组织编码, 户编码 …) as text, leading zeros kept.

    An integral number gives its digits (``130705001.0`` → ``'130705001'``), as does a string
    ending in ``.0``. A number of 16 digits or more, or scientific notation (``1.30705E+17``),
    has lost digits in Excel: :class:`InvalidCodeError` asks for the column to be formatted as
    text (设置为文本格式) and the roster re-exported.
    """
    return _code_text(value)


def person_code(value: Any) -> str:
    """A person's code in the store (人员编号): the 64 hex digits of the keyed hash of the ID number,
    which a roster may carry instead of the whole number (a proposal's roster for a planner does).

    >>> person_code(" " + "AB" * 32)[:6]
    'ababab'
    """
    text = _code_text(value).strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InvalidCodeError(
            f"{text[:16]!r}… is not a person code: 64 hex digits, as a proposal's roster carries them",
            message_zh="人员编号应为64位十六进制字符（与补齐建议名册中的一致）",
            value=text[:16],
        )
    return text


def credit_or_unit_code(value: Any) -> str:
    """A work unit's code: a unified social credit code (统一社会信用代码, check character verified)
    or the district's own unit code (单位编码), which passes as a plain :func:`code`."""
    result = _code_text(value)
    compact = result.replace(" ", "").upper()
    if looks_like_credit_code(compact):
        expected = uscc_check_char(compact[:17])
        if compact[17] != expected:
            raise InvalidCodeError(
                f"credit code {compact!r} fails its GB 32100 check: the last character should be {expected!r}",
                message_zh=f"统一社会信用代码 {compact} 校验位错误（GB 32100），末位应为 {expected}",
                value=compact,
            )
        return compact
    return result


def id_number(value: Any) -> str:
    """A personal ID number (公民身份号码), verified per GB 11643; messages show it masked only."""
    if value.__class__ is str and len(value) == 18 and value.isascii() and value[:17].isdigit():
        return normalize_id_number(value)  # the common clean case
    if is_blank(value):
        raise _empty("ID number", "公民身份号码", InvalidIdNumberError)
    return normalize_id_number(_code_text(value, mask_id_number))


def phone(value: Any) -> str:
    """A phone number (联系电话) as people write it (:func:`orggraph.pii.normalize_phone`): a mobile's 11
    digits, a landline as ``0AAA-NNNNNNN`` (``-EEEE`` for an extension)."""
    if value.__class__ is str and len(value) == 11 and value.isdigit():
        return normalize_phone(value)
    if is_blank(value):
        raise _empty("phone", "联系电话", InvalidPhoneError)
    try:
        return normalize_phone(_code_text(value, mask_phone))
    except InvalidPhoneError as exc:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise InvalidPhoneError(
                f"{exc.message}; the cell is a number, so a landline's leading 0 may be lost: format the column as text",
                message_zh=f"{exc.message_zh}；该单元格是数字，固定电话的区号首位0可能已丢失：请设置为文本格式",
                **exc.context,
            ) from exc
        raise


def _invalid(value: Any, what: str, what_zh: str, forms: str, forms_zh: str) -> InvalidValueError:
    shown = _shown(value)
    return InvalidValueError(
        f"{shown!r} is not a {what}; use {forms}",
        message_zh=f"“{shown}”不是有效的{what_zh}；应为{forms_zh}",
        value=shown,
    )


def date(value: Any) -> str:
    """A date as ISO ``YYYY-MM-DD`` (日期), from 1900-01-01 to 2100-12-31.

    Accepted: ``2021-03-01``, ``2021/3/1``, ``2021.3.1`` (a time of day after it is dropped),
    ``2021年3月1日``, ``20210301``, a ``datetime.date`` or ``datetime``, and an Excel serial
    number from 1 to 2958465 (day 0 is 1899-12-30), as a number or a digit string. A day before
    :data:`DATE_MIN` or after :data:`DATE_MAX` (a mistyped year, ``3021-01-01``) is refused.

    >>> date("2100-12-31")
    '2100-12-31'
    >>> date("3021-01-01")
    Traceback (most recent call last):
    ...
    orggraph.errors.InvalidValueError: 3021-01-01 is outside 1900-01-01 … 2100-12-31, the dates a roster may hold; check the year
    """
    result = _date(value)
    if DATE_MIN <= result <= DATE_MAX:
        return result
    shown = _shown(value)
    given = "" if shown == result else f"{shown!r} is the day "
    given_zh = "" if shown == result else f"“{shown}”即"
    raise InvalidValueError(
        f"{given}{result} is outside {DATE_MIN} … {DATE_MAX}, the dates a roster may hold; check the year",
        message_zh=f"{given_zh}日期 {result} 超出可接受的范围（{DATE_MIN} 至 {DATE_MAX}）；请检查年份",
        value=shown,
    )


def _date(value: Any) -> str:
    """:func:`date` without its range check."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).isoformat()  # the common clean case
        except ValueError:
            pass
    if value is None or isinstance(value, bool):
        raise _invalid(value, "date", "日期", _DATE_FORMS, _DATE_FORMS_ZH)
    if isinstance(value, int | float):
        return _number_date(value, value)
    result = _fold(str(value))
    match = _ISO_DATE.fullmatch(result)
    if match:
        return _ymd(value, match.group(1), match.group(3), match.group(4))
    if result.isascii() and result.isdigit():
        if len(result) == 8:
            return _ymd(value, result[:4], result[4:6], result[6:])
        return _number_date(value, int(result))
    match = _ZH_DATE.fullmatch(result)
    if match:
        return _ymd(value, *match.groups())
    if _TRAILING_ZERO.fullmatch(result) or (result[:1].isdigit() and _NUMBER.fullmatch(result)):
        return _number_date(value, float(result.replace(",", "")))
    raise _invalid(value, "date", "日期", _DATE_FORMS, _DATE_FORMS_ZH)


def _number_date(original: Any, number: float) -> str:
    try:
        number = float(number)
    except OverflowError:
        raise _invalid(original, "date", "日期", _DATE_FORMS, _DATE_FORMS_ZH) from None
    if math.isfinite(number) and 1 <= number <= EXCEL_MAX_SERIAL:
        return (EXCEL_EPOCH + dt.timedelta(days=int(number))).isoformat()
    if math.isfinite(number) and number.is_integer() and 19000101 <= number <= 99991231:
        digits = str(int(number))
        return _ymd(original, digits[:4], digits[4:6], digits[6:])
    raise _invalid(original, "date", "日期", _DATE_FORMS, _DATE_FORMS_ZH)


def _ymd(original: Any, year: str, month: str, day: str) -> str:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        shown = _shown(original)
        raise InvalidValueError(
            f"{shown!r} is not a real date (no such day in the calendar); use {_DATE_FORMS}",
            message_zh=f"“{shown}”不是存在的日期；应为{_DATE_FORMS_ZH}",
            value=shown,
        ) from None


def _number(value: Any, what: str, what_zh: str, forms: str, forms_zh: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int) or math.isfinite(value):
            _in_range(value, value)
            return float(value)
        raise _invalid(value, what, what_zh, forms, forms_zh)
    if is_blank(value):
        raise _empty(what, what_zh)
    if not isinstance(value, str):
        raise _invalid(value, what, what_zh, forms, forms_zh)
    result = _fold(value)
    if _NUMBER.fullmatch(result):
        number = float(result.replace(",", ""))
        _in_range(number, value)
        return number
    raise _invalid(value, what, what_zh, forms, forms_zh)


#: The largest number a roster's cell may hold (counts, hours): what is larger is a typo or an attack,
#: and would not fit the exports (JSON's safe integers) anyway.
MAX_NUMBER = 1_000_000_000


def _in_range(number: float, value: Any) -> None:
    if not -MAX_NUMBER <= number <= MAX_NUMBER:
        shown = _shown(value)
        shown = shown if len(shown) <= 20 else shown[:20] + "…"
        raise InvalidValueError(
            f"the number {shown} is out of range: a roster's numbers lie between -{MAX_NUMBER:,} and {MAX_NUMBER:,}",
            message_zh=f"数值 {shown} 超出范围：名册中的数值应在 -{MAX_NUMBER:,} 与 {MAX_NUMBER:,} 之间",
            value=shown,
        )


def integer(value: Any) -> int:
    """A whole number (整数) such as 常住人数: ``3``, ``3.0``, ``"3"``, ``"３"``, ``"1,200"``; at most
    :data:`MAX_NUMBER` either way."""
    if value.__class__ is int:
        _in_range(value, value)
        return int(value)
    if value.__class__ is str and value.isdigit() and value.isascii() and len(value) < 10:
        return int(value)
    number = _number(value, "whole number", "整数", "digits such as 3", "数字，如 3")
    if not number.is_integer():
        raise _invalid(value, "whole number", "整数", "digits such as 3", "数字，如 3")
    return int(number)


def decimal(value: Any) -> float:
    """A number that may have a fraction (小数), such as service hours (服务时长): ``2.5``, ``"2.5小时"``."""
    if isinstance(value, str):
        folded = _fold(value)
        for unit in ("小时", "h", "H"):
            if folded.endswith(unit) and folded[: -len(unit)].strip():
                value = folded[: -len(unit)].strip()
                break
    return _number(value, "number", "数值", "a number such as 2.5", "数字，如 2.5")


def yes_no(value: Any) -> bool:
    """A yes/no cell (是/否): 是/否, Y/N, yes/no, true/false, 1/0, √/×."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = _fold(str(value)).lower() if value is not None else ""
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise _invalid(value, "yes/no value", "是/否值", "是/否 (Y/N, 1/0, √/×)", "是/否（Y/N、1/0、√/×）")


def members(enum_cls: type[E], value: Any) -> list[E]:
    """The members of an enumeration one cell names (多选), split on 、 ; ； , ， / or spaces, each once in
    the order given, each in Chinese, English or another word rosters use; blank gives ``[]``.

    >>> [tag.zh for tag in members(CareTag, "独居老人、 disabled；独居老人")]
    ['独居老人', '残疾人']
    """
    if is_blank(value):
        return []
    return cast(list[E], list(_members(enum_cls, str(value))))


@lru_cache(maxsize=1024)
def _members(enum_cls: type[ZhEnum], value: str) -> tuple[ZhEnum, ...]:
    found: dict[ZhEnum, None] = {}
    for part in _TAG_SEPARATORS.split(to_halfwidth(value)):
        if part:
            found[enum_cls.parse(part)] = None
    return tuple(found)


def care_tags(value: Any) -> list[CareTag]:
    """Care tags (关爱标签), each one of :class:`CareTag`: :func:`members` of it."""
    return members(CareTag, value)


def split_list(value: Any) -> list[str]:
    """A list cell (列表), e.g. the issue categories a department handles (承办事项类别), split on
    、 ; ； , ， or line breaks (not on spaces), each item as :func:`text`; blank gives ``[]``.

    >>> split_list("市容环境、 物业管理；；供水")
    ['市容环境', '物业管理', '供水']
    """
    if is_blank(value):
        return []
    items = (text(part) for part in _LIST_SEPARATORS.split(to_halfwidth(str(value))))
    return list(dict.fromkeys(item for item in items if item))


def choice(enum_cls: type[E], value: Any) -> E:
    """One member of a :class:`~orggraph.model.enums.ZhEnum`, named in Chinese or English (选项)."""
    if is_blank(value):
        choices = "/".join(member.zh for member in enum_cls)
        raise InvalidValueError(
            f"the value is empty; use one of {', '.join(member.value for member in enum_cls)} ({choices})",
            message_zh=f"取值为空；应为以下之一：{choices}",
            value="",
        )
    key = value if isinstance(value, str) else str(value)
    member = _CHOICES.get((enum_cls, key))
    if member is None:
        member = enum_cls.parse(key)
        if len(_CHOICES) < 4096:
            _CHOICES[(enum_cls, key)] = member
    return cast(E, member)


_CHOICES: dict[tuple[type[ZhEnum], str], ZhEnum] = {}
