"""Grid rules (网格化管理): "one grid, three staff" (一格三员), grid size, and the community-worker ratio.

The grid rules apply to **basic grids** (基础网格): the grids households belong to (IN_GRID). A grid
that only groups other grids holds no household and is not checked.

* ``grid-missing-role`` — one finding per role of the policy's ``roles`` that no one fills on a
  basic grid (社区工作者 COMMUNITY_WORKER_OF, 专职网格员 GRID_WORKER_OF, 物业管理员 PROPERTY_MANAGER_OF;
  ``grid_leader`` 网格长 and ``enforcement_officer`` 执法队员 may be named too).
* ``grid-size-out-of-range`` — a basic grid whose households number outside [``min``, ``max``]
  (both bounds allowed).
* ``community-worker-ratio`` — a community with fewer community workers over its grids than
  ``per_10000`` per 10,000 residents (常住人口; the community's ``residents``, else the sum of its
  households'); the street working committee (街道党工委) answers.

>>> sorted(ROLE_LINKS)[:3]
['community_worker', 'enforcement_officer', 'grid_leader']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from orggraph.errors import ConfigurationError
from orggraph.model.kinds import LinkKind
from queries.coverage.base import K, L, Reporter, RuleFunc, links, nodes_in, param
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule

#: The grid-staff roles a policy may name, and the link (person → grid) that fills each.
ROLE_LINKS: dict[str, LinkKind] = {
    "community_worker": L.COMMUNITY_WORKER_OF,
    "grid_worker": L.GRID_WORKER_OF,
    "property_manager": L.PROPERTY_MANAGER_OF,
    "grid_leader": L.GRID_LEADER_OF,
    "enforcement_officer": L.ENFORCEMENT_OFFICER_OF,
}


def role_links(rule: Rule) -> list[tuple[str, LinkKind]]:
    """The roles the rule's ``roles`` parameter names, with their links; an unknown role is refused."""
    roles = param(rule, "roles")
    unknown = [r for r in roles if r not in ROLE_LINKS]
    if unknown:
        raise ConfigurationError(
            f"coverage rule {rule.id}: unknown role(s) {unknown}; known: {sorted(ROLE_LINKS)}",
            message_zh=f"覆盖规则 {rule.id}：未知岗位 {unknown}；可选：{sorted(ROLE_LINKS)}",
            table=f"coverage.{rule.id}.roles",
        )
    return [(role, ROLE_LINKS[role]) for role in roles]


def basic_grids(ix: GraphIndex, areas: set[str] | None) -> list[tuple[str, list[str]]]:
    """The basic grids (基础网格) in scope with their households: grids that households are IN_GRID."""
    in_grid = links(ix, L.IN_GRID, "in")
    if areas is None:
        return list(in_grid.items())
    return [(grid, in_grid[grid]) for grid in nodes_in(ix, K.GRID, areas) if grid in in_grid]


#: The norm of ``grid-missing-role`` (English, Chinese).
MISSING_ROLE_NORM = ("every basic grid has at least one of each of its staff roles", "一格三员，每个基础网格各岗位至少一人")
#: The norm of ``grid-size-out-of-range`` (English, Chinese), ``{span}`` the range ``"min–max"``.
SIZE_NORM = ("a basic grid holds {span} households", "每个基础网格{span}户")
#: The norm of ``community-worker-ratio`` (English, Chinese), ``{per}`` the workers per 10,000 residents.
WORKER_RATIO_NORM = ("at least {per} community workers per 10,000 residents", "每万名常住人口配备社区工作者不少于{per}名")


