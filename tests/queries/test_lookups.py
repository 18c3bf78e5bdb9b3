"""Liaison lookups on the tiny hand-drawn district of the escalation tests (``test_escalation_world``)."""

from __future__ import annotations

import json

import pytest

from orggraph.errors import NotFoundError
from orggraph.model import LinkKind
from orggraph.store import Batch, MemoryStore
from queries.lookups import community_links, explain_path, household_liaison, member_links
from queries.lookups.building import building_liaison
from queries.lookups.unit import unit_links
from tests.queries.test_escalation_world import KEY, PEOPLE, pid, tiny_world

L = LinkKind


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(tiny_world())
    return s


def names(posts: tuple[object, ...]) -> list[str]:
    return [p.person.name for p in posts]  # type: ignore[attr-defined]


def test_household_liaison_by_role(store: MemoryStore) -> None:
    found = household_liaison(store.view(lazy=True), "H2")
    assert found.household.id == "household:H2"
    assert found.address == "幸福里小区3号楼2单元502室"
    assert names(found.contacting_members) == ["王芳"]
    assert names(found.central_household) == ["王芳"]
    assert names(found.building_group_leader) == ["李强"]
    assert {role: names(posts) for role, posts in found.grid_staff.items()} == {
        "grid_worker": ["周杰"],
        "grid_leader": ["吴磊"],
        "community_worker": ["何洁"],
        "property_manager": ["郑丽"],
        "enforcement_officer": ["冯刚"],
    }
    assert names(found.branch_secretary) == ["赵敏"]
    assert names(found.community_secretary) == ["陈静"]
    assert found.community_secretary[0].deputy is True
    assert names(found.liaison_leaders) == ["刘洋"]
    assert names(found.street_secretary) == ["孙伟"]
    assert found.areas["community"] is not None
    assert found.areas["community"].name == "幸福社区"
    assert found.vacant == ()


def test_household_liaison_lists_the_vacant_roles_and_takes_an_address(store: MemoryStore) -> None:
    found = household_liaison(store.view(lazy=True), "幸福里小区5号楼1单元101室")
    assert found.household.id == "household:H4"
    assert found.read_as == "小区 幸福里小区, 楼栋 5, 单元 1, 室 101"
    assert [role for role, _, _ in found.vacant] == ["contacting_member", "central_household", "building_group_leader"]
    assert found.contacting_members == ()
    with pytest.raises(NotFoundError, match="read as"):
        household_liaison(store.view(lazy=True), "幸福里小区8号楼1单元101室")


def test_member_links(store: MemoryStore) -> None:
    wang = member_links(store.view(lazy=True), pid("王芳"))
    assert wang.person.name == "王芳"
    assert [h.id for h, _ in wang.contacts] == ["household:H2"]
    assert wang.contacts[0][1] == "幸福里小区3号楼2单元502室"
    assert wang.residence is not None
    assert wang.residence[0].id == "household:H1"
    assert wang.org is not None
    assert wang.org.id == "org:OG3"
    assert wang.registered_with is not None
    assert wang.registered_with.id == "area:C1"
    assert wang.posts == ()
    li = member_links(store.view(lazy=True), pid("李强").split(":", 1)[1])  # the bare code works too
    assert [(kind, org.id) for kind, org in li.posts] == [("SECRETARY_OF", "org:OG3")]
    liu = member_links(store.view(lazy=True), PEOPLE["刘洋"][0][:4] + "*" * 10 + PEOPLE["刘洋"][0][-4:])  # a unique masked ID
    assert liu.person.rank == "division"
    assert [c.id for c in liu.liaises_with] == ["area:C1"]
    assert liu.works_at is not None
    assert liu.works_at.id == "unit:U9"
    zhou = member_links(store.view(lazy=True), pid("周杰"))
    assert [(kind, grid.id) for kind, grid in zhou.grid_roles] == [("GRID_WORKER_OF", "area:G1")]
    assert zhou.to_dict()["contact_count"] == 0
    with pytest.raises(NotFoundError):
        member_links(store.view(lazy=True), "person:nobody")


def test_member_links_as_of_before_and_after_a_contact_ended(store: MemoryStore) -> None:
    b = Batch()
    b.unlink(L.CONTACTS, pid("王芳"), "household:H2", end="2024-01-01")
    store.write(b)
    assert len(member_links(store.view("2023-12-31", lazy=True), pid("王芳")).contacts) == 1
    assert member_links(store.view("2024-01-01", lazy=True), pid("王芳")).contacts == ()


def test_community_links(store: MemoryStore) -> None:
    found = community_links(store.view(lazy=True), "C1")
    assert found.community.name == "幸福社区"
    assert found.street is not None
    assert found.street.id == "area:S1"
    assert [p.name for p in found.registered_members] == ["王芳"]
    assert found.to_dict()["registered_member_count"] == 1
    assert [u.id for u in found.registered_units] == ["unit:U3"]
    assert [(p.project.id, p.category, [u.id for u in p.providers]) for p in found.live_projects] == [
        ("project:XM1", "法律", ["unit:U3"])
    ]
    assert [p.name for p in found.liaison_leaders] == ["刘洋"]
    assert [p.name for p in found.other_liaison_persons] == ["马超"]
    assert [u.id for u in found.liaison_units] == ["unit:U9"]
    assert community_links(store.view(lazy=True), "area:C1") == found
    with pytest.raises(NotFoundError):
        community_links(store.view(lazy=True), "G1")  # a grid, not a community


