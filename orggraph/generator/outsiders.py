"""Party members from outside the district (区外党员), and the orgs and units outside it they belong to.

The world is open: an in-service member of a provincial or city unit (or a 流入党员) registers with the
community where he or she lives (双报到), sits on the compound's owners' committee, or leads a grid as
a cadre sent down (下沉干部), and the district's members roster never lists him or her. Such a person
is known only from the roster he or she is on — name, ID number, phone, 是否党员 = 是, and the org
(所在党组织) and unit (工作单位) by their names, which no roster of the district defines: nodes marked
``external`` (区外), code ``区外-<name>``.

* about one community in four gets one outsider registrant (with org and unit);
* about one owners' committee in four that has Party members gets one outsider seat (half of them
  with their org named);
* about one basic grid in ten gets a second grid leader (网格长) from outside, with his or her org.

They are drawn from a random source of their own (seeded by the run's seed and the district's code),
so the rest of the district is the same with or without them.
"""

from __future__ import annotations

import random
from typing import TypeVar

from orggraph.generator import ids
from orggraph.generator.context import Context
from orggraph.generator.names import person_name
from orggraph.generator.plans import DistrictPlan
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import PartyOrg, Person, Unit, node_id

T = TypeVar("T")

#: Orgs outside the district (by name, as rosters carry them) and the unit each belongs to.
EXTERNAL: tuple[tuple[str, str], ...] = (
    ("省发改委机关第二党支部", "省发展和改革委员会"),
    ("市住建局机关党支部", "市住房和城乡建设局"),
    ("国网省电力公司第三党支部", "国网省电力公司"),
    ("市第一中学党总支", "市第一中学"),
    ("省交通运输厅机关党委", "省交通运输厅"),
)
#: The code prefix of a node known only by its name (what the importers give it too).
EXTERNAL_PREFIX = "区外-"
REGISTRANT_SHARE = 0.25
COMMITTEE_SHARE = 0.25
GRID_LEADER_SHARE = 0.10


def external_org(name: str) -> str:
    return node_id(NodeKind.PARTY_ORG, f"{EXTERNAL_PREFIX}{name}")


def external_unit(name: str) -> str:
    return node_id(NodeKind.UNIT, f"{EXTERNAL_PREFIX}{name}")


def write_outsiders(ctx: Context, district: DistrictPlan) -> None:
    """Write the outsiders of ``district``: registrants, committee seats and grid leaders (see the module)."""
    rng = random.Random(f"{ctx.seed}:outsiders:{district.code}")
    persons, members = ctx.batch("persons"), ctx.batch("members")
    used: set[str] = set()

    def org_of(name: str, unit: str | None) -> tuple[str, str | None]:
        org = external_org(name)
        if org not in used:
            used.add(org)
            ctx.batch("orgs").put(PartyOrg(code=f"{EXTERNAL_PREFIX}{name}", name=name, external=True))
        if unit is None:
            return org, None
        made = external_unit(unit)
        if made not in used:
            used.add(made)
            ctx.batch("units").put(Unit(code=f"{EXTERNAL_PREFIX}{unit}", name=unit, external=True))
        return org, made

    def outsider(source: str, *, phone: bool, org: bool, unit: bool) -> str:
        number = ctx.new_id_number(rng, rng.choice(("130102", "130602", "110105", "130702")), ages=(26, 58))
        org_name, unit_name = rng.choice(EXTERNAL)
        person = Person.from_id_number(
            ctx.key,
            number,
            name=person_name(rng, male=rng.random() < 0.5),
            phone=ids.mobile(rng) if phone else None,
            party_member=True,
            party_member_source=source,
        )
        persons.put(person)
        if org:
            org_id, unit_id = org_of(org_name, unit_name if unit else None)
            members.link(LinkKind.MEMBER_OF, person.node_id, org_id, start=ctx.day(rng.randint(400, 2000)))
            if unit_id is not None:
                members.link(LinkKind.WORKS_AT, person.node_id, unit_id, start=ctx.day(rng.randint(400, 2000)))
        return person.node_id

    registration = ctx.batch("registration")
    for community in _pick(rng, district.communities, REGISTRANT_SHARE):
        who = outsider("registrations", phone=True, org=True, unit=True)
        attrs = {"tasks": rng.randint(0, 6), "service_hours": rng.randint(0, 120)}
        registration.link(LinkKind.REGISTERED_WITH, who, community.node_id, start=ctx.day(rng.randint(30, 900)), attrs=attrs)
    committees = ctx.batch("owners-committees")
    for compound in _pick(rng, district.party_committees, COMMITTEE_SHARE):
        who = outsider("owners_committees", phone=False, org=rng.random() < 0.5, unit=False)
        committee = node_id(NodeKind.OWNERS_COMMITTEE, compound.code)
        committees.link(LinkKind.SITS_ON, who, committee, start=ctx.day(rng.randint(30, 900)), attrs={"post": "委员"})
    staff = ctx.batch("grid-staff")
    for grid in _pick(rng, district.basic_grids, GRID_LEADER_SHARE):
        who = outsider("grid_staff", phone=True, org=True, unit=False)
        staff.link(LinkKind.GRID_LEADER_OF, who, grid.node_id, start=ctx.day(rng.randint(30, 900)))


def _pick(rng: random.Random, items: list[T], share: float) -> list[T]:
    """About ``share`` of ``items`` (at least one when there are any), in their order."""
    if not items:
        return []
    count = min(len(items), max(1, round(share * len(items))))
    return [items[i] for i in sorted(rng.sample(range(len(items)), count))]
