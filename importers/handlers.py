"""What each roster row means in the graph: the nodes it defines and the links it makes.

Every handler has two steps, run over all rows of an import in :data:`~importers.rosters.IMPORT_ORDER`:
``define`` (the nodes a row describes) and then ``connect`` (its links, whose ends must exist in
the store or among the nodes the import defines). Either may raise
:class:`~importers.plan.RowProblem`, which rejects the row with the column at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from importers import rows as r
from importers.plan import Plan, RowOps, RowProblem
from importers.rosters import RosterKind
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import (
    Building,
    OwnersCommittee,
    PartyOrg,
    Person,
    Project,
    Unit,
    node_id,
)
from orggraph.pii import PiiKey, mask_id_number

K = NodeKind
AREA = (K.DISTRICT, K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND)


def area(code: str) -> str:
    return node_id(K.COMMUNITY, code)


class Context:
    """What handlers share: the plan, the key for persons, and lazily built look-ups."""

    def __init__(self, plan: Plan, key: PiiKey, resolve_address: Callable[[str], str]) -> None:
        self.plan = plan
        self.key = key
        self.resolve_address = resolve_address
        self._compounds_by_name: dict[str, list[str]] | None = None
        self._members: set[str] | None = None
        self._persons: dict[str, str] = {}

    def person_id(self, id_number: str) -> str:
        """The person node of an ID number (memoised: the 1+10 roster names each member ten times)."""
        found = self._persons.get(id_number)
        if found is None:
            found = self._persons[id_number] = node_id(K.PERSON, self.key.identity(id_number))
        return found

    def compound(self, text: str, column: str) -> str:
        """A compound by code, else by its unique name (小区 columns carry either)."""
        if self.plan.exists(area(text), K.COMPOUND):
            return area(text)
        if self._compounds_by_name is None:
            index: dict[str, list[str]] = {}
            for nid, attrs in self.plan.store.nodes(K.COMPOUND, as_of=self.plan.day):
                index.setdefault(str(attrs.get("name")), []).append(nid)
            for nid, (attrs, _) in self.plan.nodes.items():
                if attrs["kind"] == K.COMPOUND.value and nid not in index.get(str(attrs.get("name")), []):
                    index.setdefault(str(attrs.get("name")), []).append(nid)
            self._compounds_by_name = index
        found = self._compounds_by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RowProblem(
                column,
                f"compound name {text!r} is not unique; give its code",
                f"小区名称“{text}”不唯一，请填编码",
                text,
            )
        raise RowProblem(
            column,
            f"compound {text!r} is neither in the store nor in an area roster of this import",
            f"小区“{text}”既不在图存储中，也不在本次导入的区域名册中",
            text,
        )

    def is_member(self, person: str) -> bool:
        """Whether ``person`` is a Party member once this import is applied (an open MEMBER_OF)."""
        if self._members is None:
            self._members = {src for kind, src, _ in self.plan.links if kind == LinkKind.MEMBER_OF.value}
        if person in self._members:
            return True
        return any(True for _ in self.plan.store.links(person, kind=LinkKind.MEMBER_OF, as_of=self.plan.day))

    def person(self, row: r.PersonRow, ops: RowOps, **fields: Any) -> str:
        """Define the person of a row, merging what the store knows with what this row says."""
        pid = self.person_id(row.id_number)
        masked = mask_id_number(row.id_number)
        earlier = self.plan.nodes.get(pid)
        if earlier is not None and earlier[0].get("name") != row.name:
            source = earlier[1]
            raise RowProblem(
                "name",
                f"ID number {masked} is {earlier[0].get('name')!r} at {source.file} row {source.row}, here {row.name!r}",
                f"身份证号 {masked} 在 {source.file} 第{source.row}行为“{earlier[0].get('name')}”，此处为“{row.name}”",
                row.name,
            )
        given = {k: v for k, v in fields.items() if v is not None}
        made = Person.from_id_number(self.key, row.id_number, name=row.name, **given).to_attrs()
        stored = self.plan.store.node(pid)
        base = dict(earlier[0]) if earlier else (dict(stored) if stored and "ended" not in stored else {})
        ops.node(pid, {**base, **made})
        return pid


def _define_area(ctx: Context, row: r.AreaRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.AREAS, row.area_code, ops.source, "area_code", row.area_code)
    attrs: dict[str, Any] = {"kind": row.level.node_kind.value, "name": row.name}
    if row.level is r.AreaLevel.GRID:
        attrs["level"] = row.grid_level
    if row.residents is not None and row.level is not r.AreaLevel.COMPOUND:
        attrs["residents"] = row.residents
    ops.node(area(row.area_code), attrs)


def _connect_area(ctx: Context, row: r.AreaRow, ops: RowOps) -> None:
    me = area(row.area_code)
    if row.parent_code == row.area_code:
        raise RowProblem("parent_code", "an area cannot be its own parent", "区域不能以自身为上级区域", row.parent_code)
    if row.parent_code:
        parent = ctx.plan.require(area(row.parent_code), AREA, "parent_code", row.parent_code, "区域名册")
        ops.link(LinkKind.PART_OF, me, parent, start=ctx.plan.day)
    elif row.level is not r.AreaLevel.DISTRICT:
        raise RowProblem("parent_code", "only a district (区) may have no parent area", "只有“区”可以没有上级区域")
    if row.property_company:
        if row.level is not r.AreaLevel.COMPOUND:
            raise RowProblem("property_company", "only a compound (小区) has a property company", "只有小区可填物业企业")
        company = ctx.plan.require(
            node_id(K.UNIT, row.property_company), K.UNIT, "property_company", row.property_company, "单位名册"
        )
        ops.link(LinkKind.MANAGES, company, me, start=ctx.plan.day)


def _define_org(ctx: Context, row: r.OrgRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.ORGS, row.org_code, ops.source, "org_code", row.org_code)
    ops.node(node_id(K.PARTY_ORG, row.org_code), PartyOrg(code=row.org_code, name=row.name, org_kind=row.kind).to_attrs())


def _connect_org(ctx: Context, row: r.OrgRow, ops: RowOps) -> None:
    me = node_id(K.PARTY_ORG, row.org_code)
    if row.parent_code == row.org_code:
        raise RowProblem(
            "parent_code", "a Party organisation cannot be its own parent", "党组织不能以自身为上级组织", row.parent_code
        )
    if row.parent_code:
        parent = ctx.plan.require(
            node_id(K.PARTY_ORG, row.parent_code), K.PARTY_ORG, "parent_code", row.parent_code, "党组织名册"
        )
        ops.link(LinkKind.SUBORDINATE_TO, me, parent, start=ctx.plan.day)
    if row.building:
        compound, _, label = row.building.rpartition("/")
        if not compound or not label:
            raise RowProblem(
                "building", f"{row.building!r} is not 小区/楼栋", f"“{row.building}”不是“小区/楼栋”形式", row.building
            )
        building = Building.of(code_of_area(ctx.compound(compound, "building")), label).node_id
        target = ctx.plan.require(building, K.BUILDING, "building", row.building, "住户名册")
        ops.link(LinkKind.RESPONSIBLE_FOR, me, target, start=ctx.plan.day)
    elif row.area_code:
        target = ctx.plan.require(area(row.area_code), AREA, "area_code", row.area_code, "区域名册")
        ops.link(LinkKind.RESPONSIBLE_FOR, me, target, start=ctx.plan.day)


def code_of_area(area_id: str) -> str:
    return area_id.split(":", 1)[1]


def _define_unit(ctx: Context, row: r.UnitRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.UNITS, row.unit_code, ops.source, "unit_code", row.unit_code)
    unit = Unit(code=row.unit_code, name=row.name, unit_kind=row.kind, handles=row.handles)
    ops.node(unit.node_id, unit.to_attrs())


def _connect_unit(ctx: Context, row: r.UnitRow, ops: RowOps) -> None:
    me = node_id(K.UNIT, row.unit_code)
    if row.area_code:
        where = ctx.plan.require(area(row.area_code), (K.STREET, K.COMMUNITY, K.GRID), "area_code", row.area_code, "区域名册")
        ops.link(LinkKind.LOCATED_IN, me, where, start=ctx.plan.day)
    if row.org_code:
        org = ctx.plan.require(node_id(K.PARTY_ORG, row.org_code), K.PARTY_ORG, "org_code", row.org_code, "党组织名册")
        ops.link(LinkKind.PARTY_ORG_OF, org, me, start=ctx.plan.day)


def _household_places(ctx: Context, row: r.HouseholdRow) -> tuple[str, str, str]:
    """Node ids of the row's compound, building (``compound/楼栋``) and entrance (``…/单元``)."""
    compound = ctx.compound(row.compound_code, "compound_code")
    building = f"{compound}/{row.building}"
    return compound, building, f"{building}/{row.entrance}"


