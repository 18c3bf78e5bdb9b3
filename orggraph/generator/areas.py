"""Areas and households (区域与住户): district → streets → communities → grids, compounds, buildings,
entrances and households.

Every community has four compounds (小区) of 8–12 buildings (楼栋), four entrances (单元) a building
and ten households (户) an entrance. Its buildings are cut, in order, into basic grids (基础网格,
level 4) of five to seven buildings — 200 to 280 households — grouped in pairs under level-3 grids.
A few communities get one basic grid of four or eight buildings (``grid-size-out-of-range``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from orggraph.generator import names
from orggraph.generator.context import Context
from orggraph.generator.plans import (
    BuildingPlan,
    CommunityPlan,
    CompoundPlan,
    DistrictPlan,
    EntrancePlan,
    GridPlan,
    StreetPlan,
)
from orggraph.model.enums import CareTag
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import Community, Compound, District, Grid, Street, node_id

COMPOUNDS_PER_COMMUNITY = 4
BUILDINGS_PER_COMPOUND = (8, 12)
ENTRANCES_PER_BUILDING = 4
#: Rooms of an entrance: five floors, two flats a floor (101, 102 … 502).
ROOMS: tuple[str, ...] = tuple(f"{floor}0{flat}" for floor in range(1, 6) for flat in (1, 2))
#: Basic grid norm (households per basic grid), used to check the grids the generator cuts.
GRID_HOUSEHOLDS = (200, 300)

#: Share of households with 1–6 residents, cumulated (15 %, 30 %, 28 %, 15 %, 8 %, 4 %).
_RESIDENTS_CUM = (0.15, 0.45, 0.73, 0.88, 0.96)
#: Share of households with a care tag (关爱标签).
CARE_SHARE = 0.12
_PART_OF = LinkKind.PART_OF.value
_IN_GRID = LinkKind.IN_GRID.value
_LIVING_ALONE, _EMPTY_NEST = CareTag.LIVING_ALONE.value, CareTag.EMPTY_NEST.value
_OTHER_TAGS = (CareTag.DISABLED.value, CareTag.HARDSHIP.value, CareTag.MIGRATORY.value)


def build_areas(ctx: Context, code: str, name: str, *, streets: int, communities_per_street: int) -> DistrictPlan:
    """Write the areas and households of one district (区) and return its plan.

    Parameters
    ----------
    ctx
        The generator run; areas go to its ``areas`` batch, households to ``households``.
    code, name
        The district's administrative code (行政区划代码), the prefix of every area code, and its name.
    streets, communities_per_street
        How many streets (街道), and communities (社区) in each.
    """
    rng = ctx.rng
    district = DistrictPlan(node_id(NodeKind.DISTRICT, code), code, name)
    street_names = names.unique_names(rng, [f"{w}街道" for w in names.PLACE_WORDS], streets)
    total = streets * communities_per_street
    community_names = iter(names.unique_names(rng, names.community_candidates(), total))
    compound_names = iter(names.unique_names(rng, names.compound_candidates(), total * COMPOUNDS_PER_COMMUNITY))
    odd = set(ctx.pick(range(total), 0.03))
    for s in range(1, streets + 1):
        street_code = f"{code}{s:03d}"
        street = StreetPlan(node_id(NodeKind.STREET, street_code), street_code, street_names[s - 1])
        district.streets.append(street)
        for c in range(1, communities_per_street + 1):
            community_code = f"{street_code}{c:03d}"
            community = CommunityPlan(node_id(NodeKind.COMMUNITY, community_code), community_code, next(community_names), street)
            street.communities.append(community)
            _plan_community(ctx, community, compound_names, odd=len(district.communities) - 1 in odd)
            for grid in community.basic_grids:
                grid.residents = _write_households(ctx, grid)
    _write_areas(ctx, district)
    return district


def _plan_community(ctx: Context, community: CommunityPlan, compound_names: Iterator[str], *, odd: bool) -> None:
    """Lay out one community: compounds, buildings, entrances, households, then grids over them."""
    rng = ctx.rng
    for j in range(1, COMPOUNDS_PER_COMMUNITY + 1):
        code = f"{community.code}X{j:02d}"
        compound = CompoundPlan(node_id(NodeKind.COMPOUND, code), code, next(compound_names), community)
        community.compounds.append(compound)
        for b in range(1, rng.randint(*BUILDINGS_PER_COMPOUND) + 1):
            building = BuildingPlan(node_id(NodeKind.BUILDING, f"{code}/{b}号楼"), f"{b}号楼", compound, ctx.start())
            compound.buildings.append(building)
            for e in range(1, ENTRANCES_PER_BUILDING + 1):
                households = [f"household:{code}-{b:02d}-{e}-{room}" for room in ROOMS]
                building.entrances.append(EntrancePlan(f"{building.node_id}/{e}单元", households))
    buildings = community.buildings
    sizes = grid_sizes(rng, len(buildings), odd=odd)
    at = 0
    for k, count in enumerate(split(len(sizes), max(1, round(len(sizes) / 2))), start=1):
        code3 = f"{community.code}G{k:02d}"
        parent = GridPlan(node_id(NodeKind.GRID, code3), code3, f"{community.name}第{k}网格", 3, community)
        community.grids.append(parent)
        for j in range(1, count + 1):
            code = f"{code3}{j:02d}"
            grid = GridPlan(node_id(NodeKind.GRID, code), code, f"{community.name}{k}-{j}网格", 4, community)
            grid.buildings = buildings[at : at + sizes[len(community.basic_grids)]]
            at += len(grid.buildings)
            for building in grid.buildings:
                building.grid = grid
            parent.children.append(grid)
            community.basic_grids.append(grid)
            if not GRID_HOUSEHOLDS[0] <= grid.households <= GRID_HOUSEHOLDS[1]:
                ctx.flag("grid-size-out-of-range", grid.node_id)


def grid_sizes(rng: random.Random, buildings: int, *, odd: bool) -> list[int]:
    """How many buildings each basic grid of a community gets: five to seven, in shuffled order.

    An ``odd`` community also gets one grid of four or eight buildings (160 or 320 households).

    >>> sorted(grid_sizes(random.Random(1), 40, odd=False))
    [6, 6, 7, 7, 7, 7]
    """
    sizes = []
    if odd:
        sizes.append(rng.choice((4, 8)))
        buildings -= sizes[0]
    count = max(math.ceil(buildings / 7), min(buildings // 5, round(buildings / 6.4)))
    sizes += split(buildings, count)
    rng.shuffle(sizes)
    return sizes


def split(total: int, parts: int) -> list[int]:
    """``total`` cut into ``parts`` near-equal whole parts, larger first.

    >>> split(7, 3)
    [3, 2, 2]
    """
    base, extra = divmod(total, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def _write_households(ctx: Context, grid: GridPlan) -> int:
    """Write the households of a basic grid (node, PART_OF entrance, IN_GRID); return their residents.

    The ops are appended as the plain tuples :class:`~orggraph.store.batch.Batch` journals, and the
    attributes are those ``Household(...).to_attrs()`` gives: this loop runs 400,000 times a district.
    """
    rng = ctx.rng
    draw = rng.random
    ops = ctx.batch("households").ops
    total = 0
    since = ctx.start()
    for building in grid.buildings:
        built = building.built
        for entrance in building.entrances:
            for household, room in zip(entrance.households, ROOMS, strict=True):
                residents = _residents(draw())
                attrs: dict[str, object] = {"kind": "household", "room": room, "residents": residents}
                if draw() < CARE_SHARE:
                    attrs["care_tags"] = care_tags(rng, residents)
                total += residents
                ops.append(("put", household, attrs))
                ops.append(("link", _PART_OF, household, entrance.node_id, built, None))
                ops.append(("link", _IN_GRID, household, grid.node_id, since, None))
    return total


def _residents(draw: float) -> int:
    for count, limit in enumerate(_RESIDENTS_CUM, start=1):
        if draw < limit:
            return count
    return 6


def care_tags(rng: random.Random, residents: int) -> list[str]:
    """One care tag (关爱标签) that fits the household's size, sometimes a second one."""
    if residents == 1 and rng.random() < 0.5:
        first = _LIVING_ALONE
    elif residents <= 2 and rng.random() < 0.4:
        first = _EMPTY_NEST
    else:
        first = rng.choice(_OTHER_TAGS)
    if rng.random() < 0.15:
        second = rng.choice(_OTHER_TAGS[:2])
        if second != first:
            return [first, second]
    return [first]


