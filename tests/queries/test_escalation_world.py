"""A tiny hand-drawn district for the escalation and lookup tests (:func:`tiny_world`).

The district: street 新华街道 (S1) with community 幸福社区 (C1), basic grid G1 and
compound 幸福里小区 (P1). Building 3号楼 has a group whose leader is 李强; its entrance 2单元 holds
H1 (501, the central household, where member 王芳 lives) and H2 (502, contacted by 王芳). Building
5号楼 has no group and holds H4 (101), contacted by nobody. The compound's branch secretary is 赵敏;
the community committee's secretary post is vacant and its deputy 陈静 stands in; the street's
secretary is 孙伟. G1 has all five kinds of grid staff. 刘洋 (division level) and 马超 (section level)
liaise with C1. The enforcement bureau (handles 违章搭建) sits in C1; the housing bureau (handles
物业纠纷) in another street's community; a law firm runs a live 法律 project for C1.
"""

from __future__ import annotations

import datetime as dt

from orggraph.model import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    LinkKind,
    OrgKind,
    PartyOrg,
    Person,
    Project,
    ProjectStatus,
    Rank,
    Street,
    Unit,
    UnitKind,
)
from orggraph.pii import PiiKey, id_check_char
from orggraph.store import Batch, MemoryStore

L = LinkKind
START = "2021-03-01"
AT = dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
KEY = PiiKey(b"k" * 32)

#: name → (ID number, phone) of every person of the tiny world; all valid (GB 11643 check digit).
PEOPLE: dict[str, tuple[str, str]] = {}
for _n, _name in enumerate(
    ["王芳", "李强", "赵敏", "陈静", "孙伟", "周杰", "吴磊", "郑丽", "冯刚", "何洁", "刘洋", "马超"], start=1
):
    _first = f"11010519800101{_n:03d}"
    PEOPLE[_name] = (_first + id_check_char(_first), f"1380013{_n:04d}")


def pid(name: str) -> str:
    """The node id of a person of the tiny world."""
    return Person.from_id_number(KEY, PEOPLE[name][0], name=name).node_id