def household_attrs(row: r.HouseholdRow) -> dict[str, Any]:
    """What :meth:`Household.to_attrs` gives for the row, without building the model (hot path)."""
    attrs: dict[str, Any] = {"kind": K.HOUSEHOLD.value, "room": row.room}
    if row.residents:
        attrs["residents"] = row.residents
    if row.care_tags:
        attrs["care_tags"] = list(row.care_tags)
    return attrs


def _define_household(ctx: Context, row: r.HouseholdRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.HOUSEHOLDS, row.household_code, ops.source, "household_code", row.household_code)
    _, building, entrance = _household_places(ctx, row)
    if not ctx.plan.exists(building):
        ops.node(building, {"kind": K.BUILDING.value, "name": row.building})
    if not ctx.plan.exists(entrance):
        ops.node(entrance, {"kind": K.ENTRANCE.value, "name": row.entrance})
    ops.node(node_id(K.HOUSEHOLD, row.household_code), household_attrs(row))


def _connect_household(ctx: Context, row: r.HouseholdRow, ops: RowOps) -> None:
    compound, building, entrance = _household_places(ctx, row)
    me = node_id(K.HOUSEHOLD, row.household_code)
    grid = ctx.plan.require(area(row.grid_code), K.GRID, "grid_code", row.grid_code, "区域名册")
    day = ctx.plan.day
    ops.link(LinkKind.PART_OF, building, compound, start=day)
    ops.link(LinkKind.PART_OF, entrance, building, start=day)
    ops.link(LinkKind.PART_OF, me, entrance, start=day)
    ops.link(LinkKind.IN_GRID, me, grid, start=day)
    if row.is_central:
        ops.link(LinkKind.CENTRAL_HOUSEHOLD_OF, me, entrance, start=day)


