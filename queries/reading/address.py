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

from collections.abc import Iterable, Mapping
from typing import Any

from orggraph.addresses import (
    BUILDING_SUFFIX,
    COMPOUND_SUFFIXES,
    ENTRANCE_SUFFIX,
    FORMS,
    FORMS_ZH,
    ROOM_SUFFIX,
    area_marker,
    label,
    parse_address,
    peel_area_names,
    stem,
)
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


def _listed(reader: DayView, compounds: Iterable[str]) -> str:
    """Compounds as a message names them: ``幸福里小区 (P1), 和平里小区 (P2)``."""
    return ", ".join(f"{_name(c, reader.node(c))} ({c.split(':', 1)[1]})" for c in compounds)


def _not_found(text: str, address: Address, reason: str, reason_zh: str) -> NotFoundError:
    read = describe(address)
    return NotFoundError(
        f"address {text!r} read as {read}: {reason}",
        message_zh=f"地址“{text}”读作 {read}：{reason_zh}",
        value=text,
        read_as=read,
    )


def _area_catalog(reader: DayView) -> dict[str, list[str]]:
    """The district's, streets' and communities' names (:func:`name_key` form) → their nodes."""
    by_name: dict[str, list[str]] = {}
    for kind in ("district", "street", "community"):
        for node, attrs in reader.candidates(kind):
            if attrs.get("name"):
                by_name.setdefault(_key(str(attrs["name"])), []).append(node)
    return by_name


def _inside(reader: DayView, node: str, areas: list[str]) -> bool:
    """Whether ``node`` lies below one of ``areas`` (on the PART_OF chain)."""
    current: str | None = node
    for _ in range(12):
        current = reader.parent(current, "PART_OF")
        if current is None:
            return False
        if current in areas:
            return True
    return False


def _compounds(reader: DayView, text: str, address: Address) -> tuple[list[str], str | None]:
    """The live compounds the address's compound part names, and the area when it names only an area
    (``幸福社区 3号楼2单元501室``: the compounds are then that area's); raises when it names neither."""
    catalog = reader.memo("address.compounds", lambda: _compound_catalog(reader))
    written = address[0]

    def named(name: str, *, stems: bool = True) -> list[str]:
        key = _key(name)
        found = catalog["code"].get(key.upper()) or catalog["name"].get(key)
        if not found and stems:
            found = sorted({*catalog["stem"].get(stem(key), ()), *catalog["stem"].get(key, ())})
        return [c for c in dict.fromkeys(found or ()) if reader.node(c) is not None]

    # a compound's code or whole name, then the areas' names, then a compound's name without its 小区/花园 …
    peeled, rest = peel_area_names(written, reader.memo("address.areas", lambda: _area_catalog(reader)))
    live = named(written, stems=not peeled)
    if live:
        return live, None
    areas = [[a for a in nodes if reader.node(a) is not None] for nodes in peeled]
    if areas and all(areas):
        where = "".join(_name(nodes[0], reader.node(nodes[0])) for nodes in areas)
        if rest:
            live = [c for c in named(rest) if all(_inside(reader, c, nodes) for nodes in areas)]
            if not live:
                raise _not_found(
                    text, address, f"{where} has no compound with code or name {rest!r}", f"{where}没有编码或名称为“{rest}”的小区"
                )
            return live, None
        inner = areas[-1]
        live = sorted(
            {c for area in inner for c in reader.subtree(area).of_kind("compound") if all(_inside(reader, c, n) for n in areas)}
        )
        if not live:
            raise _not_found(text, address, f"{where} has no compound", f"{where}没有小区")
        return live, inner[0]
    marked = area_marker(written)
    if marked is not None and marked[1] not in COMPOUND_SUFFIXES:
        raise _not_found(
            text,
            address,
            f"there is no community or street named {marked[0]!r} (written before the compound {marked[1]!r})",
            f"没有名为“{marked[0]}”的社区或街道（写在小区“{marked[1]}”之前）",
        )
    if _key(written).endswith(("社区", "街道", "镇", "村")):
        raise _not_found(
            text,
            address,
            f"there is no compound, community or street with code or name {written!r}",
            f"没有编码或名称为“{written}”的小区、社区或街道",
        )
    raise _not_found(text, address, f"there is no compound with code or name {written!r}", f"没有编码或名称为“{written}”的小区")


def resolve_address(reader: DayView, text: str, address: Address) -> str:
    """The household id at ``address`` on the reader's day, or a :class:`NotFoundError` saying why not.

    The compound part may start with the names of its community, street or district
    (``幸福社区幸福里小区``, ``新华街道幸福社区幸福里小区``): the compound is then looked for inside them
    only, never elsewhere, and an area name the graph does not know is not found, named. A community's
    name alone (``幸福社区 3号楼2单元501室``) names the one compound of the community with that building,
    entrance and room.
    """
    live, area = _compounds(reader, text, address)
    if area is not None:
        return _in_one_of(reader, text, address, live, area)
    if len(live) > 1:
        listed = _listed(reader, live)
        raise _not_found(
            text,
            address,
            f"the compound name {address[0]!r} fits several compounds ({listed}); give the compound code",
            f"小区名称“{address[0]}”对应多个小区（{listed}）；请填写小区编码",
        )
    return _household_in(reader, text, address, live[0])


def _in_one_of(reader: DayView, text: str, address: Address, compounds: list[str], area: str) -> str:
    """The household at the address's building, entrance and room in the one compound of ``area`` that has it."""
    if len(compounds) == 1:
        return _household_in(reader, text, address, compounds[0])
    found: dict[str, str] = {}
    for compound in compounds:
        try:
            found[compound] = _household_in(reader, text, address, compound)
        except NotFoundError:
            continue
    where = _name(area, reader.node(area))
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise _not_found(
            text,
            address,
            f"no compound of {where} has building {address[1]}, entrance {address[2]}, room {address[3]}",
            f"{where}没有一个小区有{address[1]}号楼{address[2]}单元{address[3]}室",
        )
    listed = _listed(reader, found)
    raise _not_found(
        text,
        address,
        f"several compounds of {where} have this building, entrance and room ({listed}); give the compound",
        f"{where}有多个小区有此楼栋、单元和室（{listed}）；请写出小区名称",
    )


def _household_in(reader: DayView, text: str, address: Address, compound: str) -> str:
    """The household at the address's building, entrance and room in ``compound``."""
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
