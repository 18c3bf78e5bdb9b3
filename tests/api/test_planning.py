"""Coverage, statistics, proposals and the graph routes: what a planner reads."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io

from python_calamine import CalamineWorkbook

from api.schemas import AreasOut, CoverageSummaryOut, FindingsPage, NodeOut, PathOut, ProposalOut, StatsOut, TrendOut
from orggraph.timeline import today
from queries.coverage.trend import month_ends
from tests.api.conftest import ALL_PEOPLE, ClientFor, pid


def test_the_summary_of_an_area_with_its_ratios(client: ClientFor) -> None:
    answer = client("viewer", "D").get("/v1/coverage/summary", params={"area": "S1"})
    assert answer.status_code == 200, answer.text
    summary = CoverageSummaryOut.model_validate(answer.json())
    assert summary.scope == "S1"
    assert [s.code for s in summary.streets] == ["S1"]
    assert summary.totals.households == 3
    assert summary.totals.ratios["households_contacted"].numerator == 1


def test_the_summary_names_the_norms_the_policy_sets(client: ClientFor) -> None:
    summary = client("viewer", "D").get("/v1/coverage/summary", params={"area": "S1"}).json()
    assert summary["ratio_norms"]["households_contacted"] == 1.0
    assert "owners_committee_party_share" not in summary["ratio_norms"]  # a watched share, no norm


def test_the_trend_of_an_area_over_twelve_month_ends(client: ClientFor) -> None:
    viewer = client("viewer", "S1")
    answer = viewer.get("/v1/coverage/trend", params={"area": "C1"})
    assert answer.status_code == 200, answer.text
    found = TrendOut.model_validate(answer.json())
    assert found.days == [d.isoformat() for d in month_ends(dt.date.fromisoformat(today()))]
    assert (found.scope, found.scope_name) == ("C1", answer.json()["scope_name"])
    contacted = found.series["households_contacted"]
    assert len(contacted) == 12
    assert contacted[-1] is not None
    assert contacted[-1].denominator == 3
    assert viewer.get("/v1/coverage/trend", params={"area": "C1"}).json() == answer.json()
    district = client("viewer", "D")
    assert district.get("/v1/coverage/trend").json()["scope"] == "D"  # the whole district counted once …
    assert district.get("/v1/coverage/trend", params={"area": "C1"}).json() == answer.json()  # … and C1 read from it
    assert viewer.get("/v1/coverage/trend").json()["scope"] == "S1"  # the token's own area by default
    assert viewer.get("/v1/coverage/trend", params={"area": "C2"}).status_code == 404  # outside the token's scope


def test_findings_are_paged_in_a_stable_order_and_filtered(client: ClientFor) -> None:
    viewer = client("viewer", "D")
    whole = FindingsPage.model_validate(viewer.get("/v1/coverage/findings", params={"per_page": 1000}).json())
    assert whole.total == len(whole.items) > 3
    assert whole.pages == 1
    pages = [
        FindingsPage.model_validate(viewer.get("/v1/coverage/findings", params={"per_page": 2, "page": n}).json())
        for n in range(1, whole.total // 2 + 2)
    ]
    assert [f for p in pages for f in p.items] == whole.items
    assert pages[0].pages == (whole.total + 1) // 2
    high = viewer.get("/v1/coverage/findings", params={"severity": "high", "per_page": 1000}).json()
    assert high["items"]
    assert {f["severity"] for f in high["items"]} == {"high"}
    one = viewer.get("/v1/coverage/findings", params={"rule": "household-uncontacted"}).json()
    assert {f["rule"] for f in one["items"]} == {"household-uncontacted"}
    assert "H4" in {f["code"] for f in one["items"]}
    beyond = viewer.get("/v1/coverage/findings", params={"page": 99}).json()
    assert beyond["items"] == []
    assert beyond["total"] == whole.total


def test_an_unknown_rule_is_a_422(client: ClientFor) -> None:
    answer = client("viewer", "D").get("/v1/coverage/findings", params={"rule": "no-such-rule"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "config.invalid"


def test_the_findings_export_as_a_spreadsheet_and_csv(client: ClientFor) -> None:
    planner = client("planner", "S1")
    xlsx = planner.get("/v1/coverage/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "coverage-S1-" in xlsx.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert book.sheet_names
    csv = planner.get("/v1/coverage/export", params={"format": "csv"})
    assert csv.status_code == 200
    assert "household-uncontacted" in csv.content.decode("utf-8-sig")
    assert client("viewer", "S1").get("/v1/coverage/export").status_code == 403


def test_the_export_gives_chinese_severities_and_rule_names_beside_the_ids(client: ClientFor) -> None:
    """Issue 18: the API's export is the command line's: 高/中/低 beside the severity, the rule's name beside its id."""
    planner = client("planner", "S1")
    book = CalamineWorkbook.from_filelike(io.BytesIO(planner.get("/v1/coverage/export", params={"format": "xlsx"}).content))
    rows = book.get_sheet_by_name("问题清单 Findings").to_python()
    text = planner.get("/v1/coverage/export", params={"format": "csv"}).content
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv_module.reader(io.StringIO(text.decode("utf-8-sig"))))
    for table in (rows, lines):
        assert table[0][:4] == ["严重程度 severity", "严重程度代码 severity id", "规则 rule", "规则编号 rule id"]
        words = {(row[0], row[1]) for row in table[1:]}
        assert words <= {("高", "high"), ("中", "medium"), ("低", "low")}
        assert ["住户无党员联系（1+10）", "household-uncontacted"] in [row[2:4] for row in table[1:]]
    summary = CoverageSummaryOut.model_validate(planner.get("/v1/coverage/summary", params={"area": "C1"}).json())
    assert (summary.scope_name, summary.scope_kind) == ("幸福社区", "community")
    assert summary.rule_names["household-uncontacted"] == {
        "zh": "住户无党员联系（1+10）",
        "en": "Household no Party member contacts",
    }


