"""Row models (pydantic): one per roster kind, every cell normalised and validated.

A model's fields are the roster's column fields; a cell is cleaned by the functions of
:mod:`importers.values` before pydantic sees it. A row that fails becomes a :class:`Rejection`
naming file, sheet, row, column, the value (personal data masked) and the reason in English and
Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from importers import door, values
from importers.rosters import COLUMNS, RosterKind, either_groups
from orggraph.errors import InvalidValueError, OrgGraphError
from orggraph.model.enums import CareTag, Gender, MemberStatus, OrgKind, ProjectStatus, Rank, UnitKind, ZhEnum
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.pii import mask_id_number, mask_phone


class AreaLevel(ZhEnum):
    """层级 of the area roster; 镇 and 村 are read as street and community, 楼院 as compound."""

    DISTRICT = ("district", "区")
    STREET = ("street", "街道")
    COMMUNITY = ("community", "社区")
    GRID = ("grid", "网格")
    COMPOUND = ("compound", "小区")

    @classmethod
    def parse(cls, text: str) -> AreaLevel:
        aliases = {"镇": "街道", "乡": "街道", "村": "社区", "楼院": "小区", "县": "区"}
        key = str(text).strip()
        return super().parse(aliases.get(key, key))

    @property
    def node_kind(self) -> NodeKind:
        return NodeKind(self.value)


class Post(ZhEnum):
    """党内职务 of the member roster, as the link it makes to the member's org."""

    SECRETARY = ("secretary", "书记")
    DEPUTY = ("deputy", "副书记")
    COMMITTEE = ("committee", "委员")
    GROUP_LEADER = ("group_leader", "党小组长")

    @property
    def link(self) -> LinkKind:
        return {
            Post.SECRETARY: LinkKind.SECRETARY_OF,
            Post.DEPUTY: LinkKind.DEPUTY_SECRETARY_OF,
            Post.COMMITTEE: LinkKind.COMMITTEE_MEMBER_OF,
            Post.GROUP_LEADER: LinkKind.SECRETARY_OF,
        }[self]


class StaffRole(ZhEnum):
    """岗位 of the grid-staff roster, as the link it makes to the grid."""

    COMMUNITY_WORKER = ("community_worker", "社区工作者")
    GRID_WORKER = ("grid_worker", "专职网格员")
    PROPERTY_MANAGER = ("property_manager", "物业管理员")
    GRID_LEADER = ("grid_leader", "网格长")
    ENFORCEMENT_OFFICER = ("enforcement_officer", "执法队员")

    @property
    def link(self) -> LinkKind:
        return LinkKind(f"{self.value.upper()}_OF")


class RegistrationKind(ZhEnum):
    """报到类型: a member registering where he or she lives, or a unit's Party org."""

    PERSONAL = ("personal", "个人")
    ORGANISATIONAL = ("organisational", "组织")


@dataclass(frozen=True)
class Choice:
    """The cleaning of a cell that takes a member of ``enum``, named in Chinese, English or another word
    rosters use; with ``many``, a cell naming several (关爱标签 ``独居老人、残疾人``), cleaned to their values.
    The row models say with it which columns take their values from a fixed list: a template's drop-down
    lists (:mod:`importers.template`) are read from them."""

    enum: type[ZhEnum]
    many: bool = False

    def __call__(self, value: Any) -> Any:
        if self.many:
            return [member.value for member in values.members(self.enum, value)]
        return self.enum.parse(values.text(value) or "")


def _enum(cls: type[ZhEnum]) -> BeforeValidator:
    return BeforeValidator(Choice(cls))


Code = Annotated[str, BeforeValidator(values.code)]
Text = Annotated[str, BeforeValidator(values.text)]
Date = Annotated[str, BeforeValidator(values.date)]
Int = Annotated[int, BeforeValidator(values.integer)]
IdNumber = Annotated[str, BeforeValidator(values.id_number)]
Phone = Annotated[str, BeforeValidator(values.phone)]
UnitCode = Annotated[str, BeforeValidator(values.credit_or_unit_code)]
PersonCode = Annotated[str, BeforeValidator(values.person_code)]
Number = Annotated[int | float, BeforeValidator(lambda v: _whole(values.decimal(v)))]
TextOrNumber = Annotated[str | int, BeforeValidator(lambda v: _text_or_int(v))]