def _define_member(ctx: Context, row: r.MemberRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.MEMBERS, row.id_number, ops.source, "id_number", mask_id_number(row.id_number))
    ctx.person(row, ops, phone=row.phone, gender=row.gender, status=row.status)


def _connect_member(ctx: Context, row: r.MemberRow, ops: RowOps) -> None:
    me = ctx.person_id(row.id_number)
    day = ctx.plan.day
    org = ctx.plan.require(node_id(K.PARTY_ORG, row.org_code), K.PARTY_ORG, "org_code", row.org_code, "党组织名册")
    ops.link(LinkKind.MEMBER_OF, me, org, start=day)
    if row.post is not None:
        ops.link(row.post.link, me, org, start=day)
    if row.household_code:
        home = ctx.plan.require(
            node_id(K.HOUSEHOLD, row.household_code), K.HOUSEHOLD, "household_code", row.household_code, "住户名册"
        )
        ops.link(LinkKind.LIVES_IN, me, home, start=day)
    elif row.address:
        ops.link(LinkKind.LIVES_IN, me, ctx.resolve_address(row.address), start=day)
    if row.unit_code:
        unit = ctx.plan.require(node_id(K.UNIT, row.unit_code), K.UNIT, "unit_code", row.unit_code, "单位名册")
        ops.link(LinkKind.WORKS_AT, me, unit, start=day)