def _write_areas(ctx: Context, district: DistrictPlan) -> None:
    """Write the area nodes, outermost first, each followed by its PART_OF link (区域隶属)."""
    rng = ctx.rng
    areas = ctx.batch("areas")
    areas.put(District(code=district.code, name=district.name))
    for street in district.streets:
        residents = sum(g.residents for c in street.communities for g in c.basic_grids)
        areas.put(Street(code=street.code, name=street.name, residents=residents))
        areas.link(LinkKind.PART_OF, street.node_id, district.node_id, start=ctx.day(rng.randint(2930, 3000)))
        for community in street.communities:
            since = ctx.day(rng.randint(2800, 2920))
            residents = sum(g.residents for g in community.basic_grids)
            areas.put(Community(code=community.code, name=community.name, residents=residents))
            areas.link(LinkKind.PART_OF, community.node_id, street.node_id, start=since)
            for parent in community.grids:
                residents = sum(g.residents for g in parent.children)
                areas.put(Grid(code=parent.code, name=parent.name, level=3, residents=residents))
                areas.link(LinkKind.PART_OF, parent.node_id, community.node_id, start=since)
                for grid in parent.children:
                    areas.put(Grid(code=grid.code, name=grid.name, level=4, residents=grid.residents))
                    areas.link(LinkKind.PART_OF, grid.node_id, parent.node_id, start=since)
            for compound in community.compounds:
                areas.put(Compound(code=compound.code, name=compound.name))
                areas.link(LinkKind.PART_OF, compound.node_id, community.node_id, start=since)
                for building in compound.buildings:
                    areas.put_attrs(building.node_id, {"kind": "building", "name": building.label})
                    areas.link(LinkKind.PART_OF, building.node_id, compound.node_id, start=building.built)
                    for e, entrance in enumerate(building.entrances, start=1):
                        areas.put_attrs(entrance.node_id, {"kind": "entrance", "name": f"{e}单元"})
                        areas.link(LinkKind.PART_OF, entrance.node_id, building.node_id, start=building.built)
