"""The roster kinds of ``shared/rosters.md`` (名册): their columns, headers and aliases, and their order.

Each column has the English field name (also accepted as a header), the canonical Chinese header,
whether it is required, and further aliases seen in district exports. Columns of an ``either`` group
stand in for each other: a 联系户 roster names its member by ID number or by the store's person code.

>>> RosterKind.parse("党员") is RosterKind.MEMBERS
True
>>> RosterKind.MEMBERS.en
'Party members'
>>> [c.field for c in COLUMNS[RosterKind.CONTACTS] if c.required]
['household_code']
>>> [c.field for c in either_groups(RosterKind.CONTACTS)["member"]]
['member_id_number', 'member_code']
>>> [k.value for k in IMPORT_ORDER][:3]
['areas', 'orgs', 'units']
"""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.model.enums import ZhEnum


class RosterKind(ZhEnum):
    """The kinds of roster a district keeps (名册类别)."""

    AREAS = ("areas", "区域")
    ORGS = ("orgs", "党组织")
    UNITS = ("units", "单位")
    HOUSEHOLDS = ("households", "住户")
    MEMBERS = ("members", "党员")
    GRID_STAFF = ("grid_staff", "网格人员")
    CONTACTS = ("contacts", "联系户")
    REGISTRATIONS = ("registrations", "双报到")
    LIAISON = ("liaison", "包联")
    PROJECTS = ("projects", "共建项目")
    OWNERS_COMMITTEES = ("owners_committees", "业委会")

    @property
    def en(self) -> str:
        """The kind's name in English, for labels beside the Chinese one (:data:`NAMES_EN`)."""
        return NAMES_EN[self]


#: Each kind's name in English.
NAMES_EN: dict[RosterKind, str] = {
    RosterKind.AREAS: "areas",
    RosterKind.ORGS: "Party organisations",
    RosterKind.UNITS: "work units",
    RosterKind.HOUSEHOLDS: "households",
    RosterKind.MEMBERS: "Party members",
    RosterKind.GRID_STAFF: "grid staff",
    RosterKind.CONTACTS: "1+10 contacts",
    RosterKind.REGISTRATIONS: "community registrations",
    RosterKind.LIAISON: "liaison cadres",
    RosterKind.PROJECTS: "co-building projects",
    RosterKind.OWNERS_COMMITTEES: "owners' committees",
}

#: The order in which rosters of one import are applied, whatever order the files were given in:
#: a roster only refers to what comes before it (links to later nodes are written after all nodes).
IMPORT_ORDER: tuple[RosterKind, ...] = tuple(RosterKind)


@dataclass(frozen=True)
class Column:
    """One column of a roster: field name (the English header), Chinese header, required, aliases."""

    field: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    #: Columns of one group stand in for each other: a roster needs one of them (per row, a value in one).
    either: str | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.zh, self.field, *self.aliases)


def _c(field: str, zh: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, zh, required, aliases)


def _r(field: str, zh: str, *aliases: str) -> Column:
    return Column(field, zh, True, aliases)


def _e(group: str, field: str, zh: str, *aliases: str) -> Column:
    return Column(field, zh, False, aliases, either=group)


def either_groups(kind: RosterKind) -> dict[str, list[Column]]:
    """The groups of columns that stand in for each other in a roster of ``kind``."""
    groups: dict[str, list[Column]] = {}
    for column in COLUMNS[kind]:
        if column.either is not None:
            groups.setdefault(column.either, []).append(column)
    return groups


