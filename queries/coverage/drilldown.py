"""Drilling down (逐级查看): the areas one level below an area, with their households and findings,
and the areas and households of a scope counted by kind — what the planners' page and ``/v1/stats`` show.

Below a district its streets, below a street its communities, below a community its basic grids (the
grids households are in), below a grid the buildings its households live in. A finding counts for the
child area its node lies in. A scope's counts are those of :class:`~queries.coverage.base.Subtree`:
the areas down the PART_OF tree and the households below them or IN_GRID a grid among them.

On a store on a Bolt server both are counted there (:mod:`queries.cypher.drilldown`); the graph is
not loaded into the process.

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
>>> [(a.code, a.kind, a.households) for a in areas_below(store, "C", as_of="2024-01-01")]
[('G', 'grid', 1)]
>>> [(a.code, a.kind, a.households) for a in areas_below(store, "G", as_of="2024-01-01")]
[('P/3号楼', 'building', 1)]
>>> area_counts(store, "G", as_of="2024-01-01")
{'grid': 1, 'household': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import GraphStore
from orggraph.timeline import as_of_date
from queries.coverage import CoverageResult
from queries.coverage.base import Subtree
from queries.cypher.graph import is_cypher
from queries.index import GraphIndex, index_for

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


def _areas_below_index(ix: GraphIndex, root: str) -> list[AreaBelow]:
    kind = ix.kind(root)
    in_grid = ix.into.get(LinkKind.IN_GRID.value, {})
    counted: dict[str, int] = {}
    if kind in BELOW:
        for child in ix.children.get(root, ()):
            if ix.kind(child) == BELOW[kind]:
                counted[child] = len(Subtree(ix, child).of_kind(K.HOUSEHOLD))
    elif kind == K.COMMUNITY.value:
        counted = {g: len(in_grid[g]) for g in Subtree(ix, root).of_kind(K.GRID) if g in in_grid}
    elif kind == K.GRID.value:
        buildings: Counter[str] = Counter()
        for household in in_grid.get(root, ()):
            entrance = ix.parent.get(household)
            building = ix.parent.get(entrance) if entrance else None
            if building is not None:
                buildings[building] += 1
        counted = dict(buildings)
    return [AreaBelow(node, ix.kind(node), ix.attrs(node).get("name"), n) for node, n in counted.items()]


def areas_below(store: GraphStore, area: str, *, as_of: str | None = None) -> list[AreaBelow]:
    """The areas one level below the area with code ``area``, each with its households (unsorted).

    Below a compound, building, entrance or household there is nothing to drill into: ``[]``.
    """
    root = area if area.startswith("area:") else f"area:{area}"
    day = as_of_date(as_of)
    if is_cypher(store):
        from queries.cypher.drilldown import areas_below_cypher  # here: only a Bolt store needs it

        return areas_below_cypher(store, root, day)
    return _areas_below_index(index_for(store, as_of=day), root)


def area_counts(store: GraphStore, area: str, *, as_of: str | None = None) -> dict[str, int]:
    """The areas and households of the scope of the area with code ``area``, counted by kind."""
    root = area if area.startswith("area:") else f"area:{area}"
    day = as_of_date(as_of)
    if is_cypher(store):
        from queries.cypher.drilldown import area_counts_cypher  # here: only a Bolt store needs it

        return area_counts_cypher(store, root, day)
    subtree = Subtree(index_for(store, as_of=day), root)
    return {kind: len(nodes) for kind, nodes in sorted(subtree.by_kind.items())}


def summary_areas(store: GraphStore, *, as_of: str | None = None) -> list[str]:
    """The codes of the areas planners ask about most: the top of the area tree and every street."""
    day = as_of_date(as_of)
    if is_cypher(store):
        from queries.cypher.drilldown import summary_areas_cypher  # here: only a Bolt store needs it

        return summary_areas_cypher(store, day)
    ix = index_for(store, as_of=day)
    tops = [n for n in ix.nodes(K.DISTRICT) if n not in ix.parent]
    return [node.split(":", 1)[1] for node in (*tops, *ix.nodes(K.STREET))]


def _owners(
    kind: str | None, children: set[str], findings: Iterable[Any], ancestors: Callable[[str], Iterator[str]]
) -> Iterator[str | None]:
    """The child area each finding counts for (``None``: none of them)."""
    for finding in findings:
        if kind == K.DISTRICT.value:
            yield f"area:{finding.street}" if finding.street else None
        elif kind == K.STREET.value:
            yield f"area:{finding.community}" if finding.community else None
        elif kind == K.COMMUNITY.value:
            yield f"area:{finding.grid}" if finding.grid else None
        else:
            yield next((a for a in (finding.node, *ancestors(finding.node)) if a in children), None)


def breakdown(store: GraphStore, result: CoverageResult) -> list[dict[str, Any]]:
    """The areas below the run's scope with households and findings by severity, worst first."""
    assert result.scope is not None
    root = f"area:{result.scope}"
    below = areas_below(store, root, as_of=result.as_of)
    children = {a.node for a in below}
    if is_cypher(store):
        from queries.cypher.drilldown import ancestors_cypher, kind_cypher

        kind = kind_cypher(store, root, result.as_of)
        ancestors = ancestors_cypher(store, [f.node for f in result.findings], result.as_of, kind)
    else:
        ix = index_for(store, as_of=result.as_of)
        kind, ancestors = ix.kind(root), ix.ancestors
    severities: dict[str, Counter[str]] = {a.node: Counter() for a in below}
    for finding, owner in zip(result.findings, _owners(kind, children, result.findings, ancestors), strict=True):
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
