"""Coverage on both engines: every declared rule, every ratio, scoped and as of another day — identical answers.

The rules are the policy's declarations, run over each engine's view: over the day index on the
embedded engine, as Cypher on the Bolt server. The generated districts carry their deliberate
imperfections, so every rule has findings to compare (a test says so, rule by rule).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orggraph.generator import Scale
from orggraph.model import NodeKind
from orggraph.store import GraphStore, MemoryStore
from orggraph.store.neo4j import Neo4jStore
from queries.coverage import CoverageResult, Finding, find_gaps, ratio_names, run_coverage, scope_of
from queries.policy import load_policy
from tests.contract.conftest import BoltTarget, twin_stores
from tests.queries.test_coverage_scope import households_in_grid

#: Every declared rule of the shipped policy, the one that ships off included.
RULES = list(load_policy(None).coverage)
RATIOS = ratio_names(load_policy(None))
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


def _gaps(store: GraphStore, rule: str, day: str, scope: str | None) -> list[Finding]:
    policy = load_policy(None)
    view = store.view(day)
    return find_gaps(view, [policy.rule(rule)], scope_of(view, scope))


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_finds_the_same_gaps(engines: Engines, rule: str) -> None:
    embedded, bolt = engines
    for day in (AS_OF, EARLIER):
        for scope in _scopes(embedded):
            assert _gaps(bolt, rule, day, scope) == _gaps(embedded, rule, day, scope), (scope, day)


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_has_findings_to_compare_on_both_engines(engines: Engines, rule: str) -> None:
    """A rule finding nothing would pass the comparison above in a district without the gap: every
    contract district has at least one finding of every declared rule, on each engine."""
    embedded, bolt = engines
    assert _gaps(embedded, rule, AS_OF, None)
    assert _gaps(bolt, rule, AS_OF, None)


_RUNS: dict[tuple[int, str | None, str], CoverageResult] = {}


def _run(store: GraphStore, scope: str | None, day: str) -> CoverageResult:
    """A whole run, made once per store, scope and day of the module (the ratio tests share them)."""
    key = (id(store), scope, day)
    if key not in _RUNS:
        _RUNS[key] = run_coverage(store.view(day), scope=scope)
    return _RUNS[key]


@pytest.mark.parametrize("ratio", list(RATIOS))
def test_each_ratio_counts_the_same(engines: Engines, ratio: str) -> None:
    embedded, _ = engines
    denominators = 0
    for day in (AS_OF, EARLIER):
        for scope in _scopes(embedded):
            counted = []
            for store in engines:
                summary = _run(store, scope, day).summary
                counted.append(
                    [(a.code, a.ratios[ratio].to_dict()) for a in (summary.totals, *summary.streets, *summary.communities)]
                )
            assert counted[0] == counted[1], (scope, day)
            denominators += counted[0][0][1]["denominator"]
    assert denominators, ratio  # something was counted: a ratio of nothing would compare equal too


def test_the_whole_run_and_its_summary_are_the_same(engines: Engines) -> None:
    embedded, bolt = engines
    for scope in _scopes(embedded):
        for day in (AS_OF, EARLIER):
            assert _run(bolt, scope, day).to_dict() == _run(embedded, scope, day).to_dict(), (scope, day)


def test_a_grid_scope_counts_the_households_in_grid_it_on_both_engines(engines: Engines) -> None:
    """Issue 18: a basic grid's scope holds the households IN_GRID it (none lies below it in the address
    tree): its household count is what its findings are about, on the Bolt server as embedded."""
    embedded, _ = engines
    view = embedded.view(AS_OF)
    grids = sorted(n.split(":", 1)[1] for n, _ in embedded.nodes(NodeKind.GRID, as_of=AS_OF))
    for grid in (grids[0], grids[len(grids) // 2]):
        expected = households_in_grid(view, grid)
        assert expected, grid
        for store in engines:
            result = _run(store, grid, AS_OF)
            uncontacted = {f.node for f in result.findings if f.rule == "household-uncontacted"}
            assert result.summary.totals.households == len(expected), (store, grid)
            assert uncontacted <= expected, (store, grid)
            assert (result.scope_kind, result.whole_streets(), result.whole_communities()) == ("grid", [], [])


def test_an_unknown_scope_is_not_found_alike(engines: Engines) -> None:
    embedded, bolt = engines
    revisions = embedded.revision, bolt.revision
    errors = []
    for store in engines:
        with pytest.raises(LookupError) as caught:
            run_coverage(store.view(), scope="NOPE")
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert (embedded.revision, bolt.revision) == revisions  # nothing was written
