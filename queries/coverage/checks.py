"""Running a declared rule (规则执行): one :class:`~queries.policy.rules.Check` over a view, into findings.

The engine finds the nodes out of bounds (:meth:`~orggraph.store.view.DayView.scan`: over the day
index on the embedded engine, as Cypher on a Bolt server); everything after is written once here,
over the read port: where each node sits (its ``place``, else itself), whether that is in the scope,
the ``let`` quantities, who answers, the case that applies, and the finding's words. Bounds that are
expressions (``ceil(residents × 18 / 10 000)``) are worked out per node here, over every node of the
focus with its count.

:func:`run_check` returns the findings and, for the summary's ratios, how many nodes of the focus
each place holds (:class:`Tally`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from orggraph.model.kinds import AREA_KINDS, NodeKind
from orggraph.model.labels import KIND_EN
from orggraph.patterns import Focus, MatchSpec, backwards, start_kinds
from orggraph.store.view import DayView, Subtree
from queries.coverage.findings import KIND_ZH, SECRETARY_POST, Finding
from queries.coverage.places import Atlas, Place, atlas_for, code_of
from queries.policy.expressions import Expression, Template
from queries.policy.rules import Check

#: Kinds a scope holds itself (its subtree): the engine selects them below the root.
_IN_SUBTREE = frozenset({*(kind.value for kind in AREA_KINDS), NodeKind.HOUSEHOLD.value})


@dataclass
class Tally:
    """The nodes of a check's focus in scope, and those found, per place (street, community node ids)."""

    focus: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    found: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    #: The nodes counted in the focus, and those found (a rule with several checks — one per grid
    #: role — counts a node once, and as found when any check finds it).
    seen: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)


class Assignee:
    """Who must close a gap: an org's code, its name and the post (or nobody)."""

    __slots__ = ("name", "org", "post")

    def __init__(self, org: str | None, name: str | None, post: str | None) -> None:
        self.org, self.name, self.post = org, name, post


NOBODY = Assignee(None, None, None)


def focus_in(check: Check, scope: Subtree | None) -> Focus:
    """The check's focus, below the scope's root when the engine can select it so."""
    if scope is not None and check.focus.kind in _IN_SUBTREE:
        return check.focus.within(scope.root)
    return check.focus


class _Run:
    """One check over one view: caches of places, answers and words shared by its findings."""

    def __init__(self, view: DayView, check: Check, atlas: Atlas) -> None:
        self.view = view
        self.check = check
        self.atlas = atlas
        self.rule = check.rule
        self.params = {**check.params, "day": view.day, "min": _fixed(check.low), "max": _fixed(check.high)}
        #: the bounds worked out per node, for rules whose bounds are expressions
        self.bounds: dict[str, tuple[Any, Any]] = {}
        self._orgs: dict[str | None, Assignee] = {None: NOBODY}
        self._responsible: dict[tuple[str, str | None], Assignee] = {}
        self._const: dict[int, str] = {}
        self.param_names = frozenset(self.params)
        #: the names the rule's words and bounds read: a finding's scope holds only those it needs
        self.names = _names_read(check)
        #: whether a finding's words need the node's own values (else the rule's parameters do)
        self.needs_scope = (
            bool(check.cases)
            or check.actual is not None
            or check.required is not None
            or bool(check.lets)
            or not check.bounds_fixed
            or not all(t.names <= self.param_names for t in (*check.gap, *check.norm))
        )

    # -- where and who ---------------------------------------------------------------------------

    def places(self, nodes: Sequence[str]) -> dict[str, str | None]:
        """Where each node sits: itself (an area or household), else the end of the first ``place``
        pattern that binds one (the first by id)."""
        if not self.check.place:
            return {node: node for node in nodes}
        found: dict[str, str | None] = {}
        left = list(nodes)
        for spec in self.check.place:
            if not left:
                break
            bound = self.view.bind(spec, left)
            for node in left:
                if node in bound:
                    found[node] = bound[node][0]
            left = [node for node in left if node not in found]
        for node in left:
            found[node] = None
        return found

    def org(self, org: str | None) -> Assignee:
        found = self._orgs.get(org)
        if found is None:
            assert org is not None
            found = self._orgs[org] = Assignee(code_of(org), self.atlas.name(org), SECRETARY_POST)
        return found

    def answers(self, nodes: Sequence[str], places: dict[str, str | None]) -> dict[str, Assignee]:
        """Who answers for each node: the first of the rule's ``answer`` that names someone."""
        found: dict[str, Assignee] = {}
        left = list(nodes)
        for answer in self.check.answer:
            if not left:
                break
            if isinstance(answer, MatchSpec):
                bound = self.view.bind(answer, left)
                for node in left:
                    if node in bound:
                        found[node] = self.org(bound[node][0])
            elif answer == "none":
                for node in left:
                    found[node] = NOBODY
            else:
                for node in left:
                    who = self._area_answer(answer, places[node])
                    if who is not None:
                        found[node] = who
            left = [node for node in left if node not in found]
        for node in left:
            found[node] = NOBODY
        return found

    def _area_answer(self, how: str, area: str | None) -> Assignee | None:
        """The secretary of the org responsible for ``area`` (``"street"``: for its street)."""
        if area is None:
            return None
        key = (how, area)
        found = self._responsible.get(key)
        if found is None:
            where = area
            if how == "street":
                where = self.atlas.path(area).street or area
            org = self.atlas.responsible(where)
            found = self._responsible[key] = self.org(org) if org is not None else NOBODY
        return found

    # -- words -----------------------------------------------------------------------------------

    def text(self, template: Template, scope: dict[str, Any] | None, language: str) -> str:
        """A template's words; one whose places are all the rule's parameters is worked out once."""
        if template.names <= self.param_names:
            key = id(template) * 2 + (language == "zh")
            found = self._const.get(key)
            if found is None:
                found = self._const[key] = template.render(self.params, language)
            return found
        return template.render(scope or self.params, language)


