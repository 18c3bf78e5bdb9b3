"""The columnar path (a households or contacts roster validated into columns and planned as whole
columns) gives what the row-by-row path gives: the same rejections in the same order, counts, changes
and graph, whatever the rows — duplicates, codes that resolve nowhere, names for codes, blank cells."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import importers.planning as planning
import importers.sync as sync
from importers.report import ImportReport
from importers.sync import ImportOptions, import_rosters
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.importers.conftest import (
    AREAS,
    CONTACTS,
    DAY,
    HOUSEHOLDS,
    LI,
    MEMBERS,
    ORGS,
    UNITS,
    WANG,
    ZHANG,
    ZHAO,
    write,
)

_counter = itertools.count()

household_rows = st.lists(
    st.tuples(
        st.sampled_from(["H1", "H2", "H3", "H4", "K1", "K2", " H5 ", ""]),
        st.sampled_from(["130705001001G1", "130705001001G1", "130705002001G1", "130705001001", "G9"]),
        st.sampled_from(["130705001001X1", "130705001001X1", "幸福里小区", "130705002001X1", "无名小区", "130705001001"]),
        st.sampled_from(["3号楼", "3号楼", "5号楼", ""]),
        st.sampled_from(["1单元", "2单元", ""]),
        st.sampled_from(["101", "102", "201", "1.0"]),
        st.sampled_from(["", "3", "0", "-1", "两"]),
        st.sampled_from(["", "独居老人", "残疾人、困难群众", "外星人"]),
        st.sampled_from(["", "是", "否", "也许"]),
    ),
    min_size=1,
    max_size=12,
)
contact_rows = st.lists(
    st.tuples(
        st.sampled_from([WANG, WANG, LI, ZHAO, ZHANG, "130705198001010013", ""]),
        st.sampled_from(["H1", "H2", "H3", "K1", "K2", "H9"]),
    ),
    min_size=1,
    max_size=10,
)


def _rosters(folder: Path, households: str, contacts: str) -> list[Path]:
    folder.mkdir()
    fixed = (("区域.csv", AREAS), ("单位.csv", UNITS), ("党组织.csv", ORGS), ("党员.csv", MEMBERS))
    paths = [write(folder, name, text) for name, text in fixed]
    return [*paths, write(folder, "住户.csv", households), write(folder, "联系户.csv", contacts)]


def _import(paths: list[Path], store_path: Path, key: PiiKey, *, columnar: bool) -> tuple[ImportReport, str]:
    with EmbeddedStore(store_path, key) as store, pytest.MonkeyPatch.context() as patch:
        if not columnar:
            patch.setattr(planning, "COLUMNAR", {})
            patch.setattr(sync, "COLUMNAR", {})
        report = import_rosters(store, paths, ImportOptions(date=DAY, best_effort=True))
        return report, graph_digest(store.graph)


def _same(first: ImportReport, second: ImportReport) -> None:
    assert first.rejections == second.rejections
    assert first.counts == second.counts
    assert first.changes == second.changes
    assert first.warnings == second.warnings
    assert first.written == second.written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(households=household_rows, contacts=contact_rows)
def test_columns_and_rows_agree(tmp_path: Path, households: list[tuple[str, ...]], contacts: list[tuple[str, str]]) -> None:
    key = PiiKey(b"i" * 32)
    text = "户编码,所属网格编码,小区,楼栋,单元,室,常住人数,关爱标签,中心户\n" + "".join(",".join(r) + "\n" for r in households)
    links = "党员身份证号,户编码\n" + "".join(",".join(r) + "\n" for r in contacts)
    run = next(_counter)
    paths = _rosters(tmp_path / f"rosters{run}", text, links)
    by_columns, digest = _import(paths, tmp_path / f"c{run}.db", key, columnar=True)
    by_rows, expected = _import(paths, tmp_path / f"r{run}.db", key, columnar=False)
    _same(by_columns, by_rows)
    assert digest == expected


def test_a_clean_roster_goes_the_columnar_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[str] = []
    original = dict(planning.COLUMNAR)
    for kind, (define, connect) in original.items():

        def spy(*args: object, connect: object = connect, kind: object = kind) -> bool:
            done = connect(*args)  # type: ignore[operator]
            taken.append(f"{kind}:{done}")
            return bool(done)

        monkeypatch.setitem(planning.COLUMNAR, kind, (define, spy))
    paths = _rosters(tmp_path / "one", HOUSEHOLDS, CONTACTS)
    report, _ = _import(paths, tmp_path / "one.db", PiiKey(b"i" * 32), columnar=True)
    assert report.ok
    assert sorted(taken) == ["contacts:True", "households:True"]
