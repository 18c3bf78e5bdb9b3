"""The importer budgets (issue: importers): a district's rosters synced into a store (``orggraph import``).

Set-up, once and untimed: the district is generated, laid out in a memory store and written as its
whole roster set twice — every roster as ``.xlsx``, and every roster as GB18030 ``.csv``. Every timed
run then imports into a fresh store file, as of the generator's day (so the rosters' dates agree):

* ``import_all_s`` — the whole csv set imported into an empty store (read, validated, synced, durable);
* ``households_csv_rows_per_s`` (and ``households_csv_s``) — the 住户 roster as GB18030 csv imported
  into a store that already holds the areas it refers to: rows per second. The 区域 roster cannot be
  imported alone (its compounds name property companies of the 单位 roster, whose units name party
  orgs, some of which are responsible for buildings of the 住户 roster), so the 区域 and 单位 rosters
  are imported first, untimed, best effort: every area and property company is written, and the
  units' party-org links are rejected (counted in ``households_preload_rejected``);
* ``households_xlsx_rows_per_s`` (and ``households_xlsx_s``) — the same with the ``.xlsx`` roster;
* ``undo_households_s`` — the csv households import undone (``orggraph undo``) right after it;
* ``reimport_unchanged_s`` — the same files imported again into the store ``import_all`` filled, as
  ``orggraph import`` is run again (``reimport_quick``: whether the importer's quick check — same files
  and options into an unchanged store — answered without reading them), with ``reimport_changes``
  (counted changes, should be 0) and ``reimport_wrote_graph`` (whether the store's revision moved:
  a block of the graph rewritten; the import's audit row aside);
* ``reimport_full_unchanged_s`` — then the same rosters once more, past the quick check (the encoding
  given explicitly, so the options differ), read, validated and synced in full: the cost of an
  unchanged roster set that is not byte for byte the last one; ``reimport_full_changes`` and
  ``reimport_full_wrote_graph`` as above;
* ``import_peak_mb`` — peak resident memory of a fresh process importing the csv set into an empty
  store (its ``VmHWM``: ``ru_maxrss`` of a child started by ``subprocess`` also counts the parent's
  memory, here gigabytes, as Linux keeps the high-water mark across vfork and exec);
  ``store_open_mb`` — resident memory of a fresh process with the resulting store open;
  ``import_peak_ratio`` the one over the other;
* ``phases`` — one extra households-csv run split by step of the sync (not part of the medians).
"""

from __future__ import annotations

import csv
import gc
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import importers.sync as sync
from benchmarks.measure import ROOT, in_subprocess, rounded
from importers.report import ImportReport
from importers.rosters import RosterKind
from importers.sync import ImportOptions, import_rosters
from importers.undo import undo_import
from importers.writer import RosterFormat, write_rosters
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore, MemoryStore

T = TypeVar("T")

_SECRET = b"benchmark-key-benchmark-key-0001"

_IMPORT = """
import json, resource, sys, time
from pathlib import Path
from importers.sync import ImportOptions, import_rosters
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1], PiiKey(bytes.fromhex(sys.argv[2])))
started = time.perf_counter()
report = import_rosters(store, [Path(p) for p in sys.argv[4:]], ImportOptions(date=sys.argv[3]))
elapsed = time.perf_counter() - started
store.close()
try:  # this process's own high-water mark; ru_maxrss also counts the parent's when started by vfork + exec
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": elapsed, "peak_mb": peak_kb * 1024 / 1e6, "rejections": len(report.rejections)}))
"""

_OPEN = """
import gc, json, sys, psutil
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1], PiiKey(bytes.fromhex(sys.argv[2])), create=False)
gc.collect()
print(json.dumps({"rss_mb": psutil.Process().memory_info().rss / 1e6}))
"""


def _write_sets(scale: Scale, key: PiiKey, folder: Path) -> tuple[str, dict[RosterFormat, list[Path]], int]:
    """Generate the district and write its rosters once per format; returns (as_of, paths, household rows)."""
    district = generate(scale, seed=1, key=key)
    scratch = MemoryStore(key)
    for batch in district.batches:
        scratch.write(batch)
    sets: dict[RosterFormat, list[Path]] = {}
    for fmt in RosterFormat:
        formats = dict.fromkeys(RosterKind, fmt)
        sets[fmt] = write_rosters(scratch, folder / fmt.value, formats=formats, as_of=district.as_of, typed_phones=True)
    with _roster(sets[RosterFormat.CSV], RosterKind.HOUSEHOLDS).open(encoding="gb18030", newline="") as handle:
        households = sum(1 for _ in csv.reader(handle)) - 1  # less the header
    return district.as_of, sets, households


def _roster(paths: Sequence[Path], kind: RosterKind) -> Path:
    return next(p for p in paths if p.stem == kind.zh)


