"""Liaison (包联): division-level cadres (处级领导) and district units assigned to communities.

The norm is two to three division-level liaison leaders per community (Xiahuayuan: 30 leaders and
81 units for 13 communities). Each division-level cadre liaises with one to three communities;
section-level cadres (科级) liaise with communities or compounds but do not count toward the norm.
A few communities get only one division-level leader (``community-few-liaison-leaders``), and a few
cadres have an earlier, ended assignment (history kept).
"""

from __future__ import annotations

from orggraph.generator.context import Context
from orggraph.generator.people import employ, reserve
from orggraph.generator.plans import CommunityPlan, DistrictPlan, PersonPlan
from orggraph.model.enums import MemberStatus, Rank, UnitKind
from orggraph.model.kinds import LinkKind

#: Share of communities left with one division-level leader.
FEW_LEADERS_SHARE = 0.05
#: Share of communities with three division-level leaders (the rest have two).
THREE_LEADERS_SHARE = 0.45
#: Section-level cadres, relative to division-level ones.
SECTION_SHARE = 0.18
#: Share of cadres with an ended earlier assignment.
ENDED_SHARE = 0.08
_SENDING_UNITS = (UnitKind.ORGAN, UnitKind.DEPARTMENT, UnitKind.INSTITUTION, UnitKind.STATE_ENTERPRISE)


def assign_liaison(ctx: Context, district: DistrictPlan) -> None:
    """Pick the liaison cadres among in-service members, place them at district units, and link them.

    Must run before the other in-service members get units: a cadre's unit is where he or she
    is sent from.
    """
    rng = ctx.rng
    communities = district.communities
    few = {c.node_id for c in ctx.pick(communities, FEW_LEADERS_SHARE)}
    wanted = [1 if c.node_id in few else 3 if rng.random() < THREE_LEADERS_SHARE else 2 for c in communities]
    slots = [c for r in range(3) for c, n in zip(communities, wanted, strict=True) if n > r]
    chunks: list[list[CommunityPlan]] = []  # the communities of each division-level cadre
    size = 0
    for community in slots:
        if chunks and len(chunks[-1]) < size and community not in chunks[-1]:
            chunks[-1].append(community)
        else:
            chunks.append([community])
            size = rng.choice((1, 2, 2, 3, 3))
    in_service = [m for m in district.members if m.status is MemberStatus.IN_SERVICE]
    sending = district.units_of(*_SENDING_UNITS)
    batch = ctx.batch("liaison")
    cadres = reserve(ctx, in_service, len(chunks) + round(SECTION_SHARE * len(chunks)))
    leaders = dict.fromkeys((c.node_id for c in communities), 0)
    for i, cadre in enumerate(cadres):
        employ(cadre, rng.choice(sending))
        if i < len(chunks):
            cadre.rank = Rank.DIVISION
            targets = [c.node_id for c in chunks[i]]
            for target in targets:
                leaders[target] += 1
        else:
            cadre.rank = Rank.SECTION
            targets = _section_targets(ctx, district)
        for target in targets:
            batch.link(LinkKind.LIAISES_WITH, cadre.node_id, target, start=ctx.start())
        if rng.random() < ENDED_SHARE:
            _ended(ctx, cadre, targets, communities)
    for area, count in leaders.items():
        if count < 2:
            ctx.flag("community-few-liaison-leaders", area)
    for community in communities:
        for unit in rng.sample(sending, min(len(sending), rng.randint(1, 3))):
            batch.link(LinkKind.LIAISES_WITH, unit.node_id, community.node_id, start=ctx.start())


def _section_targets(ctx: Context, district: DistrictPlan) -> list[str]:
    """One to three communities or compounds for a section-level cadre."""
    rng = ctx.rng
    pool = [c.node_id for c in district.communities] if rng.random() < 0.5 else [c.node_id for c in district.compounds]
    return rng.sample(pool, min(len(pool), rng.randint(1, 3)))


def _ended(ctx: Context, cadre: PersonPlan, current: list[str], communities: list[CommunityPlan]) -> None:
    """An earlier assignment of ``cadre``, ended: the link and its dates are kept."""
    rng = ctx.rng
    earlier = [c.node_id for c in communities if c.node_id not in current]
    if not earlier:
        return
    target = rng.choice(earlier)
    batch = ctx.batch("liaison")
    batch.link(LinkKind.LIAISES_WITH, cadre.node_id, target, start=ctx.day(rng.randint(1500, 2900)))
    batch.unlink(LinkKind.LIAISES_WITH, cadre.node_id, target, end=ctx.day(rng.randint(200, 1400)))
