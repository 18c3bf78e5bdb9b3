"""The seeded synthetic district (示例辖区): :func:`generate` at one of four :class:`Scale` s.

The shapes follow the published cases (see ``domain.md``): at district scale ten streets (街道) of
25 communities (社区), about 1,600 basic grids (基础网格), 10,000 buildings, 40,000 entrances,
400,000 households and 40,000 Party members, 500 work units and 2,000 co-building projects. A street
is one such street (with the district's departments), a community one community with its street and
district, a city ten districts. Deliberate imperfections are injected and listed in
:attr:`GeneratedDistrict.flaws`.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store.state import GraphState
>>> sample = generate(Scale.COMMUNITY, seed=7, key=PiiKey(b"k" * 32), as_of="2024-06-30")
>>> [b.label for b in sample.batches][:3]
['demo:areas', 'demo:households', 'demo:units']
>>> state = GraphState()
>>> for batch in sample.batches:
...     _ = state.apply(batch.ops)
>>> sorted(sample.flaws) == sorted(FLAW_KEYS)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from orggraph.generator import areas, contacts, liaison, outsiders, party, people, projects, staff, units
from orggraph.generator.context import FLAW_KEYS, Context
from orggraph.generator.names import DISTRICTS
from orggraph.pii import PiiKey
from orggraph.store.batch import Batch
from orggraph.timeline import as_of_date

__all__ = ["FLAW_KEYS", "GeneratedDistrict", "Scale", "Shape", "generate"]


class Scale(StrEnum):
    """How much to generate (规模): one community, one street, one district, or a city of ten districts."""

    COMMUNITY = "community"
    STREET = "street"
    DISTRICT = "district"
    CITY = "city"


@dataclass(frozen=True)
class Shape:
    """The size of one generated district.

    Attributes
    ----------
    streets, communities_per_street
        Streets (街道) and communities (社区) in each.
    other_units
        Work units besides the 15 departments, the core organs, street offices and property companies.
    property_companies
        Property companies (物业企业).
    projects_per_community
        Co-building projects (共建项目) per community (at least one per unit).
    """

    streets: int
    communities_per_street: int
    other_units: int
    property_companies: int
    projects_per_community: int = 8


#: The shape of one district at each scale (a city is ten district-scale districts).
SHAPES: dict[Scale, Shape] = {
    Scale.COMMUNITY: Shape(streets=1, communities_per_street=1, other_units=4, property_companies=2),
    Scale.STREET: Shape(streets=1, communities_per_street=25, other_units=42, property_companies=6),
    Scale.DISTRICT: Shape(streets=10, communities_per_street=25, other_units=415, property_companies=60),
}


@dataclass
class GeneratedDistrict:
    """What :func:`generate` returns.

    Attributes
    ----------
    batches
        The write batches, in the order they must be applied (areas first), labelled ``demo:<what>``
        (``demo:<district code>:<what>`` at city scale).
    flaws
        For each deliberate imperfection (:data:`FLAW_KEYS`), the ids of the nodes where it was injected.
    as_of
        The date every generated date is relative to (ISO ``YYYY-MM-DD``).
    """

    batches: list[Batch]
    flaws: dict[str, list[str]] = field(default_factory=dict)
    as_of: str = ""

    @property
    def op_count(self) -> int:
        """How many operations the batches hold in all."""
        return sum(len(b) for b in self.batches)


def generate(scale: Scale, *, seed: int = 1, key: PiiKey, as_of: str | None = None) -> GeneratedDistrict:
    """Generate a synthetic district (or city) with deliberate gaps, as write batches.

    Parameters
    ----------
    scale
        ``community``, ``street``, ``district`` or ``city``.
    seed
        The seed of the generator's own random source: the same seed, scale, as-of date and key
        give the same batches.
    key
        The store's personal-data key: persons are written keyed, sealed and masked with it.
    as_of
        The date everything is dated relative to; today when not given.

    Returns
    -------
    GeneratedDistrict
        The batches (every one accepted by the store when applied in order), the flaws and the date.
    """
    scale = Scale(scale)
    day = as_of_date(as_of)
    ctx = Context(seed=seed, key=key, as_of=day)
    if scale is Scale.CITY:
        for code, name in DISTRICTS:
            ctx.begin(f"demo:{code}:")
            _district(ctx, code, name, SHAPES[Scale.DISTRICT])
    else:
        code, name = DISTRICTS[0]
        ctx.begin("demo:")
        _district(ctx, code, name, SHAPES[scale])
    return GeneratedDistrict(batches=ctx.batches, flaws=ctx.flaws, as_of=day)


def _district(ctx: Context, code: str, name: str, shape: Shape) -> None:
    """Generate one district into the batches ``ctx`` has open; the steps depend on each other in order."""
    district = areas.build_areas(ctx, code, name, streets=shape.streets, communities_per_street=shape.communities_per_street)
    units.build_units(ctx, district, others=shape.other_units, property_companies=shape.property_companies)
    people.plan_members(ctx, district)
    party.plan_orgs(ctx, district)
    liaison.assign_liaison(ctx, district)
    people.assign_units(ctx, district)
    party.write_orgs(ctx, district)
    staff.write_grid_staff(ctx, district)
    contacts.write_contacts(ctx, district)
    staff.write_owners_committees(ctx, district)
    people.register(ctx, district)
    projects.write_projects(ctx, district, per_community=shape.projects_per_community)
    units.build_service_centres(ctx, district)
    people.empty_buildings(ctx, district)
    people.write_people(ctx, district)
    outsiders.write_outsiders(ctx, district)
