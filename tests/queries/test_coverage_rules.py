"""Each coverage rule on the tiny district: the exact findings, and the threshold on both sides."""

from __future__ import annotations

import re

import pytest

from orggraph.model import Building, Compound, Entrance, Grid, Household, LinkKind, OrgKind, PartyOrg, Unit, UnitKind
from queries.coverage import SECRETARY_POST, Finding, atlas_for
from queries.policy import load_policy
from tests.queries.coverage_world import DAY, gaps, healthy, nodes, run

L = LinkKind


def brief(findings: list[Finding]) -> list[tuple[str, object, object, str | None]]:
    """(node, actual, required, responsible org) of each finding."""
    return [(f.node, f.actual, f.required, f.responsible_org) for f in findings]


#: The rules the policy ships, on (a district's own example ships off).
SHIPPED = [
    "compound-without-branch",
    "building-without-group",
    "entrance-without-central-household",
    "grid-missing-role",
    "grid-size-out-of-range",
    "household-uncontacted",
    "member-over-capacity",
    "community-few-liaison-leaders",
    "community-worker-ratio",
    "member-not-registered",
    "unit-not-registered",
    "unit-without-live-project",
    "project-expiring",
    "compound-without-property-management",
    "property-company-without-party-org",
    "owners-committee-without-party-member",
    "org-without-secretary",
]


def test_the_policy_ships_the_seventeen_rules_declared() -> None:
    policy = load_policy(None)
    assert [r.id for r in policy.enabled()] == SHIPPED
    assert not policy.rule("building-without-resident-member").enabled


def test_the_healthy_district_has_no_gap() -> None:
    result = run(healthy().store())
    assert result.findings == []
    assert result.summary.totals.findings == 0


def test_building_without_group_is_found_with_every_field() -> None:
    w = healthy()
    w.put(Building.of("XA", "2号楼"), "area:XA")
    [found] = gaps(w.store(), "building-without-group")
    assert found == Finding(
        rule="building-without-group",
        severity="medium",
        node="area:XA/2号楼",
        kind="building",
        code="XA/2号楼",
        name="2号楼",
        street="S1",
        street_name="新华街道",
        community="CA",
        community_name="A社区",
        grid=None,
        actual=0,
        required=1,
        responsible_org="PXA",
        responsible_org_name="PXA党组织",
        responsible_post=SECRETARY_POST,
        message="Building 2号楼 (XA/2号楼) has no Party group; norm: every building has a Party group.",
        message_zh="楼栋2号楼（XA/2号楼）未建党小组；规范：每个楼栋建立党小组。",
    )
    assert found.to_dict()["community"] == "CA"


def test_compound_without_branch_is_for_the_community_org() -> None:
    w = healthy()
    w.put(Compound(code="XA2", name="新小区"), "area:CA")
    assert brief(gaps(w.store(), "compound-without-branch")) == [("area:XA2", 0, 1, "PCA")]


def test_entrance_without_central_household_is_for_the_building_group() -> None:
    w = healthy()
    entrance = w.put(Entrance.of("XB/1号楼", "2单元"), "area:XB/1号楼")
    w.household("HB3", entrance, "area:GB")
    assert brief(gaps(w.store(), "entrance-without-central-household")) == [(entrance, 0, 1, "PXBB1")]


def test_a_building_without_group_passes_its_entrances_to_the_branch() -> None:
    w = healthy()
    building = w.put(Building.of("XA", "2号楼"), "area:XA")
    entrance = w.put(Entrance.of("XA/2号楼", "1单元"), building)
    [found] = gaps(w.store(), "entrance-without-central-household")
    assert (found.node, found.responsible_org) == (entrance, "PXA")