def test_the_areas_below_with_their_findings_to_drill_down(client: ClientFor) -> None:
    viewer = client("viewer", "D")
    streets = AreasOut.model_validate(viewer.get("/v1/coverage/areas").json())
    assert {a.code for a in streets.areas} == {"S1", "S2"}
    grids = AreasOut.model_validate(viewer.get("/v1/coverage/areas", params={"area": "C1"}).json())
    assert [(a.code, a.kind, a.households) for a in grids.areas] == [("G1", "grid", 3)]
    buildings = AreasOut.model_validate(viewer.get("/v1/coverage/areas", params={"area": "G1"}).json())
    found = {a.code: a for a in buildings.areas}
    assert set(found) == {"P1/3号楼", "P1/5号楼"}
    assert found["P1/5号楼"].findings >= 1  # H4: nobody contacts it
    assert viewer.get("/v1/coverage/areas", params={"area": "P1/5号楼"}).json()["areas"] == []


def test_stats_of_an_area(client: ClientFor) -> None:
    stats = StatsOut.model_validate(client("viewer", "D").get("/v1/stats", params={"area": "C1"}).json())
    assert stats.areas["household"] == 3
    assert stats.areas["community"] == 1
    assert stats.streets == []
    district = StatsOut.model_validate(client("viewer", "D").get("/v1/stats").json())
    assert [s.street for s in district.streets] == ["S1", "S2"]


def test_a_contacts_proposal_as_data_and_its_roster_for_a_planner(client: ClientFor) -> None:
    proposal = ProposalOut.model_validate(client("planner", "D").get("/v1/proposals/contacts", params={"area": "C1"}).json())
    assert proposal.kind == "contacts"
    assert proposal.scope == "C1"
    assert proposal.counts["uncontacted"] == 2  # H1 and H4
    roster = client("planner", "D").get("/v1/proposals/contacts/roster", params={"area": "C1", "format": "csv"})
    assert roster.status_code == 200, roster.text
    text = roster.content.decode("gb18030")
    assert text.splitlines()[0] == "人员编号,户编码,备注"
    assert not any(number in text for number, _ in ALL_PEOPLE.values())  # no whole ID number
    assert pid("王芳").split(":", 1)[1] in text
    assert client("planner", "D").get("/v1/proposals/nothing").status_code == 422


def test_a_liaison_roster_carries_whole_id_numbers_so_it_is_for_an_admin(client: ClientFor) -> None:
    assert client("planner", "D").get("/v1/proposals/liaison/roster", params={"area": "C1"}).status_code == 403
    roster = client("admin", "D").get("/v1/proposals/liaison/roster", params={"area": "C1", "format": "csv"})
    assert roster.status_code == 200
    assert ALL_PEOPLE["刘洋"][0] in roster.content.decode("gb18030")


def test_a_node_and_where_it_sits(client: ClientFor) -> None:
    node = NodeOut.model_validate(client("planner", "D").get("/v1/nodes/household:H2").json())
    assert (node.kind, node.street, node.community, node.grid) == ("household", "S1", "C1", "G1")
    org = NodeOut.model_validate(client("planner", "D").get("/v1/nodes/org:OG3").json())
    assert org.community == "C1"
    assert org.name == "幸福里小区3号楼党小组"


def test_the_path_between_two_nodes(client: ClientFor) -> None:
    answer = client("planner", "D").get("/v1/paths", params={"from": "household:H2", "to": "area:S1"})
    path = PathOut.model_validate(answer.json())
    assert path.hops[0].node == "household:H2"
    assert path.hops[-1].node == "area:S1"
    assert path.length == len(path.hops) - 1


def test_findings_sorted_by_another_field_keep_the_default_order_for_ties(client: ClientFor) -> None:
    viewer = client("viewer", "D")
    default = viewer.get("/v1/coverage/findings", params={"per_page": 1000}).json()["items"]
    by_rule = viewer.get("/v1/coverage/findings", params={"per_page": 1000, "sort": "rule"}).json()["items"]
    assert [f["rule"] for f in by_rule] == sorted(f["rule"] for f in default)
    assert by_rule == sorted(default, key=lambda f: f["rule"])  # Python's sort is stable, as the route's
    assert viewer.get("/v1/coverage/findings", params={"sort": "nonsense"}).status_code == 422


def test_the_words_of_the_model_for_any_signed_in_caller(client: ClientFor) -> None:
    answer = client("viewer", "C1").get("/v1/labels")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["links"]["CONTACTS"] == {"zh": "联系户（1+10）", "en": "contacts (1+10)"}
    assert found["kinds"]["party_org"]["en"] == "Party organisation"
