"""The folder layout tells the truth: the dependency arrows of the architecture are checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" in done.stdout
    assert "0 broken" in done.stdout


def test_only_the_orggraph_root_logger_is_used() -> None:
    for path in [
        *ROOT.glob("orggraph/**/*.py"),
        *ROOT.glob("queries/**/*.py"),
        *ROOT.glob("importers/**/*.py"),
        *ROOT.glob("api/**/*.py"),
    ]:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "logging.getLogger(" in line and "getLogger(ROOT_LOGGER)" not in line:
                assert 'getLogger("orggraph' in line, f"{path}: {line.strip()}"