def _fixed(bound: int | Expression | None) -> int | None:
    return bound if isinstance(bound, int) else None


def _let_values(view: DayView, check: Check, nodes: Sequence[str], atlas: Atlas) -> dict[str, dict[str, Any]]:
    """The ``let`` quantities of each node: name → node → value."""
    values: dict[str, dict[str, Any]] = {}
    for let in check.lets:
        # a node's own attribute answers for it (a community's 常住人口): the pattern is read for the others
        asked = [n for n in nodes if atlas.attrs(n).get(let.attribute) is None] if let.attribute else nodes
        bound = view.bind(let.spec, asked) if asked else {}
        found: dict[str, Any] = {}
        if let.mode == "sum":
            atlas.read(n for ids in bound.values() for n in ids)
        for node in nodes:
            own = atlas.attrs(node).get(let.attribute) if let.attribute else None
            ids = bound.get(node, [])
            if own is not None:
                found[node] = own
            elif let.mode == "count":
                found[node] = len(ids)
            elif let.mode == "first":
                found[node] = ids[0] if ids else None
            else:
                found[node] = sum(int(atlas.attrs(n).get(let.key or "") or 0) for n in ids)
        values[let.name] = found
    return values


def run_check(view: DayView, check: Check, scope: Subtree | None, tally: Tally | None = None) -> list[Finding]:
    """The findings of ``check`` over ``view`` within ``scope`` (``None``: everything); ``tally``, when
    given, gets the focus and the findings counted per place."""
    atlas = atlas_for(view)
    run = _Run(view, check, atlas)
    focus = focus_in(check, scope)
    fixed = check.bounds_fixed
    low, high = (_fixed(check.low), _fixed(check.high)) if fixed else (None, None)
    everyone: list[str] | None = None
    needs_place = bool(check.place) or (scope is not None and check.focus.kind not in _IN_SUBTREE)
    if scope is not None and check.focus.kind not in _IN_SUBTREE:
        # a focus the scope's subtree does not hold (persons, orgs, units …): the nodes its place
        # patterns, read backwards, reach from the scope (else every node of it), placed, and counted
        # only when placed in the scope
        near = _placed_near(view, check, scope)
        candidates = [node for node, _ in view.scan(focus if near is None else focus.picking(near), None, None, None)]
        places: dict[str, str | None] = run.places(candidates)
        inside = [node for node in candidates if (where := places[node]) is not None and where in scope]
        everyone = inside if tally is not None else None
        hits = _counted(view, check, inside, fixed, low, high)
    else:
        if not fixed:
            hits = view.scan(focus, check.spec, None, None)
        elif low is not None or high is not None or check.spec is None:
            hits = view.scan(focus, check.spec, low, high)
        else:
            hits = []
        if tally is not None:
            everyone = [node for node, _ in (hits if not fixed else view.scan(focus, None, None, None))]
        found_nodes = [node for node, _ in hits]
        places = run.places(found_nodes) if needs_place else dict(zip(found_nodes, found_nodes, strict=True))
    nodes = [node for node, _ in hits]
    atlas.read([*nodes, *(p for p in places.values() if p is not None)])
    lets = _let_values(view, check, nodes, atlas) if check.lets else {}
    counts = dict(hits)
    if not fixed:
        hits = [(node, n) for node, n in hits if _out_of_bounds(check, run, node, n, lets, atlas, places)]
        nodes = [node for node, _ in hits]
    answers = run.answers(nodes, places)
    findings = [_finding(run, node, counts[node], places[node], answers[node], lets) for node in nodes]
    if tally is not None and everyone is not None:
        all_places: dict[str, str | None] = run.places(everyone) if needs_place else dict(zip(everyone, everyone, strict=True))
        kind = check.focus.kind
        if check.place:
            atlas.read({p for p in all_places.values() if p is not None})
        if kind == NodeKind.HOUSEHOLD.value and not check.place:
            _tally_households(atlas, tally, everyone)
        else:
            limit = scope if kind not in _IN_SUBTREE else None  # placed in the scope, or not counted
            for node in everyone:
                where = all_places.get(node)
                if node in tally.seen or (limit is not None and (where is None or where not in limit)):
                    continue
                tally.seen.add(node)
                tally.focus[_key(atlas, where, kind if where == node else None)] += 1
        for node in nodes:
            if node not in tally.nodes:
                tally.nodes.add(node)
                tally.found[_key(atlas, places[node], kind if places[node] == node else None)] += 1
    return findings


