"""The Cypher coverage rules, registered by id like the networkx ones (:data:`queries.coverage.run.RULES`).

A Cypher rule is ``(cg, rule, root) -> Iterator[Finding]``: the graph on the server as of a day, the
policy rule, and the scope's root area id (``None``: everything). It finds the gaps with Cypher and
makes its findings with the networkx family's own reporting code over the neighbourhood of what it
found, so both engines word, place and assign a finding alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from queries.coverage.findings import Finding
from queries.cypher.graph import CypherGraph
from queries.policy import Policy, Rule

CypherRule = Callable[[CypherGraph, Rule, str | None], Iterator[Finding]]

#: A ratio counter: ``(cg, policy, root) -> rows`` of ``{"street", "community", "num", "den"}`` (area
#: node ids; see :data:`queries.cypher.place.PLACE`), the headline ratio's counts in the scope.
RatioCounter = Callable[[CypherGraph, Policy, str | None], Iterable[dict[str, Any]]]
