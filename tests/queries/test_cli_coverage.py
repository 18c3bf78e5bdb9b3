"""``orggraph coverage`` in every format, and the demo ending with the district's coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cov") / "c.db"
    (path.parent / "c.db.key").write_text(("ab" * 32) + "\n")
    (path.parent / "c.db.key").chmod(0o600)
    key = PiiKey(bytes.fromhex("ab" * 32))
    with EmbeddedStore(path, key) as s:
        for batch in generate(Scale.COMMUNITY, seed=4, key=key, as_of="2025-06-30").batches:
            s.write(batch)
    return str(path)


def test_table(store: str) -> None:
    result = runner.invoke(app, ["coverage", "--store", store, "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "住户党员联系率" in result.output
    assert "household-uncontacted" in result.output


def test_json_shape(store: str) -> None:
    result = runner.invoke(app, ["coverage", "--store", store, "--as-of", "2025-06-30", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data["findings"], list)
    assert data["findings"]
    assert all("rule" in f and "community" in f for f in data["findings"])
    assert "households_contacted" in data["summary"]["totals"]["ratios"]


def test_rule_filter_scope_and_files(store: str, tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    result = runner.invoke(
        app, ["coverage", "--store", store, "--rule", "building-without-group", "--format", "xlsx", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert len(rows) > 1
    csv_out = tmp_path / "f.csv"
    assert runner.invoke(app, ["coverage", "--store", store, "--format", "csv", "--output", str(csv_out)]).exit_code == 0
    assert csv_out.read_text(encoding="utf-8-sig").count("\n") > 10
    bad = runner.invoke(app, ["coverage", "--store", store, "--scope", "NOPE"])
    assert bad.exit_code == 1
    assert "not-found" in bad.output
    unknown = runner.invoke(app, ["coverage", "--store", store, "--rule", "no-such-rule"])
    assert unknown.exit_code == 1
    no_output = runner.invoke(app, ["coverage", "--store", store, "--format", "xlsx"])
    assert no_output.exit_code == 1


def _heading(output: str, first_column: str) -> str:
    """The heading line of the table whose first column is ``first_column``."""
    return next(line for line in output.splitlines() if first_column in line)


def test_the_ratio_column_names_the_scope_not_its_street(store: str) -> None:
    """Issue 18: with --scope a community the ratio column was headed with the community's street."""
    whole = runner.invoke(app, ["coverage", "--store", store, "--as-of", "2025-06-30", "--limit", "0"])
    assert whole.exit_code == 0, whole.output
    heading = _heading(whole.output, "指标 ratio")
    assert "钟楼街道" in heading
    assert "合计 total" in heading
    assert "最需关注的社区" in whole.output
    assert "高 high" in _heading(whole.output, "社区 community")
    for scope, name in (("130705001001", "翠竹西社区"), ("130705001001G0102", "翠竹西社区1-2网格")):
        result = runner.invoke(app, ["coverage", "--store", store, "--as-of", "2025-06-30", "--scope", scope, "--limit", "0"])
        assert result.exit_code == 0, result.output
        for first in ("指标 ratio", "规则 rule"):
            heading = _heading(result.output, first)
            assert f"{name} ({scope})" in heading
            assert "钟楼街道" not in heading
            assert "合计 total" not in heading
        assert "最需关注的社区" not in result.output  # a community's counts shown for the scope alone, not as its community's


def test_a_grid_scope_shows_the_households_in_grid_it(store: str) -> None:
    """Issue 18: ``coverage --scope <grid>`` showed 0 households beside dozens of uncontacted households."""
    args = ["coverage", "--store", store, "--as-of", "2025-06-30", "--scope", "130705001001G0102"]
    table = runner.invoke(app, [*args, "--limit", "0"])
    assert table.exit_code == 0, table.output
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    households = data["summary"]["totals"]["households"]
    uncontacted = [f for f in data["findings"] if f["rule"] == "household-uncontacted"]
    assert households >= len(uncontacted) > 0
    assert data["summary"]["totals"]["ratios"]["households_contacted"]["denominator"] == households
    row = next(line for line in table.output.splitlines() if line.startswith("│ 户数"))
    assert f"{households:,}" in row
    assert (data["scope_name"], data["scope_kind"]) == ("翠竹西社区1-2网格", "grid")


def test_the_tables_give_rule_names_and_severities_in_chinese(store: str) -> None:
    result = runner.invoke(app, ["coverage", "--store", store, "--as-of", "2025-06-30", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "住户无党员联系（1+10）" in result.output
    assert any(word in result.output for word in ("高 high", "中 medium", "低 low"))
    assert "共 " in result.output
    shown = runner.invoke(app, ["policy", "show"])
    assert "中 medium" in shown.output