def test_grid_missing_role_gives_one_finding_per_role_of_a_basic_grid() -> None:
    w = healthy()
    grid = w.put(Grid(code="GA2", name="A二网格", level=4), "area:CA")
    w.household("HA3", "area:XA/1号楼/1单元", grid)
    w.put(Grid(code="GA3", name="A三网格", level=3), "area:CA")  # holds no household: not a basic grid
    store = w.store()
    found = gaps(store, "grid-missing-role")
    assert brief(found) == [
        (grid, 0, "community_worker", "PCA"),
        (grid, 0, "grid_worker", "PCA"),
        (grid, 0, "property_manager", "PCA"),
    ]
    assert found[1].message_zh.endswith("缺少专职网格员；规范：一格三员，每个基础网格各岗位至少一人。")
    assert brief(gaps(store, "grid-missing-role", roles=["grid_worker"])) == [(grid, 0, "grid_worker", "PCA")]
    assert brief(gaps(store, "grid-missing-role", roles=["enforcement_officer"]))[0][2] == "enforcement_officer"


def test_grid_missing_role_refuses_an_unknown_role() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        gaps(healthy().store(), "grid-missing-role", roles=["janitor"])


def test_a_grid_branch_answers_for_its_grid() -> None:
    w = healthy()
    grid = w.put(Grid(code="GA2", name="A二网格", level=4), "area:CA")
    w.household("HA3", "area:XA/1号楼/1单元", grid)
    w.org("PGA2", OrgKind.BRANCH, area=grid, parent="org:PCA")
    assert {f.responsible_org for f in gaps(w.store(), "grid-missing-role")} == {"PGA2"}


@pytest.mark.parametrize(("low", "high", "expected"), [(2, 3, []), (1, 2, []), (3, 9, [2]), (1, 1, [2])])
def test_grid_size_bounds_are_allowed(low: int, high: int, expected: list[int]) -> None:
    w = healthy()
    found = gaps(w.store(), "grid-size-out-of-range", scope="CA", min=low, max=high)
    assert [f.actual for f in found] == expected
    assert all(f.required == f"{low}–{high}" and f.node == "area:GA" for f in found)


def test_a_grid_scope_holds_the_households_in_the_grid() -> None:
    """Regression: a grid's households hang below their entrance, not below the grid; a run scoped to
    the grid found none of them."""
    w = healthy()
    plain = w.household("HA3", "area:XA/1号楼/1单元", "area:GA", room="201")
    assert nodes(gaps(w.store(), "household-uncontacted", scope="GA")) == [plain]
    assert gaps(w.store(), "household-uncontacted", scope="GB") == []


def test_household_uncontacted_raises_care_tagged_households_first() -> None:
    w = healthy()
    plain = w.household("HA3", "area:XA/1号楼/1单元", "area:GA", room="201")
    tagged = w.household("HA4", "area:XA/1号楼/1单元", "area:GA", room="202", care_tags=["living_alone"])
    found = gaps(w.store(), "household-uncontacted")
    assert [(f.node, f.severity) for f in found] == [(tagged, "high"), (plain, "medium")]
    assert found[0].name == "A小区1号楼1单元202"
    assert found[0].grid == "GA"
    assert found[0].responsible_org == "PXAB1"
    assert "独居老人" in found[0].message_zh


@pytest.mark.parametrize(("most", "expected"), [(2, []), (1, [(2, 1)])])
def test_member_over_capacity_at_and_past_the_maximum(most: int, expected: list[tuple[int, int]]) -> None:
    found = gaps(healthy().store(), "member-over-capacity", scope="CA", max=most)
    assert [(f.actual, f.required) for f in found] == expected
    for f in found:
        assert (f.kind, f.name, f.responsible_org) == ("person", "党员A", "PXAB1")
        assert re.fullmatch(r"1307\*{10}\d{4}", f.code)
        assert f.community == "CA"
        assert f.grid == "GA"


@pytest.mark.parametrize(("least", "expected"), [(2, []), (3, [("area:CA", 2, 3, "PS1")])])
def test_liaison_leaders_at_and_below_the_minimum(least: int, expected: list[object]) -> None:
    w = healthy()
    w.link(L.LIAISES_WITH, w.person(rank="section"), "area:CA")  # a section-level cadre does not count
    w.link(L.LIAISES_WITH, "unit:UA", "area:CA")  # nor does a unit
    assert brief(gaps(w.store(), "community-few-liaison-leaders", scope="CA", min=least)) == expected


