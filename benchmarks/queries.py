"""The queries' budgets (issue: queries), on the generated district in a memory store.

* ``index_build_s`` — the day index of the district (built once per store revision and day);
* ``all_rules_district_s`` — every coverage rule (declared in the policy) over the whole district, its day
  index built; ``rules_s`` each rule alone (``household-uncontacted``, the hottest, also on a fresh index:
  ``household_uncontacted_fresh_s``);
* ``coverage_district_s`` — the same through ``run_coverage`` with the per-street summary;
* ``all_rules_community_ms`` — every rule over one community (median over several communities);
* ``escalation_today_us`` — an escalation path as of today (cached after the first ask: the median of
  repeated asks over many households), and ``escalation_today_first_us`` the first ask;
* ``escalation_other_date_us`` — as of another date, households not asked before (a raw walk with
  period checks, no index), once the busy nodes are grouped; ``…_cold_us`` the first thousand asks on a
  fresh store, ``…_repeated_us`` the same households asked again;
* ``propose_contacts_s`` — the 1+10 proposal for the whole district.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from benchmarks.measure import district_in_memory, median_time, rounded
from orggraph.generator import Scale
from orggraph.model.kinds import NodeKind
from orggraph.pii import PiiKey
from orggraph.store.day_index import DayIndex
from queries.coverage import find_gaps, run_coverage
from queries.escalation import escalation_path
from queries.policy import load_policy
from queries.proposals import propose_contacts

CATEGORIES = ("物业纠纷", "违章搭建", "邻里纠纷", "养老服务")


def _per_call_us(calls: list[Any]) -> float:
    """Median of per-call times (µs) over batches of the calls."""
    runs = []
    for start in range(0, len(calls), 200):
        batch = calls[start : start + 200]
        began = time.perf_counter()
        for call in batch:
            call()
        runs.append((time.perf_counter() - began) / len(batch) * 1e6)
    return statistics.median(runs)


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    key = PiiKey(b"benchmark-key-benchmark-key-0001")
    store = district_in_memory(scale, key)
    policy = load_policy(None)
    day = dt.date.today().isoformat()
    index_s, index_runs = median_time(lambda: DayIndex.build(store.graph, day=day), repeat)
    view = store.view()
    rules = policy.enabled()
    rules_s, rules_runs = median_time(lambda: find_gaps(view, rules, None), repeat)
    per_rule: dict[str, list[float]] = {}
    for _ in range(repeat):
        timings: dict[str, float] = {}
        find_gaps(view, rules, None, timings)
        for rule_id, seconds in timings.items():
            per_rule.setdefault(rule_id, []).append(seconds)
    uncontacted = [policy.rule("household-uncontacted")]
    fresh_runs = []
    for _ in range(repeat):
        fresh = DayIndex.build(store.graph, day=day)  # nothing read of it before: no table, atlas or memo
        began = time.perf_counter()
        find_gaps(fresh, uncontacted, None)
        fresh_runs.append(time.perf_counter() - began)
        del fresh
    coverage_s, _ = median_time(lambda: run_coverage(view, policy=policy), repeat)
    communities = list(view.of_kind(NodeKind.COMMUNITY.value))
    rng = random.Random(7)
    sample = rng.sample(communities, min(20, len(communities)))
    community_ms = []
    for community in sample:
        began = time.perf_counter()
        run_coverage(view, scope=community.split(":", 1)[1], policy=policy)
        community_ms.append((time.perf_counter() - began) * 1e3)
    households = rng.sample(list(view.of_kind(NodeKind.HOUSEHOLD.value)), 3000)
    at = dt.datetime(2026, 1, 5, 9, 0)
    first = [lambda h=h: escalation_path(store.view(), h, CATEGORIES[0], at=at, policy=policy) for h in households[:1000]]
    first_us = _per_call_us(first)
    repeated = [lambda h=h: escalation_path(store.view(), h, CATEGORIES[0], at=at, policy=policy) for h in households[:1000]]
    today_us = _per_call_us(repeated)
    other_day = (dt.date.today() - dt.timedelta(days=200)).isoformat()

    def other(chosen: list[str]) -> list[Any]:
        return [
            lambda h=h: escalation_path(store.view(other_day, lazy=True), h, CATEGORIES[1], at=at, policy=policy) for h in chosen
        ]

    other_cold_us = _per_call_us(other(households[1000:2000]))  # a fresh store: busy nodes grouped on first visit
    other_us = _per_call_us(other(households[2000:]))  # households never asked before, steady state
    other_repeated_us = _per_call_us(other(households[2000:]))
    propose_s, propose_runs = median_time(lambda: propose_contacts(store, policy=policy), max(1, min(repeat, 2)))
    return {
        "suite": "queries",
        "scale": scale.value,
        "repeat": repeat,
        "households": len(view.of_kind(NodeKind.HOUSEHOLD.value)),
        "index_build_s": rounded(index_s),
        "all_rules_district_s": rounded(rules_s),
        "rules_s": {rule_id: rounded(statistics.median(runs), 3) for rule_id, runs in per_rule.items()},
        "household_uncontacted_fresh_s": rounded(statistics.median(fresh_runs), 3),
        "coverage_district_s": rounded(coverage_s),
        "all_rules_community_ms": rounded(statistics.median(community_ms), 2),
        "escalation_today_us": rounded(today_us, 1),
        "escalation_today_first_us": rounded(first_us, 1),
        "escalation_other_date_us": rounded(other_us, 1),
        "escalation_other_date_cold_us": rounded(other_cold_us, 1),
        "escalation_other_date_repeated_us": rounded(other_repeated_us, 1),
        "propose_contacts_s": rounded(propose_s),
        "runs": {
            "index_build_s": [rounded(t) for t in index_runs],
            "all_rules_district_s": [rounded(t) for t in rules_runs],
            "household_uncontacted_fresh_s": [rounded(t, 3) for t in fresh_runs],
            "all_rules_community_ms": [rounded(t, 2) for t in community_ms],
            "propose_contacts_s": [rounded(t) for t in propose_runs],
        },
        "budgets": {
            "all_rules_district_s": 1.0,
            "all_rules_community_ms": 10,
            "escalation_today_us": 10,
            "escalation_today_first_us": 150,
            "escalation_other_date_us": 60,
            "propose_contacts_s": 30,
        },
    }
