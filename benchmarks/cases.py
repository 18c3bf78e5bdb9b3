"""The case loop's budgets (issue: cases 事件): a district's month of cases reported and carried through
their lifecycle over HTTP, the clock's tick, the month's metrics, and the same on the Bolt engine.

``http`` — ``orggraph serve --workers 2`` on the generated district in an embedded store, driven over
HTTP on 127.0.0.1 by a lean asyncio HTTP/1.1 client in this process (kept-alive connections):

* ``report`` — the month's cases (:data:`CASES`: 20,000 at district scale) ``POST /v1/cases`` at random
  households of the district, each with its own ``Idempotency-Key``, ``reported_at`` spread over the 30
  days before today, :data:`CONCURRENCY` requests in flight (a closed loop), in ``--repeat`` runs of
  equal size: cases/s and each request's p50/p99 (ms);
* ``report_paced`` — more cases offered at the budget's rate (:data:`PACED_RATE` a second, whatever the
  answers; an open loop), each request's latency counted from when it was due to be sent: p50/p99 at
  that rate (a closed loop of 16 cannot show p99 ≤ 50 ms below 16 / 0.05 s = 320 cases/s);
* ``events`` — a share of the month's cases carried through ``accept``, ``act``, ``resolve`` and ``rate``
  (:data:`EVENTS` events: 20,000 at district scale; a case's events one after the other, 16 cases at once):
  events/s and p50/p99;
* ``metrics_ms`` — ``GET /v1/cases/metrics?from=…&to=…`` over the 30 days (a viewer of the district):
  the median of several asks, every ask listed.

``direct`` — the case desk in this process on each engine's ledger, side by side with the ratio
bolt / embedded: the embedded one (the server's file, the month's cases in it) and the Bolt one (a local
FalkorDB server started here, as ``benchmarks.bolt`` does, or ``ORGGRAPH_BENCH_NEO4J_URI``; the district
loaded, the month's cases written onto it as case nodes with the fields the metrics read):

* ``metrics_ms`` — ``CaseDesk.metrics`` over the month (what ``GET /v1/cases/metrics`` runs), and the
  part of it that is the ledger's reads (``ledger_facts``);
* ``report`` — :data:`TICK_CASES` (5,000 at district scale) cases through ``CaseDesk.report`` one after
  another (today, each with an idempotency key, as the route does): cases/s and p50/p99;
* ``tick_none_due_s`` — ``CaseDesk.tick`` with those cases open and dispatched and none due (the
  common minute);
* ``tick_all_due_s`` — a tick when every one's reply deadline has passed, so each escalates to the
  next step of its path (the next step's deadline not passed yet: one escalation each); each run an
  hour later than the one before, so the cases escalate once more.

``http_bolt`` (community and street scale: :data:`BOLT_HTTP_SCALES`) — the server with 2 workers on the
Bolt store (``ORGGRAPH_STORE=bolt://…``): the month's metrics and :data:`BOLT_HTTP_CASES` reports
(today) over HTTP, beside the embedded server's figures.

The month's cases are back-dated, so with the shipped clock (reply within 60 minutes) every one would
be due at once and each server's own tick (every minute) would escalate thousands of them in the
middle of the load: the servers run with a policy whose deadlines outlast the month (:data:`CLOCK`).
The desk measured directly uses the shipped policy. Budgets are printed beside the figures, never asserted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil

from api.tokens import Role, TokenBook
from benchmarks import api as api_bench
from benchmarks.bolt import _target
from benchmarks.measure import rounded
from orggraph.cases import CaseLedger
from orggraph.cases.bolt_ledger import CASE as CASE_LABEL
from orggraph.cases.bolt_ledger import SEQ as SEQ_LABEL
from orggraph.cases.model import OPEN_STATUSES, utc_text
from orggraph.generator import Scale, generate
from orggraph.generator.names import ISSUE_CATEGORIES
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.bolt import BoltConnection
from orggraph.store.local_bolt import isolate_network, network_isolated
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.view import DayView
from queries.cases.desk import CaseDesk
from queries.policy import load_policy

SECRET = api_bench.SECRET
KEY = PiiKey(SECRET)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The month's cases reported over HTTP, and the events sent (accept, act, resolve, rate: a quarter of the cases).
CASES = {Scale.COMMUNITY: 400, Scale.STREET: 2_000, Scale.DISTRICT: 20_000}
EVENTS = {Scale.COMMUNITY: 400, Scale.STREET: 2_000, Scale.DISTRICT: 20_000}
#: Cases reported through the desk directly on each engine, then ticked.
TICK_CASES = {Scale.COMMUNITY: 200, Scale.STREET: 1_000, Scale.DISTRICT: 5_000}
#: Cases reported over HTTP on the Bolt server.
BOLT_HTTP_CASES = {Scale.COMMUNITY: 200, Scale.STREET: 1_000, Scale.DISTRICT: 3_000}
#: Requests in flight (closed loop), and the open loop's rate (cases/s, the budget's) and length.
CONCURRENCY = 16
PACED_RATE = 300
PACED_SECONDS = {Scale.COMMUNITY: 2, Scale.STREET: 5, Scale.DISTRICT: 15}
PACED_IN_FLIGHT = 64
#: An all-due tick slower than this (s) is not repeated on that engine (5,000 cases on the Bolt server take minutes).
SLOW_TICK_S = 10.0
#: The scales whose Bolt server is also driven over HTTP (at district scale each worker's warm-up — the
#: coverage of every area computed over Cypher — took over 600 s, measured once).
BOLT_HTTP_SCALES = (Scale.COMMUNITY, Scale.STREET)
WORKERS = 2
#: The calendar categories (the shipped clock counts working time for 养老服务 and 社会救助: those
#: cases' deadlines would not pass within the hours the tick is asked about).
CALENDAR_CATEGORIES = tuple(c for c in ISSUE_CATEGORIES if c not in ("养老服务", "社会救助"))
SOURCES = ("hotline", "mini_program", "grid_app", "walk_in")
LIFECYCLE = (("accept", 10), ("act", 40), ("resolve", 180), ("rate", 300))  # event, minutes after the report
#: The servers' policy, laid over the shipped one: deadlines that outlast the back-dated month (see above).
CLOCK = """\
[cases]
close_after_minutes = 86400