def test_liaison_rank_may_be_given_in_chinese() -> None:
    found = gaps(healthy().store(), "community-few-liaison-leaders", rank="科级")
    assert [f.actual for f in found] == [0, 0]


@pytest.mark.parametrize(
    ("per", "residents", "expected"), [(20, 500, []), (20, 501, [(1, 2)]), (18, 555, []), (18, 556, [(1, 2)])]
)
def test_community_worker_ratio_at_and_past_the_norm(per: int, residents: int, expected: list[tuple[int, int]]) -> None:
    w = healthy()
    w.batch.put_attrs("area:CA", {"kind": "community", "name": "A社区", "residents": residents})
    found = gaps(w.store(), "community-worker-ratio", scope="CA", per_10000=per)
    assert [(f.actual, f.required) for f in found] == expected
    assert all(f.responsible_org == "PS1" for f in found)


def test_community_worker_ratio_counts_household_residents_when_the_community_has_none() -> None:
    w = healthy()
    w.batch.put_attrs("area:CA", {"kind": "community", "name": "A社区"})
    w.household("HA3", "area:XA/1号楼/1单元", "area:GA", residents=5_000)
    [found] = gaps(w.store(), "community-worker-ratio")
    assert (found.node, found.actual, found.required) == ("area:CA", 1, 10)


def test_member_registered_elsewhere_is_not_registered_where_he_lives() -> None:
    w = healthy()
    moved = w.person("李明", status="in_service")
    w.link(L.MEMBER_OF, moved, "org:PXAB1")
    w.link(L.LIVES_IN, moved, "household:HA2")
    w.link(L.REGISTERED_WITH, moved, "area:CB")
    retired = w.person("赵刚", status="retired")  # only in-service members register
    w.link(L.MEMBER_OF, retired, "org:PXAB1")
    w.link(L.LIVES_IN, retired, "household:HA2")
    outsider = w.person("钱七", status="in_service")  # not a Party member
    w.link(L.LIVES_IN, outsider, "household:HA2")
    assert brief(gaps(w.store(), "member-not-registered")) == [(moved, "CB", "CA", "PXAB1")]


def test_unit_not_registered_is_for_its_party_org() -> None:
    w = healthy()
    unit = w.unit("UA2", UnitKind.SOCIAL_ORG, "area:CA", org="org:PS1", registered=False)
    w.project("JA2", unit, "area:CA")
    w.put(Unit(code="UZ", name="无址单位", unit_kind=UnitKind.SOCIAL_ORG))  # located nowhere: not checked
    orphan = w.unit("UA3", UnitKind.SOCIAL_ORG, "area:CA", registered=False)  # no Party org: the community's
    assert brief(gaps(w.store(), "unit-not-registered")) == [(unit, 0, 1, "PUA2"), (orphan, 0, 1, "PCA")]


@pytest.mark.parametrize(
    ("start", "end", "status", "found"),
    [
        ("2025-06-30", None, "active", False),
        ("2025-07-01", None, "active", True),
        ("2024-01-01", "2025-06-30", "active", False),
        ("2024-01-01", "2025-06-29", "active", True),
        ("2024-01-01", "2026-01-01", "completed", True),
        ("2024-01-01", "2026-01-01", "terminated", True),
        ("2024-01-01", "2026-01-01", "planned", False),
    ],
)
def test_unit_without_live_project(start: str, end: str | None, status: str, found: bool) -> None:
    w = healthy()
    unit = w.unit("UA2", UnitKind.STATE_ENTERPRISE, "area:CA")
    w.project("JA2", unit, "area:CA", start=start, end=end, status=status)
    w.unit("DA", UnitKind.DEPARTMENT, "area:CA")  # departments and property companies are exempt
    assert nodes(gaps(w.store(), "unit-without-live-project")) == ([unit] if found else [])


