"""The roles of the escalation policy (响应角色), each answered by one function over a :class:`Place`.

Household roles — the contacting member (联系党员, 1+10) and the central household (单元党员中心户) —
depend on the household; every other role depends only on the household's areas (building, grid,
compound, community, street) and is kept per area (:meth:`Place.cached`). A function returns the
:class:`~queries.reading.model.Answer` s or a :class:`Vacancy` saying why nobody answers.
"""

from __future__ import annotations

from orggraph.store.view import DayView, first
from queries.reading.model import Answer, Hop
from queries.reading.place import RESPONSIBLE, Answered, Place, RawHop, Role, Vacancy, lead_of, led_by

#: Grid roles: the link person → grid, and the role's Chinese and English names for reasons.
_GRID_ROLES = {
    "grid_worker": ("GRID_WORKER_OF", "专职网格员", "grid worker"),
    "grid_leader": ("GRID_LEADER_OF", "网格长", "grid leader"),
    "community_worker": ("COMMUNITY_WORKER_OF", "社区工作者", "community worker"),
    "property_manager": ("PROPERTY_MANAGER_OF", "物业管理员", "property manager"),
    "enforcement_officer": ("ENFORCEMENT_OFFICER_OF", "执法队员", "enforcement officer"),
}


def contacting_member(place: Place, category: str, deputies: bool) -> Answered:
    """联系党员 (1+10): the members who keep contact with the household (CONTACTS into it)."""
    names, household = place.names, place.household
    found = tuple(
        Answer(
            names.person(p),
            None,
            names.own_org(p),
            place.home,
            False,
            (names.hop(p, "CONTACTS", "out"),),
            "联系该户（1+10）",
            "contacts this household (1+10)",
        )
        for p in sorted(place.reader.into(household, "CONTACTS"))
    )
    return found or Vacancy("无党员联系该户（1+10）", "no Party member contacts this household (1+10)")


def central_household(place: Place, category: str, deputies: bool) -> Answered:
    """单元党员中心户: the members living in the central household of the household's entrance."""
    entrance = place.entrance
    if entrance is None:
        return Vacancy("该户不在任何单元", "the household is in no entrance")
    key = ("central_household", entrance)
    found = place.names.answers.get(key)
    if found is None:
        found = place.names.answers[key] = _central(place, entrance, None)
    central, answered = found
    if central is not None and central == place.household:
        return _central(place, entrance, central)[1]
    return answered


def _central(place: Place, entrance: str, home: str | None) -> tuple[str | None, Answered]:
    """The members living in the entrance's central household, as seen from another household of the
    entrance, or from ``home`` — the central household itself."""
    reader, names = place.reader, place.names
    where = place.name(reader.parent(entrance, "PART_OF")) + place.name(entrance)
    central = first(reader.into(entrance, "CENTRAL_HOUSEHOLD_OF"))
    if central is None:
        return None, Vacancy(f"单元{where}无党员中心户", f"entrance {where} has no central household")
    found = []
    for person in sorted(reader.into(central, "LIVES_IN")):
        org = names.own_org(person)
        if org is None:
            continue
        lead: tuple[Hop, ...]
        if home is not None:
            lead = (names.hop(person, "LIVES_IN", "out"),)
            zh, en = f"住在本户（{where}的单元党员中心户）", f"lives in this household, the central household of entrance {where}"
            area = place.home
        else:
            lead = lead_of(names, [(person, "LIVES_IN", "out"), (central, "CENTRAL_HOUSEHOLD_OF", "out")])
            zh, en = f"住在{where}的单元党员中心户", f"lives in the central household of entrance {where}"
            area = names.ref(entrance)
        found.append(Answer(names.person(person), None, org, area, False, lead, zh, en))
    if found:
        return central, tuple(found)
    return central, Vacancy(f"单元{where}的中心户无党员居住", f"no Party member lives in the central household of {where}")


