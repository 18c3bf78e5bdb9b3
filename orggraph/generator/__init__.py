"""The seeded, deterministic synthetic district generator (示例辖区生成器).

:func:`generate` builds a district — areas, households, Party orgs, members, grid staff, units,
liaison, registrations, projects, owners' committees and service centres — as write batches for the
store, with deliberate imperfections recorded in :attr:`GeneratedDistrict.flaws`.
"""

from orggraph.generator.context import FLAW_KEYS
from orggraph.generator.district import SHAPES, GeneratedDistrict, Scale, Shape, generate

__all__ = ["FLAW_KEYS", "SHAPES", "GeneratedDistrict", "Scale", "Shape", "generate"]