def _define_staff(ctx: Context, row: r.GridStaffRow, ops: RowOps) -> None:
    key = (row.grid_code, row.id_number, row.role)
    ctx.plan.claim(RosterKind.GRID_STAFF, key, ops.source, "id_number", mask_id_number(row.id_number))
    ctx.person(row, ops, phone=row.phone)


def _connect_staff(ctx: Context, row: r.GridStaffRow, ops: RowOps) -> None:
    grid = ctx.plan.require(area(row.grid_code), K.GRID, "grid_code", row.grid_code, "区域名册")
    ops.link(row.role.link, ctx.person_id(row.id_number), grid, start=ctx.plan.day)


def _connect_contact(ctx: Context, row: r.ContactRow, ops: RowOps) -> None:
    if row.member_id_number is not None:
        member, column, shown = ctx.person_id(row.member_id_number), "member_id_number", mask_id_number(row.member_id_number)
        if row.member_code is not None and member != node_id(K.PERSON, row.member_code):
            raise RowProblem(
                "member_code",
                f"the person code does not belong to ID number {shown}",
                f"人员编号与身份证号 {shown} 不符",
                row.member_code[:16],
            )
    else:
        assert row.member_code is not None
        member, column, shown = node_id(K.PERSON, row.member_code), "member_code", f"{row.member_code[:16]}…"
    ctx.plan.claim(RosterKind.CONTACTS, (member, row.household_code), ops.source, "household_code", row.household_code)
    if not ctx.plan.exists(member, K.PERSON):
        raise RowProblem(
            column,
            f"no person {shown} in the store or a members roster of this import",
            f"图存储和本次导入的党员名册中都没有人员 {shown}",
            shown,
        )
    home = ctx.plan.require(
        node_id(K.HOUSEHOLD, row.household_code), K.HOUSEHOLD, "household_code", row.household_code, "住户名册"
    )
    ops.link(LinkKind.CONTACTS, member, home, start=ctx.plan.day)


def _connect_registration(ctx: Context, row: r.RegistrationRow, ops: RowOps) -> None:
    if row.kind is r.RegistrationKind.PERSONAL:
        assert row.id_number is not None
        who = ctx.person_id(row.id_number)
        shown, column = mask_id_number(row.id_number), "id_number"
        if not ctx.plan.exists(who, K.PERSON):
            raise RowProblem(
                column,
                f"no person with ID number {shown} in the store or this import",
                f"没有身份证号为 {shown} 的人员",
                shown,
            )
    else:
        assert row.unit_code is not None
        shown, column = row.unit_code, "unit_code"
        who = ctx.plan.require(node_id(K.UNIT, row.unit_code), K.UNIT, column, row.unit_code, "单位名册")
    ctx.plan.claim(RosterKind.REGISTRATIONS, who, ops.source, column, shown)
    community = ctx.plan.require(area(row.community_code), K.COMMUNITY, "community_code", row.community_code, "区域名册")
    attrs = {"tasks": row.tasks, "service_hours": row.service_hours}
    ops.link(LinkKind.REGISTERED_WITH, who, community, start=row.registered_on, attrs=attrs, stated=True)


def _define_liaison(ctx: Context, row: r.LiaisonRow, ops: RowOps) -> None:
    key = (row.id_number, row.area_code)
    ctx.plan.claim(RosterKind.LIAISON, key, ops.source, "area_code", row.area_code)
    ctx.person(row, ops, rank=row.rank)


def _connect_liaison(ctx: Context, row: r.LiaisonRow, ops: RowOps) -> None:
    me = ctx.person_id(row.id_number)
    target = ctx.plan.require(area(row.area_code), (K.COMMUNITY, K.COMPOUND), "area_code", row.area_code, "区域名册")
    ops.link(LinkKind.LIAISES_WITH, me, target, start=row.since or ctx.plan.day, stated=row.since is not None)
    if row.unit_code:
        unit = ctx.plan.require(node_id(K.UNIT, row.unit_code), K.UNIT, "unit_code", row.unit_code, "单位名册")
        ops.link(LinkKind.WORKS_AT, me, unit, start=ctx.plan.day)


