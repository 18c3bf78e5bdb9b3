"""Addresses (居住地址) read and resolved to households (户): 小区 + 楼栋 + 单元 + 室.

A members' roster may give a member's home as an address instead of a household code (户编码).
:func:`parse_address` reads the forms residents and clerks write; :class:`AddressIndex` holds the
households of the graph by compound, building, entrance and room and resolves a parsed address to
one household, or says exactly which part did not match.

>>> address = parse_address("幸福里小区３号楼２单元５０１室")
>>> address.describe()
'小区 幸福里小区, 楼栋 3, 单元 2, 室 501'
>>> index = AddressIndex()
>>> index.add("H0001", compound_code="C01", compound_name="幸福里小区", building="3号楼", entrance="2单元",
...           room="501")
>>> index.resolve(parse_address("幸福里 3-2-501"))
'H0001'

The names of the areas around a compound (its community, street, district) may be written in front,
as people write them (``幸福社区幸福里小区3号楼2单元501室``): the compound is then looked for among
those in these areas only, and an area name alone (``幸福社区 3-2-501``) names the one compound of the
area that has the building, entrance and room.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from orggraph.addresses import (
    BUILDING_SUFFIX,
    ENTRANCE_SUFFIX,
    ROOM_SUFFIX,
    Address,
    area_marker,
    label,
    name_key,
    parse_address,
    peel_area_names,
    stem,
)
from orggraph.errors import InvalidValueError

__all__ = ["Address", "AddressIndex", "parse_address"]


@dataclass
class _Compound:
    code: str
    names: list[str] = field(default_factory=list)
    buildings: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    #: the names (:func:`name_key` form) of the areas the compound lies in: community, street, district
    areas: set[str] = field(default_factory=set)

    def title(self) -> str:
        return f"{self.names[0]} ({self.code})" if self.names else self.code


class AddressIndex:
    """The households of the graph by compound, building, entrance and room (地址索引).

    A compound is found by its exact code (小区编码), else its exact name, else its name with a
    trailing 小区/花园/家园/社区 left out on either side; a name that fits several compounds is an
    error, never a guess.
    """

    def __init__(self) -> None:
        self._compounds: dict[str, _Compound] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_stem: dict[str, list[str]] = {}
        #: area names (:func:`name_key` form) → themselves, to take off the front of an address
        self._areas: dict[str, str] = {}

    def add(
        self,
        household_id: str,
        *,
        compound_code: str,
        compound_name: str | None,
        building: str,
        entrance: str,
        room: str,
        areas: Sequence[str] = (),
    ) -> None:
        """Index one household (户) at its compound, building, entrance and room.

        ``building`` and ``entrance`` are the labels as stored (``"3号楼"``, ``"3栋"``, ``"A座"``,
        ``"2单元"``); they are normalised the way :func:`parse_address` normalises an address.
        ``areas`` are the names of the areas the compound lies in (its community, street, district).
        Two households at one address are kept, and resolving that address is then an error.
        """
        code = name_key(compound_code).upper()
        compound = self._compounds.get(code)
        if compound is None:
            compound = self._compounds[code] = _Compound(code=compound_code.strip())
        for name in areas:
            key = name_key(name)
            if key:
                compound.areas.add(key)
                self._areas.setdefault(key, key)
        if compound_name and compound_name.strip() not in compound.names:
            compound.names.append(compound_name.strip())
            key = name_key(compound_name)
            self._by_name.setdefault(key, []).append(code)
            self._by_stem.setdefault(stem(key), []).append(code)
        rooms = compound.buildings.setdefault(label(building, BUILDING_SUFFIX), {}).setdefault(
            label(entrance, ENTRANCE_SUFFIX), {}
        )
        households = rooms.setdefault(label(room, ROOM_SUFFIX), [])
        if household_id not in households:
            households.append(household_id)

    def resolve(self, address: Address) -> str:
        """The household id (户) at ``address``.

        Raises
        ------
        InvalidValueError
            Naming how the address was read (:meth:`Address.describe`) and why it does not resolve:
            no such compound, building, entrance or room; a compound name that fits several
            compounds; an area named in front that is not known, or holds no such compound; or two
            households at one address.
        """
        compounds = self._compounds_named(address)
        if len(compounds) == 1:
            return self._household(address, compounds[0])
        found: dict[str, str] = {}
        for compound in compounds:  # an area's name alone: its compounds, the one with this address
            try:
                found[compound.title()] = self._household(address, compound)
            except InvalidValueError:
                continue
        if len(found) == 1:
            return next(iter(found.values()))
        if not found:
            raise _unresolved(
                address,
                f"no compound of {address.compound} has this building, entrance and room",
                f"{address.compound}没有一个小区有此楼栋、单元和室",
            )
        listed = ", ".join(found)
        raise _unresolved(
            address,
            f"several compounds of {address.compound} have this building, entrance and room ({listed}); give the compound",
            f"{address.compound}有多个小区有此楼栋、单元和室（{listed}）；请写出小区名称",
        )

    def _household(self, address: Address, compound: _Compound) -> str:
        entrances = compound.buildings.get(address.building)
        if entrances is None:
            raise self._missing(address, compound, "building", "楼栋", address.building, compound.buildings)
        rooms = entrances.get(address.entrance)
        if rooms is None:
            raise self._missing(address, compound, "entrance", "单元", address.entrance, entrances)
        households = rooms.get(address.room)
        if households is None:
            raise self._missing(address, compound, "room", "室", address.room, rooms)
        if len(households) > 1:
            raise _unresolved(
                address,
                f"{len(households)} households are at this address ({', '.join(households)}); give the household code",
                f"该地址有{len(households)}户（{'、'.join(households)}）；请填写户编码",
            )
        return households[0]

    def _named(self, written: str, *, stems: bool = True) -> list[str]:
        """The codes of the compounds a code or name names (with ``stems``, a name with or without its
        小区/花园 …)."""
        key = name_key(written)
        if key.upper() in self._compounds:
            return [key.upper()]
        codes = self._by_name.get(key, [])
        if not codes and stems:
            codes = sorted({*self._by_stem.get(stem(key), ()), *self._by_stem.get(key, ())})
        return list(dict.fromkeys(codes))

    def _compounds_named(self, address: Address) -> list[_Compound]:
        """The compound the address names — or, for an area's name alone, every compound of the area.
        A compound's code or whole name comes first, then the areas' names, then a compound's name
        without its 小区/花园 … (``和平社区`` is the community, not 和平家园)."""
        codes = self._named(address.compound, stems=False)
        if not codes and not peel_area_names(address.compound, self._areas)[0]:
            codes = self._named(address.compound)
        if not codes:
            areas, rest = peel_area_names(address.compound, self._areas)
            if areas:
                inside = [c for c in self._compounds.values() if set(areas) <= c.areas]
                if inside and not rest:
                    return inside
                codes = [code for code in self._named(rest) if set(areas) <= self._compounds[code].areas] if rest else []
                if not codes:
                    where = "".join(areas)
                    raise _unresolved(
                        address,
                        f"{where} has no compound with code or name {rest!r}" if rest else f"{where} has no compound",
                        f"{where}没有编码或名称为“{rest}”的小区" if rest else f"{where}没有小区",
                    )
            elif (marked := area_marker(address.compound)) is not None:
                raise _unresolved(
                    address,
                    f"there is no community or street named {marked[0]!r} (written before the compound {marked[1]!r})",
                    f"没有名为“{marked[0]}”的社区或街道（写在小区“{marked[1]}”之前）",
                )
        if len(codes) == 1:
            return [self._compounds[codes[0]]]
        if not codes:
            raise _unresolved(
                address,
                f"there is no compound with code or name {address.compound!r}",
                f"没有编码或名称为“{address.compound}”的小区",
            )
        listed = ", ".join(self._compounds[code].title() for code in sorted(set(codes)))
        raise _unresolved(
            address,
            f"the compound name {address.compound!r} fits several compounds ({listed}); give the compound code",
            f"小区名称“{address.compound}”对应多个小区（{listed}）；请填写小区编码",
        )

    @staticmethod
    def _missing(
        address: Address, compound: _Compound, what: str, what_zh: str, label: str, known: Iterable[str]
    ) -> InvalidValueError:
        labels = sorted(known, key=lambda text: (len(text), text))
        shown = ", ".join(labels[:12]) + (" …" if len(labels) > 12 else "")
        return _unresolved(
            address,
            f"compound {compound.title()} has no {what} {label!r} there (known: {shown or 'none'})",
            f"小区 {compound.title()} 在该处没有{what_zh}“{label}”（已有：{shown or '无'}）",
        )


def _unresolved(address: Address, reason: str, reason_zh: str) -> InvalidValueError:
    described = address.describe()
    return InvalidValueError(
        f"address read as {described}: {reason}",
        message_zh=f"地址读作 {described}：{reason_zh}",
        value=described,
    )
