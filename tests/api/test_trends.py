"""The district's trend counted in child processes, for a store the server opened from its settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import open_store
from orggraph.timeline import today
from queries.coverage.trend import month_ends, trend
from queries.policy import load_policy
from tests.api.conftest import api_world


def test_the_districts_trend_counted_in_children_is_the_one_counted_alone(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "s.db"))
    with open_store(settings, create=True) as store:
        api_world(store)
    tokens = TokenBook(None)
    app = create_app(settings, tokens=tokens)
    whole, _ = tokens.add(Role.VIEWER, "D", expires=None, note="trend")
    with TestClient(app, headers={"Authorization": f"Bearer {whole}"}) as client:
        assert app.state.service.own_store  # so the count is made in child processes
        answers = {code: client.get("/v1/coverage/trend", params={"area": code}).json() for code in ("D", "S1", "C1", "G1")}
        counted = app.state.service.count_district()  # kept for the revision: the same object again
        assert app.state.service.count_district() is counted
        assert app.state.service._counter is not None  # the children were asked
    days = month_ends(dt.date.fromisoformat(today()))
    with open_store(settings) as store:
        for code, answer in answers.items():
            alone = trend(lambda day, s=store: s.view(day, lazy=True), load_policy(None), code, days)
            assert answer["series"] == alone.to_dict()["series"], code
