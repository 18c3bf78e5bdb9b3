"""What each roster row means in the graph: the nodes it defines and the links it makes.

Every handler has two steps, run over all rows of an import in :data:`~importers.rosters.IMPORT_ORDER`:
``define`` (the nodes a row describes) and then ``connect`` (its links, whose ends must exist in
the store or among the nodes the import defines). Either may raise
:class:`~importers.plan.RowProblem`, which rejects the row with the column at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from importers import rows as r
from importers import values
from importers.plan import Plan, RowOps, RowProblem, Source
from importers.rosters import RosterKind
from orggraph.codes import looks_like_credit_code
from orggraph.errors import InvalidValueError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import (
    Building,
    OwnersCommittee,
    PartyOrg,
    Person,
    Project,
    Unit,
    code_of,
    node_id,
)
from orggraph.model.schema import UNIT_PLACES
from orggraph.pii import PiiKey, mask_id_number, mask_phone

K = NodeKind
AREA = (K.DISTRICT, K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND)
#: What a code looks like (组织编码, 单位编码): anything else in a code-or-name column is a name.
_CODE_LIKE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]*")
#: The code of an external org or unit known only by its name: ``区外-<name>``.
EXTERNAL_PREFIX = "区外-"


def area(code: str) -> str:
    return node_id(K.COMMUNITY, code)


class Context:
    """What handlers share: the plan, the key for persons, and lazily built look-ups."""

    def __init__(self, plan: Plan, key: PiiKey, resolve_address: Callable[[str], str]) -> None:
        self.plan = plan
        self.key = key
        self.resolve_address = resolve_address
        self._compounds_by_name: dict[str, list[str]] | None = None
        self._persons: dict[str, str] = {}
        self._by_name: dict[NodeKind, dict[str, list[str]]] = {}
        #: The members of this import's members roster, each with the org it puts him in.
        self.listed: dict[str, str] = {}
        self._said: dict[tuple[RosterKind, str], tuple[bool, Source]] = {}

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

    def person(self, row: r.PersonRow, ops: RowOps, **fields: Any) -> str:
        """Define the person of a row, merging what the store knows with what this row says."""
        return self.define_person(row.id_number, row.name, ops, **fields)

    def define_person(self, id_number: str, name: str | None, ops: RowOps, **fields: Any) -> str:
        """Define the person of ``id_number``; ``name`` ``None`` keeps the name already known."""
        pid = self.person_id(id_number)
        masked = mask_id_number(id_number)
        earlier = self.plan.nodes.get(pid)
        if name is not None and earlier is not None and earlier[0].get("name") not in (None, name):
            source = earlier[1]
            raise RowProblem(
                "name",
                f"ID number {masked} is {earlier[0].get('name')!r} at {source.file} row {source.row}, here {name!r}",
                f"身份证号 {masked} 在 {source.file} 第{source.row}行为“{earlier[0].get('name')}”，此处为“{name}”",
                name,
            )
        given = {k: v for k, v in fields.items() if v is not None}
        made = Person.from_id_number(self.key, id_number, name=name, **given).to_attrs()
        stored = self.plan.store.node(pid)
        base = dict(earlier[0]) if earlier else (dict(stored) if stored and "ended" not in stored else {})
        if name is None:
            made.pop("name", None)
        ops.node(pid, {**base, **made})
        return pid

    # -- orgs and units named by code or name, the district's or outside it ------------------------

    def ref(self, kind: NodeKind, text: str, column: str, ops: RowOps) -> str:
        """A Party org or work unit named by code or by name: the one the store or this import holds,
        else a node marked external (区外) made from this row (the world is open: a member's org may be
        a provincial unit's branch that no roster of the district lists)."""
        code = text.strip()
        if kind is K.UNIT and looks_like_credit_code(code.replace(" ", "").upper()):
            try:  # a credit code is checked (GB 32100) like any other
                code = values.credit_or_unit_code(code)
            except InvalidValueError as exc:
                raise RowProblem(column, exc.message, exc.message_zh, code) from exc
        by_code = node_id(kind, code)
        if self.plan.exists(by_code, kind):
            return by_code
        found = [n for n in self._names(kind).get(code, []) if self.plan.exists(n, kind)]
        if len(found) > 1:
            raise RowProblem(
                column,
                f"{kind.zh} name {code!r} is not unique; give its code",
                f"{kind.zh}名称“{code}”不唯一，请填编码",
                code,
            )
        if found:
            return found[0]
        named = not _CODE_LIKE.fullmatch(code)
        made = node_id(kind, f"{EXTERNAL_PREFIX}{code}" if named else code)
        attrs: dict[str, Any] = {"kind": kind.value, "external": True}
        if named:
            attrs["name"] = code
            self._names(kind).setdefault(code, []).append(made)
        ops.node(made, attrs)
        ops.warn(
            column,
            f"{kind.value} {code!r} is on no roster of the district: recorded as outside the district (区外)",
            f"{kind.zh}“{code}”不在本区名册中，记为区外{kind.zh}",
            code,
        )
        return made

    def _names(self, kind: NodeKind) -> dict[str, list[str]]:
        """The orgs or units of the store and of this import by name (built once per kind)."""
        index = self._by_name.get(kind)
        if index is None:
            index = {}
            for nid, attrs in self.plan.store.nodes(kind, as_of=self.plan.day):
                if attrs.get("name"):
                    index.setdefault(str(attrs["name"]), []).append(nid)
            for nid, (attrs, _) in self.plan.nodes.items():
                if attrs["kind"] == kind.value and attrs.get("name") and nid not in index.get(str(attrs["name"]), []):
                    index.setdefault(str(attrs["name"]), []).append(nid)
            self._by_name[kind] = index
        return index

    # -- Party membership: a fact about a person, the members roster its authority ----------------

    def authority_org(self, pid: str) -> str | None:
        """The org the members roster puts ``pid`` in (this import's, else the store's), or None."""
        found = self.listed.get(pid)
        if found is not None:
            return found
        stored = self.plan.store.node(pid)
        if stored is None or stored.get("party_member_source") not in (None, RosterKind.MEMBERS.value):
            return None
        for link in self.plan.store.links(pid, kind=LinkKind.MEMBER_OF, as_of=self.plan.day):
            return link.target
        return None

    def membership(self, pid: str, said: bool | None, org: str | None, ops: RowOps, column: str) -> dict[str, Any]:
        """The person fields a non-authority row (业委会, 网格人员, 双报到, 包联) sets for membership.

        The members roster is the authority: a row that disagrees with it (否 for a listed member, or
        another org) gives a warning and changes nothing. A row saying 是, or naming an org, for someone
        the members roster does not list records him as a member, with this roster as the source.
        Two rows of one roster that contradict each other are a problem of the second row.
        """
        if said is None and org is None:
            return {}
        member = True if said is None else said
        kind = ops.source.kind
        first = self._said.get((kind, pid))
        if first is not None and first[0] != member:
            shown = "是" if member else "否"
            raise RowProblem(
                column,
                f"是否党员 says {shown} here but the opposite at {first[1].file} row {first[1].row}",
                f"是否党员此处为“{shown}”，与 {first[1].file} 第{first[1].row}行相反",
                shown,
            )
        self._said[kind, pid] = (member, ops.source)
        authority = self.authority_org(pid)
        if authority is not None:
            if not member:
                ops.warn(
                    column,
                    "是否党员 says 否, but the members roster lists this person: kept as a member",
                    "是否党员填“否”，但党员名册有此人：仍记为党员",
                    "否",
                )
            elif org is not None and authority != org:
                ops.warn(
                    "org",
                    f"the members roster puts this person in {code_of(authority)}, not here: kept as the members roster says",
                    f"党员名册中此人在“{code_of(authority)}”，与此处不同：以党员名册为准",
                    code_of(org),
                )
            return {}
        if org is not None and not self.is_external(org, ops):
            ops.warn(
                "org",
                f"{code_of(org)} is an org of the district, but its members roster does not list this person: "
                "recorded as a Party member, not as a member of that org",
                f"“{code_of(org)}”是本区党组织，但党员名册中没有此人：记为党员，未记入该组织",
                code_of(org),
            )
        stated = self.plan.nodes.get(pid)
        other = stated[0].get("party_member_source") if stated else None
        if other not in (None, kind.value) and stated is not None and stated[0].get("party_member") != member:
            ops.warn(
                column,
                f"是否党员 differs from the {other} roster of this import: kept as that roster says",
                f"是否党员与本次导入的{RosterKind.parse(other).zh}名册不同：以先导入的名册为准",
                "是" if member else "否",
            )
            return {}
        return {"party_member": member, "party_member_source": kind.value}

    def member_of(self, pid: str, org: str | None, ops: RowOps) -> None:
        """Link ``pid`` to an org outside the district (MEMBER_OF) from a non-authority row, unless the
        members roster speaks for him. The members of the district's own orgs are the members roster's
        to list: a link from another roster would be ended by the next full members roster and made
        again by the next import of this one."""
        if org is not None and self.authority_org(pid) is None and self.is_external(org, ops):
            ops.link(LinkKind.MEMBER_OF, pid, org, start=self.plan.day)

    def is_external(self, node: str, ops: RowOps) -> bool:
        """Whether ``node`` is outside the district (made by this very row, by this import, or stored)."""
        for made, attrs in ops.nodes:
            if made == node and attrs.get("external") is True:
                return True
        return (self.plan.attrs(node) or {}).get("external") is True


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
    phone: dict[str, Any] = {}
    if row.phone:
        phone = {"phone_masked": mask_phone(row.phone), "phone_sealed": ctx.key.seal("phone", row.phone).hex()}
    unit = Unit(code=row.unit_code, name=row.name, unit_kind=row.kind, handles=row.handles, **phone)
    ops.node(unit.node_id, unit.to_attrs())


def _connect_unit(ctx: Context, row: r.UnitRow, ops: RowOps) -> None:
    me = node_id(K.UNIT, row.unit_code)
    if row.area_code:
        where = ctx.plan.require(area(row.area_code), UNIT_PLACES, "area_code", row.area_code, "区域名册")
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
    return household_attrs_of(row.room, row.residents, row.care_tags)


def household_attrs_of(room: str, residents: int | None, care_tags: list[str] | None) -> dict[str, Any]:
    """A household's attributes from its room, residents and care tags (``None``: the row leaves them blank)."""
    attrs: dict[str, Any] = {"kind": K.HOUSEHOLD.value, "room": room}
    if residents:
        attrs["residents"] = residents
    if care_tags:
        attrs["care_tags"] = list(care_tags)
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
    ctx.person(
        row,
        ops,
        phone=row.phone,
        gender=row.gender,
        status=row.status,
        party_member=True,
        party_member_source=RosterKind.MEMBERS.value,
    )
    if row.unit_code:
        ctx.ref(K.UNIT, row.unit_code, "unit_code", ops)
    ctx.listed[ctx.person_id(row.id_number)] = node_id(K.PARTY_ORG, row.org_code)


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
        ops.link(LinkKind.WORKS_AT, me, ctx.ref(K.UNIT, row.unit_code, "unit_code", ops), start=day)


def _member_fields(ctx: Context, row: Any, ops: RowOps, said: bool | None) -> dict[str, Any]:
    """A non-authority row's membership (是否党员, 所在党组织), its external org made in the define step."""
    org = ctx.ref(K.PARTY_ORG, row.org, "org", ops) if row.org else None
    return ctx.membership(ctx.person_id(row.id_number), said, org, ops, "is_party_member" if said is not None else "org")


def _link_org(ctx: Context, row: Any, ops: RowOps) -> None:
    if row.org:
        ctx.member_of(ctx.person_id(row.id_number), ctx.ref(K.PARTY_ORG, row.org, "org", ops), ops)


def _define_staff(ctx: Context, row: r.GridStaffRow, ops: RowOps) -> None:
    key = (row.grid_code, row.id_number, row.role)
    ctx.plan.claim(RosterKind.GRID_STAFF, key, ops.source, "id_number", mask_id_number(row.id_number))
    ctx.person(row, ops, phone=row.phone, **_member_fields(ctx, row, ops, row.is_party_member))


def _connect_staff(ctx: Context, row: r.GridStaffRow, ops: RowOps) -> None:
    grid = ctx.plan.require(area(row.grid_code), K.GRID, "grid_code", row.grid_code, "区域名册")
    ops.link(row.role.link, ctx.person_id(row.id_number), grid, start=ctx.plan.day)
    _link_org(ctx, row, ops)


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


def _define_registration(ctx: Context, row: r.RegistrationRow, ops: RowOps) -> None:
    """A personal registrant is a Party member (双报到 is in-service members registering where they
    live); one the store does not hold yet is defined by the row's 姓名, 联系电话, 工作单位, 所在党组织."""
    if row.kind is r.RegistrationKind.PERSONAL:
        assert row.id_number is not None
        if row.unit:
            ctx.ref(K.UNIT, row.unit, "unit", ops)
        fields = _member_fields(ctx, row, ops, True)
        pid = ctx.person_id(row.id_number)
        if fields or row.name or row.phone or not ctx.plan.exists(pid, K.PERSON):
            ctx.define_person(row.id_number, row.name, ops, phone=row.phone, **fields)
    else:
        assert row.unit_code is not None
        ctx.ref(K.UNIT, row.unit_code, "unit_code", ops)


def _connect_registration(ctx: Context, row: r.RegistrationRow, ops: RowOps) -> None:
    if row.kind is r.RegistrationKind.PERSONAL:
        assert row.id_number is not None
        who = ctx.person_id(row.id_number)
        shown, column = mask_id_number(row.id_number), "id_number"
        _link_org(ctx, row, ops)
        if row.unit:
            ops.link(LinkKind.WORKS_AT, who, ctx.ref(K.UNIT, row.unit, "unit", ops), start=ctx.plan.day)
    else:
        assert row.unit_code is not None
        shown, column = row.unit_code, "unit_code"
        who = ctx.ref(K.UNIT, row.unit_code, column, ops)
    ctx.plan.claim(RosterKind.REGISTRATIONS, who, ops.source, column, shown)
    community = ctx.plan.require(area(row.community_code), K.COMMUNITY, "community_code", row.community_code, "区域名册")
    attrs = {"tasks": row.tasks, "service_hours": _hours(row.service_hours)}
    ops.link(LinkKind.REGISTERED_WITH, who, community, start=row.registered_on, attrs=attrs, stated=True)


def _hours(hours: float | None) -> int | str | None:
    """Service hours as stored: whole hours a number, a fraction its decimal text (``"16.5"``) — the
    store holds no floating-point values (a Bolt server may round them; see :mod:`orggraph.store.bolt`)."""
    if hours is None or isinstance(hours, int):
        return hours
    return f"{hours:.6g}"


def _define_liaison(ctx: Context, row: r.LiaisonRow, ops: RowOps) -> None:
    key = (row.id_number, row.area_code)
    ctx.plan.claim(RosterKind.LIAISON, key, ops.source, "area_code", row.area_code)
    if row.unit_code:
        ctx.ref(K.UNIT, row.unit_code, "unit_code", ops)
    ctx.person(row, ops, rank=row.rank, phone=row.phone, **_member_fields(ctx, row, ops, None))


def _connect_liaison(ctx: Context, row: r.LiaisonRow, ops: RowOps) -> None:
    me = ctx.person_id(row.id_number)
    target = ctx.plan.require(area(row.area_code), (K.COMMUNITY, K.COMPOUND), "area_code", row.area_code, "区域名册")
    ops.link(LinkKind.LIAISES_WITH, me, target, start=row.since or ctx.plan.day, stated=row.since is not None)
    if row.unit_code:
        ops.link(LinkKind.WORKS_AT, me, ctx.ref(K.UNIT, row.unit_code, "unit_code", ops), start=ctx.plan.day)
    _link_org(ctx, row, ops)


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
    ctx.person(row, ops, **_member_fields(ctx, row, ops, row.is_party_member))
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
    _link_org(ctx, row, ops)
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
    RosterKind.REGISTRATIONS: (_define_registration, _connect_registration),
    RosterKind.LIAISON: (_define_liaison, _connect_liaison),
    RosterKind.PROJECTS: (_define_project, _connect_project),
    RosterKind.OWNERS_COMMITTEES: (_define_owner, _connect_owner),
}
