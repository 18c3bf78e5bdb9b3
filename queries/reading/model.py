"""What an escalation path (响应路径) and a lookup answer are made of: immutable records with ``to_dict()``.

Persons appear only as :class:`PersonRef` — name, masked ID number (公民身份号码) and masked phone —
never whole, never sealed; a unit that answers or helps (a department, a co-building unit) as a
:class:`UnitRef`, with its office phone masked. A :class:`Reason` is the graph path that makes someone responsible, as
hops, with a sentence in Chinese and English.

>>> hops = (Hop("person:ab", "王芳", "person", "CONTACTS", "out"), Hop("household:H1", "H1", "household", None, None))
>>> Reason(hops, "联系该户（1+10）", "contacts this household (1+10)").to_dict()["hops"][0]
{'node': 'person:ab', 'name': '王芳', 'kind': 'person', 'link': 'CONTACTS', 'direction': 'out'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

Direction = Literal["out", "in"]

#: Every escalation role (响应角色): Chinese and English names.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "contacting_member": ("联系党员（1+10）", "contacting Party member (1+10)"),
    "central_household": ("单元党员中心户", "central household of the entrance"),
    "building_group_leader": ("楼栋党小组长", "building Party group leader"),
    "grid_worker": ("专职网格员", "full-time grid worker"),
    "grid_leader": ("网格长", "grid leader"),
    "community_worker": ("社区工作者", "community worker"),
    "property_manager": ("物业管理员", "property manager"),
    "enforcement_officer": ("执法队员", "enforcement officer"),
    "branch_secretary": ("网格/小区党支部书记", "grid or compound branch secretary"),
    "community_secretary": ("社区党组织书记", "community Party secretary"),
    "liaison_leader": ("处级包联领导", "division-level liaison leader"),
    "street_secretary": ("街道党工委书记", "street working committee secretary"),
    "department": ("职能部门", "functional department"),
}


class Ref(NamedTuple):
    """A node by id, code, name and kind (节点). Named tuples for the records made per call: cheap to make."""

    id: str
    code: str
    name: str
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name, "kind": self.kind}


class UnitRef(NamedTuple):
    """A work unit (单位) that answers or helps: a :class:`Ref` with its office phone (联系电话), masked."""

    id: str
    code: str
    name: str
    kind: str
    phone_masked: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name, "kind": self.kind, "phone_masked": self.phone_masked}


class PersonRef(NamedTuple):
    """A person (人员) as shown to front-line systems: masked ID number and phone only."""

    id: str
    name: str
    id_masked: str
    phone_masked: str | None
    status: str | None = None
    rank: str | None = None

    def to_dict(self) -> dict[str, Any]:
        p = self
        return {
            "id": p.id,
            "name": p.name,
            "id_masked": p.id_masked,
            "phone_masked": p.phone_masked,
            "status": p.status,
            "rank": p.rank,
        }


#: What follows the name of an org or unit outside the district (区外) wherever it is shown.
EXTERNAL_MARK = "（区外）"


def ref_of(node: str, attrs: Mapping[str, Any] | None) -> Ref:
    """The :class:`Ref` of a node from its attributes (its code when it has no name); an org or unit
    outside the district says so after its name (``（区外）``).

    >>> ref_of("org:区外-省发改委机关党委", {"kind": "party_org", "name": "省发改委机关党委", "external": True}).name
    '省发改委机关党委（区外）'
    """
    code = node.split(":", 1)[-1]
    attrs = attrs or {}
    name = str(attrs.get("name") or code)
    if attrs.get("external") is True:
        name = f"{name}{EXTERNAL_MARK}"
    return Ref(node, code, name, str(attrs.get("kind", "")))


def unit_of(node: str, attrs: Mapping[str, Any] | None) -> UnitRef:
    """The :class:`UnitRef` of a unit node: named as :func:`ref_of` names it, its phone masked only."""
    ref = ref_of(node, attrs)
    return UnitRef(ref.id, ref.code, ref.name, ref.kind, (attrs or {}).get("phone_masked"))


def person_of(node: str, attrs: Mapping[str, Any] | None) -> PersonRef:
    """The masked :class:`PersonRef` of a person node: only the masked forms are read."""
    attrs = attrs or {}
    name, id_masked = str(attrs.get("name") or ""), str(attrs.get("id_masked") or "")
    return PersonRef(node, name, id_masked, attrs.get("phone_masked"), attrs.get("status"), attrs.get("rank"))


class Hop(NamedTuple):
    """One hop of a graph path: a node, and the link to the next hop (``out``: this node is its source)."""

    node: str
    name: str
    kind: str
    link: str | None
    direction: Direction | None

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "name": self.name, "kind": self.kind, "link": self.link, "direction": self.direction}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why this person or unit (责任依据): the path in the graph and a sentence in zh and en."""

    hops: tuple[Hop, ...]
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"hops": [h.to_dict() for h in self.hops], "zh": self.zh, "en": self.en}


