"""Escalation paths on the tiny hand-drawn district (``test_escalation_world``): the climb, vacancies,
deputies, categories, addresses, dates, the cache and masking."""

from __future__ import annotations

import datetime as dt
import gc
import json
import weakref
from pathlib import Path

import pytest

from orggraph.errors import ConfigurationError, NotFoundError
from orggraph.store import Batch, MemoryStore
from orggraph.timeline import today
from queries.escalation import escalation_path, escalation_path_on
from queries.policy import load_policy
from tests.queries.test_escalation_world import AT, KEY, PEOPLE, L, pid, tiny_world


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(tiny_world())
    return s


def who(path: object) -> list[tuple[str, str, str]]:
    """(level, role, person name or unit name) of every step."""
    steps = path.steps  # type: ignore[attr-defined]
    return [(s.level, s.role, s.person.name if s.person else s.unit.name) for s in steps]


def test_the_full_climb_in_order_with_deadlines(store: MemoryStore) -> None:
    path = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    assert who(path) == [
        ("contact", "contacting_member", "王芳"),
        ("building", "building_group_leader", "李强"),
        ("grid", "property_manager", "郑丽"),
        ("grid", "grid_worker", "周杰"),
        ("grid", "grid_leader", "吴磊"),
        ("grid", "branch_secretary", "赵敏"),
        ("community", "community_secretary", "陈静"),
        ("community", "liaison_leader", "刘洋"),
        ("street", "street_secretary", "孙伟"),
        ("street", "department", "下花园区住房和城乡建设局"),
    ]
    deadlines = {s.level: s.deadline for s in path.steps}
    assert deadlines == {
        "contact": "2025-06-30T10:00:00+08:00",
        "building": "2025-06-30T10:00:00+08:00",
        "grid": "2025-06-30T12:00:00+08:00",
        "community": "2025-06-30T12:00:00+08:00",
        "street": "2025-06-30T15:00:00+08:00",
    }
    assert path.household.id == "household:H2"
    assert path.address == "幸福里小区3号楼2单元502室"
    assert path.reported_at == AT.isoformat()
    # 王芳 also lives in the central household: she is not listed twice
    assert [(s.role, s.why) for s in path.skipped] == [("central_household", "already_listed")]


def test_every_step_says_why_with_a_graph_path_to_the_household(store: MemoryStore) -> None:
    path = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    leader = path.at_level("building")[0]
    assert leader.reason.en == "secretary of 幸福里小区3号楼党小组 (the group responsible for building 3号楼)"
    assert "党小组组长" in leader.reason.zh
    hops = [(h.node, h.link, h.direction) for h in leader.reason.hops]
    assert hops == [
        (pid("李强"), "SECRETARY_OF", "out"),
        ("org:OG3", "RESPONSIBLE_FOR", "out"),
        ("area:P1/3号楼", "PART_OF", "in"),
        ("area:P1/3号楼/2单元", "PART_OF", "in"),
        ("household:H2", None, None),
    ]
    contact = path.steps[0]
    assert contact.reason.en == "contacts this household (1+10)"
    assert [h.node for h in contact.reason.hops] == [pid("王芳"), "household:H2"]
    assert contact.org is not None
    assert contact.org.name == "幸福里小区3号楼党小组"
    department = path.at_level("street")[-1]
    assert department.person is None
    assert department.unit is not None
    assert [h.node for h in department.reason.hops][:3] == ["unit:U2", "area:C2", "area:S2"]
    assert department.reason.hops[-1].node == "household:H2"
    for step in path.steps:  # consecutive hops are joined by the link they name
        for hop, following in zip(step.reason.hops, step.reason.hops[1:], strict=False):
            source, target = (hop.node, following.node) if hop.direction == "out" else (following.node, hop.node)
            assert hop.link in store.graph[source][target], (step.role, hop)


def test_a_vacant_post_is_skipped_to_the_next_with_a_note(store: MemoryStore) -> None:
    path = escalation_path(store.view(lazy=True), "H4", "物业纠纷", at=AT)
    assert [s.level for s in path.steps][:1] == ["grid"]
    skipped = {(s.level, s.role): s for s in path.skipped}
    assert set(skipped) == {
        ("contact", "contacting_member"),
        ("contact", "central_household"),
        ("building", "building_group_leader"),
    }
    assert all(s.why == "vacant" for s in skipped.values())
    assert skipped["building", "building_group_leader"].zh == "楼栋5号楼未建党小组"
    assert skipped["contact", "central_household"].en == "entrance 5号楼1单元 has no central household"


def test_a_deputy_stands_in_for_a_vacant_secretary_unless_the_policy_says_no(store: MemoryStore, tmp_path: Path) -> None:
    step = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT).at_level("community")[0]
    assert (step.role, step.person and step.person.name, step.deputy) == ("community_secretary", "陈静", True)
    assert "副书记" in step.reason.zh
    assert step.to_dict()["deputy"] is True
    own = tmp_path / "policy.toml"
    own.write_text("[escalation]\ndeputies_stand_in = false\n", encoding="utf-8")
    strict = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT, policy=load_policy(own))
    assert [s.role for s in strict.at_level("community")] == ["liaison_leader"]
    vacancy = next(s for s in strict.skipped if s.role == "community_secretary")
    assert vacancy.why == "vacant"
    assert vacancy.zh == "负责社区幸福社区的党组织书记空缺"


