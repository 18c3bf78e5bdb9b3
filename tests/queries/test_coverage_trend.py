"""The headline ratios over month-ends (趋势): as-of views read each day as it was."""

from __future__ import annotations

import datetime as dt

from orggraph.model import LinkKind
from orggraph.store import Batch, MemoryStore
from queries.coverage import run_coverage
from queries.coverage.trend import district_counts, month_ends, ratios_of, trend, trend_of_counts
from queries.policy import load_policy
from tests.queries.test_escalation_world import KEY, pid, tiny_world

POLICY = load_policy(None)


def test_month_ends_are_the_last_twelve_on_or_before_today_oldest_first() -> None:
    days = month_ends(dt.date(2026, 12, 7))
    assert len(days) == 12
    assert (days[0], days[-1]) == (dt.date(2025, 12, 31), dt.date(2026, 11, 30))
    assert dt.date(2026, 2, 28) in days
    assert month_ends(dt.date(2024, 3, 31), 2) == [dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


def test_a_link_ended_mid_year_lowers_the_ratio_from_the_next_month_end_on() -> None:
    store = MemoryStore(KEY)
    store.write(tiny_world())
    before = ratios_of(store.view("2026-01-31", lazy=True), POLICY, "C1")
    assert before is not None
    ended = Batch("王芳 stops contacting H2")
    ended.unlink(LinkKind.CONTACTS, pid("王芳"), "household:H2", end="2026-04-15")
    store.write(ended)
    days = month_ends(dt.date(2026, 6, 1), 3)  # March, April, May
    found = trend(lambda day: store.view(day, lazy=True), POLICY, "C1", days)
    contacted = [point["households_contacted"] if point else None for point in found.points]
    assert [r.numerator if r else None for r in contacted] == [
        before["households_contacted"].numerator,
        before["households_contacted"].numerator - 1,
        before["households_contacted"].numerator - 1,
    ]
    assert found.days == ["2026-03-31", "2026-04-30", "2026-05-31"]
    assert found.to_dict()["series"]["households_contacted"][1]["denominator"] == before["households_contacted"].denominator


def test_a_day_matches_the_whole_coverage_run_of_that_day() -> None:
    store = MemoryStore(KEY)
    store.write(tiny_world())
    day = "2026-05-31"
    whole = run_coverage(store.view(day), scope="C1", policy=POLICY).summary.totals.ratios
    assert ratios_of(store.view(day, lazy=True), POLICY, "C1") == whole


def test_a_day_after_the_area_was_ended_has_no_point() -> None:
    store = MemoryStore(KEY)
    store.write(tiny_world())
    gone = Batch("C1 merged away")
    gone.end_node("area:C1", end="2026-02-10")
    store.write(gone)
    found = trend(lambda day: store.view(day, lazy=True), POLICY, "C1", [dt.date(2026, 1, 31), dt.date(2026, 2, 28)])
    assert found.points[0] is not None
    assert found.points[1] is None
    assert found.to_dict()["series"]["households_contacted"][1] is None


def test_the_whole_districts_counts_give_each_areas_trend_as_its_own_run_does() -> None:
    store = MemoryStore(KEY)
    store.write(tiny_world())
    ended = Batch("王芳 stops contacting H2")
    ended.unlink(LinkKind.CONTACTS, pid("王芳"), "household:H2", end="2026-04-15")
    store.write(ended)
    days = month_ends(dt.date(2026, 6, 1), 3)
    counts = district_counts(lambda day: store.view(day, lazy=True), POLICY, days)
    for code, level in (("D", "district"), ("S1", "street"), ("C1", "community")):
        alone = trend(lambda day: store.view(day, lazy=True), POLICY, code, days)
        assert trend_of_counts(counts, POLICY, days, code, level) == alone, code
