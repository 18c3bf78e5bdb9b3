"""The graph on a Bolt server as the Cypher implementations of the queries read it (as of one day).

:class:`CypherGraph` runs read statements on the store's connection with ``$day`` always bound, and
uses the two fragments every statement needs (from :mod:`orggraph.store.cypher_layout`): a
relationship active on the day (:func:`active`) and a node not ended by then (:func:`live`).
:meth:`CypherGraph.scoped` starts a statement with the nodes of one label inside a scope (an area
and everything below it), the way :class:`~queries.coverage.base.Subtree` reads it: down the PART_OF
tree, plus the households IN_GRID of the grids found there.

Only fixed labels and relationship types are pasted into statements (from the node and link kinds);
values are always ``$parameters``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, label, live

if TYPE_CHECKING:
    from orggraph.store.neo4j import Neo4jStore

__all__ = ["MAX_DEPTH", "CypherGraph", "active", "all_active", "bolt_store_of", "is_cypher", "live"]


def bolt_store_of(store: object) -> Neo4jStore | None:
    """The Bolt store behind ``store`` (itself, or the store a wrapper such as the API's guard holds),
    or ``None`` for the embedded engines. Asked without loading the driver: a store of that engine
    exists only once its module is loaded."""
    module = sys.modules.get("orggraph.store.neo4j")
    if module is None:
        return None
    for _ in range(4):
        if isinstance(store, module.Neo4jStore):
            found: Neo4jStore = store
            return found
        store = store.__dict__.get("inner") if hasattr(store, "__dict__") else None
        if store is None:
            return None
    return None


def is_cypher(store: object) -> bool:
    """Whether ``store`` keeps its graph on a Bolt server (the Cypher implementations answer)."""
    return bolt_store_of(store) is not None


class CypherGraph:
    """Read statements on a :class:`~orggraph.store.neo4j.Neo4jStore`'s server, as of ``day``."""

    def __init__(self, store: object, day: str) -> None:
        bolt = bolt_store_of(store)
        if bolt is None:
            raise TypeError(f"{store!r} is not a store on a Bolt server")
        self.store = bolt
        self.connection = bolt.connection
        self.day = day

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """One statement with ``$day`` bound; its records as dicts."""
        return self.connection.run(query, day=self.day, **params)

    def run_ids(self, query: str, ids: Iterable[str], **params: Any) -> list[dict[str, Any]]:
        """``query`` (reading ``UNWIND $rows AS id``) over ``ids`` in batches the server takes."""
        return self.connection.run_rows(query, sorted(set(ids)), day=self.day, **params)

    def scoped(self, var: str, kind: NodeKind, root: str | None) -> list[str]:
        """Statement openings binding ``var`` to each live node of ``kind`` in the scope (``None``: all).

        Households are found two ways (below an entrance, or IN_GRID a grid of the scope), so for them a
        scope gives two openings; run the rest of the statement after each and merge by node id.
        """
        node_label = label(kind.value)
        if root is None:
            return [f"MATCH ({var}:{node_label}) WHERE {live(var)} WITH {var}"]
        walk = f"MATCH p = (:{NODE} {{id: $root}})<-[:{LinkKind.PART_OF.value}*0..{MAX_DEPTH}]-"
        openings = [f"{walk}({var}:{node_label}) WHERE {all_active('p')} AND {live(var)} WITH DISTINCT {var}"]
        if kind is NodeKind.HOUSEHOLD:
            openings.append(
                f"{walk}(:{label(NodeKind.GRID.value)})<-[g:{LinkKind.IN_GRID.value}]-({var}:{node_label}) "
                f"WHERE {all_active('p')} AND {active('g')} AND {live(var)} WITH DISTINCT {var}"
            )
        return openings

    def lacking(self, var: str, kind: NodeKind, root: str | None, pattern: str) -> str:
        """A statement part binding ``var`` to each live node of ``kind`` in the scope for which the
        ``MATCH … WHERE …`` part ``pattern`` (on ``var``) finds nothing, each node once.

        Written as a union rather than ``OPTIONAL MATCH … WHERE … count(x) = 0``: an optional match
        with a condition costs FalkorDB about 7 µs a row (3 s over a district's households), while a
        plain match of the same pattern, summed with every node of the scope, costs a tenth of that.
        """
        openings = self.scoped(var, kind, root)
        branches = [f"{o} RETURN {var}, 0 AS found" for o in openings]
        branches += [f"{o} {pattern} RETURN {var}, 1 AS found" for o in openings]
        return f"CALL {{ {' UNION ALL '.join(branches)} }} WITH {var}, sum(found) AS found WHERE found = 0"

    def scoped_rows(
        self, var: str, kind: NodeKind, root: str | None, rest: str, *, key: str = "node", **params: Any
    ) -> list[dict[str, Any]]:
        """Run ``<opening> <rest>`` for every opening of :meth:`scoped`; rows merged by ``key``."""
        merged: dict[Any, dict[str, Any]] = {}
        for opening in self.scoped(var, kind, root):
            for row in self.run(f"{opening} {rest}", root=root, **params):
                merged.setdefault(row[key], row)
        return list(merged.values())
