"""Addresses (地址) as residents and clerks write them: 小区 + 楼栋 + 单元 + 室, read into parts.

Shared by the importers (a member's 居住地址 resolved to a household) and the queries (an issue
reported at an address); each resolves the parts against the graph its own way.

>>> address = parse_address("幸福里小区３号楼２单元５０１室")
>>> address.describe()
'小区 幸福里小区, 楼栋 3, 单元 2, 室 501'
>>> label("03号楼", BUILDING_SUFFIX), chinese_number("二十一")
('3', '21')

An address may start with the names of the areas around the compound — the community (社区), the
street (街道), the district (区) — as people write it: ``幸福社区幸福里小区3号楼2单元501室``.
:func:`peel_area_names` takes known names off the front of the compound as read:

>>> peel_area_names("新华街道幸福社区幸福里小区", {"新华街道": "S1", "幸福社区": "C1"})
(['S1', 'C1'], '幸福里小区')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from orggraph.errors import InvalidValueError
from orggraph.text import to_halfwidth

V = TypeVar("V")

__all__ = [
    "BUILDING_SUFFIX",
    "COMPOUND_SUFFIXES",
    "ENTRANCE_SUFFIX",
    "FORMS",
    "FORMS_ZH",
    "ROOM_SUFFIX",
    "Address",
    "area_marker",
    "chinese_number",
    "label",
    "name_key",
    "parse_address",
    "peel_area_names",
    "stem",
]

_NUMERALS = "一二三四五六七八九十"
_TOKEN = rf"[0-9A-Za-z{_NUMERALS}]+"
_ADDRESS = re.compile(
    rf"(?P<compound>.+?)\s*(?<![0-9A-Za-z])(?P<building>{_TOKEN})\s*(?:号楼|栋|幢|座|楼|号|#|-)\s*"
    rf"(?P<entrance>{_TOKEN})\s*(?:单元|-)\s*(?P<room>[0-9A-Za-z]+)\s*(?:室|号|户)?"
)
#: What ends the name of an area above a compound (社区, 街道 …), to tell an unknown one by: ``光明社区``.
_AREA_MARKER = re.compile(r"(.+?(?:社区|街道|街办|镇|乡|村|居委会))[-,，、/]*(.+)")
_LEADING_MARKS = "-,，、/"
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "−": "-"})
BUILDING_SUFFIX = re.compile(r"(?:号楼|栋|幢|座|楼|号|#)$")
ENTRANCE_SUFFIX = re.compile(r"(?:单元|号)$")
ROOM_SUFFIX = re.compile(r"(?:室|号|户)$")
COMPOUND_SUFFIXES = ("小区", "花园", "家园", "社区")
FORMS = (
    "幸福里小区3号楼2单元501室, 幸福里小区3栋2单元501, 幸福里小区 3-2-501, 幸福里小区3#2-501, "
    "or a compound code, a space, then 3-2-501"
)
FORMS_ZH = "幸福里小区3号楼2单元501室、幸福里小区3栋2单元501、幸福里小区 3-2-501、幸福里小区3#2-501，或小区编码加空格再加 3-2-501"


@dataclass(frozen=True)
class Address:
    """An address as read (地址): the compound (小区) as written, and normalised building (楼栋),
    entrance (单元) and room (室) labels — digits without leading zeros, letters upper-case,
    without 号楼/栋/幢, 单元 or 室."""

    compound: str
    building: str
    entrance: str
    room: str

    def describe(self) -> str:
        """How the address was read, to show beside an error: ``小区 …, 楼栋 …, 单元 …, 室 …``."""
        return f"小区 {self.compound}, 楼栋 {self.building}, 单元 {self.entrance}, 室 {self.room}"


def parse_address(value: str) -> Address:
    """Read an address (解析地址) written in one of the forms clerks use.

    Understood, with full-width digits and spaces anywhere: ``幸福里小区3号楼2单元501室``,
    ``幸福里小区3栋2单元501``, ``幸福里小区3幢2单元501号``, ``幸福里小区 3-2-501``,
    ``幸福里小区3#2-501``, and a compound code in place of the name (``130705001001X01 3-2-501``;
    a code needs a space before the building number).

    Raises
    ------
    InvalidValueError
        The address is blank or in none of these forms.
    """
    written = to_halfwidth(str(value)).translate(_DASHES).strip() if value is not None else ""
    if not written:
        raise InvalidValueError("the address is empty", message_zh="地址为空", value="")
    match = _ADDRESS.fullmatch(written)
    compound = match.group("compound").strip().rstrip("-#,;:").removesuffix("第").strip() if match else ""
    if match is None or not compound:
        shown = str(value).strip() if value is not None else ""
        raise InvalidValueError(
            f"address {shown!r} cannot be read as compound, building, entrance and room; write it like {FORMS}",
            message_zh=f"无法从地址“{shown}”读出小区、楼栋、单元和室；请写成：{FORMS_ZH}",
            value=shown,
        )
    return Address(
        compound=compound,
        building=label(match.group("building"), None),
        entrance=label(match.group("entrance"), None),
        room=label(match.group("room"), None),
    )


def label(value: str, suffix: re.Pattern[str] | None = None) -> str:
    """A building, entrance or room label in comparable form: ``"03号楼"`` → ``"3"``, ``"a座"`` → ``"A"``."""
    text = "".join(to_halfwidth(str(value)).split()).translate(_DASHES)
    if suffix is not None:
        text = suffix.sub("", text.removeprefix("第")) or text
    text = text.upper()
    if text and all(char in _NUMERALS for char in text):
        text = chinese_number(text)
    if text.isascii() and text.isdigit():
        text = text.lstrip("0") or "0"
    return text


def chinese_number(text: str) -> str:
    """``三`` → ``3``, ``十二`` → ``12``, ``二十一`` → ``21`` (1–99); other forms are left as they are."""
    digits = {char: index + 1 for index, char in enumerate(_NUMERALS[:9])}
    if text in digits:
        return str(digits[text])
    tens, ten, ones = text.partition("十")
    if ten and len(tens) <= 1 and len(ones) <= 1 and all(char in digits for char in tens + ones):
        return str((digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0))
    return text


def name_key(name: str) -> str:
    return "".join(to_halfwidth(name).split())


def stem(name: str) -> str:
    for suffix in COMPOUND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def peel_area_names(compound: str, known: Mapping[str, V]) -> tuple[list[V], str]:
    """The known area names written before a compound's name, outermost first, and what follows them.

    ``known`` maps :func:`name_key` forms of area names (a district's, streets', communities') to what
    stands for them; the longest known name is taken off the front, then the next, while any fits.
    What remains is the compound as written after them (``""`` when the address names no compound).

    >>> peel_area_names("幸福社区 3", {"幸福社区": "C1"})
    (['C1'], '3')
    >>> peel_area_names("幸福里小区", {"幸福社区": "C1"})
    ([], '幸福里小区')
    """
    rest = name_key(compound)
    found: list[V] = []
    while rest:
        size = next((end for end in range(len(rest), 0, -1) if rest[:end] in known), 0)
        if not size:
            break
        found.append(known[rest[:size]])
        rest = rest[size:].lstrip(_LEADING_MARKS)
    return found, rest


def area_marker(compound: str) -> tuple[str, str] | None:
    """An area's name (ending 社区, 街道, 镇, 村 …) written before the compound, and the compound after it:
    how an address naming an area the graph does not know is told from one naming no compound.

    >>> area_marker("光明社区幸福里小区")
    ('光明社区', '幸福里小区')
    >>> area_marker("幸福里小区") is None
    True
    """
    match = _AREA_MARKER.fullmatch(name_key(compound))
    return (match.group(1), match.group(2)) if match else None