def _checked(report: ImportReport, what: str, *, written: bool = True) -> ImportReport:
    """A rejected import would time the wrong thing: stop, and show why."""
    if not report.ok or (written and not report.written):
        shown = "\n".join(f"  {r.file} row {r.row} {r.column}: {r.reason}" for r in report.rejections[:10])
        raise RuntimeError(f"{what}: the import was not written ({len(report.rejections)} rejections)\n{shown}")
    return report


def _preload(store: EmbeddedStore, paths: Sequence[Path], as_of: str) -> int:
    """The areas (and the property companies they name) written before a households run; rows rejected."""
    preload = [_roster(paths, RosterKind.AREAS), _roster(paths, RosterKind.UNITS)]
    report = import_rosters(store, preload, ImportOptions(date=as_of, best_effort=True))
    if not report.written or any(r.file == str(preload[0]) for r in report.rejections):
        raise RuntimeError(f"preload: the areas were not all written ({len(report.rejections)} rejections)")
    return len(report.rejections)


def _commit() -> str:
    """The commit measured, and ``+dirty`` when the working tree differs from it."""
    git = partial(subprocess.run, cwd=ROOT, capture_output=True, text=True, check=False)
    head = git(["git", "rev-parse", "--short", "HEAD"]).stdout.strip() or "unknown"
    dirty = git(["git", "status", "--porcelain", "--untracked-files=no"]).stdout.strip()
    return f"{head}+dirty" if dirty else head


def _remove(store: Path) -> None:
    """A store file and what SQLite keeps beside it (the runs' disk stays small)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)


def _sequence(path: Path) -> str:
    """The store's revision, read beside the store."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return str(db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])