def building_group_leader(place: Place, category: str, deputies: bool) -> Answered:
    """楼栋党小组长: the secretary of the group RESPONSIBLE_FOR the household's building (楼栋)."""
    building = place.building
    if building is None:
        return Vacancy("该户不在任何楼栋", "the household is in no building")

    def compute() -> Answered:
        assert building is not None
        name = place.name(building)
        orgs = sorted(place.reader.into(building, RESPONSIBLE))
        if not orgs:
            return Vacancy(f"楼栋{name}未建党小组", f"building {name} has no Party group")
        found = led_by(place, orgs, building, deputies, f"负责楼栋{name}的党小组", f"the group responsible for building {name}")
        return found or Vacancy(
            f"负责楼栋{name}的党小组组长空缺", f"the group responsible for building {name} has no leader in post"
        )

    return place.cached(("building_group_leader", building, deputies), compute)


def _grid_role(role: str) -> Role:
    link, role_zh, role_en = _GRID_ROLES[role]

    def answer(place: Place, category: str, deputies: bool) -> Answered:
        """Grid staff (一格三员, 网格长, 执法队员) of one role in the household's basic grid (基础网格)."""
        grid, names = place.grid, place.names
        if grid is None:
            return Vacancy("该户不在任何基础网格", "the household is in no basic grid")

        def compute() -> Answered:
            assert grid is not None
            name = place.name(grid)
            found = tuple(
                Answer(
                    names.person(p),
                    None,
                    names.own_org(p),
                    names.ref(grid),
                    False,
                    (names.hop(p, link, "out"),),
                    f"该户所在网格{name}的{role_zh}",
                    f"{role_en} of grid {name}, this household's basic grid",
                )
                for p in sorted(place.reader.into(grid, link))
            )
            return found or Vacancy(f"网格{name}无{role_zh}", f"grid {name} has no {role_en}")

        return place.cached((role, grid), compute)

    return answer


def branch_secretary(place: Place, category: str, deputies: bool) -> Answered:
    """支部书记: the secretaries of the branches RESPONSIBLE_FOR the household's compound (小区) or grid."""
    areas = [a for a in (place.compound, place.grid) if a is not None]

    def compute() -> Answered:
        found: list[Answer] = []
        branches = 0
        for area in areas:
            orgs = [
                o for o in sorted(place.reader.into(area, RESPONSIBLE)) if (place.reader.node(o) or {}).get("org_kind") != "group"
            ]
            branches += len(orgs)
            name = place.name(area)
            zh, en = ("小区", "compound") if area == place.compound else ("网格", "grid")
            found += led_by(place, orgs, area, deputies, f"负责{zh}{name}的党支部", f"the branch responsible for {en} {name}")
        where = "、".join(place.name(a) for a in areas) or "—"
        if found:
            return tuple(found)
        if not branches:
            return Vacancy(f"{where}未建党支部", f"no Party branch is responsible for {where}")
        return Vacancy(f"负责{where}的党支部书记空缺", f"the branch responsible for {where} has no secretary in post")

    return place.cached(("branch_secretary", *areas, deputies), compute)


def _area_secretary(attr: str, kind_zh: str, kind_en: str) -> Role:
    def answer(place: Place, category: str, deputies: bool) -> Answered:
        """The secretary (书记) of the org RESPONSIBLE_FOR the household's community (社区) or street (街道)."""
        area: str | None = getattr(place, attr)
        if area is None:
            return Vacancy(f"该户不在任何{kind_zh}", f"the household is in no {kind_en}")

        def compute() -> Answered:
            assert area is not None
            name = place.name(area)
            orgs = sorted(place.reader.into(area, RESPONSIBLE))
            if not orgs:
                return Vacancy(f"{kind_zh}{name}无负责的党组织", f"no Party org is responsible for {kind_en} {name}")
            found = led_by(place, orgs, area, deputies, f"负责{kind_zh}{name}", f"responsible for {kind_en} {name}")
            return found or Vacancy(
                f"负责{kind_zh}{name}的党组织书记空缺", f"the org responsible for {kind_en} {name} has no secretary"
            )

        return place.cached((attr, area, deputies), compute)

    return answer


