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
