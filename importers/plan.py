"""The plan of one import: the nodes and links its rows say should exist, each with the row it came from.

Rows of every file add to one :class:`Plan`; references are checked against the store and the plan
together (:meth:`Plan.exists`), so the files of one command may refer to each other in any order.
A row that fails is rejected whole: none of its nodes or links stay in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importers.rosters import RosterKind
from orggraph.errors import OrgGraphError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import GraphStore
from orggraph.timeline import is_live


@dataclass(frozen=True)
class Source:
    """Where a row came from: file, sheet, row number, roster kind."""

    file: str
    sheet: str | None
    row: int
    kind: RosterKind


class RowProblem(OrgGraphError, ValueError):  # noqa: N818 - a problem of a row, reported, not raised to users
    """A row cannot be applied as it is; ``column`` names the field at fault."""

    code = "roster.row"
    title_zh = "行数据错误"

    def __init__(self, column: str | None, message: str, message_zh: str, value: str = "") -> None:
        super().__init__(message, message_zh=message_zh, column=column, value=value)
        self.column = column
        self.value = value


LinkKey = tuple[str, str, str]  # (link kind value, source id, target id)


@dataclass(slots=True)
class PlannedLink:
    start: str
    attrs: dict[str, Any] | None
    source: Source
    #: The start is a date the roster states (报到日期, 开始日期): an open link is corrected to it.
    stated: bool = False


@dataclass
class Plan:
    """What the rows of one import say: node attributes and links, with their sources."""

    store: GraphStore
    day: str
    nodes: dict[str, tuple[dict[str, Any], Source]] = field(default_factory=dict)
    links: dict[LinkKey, PlannedLink] = field(default_factory=dict)
    #: Nodes the plan ends (missing from a full roster): they no longer count as existing.
    ending: set[str] = field(default_factory=set)
    #: Keys already claimed per roster kind (duplicates in the run are rejected).
    keys: dict[tuple[RosterKind, Any], Source] = field(default_factory=dict)
    #: Warnings of the rows kept: (row, column, value, reason, reason in Chinese).
    warnings: list[tuple[Source, str | None, str, str, str]] = field(default_factory=list)
    #: Planned links that come back after they ended: the start of their new period.
    restarts: dict[LinkKey, str] = field(default_factory=dict)
    _by_source: dict[str, list[LinkKey]] | None = field(default=None, repr=False)

    def planned_from(self, source: str) -> list[LinkKey]:
        """The planned links that start at ``source``."""
        if self._by_source is None:
            index: dict[str, list[LinkKey]] = {}
            for key in self.links:
                index.setdefault(key[1], []).append(key)
            self._by_source = index
        return self._by_source.get(source, [])

    # -- what exists -----------------------------------------------------------------------------

    def attrs(self, node_id: str) -> dict[str, Any] | None:
        """The node's attributes as the plan leaves them (plan first, else the store)."""
        planned = self.nodes.get(node_id)
        if planned is not None:
            return planned[0]
        if node_id in self.ending:
            return None
        stored = self.store.node(node_id)
        if stored is None or not is_live(stored, self.day):
            return None
        return stored

    def exists(self, node_id: str, kind: NodeKind | tuple[NodeKind, ...] | None = None) -> bool:
        planned = self.nodes.get(node_id)
        if planned is not None:
            found: str | None = planned[0]["kind"]
        elif node_id in self.ending:
            return False
        else:
            found = self.store.kind_of(node_id, as_of=self.day)
        if found is None:
            return False
        if kind is None:
            return True
        return found == kind if isinstance(kind, NodeKind) else found in kind

    def kind(self, node_id: str) -> str | None:
        """The kind (its value) of a node as the plan leaves it, or None when it does not exist."""
        planned = self.nodes.get(node_id)
        if planned is not None:
            return str(planned[0]["kind"])
        if node_id in self.ending:
            return None
        return self.store.kind_of(node_id, as_of=self.day)

    def require(self, node_id: str, kinds: NodeKind | tuple[NodeKind, ...], column: str, code: str, where_from: str) -> str:
        """``node_id`` if it exists with one of ``kinds``, else a :class:`RowProblem` naming the code
        (and, when the code is a node of another kind, which kind it is and which the column takes)."""
        if self.exists(node_id, kinds):
            return node_id
        found = self.kind(node_id)
        if found is not None:
            wanted = (kinds,) if isinstance(kinds, NodeKind) else kinds
            takes, takes_zh = ", ".join(k.value for k in wanted), "、".join(k.zh for k in wanted)
            other = NodeKind(found)
            raise RowProblem(
                column,
                f"{code!r} is a {other.value} ({other.zh}); this column takes {takes}",
                f"“{code}”是{other.zh}，此列只接受{takes_zh}",
                value=code,
            )
        raise RowProblem(
            column,
            f"{code!r} is neither in the store nor in {where_from} of this import",
            f"“{code}”既不在图存储中，也不在本次导入的{where_from}中",
            value=code,
        )

    def claim(self, kind: RosterKind, key: Any, source: Source, column: str, shown: str) -> None:
        """Reject a second row with the same key in one import."""
        first = self.keys.get((kind, key))
        if first is not None:
            raise RowProblem(
                column,
                f"{shown} is already listed at {first.file} row {first.row}",
                f"{shown} 已在 {first.file} 第{first.row}行出现",
                value=shown,
            )
        self.keys[kind, key] = source


@dataclass
class RowOps:
    """What one row adds to the plan; applied only if the whole row is valid."""

    source: Source
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    links: list[tuple[LinkKind, str, str, str, dict[str, Any] | None, bool]] = field(default_factory=list)
    warnings: list[tuple[str | None, str, str, str]] = field(default_factory=list)

    def warn(self, column: str | None, message: str, message_zh: str, value: str = "") -> None:
        """A note on the row that does not reject it (a roster disagreeing with the authority …)."""
        self.warnings.append((column, value, message, message_zh))

    def node(self, node_id: str, attrs: dict[str, Any]) -> None:
        self.nodes.append((node_id, attrs))

    def link(
        self,
        kind: LinkKind,
        source: str,
        target: str,
        *,
        start: str,
        attrs: dict[str, Any] | None = None,
        stated: bool = False,
    ) -> None:
        self.links.append((kind, source, target, start, attrs, stated))

    def commit(self, plan: Plan) -> None:
        for node_id, attrs in self.nodes:
            if node_id not in plan.nodes:
                plan.nodes[node_id] = (attrs, self.source)
            else:
                merged = {**plan.nodes[node_id][0], **attrs}
                plan.nodes[node_id] = (merged, plan.nodes[node_id][1])
        for kind, src, dst, start, link_attrs, stated in self.links:
            plan.links[kind._value_, src, dst] = PlannedLink(start, link_attrs, self.source, stated)  # _value_: the hot path
        plan._by_source = None
        for column, value, message, message_zh in self.warnings:
            plan.warnings.append((self.source, column, value, message, message_zh))