def liaison_leader(place: Place, category: str, deputies: bool) -> Answered:
    """处级包联领导: division-level (处级) cadres LIAISES_WITH the household's community."""
    community, reader, names = place.community, place.reader, place.names
    if community is None:
        return Vacancy("该户不在任何社区", "the household is in no community")

    def compute() -> Answered:
        assert community is not None
        name = place.name(community)
        found = []
        for person in sorted(reader.into(community, "LIAISES_WITH")):
            attrs = reader.node(person)
            if attrs is None or attrs.get("kind") != "person" or attrs.get("rank") != "division":
                continue
            unit = reader.parent(person, "WORKS_AT")
            lead = (names.hop(person, "LIAISES_WITH", "out"),)
            zh, en = f"包联{name}的处级领导", f"division-level leader liaising with {name}"
            unit_ref = names.unit(unit) if unit is not None else None
            found.append(Answer(names.person(person), unit_ref, names.own_org(person), names.ref(community), False, lead, zh, en))
        return tuple(found) or Vacancy(f"社区{name}无处级包联领导", f"community {name} has no division-level liaison leader")

    return place.cached(("liaison_leader", community), compute)


def _departments(reader: DayView) -> dict[str, list[str]]:
    by_category: dict[str, list[str]] = {}
    for node, attrs in reader.candidates("unit"):
        if attrs.get("unit_kind") == "department":
            for category in attrs.get("handles") or ():
                by_category.setdefault(str(category), []).append(node)
    return by_category


def handled_categories(reader: DayView) -> dict[str, list[str]]:
    """Issue category → the functional departments (职能部门) that handle it (built once per reader state)."""
    return reader.memo("escalation.departments", lambda: _departments(reader))


def department(place: Place, category: str, deputies: bool) -> Answered:
    """职能部门: departments whose ``handles`` has ``category`` — those located in the household's street,
    else the district's, else any (not placed in either)."""
    reader, names, street, district = place.reader, place.names, place.street, place.district

    def compute() -> Answered:
        placed: dict[str, list[tuple[str, list[RawHop]]]] = {"street": [], "district": [], "elsewhere": []}
        for unit in handled_categories(reader).get(category, ()):
            if reader.node(unit) is None:
                continue
            lead: list[RawHop] = [(unit, "LOCATED_IN", "out")]
            node = reader.parent(unit, "LOCATED_IN")
            while node is not None and node not in (street, district) and len(lead) < 10:
                lead.append((node, "PART_OF", "out"))
                node = reader.parent(node, "PART_OF")
            key = "elsewhere" if node is None or node not in (street, district) else "street" if node == street else "district"
            placed[key].append((unit, lead if key != "elsewhere" else [(unit, None, None)]))
        for key, area, zh, en in (
            ("street", street, f"位于{place.name(street)}", f"located in {place.name(street)}"),
            ("district", district, f"{place.name(district)}的职能部门", f"of {place.name(district)}"),
            ("elsewhere", None, "不在本街道或本区登记", "not placed in this street or district"),
        ):
            found = tuple(
                Answer(
                    None,
                    names.unit(unit),
                    None,
                    names.ref(area) if area is not None else None,
                    False,
                    lead_of(names, lead),
                    f"处理“{category}”类事项（{zh}）",
                    f"handles {category} issues ({en})",
                )
                for unit, lead in placed[key]
            )
            if found:
                return found
        return Vacancy(f"没有处理“{category}”类事项的职能部门", f"no functional department handles {category} issues")

    return place.cached(("department", street, district, category), compute)


#: The roles whose answers depend on the household itself; every other role depends only on its areas.
HOUSEHOLD_ROLES = frozenset({"contacting_member", "central_household"})

#: The function that answers each role.
ROLES: dict[str, Role] = {
    "contacting_member": contacting_member,
    "central_household": central_household,
    "building_group_leader": building_group_leader,
    **{role: _grid_role(role) for role in _GRID_ROLES},
    "branch_secretary": branch_secretary,
    "community_secretary": _area_secretary("community", "社区", "community"),
    "liaison_leader": liaison_leader,
    "street_secretary": _area_secretary("street", "街道", "street"),
    "department": department,
}