[cases.clock.default]
reply = 64800
act = 72000
result = 86400

[cases.clock.category."养老服务"]
time = "calendar"

[cases.clock.category."社会救助"]
time = "calendar"
"""

BUDGETS = {
    "report": "≥ 300 cases/s with --workers 2, p99 ≤ 50 ms",
    "tick": "≤ 1 s over 5,000 open cases",
    "metrics": "≤ 500 ms for the district over a month",
}


# -- helpers --------------------------------------------------------------------------------------

_BEGAN = time.perf_counter()


def _say(what: str) -> None:
    """Progress on stderr (the figures go to stdout at the end)."""
    print(f"[cases {time.perf_counter() - _BEGAN:7.1f} s] {what}", file=sys.stderr, flush=True)


def _ms(seconds: float) -> float:
    return rounded(seconds * 1000, 1)


def _percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.99: p99)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _latencies(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": _ms(_percentile(values, 0.5)),
        "p99_ms": _ms(_percentile(values, 0.99)),
        "max_ms": _ms(max(values, default=0)),
    }


def _median_of(runs: list[dict[str, Any]], keys: Sequence[str]) -> dict[str, Any]:
    return {k: rounded(statistics.median(r[k] for r in runs), 1) for k in keys}


def _iso(at: dt.datetime) -> str:
    return at.astimezone(ZONE).isoformat(timespec="seconds")


def _cpu(process: psutil.Process) -> float:
    """CPU seconds of a server: the process and its workers."""
    total = 0.0
    for p in (process, *process.children(recursive=True)):
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _side(embedded: float, bolt: float, budget: float | None, sense: str, places: int = 3) -> dict[str, Any]:
    """A figure on both engines, their ratio, and the budget with whether each meets it."""
    out: dict[str, Any] = {
        "embedded": rounded(embedded, places),
        "bolt": rounded(bolt, places),
        "ratio_bolt_to_embedded": rounded(bolt / embedded) if embedded else None,
    }
    if budget is not None:
        out["budget"] = f"{sense} {budget:g}"
        out["met"] = {
            name: (v >= budget if sense == "≥" else v <= budget) for name, v in (("embedded", embedded), ("bolt", bolt))
        }
    return out


def _commit_ms(folder: Path) -> float:
    """What one small write transaction costs on this disk as the ledger commits it (WAL,
    ``synchronous = FULL``): the median of 200, in ms."""
    import sqlite3

    db = sqlite3.connect(folder / "commit.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE t (x)")
    runs = []
    for i in range(200):
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", (i,))
        db.execute("COMMIT")
        runs.append(time.perf_counter() - began)
    db.close()
    return rounded(statistics.median(runs) * 1000)


def _build(folder: Path, scale: Scale) -> tuple[Path, str, list[str]]:
    """The district in an embedded store (as ``benchmarks.api`` builds it): the file, the district's
    code, every household's id."""
    path = folder / "cases-bench.db"
    store = EmbeddedStore(path, KEY, create=True)
    for batch in generate(scale, seed=1, key=KEY).batches:
        store.write(batch)
    store.checkpoint()
    kinds = {n: a["kind"] for n, a in store.graph.nodes(data=True)}
    district = next(n for n, k in kinds.items() if k == "district").split(":", 1)[1]
    households = sorted(n for n, k in kinds.items() if k == "household")
    store.close()
    return path, district, households


