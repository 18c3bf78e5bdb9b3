"""The columnar path gives, row for row, what parse_row gives: the same models, the same rejections."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import columns
from importers.columns import validate_rows
from importers.headers import find_header
from importers.readers import _read_csv
from importers.rosters import COLUMNS, RosterKind
from importers.rows import MODELS, parse_row
from tests.importers.conftest import ROSTERS, roster

ID_A = "11010519491231002X"
ID_B = "130705198801010010"
CREDIT = "91350100M000100Y43"

#: Cells that clean, cells that fail, and cells that clean in one column and fail in another.
CELLS: list[Any] = [
    "A01",
    "0130",
    "１３０",
    130705001.0,
    130705001,
    1.30705e17,
    "1.30705E+17",
    "  ",
    "\u3000",
    True,
    0,
    -1,
    3,
    "3",
    "３",
    "7",
    "2.5",
    "2.5小时",
    "1,200",
    dt.date(2021, 3, 1),
    dt.datetime(2021, 3, 1, 8, 30),
    "2021-03-01",
    "2021/3/1",
    "2021年3月1日",
    "3021-01-01",
    "2021-02-30",
    44256,
    ID_A,
    ID_A.lower(),
    ID_B,
    "110105194912310021",
    "13800138000",
    "0313-5512345",
    "12345",
    CREDIT,
    "91350100M000100Y44",
    "ab" * 32,
    "是",
    "否",
    "√",
    "maybe",
    "独居老人、残疾人",
    "市容环境、物业管理",
    "网格",
    "社区",
    "街道",
    "书记",
    "党小组长",
    "网格长",
    "个人",
    "组织",
    "男",
    "正常",
    "处级",
    "在建",
    "党支部",
    "企业",
    "机关",
    "幸福里　　小区（东区）",
]


def _rows(kind: RosterKind, draw: Any) -> list[tuple[int, dict[str, Any]]]:
    fields = [c.field for c in COLUMNS[kind]]
    rows = []
    for number in range(2, 2 + draw(st.integers(1, 12))):
        chosen = draw(st.lists(st.sampled_from(fields), unique=True))
        rows.append((number, {f: draw(st.sampled_from(CELLS)) for f in chosen}))
    return rows


def _same(kind: RosterKind, rows: list[tuple[int, dict[str, Any]]]) -> None:
    headers = {c.field: c.zh for c in COLUMNS[kind]}
    fast = list(validate_rows(kind, rows, file="f.csv", sheet=None, headers=headers))
    slow = [(n, parse_row(kind, cells, file="f.csv", sheet=None, row=n, headers=headers)) for n, cells in rows]
    assert fast == slow
    for (_, a), (_, b) in zip(fast, slow, strict=True):
        if not isinstance(a, list):
            assert a.model_dump() == b.model_dump()  # type: ignore[union-attr]
            assert a.model_fields_set == b.model_fields_set  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", list(MODELS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_columnar_rows_equal_the_per_row_path(kind: RosterKind, data: st.DataObject) -> None:
    _same(kind, _rows(kind, data.draw))


def _roster_rows() -> dict[RosterKind, list[tuple[int, dict[str, Any]]]]:
    """The rows of the hand-written rosters of conftest, as the reader and the header give them."""
    found: dict[RosterKind, list[tuple[int, dict[str, Any]]]] = {}
    for text in ROSTERS.values():
        sheet = _read_csv(roster(text).encode(), "r.csv", None)
        header = find_header(sheet.rows)
        found[header.kind] = [
            (n, {f: cells[i] for f, i in header.fields.items() if i < len(cells) and cells[i] is not None})
            for n, cells in sheet.rows
            if n > header.row
        ]
    return found


VALID = _roster_rows()


@pytest.mark.parametrize("kind", sorted(VALID, key=str))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_valid_rows_with_cells_spoilt_equal_the_per_row_path(kind: RosterKind, data: st.DataObject) -> None:
    rows = []
    for number, cells in VALID[kind]:
        spoilt = dict(cells)
        for name in data.draw(st.lists(st.sampled_from(sorted(cells)), unique=True, max_size=2)):
            if data.draw(st.booleans()):
                spoilt[name] = data.draw(st.sampled_from(CELLS))
            else:
                del spoilt[name]
        rows.append((number, spoilt))
    _same(kind, rows)


def test_the_valid_rows_take_the_columnar_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a valid row went the per-row way")

    with monkeypatch.context() as patch:
        patch.setattr(columns, "parse_row", refuse)
        for kind, rows in VALID.items():
            results = [r for _, r in validate_rows(kind, rows, file="f", sheet=None, headers={})]
            assert results, kind
            assert all(not isinstance(r, list) for r in results), kind
    for kind, rows in VALID.items():
        _same(kind, rows)


def test_a_repeated_cell_is_cleaned_once_and_each_row_keeps_its_own_list() -> None:
    rows = [
        (
            n,
            {
                "household_code": f"H{n}",
                "grid_code": "G1",
                "compound_code": "C1",
                "building": "1",
                "entrance": "1",
                "room": "101",
                "care_tags": "独居老人",
            },
        )
        for n in range(2, 6000)
    ]
    models = [m for _, m in validate_rows(RosterKind.HOUSEHOLDS, rows, file="f", sheet=None, headers={})]
    assert models[0].care_tags == ["living_alone"]  # type: ignore[union-attr]
    assert models[0].care_tags is not models[1].care_tags  # type: ignore[union-attr]
    _same(RosterKind.HOUSEHOLDS, rows[:50])


def test_a_row_the_model_refuses_is_reported_as_parse_row_reports_it() -> None:
    rows = [(2, {"area_code": "G1", "name": "一网格", "level": "网格"})]  # a grid without its level
    [(number, result)] = validate_rows(RosterKind.AREAS, rows, file="f", sheet=None, headers={})
    assert number == 2
    assert isinstance(result, list)
    assert "grid level" in result[0].reason
