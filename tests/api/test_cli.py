"""``orggraph tokens``, ``orggraph audit`` and ``orggraph serve`` (a real uvicorn on 127.0.0.1)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.store import EmbeddedStore
from tests.api.conftest import KEY, api_world

runner = CliRunner()
ENV = {"ORGGRAPH_KEY": (b"k" * 32).hex()}


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "api.db"
    api_world(EmbeddedStore(path, KEY, create=True)).close()
    return str(path)


def test_tokens_add_prints_the_token_alone_on_the_last_line_and_keeps_its_hash(store: str) -> None:
    added = runner.invoke(
        app, ["tokens", "add", "--role", "dispatcher", "--scope", "S1", "--expires", "90d", "--store", store], env=ENV
    )
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    assert token.startswith("ogt_")
    assert " " not in token
    assert token not in Path(store + ".tokens").read_text()
    listed = runner.invoke(app, ["tokens", "list", "--store", store], env=ENV)
    token_id = token.split("_")[1]
    assert token_id in listed.output
    assert "dispatcher" in listed.output
    assert token not in listed.output
    revoked = runner.invoke(app, ["tokens", "revoke", token_id, "--store", store], env=ENV)
    assert revoked.exit_code == 0
    assert "revoked" in revoked.output


def test_tokens_for_an_area_that_does_not_exist_or_a_role_that_does_not_are_refused(store: str) -> None:
    nowhere = runner.invoke(app, ["tokens", "add", "--role", "viewer", "--scope", "X9", "--store", store], env=ENV)
    assert nowhere.exit_code == 1
    assert "X9" in nowhere.output
    assert not Path(store + ".tokens").exists()
    bad_role = runner.invoke(app, ["tokens", "add", "--role", "king", "--scope", "S1", "--store", store], env=ENV)
    assert bad_role.exit_code == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http_and_the_audit_lists_who_saw_what(store: str) -> None:
    token = runner.invoke(app, ["tokens", "add", "--role", "dispatcher", "--scope", "C1", "--store", store], env=ENV)
    whole = token.output.strip().splitlines()[-1]
    port = _free_port()
    orggraph = str(Path(sys.executable).with_name("orggraph"))
    server = subprocess.Popen(
        [orggraph, "serve", "--store", store, "--port", str(port)],
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        answer = httpx.get(
            f"{base}/v1/escalation",
            params={"household": "H2", "category": "物业纠纷"},
            headers={"Authorization": f"Bearer {whole}"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["steps"][0]["person"]["name"] == "王芳"
        assert (
            httpx.get(
                f"{base}/v1/escalation",
                params={"household": "H9", "category": "物业纠纷"},
                headers={"Authorization": f"Bearer {whole}"},
            ).status_code
            == 404
        )
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert whole not in output  # the token is never logged
    audit = runner.invoke(app, ["audit", "--store", store, "--json"], env=ENV)
    assert audit.exit_code == 0, audit.output
    assert '"route":"/v1/escalation"' in audit.output
    assert '"node":"household:H2"' in audit.output


def test_serve_refuses_a_store_that_is_not_there(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["serve", "--store", str(tmp_path / "none.db")], env=ENV)
    assert missing.exit_code == 1
