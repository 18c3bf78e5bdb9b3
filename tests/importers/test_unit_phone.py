"""A unit's office phone (单位 roster, 联系电话): read as people type it, kept sealed and masked as a
person's phone is, unchanged when imported again, and a wrong one rejected with its row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.report import ImportReport
from orggraph.store import EmbeddedStore
from tests.importers.conftest import UNITS, refused, roster, run, write

#: The units roster with its 联系电话 column: the three units' phones, typed three ways.
PHONES = {
    "91130705MA00000019": ("(0313)551-2345 转 8001", "0313-5512345-8001", "0313-***2345-8001"),
    "12130705MA0000002H": ("+86 138 0013 8000", "13800138000", "138****8000"),
    "91130705MA0000003F": ("", None, None),
}


def units_with_phones() -> str:
    lines = roster(UNITS).strip().splitlines()
    rows = [lines[0] + ",联系电话"]
    rows += [f"{line},{PHONES[line.split(',', 1)[0]][0]}" for line in lines[1:]]
    return "\n".join(rows) + "\n"


def written(report: ImportReport) -> ImportReport:
    assert report.ok, report.rejections
    assert report.written
    return report


def test_a_units_phone_is_kept_sealed_and_masked_as_typed(loaded: EmbeddedStore, tmp_path: Path) -> None:
    written(run(loaded, [write(tmp_path, "单位.csv", units_with_phones())]))
    for code, (_, whole, masked) in PHONES.items():
        attrs = loaded.node(f"unit:{code}")
        assert attrs is not None
        assert attrs.get("phone_masked") == masked
        if whole is None:
            assert "phone_sealed" not in attrs
        else:
            assert loaded.pii_key.unseal("phone", bytes.fromhex(attrs["phone_sealed"])) == whole
            assert whole not in str(attrs)  # never whole in the clear


def test_the_same_phones_typed_another_way_change_nothing(loaded: EmbeddedStore, tmp_path: Path) -> None:
    written(run(loaded, [write(tmp_path, "单位.csv", units_with_phones())]))
    again = units_with_phones().replace("(0313)551-2345 转 8001", "0313-5512345-8001")
    again = again.replace("+86 138 0013 8000", "138-0013-8000")
    report = run(loaded, [write(tmp_path, "单位2.csv", again)])
    assert report.ok, report.rejections
    assert report.changed == 0


@pytest.mark.parametrize("typed", ["12345", "5512345", "1380013800"])
def test_a_wrong_phone_is_a_rejected_row_shown_masked(loaded: EmbeddedStore, tmp_path: Path, typed: str) -> None:
    text = units_with_phones().replace("+86 138 0013 8000", typed)
    report = refused(loaded, [write(tmp_path, "单位.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "联系电话"
    assert rejection.row == 3
    assert "联系电话" in rejection.reason_zh
    assert typed not in rejection.value  # shown masked