class Answer(NamedTuple):
    """Who answers for a role (响应人): a person, or a unit for a department, with the Party org of the
    post (or the person's own org), the area the role attaches to, whether a deputy (副书记) stands in for
    a vacant secretary, and why — the hops from the person to that area and a sentence in zh and en.
    The same for every household of the area, so it is kept per area (a named tuple: made often, cheaply)."""

    person: PersonRef | None
    unit: UnitRef | None
    org: Ref | None
    area: Ref | None
    deputy: bool
    lead: tuple[Hop, ...]
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Stage:
    """A level of the policy (响应层级) as one path meets it: id, names, minutes and the deadline."""

    level: str
    zh: str
    en: str
    minutes: int
    deadline: str


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an escalation path (响应步骤): who answers at a level, why, and by when.

    ``person`` is ``None`` for a department (``unit`` names it). ``org`` is the Party org of the post
    (or the person's own org); ``area`` the area the role attaches to. ``deputy`` marks a deputy
    secretary (副书记) standing in for a vacant secretary. ``deadline`` is the report time plus the
    level's ``deadline_minutes``, as an ISO datetime. ``reason`` is the whole graph path from the person
    (or unit) to the household.
    """

    stage: Stage
    role: str
    answer: Answer
    reason: Reason

    @property
    def level(self) -> str:
        return self.stage.level

    @property
    def level_zh(self) -> str:
        return self.stage.zh

    @property
    def level_en(self) -> str:
        return self.stage.en

    @property
    def deadline(self) -> str:
        return self.stage.deadline

    @property
    def deadline_minutes(self) -> int:
        return self.stage.minutes

    @property
    def role_zh(self) -> str:
        return ROLE_NAMES[self.role][0]

    @property
    def role_en(self) -> str:
        return ROLE_NAMES[self.role][1]

    @property
    def person(self) -> PersonRef | None:
        return self.answer.person

    @property
    def unit(self) -> UnitRef | None:
        return self.answer.unit

    @property
    def org(self) -> Ref | None:
        return self.answer.org

    @property
    def area(self) -> Ref | None:
        return self.answer.area

    @property
    def deputy(self) -> bool:
        return self.answer.deputy

    def to_dict(self) -> dict[str, Any]:
        answer = self.answer
        return {
            "level": self.stage.level,
            "level_zh": self.stage.zh,
            "level_en": self.stage.en,
            "role": self.role,
            "role_zh": self.role_zh,
            "role_en": self.role_en,
            "person": answer.person.to_dict() if answer.person else None,
            "org": answer.org.to_dict() if answer.org else None,
            "unit": answer.unit.to_dict() if answer.unit else None,
            "area": answer.area.to_dict() if answer.area else None,
            "deputy": answer.deputy,
            "reason": self.reason.to_dict(),
            "deadline_minutes": self.stage.minutes,
            "deadline": self.stage.deadline,
        }


class Skipped(NamedTuple):
    """A role passed over (跳过): ``why`` is ``vacant`` (岗位空缺) or ``already_listed`` (已在前序步骤)."""

    level: str
    role: str
    role_zh: str
    why: Literal["vacant", "already_listed"]
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        s = self
        role_en = ROLE_NAMES[s.role][1] if s.role in ROLE_NAMES else s.role.replace("_", " ")
        return {"level": s.level, "role": s.role, "role_zh": s.role_zh, "role_en": role_en, "why": s.why, "zh": s.zh, "en": s.en}


@dataclass(frozen=True, slots=True)
class Helper:
    """A co-building unit (共建单位) that can help laterally: its live project for the community."""

    unit: UnitRef
    project: Ref
    category: str
    term_end: str | None
    reason: Reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.to_dict(),
            "project": self.project.to_dict(),
            "category": self.category,
            "term_end": self.term_end,
            "reason": self.reason.to_dict(),
        }
