"""What a sync ends (终止): what a full roster no longer lists within its scope, and what a row moves.

A full roster is the whole list for its scope (:mod:`importers.scope`): what the store holds there that
the roster owns and no longer lists is ended on the import date. A row that moves something (a member
to another org, a household to another grid) ends the old link whatever the scope, and a member who
leaves an org leaves the posts he held in it.

An import that would end more of a roster's scope than the policy allows (``[import]`` in the policy
file: by default the smaller of 20% of what the scope holds and 500, never refused for 10 or fewer) is
refused with the count, the scope and what to do, unless ``--allow-mass-end`` is given: a roster that
covers less than the area its rows fall in — a wrong file, half an export — must not end the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importers.plan import Plan, PlannedLink, RowProblem
from importers.report import ImportReport
from importers.rosters import IMPORT_ORDER, RosterKind
from importers.rows import Rejection
from importers.scope import NODE_OWNERS, Areas, anchors, owned_links, owned_nodes
from orggraph.model.kinds import POST_LINKS, LinkKind
from orggraph.model.schema import LINK_RULES
from orggraph.policy_file import ImportPolicy
from orggraph.store import Link
from orggraph.store.changes import Changes

_RULES = {kind.value: rule for kind, rule in LINK_RULES.items()}
_MEMBER_OF = LinkKind.MEMBER_OF.value
_POSTS = frozenset(k.value for k in POST_LINKS)

LinkKey = tuple[str, str, str]


@dataclass(frozen=True)
class Ending:
    """An end the sync adds (a thing missing from a full roster, or moved by a row), and whose it is."""

    kind: RosterKind


@dataclass
class Ends:
    """The nodes and links an import ends, each with the roster kind it ends for."""

    nodes: list[tuple[str, RosterKind]] = field(default_factory=list)
    links: list[tuple[LinkKey, RosterKind]] = field(default_factory=list)


def plan_ends(
    plan: Plan,
    kinds: set[RosterKind],
    *,
    scope_code: str | None,
    partial: bool,
    allow_mass_end: bool,
    guard: ImportPolicy,
    report: ImportReport,
    headers: dict[Any, dict[str, str]],
    area_id: Any,
) -> Ends:
    """Nodes and links to end: moved by a row, or (full rosters) missing within their scope."""
    areas = Areas(plan)
    link_ends: dict[LinkKey, RosterKind] = dict(_moves(plan))
    placed = anchors(plan, areas)
    node_ends: dict[str, RosterKind] = {}
    scope: set[str] | None = None
    if scope_code is not None:
        scope_id = area_id(scope_code)
        if not plan.exists(scope_id):
            reason, reason_zh = f"there is no area {scope_code!r}", f"不存在区域“{scope_code}”"
            report.rejections.append(Rejection("--scope", None, None, None, scope_code, reason, reason_zh))
            return Ends()
        scope = {scope_id}
        for anchor, source in placed:
            if not areas.within(anchor, scope):
                report.reject(
                    source,
                    RowProblem(None, f"the row lies outside the scope {scope_code}", f"该行不在指定范围 {scope_code} 内"),
                    headers,
                )
    if not partial:
        units: dict[RosterKind, set[str]] = {}
        if scope is None:
            for anchor, source in placed:
                unit = areas.scope_unit(anchor)
                if unit is not None:
                    units.setdefault(source.kind, set()).add(unit)
        for kind in sorted(kinds, key=IMPORT_ORDER.index):
            if kind.value in report.counts and report.counts[kind.value]["rejected"]:
                # a roster with rejected rows is not a complete list: what it seems to miss may sit in
                # a rejected row (a mistyped ID number), so nothing missing from it is ended
                report.incomplete.append(kind.value)
                continue
            kind_scope = scope or units.get(kind, set())
            if not kind_scope:
                continue
            held = 0
            missing_nodes = []
            for node in owned_nodes(plan, areas, kind, kind_scope):
                held += 1
                if node not in plan.nodes:
                    missing_nodes.append(node)
            missing_links = []
            for key in owned_links(plan, areas, kind, kind_scope):
                held += 1
                if key not in plan.links and key not in link_ends:
                    missing_links.append(key)
            ending = len(missing_nodes) + len(missing_links)
            if ending > guard.limit(held) and not allow_mass_end:
                _refuse_mass_end(plan, report, kind, ending, held, kind_scope, guard)
                continue
            node_ends.update(dict.fromkeys(missing_nodes, kind))
            for key in missing_links:
                link_ends.setdefault(key, kind)
    plan.ending = set(node_ends)
    for (_, src, dst), planned in plan.links.items():
        ended = src if src in plan.ending else dst if dst in plan.ending else None
        if ended is not None:
            owner = node_ends[ended]
            prefix, code = ended.split(":", 1)
            report.reject(
                planned.source,
                RowProblem(
                    None,
                    f"{prefix} {code} is missing from its full {owner.value} roster, so it is ended on {plan.day}; "
                    "this row cannot link to it",
                    f"{code} 不在完整的{owner.zh}名册中，将于 {plan.day} 终止；此行不能再与其建立关系",
                    code,
                ),
                headers,
            )
    links = [(key, kind) for key, kind in link_ends.items() if key[1] not in plan.ending and key[2] not in plan.ending]
    return Ends(list(node_ends.items()), links)


def _refuse_mass_end(
    plan: Plan, report: ImportReport, kind: RosterKind, ending: int, held: int, scope: set[str], guard: ImportPolicy
) -> None:
    names = []
    for area in sorted(scope)[:5]:
        attrs = plan.attrs(area) or {}
        names.append(f"{attrs.get('name', '')} {area.split(':', 1)[1]}".strip())
    where = "、".join(names) + (f" … ({len(scope)})" if len(scope) > 5 else "")
    what = "nodes and links" if kind in NODE_OWNERS else "links"
    limit = guard.limit(held)
    report.mass_end.append(kind.value)
    report.rejections.append(
        Rejection(
            ", ".join(sorted({s.file for s in _sources(plan, kind)})) or kind.value,
            None,
            None,
            None,
            str(ending),
            f"the full {kind.value} roster would end {ending:,} of the {held:,} {what} its scope holds ({where}): "
            f"more than the {limit:,} an import may end at once. If the roster covers only part of that area, "
            "give --scope CODE or --partial; if these really end, import again with --allow-mass-end",
            f"完整的{kind.zh}名册将终止其范围（{where}）内 {held:,} 项中的 {ending:,} 项，超过一次导入可终止的 {limit:,} 项。"
            "若名册只覆盖该范围的一部分，请用 --scope 指定范围或用 --partial；若确需终止，请加 --allow-mass-end 重新导入",
        )
    )


def _sources(plan: Plan, kind: RosterKind) -> list[Any]:
    found = [source for _, source in plan.nodes.values() if source.kind is kind]
    found += [planned.source for planned in plan.links.values() if planned.source.kind is kind]
    return found


def _moves(plan: Plan) -> dict[LinkKey, RosterKind]:
    """Open store links a row replaces (the old org of a moved member, the old grid of a household …),
    the posts a member held in an org he leaves, and, on the side, the start of every planned link that
    comes back after it ended (``plan.restarts``)."""
    moved: dict[LinkKey, RosterKind] = {}
    by_source: dict[str, list[tuple[str, str, PlannedLink]]] = {}
    sources = {src for _, src, _ in plan.links}
    held = plan.store.present(Changes(nodes=dict.fromkeys(sources))).nodes
    stored = {node for node, attrs in held.items() if attrs is not None}
    for (kind_value, src, dst), planned in plan.links.items():
        # a source the store does not hold has no history, and a target no other source, unless the
        # kind allows one source only: such links move nothing (most links of a first import)
        if src in stored or _RULES[kind_value].single_source:
            by_source.setdefault(src, []).append((kind_value, dst, planned))
    for src, planned_links in by_source.items():
        history: dict[tuple[str, str], list[Link]] = {}
        for link in plan.store.links(src, history=True):
            history.setdefault((link.kind.value, link.target), []).append(link)
        for kind_value, dst, planned in planned_links:
            rule = _RULES[kind_value]
            if rule.single_target:
                for (other_kind, other), others in history.items():
                    if other_kind == kind_value and other != dst and any(_active(lk, plan.day) for lk in others):
                        moved[kind_value, src, other] = planned.source.kind
                        if kind_value == _MEMBER_OF:  # a member leaving an org leaves his posts in it
                            for post in _POSTS:
                                if (post, src, other) not in plan.links and any(
                                    _active(lk, plan.day) for lk in history.get((post, other), [])
                                ):
                                    moved[post, src, other] = planned.source.kind
            mine = history.get((kind_value, dst))
            if mine and all(lk.end is not None for lk in mine):
                last_end = max(str(lk.end) for lk in mine)
                plan.restarts[kind_value, src, dst] = max(planned.start, last_end)
            if rule.single_source:
                for link in plan.store.links(dst, kind=rule.kind, direction="in", as_of=plan.day):
                    if link.source != src:
                        moved[kind_value, link.source, dst] = planned.source.kind
    return moved


def _active(link: Link, day: str) -> bool:
    return link.start <= day and (link.end is None or day < link.end)