def test_a_category_adds_the_property_manager_or_the_enforcement_officer_and_routes_to_a_department(store: MemoryStore) -> None:
    property_dispute = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    assert property_dispute.at_level("grid")[0].role == "property_manager"
    assert "enforcement_officer" not in [s.role for s in property_dispute.steps]
    building = escalation_path(store.view(lazy=True), "H2", "违章搭建", at=AT)
    assert who(building)[2] == ("grid", "enforcement_officer", "冯刚")
    assert "property_manager" not in [s.role for s in building.steps]
    department = building.at_level("street")[-1]
    assert department.unit is not None
    assert department.unit.name == "下花园区综合行政执法局"
    assert "located in 新华街道" in department.reason.en  # the street's own department comes first
    assert property_dispute.at_level("street")[-1].reason.en.endswith("(of 下花园区)")  # else the district's


def test_helpers_are_units_with_a_live_project_of_a_helping_resource_category(store: MemoryStore) -> None:
    helpers = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT).helpers  # helps: 法律, 环境 (XM2 is over)
    assert [(h.unit.name, h.project.id, h.category) for h in helpers] == [("幸福律师事务所", "project:XM1", "法律")]
    assert [h.node for h in helpers[0].reason.hops][:3] == ["unit:U3", "project:XM1", "area:C1"]
    assert escalation_path(store.view(lazy=True), "H2", "违章搭建", at=AT).helpers == ()


def test_the_start_may_be_a_code_a_node_id_or_an_address(store: MemoryStore) -> None:
    for start in (
        "H2",
        "household:H2",
        "幸福里小区3号楼2单元502室",
        "幸福里 3-2-502",
        "P1 3-2-502",
        "幸福里小区３栋２单元５０２",
    ):
        path = escalation_path(store.view(lazy=True), start, "物业纠纷", at=AT)
        assert path.household.id == "household:H2", start
    assert (
        escalation_path(store.view(lazy=True), "幸福里小区3号楼2单元502室", "物业纠纷", at=AT).read_as
        == "小区 幸福里小区, 楼栋 3, 单元 2, 室 502"
    )


@pytest.mark.parametrize(
    ("address", "part"),
    [
        ("幸福里小区9号楼2单元501室", "no building '9'"),
        ("幸福里小区3号楼7单元501室", "no entrance '7'"),
        ("幸福里小区3号楼2单元999室", "no room '999'"),
        ("光明小区3号楼2单元501室", "no compound with code or name '光明小区'"),
    ],
)
def test_an_address_that_does_not_resolve_says_how_it_was_read(store: MemoryStore, address: str, part: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        escalation_path(store.view(lazy=True), address, "物业纠纷", at=AT)
    assert "read as 小区" in caught.value.message
    assert part in caught.value.message
    assert "地址" in caught.value.message_zh


def test_text_that_is_neither_a_household_nor_an_address_is_not_found(store: MemoryStore) -> None:
    with pytest.raises(NotFoundError, match="neither a household"):
        escalation_path(store.view(lazy=True), "H99", "物业纠纷", at=AT)


def test_an_unknown_category_lists_the_known_ones(store: MemoryStore) -> None:
    with pytest.raises(ConfigurationError) as caught:
        escalation_path(store.view(lazy=True), "H2", "外星人入侵", at=AT)
    assert "物业纠纷" in caught.value.message
    assert "违章搭建" in caught.value.message
    assert "未知的事项类别" in caught.value.message_zh


def test_as_of_before_and_after_a_link_ended(store: MemoryStore) -> None:
    b = Batch()
    b.unlink(L.CONTACTS, pid("王芳"), "household:H2", end="2024-01-01")
    store.write(b)
    before = escalation_path(store.view("2023-06-01", lazy=True), "H2", "物业纠纷", at=AT)
    after = escalation_path(store.view("2024-06-01", lazy=True), "H2", "物业纠纷", at=AT)
    now = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    assert who(before)[0] == ("contact", "contacting_member", "王芳")
    assert before.as_of == "2023-06-01"
    for path in (after, now):
        assert [s.role for s in path.at_level("contact")] == ["central_household"]  # 王芳, now from H1
        assert any(s.role == "contacting_member" and s.why == "vacant" for s in path.skipped)
    # before anything started the household sat nowhere: only a department that handles the category is left
    assert [s.role for s in escalation_path(store.view("2020-01-01", lazy=True), "H2", "物业纠纷", at=AT).steps] == ["department"]


def test_the_same_question_gets_the_same_object_until_the_graph_changes(store: MemoryStore) -> None:
    first = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    assert escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT) is first
    assert escalation_path(store.view("2024-06-01", lazy=True), "H2", "物业纠纷", at=AT) is escalation_path(
        store.view("2024-06-01", lazy=True), "H2", "物业纠纷", at=AT
    )
    later = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT + dt.timedelta(hours=1))
    assert later is not first
    assert later.steps[0].deadline == "2025-06-30T11:00:00+08:00"
    assert [s.person for s in later.steps] == [s.person for s in first.steps]
    with pytest.raises(AttributeError):
        first.start = "H1"  # type: ignore[misc]
    b = Batch()
    b.unlink(L.CONTACTS, pid("王芳"), "household:H2", end=today())
    store.write(b)
    changed = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    assert changed is not first
    assert changed.steps[0].role == "central_household"


