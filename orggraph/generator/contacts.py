"""1 + 10 contacts (联系户) and central households (单元党员中心户).

Every member who is not away (流动党员 are) keeps contact with eight to twelve households, nearest
first: the entrance he or she lives in, then the building, then the basic grid. A few dozen members
carry 16–25 households (``member-over-capacity``). Some households are left out on purpose and some
are left over where the grid's members are full: both are ``household-uncontacted``.

An entrance's central household is the home of one of the members living there; entrances with no
member, and a few others, have none (``entrance-without-central-household``).
"""

from __future__ import annotations

from orggraph.generator.context import Context
from orggraph.generator.plans import DistrictPlan, GridPlan, PersonPlan
from orggraph.model.enums import MemberStatus
from orggraph.model.kinds import LinkKind

#: Households a member usually contacts, and the range given to over-loaded members.
USUAL_LOAD = (8, 12)
OVER_LOAD = (16, 25)
#: Share of contacting members who are over-loaded (a few dozen in a district).
OVER_SHARE = 0.001
#: Share of households left out on purpose (more are left over where members are full).
LEFT_OUT_SHARE = 0.02
#: Share of entrances with a member but no central household.
NO_CENTRAL_SHARE = 0.03
_CONTACTS = LinkKind.CONTACTS.value


class _Contacts:
    """Who contacts whom: the load and target of every contacting member."""

    def __init__(self, ctx: Context, district: DistrictPlan) -> None:
        self.ctx = ctx
        self.ops = ctx.batch("contacts").ops
        contacting = [m for m in district.members if m.status is not MemberStatus.MOBILE]
        over = set(ctx.pick(contacting, OVER_SHARE))
        rng = ctx.rng
        self.target = {m: rng.randint(*(OVER_LOAD if m in over else USUAL_LOAD)) for m in contacting}
        self.since = {m: ctx.start() for m in contacting}
        self.load = dict.fromkeys(contacting, 0)
        self.over: dict[PersonPlan, list[str]] = {m: [] for m in contacting if m in over}
        self.contacted: set[str] = set()

    def contact(self, member: PersonPlan, household: str) -> None:
        self.load[member] += 1
        self.contacted.add(household)
        if member in self.over:
            self.over[member].append(household)
        self.ops.append(("link", _CONTACTS, member.node_id, household, self.since[member], None))

    def grid(self, grid: GridPlan, left_out: set[str]) -> None:
        """Give each household of ``grid`` the nearest member with room to spare."""
        load, target = self.load, self.target
        in_grid = [m for b in grid.buildings for m in b.members if m in target]
        for building in grid.buildings:
            in_building = [m for m in building.members if m in target]
            for entrance in building.entrances:
                nearest = [m for m in entrance.members if m in target] + in_building + in_grid
                for household in entrance.households:
                    if household in left_out:
                        continue
                    for member in nearest:
                        if load[member] < target[member] and member.household != household:
                            self.contact(member, household)
                            break
        for member in in_grid:
            self._overload(member, grid, left_out)

    def _overload(self, member: PersonPlan, grid: GridPlan, left_out: set[str]) -> None:
        """Top an over-loaded member up to his or her target from the grid, uncontacted households first."""
        missing = self.target[member] - self.load[member]
        if missing <= 0 or member not in self.over:
            return
        households = [
            h for b in grid.buildings for e in b.entrances for h in e.households if h not in left_out and h != member.household
        ]
        mine = set(self.over[member])
        households = [h for h in households if h not in mine]
        households.sort(key=lambda h: h in self.contacted)
        for household in households[:missing]:
            self.contact(member, household)


def write_contacts(ctx: Context, district: DistrictPlan) -> None:
    """Write the 1 + 10 contacts (CONTACTS) and central households (CENTRAL_HOUSEHOLD_OF)."""
    all_households = [h for b in district.buildings for e in b.entrances for h in e.households]
    left_out = set(ctx.pick(all_households, LEFT_OUT_SHARE))
    contacts = _Contacts(ctx, district)
    for grid in district.basic_grids:
        contacts.grid(grid, left_out)
    for household in all_households:
        if household not in contacts.contacted:
            ctx.flag("household-uncontacted", household)
    for member in contacts.over:
        if contacts.load[member] > USUAL_LOAD[1]:
            ctx.flag("member-over-capacity", member.node_id)
    _central_households(ctx, district)


def _central_households(ctx: Context, district: DistrictPlan) -> None:
    """A member's household as each entrance's central household (单元党员中心户), retired members first."""
    batch = ctx.batch("contacts")
    entrances = [e for b in district.buildings for e in b.entrances]
    skipped = {e.node_id for e in ctx.pick([e for e in entrances if e.members], NO_CENTRAL_SHARE)}
    for entrance in entrances:
        if not entrance.members or entrance.node_id in skipped:
            ctx.flag("entrance-without-central-household", entrance.node_id)
            continue
        home = min(entrance.members, key=lambda m: m.status is not MemberStatus.RETIRED).household
        assert home is not None
        batch.link(LinkKind.CENTRAL_HOUSEHOLD_OF, home, entrance.node_id, start=ctx.start())