def _placed_near(view: DayView, check: Check, scope: Subtree) -> set[str] | None:
    """The nodes of the check's focus that some place pattern leads from into ``scope`` (a superset
    of those placed there), or ``None`` when a place pattern cannot be read backwards."""
    near: set[str] = set()
    for spec in check.place:
        back = backwards(spec, check.focus.kind)
        if back is None:
            return None
        starts = start_kinds(back)
        nodes = scope if starts is None else [node for kind in starts for node in scope.of_kind(kind)]
        for found in view.bind(back, nodes).values():
            near.update(found)
    return near


def _counted(
    view: DayView, check: Check, nodes: list[str], fixed: bool, low: int | None, high: int | None
) -> list[tuple[str, int]]:
    """The (node, count) pairs of ``nodes`` a scan of the check would give: out of the fixed bounds,
    or every one when the bounds are worked out per node."""
    if check.spec is None:
        return [(node, 0) for node in nodes]
    if fixed and low is None and high is None:
        return []
    bound = view.bind(check.spec, nodes)
    counted = [(node, len(bound.get(node, ()))) for node in nodes]
    if not fixed:
        return counted
    return [(node, n) for node, n in counted if (low is not None and n < low) or (high is not None and n > high)]


def _tally_households(atlas: Atlas, tally: Tally, households: list[str]) -> None:
    """Count households (each its own place) per (street, community), a whole entrance at a time:
    a household's street and community are its entrance's when the entrance has a community (its own
    grid changes its grid only); the others are placed one by one."""
    fresh = [node for node in households if node not in tally.seen] if tally.seen else households
    tally.seen.update(fresh)
    household = NodeKind.HOUSEHOLD.value
    for entrance, members in _by_parent(atlas, fresh).items():
        if entrance is not None and atlas.path(entrance).community is not None:
            tally.focus[_key(atlas, members[0], household)] += len(members)
        else:
            for node in members:
                tally.focus[_key(atlas, node, household)] += 1


def _by_parent(atlas: Atlas, nodes: list[str]) -> dict[str | None, list[str]]:
    found: dict[str | None, list[str]] = {}
    parent = atlas.parent
    for node in nodes:
        up = parent(node)
        group = found.get(up)
        if group is None:
            found[up] = [node]
        else:
            group.append(node)
    return found


def _key(atlas: Atlas, where: str | None, kind: str | None) -> tuple[str | None, str | None]:
    if where is None:
        return (None, None)
    path = atlas.path(where, kind)
    return (path.street, path.community)


