"""The API's budgets (issue: API), over HTTP on 127.0.0.1: ``orggraph serve`` in one process, the load
generator (``wrk``, a second process) in another, on the generated district in an embedded store.

For each worker count asked (``--workers``, default 1 and 2):

* ``escalation`` — ``GET /v1/escalation`` for the households of one street (a dispatcher token scoped
  to it), 16 connections, 10 s a run: ``first_ask`` is the first run (most households asked for the
  first time since the server started), ``repeat`` the median of the following runs — requests/s and
  p50/p99 latency in ms;
* ``liaison`` — ``GET /v1/liaison`` for the same households, the same way;
* ``coverage_street_ms`` — ``GET /v1/coverage/summary?area=<street>`` for each street (median over the
  streets): ``first_ask`` (the server made every street's run when it started), ``again``, and
  ``computed`` — the rules named one by one, a run the server has not made, so it is computed then;
* ``coverage_district_s`` — the same for the whole district (a viewer token of the district);
* ``during_upload`` (two workers) — the escalation route under ``wrk`` while an importer uploads the
  district's households roster with every household's 常住人数 changed (400,000 updates, one change):
  requests/s and p50/p99 over the upload's window, beside the same window with no upload
  (``without_upload``), and the upload's own seconds. Readers about today read the published view (a
  snapshot): they are not meant to wait for the upload, only to share the two cores with it.

Every lookup route is audited, each answer held until its entry is committed (group commits): the
escalation and liaison figures are the audited routes' throughput.

``wrk`` must be installed (``apt-get install wrk``); without it the load figures are skipped.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from api.tokens import Role, TokenBook
from benchmarks.measure import rounded
from importers.rosters import RosterKind
from importers.writer import RosterFormat, write_rosters
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from queries.policy import load_policy

RULES = load_policy(None).enabled()

SECRET = b"benchmark-key-benchmark-key-0001"
CATEGORY = "物业纠纷"
CONNECTIONS = 16
SECONDS = 10
#: The window the escalation route is measured over while the households roster is uploaded.
UPLOAD_WINDOW_S = 40

_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _build(folder: Path, scale: Scale) -> tuple[Path, str, str, list[str], list[str]]:
    """The district in an embedded store; the street with most households, the district, households, streets."""
    path = folder / "api-bench.db"
    store = EmbeddedStore(path, PiiKey(SECRET), create=True)
    for batch in generate(scale, seed=1, key=PiiKey(SECRET)).batches:
        store.write(batch)
    store.checkpoint()
    kinds = {n: a["kind"] for n, a in store.graph.nodes(data=True)}
    district = next(n for n, k in kinds.items() if k == "district").split(":", 1)[1]
    streets = sorted(n.split(":", 1)[1] for n, k in kinds.items() if k == "street")
    street = streets[0]
    households = sorted(n.split(":", 1)[1] for n, k in kinds.items() if k == "household" and n.startswith(f"household:{street}"))
    store.close()
    return path, street, district, households, streets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``orggraph serve`` in its own process, until stopped."""

    def __init__(self, store: Path, workers: int) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        orggraph = str(Path(sys.executable).with_name("orggraph"))
        env = {**os.environ, "ORGGRAPH_KEY": SECRET.hex(), "ORGGRAPH_UPLOAD_MAX_BYTES": str(256 << 20)}
        command = [orggraph, "serve", "--store", str(store), "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_warm(self, token: str, probe: str) -> None:
        """Until every worker answers quickly: each builds its index and the coverage of the district
        and of every street when it starts (``probe`` asks for the district's)."""
        deadline = time.monotonic() + 600
        quick = 0
        with httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            while quick < 20 and time.monotonic() < deadline:
                try:
                    started = time.perf_counter()
                    answer = client.get(probe)
                    fast = answer.status_code == 200 and time.perf_counter() - started < 0.1
                    quick = quick + 1 if fast else 0
                except httpx.TransportError:
                    time.sleep(0.2)
        time.sleep(5)  # the collection and freeze that end each worker's warm-up

    def wait_search(self, token: str, budget_s: float = 0.1) -> float:
        """Until a search answers within ``budget_s``: the refresh thread has built the search index of
        the store's revision (seconds after warming up, at district scale). The seconds waited."""
        started = time.monotonic()
        with httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
            while time.monotonic() - started < 600:
                began = time.perf_counter()
                client.get("/v1/search", params={"q": "王"}).raise_for_status()
                if time.perf_counter() - began < budget_s:
                    break
                time.sleep(0.5)
        return time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _wrk(base: str, token: str, paths_file: Path, folder: Path, *, seconds: int = 0) -> dict[str, float]:
    script = folder / "paths.lua"
    script.write_text(_LUA % paths_file)
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds or SECONDS}s", "--latency", "-s", str(script)]
    done = subprocess.run(
        [*command, "-H", f"Authorization: Bearer {token}", base],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if found is None:
            raise RuntimeError(f"wrk printed no {percentile}% latency:\n{out}")
        value, unit = float(found.group(1)), found.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps is not None, out
    return {
        "requests_per_s": rounded(float(rps.group(1)), 1),
        "p50_ms": rounded(latency("50")),
        "p99_ms": rounded(latency("99")),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _load(base: str, token: str, paths_file: Path, folder: Path, repeat: int) -> dict[str, Any]:
    first = _wrk(base, token, paths_file, folder)
    runs = [_wrk(base, token, paths_file, folder) for _ in range(repeat)]
    median = {k: rounded(statistics.median(r[k] for r in runs), 1) for k in ("requests_per_s", "p50_ms", "p99_ms")}
    return {"first_ask": first, "repeat": median, "runs": runs}


def _households_roster(store: Path, folder: Path) -> Path:
    """The district's households roster (GB18030 CSV) with every household's 常住人数 one more."""
    opened = EmbeddedStore(store, PiiKey(SECRET), create=False)
    try:
        [written] = write_rosters(opened, folder / "roster", fmt=RosterFormat.CSV, kinds=(RosterKind.HOUSEHOLDS,))
    finally:
        opened.close()
    with written.open(encoding="gb18030", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("常住人数")
    for row in rows[1:]:
        row[column] = str(int(row[column] or 0) + 1)
    changed = folder / "住户-changed.csv"
    with changed.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return changed


def _during_upload(server: Server, dispatcher: str, importer: str, paths: Path, roster: Path, folder: Path) -> dict[str, Any]:
    """wrk on the escalation route while the roster is uploaded (the window: the upload's time)."""
    took: dict[str, float] = {}

    def upload() -> None:
        time.sleep(2)
        started = time.perf_counter()
        with roster.open("rb") as body, httpx.Client(base_url=server.base, timeout=1200) as client:
            answer = client.post(
                "/v1/imports",
                headers={"Authorization": f"Bearer {importer}"},
                files={"files": (roster.name, body, "text/csv")},
            )
        took["upload_s"] = time.perf_counter() - started
        took["status"] = answer.status_code

    probe = time.perf_counter()
    uploader = threading.Thread(target=upload)
    uploader.start()
    during = _wrk(server.base, dispatcher, paths, folder, seconds=UPLOAD_WINDOW_S)
    uploader.join()
    quiet = _wrk(server.base, dispatcher, paths, folder, seconds=UPLOAD_WINDOW_S)
    return {
        "with_upload": during,
        "without_upload": quiet,
        "upload_s": rounded(took.get("upload_s", time.perf_counter() - probe)),
        "upload_status": took.get("status"),
        "window_s": UPLOAD_WINDOW_S,
    }


def _timed(client: httpx.Client, route: str) -> float:
    started = time.perf_counter()
    client.get(route).raise_for_status()
    return time.perf_counter() - started


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"suite": "api", "scale": scale.value, "repeat": repeat}
    figures |= {"connections": CONNECTIONS, "seconds": SECONDS}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store, street, district, households, streets = _build(folder, scale)
        tokens = TokenBook(Path(str(store) + ".tokens"))
        dispatcher, _ = tokens.add(Role.DISPATCHER, street, expires=None, note="benchmark")
        viewer, _ = tokens.add(Role.VIEWER, district, expires=None, note="benchmark")
        importer, _ = tokens.add(Role.IMPORTER, district, expires=None, note="benchmark")
        roster = _households_roster(store, folder)
        figures |= {"households_asked": len(households), "street": street}
        escalations, liaisons = folder / "escalation.txt", folder / "liaison.txt"
        escalations.write_text("\n".join(f"/v1/escalation?household={quote(h)}&category={quote(CATEGORY)}" for h in households))
        liaisons.write_text("\n".join(f"/v1/liaison?household={quote(h)}" for h in households))
        for workers in (1, 2):
            server = Server(store, workers)
            try:
                server.wait_warm(viewer, "/v1/coverage/summary")
                server.wait_search(dispatcher)  # the search index, built by the refresh thread: not during the load
                result: dict[str, Any] = {}
                if shutil.which("wrk"):
                    result["escalation"] = _load(server.base, dispatcher, escalations, folder, repeat)
                    result["liaison"] = _load(server.base, dispatcher, liaisons, folder, repeat)
                else:
                    result["load"] = "skipped: wrk is not installed (apt-get install wrk)"
                with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {viewer}"}, timeout=120) as client:
                    street_first = [_timed(client, f"/v1/coverage/summary?area={s}") for s in streets]
                    street_again = [_timed(client, f"/v1/coverage/summary?area={s}") for s in streets * 2]
                    district_first = _timed(client, "/v1/coverage/summary")
                    district_again = [_timed(client, "/v1/coverage/summary") for _ in range(repeat * 2)]
                    every_rule = "&".join(f"rule={r.id}" for r in sorted(RULES, key=lambda r: r.id))  # not the precomputed run
                    street_computed = [_timed(client, f"/v1/coverage/summary?area={s}&{every_rule}") for s in streets]
                    district_computed = _timed(client, f"/v1/coverage/summary?{every_rule}")
                result["coverage_street_ms"] = {
                    "first_ask": rounded(statistics.median(street_first) * 1000, 1),
                    "again": rounded(statistics.median(street_again) * 1000, 1),
                    "computed": rounded(statistics.median(street_computed) * 1000, 1),
                }
                result["coverage_district_s"] = {
                    "first_ask": rounded(district_first),
                    "again": rounded(statistics.median(district_again)),
                    "computed": rounded(district_computed),
                }
                if workers == 2 and shutil.which("wrk"):
                    result["during_upload"] = _during_upload(server, dispatcher, importer, escalations, roster, folder)
                figures[f"workers_{workers}"] = result
            finally:
                server.stop()
    figures["budgets"] = {
        "escalation": ">= 1500 requests/s, p99 <= 25 ms",
        "liaison": ">= 2000 requests/s",
        "coverage_street_ms": "<= 100",
        "coverage_district_s": "<= 1.5",
        "during_upload": "escalation p99 <= 100 ms while the district's households are uploaded",
    }
    return figures
