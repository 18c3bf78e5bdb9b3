"""Where things are and who leads there (区域与责任党组织), read once per view and kept.

Every finding needs the area path of its node (street 街道, community 社区, basic grid 网格) as codes
and names, and the Party organisation responsible for an area (责任党组织). An :class:`Atlas` takes
each area's path from its parent's (an entrance's is its building's, a building's its compound's …)
and remembers it, so a rule pays about one dictionary look-up per node. It reads three whole link
tables of the view (PART_OF, IN_GRID, RESPONSIBLE_FOR — free on the embedded engine, one streamed
statement each on a Bolt server) and the attributes of the nodes it names, in batches. One atlas is
kept per view (:func:`atlas_for`), shared by the rules of a run and by later runs on the same view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from orggraph.store.view import DayView

#: Kinds whose path is not simply their parent's: they are a street, community or grid themselves.
_OWN_PATH = frozenset({"district", "street", "community", "grid", "household"})
_EMPTY: dict[str, Any] = {}
#: Kinds whose nodes an atlas reads all at once when made (places and who answers name them).
_PREFETCHED = ("district", "street", "community", "grid", "compound", "building", "entrance", "party_org")


def code_of(node: str | None) -> str | None:
    """The code part of a node id, or ``None``.

    >>> code_of("area:C01/3号楼"), code_of(None)
    ('C01/3号楼', None)
    """
    return None if node is None else node.split(":", 1)[-1]


class AreaPath(NamedTuple):
    """Where a node sits: its street, community and basic grid (node ids; ``None`` when not known)."""

    street: str | None
    community: str | None
    grid: str | None


class Place(NamedTuple):
    """The area path of a finding (区域路径), as codes and names."""

    street: str | None
    street_name: str | None
    community: str | None
    community_name: str | None
    grid: str | None


NOWHERE = Place(None, None, None, None, None)
_NO_PATH = AreaPath(None, None, None)


class Atlas:
    """Area paths, places and responsible orgs of one view, each computed once."""

    def __init__(self, view: DayView) -> None:
        self.view = view
        self._parent = view.table("PART_OF")
        self._in_grid = view.table("IN_GRID")
        self._led = view.table("RESPONSIBLE_FOR", "in")
        self._attrs: dict[str, Any] = {}
        self._paths: dict[str, AreaPath] = {}
        self._homes: dict[tuple[str | None, str | None], AreaPath] = {}
        self._places: dict[AreaPath, Place] = {_NO_PATH: NOWHERE}
        self._responsible: dict[str, str | None] = {}
        self._addresses: dict[str | None, str] = {}
        for kind in _PREFETCHED:  # the areas and orgs findings name: read once, by kind (a streamed statement each on a server)
            for node, attrs in view.candidates(kind):
                self._attrs[node] = dict(attrs)

    # -- nodes -----------------------------------------------------------------------------------

    def attrs(self, node: str) -> dict[str, Any]:
        """The attributes of ``node`` as the view has them (``{}`` for a node not live)."""
        found = self._attrs.get(node)
        if found is None:
            found = self._attrs[node] = dict(self.view.node(node) or {})
        return found

    def read(self, nodes: Iterable[str]) -> None:
        """Read the attributes of many nodes at once (one batch on a server) before they are asked for."""
        wanted = [n for n in nodes if n not in self._attrs]
        if wanted:
            found = self.view.nodes(wanted)
            for node in wanted:
                self._attrs[node] = dict(found.get(node, _EMPTY))

    def kind(self, node: str) -> str | None:
        kind = self.attrs(node).get("kind")
        return None if kind is None else str(kind)

    def name(self, node: str) -> str:
        return str(self.attrs(node).get("name") or node.split(":", 1)[-1])

    def parent(self, node: str | None) -> str | None:
        found = self._parent.get(node) if node is not None else None
        return found[0] if found else None

    def grid_of(self, household: str) -> str | None:
        found = self._in_grid.get(household)
        return found[0] if found else None

    def ancestors(self, node: str) -> list[str]:
        """The areas above ``node`` (PART_OF), innermost first."""
        found: list[str] = []
        current = self.parent(node)
        while current is not None and len(found) < 32:
            found.append(current)
            current = self.parent(current)
        return found

    def within(self, node: str | None, root: str) -> bool:
        """Whether ``node`` is ``root`` or lies below it (a household also by its grid)."""
        if node is None:
            return False
        if node == root or root in self.ancestors(node):
            return True
        grid = self.grid_of(node)
        return grid is not None and (grid == root or root in self.ancestors(grid))

    # -- paths (node ids) ------------------------------------------------------------------------

    def _own_path(self, node: str) -> AreaPath:
        """The path of a district, street, community or grid, or of a household outside any entrance."""
        street = community = grid = None
        kind = self.kind(node)
        if kind == "household":
            grid = self.grid_of(node)
        for area in (node, *self.ancestors(node)):
            area_kind = self.kind(area)
            if area_kind == "grid" and grid is None:
                grid = area
            elif area_kind == "community" and community is None:
                community = area
            elif area_kind == "street":
                street = area
                break
        if community is None and grid is not None:
            for area in self.ancestors(grid):
                if self.kind(area) == "community":
                    community = area
                elif self.kind(area) == "street":
                    street = street or area
                    break
        return AreaPath(street, community, grid)

    def path(self, node: str, kind: str | None = None) -> AreaPath:
        """Street, community and grid of an area or household (node ids), taken from its parent's where
        it can be; ``kind``, when the caller knows it, saves reading the node."""
        found = self._paths.get(node)
        if found is not None:
            return found
        if (kind or self.kind(node)) == "household":
            return self.household_path(node)
        chain: list[str] = []
        current = node
        while True:
            up = self.parent(current)
            if up is None or self.kind(current) in _OWN_PATH:
                found = self._own_path(current)
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
        entrance = self.parent(household)
        grid = self.grid_of(household)
        key = (entrance, grid)
        found = self._homes.get(key)
        if found is None:
            if entrance is None:
                found = self._own_path(household)
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

    def _place(self, path: AreaPath) -> Place:
        found = self._places.get(path)
        if found is None:
            found = self._places[path] = Place(
                code_of(path.street),
                self.name(path.street) if path.street else None,
                code_of(path.community),
                self.name(path.community) if path.community else None,
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
                names.append(str(self.attrs(current).get("name") or ""))
                current = self.parent(current)
            prefix = self._addresses[entrance] = "".join(reversed(names))
        return prefix

    def address(self, household: str, attrs: dict[str, Any] | None = None) -> str:
        """A household's address: compound, building, entrance and room (``幸福里小区3号楼2单元501``)."""
        prefix = self.address_prefix(self.parent(household))
        room = (attrs if attrs is not None else self.attrs(household)).get("room")
        return f"{prefix}{room}" if prefix and room else household.split(":", 1)[1]

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
            current = self.parent(current)
        for node in chain:
            self._responsible[node] = found
        return found


def atlas_for(view: DayView) -> Atlas:
    """The atlas of ``view``, made on first use and kept with it."""
    return view.memo("coverage.atlas", lambda: Atlas(view))