def test_a_report_without_a_time_counts_from_the_current_minute(store: MemoryStore) -> None:
    before = dt.datetime.now().astimezone().replace(second=0, microsecond=0)
    path = escalation_path(store.view(lazy=True), "H2", "物业纠纷")
    reported = dt.datetime.fromisoformat(path.reported_at)
    assert before <= reported <= before + dt.timedelta(minutes=1)
    assert dt.datetime.fromisoformat(path.steps[0].deadline) == reported + dt.timedelta(minutes=60)


def test_only_masked_personal_data_leave(store: MemoryStore) -> None:
    text = json.dumps(
        [
            escalation_path(store.view(lazy=True), h, c, at=AT).to_dict()
            for h in ("H1", "H2", "H4")
            for c in ("物业纠纷", "违章搭建", "邻里纠纷")
        ],
        ensure_ascii=False,
    )
    for number, phone in PEOPLE.values():
        assert number not in text
        assert phone not in text
    assert "sealed" not in text
    assert "1101**********" in text
    assert "138****" in text


def test_the_central_household_itself_is_answered_by_the_member_living_there(store: MemoryStore) -> None:
    path = escalation_path(store.view(lazy=True), "H1", "违章搭建", at=AT)
    first = path.steps[0]
    assert (first.role, first.person and first.person.name) == ("central_household", "王芳")
    assert first.reason.en.startswith("lives in this household")
    assert [h.node for h in first.reason.hops] == [pid("王芳"), "household:H1"]


def test_index_and_raw_graph_readers_give_the_same_paths(store: MemoryStore) -> None:
    raw_reader = store.view(lazy=True)  # no index built yet: a view that checks periods as it goes
    index_reader = store.view()
    assert type(raw_reader).__name__ == "RawView"
    assert type(index_reader).__name__ == "DayIndex"
    for household in ("H1", "H2", "H4"):
        for category in ("物业纠纷", "违章搭建", "养老服务", "邻里纠纷"):
            one = escalation_path_on(index_reader, household, category, at=AT).to_dict()
            other = escalation_path_on(raw_reader, household, category, at=AT).to_dict()
            assert one == other


def test_the_caches_let_a_dropped_store_go() -> None:
    store = MemoryStore(KEY)
    store.write(tiny_world())
    escalation_path(store.view("2024-06-01", lazy=True), "H2", "物业纠纷", at=AT)
    escalation_path(store.view(), "H2", "物业纠纷", at=AT)
    graph = weakref.ref(store.graph)
    del store
    gc.collect()
    assert graph() is None


#: Office phones (单位联系电话) of the housing bureau U2 and the law firm U3, as stored: whole and masked.
OFFICE_PHONES = {"U2": "0313-5512345", "U3": "0313-5567890-8001"}


def office_phones() -> Batch:
    """U2 and U3 again, each with its office phone sealed and masked (as the units roster imports it)."""
    from orggraph.model import Unit, UnitKind
    from orggraph.pii import mask_phone

    b = Batch("office phones")
    for code, name, kind, handles in (
        ("U2", "下花园区住房和城乡建设局", UnitKind.DEPARTMENT, ["物业纠纷", "设施维修"]),
        ("U3", "幸福律师事务所", UnitKind.PRIVATE_ENTERPRISE, []),
    ):
        phone = OFFICE_PHONES[code]
        sealed = KEY.seal("phone", phone).hex()
        b.put(Unit(code=code, name=name, unit_kind=kind, handles=handles, phone_masked=mask_phone(phone), phone_sealed=sealed))
    return b


def test_a_department_step_and_a_helper_carry_the_office_phone_masked_only(store: MemoryStore) -> None:
    store.write(office_phones())
    path = escalation_path(store.view(lazy=True), "H2", "物业纠纷", at=AT)
    (department,) = [s for s in path.steps if s.role == "department"]
    assert department.unit is not None
    assert (department.unit.code, department.unit.phone_masked) == ("U2", "0313-***2345")
    assert [(h.unit.code, h.unit.phone_masked) for h in path.helpers] == [("U3", "0313-***7890-8001")]
    text = json.dumps(path.to_dict(), ensure_ascii=False)
    assert not any(phone in text for phone in OFFICE_PHONES.values())
    assert "phone_sealed" not in text
