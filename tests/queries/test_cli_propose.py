"""``orggraph propose`` then ``orggraph import`` closes the 1+10 gap; ``orggraph whatif`` changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
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


# -- issue 15, B.7.5: a roster of whole ID numbers is never written without saying so ---------------

_WHOLE_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")


@pytest.fixture(scope="module")
def community_store(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("propose")
    path = folder / "p.db"
    (folder / "p.db.key").write_text(("ef" * 32) + "\n")
    (folder / "p.db.key").chmod(0o600)
    key = PiiKey(bytes.fromhex("ef" * 32))
    with EmbeddedStore(path, key) as s:
        for batch in generate(Scale.COMMUNITY, seed=8, key=key).batches:
            s.write(batch)
    return ["--store", str(path)]


def test_a_contacts_roster_names_members_by_person_code_unless_id_numbers_are_asked(
    community_store: list[str], tmp_path: Path
) -> None:
    roster = tmp_path / "by-code.csv"
    proposed = runner.invoke(app, ["propose", "contacts", "--output", str(roster), *community_store])
    assert proposed.exit_code == 0, proposed.output
    text = roster.read_text(encoding="gb18030")
    assert text.startswith("人员编号,户编码,备注")
    assert not _WHOLE_ID.search(text)
    assert "ID number" not in proposed.stderr

    whole = tmp_path / "whole.csv"
    asked = runner.invoke(app, ["propose", "contacts", "--id-numbers", "--output", str(whole), *community_store])
    assert asked.exit_code == 0, asked.output
    written = len(_WHOLE_ID.findall(whole.read_text(encoding="gb18030")))
    assert written > 0
    warning = " ".join(asked.stderr.split())
    assert f"{written:,} whole ID number" in warning
    assert "personal data" in warning
    assert "个人信息" in warning


def test_a_liaison_roster_holds_whole_id_numbers_and_says_so(community_store: list[str], tmp_path: Path) -> None:
    roster = tmp_path / "liaison.xlsx"
    proposed = runner.invoke(app, ["propose", "liaison", "--output", str(roster), *community_store])
    assert proposed.exit_code == 0, proposed.output
    rows = CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0).to_python()
    written = sum(1 for row in rows[1:] if _WHOLE_ID.fullmatch(str(row[1])))
    warning = " ".join(proposed.stderr.split())
    assert f"{written:,} whole ID number" in warning
    assert "personal data" in warning