def _names_read(check: Check) -> frozenset[str]:
    """Every name the check's words, cases and bounds read."""
    read: set[str] = set()
    texts = [*check.norm, *check.gap, check.actual, check.required, check.low, check.high]
    for case in check.cases:
        read |= case.when.names
        texts += [case.severity, case.gap_en, case.gap_zh, case.actual]
    for text in texts:
        if isinstance(text, Template | Expression):
            read |= text.names
    return frozenset(read)


def _scope(run: _Run, node: str, count: int, place: str | None, lets: dict[str, dict[str, Any]], atlas: Atlas) -> dict[str, Any]:
    scope = {**run.params, **{name: values.get(node) for name, values in lets.items()}, "count": count}
    if "focus" in run.names:
        attrs = atlas.attrs(node)
        scope["focus"] = {**attrs, "id": node, "code": code_of(node), "name": attrs.get("name")}
    if "place" in run.names:
        where = atlas.place(place)
        path = atlas.path(place) if place is not None else None
        scope["place"] = {
            "id": place,
            "code": code_of(place),
            "street": path.street if path else None,
            "street_name": where.street_name,
            "community": path.community if path else None,
            "community_name": where.community_name,
            "grid": path.grid if path else None,
        }
    return scope


def _out_of_bounds(
    check: Check, run: _Run, node: str, count: int, lets: dict[str, dict[str, Any]], atlas: Atlas, places: dict[str, str | None]
) -> bool:
    scope = _scope(run, node, count, places[node], lets, atlas)
    low = check.low.value(scope) if isinstance(check.low, Expression) else check.low
    high = check.high.value(scope) if isinstance(check.high, Expression) else check.high
    run.bounds[node] = (low, high)
    return (low is not None and count < low) or (high is not None and count > high)


def _finding(run: _Run, node: str, count: int, place: str | None, who: Assignee, lets: dict[str, dict[str, Any]]) -> Finding:
    check, atlas = run.check, run.atlas
    attrs = atlas.attrs(node)
    kind = str(attrs.get("kind"))
    scope = _scope(run, node, count, place, lets, atlas) if run.needs_scope else None
    bounds = run.bounds.get(node)
    if bounds is not None and scope is not None:
        scope["min"], scope["max"] = bounds
    severity = check.rule.severity
    gap_en, gap_zh, actual_template = check.gap[0], check.gap[1], check.actual
    for case in check.cases:
        if scope is not None and case.when.value(scope):
            if case.severity is not None:
                severity = case.severity.render(scope)  # type: ignore[assignment]
            gap_en = case.gap_en or gap_en
            gap_zh = case.gap_zh or gap_zh
            actual_template = case.actual or actual_template
            break
    actual: Any = actual_template.value(scope or run.params) if actual_template is not None else count
    if check.required is not None:
        required: Any = check.required.value(scope or run.params)
    else:
        low, high = bounds if bounds is not None else (_fixed(check.low), _fixed(check.high))
        required = low if low is not None and count < low else high if high is not None else low
    where = atlas.place(place)
    code = str(attrs.get("id_masked") or "?") if kind == "person" else node.split(":", 1)[1]
    name = atlas.address(node, attrs) if kind == "household" else str(attrs.get("name") or code)
    word = KIND_EN.get(kind, kind)
    subject = f"{word} {name} ({code})" if name != code else f"{word} {code}"
    subject_zh = f"{KIND_ZH.get(kind, kind)}{name}（{code}）" if name != code else f"{KIND_ZH.get(kind, kind)}{code}"
    return Finding(
        check.rule.id,
        severity,
        node,
        kind,
        code,
        name,
        where.street,
        where.street_name,
        where.community,
        where.community_name,
        where.grid,
        actual if actual is not None else count,
        required if required is not None else 0,
        who.org,
        who.name,
        who.post,
        f"{subject[0].upper()}{subject[1:]} {run.text(gap_en, scope, 'en')}; norm: {run.text(check.norm[0], scope, 'en')}.",
        f"{subject_zh}{run.text(gap_zh, scope, 'zh')}；规范：{run.text(check.norm[1], scope, 'zh')}。",
    )


__all__ = ["NOBODY", "Assignee", "Place", "Tally", "focus_in", "run_check"]
