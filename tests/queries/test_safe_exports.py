"""Safe exports of the queries (issue 15): the findings (``orggraph coverage --format csv|xlsx``) and the
proposal rosters (``orggraph propose``) never hold a cell a spreadsheet would run as a formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.pii import PiiKey
from orggraph.store import Batch, EmbeddedStore, MemoryStore
from queries.coverage import CoverageResult
from queries.coverage.export import write_csv, write_xlsx
from queries.proposals.rosters import CONTACTS_HEADERS, LIAISON_HEADERS, write_roster
from tests.orggraph.hostile import HOSTILE, csv_rows, formulas, runnable, sheets
from tests.queries.coverage_world import DAY, healthy, run

#: Node names of the coverage world made hostile: each shows in a finding or the summary sheet.
NAMES = {
    "area:S1": "-2+3",
    "area:CA": "=cmd|' /C notepad'!A1",
    "area:XA": "+1+1",
    "org:PXAB1": "@SUM(A1)",
    "area:CB": "\t=1",
    "area:XB": "\r=1",
}
KEY = PiiKey(bytes.fromhex("cd" * 32))


def hostile_world(store: MemoryStore | EmbeddedStore | None = None) -> MemoryStore | EmbeddedStore:
    """The healthy coverage world with two households nobody contacts, and the names of :data:`NAMES`."""
    w = healthy()
    w.household("HA3", "area:XA/1号楼/1单元", "area:GA", room="103")
    w.household("HB3", "area:XB/1号楼/1单元", "area:GB", room="103")
    if store is None:
        store = w.store(KEY)
    else:
        store.write(w.batch)
    b = Batch("hostile names")
    for node, name in NAMES.items():
        b.put_attrs(node, {**(store.node(node) or {}), "name": name})
    store.write(b)
    return store


@pytest.fixture(scope="module")
def result() -> CoverageResult:
    found = run(hostile_world())  # type: ignore[arg-type]
    names = {f.name for f in found.findings} | {f.community_name for f in found.findings}
    assert {"=cmd|' /C notepad'!A1", "\t=1", "+1+11号楼1单元103", "\r=11号楼1单元103"} <= names
    assert "@SUM(A1)" in {f.responsible_org_name for f in found.findings}
    return found


def test_the_findings_csv_quotes_every_cell_that_would_be_a_formula(result: CoverageResult, tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    write_csv(result, path)
    rows = csv_rows(path)
    assert runnable(rows) == []
    cells = {cell for row in rows for cell in row}
    assert {"'=cmd|' /C notepad'!A1", "'\t=1", "'+1+11号楼1单元103", "'\r=11号楼1单元103", "'@SUM(A1)", "'-2+3"} <= cells


def test_the_findings_workbook_holds_text_never_a_formula(result: CoverageResult, tmp_path: Path) -> None:
    path = tmp_path / "findings.xlsx"
    write_xlsx(result, path)
    assert formulas(path) == []
    found = sheets(path)
    cells = {cell for rows in found.values() for row in rows for cell in row}
    assert set(NAMES.values()) - {"+1+1", "\r=1"} <= cells  # compounds show in the households' addresses
    assert {"+1+11号楼1单元103", "\r=11号楼1单元103"} <= cells
    summary = found["汇总 Summary"]
    assert any(row[2] == "\t=1" and row[3] == "S1" for row in summary)  # the community's name, as text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_orggraph_coverage_writes_safe_files(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "c.db"
    (tmp_path / "c.db.key").write_text(("cd" * 32) + "\n")
    (tmp_path / "c.db.key").chmod(0o600)
    with EmbeddedStore(path, KEY) as store:
        hostile_world(store)
    out = tmp_path / f"findings.{fmt}"
    done = CliRunner().invoke(app, ["coverage", "--store", str(path), "--as-of", DAY, "--format", fmt, "--output", str(out)])
    assert done.exit_code == 0, done.output
    if fmt == "csv":
        rows = csv_rows(out)
        assert runnable(rows) == []
        assert "'=cmd|' /C notepad'!A1" in {cell for row in rows for cell in row}
    else:
        assert formulas(out) == []
        assert "=cmd|' /C notepad'!A1" in {cell for rows in sheets(out).values() for row in rows for cell in row}


def _proposal_rows() -> tuple[list[list[str]], list[list[str]]]:
    contacts = [["130705198001010012", code, "新增 proposed"] for code in HOSTILE]
    liaison = [[name, "130705198001010012", "处级", "130705001001", "-2+3", "", "新增 proposed"] for name in HOSTILE]
    return contacts, liaison


def test_a_proposal_roster_csv_quotes_every_cell_that_would_be_a_formula(tmp_path: Path) -> None:
    contacts, liaison = _proposal_rows()
    for name, headers, rows in (("联系户建议.csv", CONTACTS_HEADERS, contacts), ("包联建议.csv", LIAISON_HEADERS, liaison)):
        written = csv_rows(write_roster(tmp_path / name, "x", headers, rows), encoding="gb18030")
        assert runnable(written) == []
        assert {"'" + text for text in HOSTILE} <= {cell for row in written for cell in row}


def test_a_proposal_roster_workbook_holds_text_never_a_formula(tmp_path: Path) -> None:
    contacts, liaison = _proposal_rows()
    for name, headers, rows in (("联系户建议.xlsx", CONTACTS_HEADERS, contacts), ("包联建议.xlsx", LIAISON_HEADERS, liaison)):
        path = write_roster(tmp_path / name, "x", headers, rows)
        assert formulas(path) == []
        [read] = sheets(path).values()
        assert read[1:] == rows
