"""A ratio with nothing to count is no ratio: ``None`` in JSON, "—" in the table and the exports, never
100% (a community without an owners' committee has met no owners'-committee norm)."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from orggraph.store import MemoryStore
from queries.cli.coverage import _percent
from queries.coverage import run_coverage
from queries.coverage.export import write_csv, write_xlsx
from tests.api.conftest import KEY, api_world


def test_a_ratio_with_nothing_to_count_is_a_dash_not_100_percent(tmp_path: Path) -> None:
    store = MemoryStore(KEY)
    api_world(store)
    result = run_coverage(store.view(), scope="C2")
    empty = [name for name, ratio in result.summary.totals.ratios.items() if ratio.denominator == 0]
    assert empty, "the test world's C2 should have a ratio with nothing to count"
    name = empty[0]
    assert result.summary.totals.ratios[name].value is None
    assert result.summary.to_dict()["totals"]["ratios"][name]["value"] is None
    assert _percent(None) == "—"
    write_xlsx(result, tmp_path / "c2.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "c2.xlsx")).get_sheet_by_name("汇总 Summary").to_python()
    assert "—" in rows[1]
    write_csv(result, tmp_path / "c2.csv")
    assert "100.0%" not in (tmp_path / "c2.csv").read_text(encoding="utf-8-sig")
