"""The kinds of node and link of the governance graph, with their Chinese names.

The values are stable: they are stored in files, used as Neo4j labels and relationship types,
and appear in rosters and API responses. Labels and types in Cypher come from these enums
only, never from input.
"""

from __future__ import annotations

from enum import StrEnum


class NodeKind(StrEnum):
    """What a node is. ``zh`` gives the Chinese term used in rosters and on screen."""

    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    COMPOUND = "compound"
    BUILDING = "building"
    ENTRANCE = "entrance"
    HOUSEHOLD = "household"
    PARTY_ORG = "party_org"
    PERSON = "person"
    UNIT = "unit"
    PROJECT = "project"
    OWNERS_COMMITTEE = "owners_committee"
    SERVICE_CENTRE = "service_centre"

    @property
    def zh(self) -> str:
        return _NODE_ZH[self]

    @property
    def label(self) -> str:
        """The CamelCase label this kind carries in Cypher engines."""
        return "".join(part.capitalize() for part in self.value.split("_"))


_NODE_ZH = {
    NodeKind.DISTRICT: "区",
    NodeKind.STREET: "街道",
    NodeKind.COMMUNITY: "社区",
    NodeKind.GRID: "网格",
    NodeKind.COMPOUND: "小区",
    NodeKind.BUILDING: "楼栋",
    NodeKind.ENTRANCE: "单元",
    NodeKind.HOUSEHOLD: "户",
    NodeKind.PARTY_ORG: "党组织",
    NodeKind.PERSON: "人员",
    NodeKind.UNIT: "单位",
    NodeKind.PROJECT: "共建项目",
    NodeKind.OWNERS_COMMITTEE: "业委会",
    NodeKind.SERVICE_CENTRE: "党群服务中心",
}

#: The administrative areas, outermost first (区 → 单元). Households hang below entrances.
AREA_KINDS: tuple[NodeKind, ...] = (
    NodeKind.DISTRICT,
    NodeKind.STREET,
    NodeKind.COMMUNITY,
    NodeKind.GRID,
    NodeKind.COMPOUND,
    NodeKind.BUILDING,
    NodeKind.ENTRANCE,
)


class LinkKind(StrEnum):
    """What a link says. ``zh`` gives the Chinese term; the value is the relationship type."""

    PART_OF = "PART_OF"
    IN_GRID = "IN_GRID"
    SUBORDINATE_TO = "SUBORDINATE_TO"
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    PARTY_ORG_OF = "PARTY_ORG_OF"
    MEMBER_OF = "MEMBER_OF"
    SECRETARY_OF = "SECRETARY_OF"
    DEPUTY_SECRETARY_OF = "DEPUTY_SECRETARY_OF"
    COMMITTEE_MEMBER_OF = "COMMITTEE_MEMBER_OF"
    DIRECTOR_OF = "DIRECTOR_OF"
    COMMUNITY_WORKER_OF = "COMMUNITY_WORKER_OF"
    GRID_WORKER_OF = "GRID_WORKER_OF"
    PROPERTY_MANAGER_OF = "PROPERTY_MANAGER_OF"
    GRID_LEADER_OF = "GRID_LEADER_OF"
    ENFORCEMENT_OFFICER_OF = "ENFORCEMENT_OFFICER_OF"
    CONTACTS = "CONTACTS"
    CENTRAL_HOUSEHOLD_OF = "CENTRAL_HOUSEHOLD_OF"
    LIVES_IN = "LIVES_IN"
    WORKS_AT = "WORKS_AT"
    LIAISES_WITH = "LIAISES_WITH"
    REGISTERED_WITH = "REGISTERED_WITH"
    LOCATED_IN = "LOCATED_IN"
    PROVIDES = "PROVIDES"
    FOR = "FOR"
    MANAGES = "MANAGES"
    OWNERS_COMMITTEE_OF = "OWNERS_COMMITTEE_OF"
    SITS_ON = "SITS_ON"
    SERVES = "SERVES"

    @property
    def zh(self) -> str:
        return _LINK_ZH[self]


_LINK_ZH = {
    LinkKind.PART_OF: "隶属区域",
    LinkKind.IN_GRID: "所属网格",
    LinkKind.SUBORDINATE_TO: "上级党组织",
    LinkKind.RESPONSIBLE_FOR: "负责区域",
    LinkKind.PARTY_ORG_OF: "单位党组织",
    LinkKind.MEMBER_OF: "所在党组织",
    LinkKind.SECRETARY_OF: "书记（党小组长）",
    LinkKind.DEPUTY_SECRETARY_OF: "副书记",
    LinkKind.COMMITTEE_MEMBER_OF: "委员",
    LinkKind.DIRECTOR_OF: "居委会主任",
    LinkKind.COMMUNITY_WORKER_OF: "社区工作者",
    LinkKind.GRID_WORKER_OF: "专职网格员",
    LinkKind.PROPERTY_MANAGER_OF: "物业管理员",
    LinkKind.GRID_LEADER_OF: "网格长",
    LinkKind.ENFORCEMENT_OFFICER_OF: "执法队员",
    LinkKind.CONTACTS: "联系户（1+10）",
    LinkKind.CENTRAL_HOUSEHOLD_OF: "单元党员中心户",
    LinkKind.LIVES_IN: "居住",
    LinkKind.WORKS_AT: "工作单位",
    LinkKind.LIAISES_WITH: "包联",
    LinkKind.REGISTERED_WITH: "双报到",
    LinkKind.LOCATED_IN: "所在区域",
    LinkKind.PROVIDES: "提供共建项目",
    LinkKind.FOR: "共建对象",
    LinkKind.MANAGES: "物业管理",
    LinkKind.OWNERS_COMMITTEE_OF: "业委会所属小区",
    LinkKind.SITS_ON: "业委会成员",
    LinkKind.SERVES: "服务区域",
}

#: The five grid-staff roles of 一格三员 and beyond, as link kinds person → grid.
GRID_STAFF_LINKS: tuple[LinkKind, ...] = (
    LinkKind.COMMUNITY_WORKER_OF,
    LinkKind.GRID_WORKER_OF,
    LinkKind.PROPERTY_MANAGER_OF,
    LinkKind.GRID_LEADER_OF,
    LinkKind.ENFORCEMENT_OFFICER_OF,
)

#: Posts in a Party organisation, as link kinds person → party_org.
POST_LINKS: tuple[LinkKind, ...] = (
    LinkKind.SECRETARY_OF,
    LinkKind.DEPUTY_SECRETARY_OF,
    LinkKind.COMMITTEE_MEMBER_OF,
)