def test_explain_path_between_a_household_and_its_street(store: MemoryStore) -> None:
    path = explain_path(store.view(lazy=True), "household:H2", "area:S1")
    assert path.hops[0].node == "household:H2"
    assert path.hops[-1].node == "area:S1"
    assert path.length == 3  # H2 —IN_GRID→ G1 —PART_OF→ C1 —PART_OF→ S1
    assert [(h.node, h.link, h.direction) for h in path.hops] == [
        ("household:H2", "IN_GRID", "out"),
        ("area:G1", "PART_OF", "out"),
        ("area:C1", "PART_OF", "out"),
        ("area:S1", None, None),
    ]
    zh, en = path.describe()
    assert en == "3 link(s): H2 —IN_GRID→ 第一网格 —PART_OF→ 幸福社区 —PART_OF→ 新华街道"
    assert zh.startswith("经 3 条关系")
    back = explain_path(store.view(lazy=True), "area:S1", "household:H2")
    assert [h.node for h in back.hops] == [h.node for h in reversed(path.hops)]
    assert [h.direction for h in back.hops[:-1]] == ["in", "in", "in"]


def test_explain_path_follows_links_either_way_and_knows_the_date(store: MemoryStore) -> None:
    path = explain_path(store.view(lazy=True), pid("王芳"), pid("李强"))
    assert path.length == 2  # both are members of the building group
    assert path.hops[1].node == "org:OG3"
    assert explain_path(store.view(lazy=True), "area:S1", "area:S1").length == 0
    with pytest.raises(NotFoundError, match="no path"):
        explain_path(store.view("2020-01-01", lazy=True), "household:H2", "area:S1")
    with pytest.raises(NotFoundError, match="no node"):
        explain_path(store.view(lazy=True), "household:H2", "area:nowhere")


def test_lookups_leave_only_masked_personal_data(store: MemoryStore) -> None:
    text = json.dumps(
        [
            household_liaison(store.view(lazy=True), "H2").to_dict(),
            *(member_links(store.view(lazy=True), pid(name)).to_dict() for name in PEOPLE),
            community_links(store.view(lazy=True), "C1").to_dict(),
            explain_path(store.view(lazy=True), pid("王芳"), "area:S1").to_dict(),
        ],
        ensure_ascii=False,
    )
    for number, phone in PEOPLE.values():
        assert number not in text
        assert phone not in text
    assert "sealed" not in text


def test_building_liaison_merges_the_roles_its_households_share(store: MemoryStore) -> None:
    found = building_liaison(store.view(lazy=True), "P1/3号楼")
    assert found.households == 2
    assert [p.person.name for p in found.posts["building_group_leader"]] == ["李强"]
    assert [p.person.name for p in found.posts["branch_secretary"]] == ["赵敏"]
    assert [p.person.name for p in found.grid_staff["grid_worker"]] == ["周杰"]
    assert [g.code for g in found.grids] == ["G1"]
    data = json.dumps(found.to_dict(), ensure_ascii=False)
    assert not any(number in data for number, _ in PEOPLE.values())
    assert "contacting_members" not in found.to_dict()


def test_building_liaison_of_a_building_without_a_group_says_it_is_vacant(store: MemoryStore) -> None:
    found = building_liaison(store.view(lazy=True), "area:P1/5号楼")
    assert found.posts["building_group_leader"] == ()
    assert "building_group_leader" in [role for role, _, _ in found.vacant]
    with pytest.raises(NotFoundError):
        building_liaison(store.view(lazy=True), "P1/9号楼")


def test_unit_links(store: MemoryStore) -> None:
    firm = unit_links(store.view(lazy=True), "U3")
    assert firm.registered_with is not None
    assert firm.registered_with.code == "C1"
    assert [p.project.code for p in firm.projects] == ["XM1"]  # XM2 ended in 2022
    organ = unit_links(store.view(lazy=True), "unit:U9")
    assert [c.code for c in organ.liaises_with] == ["C1"]
    assert organ.staff == 1  # 刘洋
    assert organ.located_in is not None
    assert organ.located_in.code == "C2"
    assert unit_links(store.view(lazy=True), "U1").handles == ("违章搭建", "环境卫生")
    with pytest.raises(NotFoundError):
        unit_links(store.view(lazy=True), "U404")


def test_a_units_office_phone_is_given_masked(store: MemoryStore) -> None:
    from tests.queries.test_escalation import office_phones

    assert unit_links(store.view(lazy=True), "U2").unit.phone_masked is None  # none on the roster yet
    store.write(office_phones())
    found = unit_links(store.view(lazy=True), "U2").to_dict()
    assert found["unit"]["phone_masked"] == "0313-***2345"
    assert "0313-5512345" not in json.dumps(found)
