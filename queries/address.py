"""Where an issue starts (事发地): a household code (户编码), a household node id, or an address (地址).

Addresses are read in the forms the importers accept (``importers.addresses``, which queries may not
import): ``幸福里小区3号楼2单元501室``, ``幸福里小区3栋2单元501``, ``幸福里小区 3-2-501``,
``幸福里小区3#2-501``, or a compound code, a space, then ``3-2-501``. The address is resolved by walking
the graph as of the day — compound (小区) by code or name, then building (楼栋), entrance (单元) and
room (室) — and an address that does not resolve is a :class:`~orggraph.errors.NotFoundError` saying
how it was read and which part did not match.

>>> read_address("幸福里小区３号楼２单元５０１室")
('幸福里小区', '3', '2', '501')
>>> read_address("幸福里 3-2-501")
('幸福里', '3', '2', '501')
>>> read_address("三号楼") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.text import to_halfwidth
from queries.escalation_read import Reader

_NUMERALS = "一二三四五六七八九十"
_TOKEN = rf"[0-9A-Za-z{_NUMERALS}]+"
_ADDRESS = re.compile(
    rf"(?P<compound>.+?)\s*(?<![0-9A-Za-z])(?P<building>{_TOKEN})\s*(?:号楼|栋|幢|座|楼|号|#|-)\s*"
    rf"(?P<entrance>{_TOKEN})\s*(?:单元|-)\s*(?P<room>[0-9A-Za-z]+)\s*(?:室|号|户)?"
)
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "−": "-"})
_BUILDING_SUFFIX = re.compile(r"(?:号楼|栋|幢|座|楼|号|#)$")
_ENTRANCE_SUFFIX = re.compile(r"(?:单元|号)$")
_ROOM_SUFFIX = re.compile(r"(?:室|号|户)$")
_COMPOUND_SUFFIXES = ("小区", "花园", "家园", "社区")
FORMS = "幸福里小区3号楼2单元501室, 幸福里小区3栋2单元501, 幸福里小区 3-2-501, 幸福里小区3#2-501, or a compound code then 3-2-501"
FORMS_ZH = "幸福里小区3号楼2单元501室、幸福里小区3栋2单元501、幸福里小区 3-2-501、幸福里小区3#2-501，或小区编码加空格再加 3-2-501"

Address = tuple[str, str, str, str]


def read_address(text: str) -> Address | None:
    """(compound as written, building, entrance, room) in comparable form, or ``None`` if unreadable."""
    written = to_halfwidth(str(text)).translate(_DASHES).strip()
    match = _ADDRESS.fullmatch(written)
    if match is None:
        return None
    compound = match.group("compound").strip().rstrip("-#,;:").removesuffix("第").strip()
    if not compound:
        return None
    return compound, label(match.group("building")), label(match.group("entrance")), label(match.group("room"))


def describe(address: Address) -> str:
    """How an address was read: ``小区 …, 楼栋 …, 单元 …, 室 …``."""
    return f"小区 {address[0]}, 楼栋 {address[1]}, 单元 {address[2]}, 室 {address[3]}"


def label(value: str, suffix: re.Pattern[str] | None = None) -> str:
    """A building, entrance or room label in comparable form: ``"03号楼"`` → ``"3"``, ``"a座"`` → ``"A"``."""
    text = "".join(to_halfwidth(str(value)).split()).translate(_DASHES)
    if suffix is not None:
        text = suffix.sub("", text.removeprefix("第")) or text
    text = text.upper()
    if text and all(char in _NUMERALS for char in text):
        text = _chinese_number(text)
    if text.isascii() and text.isdigit():
        text = text.lstrip("0") or "0"
    return text


def _chinese_number(text: str) -> str:
    """``三`` → ``3``, ``十二`` → ``12``, ``二十一`` → ``21`` (1–99); other forms are left as they are."""
    digits = {char: index + 1 for index, char in enumerate(_NUMERALS[:9])}
    if text in digits:
        return str(digits[text])
    tens, ten, ones = text.partition("十")
    if ten and len(tens) <= 1 and len(ones) <= 1 and all(char in digits for char in tens + ones):
        return str((digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0))
    return text


def _key(name: str) -> str:
    return "".join(to_halfwidth(name).split())


def _stem(name: str) -> str:
    for suffix in _COMPOUND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _compound_catalog(reader: Reader) -> dict[str, dict[str, list[str]]]:
    by_code: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for node, attrs in reader.candidates("compound"):
        by_code.setdefault(_key(node.split(":", 1)[1]).upper(), []).append(node)
        if attrs.get("name"):
            name = _key(str(attrs["name"]))
            by_name.setdefault(name, []).append(node)
            by_stem.setdefault(_stem(name), []).append(node)
    return {"code": by_code, "name": by_name, "stem": by_stem}


def _name(node: str, attrs: Mapping[str, Any] | None) -> str:
    return str((attrs or {}).get("name") or node.rsplit("/", 1)[-1].split(":", 1)[-1])


def _not_found(text: str, address: Address, reason: str, reason_zh: str) -> NotFoundError:
    read = describe(address)
    return NotFoundError(
        f"address {text!r} read as {read}: {reason}",
        message_zh=f"地址“{text}”读作 {read}：{reason_zh}",
        value=text,
        read_as=read,
    )


def resolve_address(reader: Reader, text: str, address: Address) -> str:
    """The household id at ``address`` on the reader's day, or a :class:`NotFoundError` saying why not."""
    catalog = reader.memo("address.compounds", lambda: _compound_catalog(reader))
    key = _key(address[0])
    found = catalog["code"].get(key.upper()) or catalog["name"].get(key)
    if not found:
        found = sorted({*catalog["stem"].get(_stem(key), ()), *catalog["stem"].get(key, ())})
    live = [c for c in dict.fromkeys(found) if reader.node(c) is not None]
    if not live:
        raise _not_found(
            text, address, f"there is no compound with code or name {address[0]!r}", f"没有编码或名称为“{address[0]}”的小区"
        )
    if len(live) > 1:
        listed = ", ".join(f"{_name(c, reader.node(c))} ({c.split(':', 1)[1]})" for c in live)
        raise _not_found(
            text,
            address,
            f"the compound name {address[0]!r} fits several compounds ({listed}); give the compound code",
            f"小区名称“{address[0]}”对应多个小区（{listed}）；请填写小区编码",
        )
    compound = live[0]
    title = _name(compound, reader.node(compound))
    node = compound
    for part, what, what_zh, suffix in (
        (address[1], "building", "楼栋", _BUILDING_SUFFIX),
        (address[2], "entrance", "单元", _ENTRANCE_SUFFIX),
    ):
        children = {label(_name(c, reader.node(c)), suffix): c for c in reader.into(node, "PART_OF")}
        child = children.get(part)
        if child is None:
            known = ", ".join(sorted(children, key=lambda t: (len(t), t))[:12]) or "none"
            raise _not_found(
                text,
                address,
                f"compound {title} has no {what} {part!r} there (known: {known})",
                f"小区 {title} 在该处没有{what_zh}“{part}”",
            )
        node = child
    rooms: dict[str, list[str]] = {}
    for household in reader.into(node, "PART_OF"):
        attrs = reader.node(household)
        if attrs is not None and attrs.get("kind") == "household":
            rooms.setdefault(label(str(attrs.get("room") or ""), _ROOM_SUFFIX), []).append(household)
    households = rooms.get(address[3])
    if not households:
        known = ", ".join(sorted(rooms, key=lambda t: (len(t), t))[:12]) or "none"
        raise _not_found(
            text,
            address,
            f"compound {title} has no room {address[3]!r} there (known: {known})",
            f"小区 {title} 在该处没有室“{address[3]}”",
        )
    if len(households) > 1:
        raise _not_found(
            text,
            address,
            f"{len(households)} households are at this address; give the household code",
            f"该地址有{len(households)}户；请填写户编码",
        )
    return households[0]


def resolve_start(reader: Reader, start: str) -> tuple[str, str | None]:
    """The household a start names — node id, household code or address — and how an address was read.

    Raises
    ------
    NotFoundError
        No such household on the reader's day; an address naming no household (saying how it was
        read and which part did not match); or text that is neither.
    """
    text = str(start).strip()
    for candidate in (text, f"household:{text}"):
        attrs = reader.node(candidate)
        if attrs is not None and attrs.get("kind") == "household":
            return candidate, None
    address = read_address(text)
    if address is None:
        raise NotFoundError(
            f"{text!r} is neither a household (户编码 or node id) on {reader.day} nor an address written like {FORMS}",
            message_zh=f"“{text}”既不是{reader.day}存在的住户（户编码或节点编号），也不是可读的地址；地址请写成：{FORMS_ZH}",
            value=text,
        )
    return resolve_address(reader, text, address), describe(address)
