"""A write batch: the unit in which the graph changes. A batch is applied whole or not at all.

>>> from orggraph.model import Community, LinkKind, Street
>>> batch = Batch("example")
>>> batch.put(Street(code="S1", name="新华街道"))
>>> batch.put(Community(code="C1", name="幸福社区"))
>>> batch.link(LinkKind.PART_OF, "area:C1", "area:S1", start="2020-01-01")
>>> len(batch)
3
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orggraph.model.kinds import LinkKind
from orggraph.model.nodes import Node

#: Operations, as plain tuples (they are journalled as they are):
#: ("put", node_id, attrs) · ("link", kind, source, target, start, attrs[, stated]) ·
#: ("unlink", kind, source, target, end) · ("end", node_id, end) · and, to put back what a write
#: replaced (undo), ("restore_node", node_id, attrs or None) · ("restore_link", kind, source, target, periods)
Op = tuple[Any, ...]

Attrs = tuple[tuple[str, Any], ...]


def freeze_attrs(attrs: Mapping[str, Any] | None) -> Attrs | None:
    """Link attributes as sorted (name, value) pairs, lists made tuples; ``None`` when empty.

    >>> freeze_attrs({"post": "组长", "tasks": ["a"]}), freeze_attrs({"tasks": None}), freeze_attrs({})
    ((('post', '组长'), ('tasks', ('a',))), None, None)
    """
    if not attrs:
        return None
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in attrs.items() if v is not None))
    return frozen or None


def _kind(kind: LinkKind | str) -> str:
    """The plain string of a link kind (ops are marshalled: no enum members in them)."""
    return kind._value_ if isinstance(kind, LinkKind) else LinkKind(kind)._value_


def _id(node: Node | str) -> str:
    return node if isinstance(node, str) else node.node_id


@dataclass
class Batch:
    """An ordered list of changes; ``label`` says where they came from (a file, a command)."""

    label: str = ""
    ops: list[Op] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def put(self, node: Node) -> None:
        """Create the node, or replace its attributes (restarting it if it had ended)."""
        self.ops.append(("put", node.node_id, node.to_attrs()))

    def put_attrs(self, node_id: str, attrs: dict[str, Any]) -> None:
        """Like :meth:`put` for attributes already in graph form (``kind`` included)."""
        self.ops.append(("put", node_id, attrs))

    def link(
        self,
        kind: LinkKind,
        source: Node | str,
        target: Node | str,
        *,
        start: str,
        attrs: Mapping[str, Any] | None = None,
        stated: bool = False,
    ) -> None:
        """Start a link on ``start`` (an open one with other attributes has them replaced).

        ``stated``: ``start`` is a date the roster states (报到日期, 开始日期), not just the day the link
        was first seen, so an open link that started on another day has its start corrected.
        """
        op: tuple[Any, ...] = ("link", _kind(kind), _id(source), _id(target), start, freeze_attrs(attrs))
        self.ops.append((*op, True) if stated else op)

    def unlink(self, kind: LinkKind, source: Node | str, target: Node | str, *, end: str) -> None:
        """End the open link on ``end``; the link and its history are kept."""
        self.ops.append(("unlink", _kind(kind), _id(source), _id(target), end))

    def end_node(self, node: Node | str, *, end: str) -> None:
        """Mark a node ended on ``end`` and end every open link it has; nothing is deleted."""
        self.ops.append(("end", _id(node), end))

    def extend(self, other: Batch) -> None:
        self.ops.extend(other.ops)
