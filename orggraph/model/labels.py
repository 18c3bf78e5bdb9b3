"""Names on screen (界面名称): the model's node kinds, link kinds, attributes and enumerated values in
Chinese and English, so no screen shows an internal identifier.

The Chinese comes from the model (``NodeKind.zh``, ``LinkKind.zh``, the enums' ``zh``); this module
adds the English and names the attributes. :func:`vocabulary` gives it all as JSON for the page.

>>> KIND_EN["party_org"], LINK_EN["CONTACTS"]
('Party organisation', 'contacts (1+10)')
>>> value_name("care_tags", "living_alone")
('独居老人', 'lives alone')
"""

from __future__ import annotations

from typing import Any

from orggraph.model.enums import CareTag, Gender, MemberStatus, OrgKind, ProjectStatus, Rank, UnitKind, ZhEnum
from orggraph.model.kinds import LinkKind, NodeKind

#: The English word for each node kind.
KIND_EN: dict[str, str] = {kind.value: kind.value.replace("_", " ") for kind in NodeKind}
KIND_EN |= {
    NodeKind.OWNERS_COMMITTEE.value: "owners' committee",
    NodeKind.PARTY_ORG.value: "Party organisation",
    NodeKind.UNIT.value: "work unit",
    NodeKind.PROJECT.value: "co-building project",
}

#: The English name of each link kind (the Chinese is ``LinkKind.zh``).
LINK_EN: dict[str, str] = {
    "PART_OF": "part of",
    "IN_GRID": "in grid",
    "SUBORDINATE_TO": "higher Party organisation",
    "RESPONSIBLE_FOR": "responsible for",
    "PARTY_ORG_OF": "Party organisation of the unit",
    "MEMBER_OF": "member of",
    "SECRETARY_OF": "secretary (group leader)",
    "DEPUTY_SECRETARY_OF": "deputy secretary",
    "COMMITTEE_MEMBER_OF": "committee member",
    "DIRECTOR_OF": "residents' committee director",
    "COMMUNITY_WORKER_OF": "community worker",
    "GRID_WORKER_OF": "full-time grid worker",
    "PROPERTY_MANAGER_OF": "property manager",
    "GRID_LEADER_OF": "grid leader",
    "ENFORCEMENT_OFFICER_OF": "enforcement officer",
    "CONTACTS": "contacts (1+10)",
    "CENTRAL_HOUSEHOLD_OF": "entrance's central household",
    "LIVES_IN": "lives in",
    "WORKS_AT": "works at",
    "LIAISES_WITH": "liaises with (包联)",
    "REGISTERED_WITH": "registered with (双报到)",
    "LOCATED_IN": "located in",
    "PROVIDES": "provides the co-building project",
    "FOR": "co-building for",
    "MANAGES": "manages the property",
    "OWNERS_COMMITTEE_OF": "owners' committee of",
    "SITS_ON": "sits on the owners' committee",
    "SERVES": "serves",
}

#: The attributes nodes carry: key → (Chinese, English).
ATTRS: dict[str, tuple[str, str]] = {
    "kind": ("类型", "kind"),
    "code": ("编码", "code"),
    "name": ("名称", "name"),
    "residents": ("常住人口", "residents"),
    "level": ("网格层级", "grid level"),
    "room": ("房号", "room"),
    "care_tags": ("关爱标签", "care tags"),
    "org_kind": ("组织类别", "organisation kind"),
    "external": ("辖区外", "outside the district"),
    "id_masked": ("身份证号（脱敏）", "ID number (masked)"),
    "gender": ("性别", "gender"),
    "phone_masked": ("联系电话（脱敏）", "phone (masked)"),
    "status": ("状态", "status"),
    "rank": ("职级", "rank"),
    "party_member": ("党员", "Party member"),
    "party_member_source": ("党员身份来源", "Party membership from"),
    "unit_kind": ("单位类别", "unit kind"),
    "handles": ("承办事项类别", "issue categories handled"),
    "category": ("资源类别", "category"),
    "term_start": ("开始日期", "start"),
    "term_end": ("结束日期", "end"),
    "opening_hours": ("开放时间", "opening hours"),
    "floor_area_m2": ("面积（平方米）", "floor area (m²)"),
    "street": ("所在街道", "street"),
    "community": ("所在社区", "community"),
    "grid": ("所在网格", "grid"),
}

#: The enumerated attributes: key → their enums (``status`` is a member's or a project's).
ENUMS: dict[str, tuple[type[ZhEnum], ...]] = {
    "care_tags": (CareTag,),
    "org_kind": (OrgKind,),
    "gender": (Gender,),
    "status": (MemberStatus, ProjectStatus),
    "rank": (Rank,),
    "unit_kind": (UnitKind,),
}

#: English for enumerated values whose identifier does not read as English.
VALUE_EN: dict[str, str] = {
    "living_alone": "lives alone",
    "empty_nest": "empty nest",
    "hardship": "in hardship",
    "migratory": "seasonal resident",
    "in_service": "in service",
    "mobile": "mobile member",
    "division": "division level",
    "section": "section level",
    "organ": "Party or government organ",
    "institution": "public institution",
    "state_enterprise": "state enterprise",
    "private_enterprise": "private enterprise",
    "social_org": "social organisation",
    "property_company": "property company",
    "department": "functional department",
    "planned": "not started",
}

#: Yes and no, for the boolean attributes.
BOOLEANS: dict[str, tuple[str, str]] = {"true": ("是", "yes"), "false": ("否", "no")}


def value_name(attr: str, value: str) -> tuple[str, str]:
    """The Chinese and English of an enumerated attribute's value (the value itself when unknown)."""
    for enum in ENUMS.get(attr, ()):
        for member in enum:
            if value in (member.value, member.zh):
                return member.zh, VALUE_EN.get(member.value, member.value.replace("_", " "))
    return value, value


def vocabulary() -> dict[str, Any]:
    """Every name above as ``{"kinds", "links", "attrs", "values", "booleans"}``, each entry ``{"zh", "en"}``."""

    def pair(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    values = {
        attr: {member.value: pair(*value_name(attr, member.value)) for enum in enums for member in enum}
        for attr, enums in ENUMS.items()
    }
    return {
        "kinds": {kind.value: pair(kind.zh, KIND_EN[kind.value]) for kind in NodeKind},
        "links": {link.value: pair(link.zh, LINK_EN[link.value]) for link in LinkKind},
        "attrs": {key: pair(zh, en) for key, (zh, en) in ATTRS.items()},
        "values": values,
        "booleans": {key: pair(zh, en) for key, (zh, en) in BOOLEANS.items()},
    }
