"""The columnar planners (列式规划): a households (住户) or contacts (联系户) roster planned as whole
columns — what the row handlers of :mod:`importers.handlers` do row by row, done once per column.

A roster's references are checked once per distinct value (each compound, grid, member, household),
duplicates by counting, and the plan gets the nodes and links the row handlers would give it, in the
same order and with the same rows behind them. A planner that finds anything a row handler would
reject — a key listed twice, a code that resolves nowhere, a node of another kind — changes nothing and
answers ``False``: the sheet is then planned row by row, which rejects exactly the rows it always has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain, repeat
from typing import Any

from importers.handlers import Context, area, household_attrs_of
from importers.plan import PlannedLink, RowOps, RowProblem, Source
from importers.rosters import RosterKind
from importers.table import Table
from orggraph.errors import InvalidValueError
from orggraph.model.kinds import LinkKind, NodeKind

K = NodeKind
_PART_OF = LinkKind.PART_OF.value
_IN_GRID = LinkKind.IN_GRID.value
_CENTRAL = LinkKind.CENTRAL_HOUSEHOLD_OF.value
_CONTACTS = LinkKind.CONTACTS.value
_HOUSEHOLD = K.HOUSEHOLD.value

#: A planner: (context, table, the row behind each position, what the define step found) → planned?
Planner = Callable[[Context, Table, list[Source], dict[str, Any]], bool]


def _places(ctx: Context, table: Table, found: dict[str, Any]) -> tuple[list[str], list[str], list[str]] | None:
    """Each row's compound, building and entrance node ids, or ``None`` when a compound does not resolve."""
    places = found.get("places")
    if places is None:
        compounds: dict[str, str] = {}
        for code in dict.fromkeys(table.column("compound_code")):
            try:
                compounds[code] = ctx.compound(code, "compound_code")
            except RowProblem:
                return None
        compound = list(map(compounds.__getitem__, table.column("compound_code")))
        buildings = [f"{c}/{b}" for c, b in zip(compound, table.column("building"), strict=True)]
        entrances = [f"{b}/{e}" for b, e in zip(buildings, table.column("entrance"), strict=True)]
        places = found["places"] = (compound, buildings, entrances)
    return places


def define_households(ctx: Context, table: Table, sources: list[Source], found: dict[str, Any]) -> bool:
    """Each row's household, and its building and entrance where nothing of that id exists yet."""
    plan = ctx.plan
    codes: list[str] = table.column("household_code")
    if len(set(codes)) != len(codes) or not plan.keys.keys().isdisjoint(zip(repeat(RosterKind.HOUSEHOLDS), codes)):
        return False
    places = _places(ctx, table, found)
    if places is None:
        return False
    _, buildings, entrances = places
    households = [f"household:{code}" for code in codes]
    if not plan.nodes.keys().isdisjoint(households):
        return False
    standing = {n for n in {*buildings, *entrances} if plan.exists(n)}
    attrs = list(map(household_attrs_of, table.column("room"), table.column("residents"), table.column("care_tags")))
    nodes = plan.nodes
    building_names, entrance_names = table.column("building"), table.column("entrance")
    for index, (building, entrance, household) in enumerate(zip(buildings, entrances, households, strict=True)):
        source = sources[index]
        if building not in standing:
            standing.add(building)
            nodes[building] = ({"kind": K.BUILDING.value, "name": building_names[index]}, source)
        if entrance not in standing:
            standing.add(entrance)
            nodes[entrance] = ({"kind": K.ENTRANCE.value, "name": entrance_names[index]}, source)
        nodes[household] = (attrs[index], source)
    plan.keys.update(zip(zip(repeat(RosterKind.HOUSEHOLDS), codes), sources, strict=True))
    found["households"] = households
    plan._by_source = None
    return True


def connect_households(ctx: Context, table: Table, sources: list[Source], found: dict[str, Any]) -> bool:
    """Each row's building in its compound, entrance in its building, household in its entrance and
    grid, and the central households of their entrances."""
    plan = ctx.plan
    places = _places(ctx, table, found)
    households = found.get("households")
    if places is None or households is None:
        return False
    grids: dict[str, str] = {}
    for code in dict.fromkeys(table.column("grid_code")):
        try:
            grids[code] = plan.require(area(code), K.GRID, "grid_code", code, "区域名册")
        except (RowProblem, InvalidValueError):
            return False
    compounds, buildings, entrances = places
    grid = map(grids.__getitem__, table.column("grid_code"))
    central = table.column("is_central")
    rows = [
        (
            (_PART_OF, b, c),
            (_PART_OF, e, b),
            (_PART_OF, h, e),
            (_IN_GRID, h, g),
            *(((_CENTRAL, h, e),) if is_central else ()),
        )
        for c, b, e, h, g, is_central in zip(compounds, buildings, entrances, households, grid, central, strict=True)
    ]
    _link_rows(ctx, rows, sources)
    return True


def connect_contacts(ctx: Context, table: Table, sources: list[Source], found: dict[str, Any]) -> bool:
    """Each row's member (by ID number or person code) contacting its household."""
    plan = ctx.plan
    by_number, by_code = table.column("member_id_number"), table.column("member_code")
    if any(code is not None for code in by_code):  # a person code, alone or beside a number: row by row
        return False
    members = list(map(ctx.person_id, by_number))
    codes: list[str] = table.column("household_code")
    claims = list(zip(members, codes, strict=True))
    keys = set(zip(repeat(RosterKind.CONTACTS), claims))
    if len(keys) != len(claims) or not plan.keys.keys().isdisjoint(keys):
        return False
    if not all(plan.exists(member, K.PERSON) for member in set(members)):
        return False
    homes = {code: f"household:{code}" for code in set(codes)}
    if not all(plan.exists(home, K.HOUSEHOLD) for home in homes.values()):
        return False
    plan.keys.update(zip(zip(repeat(RosterKind.CONTACTS), claims), sources, strict=True))
    rows = [((_CONTACTS, member, homes[code]),) for member, code in claims]
    _link_rows(ctx, rows, sources)
    return True


def _link_rows(ctx: Context, rows: Sequence[tuple[tuple[str, str, str], ...]], sources: list[Source]) -> None:
    """Each row's links into the plan, as the row handlers commit them: a link named by several rows
    keeps its first place and the last row's source."""
    plan = ctx.plan
    planned = [PlannedLink(plan.day, None, source) for source in sources]
    keys = chain.from_iterable(rows)
    positions = chain.from_iterable(map(repeat, range(len(rows)), map(len, rows)))
    last = dict(zip(keys, positions, strict=True))  # a key's first place, its last row
    plan.links.update(zip(last, map(planned.__getitem__, last.values()), strict=True))
    plan._by_source = None


def _nothing(ctx: Context, table: Table, sources: list[Source], found: dict[str, Any]) -> bool:
    return True


def defined(kind: RosterKind, found: dict[str, Any], index: int, source: Source) -> RowOps:
    """The nodes a row planned as a column may have defined (to drop if the row is rejected later)."""
    ops = RowOps(source)
    if kind is RosterKind.HOUSEHOLDS:
        _, buildings, entrances = found["places"]
        for node in (buildings[index], entrances[index], found["households"][index]):
            ops.node(node, {})
    return ops


#: The (define, connect) planners of the roster kinds planned as columns.
COLUMNAR: dict[RosterKind, tuple[Planner, Planner]] = {
    RosterKind.HOUSEHOLDS: (define_households, connect_households),
    RosterKind.CONTACTS: (_nothing, connect_contacts),
}
