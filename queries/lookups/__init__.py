"""Liaison lookups (联系查询): who is the liaison of a household, a building, a member, a unit, a community,
and how two nodes are connected — each over a :class:`~orggraph.store.view.DayView`.

:mod:`~queries.lookups.liaison` (households, members, communities), :mod:`~queries.lookups.building`,
:mod:`~queries.lookups.unit`, :mod:`~queries.lookups.explain` (the shortest explaining path), and
:mod:`~queries.lookups.search` (nodes by name, code, address or ID number, over the index of
:mod:`~queries.lookups.search_index`).
"""

from queries.lookups.building import BuildingLiaison, building_liaison
from queries.lookups.explain import ExplainedPath, explain_path
from queries.lookups.liaison import (
    CommunityLinks,
    HouseholdLiaison,
    MemberLinks,
    Post,
    community_links,
    find_person,
    household_liaison,
    member_links,
)
from queries.lookups.unit import UnitLinks, unit_links

__all__ = [
    "BuildingLiaison",
    "CommunityLinks",
    "ExplainedPath",
    "HouseholdLiaison",
    "MemberLinks",
    "Post",
    "UnitLinks",
    "building_liaison",
    "community_links",
    "explain_path",
    "find_person",
    "household_liaison",
    "member_links",
    "unit_links",
]