class _Server(api_bench.Server):
    """``orggraph serve`` as ``benchmarks.api`` starts it, on a file or a ``bolt://`` store, with the
    benchmark's clock (:data:`CLOCK`) and its own settings."""

    def __init__(self, store: str, workers: int, env: dict[str, str]) -> None:
        import subprocess

        self.port = api_bench._free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        orggraph = str(Path(sys.executable).with_name("orggraph"))
        environment = {**os.environ, "ORGGRAPH_KEY": SECRET.hex(), "ORGGRAPH_STORE": store, **env}
        command = [orggraph, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        import subprocess

        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a worker busy warming up does not hear the signal for a while
            for child in psutil.Process(self.process.pid).children(recursive=True):
                child.kill()
            self.process.kill()
            self.process.wait(timeout=60)


# -- the load -------------------------------------------------------------------------------------

#: One request: method, path, JSON body, headers.
Request = tuple[str, str, dict[str, Any] | None, dict[str, str]]


@dataclasses.dataclass
class Load:
    """What one load run saw."""

    seconds: float
    latencies: list[float]
    answers: list[Any]
    failures: int
    first_failure: str | None
    client_cpu_s: float
    server_cpu_s: float


class _Connection:
    """One kept-alive HTTP/1.1 connection to the server: a request's bytes out, the status and body
    back. Much cheaper per request than a general client (the load generator shares the 2 cores)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def call(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.streams is None:
                self.streams = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.streams
            writer.write(raw)
            line = await reader.readline()
            if line:
                break
            writer.close()  # the server closed a kept-alive connection: once more on a new one
            self.streams = None
            if attempt == 2:
                raise ConnectionError("the server closed the connection")
        status = int(line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while (header := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            parts = []
            while size := int((await reader.readline()).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()
            body = b"".join(parts)
        else:
            body = await reader.readexactly(length)
        if close:
            writer.close()
            self.streams = None
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def _raw(request: Request, port: int, token: str) -> bytes:
    method, path, body, headers = request
    payload = orjson.dumps(body) if body is not None else b""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"host: 127.0.0.1:{port}",
        f"authorization: Bearer {token}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body is not None:
        lines += ["content-type: application/json", f"content-length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def _drive(
    server: api_bench.Server,
    token: str,
    chains: list[list[Request]],
    *,
    keep: Callable[[bytes], Any] | None = None,
    rate: float | None = None,
) -> Load:
    """Send ``chains`` (each chain's requests one after another) to the server: :data:`CONCURRENCY`
    chains at once (closed loop), or one chain started every 1/``rate`` s (open loop, up to
    :data:`PACED_IN_FLIGHT` connections, latency counted from when the chain was due). ``keep`` picks
    what to keep of each chain's last answer."""
    latencies: list[float] = []
    answers: list[Any] = [None] * len(chains)
    failures: list[str] = []
    process = psutil.Process(server.process.pid)
    raws = [[_raw(r, server.port, token) for r in chain] for chain in chains]

    async def send(connection: _Connection, index: int, due: float | None) -> None:
        body = b""
        for raw in raws[index]:
            started = time.perf_counter() if due is None else due
            status, body = await connection.call(raw)
            latencies.append(time.perf_counter() - started)
            due = None
            if status >= 300:
                failures.append(f"{status} {raw.split(b' HTTP/')[0].decode()}: {body[:300].decode(errors='replace')}")
                return
        if keep is not None:
            answers[index] = keep(body)

    async def main() -> float:
        if rate is None:
            order = iter(range(len(chains)))
            connections = [_Connection(server.port) for _ in range(CONCURRENCY)]

            async def worker(connection: _Connection) -> None:
                for index in order:
                    await send(connection, index, None)

            started = time.perf_counter()
            await asyncio.gather(*(worker(c) for c in connections))
        else:
            idle: asyncio.Queue[_Connection] = asyncio.Queue()
            connections = [_Connection(server.port) for _ in range(PACED_IN_FLIGHT)]
            for connection in connections:
                connection.streams = await asyncio.open_connection("127.0.0.1", server.port)
                idle.put_nowait(connection)

            async def paced(index: int, due: float) -> None:
                connection = await idle.get()
                try:
                    await send(connection, index, due)
                finally:
                    idle.put_nowait(connection)

            tasks = []
            started = time.perf_counter()
            for index in range(len(chains)):
                due = started + index / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(paced(index, due)))
            await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
        for connection in connections:
            connection.close()
        return seconds

    cpu, server_cpu = time.process_time(), _cpu(process)
    seconds = asyncio.run(main())
    return Load(
        seconds,
        latencies,
        answers,
        len(failures),
        failures[0] if failures else None,
        time.process_time() - cpu,
        _cpu(process) - server_cpu,
    )


def _figures(load: Load, unit: str) -> dict[str, Any]:
    return {
        f"{unit}_per_s": rounded(len(load.latencies) / load.seconds, 1),
        **_latencies(load.latencies),
        "requests": len(load.latencies),
        "non_2xx": load.failures,
        **({"first_failure": load.first_failure} if load.first_failure else {}),
        "seconds": rounded(load.seconds),
        "client_cpu_s": rounded(load.client_cpu_s),
        "server_cpu_ms_per_request": rounded(load.server_cpu_s * 1000 / max(1, len(load.latencies)), 2),
    }


def _report_request(household: str, category: str, at: dt.datetime, key: str, rng: random.Random) -> Request:
    body = {
        "household": household.split(":", 1)[1],
        "category": category,
        "description": f"{category}：居民来电反映，请尽快处理（{key}）",
        "source": rng.choice(SOURCES),
        "reported_at": _iso(at),
        "contact": f"139{rng.randrange(10**8):08d}",
    }
    return ("POST", "/v1/cases", body, {"Idempotency-Key": key})


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    size = math.ceil(len(items) / parts)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _month(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The 30 days before today, in the district's time zone: [first midnight, today's midnight)."""
    end = dt.datetime.combine(today, dt.time(0), tzinfo=ZONE)
    return end - dt.timedelta(days=30), end


def _http_embedded(
    path: Path, district: str, households: list[str], scale: Scale, repeat: int, today: dt.date, folder: Path, notes: list[str]
) -> dict[str, Any]:
    """The month over HTTP on the embedded store."""
    rng = random.Random(1)
    tokens = TokenBook(Path(str(path) + ".tokens"))
    dispatcher, _ = tokens.add(Role.DISPATCHER, district, expires=None, note="benchmark")
    viewer, _ = tokens.add(Role.VIEWER, district, expires=None, note="benchmark")
    policy = folder / "clock.toml"
    policy.write_text(CLOCK, encoding="utf-8")
    start, end = _month(today)
    span = (end - start - dt.timedelta(hours=6)).total_seconds()  # the last report 6 h before midnight: its events too are past
    count = CASES.get(scale, CASES[Scale.DISTRICT])
    month = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    requests = [
        _report_request(rng.choice(households), rng.choice(ISSUE_CATEGORIES), at, f"month-{i}", rng) for i, at in enumerate(month)
    ]
    paced_count = min(count // 2, PACED_RATE * PACED_SECONDS.get(scale, PACED_SECONDS[Scale.DISTRICT]))
    requests, paced = requests[: count - paced_count], requests[count - paced_count :]
    figures: dict[str, Any] = {"workers": WORKERS, "concurrency": CONCURRENCY}
    reported: dict[str, str] = {}
    server = _Server(str(path), WORKERS, {"ORGGRAPH_POLICY": str(policy)})
    try:
        started = time.perf_counter()
        server.wait_warm(viewer, "/v1/coverage/summary")
        figures["server_warm_s"] = rounded(time.perf_counter() - started, 1)
        _say(f"server warm; reporting {count - paced_count} cases, then {paced_count} paced")

        def case_id(answer: bytes) -> tuple[str, str]:
            case = orjson.loads(answer)
            return case["id"], case["reported_at"]

        runs = []
        for part in _split(requests, repeat):
            load = _drive(server, dispatcher, [[r] for r in part], keep=case_id)
            runs.append(_figures(load, "cases"))
            reported.update(a for a in load.answers if a is not None)
        figures["report"] = {**_median_of(runs, ("cases_per_s", "p50_ms", "p99_ms")), "budget": BUDGETS["report"], "runs": runs}
        figures["report"]["met"] = figures["report"]["cases_per_s"] >= 300 and figures["report"]["p99_ms"] <= 50

        load = _drive(server, dispatcher, [[r] for r in paced], keep=case_id, rate=PACED_RATE)
        reported.update(a for a in load.answers if a is not None)
        figures["report_paced"] = {"offered_per_s": PACED_RATE, **_figures(load, "cases")}
        figures["report_paced"]["met_p99"] = figures["report_paced"]["p99_ms"] <= 50

        _say("events")
        carried = rng.sample(sorted(reported), min(len(reported), EVENTS.get(scale, EVENTS[Scale.DISTRICT]) // len(LIFECYCLE)))
        chains = [_lifecycle(case, reported[case], rng) for case in carried]
        runs = [_figures(_drive(server, dispatcher, part), "events") for part in _split(chains, repeat)]
        figures["events"] = {
            **_median_of(runs, ("events_per_s", "p50_ms", "p99_ms")),
            "cases_carried": len(carried),
            "runs": runs,
        }

        query = f"/v1/cases/metrics?from={start.date().isoformat()}&to={(end.date() - dt.timedelta(days=1)).isoformat()}"
        asks = []
        with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {viewer}"}, timeout=120) as client:
            for _ in range(max(5, 2 * repeat)):
                began = time.perf_counter()
                answer = client.get(query)
                answer.raise_for_status()
                asks.append(time.perf_counter() - began)
            received = answer.json()["received"]
        figures["metrics_ms"] = {
            "median": _ms(statistics.median(asks)),
            "budget": "≤ 500",
            "met": statistics.median(asks) <= 0.5,
            "cases_in_month": received,
            "runs": [_ms(a) for a in asks],
        }
    finally:
        server.stop()
    notes.append(
        f"http: the month's {count} cases: {count - paced_count} reported in {repeat} run(s) of equal size, closed loop of "
        f"{CONCURRENCY} requests in flight (report), then {paced_count} offered at {PACED_RATE}/s (report_paced: open loop, "
        f"up to {PACED_IN_FLIGHT} in flight); "
        f"events: {len(carried)} cases × {len(LIFECYCLE)} events ({', '.join(e for e, _ in LIFECYCLE)}). "
        "The client shares the 2 cores with the server (client_cpu_s)."
    )
    return figures


def _lifecycle(case_id: str, reported_at: str, rng: random.Random) -> list[Request]:
    at = dt.datetime.fromisoformat(reported_at)
    chain: list[Request] = []
    for kind, minutes in LIFECYCLE:
        body: dict[str, Any] = {"type": kind, "at": _iso(at + dt.timedelta(minutes=minutes))}
        if kind == "rate":
            body["rating"] = rng.choices(("satisfied", "basically", "unsatisfied"), (7, 2, 1))[0]
        chain.append(("POST", f"/v1/cases/{case_id}/events", body, {}))
    return chain


# -- the desk directly ----------------------------------------------------------------------------


def _metrics_direct(desk: CaseDesk, view: DayView, today: dt.date) -> dict[str, float]:
    """The route's computation in this process (``CaseDesk.metrics`` over the month, every case: a
    viewer of the district), and the ledger's two reads in it (the month's facts, the open cases')."""
    start, end = _month(today)
    began = time.perf_counter()
    data = desk.metrics(view, area=None, first=start.date(), last=end.date() - dt.timedelta(days=1))
    total = time.perf_counter() - began
    began = time.perf_counter()
    desk.ledger.facts(since=utc_text(start), until=utc_text(end))
    opened = desk.ledger.facts(statuses=OPEN_STATUSES)
    read = time.perf_counter() - began
    return {"total": total, "ledger_facts": read, "rest": max(0.0, total - read), "cases": data["received"], "open": len(opened)}


