"""Where an issue starts (事发地): a household code (户编码), a household node id, or an address (地址).

Addresses are read by :mod:`orggraph.addresses` (the forms the importers accept too):
``幸福里小区3号楼2单元501室``, ``幸福里小区3栋2单元501``, ``幸福里小区 3-2-501``,
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

from collections.abc import Mapping
from typing import Any

from orggraph.addresses import BUILDING_SUFFIX, ENTRANCE_SUFFIX, FORMS, FORMS_ZH, ROOM_SUFFIX, label, parse_address, stem
from orggraph.addresses import name_key as _key
from orggraph.errors import InvalidValueError, NotFoundError
from orggraph.store.view import DayView

Address = tuple[str, str, str, str]


def read_address(text: str) -> Address | None:
    """(compound as written, building, entrance, room) in comparable form, or ``None`` if unreadable."""
    try:
        read = parse_address(text)
    except InvalidValueError:
        return None
    return read.compound, read.building, read.entrance, read.room


def describe(address: Address) -> str:
    """How an address was read: ``小区 …, 楼栋 …, 单元 …, 室 …``."""
    return f"小区 {address[0]}, 楼栋 {address[1]}, 单元 {address[2]}, 室 {address[3]}"


def _compound_catalog(reader: DayView) -> dict[str, dict[str, list[str]]]:
    by_code: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for node, attrs in reader.candidates("compound"):
        by_code.setdefault(_key(node.split(":", 1)[1]).upper(), []).append(node)
        if attrs.get("name"):
            name = _key(str(attrs["name"]))
            by_name.setdefault(name, []).append(node)
            by_stem.setdefault(stem(name), []).append(node)
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


def resolve_address(reader: DayView, text: str, address: Address) -> str:
    """The household id at ``address`` on the reader's day, or a :class:`NotFoundError` saying why not."""
    catalog = reader.memo("address.compounds", lambda: _compound_catalog(reader))
    key = _key(address[0])
    found = catalog["code"].get(key.upper()) or catalog["name"].get(key)
    if not found:
        found = sorted({*catalog["stem"].get(stem(key), ()), *catalog["stem"].get(key, ())})
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
        (address[1], "building", "楼栋", BUILDING_SUFFIX),
        (address[2], "entrance", "单元", ENTRANCE_SUFFIX),
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
            rooms.setdefault(label(str(attrs.get("room") or ""), ROOM_SUFFIX), []).append(household)
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


def resolve_start(reader: DayView, start: str) -> tuple[str, str | None]:
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
