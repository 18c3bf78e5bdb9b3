"""The nodes of the governance graph as pydantic models, one class per concept.

Every node has a ``node_id`` of the form ``prefix:code``. Areas share one namespace, the district's
own area code (区域编码); buildings and entrances, which rosters name only inside their compound, are
``compound/building`` and ``compound/building/entrance``. A person's code is the keyed hash of the ID
number (see :mod:`orggraph.pii`), never the number.

>>> h = Household(code="H0001", room="501", residents=3, care_tags=[CareTag.LIVING_ALONE])
>>> h.node_id
'household:H0001'
>>> h.to_attrs()
{'kind': 'household', 'room': '501', 'residents': 3, 'care_tags': ['living_alone']}
>>> Building.of("C01", "3号楼").node_id
'area:C01/3号楼'
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from orggraph.model.enums import CareTag, Gender, MemberStatus, OrgKind, ProjectStatus, Rank, UnitKind
from orggraph.model.kinds import NodeKind
from orggraph.pii import PiiKey, mask_id_number, mask_phone, normalize_id_number, normalize_phone

#: The form of every date field: ISO ``YYYY-MM-DD``.
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

#: The id prefix of every node kind; areas share the ``area`` namespace of 区域编码.
PREFIX: dict[NodeKind, str] = {
    NodeKind.DISTRICT: "area",
    NodeKind.STREET: "area",
    NodeKind.COMMUNITY: "area",
    NodeKind.GRID: "area",
    NodeKind.COMPOUND: "area",
    NodeKind.BUILDING: "area",
    NodeKind.ENTRANCE: "area",
    NodeKind.HOUSEHOLD: "household",
    NodeKind.PARTY_ORG: "org",
    NodeKind.PERSON: "person",
    NodeKind.UNIT: "unit",
    NodeKind.PROJECT: "project",
    NodeKind.OWNERS_COMMITTEE: "oc",
    NodeKind.SERVICE_CENTRE: "centre",
}


_PREFIX_OF_VALUE = {kind.value: prefix for kind, prefix in PREFIX.items()}


def node_id(kind: NodeKind, code: str) -> str:
    """The node id of a ``kind`` node whose code is ``code``."""
    # by the kind's value: an enum member's hash is a Python call, and this runs millions of times
    return f"{_PREFIX_OF_VALUE[kind._value_]}:{code}"


def code_of(node_id_: str) -> str:
    """The code part of a node id (``'area:C01/3号楼'`` → ``'C01/3号楼'``)."""
    return node_id_.split(":", 1)[1]


class Node(BaseModel):
    """Base of every node model: a code, an optional name, and the kind as a class constant."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, use_enum_values=False)

    kind: ClassVar[NodeKind]
    code: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=200)

    @property
    def node_id(self) -> str:
        return node_id(self.kind, self.code)

    def to_attrs(self) -> dict[str, Any]:
        """The attributes kept on the graph node: ``kind`` plus every field set, codes excluded."""
        attrs: dict[str, Any] = {"kind": self.kind.value}
        attrs.update(self.model_dump(mode="json", exclude_none=True, exclude={"code"}, exclude_defaults=True))
        return attrs

    @classmethod
    def from_attrs(cls, node_id_: str, attrs: dict[str, Any]) -> Self:
        """Rebuild the model from a graph node's id and attributes."""
        fields = {k: v for k, v in attrs.items() if k not in ("kind", "ended", "absent", "since")}
        return cls(code=code_of(node_id_), **fields)


class District(Node):
    """A district (区): the top of one deployment."""

    kind = NodeKind.DISTRICT


class Street(Node):
    """A street or town (街道 / 镇)."""

    kind = NodeKind.STREET
    residents: int | None = Field(default=None, ge=0)


class Community(Node):
    """A community or village (社区 / 村). ``residents`` is 常住人口 when the area roster gives it."""

    kind = NodeKind.COMMUNITY
    residents: int | None = Field(default=None, ge=0)


class Grid(Node):
    """A grid (网格), nested at levels 1 (largest) to 5; households belong to a basic grid."""

    kind = NodeKind.GRID
    level: int = Field(ge=1, le=5)
    residents: int | None = Field(default=None, ge=0)


class Compound(Node):
    """A residential compound (小区 / 楼院)."""

    kind = NodeKind.COMPOUND