def _report_direct(desk: CaseDesk, view: DayView, sample: list[tuple[str, str, dt.datetime]]) -> dict[str, Any]:
    latencies = []
    began = time.perf_counter()
    for i, (household, category, at) in enumerate(sample):
        started = time.perf_counter()
        desk.report(
            view,
            household,
            category,
            description="楼道漏水",
            source="hotline",
            reported_at=at,
            idempotency_key=f"tick-{i}",
            by="benchmark",
        )
        latencies.append(time.perf_counter() - started)
    seconds = time.perf_counter() - began
    return {"cases_per_s": len(sample) / seconds, "seconds": seconds, **_latencies(latencies)}


def _ticks(desk: CaseDesk, first: dt.datetime, repeat: int) -> dict[str, Any]:
    """Ticks with none due (half an hour after the reports), then with every case due (an hour later
    each run; runs after one that took over :data:`SLOW_TICK_S` are left out)."""
    quiet = []
    for _ in range(max(3, repeat)):
        began = time.perf_counter()
        moved = desk.tick(first + dt.timedelta(minutes=30))
        quiet.append(time.perf_counter() - began)
        assert not moved
    due = []
    for k in range(1, repeat + 1):
        began = time.perf_counter()
        moved = desk.tick(first + dt.timedelta(minutes=60 * k + 10))
        seconds = time.perf_counter() - began
        kinds: dict[str, int] = {}
        for m in moved:
            for e in m.events:
                kinds[e.type] = kinds.get(e.type, 0) + 1
        due.append({"s": rounded(seconds), "moved": len(moved), "events": kinds})
        if seconds > SLOW_TICK_S:
            break
    return {"none_due": quiet, "all_due": due}


