"""Safe exports of the importers (issue 15): the rosters out (``orggraph export --rosters``) and the import
report never hold a cell a spreadsheet would run as a formula, and the rosters still round-trip: the
apostrophe a CSV cell gets is taken off again on import, exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.change_words import ChangeLine
from importers.quoted import unquote_csv, unquote_rows
from importers.readers import read_file
from importers.report import ImportReport
from importers.rows import Rejection
from importers.sync import ImportOptions, import_rosters
from importers.writer import RosterFormat, write_rosters
from orggraph.pii import PiiKey
from orggraph.store import Batch, EmbeddedStore, MemoryStore
from tests.importers.conftest import DAY, HOUSEHOLDS, ROSTERS, write
from tests.importers.test_round_trip import content
from tests.orggraph.hostile import HOSTILE, ROUND_TRIP, csv_rows, formulas, runnable, sheets

KEY = PiiKey(b"q" * 32)

#: The tiny district's rosters with a hostile name in each roster that has names, a building and a
#: room beginning with "-", and a project whose name already begins with an apostrophe before "="
#: (written ``''=1`` in the CSV: a CSV's first apostrophe before = + - @ is taken off on import).
HOSTILE_ROSTERS = {
    **ROSTERS,
    "区域.csv": ROSTERS["区域.csv"]
    .replace("130705001001,幸福社区,", "130705001001,=cmd|' /C notepad'!A1,")
    .replace("第一网格", "+1+1"),
    "党组织.csv": ROSTERS["党组织.csv"].replace("幸福社区党委", "@SUM(A1)"),
    "单位.csv": ROSTERS["单位.csv"].replace("第一小学", "-2+3"),
    "共建项目.csv": ROSTERS["共建项目.csv"].replace("助老服务", "''=1"),
    "住户.csv": HOUSEHOLDS + "H5,130705001001G1,130705001001X1,-1号楼,1单元,-101,1,,否\n",
    "党员.csv": ROSTERS["党员.csv"].replace("赵敏", "@赵敏"),
    "网格人员.csv": ROSTERS["网格人员.csv"].replace("张伟", "-张伟"),
}
STORED = {*ROUND_TRIP, "-101", "@赵敏", "-张伟"}


@pytest.fixture
def original(tmp_path: Path) -> MemoryStore:
    folder = tmp_path / "given"
    folder.mkdir()
    store = MemoryStore(KEY)
    report = import_rosters(store, [write(folder, n, t) for n, t in HOSTILE_ROSTERS.items()], ImportOptions(date=DAY))
    assert report.ok, report.rejections
    names = {a.get("name") for _, a in store.nodes(as_of=DAY)} | {a.get("room") for _, a in store.nodes(as_of=DAY)}
    assert names >= STORED
    return store


@pytest.mark.parametrize("fmt", list(RosterFormat))
def test_rosters_with_hostile_names_are_written_safe_and_round_trip(
    original: MemoryStore, tmp_path: Path, fmt: RosterFormat
) -> None:
    paths = write_rosters(original, tmp_path / "out", fmt=fmt, as_of=DAY)
    if fmt is RosterFormat.CSV:
        cells = [cell for path in paths for row in csv_rows(path, encoding="gb18030") for cell in row]
        assert runnable([cells]) == []
        assert {"'" + text for text in STORED - {"'=1"}} | {"''=1"} <= set(cells)
    else:
        for path in paths:
            assert formulas(path) == []
        cells = [cell for path in paths for rows in sheets(path).values() for row in rows for cell in row]
        assert set(cells) >= STORED  # as they are: a string cell needs no apostrophe
    copy = MemoryStore(KEY)
    report = import_rosters(copy, paths, ImportOptions(date=DAY))
    assert report.ok, report.rejections[:5]
    assert content(copy) == content(original)


def test_a_roster_csv_quotes_a_name_beginning_with_a_tab_or_carriage_return(original: MemoryStore, tmp_path: Path) -> None:
    b = Batch("names no roster could give")
    for node, name in (("area:130705001001G1", "\t=1"), ("org:P2", "\r=1")):
        b.put_attrs(node, {**(original.node(node) or {}), "name": name})
    original.write(b)
    paths = write_rosters(original, tmp_path / "out", fmt=RosterFormat.CSV, as_of=DAY)
    cells = {cell for path in paths for row in csv_rows(path, encoding="gb18030") for cell in row}
    assert {"'\t=1", "'\r=1"} <= cells
    assert runnable([list(cells)]) == []


def test_only_a_csv_loses_its_apostrophe_and_only_one_before_a_formula_start(tmp_path: Path) -> None:
    text = "姓名,值\n'=1,'-1号楼\n''@x,'0313\n'',O'Brien\n"
    path = tmp_path / "q.csv"
    path.write_text(text, encoding="utf-8")
    [sheet] = unquote_csv(read_file(path))
    assert sheet.rows[1:] == [(2, ["=1", "-1号楼"]), (3, ["'@x", "'0313"]), (4, ["''", "O'Brien"])]
    rows: list[tuple[int, list[object]]] = [(1, ["'=1", 3, None, 2.5, "'+1"])]
    unquote_rows(rows)  # a workbook's cells keep their types
    assert rows == [(1, ["=1", 3, None, 2.5, "+1"])]


def _report(file: str) -> ImportReport:
    """A report with every part a hostile cell can reach: rejections, notes, warnings, change lines."""
    report = ImportReport(date=DAY)
    for i, text in enumerate(HOSTILE):
        where = Rejection(file, text, i + 2, text, text, f"bad {text}", f"无效 {text}")
        report.rejections.append(where)
        report.notes.append(where)
        report.warnings.append(where)
        report.change_lines.append(ChangeLine(text, text, text, text, text, text))
    report.change_lines_total = len(report.change_lines) + 3
    return report


def test_the_import_report_csv_and_its_companions_quote_hostile_cells(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    _report("=HYPERLINK(1).csv").save(path)
    companions = [path, tmp_path / "report-提示.csv", tmp_path / "report-变更明细.csv"]
    for written in companions:
        rows = csv_rows(written)
        assert runnable(rows) == []
        assert {"'" + text for text in HOSTILE} <= {cell for row in rows for cell in row}
    assert csv_rows(path)[1][0] == "'=HYPERLINK(1).csv"


def test_the_import_report_workbook_holds_text_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    _report("=HYPERLINK(1).csv").save(path)
    assert formulas(path) == []
    found = sheets(path)
    assert set(found) >= {"被拒绝的行", "提示", "变更明细"}
    for name in ("被拒绝的行", "提示", "变更明细"):
        assert set(HOSTILE) <= {cell for row in found[name] for cell in row}
    assert found["被拒绝的行"][1][0] == "=HYPERLINK(1).csv"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_name_of_an_imported_file_is_written_safe_in_the_report(
    loaded: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.chdir(tmp_path)  # the file named as on the command line, as the API names an upload
    name = "=cmd|' notepad'!A1.csv"
    bad = write(Path(), name, HOUSEHOLDS + "H9,@SUM(A1),130705001001X1,3号楼,1单元,103,1,,否\n")
    report = import_rosters(loaded, [bad], ImportOptions(date=DAY, partial=True))
    assert {r.file for r in report.rejections} == {name}
    assert "@SUM(A1)" in {r.value for r in report.rejections}
    saved = tmp_path / f"report{suffix}"
    report.save(saved)
    if suffix == ".csv":
        rows = csv_rows(saved)
        assert runnable(rows) == []
        assert {row[0] for row in rows[1:]} == {"'" + name}
        assert "'@SUM(A1)" in {row[4] for row in rows[1:]}
    else:
        assert formulas(saved) == []
        rows = sheets(saved)["被拒绝的行"]
        assert {row[0] for row in rows[1:]} == {name}
        assert "@SUM(A1)" in {row[4] for row in rows[1:]}
