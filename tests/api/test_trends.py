"""The district's trend counted in child processes, for a store the server opened from its settings."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import trends as trends_module
from api.app import create_app
from api.routes import coverage as coverage_routes
from api.tokens import Role, TokenBook
from orggraph.model import Household
from orggraph.settings import Settings
from orggraph.store import Batch, MemoryStore, open_store
from orggraph.timeline import today
from queries.coverage.trend import month_ends, trend
from queries.policy import load_policy
from tests.api.conftest import KEY, api_world


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
        trends = app.state.service.trends
        counted = trends.count()  # kept for the revision: the same object again
        assert trends.count() is counted
        assert trends._counter is not None  # the children were asked
    days = month_ends(dt.date.fromisoformat(today()))
    with open_store(settings) as store:
        for code, answer in answers.items():
            alone = trend(lambda day, s=store: s.view(day, lazy=True), load_policy(None), code, days)
            assert answer["series"] == alone.to_dict()["series"], code


def test_a_trend_asked_before_its_count_is_done_is_a_202_to_ask_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage_routes, "TREND_WAIT", 0.0)
    store = api_world(MemoryStore(KEY))
    tokens = TokenBook(None)
    app = create_app(Settings(store=":memory:"), store=store, tokens=tokens)
    whole, _ = tokens.add(Role.VIEWER, "D", expires=None, note="trend")
    with TestClient(app, headers={"Authorization": f"Bearer {whole}"}) as client:
        first = client.get("/v1/coverage/trend", params={"area": "S1"})
        assert first.status_code == 202, first.text
        assert first.headers["Retry-After"] == "5"
        assert first.json()["status"] == "counting"
        assert "正在" in first.json()["message_zh"]
        assert app.state.service.trends.wait(app.state.service.trends.days(), 30) is not None
        again = client.get("/v1/coverage/trend", params={"area": "S1"})
        assert again.status_code == 200, again.text
        assert len(again.json()["days"]) == 12
        assert client.get("/v1/coverage/trend", params={"area": "G1"}).status_code == 200  # a grid: counted alone, at once


def test_a_count_a_write_overtook_is_made_again_for_the_new_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    store = api_world(MemoryStore(KEY))
    calls: list[object] = []
    counted = trends_module.district_counts

    def overtaken(*args: Any) -> Any:
        if not calls:  # a roster keeper's write lands while the first day is counted
            written = Batch("a write meanwhile")
            written.put(Household(code="H9", room="101", residents=4))
            store.write(written)
        calls.append(args)
        return counted(*args)

    monkeypatch.setattr(trends_module, "district_counts", overtaken)
    app = create_app(Settings(store=":memory:"), store=store, tokens=TokenBook(None))
    with TestClient(app):
        service = app.state.service
        revision = store.revision
        service.trends.start()  # as after a write: in the background, nobody waiting for it
        deadline = time.monotonic() + 30
        while service.trends.counted() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.trends.counted() is not None  # counted again, and kept
        assert store.revision == revision + 1
        assert len(calls) == 24  # twelve days counted twice: the first count was not kept
