"""The command line on a Bolt store: ``migrate`` both ways with its check, the same answers from the
commands run against the server, and a clear message for every way of not reaching it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.model import NodeKind
from orggraph.settings import load_settings
from orggraph.store import EmbeddedStore, pii_key
from orggraph.store.digest import graph_digest
from tests.contract.conftest import BoltTarget, wipe

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bolt-cli") / "demo.db"
    result = runner.invoke(app, ["demo", "--scale", "community", "--seed", "7", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _env(target: BoltTarget, key_file: Path) -> dict[str, str]:
    return {
        "ORGGRAPH_NEO4J_USER": target.user,
        "ORGGRAPH_NEO4J_PASSWORD": target.password,
        "ORGGRAPH_KEY_FILE": str(key_file),
        "ORGGRAPH_NEO4J_DATABASE": target.database or "",
    }


def test_migrate_to_the_server_and_back_gives_the_same_graph(demo_file: Path, bolt_target: BoltTarget, tmp_path: Path) -> None:
    wipe(bolt_target)
    env = {k: v for k, v in _env(bolt_target, Path(f"{demo_file}.key")).items() if k != "ORGGRAPH_KEY_FILE"}
    result = runner.invoke(app, ["migrate", "--store", str(demo_file), "--to", bolt_target.uri], env=env)
    assert result.exit_code == 0, result.output
    assert "identical" in result.output
    again = runner.invoke(app, ["migrate", "--store", str(demo_file), "--to", bolt_target.uri], env=env)
    assert again.exit_code == 1  # the server's graph is not empty any more
    assert "--replace" in again.output or "already holds" in again.output

    back = tmp_path / "back.db"
    env_back = _env(bolt_target, Path(f"{demo_file}.key"))
    result = runner.invoke(app, ["migrate", "--store", str(back), "--from", bolt_target.uri], env=env_back)
    assert result.exit_code == 0, result.output
    assert "identical" in result.output
    key = pii_key(load_settings(store=str(demo_file)), create=False)
    with EmbeddedStore(demo_file, key, create=False) as original, EmbeddedStore(back, key, create=False) as copy:
        assert graph_digest(copy.graph) == graph_digest(original.graph)


def test_commands_answer_alike_on_the_server(demo_file: Path, bolt_target: BoltTarget) -> None:
    wipe(bolt_target)
    env = _env(bolt_target, Path(f"{demo_file}.key"))
    assert runner.invoke(app, ["migrate", "--store", str(demo_file), "--to", bolt_target.uri], env=env).exit_code == 0
    key = pii_key(load_settings(store=str(demo_file)), create=False)
    with EmbeddedStore(demo_file, key, create=False) as original:
        household = min(n for n, _ in original.nodes(NodeKind.HOUSEHOLD))
        community = min(n for n, _ in original.nodes(NodeKind.COMMUNITY))
    at = "2025-07-01T09:30:00+08:00"
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()  # another day the demo's district exists
    commands = [
        ["coverage", "--format", "json"],
        ["coverage", "--format", "json", "--scope", community.split(":", 1)[1], "--as-of", later],
        ["escalate", household.split(":", 1)[1], "--category", "物业纠纷", "--at", at, "--json"],
        ["escalate", household.split(":", 1)[1], "--category", "违章搭建", "--at", at, "--as-of", later, "--json"],
        ["who", "--household", household.split(":", 1)[1]],
        ["who", "--community", community.split(":", 1)[1]],
        ["who", "--path", household, community],
    ]
    for command in commands:
        on_file = runner.invoke(app, [*command, "--store", str(demo_file)], env=env)
        on_server = runner.invoke(app, [*command, "--store", bolt_target.uri], env=env)
        assert on_file.exit_code == on_server.exit_code == 0, (command, on_server.output)
        assert json.loads(on_server.output) == json.loads(on_file.output), command
    on_file = runner.invoke(app, ["info", "--store", str(demo_file)], env=env)
    on_server = runner.invoke(app, ["info", "--store", bolt_target.uri], env=env)
    assert on_file.exit_code == on_server.exit_code == 0, on_server.output
    assert "Bolt server" in on_server.output
    assert on_server.output.split("as of")[1] == on_file.output.split("as of")[1]


def test_a_demo_builds_on_the_server(bolt_target: BoltTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its rosters beside the working folder
    wipe(bolt_target)
    env = _env(bolt_target, tmp_path / "bolt.key")
    result = runner.invoke(app, ["demo", "--scale", "community", "--store", bolt_target.uri], env=env)
    assert result.exit_code == 0, result.output
    refused = runner.invoke(app, ["demo", "--scale", "community", "--store", bolt_target.uri], env=env)
    assert refused.exit_code == 1
    assert "--replace" in refused.output


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ORGGRAPH_NEO4J_PASSWORD": "wrong"}, "store.auth"),
        ({"ORGGRAPH_STORE_PORT": "closed"}, "store.unavailable"),
    ],
    ids=["wrong-credentials", "unreachable"],
)
def test_not_reaching_the_server_is_one_clear_line(
    change: dict[str, str], code: str, bolt_target: BoltTarget, tmp_path: Path
) -> None:
    env = {**_env(bolt_target, tmp_path / "k.key"), **change}
    uri = bolt_target.uri
    if "ORGGRAPH_STORE_PORT" in change:
        uri = "bolt://127.0.0.1:9"  # nothing listens on the discard port
    result = runner.invoke(app, ["info", "--store", uri], env=env)
    if code == "store.auth" and bolt_target.server is not None:
        pytest.skip("FalkorDB accepts any password; Neo4j (ORGGRAPH_TEST_NEO4J_URI) checks it")
    assert result.exit_code == 1
    assert code in result.output
    assert "Traceback" not in result.output
