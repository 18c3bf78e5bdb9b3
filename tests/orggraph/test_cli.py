"""The ``orggraph`` command line: demo, info, export, and how errors are shown."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = runner.invoke(app, ["demo", "--scale", "community", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "幸福" in result.output or "社区" in result.output
    assert "Deliberate gaps" in result.output
    return path


def test_demo_summarises_per_street(demo_store: Path) -> None:
    result = runner.invoke(app, ["info", "--store", str(demo_store)])
    assert result.exit_code == 0, result.output
    assert "household" in result.output
    assert "合计 total" in result.output


def test_demo_refuses_to_overwrite_without_replace(demo_store: Path) -> None:
    result = runner.invoke(app, ["demo", "--scale", "community", "--store", str(demo_store)])
    assert result.exit_code == 1
    assert "config.invalid" in result.output
    assert "--replace" in result.output


def test_demo_replace_rebuilds_the_same_district(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--scale", "community", "--store", str(path), "--replace", "--seed", "3"])
        assert result.exit_code == 0, result.output


def test_info_as_of_a_date_before_anything(demo_store: Path) -> None:
    result = runner.invoke(app, ["info", "--store", str(demo_store), "--as-of", "2000-01-01"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["info", "--store", str(demo_store), "--as-of", "2000-13-01"])
    assert bad.exit_code == 1
    assert "value.invalid" in bad.output


def test_info_on_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--store", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "store.unavailable" in result.output
    assert "orggraph demo" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export(demo_store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"district.{fmt}"
    result = runner.invoke(app, ["export", "--store", str(demo_store), "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if fmt == "graphml":
        assert nx.read_graphml(out).number_of_nodes() > 1000


def test_version_prints_the_version_and_nothing_else() -> None:
    from typer.testing import CliRunner

    from orggraph import __version__
    from orggraph.cli.app import app as root

    result = CliRunner().invoke(root, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"orggraph {__version__}\n"
