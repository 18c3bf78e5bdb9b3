"""How the graph is laid out on a Bolt server, and the rows that carry it there and back.

A node is ``(:OrgNode:<Kind label> {id, kind, …attributes, ended?})``; the kind label comes from
:data:`LABEL` (a fixed table, never from input). One period of a link is one relationship whose type
is the :class:`~orggraph.model.kinds.LinkKind` value, with ``start``, ``end`` (absent while open)
and the link's attributes as properties. Three more labels hold the store's own records:
``OrgGraphMeta`` (format, key fingerprint, revision), ``OrgGraphAudit`` (the audit trail) and
``OrgGraphChange`` (the change log: what each write replaced, compressed, in parts).

>>> node_row("household:H1", {"kind": "household", "room": "501"})
{'id': 'household:H1', 'kind': 'household', 'room': '501'}
>>> period_props(("2021-01-01", None, (("post", "组长"),)))
{'start': '2021-01-01', 'post': '组长'}
>>> period_from_props({'start': '2021-01-01', 'post': '组长'})
('2021-01-01', None, (('post', '组长'),))

The fragments every statement reading *as of a day* needs — a relationship active on ``$day``, a node
not ended by then — are written here once:

>>> active("r")
'(r.start <= $day AND (r.end IS NULL OR $day < r.end))'
>>> live("n")[:55]
'(CASE WHEN n.ended IS NOT NULL AND n.ended <= $day THEN'
"""

from __future__ import annotations

from typing import Any

from orggraph.errors import SchemaViolationError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store.batch import freeze_attrs

#: The label every graph node carries (its ``id`` is indexed, unique on Neo4j).
NODE = "OrgNode"
META = "OrgGraphMeta"
AUDIT = "OrgGraphAudit"
#: The change log: one node per part of one write's backward changes (see :mod:`orggraph.store.changes`).
CHANGE = "OrgGraphChange"

#: The label of each node kind.
LABEL: dict[str, str] = {kind.value: "".join(part.title() for part in kind.value.split("_")) for kind in NodeKind}
#: Relationship types: the link kinds' values, checked against the enum before use.
TYPES: frozenset[str] = frozenset(kind.value for kind in LinkKind)

_RESERVED_NODE = frozenset({"id"})
_RESERVED_LINK = frozenset({"start", "end"})


#: Deepest area tree walked (district → street → community → grid(s) → compound → building → entrance → household).
MAX_DEPTH = 12


def active(rel: str) -> str:
    """The condition that relationship ``rel`` is active on ``$day``."""
    return f"({rel}.start <= $day AND ({rel}.end IS NULL OR $day < {rel}.end))"


def live(node: str) -> str:
    """The condition that node ``node`` has begun and not ended by ``$day`` and is not in a gap it was
    away (``since``, ``ended``, ``absent``; see :func:`orggraph.timeline.is_live`).

    One ``CASE`` expression, not a conjunction: FalkorDB 4.16 plans a pattern whose far node carries
    two conditions or more as a scan of every node (measured: 1.0 s against 13 ms for 20 ids)."""
    return (
        f"(CASE WHEN {node}.ended IS NOT NULL AND {node}.ended <= $day THEN false "
        f"WHEN {node}.since IS NOT NULL AND {node}.since > $day THEN false "
        f"WHEN {node}.absent IS NULL THEN true "
        f"ELSE none(g IN {node}.absent WHERE substring(g, 0, 10) <= $day AND $day < substring(g, 11, 10)) END)"
    )


def all_active(path: str) -> str:
    """Every relationship of path ``path`` is active on ``$day``."""
    return f"all(x IN relationships({path}) WHERE {active('x')})"


def label(kind: str) -> str:
    """The label of a node kind (``party_org`` → ``PartyOrg``)."""
    return LABEL[NodeKind(kind).value]


def rel_type(kind: str) -> str:
    """A relationship type, only ever one of the link kinds."""
    if kind not in TYPES:
        raise SchemaViolationError(f"unknown link kind {kind!r}", message_zh=f"未知关系类型 {kind}", link=kind)
    return kind


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def node_row(node_id: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """The properties of a node on the server: its id and its attributes."""
    if _RESERVED_NODE & attrs.keys():
        raise SchemaViolationError(f"node {node_id!r}: 'id' cannot be an attribute", message_zh="节点属性不能命名为 id")
    return {"id": node_id, **{k: _plain(v) for k, v in attrs.items()}}


def node_from_props(props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Node id and attributes from the properties read back."""
    attrs = dict(props)
    return str(attrs.pop("id")), attrs


def period_props(period: tuple[Any, ...]) -> dict[str, Any]:
    """The relationship properties of one period ``(start, end, attrs)``."""
    start, end, attrs = period
    props: dict[str, Any] = {"start": start}
    if end is not None:
        props["end"] = end
    for key, value in attrs or ():
        if key in _RESERVED_LINK:
            raise SchemaViolationError(f"a link attribute cannot be named {key!r}", message_zh=f"关系属性不能命名为 {key}")
        props[key] = _plain(value)
    return props


def period_from_props(props: dict[str, Any]) -> tuple[Any, ...]:
    """One period back from relationship properties."""
    rest = {k: v for k, v in props.items() if k not in _RESERVED_LINK}
    return (props["start"], props.get("end"), freeze_attrs(rest))