def _define_project(ctx: Context, row: r.ProjectRow, ops: RowOps) -> None:
    ctx.plan.claim(RosterKind.PROJECTS, row.project_code, ops.source, "project_code", row.project_code)
    project = Project(
        code=row.project_code,
        name=row.name,
        category=row.category,
        term_start=row.start,
        term_end=row.end,
        status=row.status,
    )
    ops.node(project.node_id, project.to_attrs())


def _connect_project(ctx: Context, row: r.ProjectRow, ops: RowOps) -> None:
    me = node_id(K.PROJECT, row.project_code)
    unit = ctx.plan.require(node_id(K.UNIT, row.unit_code), K.UNIT, "unit_code", row.unit_code, "单位名册")
    target = ctx.plan.require(area(row.area_code), (K.STREET, K.COMMUNITY), "area_code", row.area_code, "区域名册")
    signed = min(row.start, ctx.plan.day)  # a contract for a later term is recorded from now
    stated = row.start <= ctx.plan.day
    ops.link(LinkKind.PROVIDES, unit, me, start=signed, stated=stated)
    ops.link(LinkKind.FOR, me, target, start=signed, stated=stated)


def _define_owner(ctx: Context, row: r.OwnersCommitteeRow, ops: RowOps) -> None:
    compound = ctx.compound(row.compound_code, "compound_code")
    ctx.plan.claim(
        RosterKind.OWNERS_COMMITTEES, (compound, row.id_number), ops.source, "id_number", mask_id_number(row.id_number)
    )
    ctx.person(row, ops)
    committee = node_id(K.OWNERS_COMMITTEE, code_of_area(compound))
    if not ctx.plan.exists(committee):
        name = (ctx.plan.attrs(compound) or {}).get("name")
        ops.node(
            committee,
            OwnersCommittee(code=code_of_area(compound), name=f"{name}业主委员会" if name else None).to_attrs(),
        )


def _connect_owner(ctx: Context, row: r.OwnersCommitteeRow, ops: RowOps) -> None:
    compound = ctx.compound(row.compound_code, "compound_code")
    committee = node_id(K.OWNERS_COMMITTEE, code_of_area(compound))
    me = ctx.person_id(row.id_number)
    if row.is_party_member is not None and row.is_party_member != ctx.is_member(me):
        said = "是" if row.is_party_member else "否"
        raise RowProblem(
            "is_party_member",
            f"是否党员 says {said}, but the store and the members rosters of this import say otherwise",
            f"是否党员填“{said}”，与图存储及本次党员名册不符",
            said,
        )
    ops.link(LinkKind.OWNERS_COMMITTEE_OF, committee, compound, start=ctx.plan.day)
    ops.link(LinkKind.SITS_ON, me, committee, start=ctx.plan.day, attrs={"post": row.post} if row.post else None)


Step = Callable[[Context, Any, RowOps], None]


def _nothing(ctx: Context, row: Any, ops: RowOps) -> None:
    return None


#: (define, connect) of every roster kind.
HANDLERS: dict[RosterKind, tuple[Step, Step]] = {
    RosterKind.AREAS: (_define_area, _connect_area),
    RosterKind.ORGS: (_define_org, _connect_org),
    RosterKind.UNITS: (_define_unit, _connect_unit),
    RosterKind.HOUSEHOLDS: (_define_household, _connect_household),
    RosterKind.MEMBERS: (_define_member, _connect_member),
    RosterKind.GRID_STAFF: (_define_staff, _connect_staff),
    RosterKind.CONTACTS: (_nothing, _connect_contact),
    RosterKind.REGISTRATIONS: (_nothing, _connect_registration),
    RosterKind.LIAISON: (_define_liaison, _connect_liaison),
    RosterKind.PROJECTS: (_define_project, _connect_project),
    RosterKind.OWNERS_COMMITTEES: (_define_owner, _connect_owner),
}