def _whole(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _text_or_int(value: Any) -> str | int:
    text = values.text(value) or ""
    try:
        return values.integer(text)
    except InvalidValueError:
        return text


class Row(BaseModel):
    """Base of the row models."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AreaRow(Row):
    area_code: Code
    name: Text
    level: Annotated[AreaLevel, _enum(AreaLevel)]
    parent_code: Code | None = None
    grid_level: Annotated[int, BeforeValidator(values.integer), Field(ge=1, le=5)] | None = None
    residents: Annotated[int, BeforeValidator(values.integer), Field(ge=0)] | None = None
    property_company: UnitCode | None = None

    @model_validator(mode="after")
    def _grid_has_level(self) -> Self:
        if self.level is AreaLevel.GRID and self.grid_level is None:
            raise InvalidValueError("a grid needs its grid level (1–5)", message_zh="网格须填写网格级别（1–5）")
        return self


class OrgRow(Row):
    org_code: Code
    name: Text
    kind: Annotated[OrgKind, _enum(OrgKind)]
    parent_code: Code | None = None
    area_code: Code | None = None
    building: Text | None = None


class UnitRow(Row):
    unit_code: UnitCode
    name: Text
    kind: Annotated[UnitKind, _enum(UnitKind)]
    area_code: Code | None = None
    org_code: Code | None = None
    handles: Annotated[list[str], BeforeValidator(values.split_list)] = Field(default_factory=list)
    phone: Phone | None = None


class HouseholdRow(Row):
    household_code: Code
    grid_code: Code
    compound_code: Code
    building: Text
    entrance: Text
    room: Code
    residents: Annotated[int, BeforeValidator(values.integer), Field(ge=0)] = 0
    care_tags: Annotated[list[str], BeforeValidator(Choice(CareTag, many=True))] = Field(default_factory=list)
    is_central: Annotated[bool, BeforeValidator(values.yes_no)] = False


class PersonRow(Row):
    name: Text
    id_number: IdNumber


class MemberRow(PersonRow):
    org_code: Code
    gender: Annotated[Gender, _enum(Gender)] | None = None
    phone: Phone | None = None
    status: Annotated[MemberStatus, _enum(MemberStatus)] | None = None
    #: 工作单位: a unit's code or its name; one no roster of the district defines is external (区外).
    unit_code: Text | None = None
    post: Annotated[Post, _enum(Post)] | None = None
    household_code: Code | None = None
    address: Text | None = None


class GridStaffRow(PersonRow):
    grid_code: Code
    role: Annotated[StaffRole, _enum(StaffRole)]
    phone: Phone | None = None
    is_party_member: Annotated[bool, BeforeValidator(values.yes_no)] | None = None
    #: 所在党组织: an org's code or name; one no roster of the district defines is external (区外).
    org: Text | None = None


class ContactRow(Row):
    """One 1+10 link: the member by ID number or by person code (人员编号), and the household."""

    member_id_number: IdNumber | None = None
    member_code: PersonCode | None = None
    household_code: Code


class RegistrationRow(Row):
    kind: Annotated[RegistrationKind, _enum(RegistrationKind)]
    community_code: Code
    id_number: IdNumber | None = None
    unit_code: UnitCode | None = None
    registered_on: Date
    tasks: TextOrNumber | None = None
    service_hours: Annotated[int | float, Field(ge=0), BeforeValidator(lambda v: _whole(values.decimal(v)))] | None = None
    #: A registrant the store does not hold yet is defined by these (a Party member).
    name: Text | None = None
    phone: Phone | None = None
    unit: Text | None = None
    org: Text | None = None

    @model_validator(mode="after")
    def _who(self) -> Self:
        if self.kind is RegistrationKind.PERSONAL and not self.id_number:
            raise InvalidValueError(
                "a personal registration needs the member's ID number (公民身份号码)",
                message_zh="个人报到须填写公民身份号码",
            )
        if self.kind is RegistrationKind.ORGANISATIONAL and not self.unit_code:
            raise InvalidValueError(
                "an organisational registration needs the unit code (单位编码)", message_zh="组织报到须填写单位编码"
            )
        return self


class LiaisonRow(PersonRow):
    rank: Annotated[Rank, _enum(Rank)]
    area_code: Code
    unit_code: Text | None = None
    since: Date | None = None
    phone: Phone | None = None
    org: Text | None = None


class ProjectRow(Row):
    project_code: Code
    name: Text
    unit_code: UnitCode
    area_code: Code
    category: Text | None = None
    start: Date
    end: Date | None = None
    status: Annotated[ProjectStatus, _enum(ProjectStatus)] | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise InvalidValueError(
                f"the project ends ({self.end}) before it starts ({self.start})",
                message_zh=f"结束日期 {self.end} 早于开始日期 {self.start}",
                column="end",
            )
        return self


class OwnersCommitteeRow(PersonRow):
    compound_code: Code
    post: Text | None = None
    is_party_member: Annotated[bool, BeforeValidator(values.yes_no)] | None = None
    org: Text | None = None


MODELS: dict[RosterKind, type[Row]] = {
    RosterKind.AREAS: AreaRow,
    RosterKind.ORGS: OrgRow,
    RosterKind.UNITS: UnitRow,
    RosterKind.HOUSEHOLDS: HouseholdRow,
    RosterKind.MEMBERS: MemberRow,
    RosterKind.GRID_STAFF: GridStaffRow,
    RosterKind.CONTACTS: ContactRow,
    RosterKind.REGISTRATIONS: RegistrationRow,
    RosterKind.LIAISON: LiaisonRow,
    RosterKind.PROJECTS: ProjectRow,
    RosterKind.OWNERS_COMMITTEES: OwnersCommitteeRow,
}

_PERSONAL = {"id_number": mask_id_number, "member_id_number": mask_id_number, "phone": mask_phone}


def shown(field: str, value: Any) -> str:
    """A cell as a report may show it: personal data masked."""
    if value is None:
        return ""
    text = str(value).strip()
    mask = _PERSONAL.get(field)
    return mask(text) if mask else text


@dataclass(frozen=True)
class Rejection:
    """One refused row (or file problem): where, what, why — in English and Chinese."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    reason: str
    reason_zh: str


def at_the_door(
    cells: dict[str, Any], *, file: str, sheet: str | None, row: int, headers: dict[str, str]
) -> tuple[dict[str, Any], list[Rejection]]:
    """The row's cells as :func:`importers.door.check` leaves them, and a rejection per cell it refuses."""
    cleaned: dict[str, Any] = {}
    refused: list[Rejection] = []
    for field, value in cells.items():
        try:
            cleaned[field] = door.check(field, value)
        except InvalidValueError as exc:
            value_shown = str(exc.context.get("value", ""))
            refused.append(Rejection(file, sheet, row, headers.get(field, field), value_shown, exc.message, exc.message_zh))
    return cleaned, refused


def parse_row(
    kind: RosterKind, cells: dict[str, Any], *, file: str, sheet: str | None, row: int, headers: dict[str, str]
) -> Row | list[Rejection]:
    """Validate one row; the model, or the rejections (one per failing column). A cell the door
    refuses (:mod:`importers.door`) rejects the row before any column looks at it."""
    cells, refused = at_the_door(cells, file=file, sheet=sheet, row=row, headers=headers)
    if refused:
        return refused
    for col in COLUMNS[kind]:
        if col.required and values.text(cells.get(col.field)) is None:
            return [
                Rejection(
                    file,
                    sheet,
                    row,
                    headers.get(col.field, col.zh),
                    "",
                    f"the required column {col.zh} [{col.field}] is empty",
                    f"必填列 {col.zh} 为空",
                )
            ]
    for group in either_groups(kind).values():
        if all(values.text(cells.get(col.field)) is None for col in group):
            names, names_zh = " or ".join(f"{c.zh} [{c.field}]" for c in group), "或".join(c.zh for c in group)
            return [
                Rejection(
                    file,
                    sheet,
                    row,
                    " / ".join(headers.get(c.field, c.zh) for c in group),
                    "",
                    f"one of the columns {names} must have a value",
                    f"{names_zh}须填写其一",
                )
            ]
    try:
        # a blank cell is an empty one: an optional column left blank is absent, not an invalid value
        return MODELS[kind].model_validate({f: v for f, v in cells.items() if not values.is_blank(v)})
    except ValidationError as exc:
        rejections = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else ""
            cause = (error.get("ctx") or {}).get("error")
            if isinstance(cause, OrgGraphError):
                field = str(cause.context.get("column", field))
                reason, reason_zh = cause.message, cause.message_zh
            else:
                reason, reason_zh = error["msg"], f"取值无效：{error['msg']}"
            rejections.append(
                Rejection(
                    file,
                    sheet,
                    row,
                    headers.get(field, field) or None,
                    shown(field, cells.get(field)),
                    reason,
                    reason_zh,
                )
            )
        return rejections
