"""``orggraph cases``: report, show, event, list, metrics and tick on the embedded file, with the
clock moved by ``--now``; errors exit non-zero with both languages and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from tests.queries.test_escalation_world import tiny_world

runner = CliRunner()
HEX = "ab" * 32


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "c.db"
    (tmp_path / "c.db.key").write_text(HEX + "\n")
    (tmp_path / "c.db.key").chmod(0o600)
    with EmbeddedStore(path, PiiKey(bytes.fromhex(HEX))) as s:
        s.write(tiny_world())
    return str(path)


def run(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["cases", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_tick_event_list_metrics(store: str) -> None:
    case = run(
        "report", "H2", "--category", "物业纠纷", "--description", "楼道漏水", "--at", "2025-06-30T09:00", "--store", store
    )
    assert case["status"] == "dispatched"
    assert case["assignee"]["name"] == "王芳"
    assert case["due_at"] == "2025-06-30T10:00:00+08:00"
    moved = run("tick", "--now", "2025-06-30T10:30", "--store", store)
    assert [m["id"] for m in moved["moved"]] == [case["id"]]
    assert moved["moved"][0]["assignee"] == "李强"
    assert run("tick", "--now", "2025-06-30T10:30", "--store", store)["moved"] == []
    accepted = run("event", case["id"], "accept", "--at", "2025-06-30T10:40", "--note", "收到", "--store", store)
    assert accepted["status"] == "accepted"
    assert accepted["events"][-1]["assignee_name"] == "李强"
    listed = run("list", "--status", "open", "--store", store)
    assert listed["total"] == 1
    assert listed["cases"][0]["id"] == case["id"]
    metrics = run("metrics", "--from", "2025-06-01", "--to", "2025-06-30", "--store", store)
    assert metrics["received"] == 1
    assert metrics["responded_on_time"] == 0
    assert metrics["escalated"] == 1
    shown = runner.invoke(app, ["cases", "show", case["id"], "--store", store])
    assert shown.exit_code == 0
    assert "办理记录" in shown.output
    assert "超时升级" in shown.output


def test_the_same_key_reports_once(store: str) -> None:
    args = ["report", "H2", "--category", "物业纠纷", "--description", "x", "--idempotency-key", "k", "--store", store]
    assert run(*args)["id"] == run(*args)["id"]
    assert run("list", "--store", store)["total"] == 1


def test_errors_are_reported_and_change_nothing(store: str) -> None:
    bad = runner.invoke(app, ["cases", "report", "H404", "--category", "物业纠纷", "--description", "x", "--store", store])
    assert bad.exit_code != 0
    assert "H404" in bad.output
    case = run("report", "H2", "--category", "物业纠纷", "--description", "x", "--store", store)
    wrong = runner.invoke(app, ["cases", "event", case["id"], "resolve", "--store", store])
    assert wrong.exit_code != 0
    assert "受理" in wrong.output
    when = runner.invoke(app, ["cases", "tick", "--now", "tomorrow", "--store", store])
    assert when.exit_code != 0
    assert "--now" in when.output
    assert [e["type"] for e in run("show", case["id"], "--store", store)["events"]] == ["report"]
