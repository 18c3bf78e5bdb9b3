"""The organisation rule (党组织建设): every Party organisation has a secretary in post.

* ``org-without-secretary`` — a Party org (党组织) no person is SECRETARY_OF on the day (书记空缺; a
  group's leader, 党小组长, holds the same post). Filling a post is the parent org's (上级党组织) task:
  the org it is SUBORDINATE_TO answers; the top org of the tree has nobody above it.

An org is placed by :func:`org_area`: the area it is RESPONSIBLE_FOR, else where its unit is
LOCATED_IN, else where its parent org is placed.

>>> sorted(RULES)
['org-without-secretary']
"""

from __future__ import annotations

from collections.abc import Iterator

from queries.coverage.atlas import atlas_for
from queries.coverage.base import NOBODY, K, L, Reporter, RuleFunc, external, in_scope, links
from queries.coverage.findings import Finding
from queries.index import GraphIndex
from queries.policy import Rule


def org_area(ix: GraphIndex, org: str) -> str | None:
    """The area a Party org belongs to: the one it leads, its unit's, or (climbing) its parent's.

    Parameters
    ----------
    ix
        The index of the day.
    org
        A Party org's node id.

    Returns
    -------
    str or None
        An area's node id, or ``None`` when neither the org nor any org above it has one.
    """
    leads, of_unit, located, parent = (
        links(ix, L.RESPONSIBLE_FOR),
        links(ix, L.PARTY_ORG_OF),
        links(ix, L.LOCATED_IN),
        links(ix, L.SUBORDINATE_TO),
    )
    current: str | None = org
    for _ in range(32):
        if current is None:
            return None
        areas = leads.get(current)
        if areas:
            return areas[0]
        units = of_unit.get(current)
        if units and units[0] in located:
            return located[units[0]][0]
        above = parent.get(current)
        current = above[0] if above else None
    return None


def vacant_orgs(ix: GraphIndex) -> list[tuple[str, str | None]]:
    """The district's Party orgs no one is SECRETARY_OF on the index's day, each with its :func:`org_area`
    (orgs outside the district, ``external``, are not the district's to staff)."""
    secretaries, attrs = links(ix, L.SECRETARY_OF, "in"), ix.graph._node
    return [
        (org, org_area(ix, org))
        for org in ix.nodes(K.PARTY_ORG)
        if org not in secretaries and not external(attrs[org])  # an org outside the district is not the district's to staff
    ]


def org_without_secretary(ix: GraphIndex, rule: Rule, areas: set[str] | None) -> Iterator[Finding]:
    """Party orgs without a secretary in post on the day (书记空缺).

    Parameters
    ----------
    ix, rule, areas
        The index, the rule ``org-without-secretary`` (no parameters) and the scope; an org is in
        scope when :func:`org_area` places it there.

    Yields
    ------
    Finding
        Actual 0, required 1, for the secretary of the org's parent (nobody for the top org).
    """
    vacant = atlas_for(ix).memo("vacant-orgs", lambda: vacant_orgs(ix))
    yield from report_vacant_orgs(ix, rule, [(org, area) for org, area in vacant if in_scope(area, areas)])


def report_vacant_orgs(ix: GraphIndex, rule: Rule, found: list[tuple[str, str | None]]) -> Iterator[Finding]:
    """The findings of :func:`org_without_secretary` for ``found`` (org, :func:`org_area`) pairs (any engine).

    ``ix`` needs the orgs, the places of their areas, and their parents (SUBORDINATE_TO) with names.
    """
    report = Reporter(ix, rule, "every Party organisation has a secretary in post", "每个党组织配齐书记")
    parent = links(ix, L.SUBORDINATE_TO)
    for org, area in found:
        above = parent.get(org)
        who = report.org(above[0]) if above else NOBODY
        yield report.report(org, report.place(area), who, 0, 1, "has no secretary in post", "书记空缺")


#: The rules of this family, by id.
RULES: dict[str, RuleFunc] = {"org-without-secretary": org_without_secretary}