def _timed(func: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    report = func()
    return time.perf_counter() - started, report


@contextmanager
def _phases(into: dict[str, float]) -> Iterator[None]:
    """Time the steps of :func:`importers.sync.import_rosters` (its module's names wrapped, then restored)."""
    names = {
        "hash_files": "hash_s",
        "read_file": "read_s",
        "_parse_sheet": "validate_s",
        "plan_sheets": "plan_s",
        "plan_ends": "ends_s",
        "_batch": "batch_s",
        "_write": "write_s",
    }
    originals = {name: getattr(sync, name) for name in names}

    def wrap(name: str) -> Callable[..., Any]:
        original = originals[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                into[names[name]] = into.get(names[name], 0.0) + time.perf_counter() - started

        return timed

    try:
        for name in names:
            setattr(sync, name, wrap(name))
        yield
    finally:
        for name, original in originals.items():
            setattr(sync, name, original)


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    key = PiiKey(_SECRET)
    load_before = os.getloadavg()[0]
    commit = _commit()  # the code this process runs; fresh subprocesses load whatever is there when they start
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        as_of, sets, households = _write_sets(scale, key, folder / "rosters")
        gc.collect()  # the generated district and its scratch store are gone before anything is timed
        options = ImportOptions(date=as_of)
        csv_set = sets[RosterFormat.CSV]
        roster_mb = {fmt.value: sum(p.stat().st_size for p in paths) / 1e6 for fmt, paths in sets.items()}

        import_runs: list[float] = []
        reimport_runs: list[float] = []
        reimport_full_runs: list[float] = []
        full_options = ImportOptions(date=as_of, encoding="gb18030")
        changes: dict[ImportOptions, list[int]] = {}
        wrote: dict[ImportOptions, list[bool]] = {}
        quick: dict[ImportOptions, list[bool]] = {}
        counts: dict[str, dict[str, int]] = {}
        store_mb = 0.0
        for i in range(repeat):
            path = folder / f"all{i}.db"
            store = EmbeddedStore(path, key)
            elapsed, report = _timed(partial(import_rosters, store, csv_set, options))
            import_runs.append(elapsed)
            counts = {kind: dict(c) for kind, c in _checked(report, "import_all").counts.items()}
            for again, runs in ((options, reimport_runs), (full_options, reimport_full_runs)):
                before = _sequence(path)
                elapsed, report = _timed(partial(import_rosters, store, csv_set, again))
                runs.append(elapsed)
                changes.setdefault(again, []).append(_checked(report, "reimport", written=False).changed)
                wrote.setdefault(again, []).append(_sequence(path) != before)
                quick.setdefault(again, []).append(report.quick is not None)
            store.close()
            store_mb = path.stat().st_size / 1e6
            del store, report
            _remove(path)
            gc.collect()

        households_runs: dict[RosterFormat, list[float]] = {}
        undo_runs: list[float] = []
        preload_rejected = 0
        for fmt, paths in sets.items():
            households_runs[fmt] = []
            for i in range(repeat):
                path = folder / f"households-{fmt.value}{i}.db"
                store = EmbeddedStore(path, key)
                preload_rejected = _preload(store, paths, as_of)
                roster = [_roster(paths, RosterKind.HOUSEHOLDS)]
                elapsed, report = _timed(partial(import_rosters, store, roster, options))
                households_runs[fmt].append(elapsed)
                _checked(report, f"households ({fmt.value})")
                if fmt is RosterFormat.CSV:
                    elapsed, _ = _timed(partial(undo_import, store))
                    undo_runs.append(elapsed)
                store.close()
                del store, report
                _remove(path)
                gc.collect()

        phases: dict[str, float] = {}
        path = folder / "phases.db"
        store = EmbeddedStore(path, key)
        _preload(store, csv_set, as_of)
        with _phases(phases):
            total, report = _timed(partial(import_rosters, store, [_roster(csv_set, RosterKind.HOUSEHOLDS)], options))
        _checked(report, "households (phases)")
        store.close()
        del store, report
        _remove(path)
        phases["other_s"] = total - sum(phases.values())
        phases["total_s"] = total

        memory_runs: list[tuple[float, float]] = []
        for i in range(repeat):
            path = folder / f"memory{i}.db"
            imported = in_subprocess(_IMPORT, str(path), _SECRET.hex(), as_of, *map(str, csv_set))
            if imported["rejections"]:
                raise RuntimeError(f"import_peak: {imported['rejections']} rejections")
            opened = in_subprocess(_OPEN, str(path), _SECRET.hex())
            memory_runs.append((imported["peak_mb"], opened["rss_mb"]))
            _remove(path)

    def rate(runs: list[float]) -> float:
        return households / statistics.median(runs)

    load_after = os.getloadavg()[0]
    csv_runs, xlsx_runs = households_runs[RosterFormat.CSV], households_runs[RosterFormat.XLSX]
    peak_mb = statistics.median(m[0] for m in memory_runs)
    open_mb = statistics.median(m[1] for m in memory_runs)
    return {
        "suite": "importers",
        "scale": scale.value,
        "repeat": repeat,
        "as_of": as_of,
        "commit": commit,
        **({"commit_at_end": end} if (end := _commit()) != commit else {}),
        "rosters": len(csv_set),
        "roster_mb": {fmt: rounded(mb, 1) for fmt, mb in roster_mb.items()},
        "households_rows": households,
        "households_preload_rejected": preload_rejected,
        "counts": counts,
        "store_mb": rounded(store_mb, 1),
        "import_all_s": rounded(statistics.median(import_runs)),
        "households_csv_s": rounded(statistics.median(csv_runs)),
        "households_csv_rows_per_s": round(rate(csv_runs)),
        "households_xlsx_s": rounded(statistics.median(xlsx_runs)),
        "households_xlsx_rows_per_s": round(rate(xlsx_runs)),
        "undo_households_s": rounded(statistics.median(undo_runs)),
        "reimport_unchanged_s": rounded(statistics.median(reimport_runs)),
        "reimport_quick": all(quick[options]),
        "reimport_changes": max(changes[options]),
        "reimport_wrote_graph": any(wrote[options]),
        "reimport_full_unchanged_s": rounded(statistics.median(reimport_full_runs)),
        "reimport_full_quick": any(quick[full_options]),
        "reimport_full_changes": max(changes[full_options]),
        "reimport_full_wrote_graph": any(wrote[full_options]),
        "import_peak_mb": rounded(peak_mb, 1),
        "store_open_mb": rounded(open_mb, 1),
        "import_peak_ratio": rounded(peak_mb / open_mb, 2),
        "load_avg_1min": [rounded(load_before, 2), rounded(load_after, 2)],
        "phases": {name: rounded(seconds) for name, seconds in phases.items()},
        "runs": {
            "import_all_s": [rounded(t) for t in import_runs],
            "households_csv_s": [rounded(t) for t in csv_runs],
            "households_xlsx_s": [rounded(t) for t in xlsx_runs],
            "undo_households_s": [rounded(t) for t in undo_runs],
            "reimport_unchanged_s": [rounded(t) for t in reimport_runs],
            "reimport_changes": changes[options],
            "reimport_wrote_graph": wrote[options],
            "reimport_full_unchanged_s": [rounded(t) for t in reimport_full_runs],
            "reimport_full_changes": changes[full_options],
            "reimport_full_wrote_graph": wrote[full_options],
            "import_peak_mb": [rounded(m[0], 1) for m in memory_runs],
            "store_open_mb": [rounded(m[1], 1) for m in memory_runs],
        },
        "budgets": {  # at most
            "import_all_s": 30,
            "undo_households_s": 10,
            "reimport_unchanged_s": 30,
            "reimport_changes": 0,
            "reimport_wrote_graph": False,
            "reimport_full_unchanged_s": 15,
            "reimport_full_changes": 0,
            "reimport_full_wrote_graph": False,
            "import_peak_ratio": 2,
        },
        "budgets_at_least": {"households_csv_rows_per_s": 50000, "households_xlsx_rows_per_s": 25000},
    }
