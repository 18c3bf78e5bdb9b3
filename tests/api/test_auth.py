"""Bearer tokens: who gets in (401), what each role may do (403), and the token book itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.tokens import Role, TokenBook, parse_expiry
from orggraph.errors import ConfigurationError, NotFoundError
from tests.api.conftest import ClientFor

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def test_health_and_readiness_need_no_token(client: ClientFor) -> None:
    base: TestClient = client.base  # type: ignore[attr-defined]
    assert base.get("/healthz").json() == {"status": "alive"}
    ready = base.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["revision"] >= 1
    assert "/v1/escalation" in base.get("/openapi.json").json()["paths"]
    assert base.get("/docs").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer ogt_00000000_x", "Basic dXNlcjpwYXNz"])
def test_no_token_or_a_wrong_one_is_a_401_with_a_bearer_challenge(client: ClientFor, header: str | None) -> None:
    base: TestClient = client.base  # type: ignore[attr-defined]
    answer = base.get("/v1/coverage/summary", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["code"] == "auth.unauthenticated"


def test_a_revoked_token_stops_working(client: ClientFor, tokens: TokenBook) -> None:
    viewer = client("viewer", "D")
    assert viewer.get("/v1/coverage/summary").status_code == 200
    token_id = viewer.headers["Authorization"].split("_")[1]
    tokens.revoke(token_id)
    assert viewer.get("/v1/coverage/summary").status_code == 401


def test_an_expired_token_stops_working(client: ClientFor, tokens: TokenBook) -> None:
    whole, _ = tokens.add(Role.ADMIN, "D", expires=(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat(), note=None)
    base: TestClient = client.base  # type: ignore[attr-defined]
    assert base.get("/v1/coverage/summary", headers={"Authorization": f"Bearer {whole}"}).status_code == 401


#: One route a role needs, for each role.
NEEDS = [
    ("viewer", "/v1/coverage/summary"),
    ("dispatcher", "/v1/liaison?household=H2"),
    ("planner", "/v1/proposals/contacts"),
    ("admin", "/v1/tokens"),
]


@pytest.mark.parametrize(("needed", "route"), NEEDS)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_roles_are_cumulative_and_a_lower_role_gets_a_403(client: ClientFor, role: str, needed: str, route: str) -> None:
    answer = client(role, "S1").get(route)
    if Role(role).allows(Role(needed)):
        assert answer.status_code == 200, answer.text
    else:
        assert answer.status_code == 403
        assert answer.json()["code"] == "auth.forbidden"


def test_only_an_importer_or_an_admin_may_upload(client: ClientFor) -> None:
    files = {"files": ("a.csv", b"x", "text/csv")}
    assert client("planner", "S1").post("/v1/imports", files=files).status_code == 403


def test_a_token_whose_area_is_gone_is_refused(client: ClientFor) -> None:
    answer = client("admin", "NOWHERE").get("/v1/coverage/summary")
    assert answer.status_code == 403


def test_the_token_file_keeps_hashes_only_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "store.db.tokens"
    book = TokenBook(path)
    whole, token = book.add(Role.DISPATCHER, "S1", expires=None, note="hotline", now=NOW)
    text = path.read_text()
    assert whole not in text
    assert whole.split("_")[2] not in text
    assert token.secret_sha256 in text
    assert path.stat().st_mode & 0o777 == 0o600
    again = TokenBook(path)  # another process reads the same file
    assert again.verify(whole, now=NOW) == token
    again.revoke(token.id, now=NOW)
    book._checked = 0.0  # the first book looks at the file again (it does so once a second)
    assert book.verify(whole, now=NOW + dt.timedelta(seconds=2)) is None
    with pytest.raises(NotFoundError):
        book.revoke("nope")


def test_expiry_forms() -> None:
    assert parse_expiry("12h", NOW) == "2026-03-01T12:00:00+00:00"
    assert parse_expiry("2026-03-01T08:00:00+08:00", NOW) == "2026-03-01T00:00:00+00:00"
    with pytest.raises(ConfigurationError):
        parse_expiry("soon", NOW)


def test_an_admin_makes_lists_and_revokes_tokens_within_its_scope(client: ClientFor) -> None:
    admin = client("admin", "S1")
    made = admin.post("/v1/tokens", json={"role": "dispatcher", "scope": "C1", "expires": "30d", "note": "热线"})
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["token"].startswith("ogt_")
    assert new["scope"] == "C1"
    assert new["expires"]
    listed = {t["id"]: t for t in admin.get("/v1/tokens").json()}
    assert new["id"] in listed
    assert "token" not in listed[new["id"]]
    assert "secret_sha256" not in listed[new["id"]]
    base: TestClient = client.base  # type: ignore[attr-defined]
    own = {"Authorization": f"Bearer {new['token']}"}
    assert base.get("/v1/liaison?household=H2", headers=own).status_code == 200
    assert admin.delete(f"/v1/tokens/{new['id']}").json()["revoked"]
    assert base.get("/v1/liaison?household=H2", headers=own).status_code == 401
