"""The read port on both engines: every question of :class:`~orggraph.store.view.DayView` answered alike.

The same generated district in the embedded engine (a :class:`~orggraph.store.day_index.DayIndex`, and a
:class:`~orggraph.store.raw_view.RawView` for a day without one) and on the Bolt server (a
:class:`~orggraph.store.cypher_view.CypherView`): nodes, links one by one and in batches, whole tables,
link attributes, nodes of a kind, subtrees, and patterns — counted from given nodes and scanned over a
kind with conditions, parameters, variable lengths, unions, required patterns and a variable met twice.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orggraph.generator import Scale
from orggraph.model import LinkKind, NodeKind
from orggraph.patterns import Focus, MatchSpec
from orggraph.store import MemoryStore
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.view import DayView
from tests.contract.conftest import BoltTarget, twin_stores

AS_OF = "2025-06-30"
EARLIER = "2023-01-15"

Engines = tuple[MemoryStore, Neo4jStore]


@pytest.fixture(scope="module", params=[(Scale.COMMUNITY, 2), (Scale.COMMUNITY, 5)], ids=["community-2", "community-5"])
def engines(request: pytest.FixtureRequest, bolt_target: BoltTarget) -> Iterator[Engines]:
    scale, seed = request.param
    embedded, bolt = twin_stores(bolt_target, scale, seed, as_of=AS_OF)
    yield embedded, bolt
    bolt.close()


def _views(engines: Engines, day: str) -> list[DayView]:
    embedded, bolt = engines
    return [embedded.view(day, lazy=True), embedded.view(day), bolt.view(day)]


def _sample(view: DayView) -> list[str]:
    picked: list[str] = []
    for kind in NodeKind:
        nodes = list(view.of_kind(kind.value))
        picked += nodes[:: max(1, len(nodes) // 6)][:6]
    return picked


@pytest.mark.parametrize("day", [AS_OF, EARLIER])
def test_nodes_and_links_one_by_one_and_in_batches(engines: Engines, day: str) -> None:
    views = _views(engines, day)
    sample = _sample(views[1])
    answers = []
    for view in views:
        answer: dict[str, object] = {
            "kinds": {kind.value: list(view.of_kind(kind.value)) for kind in NodeKind},
            "node": {n: dict(view.node(n) or {}) for n in sample},
            "nodes": {n: dict(a) for n, a in view.nodes([*sample, "household:none"]).items()},
        }
        for kind in LinkKind:
            answer[f"out:{kind}"] = {n: sorted(view.out(n, kind.value)) for n in sample}
            answer[f"in:{kind}"] = {n: sorted(view.into(n, kind.value)) for n in sample}
            answer[f"parent:{kind}"] = {n: view.parent(n, kind.value) for n in sample if len(view.out(n, kind.value)) <= 1}
            answer[f"out_many:{kind}"] = {n: sorted(o) for n, o in view.out_many(sample, kind.value).items()}
            answer[f"into_many:{kind}"] = {n: sorted(o) for n, o in view.into_many(sample, kind.value).items()}
        answers.append(answer)
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize("kind", [LinkKind.PART_OF, LinkKind.CONTACTS, LinkKind.SECRETARY_OF, LinkKind.LIAISES_WITH])
def test_whole_tables_and_link_attributes(engines: Engines, kind: LinkKind) -> None:
    views = _views(engines, AS_OF)
    tables = [{n: sorted(o) for n, o in view.table(kind.value, way).items()} for view in views for way in ("out", "in")]
    assert tables[0] == tables[2] == tables[4]
    assert tables[1] == tables[3] == tables[5]
    pairs = [(s, t) for s, targets in list(tables[0].items())[:20] for t in targets]
    attrs = [[view.link(kind.value, s, t) for s, t in pairs] for view in views]
    assert attrs[0] == attrs[1] == attrs[2]
    assert all(a is not None for a in attrs[0])
    assert views[1].link(kind.value, "household:none", "area:none") is None
    assert views[2].link(kind.value, "household:none", "area:none") is None


def test_subtrees(engines: Engines) -> None:
    views = _views(engines, AS_OF)
    roots = [*views[1].of_kind("street")[:1], *views[1].of_kind("community")[:2], *views[1].of_kind("grid")[:2]]
    for root in [*roots, "area:none"]:
        trees = [view.subtree(root) for view in views]
        assert trees[0] == trees[1] == trees[2], root
        kinds = [{kind: sorted(nodes) for kind, nodes in tree.by_kind.items() if nodes} for tree in trees]
        assert kinds[0] == kinds[1] == kinds[2]


#: Specs the engines must count alike: (patterns, counted variable, condition, parameters).
SPECS: list[tuple[list[str], str, str | None, dict[str, object]]] = [
    (["(focus)<-[:CONTACTS]-(p:Person)"], "p", None, {}),
    (
        ["(focus)<-[:PART_OF]-(:Entrance)<-[:PART_OF]-(:Household)<-[:LIVES_IN]-(p:Person)-[:MEMBER_OF]->(:PartyOrg)"],
        "p",
        None,
        {},
    ),
    (["(focus)<-[:PART_OF*1..3]-(h:Household)"], "h", None, {}),
    (["(focus)<-[:PART_OF*0..4]-(n)"], "n", None, {}),
    (["(focus)<-[:LIAISES_WITH]-(p:Person {rank: $rank})"], "p", None, {"rank": "division"}),
    (["(focus)<-[:LIAISES_WITH]-(p)"], "p", "p.rank IN ['division', 'section'] OR p.kind = 'unit'", {}),
    (
        ["(focus)<-[:SITS_ON]-(p:Person)-[:MEMBER_OF]->(:PartyOrg)", "(focus)<-[:SITS_ON]-(p:Person {party_member: true})"],
        "p",
        None,
        {},
    ),
    (["(focus)-[:PROVIDES]->(j:Project)"], "j", "j.term_start <= $day AND (j.term_end IS NULL OR j.term_end >= $day)", {}),
    (
        ["(focus)-[:LIVES_IN]->(:Household)-[:PART_OF*1..6]->(c:Community)<-[:REGISTERED_WITH]-(focus)"],
        "c",
        None,
        {},
    ),
    (["(focus)<-[:COMMUNITY_WORKER_OF|GRID_WORKER_OF]-(p:Person)"], "p", "NOT coalesce(p.party_member, false) = true", {}),
    # the focus itself counted (once, when a match exists): on a Bolt server a bind once counted it
    # whether or not the pattern matched, as the focus is bound before the optional match
    (
        ["(focus)-[:LIVES_IN]->(:Household)-[:PART_OF*1..6]->(c:Community)<-[:REGISTERED_WITH]-(focus)"],
        "focus",
        None,
        {},
    ),
    (["(focus)-[:CONTACTS]->(:Household)"], "focus", None, {}),
]

#: Focus kinds each spec is scanned over.
SPEC_FOCUS = [
    "household",
    "building",
    "community",
    "grid",
    "community",
    "community",
    "owners_committee",
    "unit",
    "person",
    "grid",
    "person",
    "person",
]


@pytest.mark.parametrize("number", range(len(SPECS)))
def test_patterns_count_alike(engines: Engines, number: int) -> None:
    patterns, count, where, params = SPECS[number]
    spec = MatchSpec.of(patterns, count, where, params)
    kind = SPEC_FOCUS[number]
    for day in (AS_OF, EARLIER):
        views = _views(engines, day)
        nodes = list(views[1].of_kind(kind))
        bound = [view.bind(spec, [*nodes, f"{kind}:none"]) for view in views]
        assert bound[0] == bound[1] == bound[2]
        focus = Focus.of(kind)
        for low, high in ((1, None), (2, None), (None, 0), (1, 3), (None, None)):
            scans = [view.scan(focus, spec, low, high) for view in views]
            assert scans[0] == scans[1] == scans[2], (low, high)
        expected = {n: len(bound[1].get(n, [])) for n in nodes}
        assert views[1].scan(focus, spec, 1, 3) == [(n, c) for n, c in sorted(expected.items()) if c < 1 or c > 3]


def test_a_focus_with_a_scope_a_condition_and_required_patterns(engines: Engines) -> None:
    views = _views(engines, AS_OF)
    community = views[1].of_kind("community")[0]
    spec = MatchSpec.of(["(focus)<-[:GRID_WORKER_OF]-(p:Person)"], "p")
    basic = Focus.of("grid", requires=["(focus)<-[:IN_GRID]-(:Household)"], root=community)
    households = Focus.of("household", where="focus.care_tags IS NOT NULL", root=community)
    uncontacted = MatchSpec.of(["(focus)<-[:CONTACTS]-(p:Person)"], "p")
    for focus, counted in ((basic, spec), (households, uncontacted), (households, None)):
        scans = [view.scan(focus, counted, 1, None) for view in views]
        assert scans[0] == scans[1] == scans[2]
    assert views[1].scan(households, None, None, None)  # the community has care-tagged households
    everything = {n for n, _ in views[1].scan(Focus.of("household", root=community), None, None, None)}
    assert everything == set(views[1].subtree(community).of_kind("household"))


def test_a_focus_chosen_among_given_nodes(engines: Engines) -> None:
    views = _views(engines, AS_OF)
    persons = list(views[1].of_kind("person"))
    given = [*persons[::3], *views[1].of_kind("household")[:5], "person:none"]
    focus = Focus.of("person", where="focus.status = 'in_service'", requires=["(focus)-[:MEMBER_OF]->(:PartyOrg)"])
    spec = MatchSpec.of(["(focus)-[:CONTACTS]->(h:Household)"], "h")
    for counted, low, high in ((None, None, None), (spec, 1, None), (spec, None, 0)):
        scans = [view.scan(focus.picking(given), counted, low, high) for view in views]
        assert scans[0] == scans[1] == scans[2]
        whole = {node for node, _ in views[1].scan(focus, counted, low, high)}
        assert [node for node, _ in scans[1]] == sorted(whole & set(given))
        assert scans[1] or low == 1  # (every in-service member here contacts some household)
