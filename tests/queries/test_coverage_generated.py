"""Coverage over the generated street: every deliberate gap is found; policy, summary, JSON and exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from rich.console import Console

from orggraph.generator import FLAW_KEYS, Scale, generate
from orggraph.model import NodeKind
from orggraph.model.kinds import LinkKind
from orggraph.pii import PiiKey
from orggraph.store import MemoryStore
from queries.coverage import CoverageResult, run_coverage, worst_communities
from queries.coverage.export import COLUMNS, export_findings, findings_table, write_csv, write_xlsx
from queries.coverage.summary import ratio_names
from queries.policy import load_policy
from tests.queries.test_coverage_rules import SHIPPED as RULE_PARAMS

RATIOS = ratio_names(load_policy(None))

AS_OF = "2025-06-30"


@dataclass
class Street:
    store: MemoryStore
    flaws: dict[str, list[str]]
    result: CoverageResult


@pytest.fixture(scope="module")
def street() -> Street:
    key = PiiKey(b"k" * 32)
    generated = generate(Scale.STREET, seed=1, key=key, as_of=AS_OF)
    store = MemoryStore(key)
    for batch in generated.batches:
        store.write(batch)
    return Street(store, generated.flaws, run_coverage(store.view(AS_OF)))


def found_at(result: CoverageResult, rule: str) -> set[str]:
    return {f.node for f in result.findings if f.rule == rule}


@pytest.mark.parametrize("flaw", [k for k in FLAW_KEYS if k in RULE_PARAMS])
def test_every_injected_gap_is_found_by_its_rule(street: Street, flaw: str) -> None:
    injected = set(street.flaws[flaw])
    assert injected, f"the generator injected no {flaw}"
    assert injected <= found_at(street.result, flaw)


def test_expired_projects_still_open_are_reported_as_expired(street: Street) -> None:
    expired = {f.node for f in street.result.findings if f.rule == "project-expiring" and f.actual == "expired"}
    assert set(street.flaws["project-expired"]) <= expired


def test_care_tagged_households_come_first(street: Street) -> None:
    households = [f for f in street.result.findings if f.rule == "household-uncontacted"]
    high = [f for f in households if f.severity == "high"]
    assert high
    assert len(high) < len(households)
    assert all("关爱对象" in f.message_zh for f in high)
    assert all("关爱对象" not in f.message_zh for f in households if f.severity == "medium")
    first = street.result.findings.index(high[0])
    assert all(f.severity == "high" for f in street.result.findings[:first])


def test_persons_are_shown_by_their_masked_id_only(street: Street) -> None:
    persons = [f for f in street.result.findings if f.kind == "person"]
    assert persons
    for f in persons:
        assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", f.code), f.code
        assert f.code not in f.node


def test_every_finding_is_placed_and_assigned(street: Street) -> None:
    for f in street.result.findings:
        if f.street is None:  # a department of the district (区直单位), located in no street
            located = [lk.target for lk in street.store.links(f.node, kind=LinkKind.LOCATED_IN, as_of=AS_OF)]
            assert (f.kind, located) == ("unit", ["area:130705"]), f
        else:
            assert f.street == "130705001", f
        assert f.responsible_org is not None, f
        assert f.message.endswith(".")
        assert f.message_zh.endswith("。")
    placed = Counter(f.community is None for f in street.result.findings)
    assert placed[False] > 0.99 * len(street.result.findings)


def test_a_stricter_grid_size_gives_more_findings(street: Street) -> None:
    policy = load_policy(None)
    rule = policy.rule("grid-size-out-of-range")
    strict = rule.model_copy(update={"params": {**rule.params, "max": 250}})
    stricter = policy.model_copy(update={"coverage": {**policy.coverage, rule.id: strict}})
    default = found_at(street.result, rule.id)
    more = found_at(run_coverage(street.store.view(AS_OF), rules=[rule.id], policy=stricter), rule.id)
    assert default < more


def test_the_json_shape(street: Street) -> None:
    data = json.loads(json.dumps(street.result.to_dict(), ensure_ascii=False))
    assert set(data) == {"as_of", "scope", "scope_name", "scope_kind", "findings", "summary"}
    assert (data["as_of"], data["scope"], data["scope_name"], data["scope_kind"]) == (AS_OF, None, None, None)
    communities = {c["code"] for c in data["summary"]["communities"]}
    assert len(communities) == 25
    for finding in data["findings"]:
        assert finding["rule"] in RULE_PARAMS
        assert finding["community"] is None or finding["community"] in communities
    summary = data["summary"]
    assert set(summary) >= {"totals", "streets", "communities", "rules", "ratio_names", "rule_names"}
    assert summary["rule_names"]["household-uncontacted"] == {
        "zh": "住户无党员联系（1+10）",
        "en": "Household no Party member contacts",
    }
    for area in [summary["totals"], *summary["streets"], *summary["communities"]]:
        assert set(area["ratios"]) == set(RATIOS)
        for ratio in area["ratios"].values():
            assert 0 <= ratio["numerator"] <= ratio["denominator"]
            if ratio["denominator"]:
                assert 0 <= ratio["value"] <= 1
            else:
                assert ratio["value"] is None  # nothing to count is no ratio, not 100%


def test_the_summary_agrees_with_the_findings(street: Street) -> None:
    summary = street.result.summary
    counts = Counter(f.rule for f in street.result.findings)
    assert summary.totals.by_rule == {rule: counts.get(rule, 0) for rule in RULE_PARAMS}
    assert summary.totals.findings == len(street.result.findings)
    contacted = summary.totals.ratios["households_contacted"]
    assert contacted.denominator - contacted.numerator == counts["household-uncontacted"]
    staffed = summary.totals.ratios["grids_fully_staffed"]
    assert staffed.denominator - staffed.numerator == len(found_at(street.result, "grid-missing-role"))
    registered = summary.totals.ratios["members_registered"]
    assert registered.denominator - registered.numerator == counts["member-not-registered"]
    assert sum(c.findings for c in summary.communities) + sum(1 for f in street.result.findings if f.community is None) == len(
        street.result.findings
    )
    [only] = summary.streets
    assert only.ratios == summary.totals.ratios


def test_one_community_alone_gives_its_share_of_the_findings(street: Street) -> None:
    community = street.result.summary.communities[3].code
    assert community is not None
    scoped = run_coverage(street.store.view(AS_OF), scope=community)
    assert scoped.findings == [f for f in street.result.findings if f.community == community]
    [mine] = scoped.summary.communities
    whole = next(c for c in street.result.summary.communities if c.code == community)
    assert mine.ratios == whole.ratios
    assert mine.by_rule == whole.by_rule


def test_a_subtree_holds_its_nodes_by_kind(street: Street) -> None:
    view = street.store.view(AS_OF)
    community = street.result.summary.communities[5].code
    for area in ("area:130705001", f"area:{community}", f"area:{community}X02", f"area:{community}G01"):
        subtree = view.subtree(area)
        walked, stack = set(), [area]  # the same tree walked link by link through the port
        while stack:
            node = stack.pop()
            walked.add(node)
            stack.extend(view.into(node, "PART_OF"))
            if node.startswith("area:") and (view.node(node) or {}).get("kind") == "grid":
                walked.update(view.into(node, "IN_GRID"))
        assert set(subtree) == walked
        assert subtree == {n for nodes in subtree.by_kind.values() for n in nodes}
        assert sorted(subtree.of_kind(NodeKind.HOUSEHOLD.value)) == sorted(n for n in subtree if n.startswith("household:"))


def test_worst_communities_rank_high_findings_per_household(street: Street) -> None:
    worst = worst_communities(street.result, 5)
    assert len(worst) == 5
    rates = [c.by_severity["high"] / c.households for c in worst]
    assert rates == sorted(rates, reverse=True)
    rest = [c for c in street.result.summary.communities if c not in worst]
    assert all(c.by_severity["high"] / c.households <= rates[-1] for c in rest)


def test_exports_carry_the_findings(street: Street, tmp_path: Path) -> None:
    result = run_coverage(street.store.view(AS_OF), scope=street.result.summary.communities[0].code)
    write_csv(result, tmp_path / "gaps.csv")
    raw = (tmp_path / "gaps.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["严重程度 severity", "严重程度代码 severity id", "规则 rule", "规则编号 rule id"]
    assert len(table) == len(result.findings) + 1
    write_xlsx(result, tmp_path / "gaps.xlsx")
    book = CalamineWorkbook.from_path(str(tmp_path / "gaps.xlsx"))
    assert book.sheet_names == ["问题清单 Findings", "汇总 Summary"]
    rows = book.get_sheet_by_name("问题清单 Findings").to_python()
    assert len(rows) == len(result.findings) + 1
    assert len(rows[0]) == len(COLUMNS)
    summary = book.get_sheet_by_name("汇总 Summary").to_python()
    assert summary[1][0] == "合计 total"
    export_findings(result, tmp_path / "gaps.json")
    assert json.loads((tmp_path / "gaps.json").read_text(encoding="utf-8"))["scope"] == result.scope
    with pytest.raises(ValueError, match=r"use \.csv, \.xlsx or \.json"):
        export_findings(result, tmp_path / "gaps.txt")
    console = Console(width=200, record=True)
    console.print(findings_table(result, limit=3))
    text = console.export_text()
    assert "严重程度" in text
    assert "severity" in text
    assert f"3 / {len(result.findings)}" in text
