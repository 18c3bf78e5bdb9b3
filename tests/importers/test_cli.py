"""``orggraph import``, ``orggraph history`` and ``orggraph export --rosters`` from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from orggraph.cli.app import app
from tests.importers.conftest import HOUSEHOLDS, write

runner = CliRunner()


def test_import_report_history_and_round_trip(tmp_path: Path, rosters: list[Path]) -> None:
    store = str(tmp_path / "cli.db")
    first = runner.invoke(app, ["import", *map(str, rosters), "--store", store, "--date", "2025-06-01"])
    assert first.exit_code == 0, first.output
    assert "住户 households" in first.output
    dry = runner.invoke(app, ["import", *map(str, rosters), "--store", store, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "试运行" in dry.output
    bad = write(tmp_path, "坏住户.csv", HOUSEHOLDS + "H9,NOGRID,130705001001X1,3号楼,1单元,103,1,,否\n")
    report = tmp_path / "report.xlsx"
    refused = runner.invoke(app, ["import", str(bad), "--store", store, "--report", str(report)])
    assert refused.exit_code == 1
    assert "NOGRID" in refused.output
    assert report.exists()
    history = runner.invoke(app, ["history", "--store", store])
    assert history.exit_code == 0, history.output
    assert "rejected" in history.output
    assert "written" in history.output
    out = tmp_path / "out"
    exported = runner.invoke(app, ["export", "--rosters", str(out), "--roster-format", "csv", "--store", store])
    assert exported.exit_code == 0, exported.output
    assert (out / "住户.csv").read_text(encoding="gb18030").count("\n") == 5
    again = runner.invoke(app, ["import", *map(str, sorted(out.iterdir())), "--store", store])
    assert again.exit_code == 0, again.output
    assert "无变化" in again.output


def test_import_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "config.invalid" in result.output


def test_export_needs_output_or_rosters(tmp_path: Path, rosters: list[Path]) -> None:
    store = str(tmp_path / "cli.db")
    runner.invoke(app, ["import", *map(str, rosters), "--store", store])
    result = runner.invoke(app, ["export", "--store", store])
    assert result.exit_code == 1
    assert "--rosters" in result.output