COLUMNS: dict[RosterKind, tuple[Column, ...]] = {
    RosterKind.AREAS: (
        _r("area_code", "区域编码", "编码", "代码"),
        _r("name", "区域名称", "名称"),
        _r("level", "层级", "区域层级", "类别"),
        _c("parent_code", "上级区域编码", "上级编码"),
        _c("grid_level", "网格级别", "网格层级"),
        _c("residents", "常住人口", "人口"),
        _c("property_company", "物业企业信用代码", "物业企业", "物业公司"),
    ),
    RosterKind.ORGS: (
        _r("org_code", "组织编码", "党组织编码"),
        _r("name", "组织名称", "党组织名称"),
        _r("kind", "组织类别", "党组织类别", "组织类型"),
        _c("parent_code", "上级组织编码", "上级党组织编码"),
        _c("area_code", "负责区域编码", "所在区域编码"),
        _c("building", "负责楼栋"),
    ),
    RosterKind.UNITS: (
        _r("unit_code", "单位编码", "统一社会信用代码", "信用代码"),
        _r("name", "单位名称"),
        _r("kind", "单位类别", "单位类型"),
        _c("area_code", "所在区域编码"),
        _c("org_code", "党组织编码"),
        _c("handles", "承办事项类别", "承办事项"),
        _c("phone", "联系电话", "电话"),
    ),
    RosterKind.HOUSEHOLDS: (
        _r("household_code", "户编码", "住户编码"),
        _r("grid_code", "所属网格编码", "网格编码"),
        _r("compound_code", "小区", "小区编码"),
        _r("building", "楼栋", "楼号"),
        _r("entrance", "单元"),
        _r("room", "室", "房号", "门牌号"),
        _c("residents", "常住人数", "人数"),
        _c("care_tags", "关爱标签", "标签"),
        _c("is_central", "中心户", "是否中心户"),
    ),
    RosterKind.MEMBERS: (
        _r("name", "姓名"),
        _r("id_number", "公民身份号码", "身份证号", "身份证号码"),
        _r("org_code", "所在党组织编码", "党组织编码"),
        _c("gender", "性别"),
        _c("phone", "联系电话", "手机号", "电话"),
        _c("status", "人员类别", "党员类别"),
        _c("unit_code", "工作单位", "工作单位编码"),
        _c("post", "党内职务", "职务"),
        _c("household_code", "户编码"),
        _c("address", "居住地址", "住址"),
    ),
    RosterKind.GRID_STAFF: (
        _r("grid_code", "网格编码"),
        _r("name", "姓名"),
        _r("id_number", "公民身份号码", "身份证号", "身份证号码"),
        _r("role", "岗位"),
        _c("phone", "联系电话", "手机号", "电话"),
        _c("is_party_member", "是否党员"),
        _c("org", "所在党组织", "所在党组织编码", "党组织"),
    ),
    RosterKind.CONTACTS: (
        _e("member", "member_id_number", "党员身份证号", "党员公民身份号码"),
        _e("member", "member_code", "人员编号"),
        _r("household_code", "户编码"),
    ),
    RosterKind.REGISTRATIONS: (
        _r("kind", "报到类型"),
        _r("community_code", "报到社区编码"),
        _c("id_number", "公民身份号码", "身份证号", "身份证号码"),
        _c("unit_code", "单位编码"),
        _r("registered_on", "报到日期"),
        _c("tasks", "认领任务"),
        _c("service_hours", "服务时长"),
        _c("name", "姓名"),
        _c("phone", "联系电话", "手机号", "电话"),
        _c("unit", "工作单位", "所在单位"),
        _c("org", "所在党组织", "所在党组织编码", "党组织"),
    ),
    RosterKind.LIAISON: (
        _r("name", "姓名"),
        _r("id_number", "公民身份号码", "身份证号", "身份证号码"),
        _r("rank", "职级"),
        _r("area_code", "包联区域编码"),
        _c("unit_code", "所在单位", "工作单位"),
        _c("since", "开始日期"),
        _c("phone", "联系电话", "手机号", "电话"),
        _c("org", "所在党组织", "所在党组织编码", "党组织"),
    ),
    RosterKind.PROJECTS: (
        _r("project_code", "项目编号"),
        _r("name", "项目名称"),
        _r("unit_code", "单位编码"),
        _r("area_code", "共建区域编码"),
        _c("category", "资源类别"),
        _r("start", "开始日期"),
        _c("end", "结束日期"),
        _c("status", "状态"),
    ),
    RosterKind.OWNERS_COMMITTEES: (
        _r("compound_code", "小区", "小区编码"),
        _r("name", "姓名"),
        _r("id_number", "公民身份号码", "身份证号", "身份证号码"),
        _c("post", "职务"),
        _c("is_party_member", "是否党员"),
        _c("org", "所在党组织", "所在党组织编码", "党组织"),
    ),
}

#: Headers that districts add for their own use and that carry nothing to import (序号, 备注 …).
IGNORED_HEADERS: frozenset[str] = frozenset({"序号", "备注", "说明", "no", "remarks", "index"})


def column(kind: RosterKind, field: str) -> Column:
    """The column ``field`` of a roster kind."""
    for col in COLUMNS[kind]:
        if col.field == field:
            return col
    raise KeyError(f"{kind.value} has no column {field!r}")
