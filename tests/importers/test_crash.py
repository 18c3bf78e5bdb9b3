"""An importer killed in the middle of its write leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.importers.conftest import HOUSEHOLDS, run, write

ROOT = Path(__file__).resolve().parents[2]

_IMPORTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from importers.sync import ImportOptions, import_rosters
    from orggraph.pii import PiiKey
    from orggraph.store import EmbeddedStore
    store = EmbeddedStore(sys.argv[1], PiiKey(b"i" * 32), create=False)
    def hold():
        print("ready", flush=True)
        time.sleep(60)
    store.before_commit = hold
    import_rosters(store, [Path(p) for p in sys.argv[2:]], ImportOptions(date="2025-07-01"))
    """
)


def test_importer_killed_mid_write(loaded: EmbeddedStore, key: PiiKey, tmp_path: Path) -> None:
    digest = graph_digest(loaded.graph)
    loaded.close()
    moved = HOUSEHOLDS.replace("H2,", "H7,")
    path = write(tmp_path, "住户.csv", moved)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, str(loaded.path), str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with EmbeddedStore(loaded.path, key, create=False) as again:
        assert graph_digest(again.graph) == digest
        assert again.node("household:H7") is None
        assert len(again.audit_log("import")) == 1  # the killed import left no record either
        # and running it again completes
        report = run(again, [path])
        assert report.ok
        assert report.written
        assert again.node("household:H7") is not None
