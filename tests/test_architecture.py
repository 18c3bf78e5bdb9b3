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


def test_no_module_of_the_four_packages_imports_itself_through_others() -> None:
    """No import cycle between modules, at run time or for type checking alone: every family reads the
    graph through the read port, none through a twin module it must import back."""
    import grimp
    import networkx as nx

    graph = grimp.build_graph("orggraph", "queries", "importers", "api", cache_dir=None)
    imports = nx.DiGraph()
    for module in graph.modules:
        imports.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if not module.startswith(imported + ".") and not imported.startswith(module + "."):  # a package and its own modules
                imports.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == [], cycles


def test_queries_read_no_engine_internals() -> None:
    """Queries read the store through its view (the read port), never networkx's tables or the driver."""
    for path in ROOT.glob("queries/**/*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("._node", "._succ", "._pred", "neo4j", ".graph.", "store.graph"):
            assert forbidden not in text, f"{path.relative_to(ROOT)} reads {forbidden}"
