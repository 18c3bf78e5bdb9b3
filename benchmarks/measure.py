"""Timing and memory helpers shared by the benchmark suites."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orggraph.generator import Scale
    from orggraph.pii import PiiKey
    from orggraph.store import MemoryStore

ROOT = Path(__file__).resolve().parents[1]


def median_time(func: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeat`` calls, and every run's time (seconds)."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def in_subprocess(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object on its last line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rounded(value: float, places: int = 3) -> float:
    return round(value, places)


def district_in_memory(scale: Scale, key: PiiKey) -> MemoryStore:
    """The generated district (seed 1) written into a memory store, the generator's output let go."""
    import gc

    from orggraph.generator import generate
    from orggraph.store import MemoryStore

    store = MemoryStore(key)
    for batch in generate(scale, seed=1, key=key).batches:
        store.write(batch)
    gc.collect()
    return store
