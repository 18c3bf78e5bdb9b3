"""Coverage on both engines: every rule, every ratio, scoped and as of another day — identical answers.

The Bolt store answers in Cypher (:mod:`queries.cypher.coverage`); the embedded one in networkx. The
generated districts carry their deliberate imperfections, so every rule has findings to compare.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orggraph.generator import Scale
from orggraph.model import NodeKind
from orggraph.store import MemoryStore
from orggraph.store.neo4j import Neo4jStore
from queries.coverage import Subtree, find_gaps, run_coverage
from queries.coverage.run import scope_area
from queries.coverage.summary import RATIOS
from queries.coverage.summary import _count as count_embedded
from queries.cypher.coverage import count_ratios, find_gaps_cypher
from queries.cypher.graph import CypherGraph
from queries.index import index_for
from queries.policy import RULE_PARAMS, load_policy
from tests.contract.conftest import BoltTarget, twin_stores

AS_OF = "2025-06-30"
EARLIER = "2024-03-01"

Engines = tuple[MemoryStore, Neo4jStore]


@pytest.fixture(
    scope="module",
    params=[(Scale.STREET, 1), (Scale.COMMUNITY, 2), (Scale.COMMUNITY, 3)],
    ids=["street-1", "community-2", "community-3"],
)
def engines(request: pytest.FixtureRequest, bolt_target: BoltTarget) -> Iterator[Engines]:
    scale, seed = request.param
    embedded, bolt = twin_stores(bolt_target, scale, seed, as_of=AS_OF)
    yield embedded, bolt
    bolt.close()


def _scopes(store: MemoryStore) -> list[str | None]:
    """No scope, a street, a community, a basic grid and a compound of the district."""
    picked: list[str | None] = [None]
    for kind in (NodeKind.STREET, NodeKind.COMMUNITY, NodeKind.GRID, NodeKind.COMPOUND):
        nodes = sorted(n for n, _ in store.nodes(kind, as_of=AS_OF))
        if nodes:
            picked.append(nodes[len(nodes) // 2].split(":", 1)[1])
    return picked


@pytest.mark.parametrize("rule", list(RULE_PARAMS))
def test_each_rule_finds_the_same_gaps(engines: Engines, rule: str) -> None:
    embedded, bolt = engines
    policy = load_policy(None)
    for day in (AS_OF, EARLIER):
        index, cg = index_for(embedded, as_of=day), CypherGraph(bolt, day)
        for scope in _scopes(embedded):
            root = scope_area(index, scope)
            expected = find_gaps(index, [policy.rule(rule)], None if root is None else Subtree(index, root))
            assert find_gaps_cypher(cg, [policy.rule(rule)], root) == expected, (scope, day)


@pytest.mark.parametrize("rule", list(RULE_PARAMS))
def test_each_rule_has_findings_to_compare_on_both_engines(engines: Engines, rule: str) -> None:
    """A Cypher twin returning nothing would pass the comparison above in a district without the gap:
    every contract district has at least one finding of every rule, on each engine."""
    embedded, bolt = engines
    policy = load_policy(None)
    assert find_gaps(index_for(embedded, as_of=AS_OF), [policy.rule(rule)], None)
    assert find_gaps_cypher(CypherGraph(bolt, AS_OF), [policy.rule(rule)], None)


@pytest.mark.parametrize("ratio", list(RATIOS))
def test_each_ratio_counts_the_same(engines: Engines, ratio: str) -> None:
    embedded, bolt = engines
    policy = load_policy(None)
    for day in (AS_OF, EARLIER):
        index, cg = index_for(embedded, as_of=day), CypherGraph(bolt, day)
        for scope in _scopes(embedded):
            root = scope_area(index, scope)
            names: dict[str | None, str | None] = {}
            tally = count_embedded(index, policy, None if root is None else Subtree(index, root)).by_code(index, names)
            expected = {key: counts[ratio] for key, counts in tally.items() if counts[ratio] != [0, 0]}
            counted, _ = count_ratios(cg, policy, root, [ratio])
            assert {key: counts[ratio] for key, counts in counted.items() if counts[ratio] != [0, 0]} == expected, (scope, day)


def test_the_whole_run_and_its_summary_are_the_same(engines: Engines) -> None:
    embedded, bolt = engines
    for scope in _scopes(embedded):
        for day in (AS_OF, EARLIER):
            expected = run_coverage(embedded, scope=scope, as_of=day).to_dict()
            assert run_coverage(bolt, scope=scope, as_of=day).to_dict() == expected, (scope, day)


def test_an_unknown_scope_is_not_found_alike(engines: Engines) -> None:
    embedded, bolt = engines
    revisions = embedded.revision, bolt.revision
    errors = []
    for store in engines:
        with pytest.raises(LookupError) as caught:
            run_coverage(store, scope="NOPE")
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert (embedded.revision, bolt.revision) == revisions  # nothing was written
