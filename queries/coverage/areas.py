"""Area rules of the five-level structure (五级组织体系): branch, group and central household.

* ``compound-without-branch`` — a residential compound (小区) with no Party org RESPONSIBLE_FOR it
  ("branch built in the compound", 支部建在小区上); the community org must build one.
* ``building-without-group`` — a building (楼栋) with no Party group (党小组); the compound branch
  (else the community org) must build one.
* ``entrance-without-central-household`` — an entrance (单元) with no member's household designated
  as its central household (单元党员中心户); the building group (else the branch …) must name one.

Who answers is always :func:`~queries.coverage.base.responsible_org` of the area, its secretary.

>>> sorted(RULES)
['building-without-group', 'compound-without-branch', 'entrance-without-central-household']
"""

from __future__ import annotations

from collections.abc import Iterator

from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage.base import K, L, RuleFunc, without_link_in
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule

#: Each rule: the area kind, the link that must point into it, the norm and the gap (English, Chinese).
UNLINKED: dict[str, tuple[NodeKind, LinkKind, tuple[str, str], tuple[str, str]]] = {
    "compound-without-branch": (
        K.COMPOUND,
        L.RESPONSIBLE_FOR,
        ("every compound has a Party branch", "支部建在小区上，每个小区建立党支部"),
        ("has no Party branch", "未建党支部"),
    ),
    "building-without-group": (
        K.BUILDING,
        L.RESPONSIBLE_FOR,
        ("every building has a Party group", "每个楼栋建立党小组"),
        ("has no Party group", "未建党小组"),
    ),
    "entrance-without-central-household": (
        K.ENTRANCE,
        L.CENTRAL_HOUSEHOLD_OF,
        ("every entrance has a member's household as its central household", "每个单元设党员中心户"),
        ("has no central household", "无党员中心户"),
    ),
}


def compound_without_branch(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Compounds (小区) without a Party org responsible for them (支部建在小区上).

    Parameters
    ----------
    ix
        The index of the day.
    rule
        The policy rule ``compound-without-branch`` (no parameters).
    areas
        The scope's node ids, or ``None`` for the whole graph.

    Yields
    ------
    Finding
        One per compound without a branch (actual 0, required 1), for the community org's secretary.
    """
    return without_link_in(ix, rule, areas, *UNLINKED["compound-without-branch"])


def building_without_group(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Buildings (楼栋) without a Party group (党小组) responsible for them.

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``building-without-group`` (no parameters) and the scope.

    Yields
    ------
    Finding
        One per building without a group (actual 0, required 1), for the compound branch's secretary.
    """
    return without_link_in(ix, rule, areas, *UNLINKED["building-without-group"])


def entrance_without_central_household(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Entrances (单元) without a central household (单元党员中心户, CENTRAL_HOUSEHOLD_OF into it).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``entrance-without-central-household`` (no parameters) and the scope.

    Yields
    ------
    Finding
        One per entrance without one (actual 0, required 1), for the building group's leader.
    """
    return without_link_in(ix, rule, areas, *UNLINKED["entrance-without-central-household"])


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {
    "compound-without-branch": compound_without_branch,
    "building-without-group": building_without_group,
    "entrance-without-central-household": entrance_without_central_household,
}
