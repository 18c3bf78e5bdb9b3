"""The change log, same-day corrections and undo, alike on the embedded engine and the Bolt server:
the same imports give the same graph, the same history, and an undo gives back the same graph."""

from __future__ import annotations

from pathlib import Path

from importers.demo import DEMO_CSV
from importers.sync import ImportOptions, import_rosters
from importers.undo import history, undo_import
from importers.writer import RosterFormat, write_rosters
from orggraph.generator import Scale, generate
from orggraph.store import MemoryStore
from orggraph.store.digest import graph_digest
from orggraph.store.neo4j import Neo4jStore
from tests.contract.conftest import KEY, BoltTarget
from tests.contract.test_store_contract import server_digest

AS_OF = "2025-06-01"


def _rosters(tmp_path: Path, seed: int) -> list[Path]:
    original = MemoryStore(KEY)
    for batch in generate(Scale.COMMUNITY, seed=seed, key=KEY, as_of=AS_OF).batches:
        original.write(batch)
    return write_rosters(
        original, tmp_path / "rosters", formats=dict.fromkeys(DEMO_CSV, RosterFormat.CSV), as_of=AS_OF, typed_phones=True
    )


def _drop_rows(path: Path, every: int) -> bytes:
    """Keep the header and every ``every``-th row out: what a wrong file looks like."""
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    path.write_bytes(b"".join([lines[0], *(line for i, line in enumerate(lines[1:]) if i % every)]))
    return original


def test_a_wrong_file_then_the_right_one_and_an_undo_alike(
    tmp_path: Path, new_bolt_store: object, bolt_target: BoltTarget
) -> None:
    paths = _rosters(tmp_path, 7)
    embedded, bolt = MemoryStore(KEY), new_bolt_store()  # type: ignore[operator]
    assert isinstance(bolt, Neo4jStore)
    for store in (embedded, bolt):
        assert import_rosters(store, paths, ImportOptions(date=AS_OF)).ok
    right = graph_digest(embedded.graph)
    assert server_digest(bolt_target) == right

    contacts = next(p for p in paths if p.name.startswith("联系户"))
    original = _drop_rows(contacts, 3)  # a third of the contacts missing, same day
    wrong = [import_rosters(s, [contacts], ImportOptions(date=AS_OF, allow_mass_end=True)) for s in (embedded, bolt)]
    assert wrong[0].changes == wrong[1].changes
    assert wrong[0].graph_total("ended") > 0
    contacts.write_bytes(original)
    fixed = [import_rosters(s, [contacts], ImportOptions(date=AS_OF)) for s in (embedded, bolt)]
    assert fixed[0].changes == fixed[1].changes
    assert graph_digest(embedded.graph) == right  # the right file alone
    assert server_digest(bolt_target) == right

    # undo the correction and the wrong file: back to the wrong state, then to the right one
    undo_import(embedded)
    undo_import(bolt)
    assert server_digest(bolt_target) == graph_digest(embedded.graph) != right
    undo_import(embedded)
    undo_import(bolt)
    assert graph_digest(embedded.graph) == right
    assert server_digest(bolt_target) == right
    statuses = [[e["status"] for e in history(s)] for s in (embedded, bolt)]
    assert statuses[0] == statuses[1] == ["undo", "undo", "written", "written", "written"]
    records = [[(r.revision, r.label, len(r.backward)) for r in s.write_log()] for s in (embedded, bolt)]
    assert [label for _, label, _ in records[0]] == [label for _, label, _ in records[1]]
    assert [size for _, _, size in records[0]] == [size for _, _, size in records[1]]
