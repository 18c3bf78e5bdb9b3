"""The findings exports speak Chinese beside the ids (issue 18): the severity as 高/中/低 beside high,
medium, low, and each rule's Chinese name — from the policy file, so a district's own name too — beside
the rule id; in CSV (UTF-8 with a BOM, so Excel and WPS open it as such) and in the workbook."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from python_calamine import CalamineWorkbook
from rich.console import Console

from orggraph.model import CareTag
from queries.coverage import CoverageResult, run_coverage
from queries.coverage.export import COLUMNS, findings_table, write_csv, write_xlsx
from queries.policy import SEVERITY_ZH
from tests.queries.coverage_world import DAY, healthy, policy

FIELDS = [name for name, _, _ in COLUMNS]


def _result(rename: str | None = None) -> CoverageResult:
    """The tiny district with two uncontacted households, one care-tagged (high) and one not (medium);
    ``rename`` is the district's own Chinese name for household-uncontacted."""
    w = healthy()
    w.household("HA3", "area:XA/1号楼/1单元", "area:GA", room="103")
    w.household("HA4", "area:XA/1号楼/1单元", "area:GA", room="104", care_tags=[CareTag.LIVING_ALONE])
    rules = policy()
    if rename is not None:
        rule = rules.coverage["household-uncontacted"]
        rules = rules.model_copy(update={"coverage": {**rules.coverage, rule.id: rule.model_copy(update={"zh": rename})}})
    return run_coverage(w.store().view(DAY), policy=rules)


def _check(table: list[list[str]], names: dict[str, str]) -> None:
    head, body = table[0], table[1:]
    assert head[:4] == ["严重程度 severity", "严重程度代码 severity id", "规则 rule", "规则编号 rule id"]
    assert body
    for row in body:
        found = dict(zip(FIELDS, row, strict=True))
        assert found["severity_zh"] == SEVERITY_ZH[found["severity"]]
        assert found["rule_zh"] == names[found["rule"]]


def test_csv_and_workbook_carry_chinese_severities_and_rule_names(tmp_path: Path) -> None:
    result = _result()
    names = {rule: zh for rule, (zh, _) in result.summary.rule_names.items()}
    assert names["household-uncontacted"] == "住户无党员联系（1+10）"
    write_csv(result, tmp_path / "gaps.csv")
    raw = (tmp_path / "gaps.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    _check(table, names)
    assert {(row[0], row[1]) for row in table[1:]} == {("高", "high"), ("中", "medium")}
    write_xlsx(result, tmp_path / "gaps.xlsx")
    book = CalamineWorkbook.from_path(str(tmp_path / "gaps.xlsx"))
    sheet = [[str(cell) for cell in row] for row in book.get_sheet_by_name("问题清单 Findings").to_python()]
    _check(sheet, names)
    assert [row[:4] for row in sheet[1:]] == [row[:4] for row in table[1:]]
    summary = book.get_sheet_by_name("汇总 Summary").to_python()
    assert "住户无党员联系（1+10） household-uncontacted" in summary[0]
    assert "高 high" in summary[0]


def test_a_rule_named_by_the_district_is_exported_with_its_name(tmp_path: Path) -> None:
    result = _result(rename="住户未落实联系")
    write_csv(result, tmp_path / "gaps.csv")
    table = list(csv.reader(io.StringIO((tmp_path / "gaps.csv").read_text(encoding="utf-8-sig"))))
    assert ["住户未落实联系", "household-uncontacted"] in [row[2:4] for row in table[1:]]


def test_the_terminal_table_shows_the_chinese_beside_the_ids() -> None:
    console = Console(width=240, record=True)
    console.print(findings_table(_result()))
    text = console.export_text()
    assert "高 high" in text
    assert "住户无党员联系（1+10）" in text
