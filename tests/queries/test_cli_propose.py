"""``orggraph propose`` then ``orggraph import`` closes the 1+10 gap; ``orggraph whatif`` changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest

runner = CliRunner()


def test_propose_import_closes_the_gap_and_whatif_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    (tmp_path / "p.db.key").write_text(("ef" * 32) + "\n")
    (tmp_path / "p.db.key").chmod(0o600)
    key = PiiKey(bytes.fromhex("ef" * 32))
    with EmbeddedStore(path, key) as s:
        for batch in generate(Scale.COMMUNITY, seed=8, key=key).batches:
            s.write(batch)
        member = next(lk.source for n, _ in s.nodes() for lk in s.links(n, direction="in") if lk.kind.value == "CONTACTS")
    store = ["--store", str(path)]

    def uncontacted() -> int:
        out = runner.invoke(app, ["coverage", *store, "--rule", "household-uncontacted", "--format", "json"])
        return len(json.loads(out.stdout)["findings"])

    assert uncontacted() > 0
    roster = tmp_path / "proposal.csv"
    proposed = runner.invoke(app, ["propose", "contacts", "--output", str(roster), *store])
    assert proposed.exit_code == 0, proposed.output
    imported = runner.invoke(app, ["import", str(roster), "--scope", "130705", *store])
    assert imported.exit_code == 0, imported.output
    assert uncontacted() == 0
    with EmbeddedStore(path, key, create=False) as s:
        before = graph_digest(s.graph)
    result = runner.invoke(app, ["whatif", "--remove", member, *store])
    assert result.exit_code == 0, result.output
    assert "would appear" in result.output
    with EmbeddedStore(path, key, create=False) as s:
        assert graph_digest(s.graph) == before
    bad = runner.invoke(app, ["whatif", "--end", "nonsense", *store])
    assert bad.exit_code == 1
    unknown = runner.invoke(app, ["propose", "budget", "--output", str(roster), *store])
    assert unknown.exit_code == 1
