"""Safe exports through the API (issue 15): the coverage export and the import report as files never
hold a cell a spreadsheet would run as a formula — names from the store, the uploaded file's name."""

from __future__ import annotations

import io

import pytest

from orggraph.store import Batch, MemoryStore
from tests.api.conftest import KEY, ClientFor, api_world
from tests.orggraph.hostile import csv_rows, formulas, runnable, sheets

#: The API world with hostile names where the findings of street S1 show them.
NAMES = {"area:C1": "=cmd|' /C notepad'!A1", "area:S1": "-2+3", "area:P1": "+1+1", "org:OG3": "@SUM(A1)"}
#: A client's file name starting a formula (no folder separator: a name that has one is cut to what follows it).
UPLOADED = "=cmd|'-C notepad'!A1.csv"


@pytest.fixture(scope="module")
def world() -> MemoryStore:
    store = MemoryStore(KEY)
    api_world(store)
    b = Batch("hostile names")
    for node, name in NAMES.items():
        b.put_attrs(node, {**(store.node(node) or {}), "name": name})
    store.write(b)
    return store


def test_the_coverage_export_csv_quotes_every_cell_that_would_be_a_formula(client: ClientFor) -> None:
    answer = client("planner", "S1").get("/v1/coverage/export", params={"format": "csv"})
    assert answer.status_code == 200, answer.text
    rows = csv_rows(answer.content.decode("utf-8-sig"))
    assert runnable(rows) == []
    assert {"'=cmd|' /C notepad'!A1", "'-2+3"} <= {cell for row in rows for cell in row}


def test_the_coverage_export_workbook_holds_text_never_a_formula(client: ClientFor) -> None:
    answer = client("planner", "S1").get("/v1/coverage/export", params={"format": "xlsx"})
    assert answer.status_code == 200, answer.text
    assert formulas(answer.content) == []
    cells = {cell for rows in sheets(answer.content).values() for row in rows for cell in row}
    assert {"=cmd|' /C notepad'!A1", "-2+3"} <= cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_report_names_the_uploaded_file_safely(client: ClientFor, fmt: str) -> None:
    body = "户编码,所属网格编码,小区,楼栋,单元,室,常住人数\nN1,G1,P1,5号楼,1单元,1,@SUM(A1)\n".encode()
    answer = client("importer", "C1").post(
        f"/v1/imports?report={fmt}", data={"partial": "true"}, files={"files": (UPLOADED, io.BytesIO(body), "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    if fmt == "csv":
        rows = csv_rows(answer.content.decode("utf-8-sig"))
        assert runnable(rows) == []
        assert (rows[1][0], rows[1][4]) == ("'" + UPLOADED, "'@SUM(A1)")
    else:
        assert formulas(answer.content) == []
        rows = sheets(answer.content)["被拒绝的行"]
        assert (rows[1][0], rows[1][4]) == (UPLOADED, "@SUM(A1)")
