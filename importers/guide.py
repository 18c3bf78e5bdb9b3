"""What each column of a roster takes, in words (填写说明): read from the importer's own definitions.

A column's header, English name, aliases and whether it is required come from
:data:`importers.rosters.COLUMNS`; the form of its values — a code, an ID number, a date, a whole number
and its bounds, a choice from a fixed list — from the cleaning function and bounds of its field in the
row model (:data:`importers.rows.MODELS`), and the choices themselves from the model's enumerations. Only
what a column *means* is written here (:data:`MEANINGS`), in Chinese and English. So a template
(:mod:`importers.template`) cannot offer a header or a choice the importer would refuse.

>>> [g.column.zh for g in guide(RosterKind.CONTACTS)]
['党员身份证号', '人员编号', '户编码']
>>> level = guide(RosterKind.AREAS)[2]
>>> level.need, level.choices
('required', ('区', '街道', '社区', '网格', '小区'))
>>> [(g.column.zh, g.cell) for g in guide(RosterKind.LIAISON) if g.column.field in ("id_number", "since")]
[('公民身份号码', 'text'), ('开始日期', 'date')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BeforeValidator
from rich.cells import cell_len

from importers import values
from importers.columns import field_parts
from importers.rosters import COLUMNS, Column, RosterKind, either_groups
from importers.rows import MODELS, Choice

__all__ = ["MEANINGS", "ColumnGuide", "guide"]

K = RosterKind
#: What a cell holds, for its format in a workbook: text (``@``), a date, a whole number or any number.
Cell = Literal["text", "date", "integer", "number"]
Need = Literal["required", "optional", "either"]

#: What each column means, in Chinese and English: by field, and by roster kind where a field means
#: something else in another roster (``name`` is an area's name in one, a person's in another).
MEANINGS: dict[str | tuple[RosterKind, str], tuple[str, str]] = {
    (K.AREAS, "area_code"): ("区域的编码（本区自编的区域编码）", "the area's code (the district's own)"),
    (K.ORGS, "area_code"): (
        "该党组织负责的区域（社区、网格、小区等）的区域编码",
        "the code of the area the org is responsible for (a community, grid, compound …)",
    ),
    (K.UNITS, "area_code"): (
        "单位所在区域的区域编码（任一层级，含区本级）",
        "the code of the area the unit is in (any level, the district included)",
    ),
    (K.LIAISON, "area_code"): ("包联的社区或小区的区域编码", "the code of the community or compound the cadre liaises with"),
    (K.PROJECTS, "area_code"): ("项目共建所在区域的区域编码", "the code of the area the project serves"),
    (K.AREAS, "name"): ("区域名称", "the area's name"),
    (K.ORGS, "name"): ("党组织全称", "the org's full name"),
    (K.UNITS, "name"): ("单位全称", "the unit's full name"),
    (K.PROJECTS, "name"): ("项目名称", "the project's name"),
    (K.REGISTRATIONS, "name"): (
        "报到党员的姓名（党员名册中没有此人时，据本行建立）",
        "the registrant's name (a person the members roster does not list is made from this row)",
    ),
    "name": ("姓名", "the person's name"),
    "level": ("区域的层级", "the area's level"),
    (K.AREAS, "parent_code"): ("上级区域的区域编码；区本级留空", "the code of the area above; blank for the district"),
    (K.ORGS, "parent_code"): ("上级党组织的组织编码", "the code of the org above"),
    "grid_level": ("网格的级别；层级为“网格”时必填", "the grid's level; required when the level is 网格 (grid)"),
    (K.AREAS, "residents"): ("常住人口数", "the resident population"),
    (K.HOUSEHOLDS, "residents"): ("户内常住人数", "the people living in the household"),
    "property_company": (
        "管理该小区的物业企业的统一社会信用代码（该企业须在单位名册中）",
        "the credit code of the property company managing the compound (on the units roster)",
    ),
    (K.ORGS, "org_code"): ("党组织的编码", "the org's code"),
    (K.UNITS, "org_code"): ("单位党组织的组织编码", "the code of the unit's Party org"),
    (K.MEMBERS, "org_code"): ("党员所在党组织的组织编码", "the code of the member's Party org"),
    (K.ORGS, "kind"): ("党组织的类别", "the org's kind"),
    (K.UNITS, "kind"): ("单位的类别", "the unit's kind"),
    (K.REGISTRATIONS, "kind"): (
        "个人报到（党员）或组织报到（单位党组织）",
        "a member registering in person, or a unit's Party org",
    ),
    (K.ORGS, "building"): (
        "负责的楼栋，写作 小区/楼栋（如 130705001001X1/3号楼）：楼栋党小组填写",
        "the building the org is responsible for, as compound/building (130705001001X1/3号楼): for a building's Party group",
    ),
    (K.HOUSEHOLDS, "building"): ("楼栋（如 3号楼）", "the building (e.g. 3号楼)"),
    (K.UNITS, "unit_code"): (
        "单位的统一社会信用代码，或本区的单位编码",
        "the unit's credit code, or the district's own unit code",
    ),
    (K.MEMBERS, "unit_code"): (
        "党员工作单位的单位编码或名称（区外单位填名称）",
        "the member's work unit, by code or by name (a unit outside the district by its name)",
    ),
    (K.REGISTRATIONS, "unit_code"): (
        "报到单位的单位编码；组织报到时必填",
        "the registering unit's code; required for an organisational registration",
    ),
    (K.LIAISON, "unit_code"): ("包联干部所在单位的单位编码或名称", "the cadre's unit, by code or by name"),
    (K.PROJECTS, "unit_code"): ("承担项目的共建单位的单位编码", "the code of the unit carrying out the project"),
    "handles": ("职能部门承办的事项类别（如 违章搭建）", "the issue categories a department handles (e.g. 违章搭建)"),
    (K.UNITS, "phone"): ("单位的联系电话", "the unit's phone"),
    "phone": ("本人的联系电话", "the person's phone"),
    (K.HOUSEHOLDS, "household_code"): ("住户的编码", "the household's code"),
    (K.MEMBERS, "household_code"): (
        "党员居住的住户的户编码（或填居住地址）",
        "the household the member lives in (or give the address)",
    ),
    (K.CONTACTS, "household_code"): ("党员联系的住户的户编码", "the household the member keeps in touch with (1+10)"),
    (K.HOUSEHOLDS, "grid_code"): ("住户所属网格的区域编码", "the code of the household's grid"),
    (K.GRID_STAFF, "grid_code"): ("所在网格的区域编码", "the code of the grid the person serves"),
    (K.HOUSEHOLDS, "compound_code"): ("住户所在小区的区域编码或名称", "the household's compound, by area code or by name"),
    (K.OWNERS_COMMITTEES, "compound_code"): (
        "业委会所在小区的区域编码或名称",
        "the committee's compound, by area code or by name",
    ),
    "entrance": ("单元（如 1单元）", "the entrance (e.g. 1单元)"),
    "room": ("室号（如 101）", "the room (e.g. 101)"),
    "care_tags": ("需重点关爱的情形（可多项）", "what the household needs care for (several allowed)"),
    "is_central": ("是否为中心户", "whether the household is a central household (中心户)"),
    (K.REGISTRATIONS, "id_number"): (
        "报到党员的公民身份号码；个人报到时必填",
        "the registrant's ID number; required for a personal registration",
    ),
    "id_number": ("本人的公民身份号码", "the person's ID number"),
    "gender": ("性别", "gender"),
    (K.MEMBERS, "status"): ("党员的人员类别", "the member's status"),
    (K.PROJECTS, "status"): ("项目的状态", "the project's status"),
    (K.MEMBERS, "post"): ("在所在党组织中的职务", "the member's post in the org"),
    (K.OWNERS_COMMITTEES, "post"): ("在业委会中的职务（如 主任、委员）", "the post on the committee (e.g. 主任, 委员)"),
    "address": (
        "居住地址，如 幸福里小区3号楼2单元501室；未填户编码时据此找到住户",
        "the home address, e.g. 幸福里小区3号楼2单元501室: finds the household when no household code is given",
    ),
    "role": ("在网格中的岗位", "the post in the grid"),
    "is_party_member": (
        "是否为党员（区外的党员也填“是”）",
        "whether the person is a Party member (one of an org outside the district too)",
    ),
    "org": (
        "所在党组织的组织编码或名称（区外党组织填名称）",
        "the person's Party org, by code or by name (an org outside the district by its name)",
    ),
    "member_id_number": ("联系户的党员的公民身份号码", "the ID number of the member keeping in touch"),
    "member_code": (
        "党员的人员编号（补齐建议名册所附），可代替身份证号",
        "the member's person code (as a proposal's roster carries it), instead of the ID number",
    ),
    "community_code": ("报到社区的区域编码", "the code of the community registered with"),
    "registered_on": ("报到日期", "the day of registration"),
    "tasks": ("认领的任务（名称或个数）", "the tasks taken on (their names or their number)"),
    "service_hours": ("服务时长（小时）", "the hours of service"),
    "unit": ("报到党员的工作单位编码或名称", "the registrant's work unit, by code or by name"),
    "rank": ("包联干部的职级（处级计入包联指标）", "the cadre's rank (division level counts toward the liaison norm)"),
    "since": ("开始包联的日期", "the day the liaison began"),
    "project_code": ("项目的编号", "the project's code"),
    "category": ("资源类别（如 养老、教育）", "the kind of resource (e.g. elderly care, education)"),
    "start": ("项目开始日期", "the day the project starts"),
    "end": ("项目结束日期（不早于开始日期）", "the day the project ends (not before it starts)"),
}

_DATES = f"{values.DATE_MIN} … {values.DATE_MAX}"
#: The form of a column's values, by the function that cleans them: (cell, Chinese, English, the
#: characters a value takes at most or commonly).
_FORMS: dict[Any, tuple[Cell, str, str, int]] = {
    values.code: ("text", "编码，文本格式（保留前导零）", "a code, as text (leading zeros kept)", 16),
    values.text: ("text", "文字", "text", 16),
    values.date: (
        "date",
        f"日期，写作 YYYY-MM-DD（如 2021-03-01；也可 2021/3/1、2021年3月1日），{_DATES}",
        f"a date, YYYY-MM-DD (2021-03-01; also 2021/3/1, 2021年3月1日), {_DATES}",
        12,
    ),
    values.integer: ("integer", "整数", "a whole number", 10),
    values.id_number: (
        "text",
        "18位公民身份号码，末位可为X（按 GB 11643 校验），文本格式",
        "the 18-character ID number, the last may be X (GB 11643 check digit), as text",
        18,
    ),
    values.phone: (
        "text",
        "手机号（13800138000）或带区号的固定电话（0313-5512345，分机 -8001），文本格式",
        "a mobile (13800138000) or a landline with its area code (0313-5512345, extension -8001), as text",
        17,
    ),
    values.credit_or_unit_code: (
        "text",
        "18位统一社会信用代码（按 GB 32100 校验）或本区单位编码，文本格式",
        "an 18-character unified social credit code (GB 32100 check character) or the district's unit code, as text",
        18,
    ),
    values.person_code: ("text", "64位十六进制字符", "64 hexadecimal digits", 64),
    values.split_list: ("text", "可填多项，以、或；分隔", "several allowed, separated by 、 or ;", 24),
    values.yes_no: ("text", "是 或 否", "是 (yes) or 否 (no)", 4),
}
#: The form of a column whose cleaning is the model's own, by the field's base type.
_BASE_FORMS: dict[Any, tuple[Cell, str, str, int]] = {
    int | float: ("number", "数字（可有小数）", "a number (may have a fraction)", 10),
    str | int: ("text", "文字或整数", "text or a whole number", 16),
}


@dataclass(frozen=True)
class ColumnGuide:
    """One column of a roster as a roster keeper is told it: what it means, what form its values take,
    and the fixed list they come from (``choices``, their Chinese terms; ``many``: several in a cell)."""

    kind: RosterKind
    column: Column
    need: Need
    #: The columns that stand in for this one (an ``either`` group's others).
    instead: tuple[Column, ...]
    meaning_zh: str
    meaning_en: str
    cell: Cell
    form_zh: str
    form_en: str
    #: How many characters a value commonly takes (the width of its column).
    chars: int
    choices: tuple[str, ...] = ()
    #: The English values of the choices, in the same order.
    choices_en: tuple[str, ...] = ()
    many: bool = False
    #: Bounds of a number: the least and the greatest value, ``None`` where open.
    least: float | None = None
    greatest: float | None = None

    @property
    def need_zh(self) -> str:
        if self.need == "either":
            return "与" + "、".join(c.zh for c in self.instead) + "二选一"
        return {"required": "必填", "optional": "选填"}[self.need]

    @property
    def need_en(self) -> str:
        if self.need == "either":
            return "required unless " + " or ".join(c.zh for c in self.instead) + " is given"
        return self.need


def meaning(kind: RosterKind, field: str) -> tuple[str, str]:
    """What column ``field`` of a roster of ``kind`` means, in Chinese and English."""
    found = MEANINGS.get((kind, field)) or MEANINGS.get(field)
    if found is None:
        raise KeyError(f"importers.guide.MEANINGS says nothing of the column {field!r} of {kind.value}")
    return found


def _bounds(parts: list[Any]) -> tuple[float | None, float | None]:
    least: float | None = None
    greatest: float | None = None
    for part in parts:
        if isinstance(part, annotated_types.Ge):
            least = float(part.ge)  # type: ignore[arg-type]
        elif isinstance(part, annotated_types.Le):
            greatest = float(part.le)  # type: ignore[arg-type]
    return least, greatest


def _bounds_words(least: float | None, greatest: float | None) -> tuple[str, str]:
    if least is not None and greatest is not None:
        return f"，{least:g}–{greatest:g}", f", {least:g}–{greatest:g}"
    if least is not None:
        return f"，不小于 {least:g}", f", {least:g} or more"
    if greatest is not None:
        return f"，不大于 {greatest:g}", f", {greatest:g} or less"
    return "", ""


def column_guide(kind: RosterKind, column: Column) -> ColumnGuide:
    """What one column of a roster takes, read from the row model of ``kind``."""
    base, parts, _ = field_parts(MODELS[kind], column.field)
    clean = next((p.func for p in parts if isinstance(p, BeforeValidator)), None)
    least, greatest = _bounds(parts)
    choices: tuple[str, ...] = ()
    choices_en: tuple[str, ...] = ()
    many = False
    cell: Cell
    if isinstance(clean, Choice):
        choices = tuple(member.zh for member in clean.enum)
        choices_en = tuple(member.value for member in clean.enum)
        many = clean.many
        listed = "、".join(choices)
        listed_en = ", ".join(f"{zh} ({en})" for zh, en in zip(choices, choices_en, strict=True))
        if many:
            cell, form_zh, form_en = "text", f"可多项，以、分隔：{listed}", f"one or several, separated by 、: {listed_en}"
            chars = 24
        else:
            cell, form_zh, form_en = "text", f"从下拉列表中选择：{listed}", f"one of the list: {listed_en}"
            chars = max(cell_len(choice) for choice in choices)
    else:
        form = _FORMS.get(clean) or _BASE_FORMS.get(base)  # a union is equal to itself in any order
        if form is None:
            raise KeyError(f"importers.guide cannot word the values of the column {column.field!r} of {kind.value}")
        cell, form_zh, form_en, chars = form
        if clean is values.yes_no:
            choices = values.YES_NO
            choices_en = ("yes", "no")
        more_zh, more_en = _bounds_words(least, greatest)
        form_zh, form_en = form_zh + more_zh, form_en + more_en
    group = [c for c in either_groups(kind).get(column.either or "", []) if c is not column]
    need: Need = "required" if column.required else "either" if group else "optional"
    meaning_zh, meaning_en = meaning(kind, column.field)
    return ColumnGuide(
        kind=kind,
        column=column,
        need=need,
        instead=tuple(group),
        meaning_zh=meaning_zh,
        meaning_en=meaning_en,
        cell=cell,
        form_zh=form_zh,
        form_en=form_en,
        chars=chars,
        choices=choices,
        choices_en=choices_en,
        many=many,
        least=least,
        greatest=greatest,
    )


def guide(kind: RosterKind) -> list[ColumnGuide]:
    """Every column of a roster of ``kind``, in the order of :data:`importers.rosters.COLUMNS`."""
    return [column_guide(kind, column) for column in COLUMNS[kind]]