def tiny_world() -> Batch:
    """The hand-drawn district of this module's docstring, as one batch."""
    b = Batch("tiny escalation world")

    def put(node: object, parent: str | None = None) -> None:
        b.put(node)  # type: ignore[arg-type]
        if parent is not None:
            b.link(L.PART_OF, node.node_id, parent, start=START)  # type: ignore[attr-defined]

    put(District(code="D", name="下花园区"))
    put(Street(code="S1", name="新华街道"), "area:D")
    put(Street(code="S2", name="建设街道"), "area:D")
    put(Community(code="C1", name="幸福社区"), "area:S1")
    put(Community(code="C2", name="和平社区"), "area:S2")
    put(Grid(code="G1", name="第一网格", level=4), "area:C1")
    put(Compound(code="P1", name="幸福里小区"), "area:C1")
    put(Building.of("P1", "3号楼"), "area:P1")
    put(Entrance.of("P1/3号楼", "2单元"), "area:P1/3号楼")
    put(Building.of("P1", "5号楼"), "area:P1")
    put(Entrance.of("P1/5号楼", "1单元"), "area:P1/5号楼")
    for code, room, entrance in (
        ("H1", "501", "P1/3号楼/2单元"),
        ("H2", "502", "P1/3号楼/2单元"),
        ("H4", "101", "P1/5号楼/1单元"),
    ):
        put(Household(code=code, room=room, residents=2), f"area:{entrance}")
        b.link(L.IN_GRID, f"household:{code}", "area:G1", start=START)
    b.link(L.CENTRAL_HOUSEHOLD_OF, "household:H1", "area:P1/3号楼/2单元", start=START)
    for code, name, kind, parent, area in (
        ("OS1", "中共新华街道工作委员会", OrgKind.WORKING_COMMITTEE, None, "area:S1"),
        ("OC1", "中共幸福社区委员会", OrgKind.PARTY_COMMITTEE, "org:OS1", "area:C1"),
        ("OP1", "幸福里小区党支部", OrgKind.BRANCH, "org:OC1", "area:P1"),
        ("OG3", "幸福里小区3号楼党小组", OrgKind.GROUP, "org:OP1", "area:P1/3号楼"),
    ):
        put(PartyOrg(code=code, name=name, org_kind=kind))
        if parent:
            b.link(L.SUBORDINATE_TO, f"org:{code}", parent, start=START)
        b.link(L.RESPONSIBLE_FOR, f"org:{code}", area, start=START)
    for name, (number, phone) in PEOPLE.items():
        rank = {"刘洋": Rank.DIVISION, "马超": Rank.SECTION}.get(name)
        put(Person.from_id_number(KEY, number, name=name, phone=phone, rank=rank))
    for name, org, post in (
        ("王芳", "OG3", None),
        ("李强", "OG3", L.SECRETARY_OF),
        ("赵敏", "OP1", L.SECRETARY_OF),
        ("陈静", "OC1", L.DEPUTY_SECRETARY_OF),
        ("孙伟", "OS1", L.SECRETARY_OF),
    ):
        b.link(L.MEMBER_OF, pid(name), f"org:{org}", start=START)
        if post is not None:
            b.link(post, pid(name), f"org:{org}", start=START)
    b.link(L.LIVES_IN, pid("王芳"), "household:H1", start=START)
    b.link(L.CONTACTS, pid("王芳"), "household:H2", start=START)
    b.link(L.REGISTERED_WITH, pid("王芳"), "area:C1", start=START)
    for name, role in (
        ("周杰", L.GRID_WORKER_OF),
        ("吴磊", L.GRID_LEADER_OF),
        ("郑丽", L.PROPERTY_MANAGER_OF),
        ("冯刚", L.ENFORCEMENT_OFFICER_OF),
        ("何洁", L.COMMUNITY_WORKER_OF),
    ):
        b.link(role, pid(name), "area:G1", start=START)
    for code, name, kind, handles, where in (
        ("U1", "下花园区综合行政执法局", UnitKind.DEPARTMENT, ["违章搭建", "环境卫生"], "area:C1"),
        ("U2", "下花园区住房和城乡建设局", UnitKind.DEPARTMENT, ["物业纠纷", "设施维修"], "area:C2"),
        ("U3", "幸福律师事务所", UnitKind.PRIVATE_ENTERPRISE, [], "area:C1"),
        ("U4", "绿洲园林公司", UnitKind.PRIVATE_ENTERPRISE, [], "area:C1"),
        ("U9", "下花园区委组织部", UnitKind.ORGAN, [], "area:C2"),
    ):
        put(Unit(code=code, name=name, unit_kind=kind, handles=handles))
        b.link(L.LOCATED_IN, f"unit:{code}", where, start=START)
    b.link(L.REGISTERED_WITH, "unit:U3", "area:C1", start=START)
    for name in ("刘洋", "马超"):
        b.link(L.LIAISES_WITH, pid(name), "area:C1", start=START)
    b.link(L.WORKS_AT, pid("刘洋"), "unit:U9", start=START)
    b.link(L.LIAISES_WITH, "unit:U9", "area:C1", start=START)
    for code, unit, category, start, end, status in (
        ("XM1", "U3", "法律", "2024-01-01", "2099-12-31", ProjectStatus.ACTIVE),
        ("XM2", "U4", "环境", "2021-01-01", "2022-12-31", ProjectStatus.COMPLETED),
    ):
        put(Project(code=code, name=f"{category}共建项目", category=category, term_start=start, term_end=end, status=status))
        b.link(L.PROVIDES, f"unit:{unit}", f"project:{code}", start=start)
        b.link(L.FOR, f"project:{code}", "area:C1", start=start)
    return b


def test_the_tiny_world_is_accepted_whole() -> None:
    store = MemoryStore(KEY)
    summary = store.write(tiny_world())
    assert summary.total("created") == len(tiny_world())
    assert store.kind_of(pid("王芳")) == "person"
