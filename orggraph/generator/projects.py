"""Co-building projects (共建项目, 契约化共建): a unit PROVIDES a project FOR a community or street.

Every unit first has a project for the community it sits in (党组织领项目); the rest go to random
units, for a community of their street or for the street itself. Terms run one to three years.
About 8 % of projects are past their term but still on the books (``project-expired``) and 3 % end
within 30 days (``project-expiring``); every other project ends more than 30 days after the as-of date.
Every 30th unit the norm binds (not a department or property company; the first included) has had
all its projects completed, so it runs no live one (``unit-without-live-project``).
"""

from __future__ import annotations

from orggraph.generator import names
from orggraph.generator.context import Context
from orggraph.generator.plans import DistrictPlan, UnitPlan
from orggraph.model.enums import ProjectStatus, UnitKind
from orggraph.model.kinds import LinkKind
from orggraph.model.nodes import Project

EXPIRED_SHARE = 0.08
EXPIRING_SHARE = 0.03
#: Days ahead within which a project counts as expiring.
EXPIRING_DAYS = 30
PLANNED_SHARE = 0.05
STREET_SHARE = 0.1
IDLE_EVERY = 30
#: Units the co-building norm does not bind (as the shipped rule reads it).
_EXEMPT = (UnitKind.DEPARTMENT, UnitKind.PROPERTY_COMPANY)


def write_projects(ctx: Context, district: DistrictPlan, *, per_community: int) -> None:
    """Write about ``per_community`` projects per community (at least one per unit)."""
    rng = ctx.rng
    units = district.units
    communities = district.communities
    total = max(len(units), per_community * len(communities))
    plans: list[tuple[UnitPlan, str, str]] = [(u, u.community.node_id, u.community.name) for u in units]
    for _ in range(total - len(units)):
        unit = rng.choice(units)
        street = unit.community.street
        if rng.random() < STREET_SHARE:
            plans.append((unit, street.node_id, street.name))
        else:
            community = rng.choice(street.communities)
            plans.append((unit, community.node_id, community.name))
    rng.shuffle(plans)
    indices = list(range(total))
    expired = set(ctx.pick(indices, EXPIRED_SHARE))
    expiring = set(ctx.pick([i for i in indices if i not in expired], EXPIRING_SHARE))
    # chosen without the random source, so the rest of the district is drawn as before
    idle = {u.node_id for u in [u for u in units if u.kind not in _EXEMPT and not u.at_district][::IDLE_EVERY]}
    for unit_id in sorted(idle):
        ctx.flag("unit-without-live-project", unit_id)
    batch = ctx.batch("projects")
    for i, (unit, target, target_name) in enumerate(plans):
        category = rng.choice(names.RESOURCE_CATEGORIES)
        theme = rng.choice(names.PROJECT_THEMES[category])
        term = rng.randint(365, 1095)
        status = ProjectStatus.ACTIVE
        if i in expired:
            end = rng.randint(1, 300)
        elif i in expiring:
            end = -rng.randint(1, EXPIRING_DAYS)
        elif rng.random() < PLANNED_SHARE:
            end = -rng.randint(10, 120) - term
            status = ProjectStatus.PLANNED
        else:
            end = -rng.randint(EXPIRING_DAYS + 15, 1000)
            term = max(term, -end + 30)
        start = end + term
        if unit.node_id in idle:
            status = ProjectStatus.COMPLETED  # its unit has no live project left
        project = Project(
            code=f"XM{district.code}{i + 1:05d}",
            name=f"{target_name}{theme}项目",
            category=category,
            term_start=ctx.day(start),
            term_end=ctx.day(end),
            status=status,
        )
        signed = ctx.day(max(start, rng.randint(1, 60)))
        batch.put(project)
        batch.link(LinkKind.PROVIDES, unit.node_id, project.node_id, start=signed)
        batch.link(LinkKind.FOR, project.node_id, target, start=signed)
        if unit.node_id in idle:
            continue
        if i in expired:
            ctx.flag("project-expired", project.node_id)
        elif i in expiring:
            ctx.flag("project-expiring", project.node_id)