def _copy_month(source: CaseLedger, connection: BoltConnection) -> float:
    """The month's cases as they stand written onto the Bolt server as case nodes with the fields the
    metrics read (:data:`~orggraph.cases.model.FACTS`, the areas), in ``UNWIND`` batches; seconds.

    Through the ledger (``create``: a claim, the body in parts, the finish) it took 500 s for 20,000 at
    district scale. These nodes have no body, events nor links, and no ``tick_at``: only the metrics
    read them (on FalkorDB ``BoltLedger.due`` returns every case with a ``tick_at``, due or not — its
    range index answers ``tick_at <= $now`` with every node — and would read their bodies)."""
    cases, _ = source.find(limit=source.count())
    rows = [
        {**{k: v for k, v in case.facts().items() if k != "tick_at"}, "areas": list(case.areas), "number": i + 1}
        for i, case in enumerate(cases)
    ]
    fields = ", ".join(f"{name}: row.{name}" for name in rows[0]) if rows else ""
    began = time.perf_counter()
    connection.run_rows(f"UNWIND $rows AS row CREATE (c:{CASE_LABEL} {{{fields}}})", rows)
    connection.run(f"MERGE (s:{SEQ_LABEL} {{id: 'cases'}}) ON CREATE SET s.n = 0 SET s.n = s.n + $n", n=len(rows))
    return time.perf_counter() - began


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    bolt_ok = bool(os.environ.get("ORGGRAPH_BENCH_NEO4J_URI")) or isolate_network()  # before any thread starts
    today = dt.datetime.now(ZONE).date()
    figures: dict[str, Any] = {
        "suite": "cases",
        "scale": scale.value,
        "repeat": repeat,
        "bolt_scale": scale.value if bolt_ok else None,
    }
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        began = time.perf_counter()
        _say(f"building the {scale.value}")
        path, district, households = _build(folder, scale)
        figures |= {"households": len(households), "build_s": rounded(time.perf_counter() - began, 1)}
        figures["sqlite_commit_ms"] = _commit_ms(folder)
        figures["http"] = _http_embedded(path, district, households, scale, repeat, today, folder, notes)
        if bolt_ok:
            try:
                _direct_and_bolt(path, district, households, scale, repeat, today, folder, figures, notes)
            except Exception as exc:  # the figures taken so far are printed all the same
                traceback.print_exc()
                figures["error"] = f"{type(exc).__name__}: {exc}"
        else:
            notes.append("bolt: skipped (no private network namespace for a local FalkorDB, and no ORGGRAPH_BENCH_NEO4J_URI)")
    figures["budgets"] = BUDGETS
    if network_isolated():
        notes.append(
            "The suite runs in a private network namespace (as benchmarks/bolt.py, for the local FalkorDB) whose loopback "
            "acknowledges at once (quickack)."
        )
    notes.append("sqlite_commit_ms: one small WAL commit with synchronous = FULL on this disk (median of 200).")
    notes.append(
        "Servers run with a policy whose deadlines outlast the month (benchmarks/cases.py CLOCK): the back-dated cases "
        "would otherwise all be due at once and each server's minute tick would escalate thousands during the load."
    )
    figures["notes"] = notes
    return figures


