"""Tokens expire after 90 days unless asked otherwise (issue 15, B.6).

``orggraph tokens add`` and ``POST /v1/tokens`` give a token 90 days when no ``--expires`` is
given; ``--expires 30d`` (or a date, an ISO time) another span; ``--expires never`` — asked for in
so many words — none. Tokens made before, kept without an expiry, go on working and are listed as
"no expiry".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from api.tokens import DEFAULT_EXPIRY_DAYS, Role, TokenBook, expiry_of
from orggraph.cli.app import app
from orggraph.errors import ConfigurationError
from orggraph.store import EmbeddedStore
from tests.api.conftest import KEY, ClientFor, api_world
from tests.api.test_cli import ENV

runner = CliRunner()
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "tokens.db"
    api_world(EmbeddedStore(path, KEY, create=True)).close()
    return str(path)


def _days_left(expires: str | None) -> float:
    assert expires is not None
    return (dt.datetime.fromisoformat(expires) - dt.datetime.now(dt.UTC)) / dt.timedelta(days=1)


def _add(store: str, *more: str) -> tuple[str, dict[str, object]]:
    added = runner.invoke(app, ["tokens", "add", "--role", "viewer", "--scope", "C1", *more, "--store", store], env=ENV)
    assert added.exit_code == 0, added.output
    token_id = added.output.strip().splitlines()[-1].split("_")[1]
    kept = {t.id: t for t in TokenBook(Path(store + ".tokens")).list()}[token_id]
    return added.output, kept.public()


def test_the_default_expiry_is_90_days() -> None:
    assert DEFAULT_EXPIRY_DAYS == 90
    assert expiry_of(None, NOW) == "2026-05-30T00:00:00+00:00"
    assert expiry_of("30d", NOW) == "2026-03-31T00:00:00+00:00"
    assert expiry_of("never", NOW) is None
    with pytest.raises(ConfigurationError):
        expiry_of("", NOW)


def test_a_token_made_on_the_command_line_expires_in_90_days_unless_asked(store: str) -> None:
    output, token = _add(store)
    assert 89.9 < _days_left(str(token["expires"])) <= 90
    assert str(token["expires"])[:10] in output
    _, month = _add(store, "--expires", "30d")
    assert 29.9 < _days_left(str(month["expires"])) <= 30
    output, forever = _add(store, "--expires", "never")
    assert forever["expires"] is None
    assert "no expiry" in output


def test_a_token_of_before_without_an_expiry_keeps_working_and_is_listed_as_no_expiry(store: str, client: ClientFor) -> None:
    book = TokenBook(Path(store + ".tokens"))
    whole, old = book.add(Role.VIEWER, "C1", expires=None, note="made before issue 15")
    raw = orjson.loads(Path(store + ".tokens").read_bytes())
    assert raw["tokens"][0]["expires"] is None
    assert TokenBook(Path(store + ".tokens")).verify(whole, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)) == old
    listed = runner.invoke(app, ["tokens", "list", "--store", store], env=ENV)
    assert listed.exit_code == 0, listed.output
    line = next(row for row in listed.output.splitlines() if old.id in row)
    assert "no expiry" in line


def test_a_token_made_over_the_api_expires_in_90_days_unless_asked(client: ClientFor) -> None:
    admin = client("admin", "S1")
    made = admin.post("/v1/tokens", json={"role": "dispatcher", "scope": "C1"})
    assert made.status_code == 201, made.text
    assert 89.9 < _days_left(made.json()["expires"]) <= 90
    forever = admin.post("/v1/tokens", json={"role": "viewer", "expires": "never"})
    assert forever.status_code == 201, forever.text
    assert forever.json()["expires"] is None
