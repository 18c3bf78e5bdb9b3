"""A write's changes in words (变更明细): one line per changed node or link, before → after.

The lines come from the states a write set and replaced (:mod:`orggraph.store.changes`), so a dry run
describes exactly what the write would do, and an import's report what it did. Moves read as moves —
a member's org, a household's grid, a unit's place: ``成员 王芳 从 3号楼党小组 调至 幸福社区党委`` /
``member 王芳 moved from … to …`` — and a link ended only because its node ended says so. Personal
data appear masked, as everywhere: a person by name and masked ID number, sealed values never.

>>> from orggraph.store.changes import Changes
>>> before = Changes(nodes={"household:H1": {"kind": "household", "room": "101", "residents": 3}})
>>> after = Changes(nodes={"household:H1": {"kind": "household", "room": "101", "residents": 4}})
>>> lines, total = change_lines(after, before, lambda n: None)
>>> [line.change_en for line in lines], total
(['residents 3 → 4'], 1)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.schema import LINK_RULES
from orggraph.store.changes import Changes, LinkKey

#: Attributes never shown (sealed personal data, internal keys).
_HIDDEN = frozenset({"kind", "id_sealed", "phone_sealed"})
_ATTR_ZH = {
    "name": "名称",
    "room": "室",
    "residents": "常住人数",
    "care_tags": "关爱标签",
    "level": "网格级别",
    "org_kind": "组织类别",
    "unit_kind": "单位类别",
    "handles": "承办事项",
    "phone_masked": "联系电话",
    "id_masked": "身份证号",
    "gender": "性别",
    "status": "人员类别",
    "rank": "职级",
    "category": "资源类别",
    "term_start": "开始日期",
    "term_end": "结束日期",
    "ended": "终止日期",
}
_SINGLE_TARGET = frozenset(kind.value for kind, rule in LINK_RULES.items() if rule.single_target)
COLUMNS = (
    ("kind", "类别"),
    ("subject", "对象"),
    ("change_zh", "变化"),
    ("change_en", "change"),
    ("before", "之前"),
    ("after", "之后"),
)


@dataclass(frozen=True)
class ChangeLine:
    """One changed node or link: what it is, the change in Chinese and English, before and after."""

    kind: str
    subject: str
    change_zh: str
    change_en: str
    before: str
    after: str

    def cells(self) -> tuple[str, ...]:
        return (self.kind, self.subject, self.change_zh, self.change_en, self.before, self.after)


Lookup = Callable[[str], dict[str, Any] | None]


def change_lines(
    forward: Changes, backward: Changes, lookup: Lookup, *, limit: int | None = None
) -> tuple[list[ChangeLine], int]:
    """The first ``limit`` lines of a write whose states after and before are ``forward`` and
    ``backward``, and how many lines there are in all; ``lookup`` gives the attributes of a node the
    write did not change (to name the ends of a link)."""
    lines: list[ChangeLine] = []
    total = 0
    for line in _lines(forward, backward, lookup):
        total += 1
        if limit is None or len(lines) < limit:
            lines.append(line())  # worded only when shown: an import of a district has millions
    return lines, total


def _lines(forward: Changes, backward: Changes, lookup: Lookup) -> Iterator[Callable[[], ChangeLine]]:
    def attrs_of(node_id: str) -> dict[str, Any] | None:
        return forward.nodes.get(node_id) or backward.nodes.get(node_id) or lookup(node_id)

    def name(node_id: str) -> str:
        return _name(node_id, attrs_of(node_id))

    ended_nodes = {n for n, a in forward.nodes.items() if a is None or "ended" in a}
    for node_id, after in forward.nodes.items():
        yield functools.partial(_node_line, node_id, backward.nodes.get(node_id), after)
    moves: dict[tuple[str, str], dict[str, list[str]]] = {}
    plain: list[tuple[LinkKey, str]] = []
    for key, after_periods in forward.links.items():
        u, v, kind = key
        state = _link_state(backward.links.get(key, ()), after_periods)
        if kind in _SINGLE_TARGET and state in ("started", "ended", "dropped"):
            moves.setdefault((u, kind), {}).setdefault("gone" if state != "started" else "new", []).append(v)
        plain.append((key, state))
    paired: set[LinkKey] = set()
    for (u, kind), sides in moves.items():
        gone, new = sides.get("gone", []), sides.get("new", [])
        if len(gone) == 1 and len(new) == 1:
            paired.update({(u, gone[0], kind), (u, new[0], kind)})
            yield functools.partial(_move_line, kind, u, gone[0], new[0], name)
    for key, state in plain:
        if key in paired:
            continue
        u, v, kind = key
        cascade = (u in ended_nodes or v in ended_nodes) and state in ("ended", "dropped")
        periods = (backward.links.get(key, ()), forward.links[key])
        yield functools.partial(_named_link_line, kind, u, v, state, *periods, cascade, name)


def _move_line(kind: str, who: str, gone: str, new: str, name: Callable[[str], str]) -> ChangeLine:
    link = LinkKind(kind)
    was, now = name(gone), name(new)
    return ChangeLine(f"{link.zh} {kind}", name(who), f"从 {was} 调至 {now}", f"moved from {was} to {now}", was, now)


def _named_link_line(
    kind: str,
    u: str,
    v: str,
    state: str,
    before: tuple[Any, ...],
    after: tuple[Any, ...],
    cascade: bool,
    name: Callable[[str], str],
) -> ChangeLine:
    return _link_line(LinkKind(kind), name(u), name(v), state, before, after, cascade)


def _link_state(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    open_before = bool(before) and before[-1][1] is None
    open_after = bool(after) and after[-1][1] is None
    if open_after and not open_before:
        return "started"
    if open_before and not open_after:
        return "dropped" if len(after) < len(before) else "ended"
    if open_before and open_after:
        return "corrected"
    return "history"


_STATE_WORDS = {
    "started": ("建立", "started"),
    "ended": ("终止", "ended"),
    "dropped": ("撤销（当日建立当日终止）", "removed (made and ended the same day)"),
    "corrected": ("更正", "corrected"),
    "history": ("历史更正", "history corrected"),
}


def _link_line(
    link: LinkKind, source: str, target: str, state: str, before: tuple[Any, ...], after: tuple[Any, ...], cascade: bool
) -> ChangeLine:
    zh, en = _STATE_WORDS[state]
    if cascade:
        zh, en = f"{zh}（随节点终止）", f"{en} (its node ended)"
    return ChangeLine(f"{link.zh} {link.value}", f"{source} → {target}", zh, en, _periods_text(before), _periods_text(after))


def _periods_text(periods: tuple[Any, ...]) -> str:
    parts = []
    for start, end, attrs in periods:
        text = f"{start} – {end or '…'}"
        if attrs:
            text += " (" + ", ".join(f"{k}={_value(v)}" for k, v in attrs) + ")"
        parts.append(text)
    return "; ".join(parts) or "—"


def _node_line(node_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> ChangeLine:
    attrs = after or before or {}
    kind = NodeKind(attrs.get("kind", "person")) if attrs.get("kind") in NodeKind._value2member_map_ else None
    kind_text = f"{kind.zh} {kind.value}" if kind else str(attrs.get("kind", ""))
    subject = _name(node_id, attrs)
    if before is None:
        return ChangeLine(kind_text, subject, "新增", "created", "—", _attrs_text(after or {}))
    if after is None:
        return ChangeLine(
            kind_text, subject, "移除（当日新增当日终止）", "removed (made, ended the same day)", _attrs_text(before), "—"
        )
    if "ended" in after and "ended" not in before:
        return ChangeLine(kind_text, subject, f"于 {after['ended']} 终止", f"ended on {after['ended']}", "", "")
    if "ended" in before and "ended" not in after:
        return ChangeLine(kind_text, subject, "恢复", "restored", f"终止于 {before['ended']}", "")
    changed = [k for k in sorted(before.keys() | after.keys()) if k not in _HIDDEN and before.get(k) != after.get(k)]
    zh = "；".join(f"{_ATTR_ZH.get(k, k)} {_value(before.get(k))} → {_value(after.get(k))}" for k in changed)
    en = "; ".join(f"{k} {_value(before.get(k))} → {_value(after.get(k))}" for k in changed)
    return ChangeLine(
        kind_text,
        subject,
        zh or "更新",
        en or "updated",
        _attrs_text({k: before.get(k) for k in changed}),
        _attrs_text({k: after.get(k) for k in changed}),
    )


def _attrs_text(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in sorted(attrs.items()) if k not in _HIDDEN and v is not None)


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _name(node_id: str, attrs: dict[str, Any] | None) -> str:
    """A node as a line names it: its name and code (a person: name and masked ID number)."""
    code = node_id.split(":", 1)[-1]
    attrs = attrs or {}
    if attrs.get("kind") == NodeKind.PERSON.value:
        return f"{attrs.get('name') or ''} {attrs.get('id_masked') or code[:12] + '…'}".strip()
    label = attrs.get("name")
    return f"{label}（{code}）" if label and label != code else code
