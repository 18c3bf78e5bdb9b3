"""Where things are and who leads there (区域与责任党组织), looked up once per index and kept.

Every finding needs the area path of its node (street 街道, community 社区, basic grid 网格) as codes
and names, and the Party organisation responsible for an area (责任党组织). Asked node by node,
:meth:`GraphIndex.path` walks the ancestors each time for households; an :class:`Atlas` instead
takes each area's path from its parent's (an entrance's is its building's, a building's its
compound's …) and remembers it, so a rule pays about one dictionary look-up per node. One atlas is
kept per index (:func:`atlas_for`), shared by the rules of a run and by later runs on the same index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

from orggraph.model.kinds import LinkKind
from queries.index import AreaPath, GraphIndex

#: Kinds whose path is not simply their parent's: they are a street, community or grid themselves.
_OWN_PATH = frozenset({"district", "street", "community", "grid", "household"})


def code_of(node: str | None) -> str | None:
    """The code part of a node id, or ``None``.

    >>> code_of("area:C01/3号楼"), code_of(None)
    ('C01/3号楼', None)
    """
    return None if node is None else node.split(":", 1)[-1]


class Place(NamedTuple):
    """The area path of a finding (区域路径), as codes and names."""

    street: str | None
    street_name: str | None
    community: str | None
    community_name: str | None
    grid: str | None


NOWHERE = Place(None, None, None, None, None)
_NO_PATH = AreaPath(None, None, None)
T = TypeVar("T")


class Atlas:
    """Area paths, places and responsible orgs of one index, each computed once.

    Parameters
    ----------
    ix
        The index of the day; the atlas reads it and never changes it.
    """

    def __init__(self, ix: GraphIndex) -> None:
        self.ix = ix
        self._attrs = ix.graph._node
        self._parent = ix.parent
        self._in_grid = ix.out.get(LinkKind.IN_GRID.value, {})
        self._led = ix.into.get(LinkKind.RESPONSIBLE_FOR.value, {})
        self._paths: dict[str, AreaPath] = {}
        self._homes: dict[tuple[str | None, str | None], AreaPath] = {}
        self._places: dict[AreaPath, Place] = {_NO_PATH: NOWHERE}
        self._responsible: dict[str, str | None] = {}
        self._addresses: dict[str | None, str] = {}
        self._memo: dict[Hashable, Any] = {}

    # -- paths (node ids) ------------------------------------------------------------------------

    def path(self, node: str) -> AreaPath:
        """Street, community and grid of an area (node ids), taken from its parent's where it can be."""
        found = self._paths.get(node)
        if found is not None:
            return found
        if self._attrs.get(node, {}).get("kind") == "household":
            return self.household_path(node)
        chain: list[str] = []
        current = node
        while True:
            up = self._parent.get(current)
            if up is None or self._attrs.get(current, {}).get("kind") in _OWN_PATH:
                found = self.ix.path(current)
                break
            chain.append(current)
            current = up
            cached = self._paths.get(current)
            if cached is not None:
                found = cached
                break
        self._paths[current] = found
        for area in chain:
            self._paths[area] = found
        return found

    def household_path(self, household: str) -> AreaPath:
        """A household's path: its entrance's street and community, and its own basic grid (IN_GRID)."""
        entrance = self._parent.get(household)
        grids = self._in_grid.get(household)
        grid = grids[0] if grids else None
        key = (entrance, grid)
        found = self._homes.get(key)
        if found is None:
            if entrance is None:
                found = self.ix.path(household)
            else:
                base = self.path(entrance)
                if grid is None or grid == base.grid:
                    found = base
                elif base.community is None:
                    above = self.path(grid)
                    found = AreaPath(above.street, above.community, grid)
                else:
                    found = AreaPath(base.street, base.community, grid)
            self._homes[key] = found
        return found

    # -- places (codes and names) ----------------------------------------------------------------

    def place(self, node: str | None) -> Place:
        """The area path of an area or household as codes and names (nowhere for ``None``)."""
        if node is None:
            return NOWHERE
        return self._place(self.path(node))

    def household_place(self, household: str) -> Place:
        """The area path of a household as codes and names (its grid the one it is IN_GRID)."""
        return self._place(self.household_path(household))

    def _place(self, path: AreaPath) -> Place:
        found = self._places.get(path)
        if found is None:
            name = self.ix.name
            found = self._places[path] = Place(
                code_of(path.street),
                name(path.street) if path.street else None,
                code_of(path.community),
                name(path.community) if path.community else None,
                code_of(path.grid),
            )
        return found

    def address_prefix(self, entrance: str | None) -> str:
        """Compound, building and entrance names of an entrance (``幸福里小区3号楼2单元``)."""
        prefix = self._addresses.get(entrance)
        if prefix is None:
            names: list[str] = []
            current = entrance
            while current is not None and len(names) < 3:
                names.append(str(self._attrs[current].get("name") or ""))
                current = self._parent.get(current)
            prefix = self._addresses[entrance] = "".join(reversed(names))
        return prefix

    def address(self, household: str) -> str:
        """A household's address: compound, building, entrance and room (``幸福里小区3号楼2单元501``)."""
        prefix = self.address_prefix(self._parent.get(household))
        room = self._attrs[household].get("room")
        return f"{prefix}{room}" if prefix and room else household.split(":", 1)[1]

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A table derived from the index, computed on first use under ``key`` and kept with the atlas."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    # -- who leads -------------------------------------------------------------------------------

    def responsible(self, area: str | None) -> str | None:
        """The org RESPONSIBLE_FOR ``area`` or the nearest area above it that has one (first by id)."""
        if area is None:
            return None
        if area in self._responsible:
            return self._responsible[area]
        chain: list[str] = []
        current: str | None = area
        found: str | None = None
        while current is not None and len(chain) < 32:
            if current in self._responsible:
                found = self._responsible[current]
                break
            orgs = self._led.get(current)
            if orgs:
                found = min(orgs)
                break
            chain.append(current)
            current = self._parent.get(current)
        for node in chain:
            self._responsible[node] = found
        return found


_ATLASES: dict[int, Atlas] = {}
_LOCK = threading.Lock()


def atlas_for(ix: GraphIndex) -> Atlas:
    """The atlas of ``ix``, made on first use and kept for the last few indexes."""
    with _LOCK:
        atlas = _ATLASES.get(id(ix))
        if atlas is None or atlas.ix is not ix:
            if len(_ATLASES) >= 4:
                _ATLASES.pop(next(iter(_ATLASES)))
            atlas = _ATLASES[id(ix)] = Atlas(ix)
        return atlas
