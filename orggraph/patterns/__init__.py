"""The pattern language of declared coverage rules (声明式规则的模式语言): Cypher path patterns and conditions.

:mod:`~orggraph.patterns.syntax` reads patterns and conditions; :mod:`~orggraph.patterns.spec` makes
from them what a rule asks an engine — :class:`Focus` (which nodes are checked) and :class:`MatchSpec`
(what is counted from each). Every engine answers them through its
:class:`~orggraph.store.view.DayView`: the embedded engine over its day index, the Neo4j engine as Cypher.
"""

from orggraph.patterns.spec import DAY, FOCUS, Focus, MatchSpec, backwards, kind_steps, leading_to, start_kinds
from orggraph.patterns.syntax import (
    MAX_HOPS,
    Condition,
    NodePat,
    Param,
    Pattern,
    PatternError,
    RelPat,
    parse_condition,
    parse_pattern,
)

__all__ = [
    "DAY",
    "FOCUS",
    "MAX_HOPS",
    "Condition",
    "Focus",
    "MatchSpec",
    "NodePat",
    "Param",
    "Pattern",
    "PatternError",
    "RelPat",
    "backwards",
    "kind_steps",
    "leading_to",
    "parse_condition",
    "parse_pattern",
    "start_kinds",
]
