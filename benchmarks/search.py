"""The search's budget (issue 18: search answers ≤ 100 ms), over HTTP on 127.0.0.1: ``orggraph serve``
(one worker) on the generated district in an embedded store, asked ``GET /v1/search`` one request at a
time by dispatchers of the whole district, of one street and of one community.

* ``index_build_s`` — the search index of the district's view, built in this process as the server's
  refresh thread builds it after each new revision (the median of ``--repeat`` builds);
* ``http_ms`` — per scope and over all: the median, p95 and maximum latency of a mix of queries (below),
  each asked ``--repeat`` times, the server's index built (what a request meets a second after a
  write; until then the index of the revision before answers);
* ``query_ms`` — the same mix through :func:`queries.lookups.search.search` in this process, without
  HTTP, auth and the access audit (each answer that names a person or household waits for its entry
  to be committed: an fsync, in group commits).

The mix (about forty texts, drawn from the district with a fixed seed): whole names and surnames,
codes of households, buildings, communities and units and prefixes of codes, addresses as the graph
writes them, with their community in front and a building's alone, masked ID numbers as pages show
them and their last four digits, whole ID numbers, common fragments (``号楼``, ``党支部``, ``1``) and
a text that is nowhere.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from api.scope import Scope, places, reader_within
from api.tokens import Role, TokenBook
from benchmarks.api import SECRET, Server, _build
from benchmarks.measure import median_time, rounded
from orggraph.generator import Scale
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.view import DayView
from queries.lookups.search import SearchIndex, search
from queries.reading.place import Place

BUDGET_MS = 100


def texts(view: DayView, key: PiiKey, street: str, seed: int = 7) -> list[str]:
    """The mix of queries (see the module docstring), from the district's first street mostly."""
    rng = random.Random(seed)
    subtree = view.subtree(f"area:{street}")
    households = rng.sample(sorted(subtree.of_kind("household")), 6)
    buildings = rng.sample(sorted(subtree.of_kind("building")), 3)
    communities = sorted(subtree.of_kind("community"))
    persons = rng.sample(list(view.candidates("person")), 6)
    units = rng.sample(list(view.candidates("unit")), 2)
    mix = [str(a["name"]) for _, a in persons[:4]] + [str(a["name"])[:1] for _, a in persons[:3]]
    mix += [h.split(":", 1)[1] for h in households[:3]] + [b.split(":", 1)[1] for b in buildings[:1]]
    mix += [c.split(":", 1)[1] for c in communities[:2]] + [u.split(":", 1)[1] for u, _ in units[:1]]
    mix += [street, street[:-2], households[0].split(":", 1)[1][:-3]]
    for household in households[3:]:
        place = Place(view, household)
        address = str(place.address())
        mix += [address, f"{place.name(place.community)}{address}", address[:-4]]
    for building in buildings[1:]:
        place_name = (view.node(building) or {}).get("name")
        compound = view.parent(building, "PART_OF")
        mix.append(f"{(view.node(compound) or {}).get('name')}{place_name}" if compound else str(place_name))
    for _, attrs in persons[4:]:
        masked = str(attrs["id_masked"])
        whole = key.unseal("id_number", bytes.fromhex(str(attrs["id_sealed"])))
        mix += [masked, whole[:6] + "*" * 8 + whole[-4:], masked[-4:], whole]
    mix += [str(a["name"]) for _, a in units[1:]] + ["号楼", "党支部", "物业", "1", "幸福", "zzzz"]
    return mix


def _quantiles(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    return {
        "median": rounded(statistics.median(ordered), 2),
        "p95": rounded(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "max": rounded(ordered[-1], 2),
        "asked": len(ordered),
    }


def _over_http(server: Server, token: str, mix: list[str], repeat: int) -> list[float]:
    times = []
    with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for _ in range(repeat):
            for text in mix:
                started = time.perf_counter()
                answer = client.get("/v1/search", params={"q": text})
                times.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
    return times


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"suite": "search", "scale": scale.value, "repeat": repeat}
    key = PiiKey(SECRET)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store_path, street, district, _, _ = _build(folder, scale)
        opened = EmbeddedStore(store_path, key, create=False)
        try:
            view = opened.view()
            build_s, build_runs = median_time(lambda: SearchIndex.build(view, placer=places), repeat)
            index = SearchIndex.build(view, placer=places)
            mix = texts(view, key, street)
            community = sorted(view.subtree(f"area:{street}").of_kind("community"))[0].split(":", 1)[1]
            scopes = {"district": district, "street": street, "community": community}
            in_process: dict[str, Any] = {}
            for label, code in scopes.items():
                scope = Scope.of(view, code)
                assert scope is not None
                reader, within = reader_within(view, scope), None if scope.everything else scope.area
                times = []
                for _ in range(repeat):
                    for text in mix:
                        began = time.perf_counter()
                        search(index, view, text, reader=reader, within=within, key=key)
                        times.append((time.perf_counter() - began) * 1000)
                in_process[label] = _quantiles(times)
            figures |= {
                "nodes_indexed": len(index.nodes),
                "shards": len(index.shards),
                "texts": len(mix),
                "index_build_s": rounded(build_s),
                "query_ms": in_process,
            }
        finally:
            opened.close()
        tokens = TokenBook(Path(str(store_path) + ".tokens"))
        made = {label: tokens.add(Role.DISPATCHER, code, expires=None, note="benchmark")[0] for label, code in scopes.items()}
        viewer, _ = tokens.add(Role.VIEWER, district, expires=None, note="benchmark")
        server = Server(store_path, 1)
        try:
            server.wait_warm(viewer, "/v1/coverage/summary")
            figures["index_ready_after_warm_s"] = rounded(server.wait_search(made["district"], BUDGET_MS / 1000), 1)
            http: dict[str, Any] = {}
            every: list[float] = []
            for label, token in made.items():
                times = _over_http(server, token, mix, repeat)
                http[label] = _quantiles(times)
                every += times
            http["all"] = _quantiles(every)
            figures["http_ms"] = http
        finally:
            server.stop()
    figures["runs"] = {"index_build_s": [rounded(t) for t in build_runs]}
    figures["budgets"] = {"http_ms": f"p95 <= {BUDGET_MS} ms per answer (issue 18)"}
    return figures
