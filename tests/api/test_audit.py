"""The access audit (访问留痕) is durable before the answer leaves (issue 15, A and B.3).

* An audited answer is sent only once its entries are committed to the store: a lookup's entry is in
  the store when its answer arrives, with no flush asked for; concurrent lookups wait on shared
  commits (group commit); a store that cannot take the entry withholds the answer (503).
* A real ``orggraph serve --workers 2`` killed with SIGKILL right after the last of N audited lookups
  (whole phones to a dispatcher, whole ID numbers to an admin) leaves all N entries in the store.
* ``GET /v1/audit?limit=…`` of an admin scoped below the district: the limit counts entries within
  its scope (the last ``limit`` of them), not entries read before the scope filter.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import EmbeddedStore, MemoryStore
from tests.api.conftest import ALL_PEOPLE, KEY, ClientFor, api_world, pid
from tests.api.test_cli import ENV, _free_port

ESCALATION = "/v1/escalation?household=H2&category=物业纠纷"
WHOLE_PHONE = ALL_PEOPLE["李强"][1]  # the building group leader of H2, in a post: whole for a dispatcher


class CountingStore(MemoryStore):
    """A memory store that counts the transactions of access entries, each taking ``delay`` seconds,
    or refusing them all (``broken``)."""

    def __init__(self, *, delay: float = 0.0, broken: bool = False) -> None:
        super().__init__(KEY)
        self.delay, self.broken = delay, broken
        self.commits: list[int] = []

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        if self.broken:
            raise OSError("disk full")
        time.sleep(self.delay)
        super().record_audits(kind, records)
        self.commits.append(len(records))


def _serve(store: MemoryStore) -> tuple[TestClient, TokenBook]:
    tokens = TokenBook(None)
    return TestClient(create_app(Settings(store=":memory:"), store=store, tokens=tokens)), tokens


def _bearer(tokens: TokenBook, role: Role, scope: str) -> dict[str, str]:
    whole, _ = tokens.add(role, scope, expires=None, note=None)
    return {"Authorization": f"Bearer {whole}"}


def _access(store: MemoryStore | EmbeddedStore) -> list[dict[str, Any]]:
    return store.audit_log("access", limit=1_000_000)


def test_a_lookups_entry_is_in_the_store_when_its_answer_arrives() -> None:
    store = api_world(CountingStore())
    client, tokens = _serve(store)
    with client:
        headers = _bearer(tokens, Role.DISPATCHER, "C1")
        for n in range(1, 4):
            answer = client.get(ESCALATION, headers=headers)
            assert answer.status_code == 200, answer.text
            assert WHOLE_PHONE in answer.text
            asked = [e for e in _access(store) if e["node"] == "household:H2"]
            assert len(asked) == n  # no flush asked for, no second waited: the entry came first
        assert {pid("李强"), "household:H2"} <= {e["node"] for e in _access(store)}


def test_concurrent_lookups_wait_on_shared_commits() -> None:
    store = api_world(CountingStore(delay=0.05))
    client, tokens = _serve(store)
    with client:
        headers = _bearer(tokens, Role.DISPATCHER, "C1")
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: client.get(ESCALATION, headers=headers), range(48)))
        assert all(a.status_code == 200 for a in answers)
        assert len([e for e in _access(store) if e["node"] == "household:H2"]) == 48
    assert len(store.commits) < 48  # requests that came while one commit ran shared the next


def test_an_answer_whose_entry_cannot_be_written_is_not_sent() -> None:
    store = api_world(CountingStore(broken=True))
    client, tokens = _serve(store)
    with client:
        answer = client.get(ESCALATION, headers=_bearer(tokens, Role.DISPATCHER, "C1"))
        assert answer.status_code == 503
        assert answer.json()["code"] == "audit.unavailable"
        assert WHOLE_PHONE not in answer.text
        assert "disk full" not in answer.text
        unaudited = client.get("/v1/coverage/summary", headers=_bearer(tokens, Role.VIEWER, "C1"))
        assert unaudited.status_code == 200  # names nobody: answered as before


# -- the kill test ---------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """``orggraph serve --workers 2`` over an embedded store, in a process group of its own."""
    path = tmp_path / "audit.db"
    api_world(EmbeddedStore(path, KEY, create=True)).close()
    port = _free_port()
    orggraph = str(Path(sys.executable).with_name("orggraph"))
    process = subprocess.Popen(
        [orggraph, "serve", "--store", str(path), "--port", str(port), "--workers", "2"],
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base, path, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_server_killed_right_after_n_audited_lookups_keeps_all_n_entries(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, path, process = served
    book = TokenBook(Path(f"{path}.tokens"))
    dispatcher, _ = book.add(Role.DISPATCHER, "C1", expires=None, note="kill test")
    admin, _ = book.add(Role.ADMIN, "C1", expires=None, note="kill test")
    person = pid("李强")
    whole_id = ALL_PEOPLE["李强"][0]
    lookups = [("escalation", dispatcher, ESCALATION, WHOLE_PHONE), ("member", admin, f"/v1/members/{person}", whole_id)] * 15
    failures: list[str] = []
    lock = threading.Lock()

    def ask(lookup: tuple[str, str, str, str]) -> str:
        what, token, route, whole = lookup
        answer = httpx.get(base + route, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        if answer.status_code != 200 or whole not in answer.text:
            with lock:
                failures.append(f"{what}: {answer.status_code} {answer.text[:200]}")
        return what

    with ThreadPoolExecutor(6) as pool:
        done = list(pool.map(ask, lookups))
    os.killpg(process.pid, signal.SIGKILL)  # right after the last answer: no shutdown, no flush
    process.wait(timeout=30)
    assert not failures, failures
    assert len(done) == 30
    with EmbeddedStore(path, KEY, create=False) as store:
        entries = _access(store)
    escalations = [e for e in entries if e["route"] == "/v1/escalation" and e["node"] == "household:H2"]
    members = [e for e in entries if e["route"] == "/v1/members/{person}" and e["node"] == person]
    assert len(escalations) == 15  # 0 lost
    assert len(members) == 15
    assert {e["role"] for e in escalations} == {"dispatcher"}
    assert {e["role"] for e in members} == {"admin"}


# -- the limit counts what the scope sees ------------------------------------------------------------


def test_an_audit_limit_counts_the_entries_within_the_admins_scope(client: ClientFor) -> None:
    admin = client("admin", "C1")
    c1 = client("dispatcher", "C1")
    c2 = client("dispatcher", "C2")
    c1_token = c1.headers["Authorization"].split("_")[1]
    c2_token = c2.headers["Authorization"].split("_")[1]
    for household in ("H1", "H2", "H4") * 4:
        assert c1.get(f"/v1/liaison?household={household}").status_code == 200
    for _ in range(40):  # later, and outside C1: the newest entries of the store
        assert c2.get("/v1/liaison?household=H9").status_code == 200
    newest = client("admin", "D").get("/v1/audit", params={"limit": 40}).json()
    assert {e["token"] for e in newest} == {c2_token}
    last = admin.get("/v1/audit", params={"limit": 10})
    assert last.status_code == 200, last.text
    entries = last.json()
    assert len(entries) == 10
    every = admin.get("/v1/audit", params={"limit": 10_000}).json()  # all the entries C1 sees
    assert len(every) > 10
    assert {e["token"] for e in every} == {c1_token}  # H9 and 钱七, shown to C2, are not C1's to see
    assert [e["id"] for e in entries] == [e["id"] for e in every][:10]  # the newest ten, newest first
    assert [e["id"] for e in every] == sorted((e["id"] for e in every), reverse=True)
