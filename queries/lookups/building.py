"""Who is responsible for a building (楼栋责任人): its Party group leader, the grid staff of the grids its
households are in, the branch and community secretaries, the liaison leaders and the street secretary.

Every role but the household's own (contacting member, central household) is the same for each
household of a building, except the grid staff, which follow each household's grid; so the answer is
one household's liaison per grid of the building, merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.lookups.liaison import Post, household_liaison
from queries.reading.model import Ref
from queries.reading.place import Names

_SHARED = ("building_group_leader", "branch_secretary", "community_secretary", "liaison_leaders", "street_secretary")


@dataclass(frozen=True)
class BuildingLiaison:
    """Who serves a building (楼栋联系人), by role; ``vacant`` lists roles nobody fills, and why."""

    building: Ref
    as_of: str
    households: int
    grids: tuple[Ref, ...]
    posts: dict[str, tuple[Post, ...]]
    grid_staff: dict[str, tuple[Post, ...]]
    vacant: tuple[tuple[str, str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "building": self.building.to_dict(),
            "as_of": self.as_of,
            "households": self.households,
            "grids": [g.to_dict() for g in self.grids],
            **{role: [p.to_dict() for p in posts] for role, posts in self.posts.items()},
            "grid_staff": {role: [p.to_dict() for p in posts] for role, posts in self.grid_staff.items()},
            "vacant": [{"role": r, "zh": zh, "en": en} for r, zh, en in self.vacant],
        }


def building_liaison(view: DayView, building: str) -> BuildingLiaison:
    """The liaison of a building (楼栋联系人): ``building`` is its area code (``P1/3号楼``) or node id.

    Raises
    ------
    NotFoundError
        No such building on the day, or one no household lives in (nobody answers for it by household).
    """
    reader = view
    node = building if building.startswith("area:") else f"area:{building}"
    if (reader.node(node) or {}).get("kind") != "building":
        raise NotFoundError(
            f"no building {building!r} on {reader.day}", message_zh=f"{reader.day}不存在楼栋“{building}”", value=building
        )
    households = sorted(
        h for entrance in reader.into(node, "PART_OF") for h in reader.into(entrance, "PART_OF") if reader.node(h) is not None
    )
    if not households:
        raise NotFoundError(
            f"building {building!r} has no households on {reader.day}, so no one answers for it by household",
            message_zh=f"楼栋“{building}”在{reader.day}没有住户，无法按住户确定联系人",
            value=building,
        )
    one_per_grid: dict[str | None, str] = {}
    for household in households:
        one_per_grid.setdefault(reader.parent(household, "IN_GRID"), household)
    answers = [household_liaison(view, h) for h in one_per_grid.values()]
    first = answers[0]
    grid_staff: dict[str, tuple[Post, ...]] = {}
    for role in first.grid_staff:
        seen: dict[str, Post] = {}
        for answer in answers:
            for post in answer.grid_staff[role]:
                seen.setdefault(post.person.id, post)
        grid_staff[role] = tuple(seen.values())
    names = Names.of(reader)
    return BuildingLiaison(
        building=names.ref(node),
        as_of=reader.day,
        households=len(households),
        grids=tuple(names.ref(g) for g in one_per_grid if g is not None),
        posts={role: getattr(first, role) for role in _SHARED},
        grid_staff=grid_staff,
        vacant=tuple(v for v in first.vacant if v[0] not in ("contacting_member", "central_household")),
    )
