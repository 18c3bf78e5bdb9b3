"""Enumerations of the domain, each member with its Chinese term; parsed from either language.

>>> OrgKind.parse("党小组") is OrgKind.GROUP
True
>>> OrgKind.parse("general_branch").zh
'党总支'
>>> CareTag.parse("独居老人").value
'living_alone'
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Self

from orggraph.errors import InvalidValueError
from orggraph.text import to_halfwidth


class ZhEnum(StrEnum):
    """A string enumeration whose members also carry their Chinese term (``zh``)."""

    zh: str

    def __new__(cls, value: str, zh: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        return member

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member named by ``text``: its value, its upper-case name, its Chinese term or another
        word rosters use for it (:data:`ALIASES`: 已结束 for 已完成 …)."""
        if isinstance(text, str):
            return _parsed(cls, text)  # type: ignore[return-value]  # the same few words, parsed again and again
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> Self:
        key = to_halfwidth(str(text)).strip()
        for member in cls:
            if key in (member.value, member.zh, member.name) or key.lower() == member.value:
                return member
        alias = ALIASES.get(cls.__name__, {}).get(key)
        for member in cls:
            if member.value == alias:
                return member
        choices = "/".join(m.zh for m in cls)
        raise InvalidValueError(
            f"{text!r} is not one of {', '.join(m.value for m in cls)} ({choices})",
            message_zh=f"“{text}”不是有效取值（{choices}）",
            value=str(text),
        )


@lru_cache(maxsize=4096)
def _parsed(cls: type[ZhEnum], text: str) -> ZhEnum:
    return cls._parse(text)


#: Other words districts' rosters use for a member, by enumeration: text → the member's value.
ALIASES: dict[str, dict[str, str]] = {
    "ProjectStatus": {
        **dict.fromkeys(("筹备中", "未启动", "待启动", "计划中", "拟开展"), "planned"),
        **dict.fromkeys(("实施中", "执行中", "开展中", "在建", "正在进行", "进行", "履行中", "在期"), "active"),
        **dict.fromkeys(("已结束", "结束", "完成", "已完结", "已验收", "已结项", "结项", "到期"), "completed"),
        **dict.fromkeys(("终止", "已中止", "中止", "已取消", "取消", "已解除", "解除"), "terminated"),
    },
    "MemberStatus": {
        **dict.fromkeys(("在职党员", "在岗"), "in_service"),
        **dict.fromkeys(("退休", "离休", "离退休党员", "退休党员"), "retired"),
        **dict.fromkeys(("流动党员", "流入党员", "流出党员"), "mobile"),
    },
    "OrgKind": {
        **dict.fromkeys(("党总支部", "总支", "党总支部委员会"), "general_branch"),
        **dict.fromkeys(("支部", "党支部委员会"), "branch"),
        **dict.fromkeys(("联合支部",), "joint_branch"),
        **dict.fromkeys(("党委会", "党委员会"), "party_committee"),
    },
}


class OrgKind(ZhEnum):
    """The kind of a Party organisation (组织类别)."""

    DISTRICT_COMMITTEE = ("district_committee", "区委")
    WORKING_COMMITTEE = ("working_committee", "党工委")
    PARTY_COMMITTEE = ("party_committee", "党委")
    GENERAL_BRANCH = ("general_branch", "党总支")
    BRANCH = ("branch", "党支部")
    GROUP = ("group", "党小组")
    TEMPORARY_COMMITTEE = ("temporary_committee", "临时党委")
    JOINT_BRANCH = ("joint_branch", "联合党支部")
    ALLIANCE = ("alliance", "党建联盟")


class MemberStatus(ZhEnum):
    """A Party member's status (人员类别)."""

    IN_SERVICE = ("in_service", "在职")
    RETIRED = ("retired", "离退休")
    MOBILE = ("mobile", "流动")
    OTHER = ("other", "其他")


class Rank(ZhEnum):
    """A cadre's rank (职级); division level (处级) counts toward the liaison norm."""

    DIVISION = ("division", "处级")
    SECTION = ("section", "科级")
    OTHER = ("other", "其他")


class Gender(ZhEnum):
    """性别."""

    MALE = ("male", "男")
    FEMALE = ("female", "女")


class UnitKind(ZhEnum):
    """The kind of a work unit (单位类别)."""

    ORGAN = ("organ", "机关")
    INSTITUTION = ("institution", "事业单位")
    STATE_ENTERPRISE = ("state_enterprise", "国有企业")
    PRIVATE_ENTERPRISE = ("private_enterprise", "非公企业")
    SOCIAL_ORG = ("social_org", "社会组织")
    PROPERTY_COMPANY = ("property_company", "物业企业")
    DEPARTMENT = ("department", "职能部门")


class CareTag(ZhEnum):
    """A household's care tag (关爱标签); tagged households are contacted first."""

    LIVING_ALONE = ("living_alone", "独居老人")
    EMPTY_NEST = ("empty_nest", "空巢老人")
    DISABLED = ("disabled", "残疾人")
    HARDSHIP = ("hardship", "困难群众")
    MIGRATORY = ("migratory", "候鸟")


class ProjectStatus(ZhEnum):
    """The status of a co-building project (项目状态)."""

    PLANNED = ("planned", "未开始")
    ACTIVE = ("active", "进行中")
    COMPLETED = ("completed", "已完成")
    TERMINATED = ("terminated", "已终止")
