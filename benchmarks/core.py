"""The core budgets (issue: core): generate, write, save and open a district; memory when open.

* ``generate_s`` — the synthetic district generated (batches built, nothing written);
* ``write_s`` — every batch written into an empty store (validated, applied, made durable);
* ``save_s`` — the whole graph written afresh, every block (``checkpoint``);
* ``open_s`` — an existing store opened in a fresh process;
* ``rss_open_mb`` — that process's resident memory with the district open, and
  ``rss_open_delta_mb`` the part the graph adds to an interpreter with orggraph imported.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import in_subprocess, median_time, rounded
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore

_OPEN = """
import gc, json, sys, time, psutil
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
process = psutil.Process()
before = process.memory_info().rss
started = time.perf_counter()
store = EmbeddedStore(sys.argv[1], PiiKey(bytes.fromhex(sys.argv[2])), create=False)
elapsed = time.perf_counter() - started
gc.collect()
after = process.memory_info().rss
print(json.dumps({"open_s": elapsed, "rss_mb": after / 1e6, "delta_mb": (after - before) / 1e6,
                  "nodes": store.graph.number_of_nodes(), "edges": store.graph.number_of_edges()}))
"""


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    secret = b"benchmark-key-benchmark-key-0001"
    key = PiiKey(secret)
    latest: dict[str, Any] = {}

    def generate_once() -> None:
        latest.clear()  # one district in memory at a time
        latest["district"] = generate(scale, seed=1, key=key)

    generate_s, generate_runs = median_time(generate_once, repeat)
    district = latest.pop("district")
    ops = sum(len(b) for b in district.batches)
    with tempfile.TemporaryDirectory() as folder:
        write_runs: list[float] = []
        save_runs: list[float] = []
        path = Path(folder) / "bench.db"
        for i in range(repeat):
            path = Path(folder) / f"bench{i}.db"
            store = EmbeddedStore(path, key)
            started = time.perf_counter()
            for batch in district.batches:
                store.write(batch)
            write_runs.append(time.perf_counter() - started)
            save_runs.append(median_time(store.checkpoint, 1)[0])
            store.close()
        size_mb = path.stat().st_size / 1e6
        opened = [in_subprocess(_OPEN, str(path), secret.hex()) for _ in range(repeat)]
    return {
        "suite": "core",
        "scale": scale.value,
        "repeat": repeat,
        "ops": ops,
        "nodes": opened[0]["nodes"],
        "edges": opened[0]["edges"],
        "store_mb": rounded(size_mb, 1),
        "generate_s": rounded(generate_s),
        "write_s": rounded(statistics.median(write_runs)),
        "save_s": rounded(statistics.median(save_runs)),
        "open_s": rounded(statistics.median(o["open_s"] for o in opened)),
        "rss_open_mb": rounded(statistics.median(o["rss_mb"] for o in opened), 1),
        "rss_open_delta_mb": rounded(statistics.median(o["delta_mb"] for o in opened), 1),
        "runs": {
            "generate_s": [rounded(t) for t in generate_runs],
            "write_s": [rounded(t) for t in write_runs],
            "save_s": [rounded(t) for t in save_runs],
            "open_s": [rounded(o["open_s"]) for o in opened],
        },
        "budgets": {"generate_s": 60, "save_s": 5, "open_s": 3, "rss_open_mb": 1000},
    }
