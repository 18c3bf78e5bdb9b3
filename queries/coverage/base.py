"""What every coverage rule shares: the scope, the responsible organisation, and a finding maker.

A rule is a function ``(ix, rule, areas) -> Iterator[Finding]`` (:data:`RuleFunc`): it reads the
:class:`~queries.index.GraphIndex` of one day, takes its norms from the policy rule (政策配置), and
looks only at the nodes of ``areas`` (the node ids of the scope's subtree, or ``None`` for the
whole graph). :func:`responsible_org` is the one answer to "which Party organisation answers for
this area" (责任党组织): the org RESPONSIBLE_FOR the nearest area at or above it that has one.
:class:`Reporter` turns a gap into a :class:`~queries.coverage.findings.Finding`; the area paths and
organisations it needs come from the index's :class:`~queries.coverage.atlas.Atlas`, computed once,
so that the hot loops of a rule stay dictionary look-ups. :class:`Subtree` is the scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from orggraph.errors import ConfigurationError
from orggraph.model.kinds import LinkKind, NodeKind
from queries.coverage.atlas import Place, atlas_for, code_of
from queries.coverage.findings import KIND_EN, KIND_ZH, SECRETARY_POST, Finding, Value
from queries.index import GraphIndex
from queries.policy import Rule, Severity

L = LinkKind
K = NodeKind

#: A coverage rule: the index of the day, the policy rule, the scope's node ids (or ``None``).
RuleFunc = Callable[[GraphIndex, Rule, set[str] | None], Iterator[Finding]]


class Subtree(set[str]):
    """The node ids of a scope's subtree (范围): ``set(ix.subtree(area))``, with its nodes listed by kind.

    One walk down the area tree; an entrance's children are households only (the schema allows
    nothing else), so they are taken in bulk. A grid's households are in it by IN_GRID (the address
    tree runs through compounds), so they are added with the grid. Rules accept any ``set[str]``; given a :class:`Subtree`
    they skip filtering it by kind.
    """

    def __init__(self, ix: GraphIndex, area: str) -> None:
        attrs, children = ix.graph._node, ix.children
        in_grids = ix.into.get(L.IN_GRID.value, {})
        by_kind: dict[str, list[str]] = {}
        households = by_kind.setdefault(K.HOUSEHOLD.value, [])
        nodes: list[str] = []
        stack = [area]
        while stack:
            node = stack.pop()
            nodes.append(node)
            kind = attrs[node]["kind"]
            by_kind.setdefault(kind, []).append(node)
            below = children.get(node)
            if below:
                if kind == "entrance":
                    households.extend(below)
                    nodes.extend(below)
                else:
                    stack.extend(below)
            if kind == "grid":  # a grid's households are IN_GRID it, not below it in the address tree
                in_grid = in_grids.get(node, ())
                households.extend(in_grid)
                nodes.extend(in_grid)
        households[:] = dict.fromkeys(households)  # a grid's households may also lie below an entrance here
        super().__init__(nodes)
        self.root = area
        self.by_kind = by_kind

    def of_kind(self, kind: NodeKind) -> list[str]:
        """The nodes of ``kind`` in the subtree."""
        return self.by_kind.get(kind.value, [])


def nodes_in(ix: GraphIndex, kind: NodeKind, areas: set[str] | None) -> list[str]:
    """The live nodes of an area ``kind`` (or households) within ``areas`` (all when ``None``)."""
    if areas is None:
        return ix.nodes(kind)
    if isinstance(areas, Subtree):
        return areas.of_kind(kind)
    attrs = ix.graph._node
    return [node for node in areas if node in attrs and attrs[node]["kind"] == kind.value]


def links(ix: GraphIndex, kind: LinkKind, direction: str = "out") -> dict[str, list[str]]:
    """The active links of ``kind`` on the day, ``{source: [targets]}`` (``"out"``) or the reverse (``"in"``)."""
    table = ix.out if direction == "out" else ix.into
    return table.get(kind.value, {})


def party_member(ix: GraphIndex) -> Callable[[str], bool]:
    """Whether a person is a Party member on the index's day: an open MEMBER_OF (his or her org
    known), or a roster stating 是否党员 = 是 (``party_member``: a member whose org is outside the
    district, 区外, whom the district's members roster never lists)."""
    member_of, attrs = links(ix, L.MEMBER_OF), ix.graph._node
    return lambda person: person in member_of or attrs.get(person, {}).get("party_member") is True


def external(attrs: dict[str, Any]) -> bool:
    """Whether an org or unit is outside the district (区外): rules about the district's own skip it."""
    return attrs.get("external") is True


def param(rule: Rule, name: str) -> Any:
    """The parameter ``name`` of ``rule``; a rule without it is a configuration error (no default here)."""
    try:
        return rule.params[name]
    except KeyError:
        raise ConfigurationError(
            f"coverage rule {rule.id} has no parameter {name!r}",
            message_zh=f"覆盖规则 {rule.id} 缺少参数 {name!r}",
            table=f"coverage.{rule.id}",
        ) from None


def responsible_org(ix: GraphIndex, area: str | None) -> str | None:
    """The Party org responsible for ``area`` (责任党组织): RESPONSIBLE_FOR it or the nearest area above.

    A household climbs from its entrance: the building group (楼栋党小组), else the compound branch
    (小区党支部), else the community org (社区党组织). With several orgs on one area the first by id wins.
    """
    return atlas_for(ix).responsible(area)


def in_scope(area: str | None, areas: set[str] | None) -> bool:
    """Whether a node placed at ``area`` is in the scope (everything is when ``areas`` is ``None``)."""
    return areas is None or (area is not None and area in areas)


def units_in(ix: GraphIndex, areas: set[str] | None) -> list[tuple[str, str | None]]:
    """The district's work units (单位) in scope, each with the area it is LOCATED_IN (``None`` only
    without a scope); units outside the district (:func:`external`) are not among them."""
    located, attrs = links(ix, L.LOCATED_IN), ix.graph._node
    found: list[tuple[str, str | None]] = []
    for unit in ix.nodes(K.UNIT):
        if external(attrs[unit]):
            continue  # a unit outside the district (区外): the district's norms do not bind it
        where = located.get(unit)
        area = where[0] if where else None
        if areas is None or (area is not None and area in areas):
            found.append((unit, area))
    return found


def community_units(ix: GraphIndex, areas: set[str] | None) -> list[tuple[str, str, str]]:
    """The district's units in scope located in a community or below it (a grid, a compound), each
    with its area and that community: (unit, area, community). The norms of a unit's community
    (双报到 where it sits, a live co-building project) bind these; a unit of the district or a street
    (区直、街道单位) sits in no community."""
    path = atlas_for(ix).path
    found = []
    for unit, area in units_in(ix, areas):
        community = path(area).community if area is not None else None
        if community is not None and area is not None:
            found.append((unit, area, community))
    return found


class Assignee(NamedTuple):
    """Who must close a gap: an org's code, its name and the post."""

    org: str | None
    name: str | None
    post: str | None


NOBODY = Assignee(None, None, None)


class Reporter:
    """Makes the findings of one rule over one index; places and orgs come from the index's atlas.

    Parameters
    ----------
    ix
        The index of the day.
    rule
        The policy rule: its id and severity go on every finding.
    norm_en, norm_zh
        The norm (规范) as a phrase, closing every message: ``"...; norm: <norm_en>."``.
    """

    def __init__(self, ix: GraphIndex, rule: Rule, norm_en: str, norm_zh: str) -> None:
        self.ix = ix
        self.atlas = atlas = atlas_for(ix)
        self.rule_id = rule.id
        self.severity: Severity = rule.severity
        self.norm_en = norm_en
        self.norm_zh = norm_zh
        self.attrs = ix.graph._node
        self.place = atlas.place
        self.household_place = atlas.household_place
        self.address = atlas.address
        self._responsible: dict[str | None, Assignee] = {}
        self._orgs: dict[str | None, Assignee] = {None: NOBODY}

    def responsible(self, area: str | None) -> Assignee:
        """The secretary of the org responsible for ``area`` (see :func:`responsible_org`)."""
        found = self._responsible.get(area)
        if found is None:
            found = self._responsible[area] = self.org(self.atlas.responsible(area))
        return found

    def org(self, org: str | None) -> Assignee:
        """The secretary (书记) of the org ``org`` (nobody when ``None``)."""
        found = self._orgs.get(org)
        if found is None:
            assert org is not None
            found = self._orgs[org] = Assignee(code_of(org), self.ix.name(org), SECRETARY_POST)
        return found

    def report(
        self,
        node: str,
        place: Place,
        assignee: Assignee,
        actual: Value,
        required: Value,
        gap_en: str,
        gap_zh: str,
        *,
        severity: Severity | None = None,
        name: str | None = None,
    ) -> Finding:
        """The finding at ``node``: ``"<Kind> <name> (<code>) <gap_en>; norm: <norm>."`` and its Chinese."""
        return compose(
            self.rule_id,
            severity or self.severity,
            node,
            self.attrs[node],
            place,
            assignee,
            (actual, required),
            (gap_en, gap_zh),
            (self.norm_en, self.norm_zh),
            name=name,
        )


def compose(
    rule_id: str,
    severity: Severity,
    node: str,
    attrs: dict[str, Any],
    place: Place,
    assignee: Assignee,
    measure: tuple[Value, Value],
    gap: tuple[str, str],
    norm: tuple[str, str],
    *,
    name: str | None = None,
) -> Finding:
    """A finding from its parts, messages written the one way every engine writes them.

    ``measure`` is (actual, required), ``gap`` and ``norm`` are (English, Chinese) phrases; the node's
    code is its id's code, a person's the masked ID number (never the keyed hash).
    """
    kind = attrs["kind"]
    code = str(attrs.get("id_masked") or "?") if kind == "person" else node.split(":", 1)[1]
    name = name or attrs.get("name") or code
    word = KIND_EN.get(kind, kind)
    subject = f"{word} {name} ({code})" if name != code else f"{word} {code}"
    subject_zh = f"{KIND_ZH.get(kind, kind)}{name}（{code}）" if name != code else f"{KIND_ZH.get(kind, kind)}{code}"
    return Finding(
        rule_id,
        severity,
        node,
        kind,
        code,
        name,
        place.street,
        place.street_name,
        place.community,
        place.community_name,
        place.grid,
        measure[0],
        measure[1],
        assignee.org,
        assignee.name,
        assignee.post,
        f"{subject[0].upper()}{subject[1:]} {gap[0]}; norm: {norm[0]}.",
        f"{subject_zh}{gap[1]}；规范：{norm[1]}。",
    )


def without_link_in(
    ix: GraphIndex,
    rule: Rule,
    areas: set[str] | None,
    kind: NodeKind,
    link: LinkKind,
    norm: tuple[str, str],
    gap: tuple[str, str],
) -> Iterator[Finding]:
    """Areas of ``kind`` that no active ``link`` points into (actual 0, required 1), for the org
    responsible for the area. ``norm`` and ``gap`` are the (English, Chinese) phrases of the finding."""
    linked = links(ix, link, "in")
    return report_unlinked(ix, rule, [area for area in nodes_in(ix, kind, areas) if area not in linked], norm, gap)


def report_unlinked(
    ix: GraphIndex, rule: Rule, found: list[str], norm: tuple[str, str], gap: tuple[str, str]
) -> Iterator[Finding]:
    """The findings of :func:`without_link_in` for the areas ``found`` without the link (any engine)."""
    report = Reporter(ix, rule, *norm)
    for area in found:
        yield report.report(area, report.place(area), report.responsible(area), 0, 1, *gap)