@pytest.mark.parametrize(
    ("end", "status", "actual"),
    [
        ("2025-07-30", "active", 30),
        ("2025-07-31", "active", None),
        ("2025-06-30", "active", 0),
        ("2025-06-29", "active", "expired"),
        ("2025-06-29", "completed", None),
        ("2025-07-10", "terminated", None),
    ],
)
def test_project_expiring_within_the_days(end: str, status: str, actual: object) -> None:
    w = healthy()
    w.project("JA2", "unit:UA", "area:CA", start="2024-01-01", end=end, status=status)
    found = gaps(w.store(), "project-expiring", days=30)
    assert [(f.node, f.actual, f.required, f.responsible_org) for f in found] == (
        [] if actual is None else [("project:JA2", actual, 30, "PCA")]
    )


def test_compound_without_property_management_is_for_its_branch() -> None:
    w = healthy()
    w.batch.unlink(L.MANAGES, "unit:VA", "area:XA", end="2024-01-01")
    assert brief(gaps(w.store(), "compound-without-property-management")) == [("area:XA", 0, 1, "PXA")]


def test_property_company_without_party_org_is_for_the_street() -> None:
    w = healthy()
    company = w.unit("VA2", UnitKind.PROPERTY_COMPANY, "area:CA")
    found = gaps(w.store(), "property-company-without-party-org")
    assert brief(found) == [(company, 0, 1, "PS1")]
    assert found[0].community == "CA"


@pytest.mark.parametrize(("least", "expected"), [(1, []), (2, [("oc:XA", 1, 2, "PXA")])])
def test_owners_committee_party_members_at_and_below_the_minimum(least: int, expected: list[object]) -> None:
    assert brief(gaps(healthy().store(), "owners-committee-without-party-member", scope="CA", min=least)) == expected


def test_org_without_secretary_is_for_its_parent() -> None:
    w = healthy()
    w.put(PartyOrg(code="PXA2", name="新支部", org_kind=OrgKind.BRANCH))
    w.link(L.SUBORDINATE_TO, "org:PXA2", "org:PCA")
    w.link(L.RESPONSIBLE_FOR, "org:PXA2", w.put(Compound(code="XA2", name="新小区"), "area:CA"))
    top = w.org("PTOP", OrgKind.ALLIANCE, secretary=False)
    found = gaps(w.store(), "org-without-secretary")
    assert brief(found) == [("org:PTOP", 0, 1, None), ("org:PXA2", 0, 1, "PCA")]
    assert found[0].responsible_post is None
    assert found[0].community is None
    assert found[1].community == "CA"
    assert found[1].responsible_post == SECRETARY_POST
    assert top == "org:PTOP"


def test_a_household_outside_any_grid_is_placed_by_its_entrance() -> None:
    w = healthy()
    w.put(Household(code="HA9", room="301"), "area:XA/1号楼/1单元")
    [found] = gaps(w.store(), "household-uncontacted")
    assert (found.community, found.grid, found.street) == ("CA", None, "S1")


def test_findings_sort_by_severity_street_community_rule_and_code() -> None:
    w = healthy()
    w.put(Building.of("XB", "9号楼"), "area:XB")
    w.put(Building.of("XA", "9号楼"), "area:XA")
    w.put(Compound(code="XB2", name="乙小区"), "area:CB")
    found = run(w.store(), scope="S1").findings
    assert [(f.severity, f.community, f.rule, f.code) for f in found] == [
        ("high", "CB", "compound-without-branch", "XB2"),
        ("medium", "CA", "building-without-group", "XA/9号楼"),
        ("medium", "CB", "building-without-group", "XB/9号楼"),
        ("medium", "CB", "compound-without-property-management", "XB2"),
    ]
    assert found == sorted(found, key=Finding.sort_key)


def test_the_responsible_org_is_found_at_or_above_the_area() -> None:
    w = healthy()
    w.put(Building.of("XA", "2号楼"), "area:XA")
    atlas = atlas_for(w.store().view(DAY))
    assert atlas.responsible("household:HA1") == "org:PXAB1"
    assert atlas.responsible("area:XA/1号楼/1单元") == "org:PXAB1"
    assert atlas.responsible("area:XA/2号楼") == "org:PXA"
    assert atlas.responsible("area:GA") == "org:PCA"
    assert atlas.responsible("area:S1") == "org:PS1"
    assert atlas.responsible(None) is None
