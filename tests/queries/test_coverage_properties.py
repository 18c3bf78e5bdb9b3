"""Adding the missing piece closes a gap and ending it reopens it; as-of days; scopes; run options."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orggraph.errors import ConfigurationError, NotFoundError
from orggraph.model import Building, Grid, LinkKind, OrgKind, PartyOrg
from orggraph.store import Batch
from queries.coverage import run_coverage
from queries.policy import load_policy
from queries.policy.rules import ROLE_LINKS
from tests.queries.coverage_world import DAY, World, gaps, healthy, nodes, policy, run

L = LinkKind
ENDED = "2025-01-01"
BEFORE = "2024-12-31"
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(missing=st.sets(st.integers(1, 5), min_size=1), pick=st.integers(0, 4))
def test_a_group_closes_the_building_gap_and_ending_it_reopens_it(missing: set[int], pick: int) -> None:
    w = healthy()
    for b in range(2, 7):
        building = w.put(Building.of("XA", f"{b}号楼"), "area:XA")
        if b - 1 not in missing:
            w.org(f"PXAB{b}", OrgKind.GROUP, area=building, parent="org:PXA")
    store = w.store()
    gap = {f"area:XA/{b + 1}号楼" for b in missing}
    assert set(nodes(gaps(store, "building-without-group"))) == gap
    target = sorted(gap)[pick % len(gap)]
    fix = Batch("fix")
    fix.put(PartyOrg(code="PNEW", name="新党小组", org_kind=OrgKind.GROUP))
    fix.link(L.RESPONSIBLE_FOR, "org:PNEW", target, start="2024-06-01")
    store.write(fix)
    assert set(nodes(gaps(store, "building-without-group"))) == gap - {target}
    undo = Batch("undo")
    undo.unlink(L.RESPONSIBLE_FOR, "org:PNEW", target, end=ENDED)
    store.write(undo)
    assert set(nodes(gaps(store, "building-without-group"))) == gap
    assert set(nodes(gaps(store, "building-without-group", as_of=BEFORE))) == gap - {target}


@SETTINGS
@given(contacted=st.lists(st.booleans(), min_size=1, max_size=8), pick=st.integers(0, 7))
def test_a_contact_closes_the_household_gap_and_ending_it_reopens_it(contacted: list[bool], pick: int) -> None:
    w = healthy()
    member = w.person("联系人", status="retired")
    w.link(L.MEMBER_OF, member, "org:PXAB1")
    homes = [w.household(f"HA{10 + i}", "area:XA/1号楼/1单元", "area:GA", room=f"{i}01") for i in range(len(contacted))]
    for home, yes in zip(homes, contacted, strict=True):
        if yes:
            w.link(L.CONTACTS, member, home)
    store = w.store()
    gap = [h for h, yes in zip(homes, contacted, strict=True) if not yes]
    assert sorted(nodes(gaps(store, "household-uncontacted"))) == sorted(gap)
    target = homes[pick % len(homes)]
    if target in gap:
        fix = Batch("fix")
        fix.link(L.CONTACTS, member, target, start="2024-06-01")
        store.write(fix)
    assert target not in nodes(gaps(store, "household-uncontacted"))
    undo = Batch("undo")
    undo.unlink(L.CONTACTS, member, target, end=ENDED)
    store.write(undo)
    assert target in nodes(gaps(store, "household-uncontacted"))
    assert target not in nodes(gaps(store, "household-uncontacted", as_of=BEFORE))


@SETTINGS
@given(filled=st.sets(st.sampled_from(["community_worker", "grid_worker", "property_manager"])), pick=st.integers(0, 2))
def test_a_role_closes_the_grid_gap_and_ending_it_reopens_it(filled: set[str], pick: int) -> None:
    w = healthy()
    grid = w.put(Grid(code="GA2", name="二网格", level=4), "area:CA")
    w.household("HA9", "area:XA/1号楼/1单元", grid)
    for role in sorted(filled):
        w.link(ROLE_LINKS[role], w.person(), grid)
    store = w.store()
    roles = ["community_worker", "grid_worker", "property_manager"]
    missing = [r for r in roles if r not in filled]
    assert [(f.node, f.required) for f in gaps(store, "grid-missing-role")] == [(grid, r) for r in missing]
    role = roles[pick]
    staff = w.person()
    fix = Batch("fix")
    fix.put_attrs(staff, {"kind": "person", "id_masked": "1307**********9999"})
    fix.link(ROLE_LINKS[role], staff, grid, start="2024-06-01")
    store.write(fix)
    assert role not in [f.required for f in gaps(store, "grid-missing-role")]
    undo = Batch("undo")
    undo.unlink(ROLE_LINKS[role], staff, grid, end=ENDED)
    store.write(undo)
    assert (role in [f.required for f in gaps(store, "grid-missing-role")]) == (role not in filled)
    assert role not in [f.required for f in gaps(store, "grid-missing-role", as_of=BEFORE)]


def test_a_liaison_ended_counts_before_its_end_only() -> None:
    w = healthy()
    leader = w.person(rank="division")
    w.link(L.LIAISES_WITH, leader, "area:CB")
    w.batch.unlink(L.LIAISES_WITH, leader, "area:CB", end=ENDED)
    store = w.store()
    assert gaps(store, "community-few-liaison-leaders", min=3, as_of=BEFORE)[0].node == "area:CA"
    assert nodes(gaps(store, "community-few-liaison-leaders", min=3, as_of=ENDED)) == ["area:CA", "area:CB"]


def test_a_member_who_moved_is_checked_where_he_lives_on_the_day() -> None:
    w = healthy()
    member = w.named["党员A"]
    w.batch.unlink(L.LIVES_IN, member, "household:HA1", end=ENDED)
    w.link(L.LIVES_IN, member, "household:HB2", start=ENDED)
    store = w.store()
    assert gaps(store, "member-not-registered", as_of=BEFORE) == []
    [found] = gaps(store, "member-not-registered", as_of=ENDED)
    assert (found.name, found.actual, found.required, found.community) == ("党员A", "CA", "CB", "CB")


def scoped_world() -> World:
    w = healthy()
    w.put(Building.of("XA", "2号楼"), "area:XA")
    w.put(Building.of("XB", "2号楼"), "area:XB")
    return w


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("CA", ["area:XA/2号楼"]),
        ("CB", ["area:XB/2号楼"]),
        ("area:CB", ["area:XB/2号楼"]),
        ("XA", ["area:XA/2号楼"]),
        ("XA/2号楼", ["area:XA/2号楼"]),
        ("XA/1号楼", []),
        ("S1", ["area:XA/2号楼", "area:XB/2号楼"]),
        ("D", ["area:XA/2号楼", "area:XB/2号楼"]),
        (None, ["area:XA/2号楼", "area:XB/2号楼"]),
    ],
)
def test_a_scope_keeps_what_lies_below_it(scope: str | None, expected: list[str]) -> None:
    result = run(scoped_world().store(), "building-without-group", scope=scope)
    assert nodes(result.findings) == expected
    assert result.scope == (None if scope is None else scope.removeprefix("area:"))


def test_every_rule_keeps_to_its_scope() -> None:
    w = scoped_world()
    w.household("HB9", "area:XB/1号楼/1单元", "area:GB")
    w.put(PartyOrg(code="PXB9", name="无书记支部", org_kind=OrgKind.BRANCH))
    w.link(L.SUBORDINATE_TO, "org:PXB9", "org:PCB")
    w.link(L.RESPONSIBLE_FOR, "org:PXB9", "area:GB")
    store = w.store()
    everything = run(store).findings
    in_b = run(store, scope="CB").findings
    assert {f.rule for f in in_b} >= {"building-without-group", "household-uncontacted", "org-without-secretary"}
    assert in_b == [f for f in everything if f.community == "CB"]
    assert all(f.community == "CA" for f in run(store, scope="CA").findings)


def test_an_unknown_or_ended_scope_is_not_found() -> None:
    w = healthy()
    w.batch.end_node("area:XA/1号楼/1单元", end=ENDED)
    store = w.store()
    for scope in ("NOPE", "HA1", "household:HA1", "XA/1号楼/1单元"):
        with pytest.raises(NotFoundError):
            run(store, scope=scope)
    assert run(store, scope="XA/1号楼/1单元", as_of=BEFORE).scope == "XA/1号楼/1单元"


def test_unknown_rules_are_refused_and_disabled_rules_skipped() -> None:
    store = scoped_world().store()
    with pytest.raises(ConfigurationError, match="no-such-rule"):
        run_coverage(store.view(DAY), rules=["building-without-group", "no-such-rule"])
    base = policy()
    off = base.coverage["building-without-group"].model_copy(update={"enabled": False})
    disabled = base.model_copy(update={"coverage": {**base.coverage, "building-without-group": off}})
    result = run_coverage(store.view(DAY), policy=disabled)
    assert "building-without-group" not in {f.rule for f in result.findings}
    assert "building-without-group" not in result.summary.rules
    assert run_coverage(store.view(DAY), rules=["building-without-group"], policy=disabled).findings == []


def test_the_shipped_policy_is_the_default() -> None:
    store = scoped_world().store()
    assert run_coverage(store.view(DAY)).summary.rules == [r.id for r in load_policy(None).enabled()]
