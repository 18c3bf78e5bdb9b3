"""``orggraph escalate`` and ``orggraph who`` on a generated community."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore

runner = CliRunner()
AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    path = tmp_path_factory.mktemp("esc") / "e.db"
    (path.parent / "e.db.key").write_text(("cd" * 32) + "\n")
    (path.parent / "e.db.key").chmod(0o600)
    key = PiiKey(bytes.fromhex("cd" * 32))
    with EmbeddedStore(path, key) as s:
        for batch in generate(Scale.COMMUNITY, seed=6, key=key, as_of=AS_OF).batches:
            s.write(batch)
        household = next(n for n, a in s.nodes(as_of=AS_OF) if a["kind"] == "household")
    return str(path), household.split(":", 1)[1]


def test_escalate_table_and_json(store: tuple[str, str]) -> None:
    path, household = store
    args = ["escalate", household, "--category", "物业纠纷", "--store", path, "--as-of", AS_OF, "--at", "2025-06-30T09:00"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "逐级响应" in table.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["steps"][0]["deadline"].startswith("2025-06-30T10:00")
    levels = [s["level"] for s in data["steps"]]
    assert levels == sorted(levels, key=["contact", "building", "grid", "community", "street"].index)


def test_escalate_errors(store: tuple[str, str]) -> None:
    path, household = store
    unknown = runner.invoke(app, ["escalate", household, "--category", "外星人", "--store", path])
    assert unknown.exit_code == 1
    assert "config.invalid" in unknown.output
    nowhere = runner.invoke(app, ["escalate", "幸福里小区99号楼9单元909室", "--category", "物业纠纷", "--store", path])
    assert nowhere.exit_code == 1
    assert "not-found" in nowhere.output


def test_who(store: tuple[str, str]) -> None:
    path, household = store
    result = runner.invoke(app, ["who", "--household", household, "--store", path, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["household"]["code"] == household
    community = runner.invoke(app, ["who", "--community", "130705001001", "--store", path, "--as-of", AS_OF])
    assert community.exit_code == 0, community.output
    both = runner.invoke(app, ["who", "--household", household, "--community", "x", "--store", path])
    assert both.exit_code == 1
