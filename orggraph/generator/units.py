"""Work units (单位), property management (物业管理) and Party-mass service centres (党群服务中心).

A district has its functional departments (职能部门), which between them handle every issue
category; its Party and government organs (机关) and a street office (街道办事处) per street;
public institutions, state and private enterprises, social organisations; and property companies
(物业企业), each serving the compounds of one street. Every unit is located in a community — but
every third functional department, registered at the district itself (区直单位) — and carries a valid
unified social credit code (统一社会信用代码) as its code.
"""

from __future__ import annotations

import random

from orggraph.generator import ids, names
from orggraph.generator.context import Context
from orggraph.generator.plans import CommunityPlan, DistrictPlan, UnitPlan
from orggraph.model.enums import UnitKind
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import ServiceCentre, Unit, node_id
from orggraph.pii import mask_phone

#: Credit-code registrar and type (登记管理部门码 + 机构类别码) by unit kind.
_REGISTRAR = {
    UnitKind.ORGAN: "11",
    UnitKind.DEPARTMENT: "11",
    UnitKind.INSTITUTION: "12",
    UnitKind.SOCIAL_ORG: "52",
    UnitKind.STATE_ENTERPRISE: "91",
    UnitKind.PRIVATE_ENTERPRISE: "91",
    UnitKind.PROPERTY_COMPANY: "91",
}
#: How the units beyond departments, core organs, street offices and property companies are shared.
_OTHER_SHARES = (
    (UnitKind.ORGAN, 0.06),
    (UnitKind.INSTITUTION, 0.22),
    (UnitKind.STATE_ENTERPRISE, 0.04),
    (UnitKind.PRIVATE_ENTERPRISE, 0.48),
    (UnitKind.SOCIAL_ORG, 0.20),
)
#: The organs every district has: district committee office, government office, organisation department.
CORE_ORGANS = 3
#: The sample districts' telephone area code (区号).
AREA_CODE = "0313"
#: Share of compounds without a property company (Hantang North: 27.5 %).
UNMANAGED_SHARE = 0.25
#: Every third functional department is located at the district itself (区直单位), not in a community.
DISTRICT_LEVEL_EVERY = 3
CITY = "张家口市"


def build_units(ctx: Context, district: DistrictPlan, *, others: int, property_companies: int) -> None:
    """Write the district's work units, where they are (LOCATED_IN) and what property companies manage.

    Parameters
    ----------
    ctx
        The generator run; everything goes to its ``units`` batch.
    district
        The district plan; its ``units`` list is filled, street offices and compounds' companies set.
    others
        How many units there are besides departments, core organs, street offices and property companies.
    property_companies
        How many property companies (物业企业) serve the district.
    """
    rng = ctx.rng
    communities = district.communities
    d = district.name

    def add(name: str, kind: UnitKind, where: CommunityPlan, handles: tuple[str, ...] = ()) -> UnitPlan:
        code = ids.credit_code(rng, district.code, _REGISTRAR[kind])
        unit = UnitPlan(node_id(NodeKind.UNIT, code), name, kind, where, handles)
        unit.org = node_id(NodeKind.PARTY_ORG, f"PU{code}")
        district.units.append(unit)
        return unit

    for name, handles in names.DEPARTMENTS:
        add(d + name, UnitKind.DEPARTMENT, rng.choice(communities), handles)
    counts = {kind: max(1, round(share * others)) for kind, share in _OTHER_SHARES}
    organs = names.ORGANS[: CORE_ORGANS + counts.pop(UnitKind.ORGAN)]
    for name in organs:
        add(d + name, UnitKind.ORGAN, rng.choice(communities))
    for street in district.streets:
        street.office = add(f"{street.name}办事处", UnitKind.ORGAN, rng.choice(street.communities))
    pools = {
        UnitKind.INSTITUTION: names.institution_candidates(d),
        UnitKind.STATE_ENTERPRISE: names.state_enterprise_candidates(d),
        UnitKind.PRIVATE_ENTERPRISE: names.private_enterprise_candidates(CITY),
        UnitKind.SOCIAL_ORG: names.social_org_candidates(d),
    }
    for kind, count in counts.items():
        for name in names.unique_names(rng, pools[kind], count):
            add(name, kind, rng.choice(communities))
    companies = [
        add(name, UnitKind.PROPERTY_COMPANY, rng.choice(district.streets[i % len(district.streets)].communities))
        for i, name in enumerate(names.unique_names(rng, names.property_company_candidates(CITY), property_companies))
    ]
    for company in ctx.pick(companies, 0.15):
        company.org = None
        ctx.flag("property-company-without-party-org", company.node_id)
    _write_units(ctx, district)
    _manage_compounds(ctx, district, companies)