def grid_missing_role(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Basic grids missing one of the roles of 一格三员: one finding per missing role.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``grid-missing-role`` (parameter ``roles``) and the scope.

    Yields
    ------
    Finding
        Actual 0, required the role id (``grid_worker`` …), for the grid's responsible org.
    """
    tables = [(role, links(ix, link, "in")) for role, link in role_links(rule)]
    missing = ((grid, role) for grid, _ in basic_grids(ix, areas) for role, staffed in tables if grid not in staffed)
    yield from report_missing_roles(ix, rule, missing)


def report_missing_roles(ix: GraphIndex, rule: Rule, missing: Iterable[tuple[str, str]]) -> Iterator[Finding]:
    """The findings of :func:`grid_missing_role` for the (basic grid, role) pairs ``missing`` (any engine)."""
    report = Reporter(ix, rule, *MISSING_ROLE_NORM)
    for grid, role in missing:
        role_zh, role_en = ROLE_LINKS[role].zh, role.replace("_", " ")
        yield report.report(grid, report.place(grid), report.responsible(grid), 0, role, f"has no {role_en}", f"缺少{role_zh}")


def size_range(rule: Rule) -> tuple[int, int]:
    """The bounds ``min`` and ``max`` (both allowed) of the rule ``grid-size-out-of-range``."""
    return int(param(rule, "min")), int(param(rule, "max"))


def grid_size_out_of_range(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Basic grids holding fewer than ``min`` or more than ``max`` households.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``grid-size-out-of-range`` (parameters ``min``, ``max``) and the scope.

    Yields
    ------
    Finding
        Actual the household count, required ``"min–max"``, for the grid's responsible org.
    """
    low, high = size_range(rule)
    sizes = ((grid, len(households)) for grid, households in basic_grids(ix, areas))
    yield from report_grid_sizes(ix, rule, [(grid, size) for grid, size in sizes if size < low or size > high])


def report_grid_sizes(ix: GraphIndex, rule: Rule, found: Iterable[tuple[str, int]]) -> Iterator[Finding]:
    """The findings of :func:`grid_size_out_of_range` for the (basic grid, household count) pairs out of range."""
    low, high = size_range(rule)
    span = f"{low}–{high}"
    report = Reporter(ix, rule, *(text.format(span=span) for text in SIZE_NORM))
    for grid, size in found:
        where, who = report.place(grid), report.responsible(grid)
        yield report.report(grid, where, who, size, span, f"holds {size} households", f"有{size}户")


def community_workers(ix: GraphIndex, community: str) -> set[str]:
    """The persons who are community workers (社区工作者) of any grid of ``community``, grids nested."""
    workers = links(ix, L.COMMUNITY_WORKER_OF, "in")
    attrs, children = ix.graph._node, ix.children
    found: set[str] = set()
    stack = [community]
    while stack:
        for child in children.get(stack.pop(), ()):
            if attrs[child]["kind"] == "grid":
                found.update(workers.get(child, ()))
                stack.append(child)
    return found


def community_residents(ix: GraphIndex, community: str) -> int:
    """The residents (常住人口) of ``community``: its ``residents`` attribute, else its households' sum."""
    own = ix.attrs(community).get("residents")
    if own is not None:
        return int(own)
    attrs = ix.graph._node
    return sum(int(attrs[n].get("residents") or 0) for n in ix.subtree(community) if attrs[n]["kind"] == "household")


def community_worker_ratio(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Communities with fewer community workers than ``per_10000`` per 10,000 residents.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``community-worker-ratio`` (parameter ``per_10000``) and the scope.

    Yields
    ------
    Finding
        Actual the workers, required the smallest count that meets the ratio, for the street
        working committee (街道党工委).
    """
    staffing = (
        (community, community_residents(ix, community), len(community_workers(ix, community)))
        for community in nodes_in(ix, K.COMMUNITY, areas)
    )
    yield from report_worker_ratio(ix, rule, staffing)


def report_worker_ratio(ix: GraphIndex, rule: Rule, staffing: Iterable[tuple[str, int, int]]) -> Iterator[Finding]:
    """The findings of :func:`community_worker_ratio` (any engine): of the (community, residents,
    community workers) of ``staffing``, those with fewer workers than the rule's ``per_10000``."""
    per = int(param(rule, "per_10000"))
    report = Reporter(ix, rule, *(text.format(per=per) for text in WORKER_RATIO_NORM))
    for community, residents, workers in staffing:
        if workers * 10_000 < per * residents:
            needed = -(-per * residents // 10_000)
            street = ix.path(community).street
            who = report.responsible(street or community)
            gap_en = f"has {workers} community workers for {residents} residents"
            yield report.report(
                community, report.place(community), who, workers, needed, gap_en, f"常住{residents}人仅有社区工作者{workers}名"
            )


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "grid-missing-role": grid_missing_role,
    "grid-size-out-of-range": grid_size_out_of_range,
    "community-worker-ratio": community_worker_ratio,
}