class Building(Node):
    """A building (楼栋) of a compound; its code is ``compound_code/label``."""

    kind = NodeKind.BUILDING

    @classmethod
    def of(cls, compound_code: str, label: str) -> Building:
        return cls(code=f"{compound_code}/{label}", name=label)


class Entrance(Node):
    """An entrance or stairwell (单元) of a building — not a work unit."""

    kind = NodeKind.ENTRANCE

    @classmethod
    def of(cls, building_code: str, label: str) -> Entrance:
        return cls(code=f"{building_code}/{label}", name=label)


class Household(Node):
    """A household (户): room, residents (常住人数) and care tags (关爱标签)."""

    kind = NodeKind.HOUSEHOLD
    room: str | None = Field(default=None, max_length=50)
    residents: int = Field(default=0, ge=0)
    care_tags: list[CareTag] = Field(default_factory=list)


class PartyOrg(Node):
    """A Party organisation (党组织) of one of the kinds of :class:`OrgKind`.

    ``external`` marks an org outside the district (区外): named by a roster row (a member's
    所在党组织) that no roster of the district defines, so its kind may be unknown.
    """

    kind = NodeKind.PARTY_ORG
    org_kind: OrgKind | None = None
    external: bool = False


class Person(Node):
    """A person (人员). ``code`` is the keyed hash of the ID number; the number is only sealed or masked."""

    kind = NodeKind.PERSON
    id_masked: str
    id_sealed: str | None = None
    gender: Gender | None = None
    phone_masked: str | None = None
    phone_sealed: str | None = None
    status: MemberStatus | None = None
    rank: Rank | None = None
    #: Party membership as a roster stated it (是否党员): True, False, or None for unknown; a person
    #: with an open MEMBER_OF is a member whatever this says.
    party_member: bool | None = None
    #: The roster kind that stated ``party_member`` (``members`` is the authority).
    party_member_source: str | None = None

    @classmethod
    def from_id_number(
        cls,
        key: PiiKey,
        id_number: str,
        *,
        name: str | None = None,
        phone: str | None = None,
        **fields: Any,
    ) -> Person:
        """Build a person from the whole ID number and phone, keeping only hash, seal and mask."""
        number = normalize_id_number(id_number)
        extra: dict[str, Any] = {}
        if phone:
            whole = normalize_phone(phone)
            extra = {"phone_masked": mask_phone(whole), "phone_sealed": key.seal("phone", whole).hex()}
        return cls(
            code=key.identity(number),
            name=name,
            id_masked=mask_id_number(number),
            id_sealed=key.seal("id_number", number).hex(),
            **extra,
            **fields,
        )


class Unit(Node):
    """A work unit (单位): organ, institution, enterprise, social org, property company or department.

    ``handles`` lists the issue categories a functional department (职能部门) handles; the kind of an
    external unit may be unknown.
    """

    kind = NodeKind.UNIT
    unit_kind: UnitKind | None = None
    handles: list[str] = Field(default_factory=list)
    #: A unit outside the district (区外), named by a row (a member's 工作单位) and defined by no roster.
    external: bool = False
    #: The unit's office phone (联系电话), masked and sealed like a person's.
    phone_masked: str | None = None
    phone_sealed: str | None = None


class Project(Node):
    """A contracted co-building project (共建项目 / 契约化共建) with its term and status."""

    kind = NodeKind.PROJECT
    category: str | None = None
    term_start: str = Field(pattern=ISO_DATE)
    term_end: str | None = Field(default=None, pattern=ISO_DATE)
    status: ProjectStatus | None = None


class OwnersCommittee(Node):
    """An owners' committee (业委会) of one compound; its code is the compound's code."""

    kind = NodeKind.OWNERS_COMMITTEE


class ServiceCentre(Node):
    """A Party-mass service centre or station (党群服务中心 / 驿站)."""

    kind = NodeKind.SERVICE_CENTRE
    floor_area_m2: int | None = Field(default=None, ge=0)
    opening_hours: str | None = None


#: The model class of every node kind.
MODELS: dict[NodeKind, type[Node]] = {
    cls.kind: cls
    for cls in (
        District,
        Street,
        Community,
        Grid,
        Compound,
        Building,
        Entrance,
        Household,
        PartyOrg,
        Person,
        Unit,
        Project,
        OwnersCommittee,
        ServiceCentre,
    )
}


def model_of(node_id_: str, attrs: dict[str, Any]) -> Node:
    """The typed model of a graph node, from its id and attributes."""
    return MODELS[NodeKind(attrs["kind"])].from_attrs(node_id_, attrs)
