"""Drilling down (逐级查看): the areas one level below an area, with their households and findings,
and the areas and households of a scope counted by kind — what the planners' page and ``/v1/stats`` show.

Below a district its streets, below a street its communities, below a community its basic grids (the
grids households are in), below a grid the buildings its households live in. A finding counts for the
child area its node lies in. A scope's counts are those of its :class:`~orggraph.store.view.Subtree`:
the areas down the PART_OF tree and the households below them or IN_GRID a grid among them. Everything
is read through a :class:`~orggraph.store.view.DayView`, so a store on a Bolt server is counted there.

>>> from orggraph.pii import PiiKey
>>> from orggraph.store import MemoryStore, Batch
>>> from orggraph.model import Building, Community, Compound, Entrance, Grid, Household, LinkKind, Street
>>> b = Batch()
>>> for node, parent in ((Street(code="S", name="新华街道"), None), (Community(code="C", name="幸福社区"), "S"),
...                      (Grid(code="G", name="第一网格", level=4), "C"), (Compound(code="P", name="幸福里"), "C"),
...                      (Building.of("P", "3号楼"), "P"), (Entrance.of("P/3号楼", "2单元"), "P/3号楼")):
...     b.put(node)
...     if parent:
...         b.link(LinkKind.PART_OF, node.node_id, f"area:{parent}", start="2020-01-01")
>>> b.put(Household(code="H1", room="501")); b.link(LinkKind.PART_OF, "household:H1", "area:P/3号楼/2单元", start="2020-01-01")
>>> b.link(LinkKind.IN_GRID, "household:H1", "area:G", start="2020-01-01")
>>> store = MemoryStore(PiiKey(b"k" * 32)); _ = store.write(b)
>>> view = store.view("2024-01-01")
>>> [(a.code, a.kind, a.households) for a in areas_below(view, "C")]
[('G', 'grid', 1)]
>>> [(a.code, a.kind, a.households) for a in areas_below(view, "G")]
[('P/3号楼', 'building', 1)]
>>> area_counts(view, "G")
{'grid': 1, 'household': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from orggraph.model.kinds import NodeKind
from orggraph.store.view import DayView, Subtree
from queries.coverage.places import atlas_for
from queries.coverage.run import CoverageResult

K = NodeKind
#: The kind of the areas drilled down to below a district and a street.
BELOW = {K.DISTRICT.value: K.STREET.value, K.STREET.value: K.COMMUNITY.value}
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class AreaBelow:
    """One area below the area drilled into: its node id, kind, name and households."""

    node: str
    kind: str
    name: str | None
    households: int

    @property
    def code(self) -> str:
        return self.node.split(":", 1)[1]


def _subtree(view: DayView, root: str) -> Subtree:
    return view.memo(f"coverage.subtree:{root}", lambda: view.subtree(root))


def areas_below(view: DayView, area: str) -> list[AreaBelow]:
    """The areas one level below the area with code ``area``, each with its households (unsorted).

    Below a compound, building, entrance or household there is nothing to drill into: ``[]``.
    """
    root = area if area.startswith("area:") else f"area:{area}"
    atlas = atlas_for(view)
    kind = atlas.kind(root)
    counted: dict[str, int] = {}
    if kind in BELOW:
        children = [c for c in view.into(root, "PART_OF") if atlas.kind(c) == BELOW[kind]]
        counted = {child: len(_subtree(view, child).of_kind(K.HOUSEHOLD.value)) for child in children}
    elif kind == K.COMMUNITY.value:
        grids = _subtree(view, root).of_kind(K.GRID.value)
        counted = {grid: len(households) for grid, households in view.into_many(grids, "IN_GRID").items()}
    elif kind == K.GRID.value:
        households = list(view.into(root, "IN_GRID"))
        entrances = view.out_many(households, "PART_OF")
        buildings_of = view.out_many({e[0] for e in entrances.values()}, "PART_OF")
        buildings: Counter[str] = Counter()
        for household in households:
            entrance = entrances.get(household)
            building = buildings_of.get(entrance[0]) if entrance else None
            if building:
                buildings[building[0]] += 1
        counted = dict(buildings)
    atlas.read(counted)
    return [AreaBelow(node, str(atlas.kind(node)), atlas.attrs(node).get("name"), n) for node, n in counted.items()]


def area_counts(view: DayView, area: str) -> dict[str, int]:
    """The areas and households of the scope of the area with code ``area``, counted by kind."""
    root = area if area.startswith("area:") else f"area:{area}"
    return {kind: len(nodes) for kind, nodes in sorted(_subtree(view, root).by_kind.items()) if nodes}


def summary_areas(view: DayView, *, streets: bool = True) -> list[str]:
    """The codes of the areas planners ask about most: the top of the area tree and (``streets``) every street."""
    parents = view.out_many(view.of_kind(K.DISTRICT.value), "PART_OF")
    tops = [n for n in view.of_kind(K.DISTRICT.value) if n not in parents]
    below = view.of_kind(K.STREET.value) if streets else ()
    return [node.split(":", 1)[1] for node in (*tops, *below)]


def _owners(kind: str | None, children: set[str], findings: Iterable[Any], view: DayView) -> Iterator[str | None]:
    """The child area each finding counts for (``None``: none of them)."""
    for finding in findings:
        if kind == K.DISTRICT.value:
            yield f"area:{finding.street}" if finding.street else None
        elif kind == K.STREET.value:
            yield f"area:{finding.community}" if finding.community else None
        elif kind == K.COMMUNITY.value:
            yield f"area:{finding.grid}" if finding.grid else None
        else:
            atlas = atlas_for(view)
            yield next((a for a in (finding.node, *atlas.ancestors(finding.node)) if a in children), None)


def breakdown(view: DayView, result: CoverageResult) -> list[dict[str, Any]]:
    """The areas below the run's scope with households and findings by severity, worst first."""
    assert result.scope is not None
    root = f"area:{result.scope}"
    below = areas_below(view, root)
    children = {a.node for a in below}
    kind = atlas_for(view).kind(root)
    severities: dict[str, Counter[str]] = {a.node: Counter() for a in below}
    for finding, owner in zip(result.findings, _owners(kind, children, result.findings, view), strict=True):
        if owner in severities:
            severities[owner][finding.severity] += 1
    rows = [
        {
            "code": area.code,
            "name": area.name,
            "kind": area.kind,
            "households": area.households,
            "findings": sum(severities[area.node].values()),
            "by_severity": {s: severities[area.node][s] for s in SEVERITIES},
        }
        for area in below
    ]
    return sorted(rows, key=lambda r: (-r["by_severity"]["high"], -r["findings"], r["code"]))