def _direct_and_bolt(
    path: Path,
    district: str,
    households: list[str],
    scale: Scale,
    repeat: int,
    today: dt.date,
    folder: Path,
    figures: dict[str, Any],
    notes: list[str],
) -> None:
    """The desk directly on both engines (``figures["direct"]``), then the server on the Bolt store
    (``figures["http_bolt"]``), the figures filled in as they are taken."""
    policy = load_policy(None)
    month_cases = 0
    count = TICK_CASES.get(scale, TICK_CASES[Scale.DISTRICT])
    direct: dict[str, Any] = {"cases_ticked": count}
    figures["direct"] = direct
    setup: dict[str, float] = {}
    direct["setup_s"] = setup
    uri, user, password, local = _target()
    embedded: EmbeddedStore | None = None
    bolt: Neo4jStore | None = None
    try:
        began = time.perf_counter()
        embedded = EmbeddedStore(path, KEY, create=False)
        embedded_view = embedded.view()
        setup["embedded_open_s"] = time.perf_counter() - began
        if local is not None:
            local.delete_graphs()
        connection = BoltConnection(uri, user=user, password=password, batch_rows=10_000)
        bolt = Neo4jStore(connection, KEY, create=True)
        _say("loading the district onto the Bolt server")
        began = time.perf_counter()
        bolt.load_graph(embedded.graph)
        setup["bolt_load_district_s"] = time.perf_counter() - began
        embedded_desk = CaseDesk(embedded.case_ledger(), policy, ZONE, key=KEY)
        bolt_desk = CaseDesk(bolt.case_ledger(), policy, ZONE, key=KEY)
        month_cases = embedded_desk.ledger.count()
        _say(f"copying {month_cases} cases into the Bolt ledger")
        setup["bolt_copy_month_s"] = _copy_month(embedded_desk.ledger, connection)
        bolt_view = bolt.view()

        _say("metrics, directly")
        runs: dict[str, list[dict[str, float]]] = {"embedded": [], "bolt": []}
        for _ in range(max(3, repeat)):
            runs["embedded"].append(_metrics_direct(embedded_desk, embedded_view, today))
            runs["bolt"].append(_metrics_direct(bolt_desk, bolt_view, today))
        metrics: dict[str, Any] = {}
        for part in ("total", "ledger_facts", "rest"):
            e = statistics.median(r[part] for r in runs["embedded"]) * 1000
            b = statistics.median(r[part] for r in runs["bolt"]) * 1000
            metrics[part] = _side(e, b, 500 if part == "total" else None, "≤", 1)
        metrics["cases_in_month"] = {k: int(v[0]["cases"]) for k, v in runs.items()}
        metrics["open_cases"] = {k: int(v[0]["open"]) for k, v in runs.items()}
        metrics["runs_total"] = {k: [_ms(r["total"]) for r in v] for k, v in runs.items()}
        if len(set(metrics["cases_in_month"].values())) != 1:
            notes.append(f"direct metrics: the engines counted different months: {metrics['cases_in_month']}")

        # reports through the desk, then the ticks over them
        rng = random.Random(2)
        now = dt.datetime.now(ZONE)
        first = max(now - dt.timedelta(minutes=5), dt.datetime.combine(today, dt.time(0), tzinfo=ZONE))
        spread = (now - first).total_seconds()
        sample = [
            (rng.choice(households), rng.choice(CALENDAR_CATEGORIES), first + dt.timedelta(seconds=spread * i / count))
            for i in range(count)
        ]
        _say(f"{count} reports and the ticks, directly")
        reports = {
            "embedded": _report_direct(embedded_desk, embedded_view, sample),
            "bolt": _report_direct(bolt_desk, bolt_view, sample),
        }
        ticks = {"embedded": _ticks(embedded_desk, first, repeat), "bolt": _ticks(bolt_desk, first, repeat)}
        direct["ledger_cases_before"] = month_cases
        direct["metrics_ms"] = metrics
        direct["report"] = {
            "cases_per_s": _side(reports["embedded"]["cases_per_s"], reports["bolt"]["cases_per_s"], 300, "≥", 1),
            "p50_ms": _side(reports["embedded"]["p50_ms"], reports["bolt"]["p50_ms"], None, "≤", 1),
            "p99_ms": _side(reports["embedded"]["p99_ms"], reports["bolt"]["p99_ms"], 50, "≤", 1),
            "seconds": {k: rounded(v["seconds"], 1) for k, v in reports.items()},
        }
        direct["tick_none_due_s"] = _side(
            statistics.median(ticks["embedded"]["none_due"]), statistics.median(ticks["bolt"]["none_due"]), 1.0, "≤", 4
        )
        direct["tick_none_due_s"]["runs"] = {k: [rounded(s, 4) for s in v["none_due"]] for k, v in ticks.items()}
        quiet = utc_text(first + dt.timedelta(minutes=30))
        direct["tick_none_due_s"]["cases_due_returned"] = {
            "embedded": len(embedded_desk.ledger.due(quiet)),
            "bolt": len(bolt_desk.ledger.due(quiet)),
        }
        if direct["tick_none_due_s"]["cases_due_returned"]["bolt"]:
            notes.append(
                f"bolt ({connection.dialect.name}): with none due, BoltLedger.due still returned "
                f"{direct['tick_none_due_s']['cases_due_returned']['bolt']} cases (its string range on the indexed tick_at "
                "answers every node), so that tick reads and parses them all; and a tick then closes a resolved case "
                "at once instead of after close_after_minutes (the desk trusts due())."
            )
        direct["tick_all_due_s"] = _side(
            statistics.median(r["s"] for r in ticks["embedded"]["all_due"]),
            statistics.median(r["s"] for r in ticks["bolt"]["all_due"]),
            1.0,
            "≤",
        )
        direct["tick_all_due_s"]["runs"] = {k: v["all_due"] for k, v in ticks.items()}
        embedded.close()
        embedded = None
        if scale in BOLT_HTTP_SCALES:
            figures["http_bolt"] = _http_bolt(
                uri, user, password, district, households, scale, repeat, today, folder, figures["http"], notes
            )
        else:
            figures["http_bolt"] = (
                "skipped at this scale: each worker's warm-up on the Bolt store (the coverage of every area over Cypher) "
                "took over 600 s at district scale; run with --scale street for it"
            )
    finally:
        if embedded is not None:
            embedded.close()
        if bolt is not None:
            bolt.close()
        if local is not None:
            local.stop()
        for name, seconds in setup.items():
            setup[name] = rounded(seconds, 1)
    notes.append(
        f"direct: the embedded ledger is the server's file after the HTTP run ({month_cases} month cases and their events); "
        f"the Bolt server got the same {month_cases} cases as they stand, written in UNWIND batches as case nodes with the "
        "fields the metrics read (no body, events, links nor tick_at: setup_s.bolt_copy_month_s; through the ledger it "
        "took 500 s). "
        "metrics_ms is CaseDesk.metrics, what GET /v1/cases/metrics runs (ledger_facts: its two ledger reads, the month and "
        f"the open cases; rest: names and counting). Then {count} cases reported today on each engine through "
        "CaseDesk.report with idempotency keys (shipped policy: reply within 60 min, calendar categories only), then the "
        "ticks: none due at +30 min, every one due at +70 min (+130, … for further runs; a run over "
        f"{SLOW_TICK_S:g} s is not repeated). One process, one engine after the other."
    )