def _phone(ctx: Context, code: str) -> dict[str, str]:
    """Most units' office landline (its own random stream: adding it moves no other value); every
    fifth with an extension, one in six with none."""
    rng = random.Random(f"{ctx.seed}:unit-phone:{code}")
    if rng.random() < 1 / 6:
        return {}
    phone = ids.landline(rng, AREA_CODE, extension=rng.random() < 0.2)
    return {"phone_masked": mask_phone(phone), "phone_sealed": ctx.key.seal("phone", phone).hex()}


def _write_units(ctx: Context, district: DistrictPlan) -> None:
    batch = ctx.batch("units")
    departments = 0
    for unit in district.units:
        code = unit.node_id.split(":", 1)[1]
        batch.put(Unit(code=code, name=unit.name, unit_kind=unit.kind, handles=list(unit.handles), **_phone(ctx, code)))
        where = unit.community.node_id
        if unit.kind is UnitKind.DEPARTMENT:
            departments += 1
            if departments % DISTRICT_LEVEL_EVERY == 0:
                where = district.node_id  # registered at the district (区直单位), in no street
                unit.at_district = True
        batch.link(LinkKind.LOCATED_IN, unit.node_id, where, start=ctx.start())


def _manage_compounds(ctx: Context, district: DistrictPlan, companies: list[UnitPlan]) -> None:
    """Give about three compounds in four a property company of their street (MANAGES, 物业管理)."""
    batch = ctx.batch("units")
    compounds = district.compounds
    unmanaged = {c.node_id for c in ctx.pick(compounds, UNMANAGED_SHARE)}
    for compound in compounds:
        if compound.node_id in unmanaged:
            ctx.flag("compound-without-property-management", compound.node_id)
            continue
        street = compound.community.street
        local = [c for c in companies if c.community.street is street] or companies
        compound.property_company = ctx.rng.choice(local)
        batch.link(LinkKind.MANAGES, compound.property_company.node_id, compound.node_id, start=ctx.start())


def build_service_centres(ctx: Context, district: DistrictPlan) -> None:
    """A Party-mass service centre (党群服务中心) per street and per community: SERVES and LOCATED_IN it.

    Most have 500 m² or more; about one community centre in ten is smaller.
    """
    rng = ctx.rng
    batch = ctx.batch("service-centres")
    places: list[tuple[str, str, str, int]] = []
    for street in district.streets:
        places.append((street.node_id, street.code, street.name, rng.randint(800, 3000)))
        for community in street.communities:
            area = rng.randint(200, 499) if rng.random() < 0.1 else rng.randint(500, 1500)
            places.append((community.node_id, community.code, community.name, area))
    for area_id, code, name, floor_area in places:
        hours = rng.choice(("08:30-17:30", "08:00-18:00", "08:00-20:00", "09:00-21:00"))
        centre = ServiceCentre(code=f"SC{code}", name=f"{name}党群服务中心", floor_area_m2=floor_area, opening_hours=hours)
        since = ctx.start()
        batch.put(centre)
        batch.link(LinkKind.SERVES, centre.node_id, area_id, start=since)
        batch.link(LinkKind.LOCATED_IN, centre.node_id, area_id, start=since)
