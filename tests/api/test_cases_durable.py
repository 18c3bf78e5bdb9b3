"""No case or event is lost under SIGKILL: a real ``orggraph serve --workers 2`` over an embedded store,
killed right after the last of N reports and events were answered, and killed while reports are in
flight; every case answered 201 is in the file afterwards with its timeline, and nothing half-made is."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.tokens import Role, TokenBook
from orggraph.store import EmbeddedStore
from tests.api.conftest import KEY
from tests.api.test_audit import served  # noqa: F401 - the fixture

Served = tuple[str, Path, subprocess.Popen[bytes]]
HOUSEHOLDS = ("H1", "H2", "H4")


def _report(base: str, token: str, n: int) -> httpx.Response:
    body = {"household": HOUSEHOLDS[n % 3], "category": "物业纠纷", "description": f"第{n}件", "source": "hotline"}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"kill-{n}"}
    return httpx.post(f"{base}/v1/cases", json=body, headers=headers, timeout=30)


def _ledger(path: Path) -> dict[str, list[str]]:
    """Every case in the file, with the types of its events."""
    with EmbeddedStore(path, KEY, create=False) as store:
        ledger = store.case_ledger()
        cases, _ = ledger.find(limit=10_000)
        return {c.id: [e.type for e in ledger.events(c.id)] for c in cases}


def test_a_server_killed_right_after_n_reports_and_events_keeps_them_all(served: Served) -> None:  # noqa: F811
    base, path, process = served
    token, _ = TokenBook(Path(f"{path}.tokens")).add(Role.DISPATCHER, "C1", expires=None, note="kill test")
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda n: _report(base, token, n), range(30)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    made = [a.json()["id"] for a in answers]

    def accept(case: str) -> int:
        url = f"{base}/v1/cases/{case}/events"
        return httpx.post(url, json={"type": "accept"}, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(accept, made[:20])) == {200}
    os.killpg(process.pid, signal.SIGKILL)  # right after the last answer: no shutdown, no flush
    process.wait(timeout=30)
    ledger = _ledger(path)
    assert sorted(ledger) == sorted(made)  # 0 lost, none twice
    assert all(ledger[c] == ["report", "accept"] for c in made[:20])
    assert all(ledger[c] == ["report"] for c in made[20:])


def test_a_server_killed_while_reports_are_in_flight_keeps_every_answered_case_whole(served: Served) -> None:  # noqa: F811
    base, path, process = served
    token, _ = TokenBook(Path(f"{path}.tokens")).add(Role.DISPATCHER, "C1", expires=None, note="kill test")
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def keep_reporting(worker: int) -> None:
        n = worker * 10_000
        while not stop.is_set():
            try:
                answer = _report(base, token, n)
            except httpx.TransportError:
                return  # the server is gone
            if answer.status_code == 201:
                with lock:
                    answered.append(answer.json()["id"])
            n += 1

    threads = [threading.Thread(target=keep_reporting, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    while True:
        with lock:
            if len(answered) >= 40:
                break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)  # mid-flight: requests are being written as it dies
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    process.wait(timeout=30)
    ledger = _ledger(path)
    assert set(answered) <= set(ledger)  # every case answered is there
    assert all(events == ["report"] for events in ledger.values())  # and every case there is whole
