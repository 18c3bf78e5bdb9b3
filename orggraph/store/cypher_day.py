"""Read statements on a Bolt server as of one day (某日查询), and the openings that bind a scope.

:class:`CypherDay` runs statements on a store's connection with ``$day`` always bound, and writes the
openings every scoped statement starts with: the live nodes of one kind inside a scope (an area and
everything below it), the way :meth:`~orggraph.store.view.DayView.subtree` reads it — down the PART_OF
tree, plus the households IN_GRID of the grids found there. :meth:`CypherDay.lacking` binds the nodes
of a scope for which a pattern finds nothing.

Only fixed labels and relationship types are pasted into statements (from the node and link kinds);
values are always ``$parameters``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.bolt import BoltConnection
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, label, live

__all__ = ["MAX_DEPTH", "CypherDay", "active", "all_active", "live"]


class CypherDay:
    """Read statements on ``connection`` as of ``day``; ``statements`` counts those run."""

    def __init__(self, connection: BoltConnection, day: str) -> None:
        self.connection = connection
        self.day = day
        self.statements = 0

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """One statement with ``$day`` bound; its records as dicts."""
        self.statements += 1
        return self.connection.run(query, day=self.day, **params)

    def run_ids(self, query: str, ids: Iterable[str], **params: Any) -> list[dict[str, Any]]:
        """``query`` (reading ``UNWIND $rows AS id``) over ``ids`` in batches the server takes."""
        rows = sorted(set(ids))
        if not rows:
            return []
        self.statements += 1
        return self.connection.run_rows(query, rows, day=self.day, **params)

    def scoped(self, var: str, kind: str, root: str | None, *, among: bool = False) -> list[str]:
        """Statement openings binding ``var`` to each live node of ``kind`` in the scope (``None``: all),
        or (``among``) to those of the ids in ``$rows`` (run with :meth:`run_ids`).

        Households are found two ways (below an entrance, or IN_GRID a grid of the scope), so for them a
        scope gives two openings; run the rest of the statement after each and merge by node id.
        """
        node_label = label(kind)
        if among:
            return [f"UNWIND $rows AS fid MATCH ({var}:{NODE} {{id: fid}}) WHERE {var}:{node_label} AND {live(var)} WITH {var}"]
        if root is None:
            return [f"MATCH ({var}:{node_label}) WHERE {live(var)} WITH {var}"]
        walk = f"MATCH p = (:{NODE} {{id: $root}})<-[:{LinkKind.PART_OF.value}*0..{MAX_DEPTH}]-"
        openings = [f"{walk}({var}:{node_label}) WHERE {all_active('p')} AND {live(var)} WITH DISTINCT {var}"]
        if kind == NodeKind.HOUSEHOLD.value:
            openings.append(
                f"{walk}(:{label(NodeKind.GRID.value)})<-[g:{LinkKind.IN_GRID.value}]-({var}:{node_label}) "
                f"WHERE {all_active('p')} AND {active('g')} AND {live(var)} WITH DISTINCT {var}"
            )
        return openings

    def lacking(self, var: str, opening: str, pattern: str) -> str:
        """A statement part binding ``var`` to each node the ``opening`` binds for which the
        ``MATCH … WHERE …`` part ``pattern`` (on ``var``) finds nothing, each node once.

        Written as a union rather than ``OPTIONAL MATCH … WHERE … count(x) = 0``: an optional match
        with a condition costs FalkorDB about 7 µs a row (3 s over a district's households), while a
        plain match of the same pattern, summed with every node of the scope, costs a tenth of that.
        """
        branches = [f"{opening} RETURN {var}, 0 AS found", f"{opening} {pattern} RETURN DISTINCT {var}, 1 AS found"]
        return f"CALL {{ {' UNION ALL '.join(branches)} }} WITH {var}, sum(found) AS found WHERE found = 0"
