"""The areas one level below an area, with their households and findings: what the planners' page
drills down through (区 → 街道 → 社区 → 网格 → 楼栋).

Below a district its streets, below a street its communities, below a community its basic grids (the
grids households are in), below a grid the buildings its households live in. A finding counts for the
child area its node lies in.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage import CoverageResult
from queries.coverage.base import Subtree
from queries.index import GraphIndex

K = NodeKind
_BELOW = {K.DISTRICT.value: K.STREET.value, K.STREET.value: K.COMMUNITY.value}


def _children(ix: GraphIndex, root: str) -> dict[str, list[str]]:
    """Each child area of ``root`` with the households it holds."""
    kind = ix.kind(root)
    if kind in _BELOW:
        below = [c for c in ix.children.get(root, ()) if ix.kind(c) == _BELOW[kind]]
        return {c: Subtree(ix, c).of_kind(K.HOUSEHOLD) for c in below}
    in_grid = ix.into.get(LinkKind.IN_GRID.value, {})
    if kind == K.COMMUNITY.value:
        grids = Subtree(ix, root).of_kind(K.GRID)
        return {g: list(in_grid[g]) for g in grids if g in in_grid}
    if kind == K.GRID.value:
        buildings: dict[str, list[str]] = {}
        for household in in_grid.get(root, ()):
            entrance = ix.parent.get(household)
            building = ix.parent.get(entrance) if entrance else None
            if building is not None:
                buildings.setdefault(building, []).append(household)
        return buildings
    return {}


def _owner(ix: GraphIndex, kind: str, children: dict[str, list[str]], finding: Any) -> str | None:
    """The child area a finding counts for."""
    if kind == K.DISTRICT.value:
        return f"area:{finding.street}" if finding.street else None
    if kind == K.STREET.value:
        return f"area:{finding.community}" if finding.community else None
    if kind == K.COMMUNITY.value:
        return f"area:{finding.grid}" if finding.grid else None
    return next((a for a in (finding.node, *ix.ancestors(finding.node)) if a in children), None)


def breakdown(ix: GraphIndex, result: CoverageResult) -> list[dict[str, Any]]:
    """The child areas of the run's scope with households and findings by severity, worst first."""
    root = f"area:{result.scope}"
    kind = ix.kind(root)
    children = _children(ix, root)
    severities: dict[str, Counter[str]] = {c: Counter() for c in children}
    for finding in result.findings:
        owner = _owner(ix, kind, children, finding)
        if owner in severities:
            severities[owner][finding.severity] += 1
    rows = [
        {
            "code": child.split(":", 1)[1],
            "name": ix.attrs(child).get("name"),
            "kind": ix.kind(child),
            "households": len(households),
            "findings": sum(severities[child].values()),
            "by_severity": {s: severities[child][s] for s in ("high", "medium", "low")},
        }
        for child, households in children.items()
    ]
    return sorted(rows, key=lambda r: (-r["by_severity"]["high"], -r["findings"], r["code"]))