def _http_bolt(
    uri: str,
    user: str,
    password: str,
    district: str,
    households: list[str],
    scale: Scale,
    repeat: int,
    today: dt.date,
    folder: Path,
    http: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    """The server with 2 workers on the Bolt store: the month's metrics and reports today over HTTP."""
    rng = random.Random(3)
    tokens_file = folder / "bolt.tokens"
    tokens = TokenBook(tokens_file)
    dispatcher, _ = tokens.add(Role.DISPATCHER, district, expires=None, note="benchmark")
    viewer, _ = tokens.add(Role.VIEWER, district, expires=None, note="benchmark")
    env = {
        "ORGGRAPH_NEO4J_USER": user,
        "ORGGRAPH_NEO4J_PASSWORD": password,
        "ORGGRAPH_TOKENS_FILE": str(tokens_file),
        "ORGGRAPH_POLICY": str(folder / "clock.toml"),
    }
    start, end = _month(today)
    count = BOLT_HTTP_CASES.get(scale, BOLT_HTTP_CASES[Scale.DISTRICT])
    now = dt.datetime.now(ZONE)
    first = max(now - dt.timedelta(hours=1), end)
    requests = [
        _report_request(
            rng.choice(households), rng.choice(ISSUE_CATEGORIES), first + (now - first) * rng.random(), f"bolt-{i}", rng
        )
        for i in range(count)
    ]
    figures: dict[str, Any] = {"workers": WORKERS, "concurrency": CONCURRENCY}
    server = _Server(uri, WORKERS, env)
    try:
        began = time.perf_counter()
        _say("the server on the Bolt store")
        server.wait_warm(viewer, "/v1/coverage/summary")
        figures["server_warm_s"] = rounded(time.perf_counter() - began, 1)
        _say("metrics and reports over HTTP on the Bolt store")
        query = f"/v1/cases/metrics?from={start.date().isoformat()}&to={(end.date() - dt.timedelta(days=1)).isoformat()}"
        asks = []
        with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {viewer}"}, timeout=300) as client:
            for _ in range(max(3, repeat)):
                began = time.perf_counter()
                answer = client.get(query)
                answer.raise_for_status()
                asks.append(time.perf_counter() - began)
        metrics = statistics.median(asks)
        figures["metrics_ms"] = _side(http["metrics_ms"]["median"], metrics * 1000, 500, "≤", 1)
        figures["metrics_ms"]["runs_bolt"] = [_ms(a) for a in asks]
        runs = [_figures(_drive(server, dispatcher, [[r] for r in part]), "cases") for part in _split(requests, repeat)]
        median = _median_of(runs, ("cases_per_s", "p50_ms", "p99_ms"))
        figures["report"] = {
            "cases_per_s": _side(http["report"]["cases_per_s"], median["cases_per_s"], 300, "≥", 1),
            "p50_ms": _side(http["report"]["p50_ms"], median["p50_ms"], None, "≤", 1),
            "p99_ms": _side(http["report"]["p99_ms"], median["p99_ms"], 50, "≤", 1),
            "runs_bolt": runs,
        }
    finally:
        server.stop()
    notes.append(
        f"http_bolt: orggraph serve --workers {WORKERS} on the local FalkorDB (ORGGRAPH_STORE=bolt://…); metrics over the same "
        f"month as http (the Bolt ledger then also holds the direct part's cases, reported today, outside the month); "
        f"{count} reports (today) in {repeat} run(s), closed loop of {CONCURRENCY}; the embedded figures beside them are http's "
        "(its ledger grew from 0 to the month's cases while they were sent)."
    )
    return figures
