"""What if (假设推演): which coverage gaps a departure or an ended link would open, and which it would close.

:func:`what_if` removes persons (a member leaves, a cadre is transferred: ``Batch.end_node``) and ends
links (a secretary steps down, a 1+10 contact stops: ``Batch.unlink``) in the graph as it would be
(:meth:`GraphStore.view_after <orggraph.store.port.GraphStore.view_after>`: a scratch copy, never the
store's own), runs the coverage rules (覆盖检查) before and after, and returns the findings that would
appear and those that would disappear. The real store is never written.
Findings are matched by (rule, node, actual, required): a member whose load falls from 17 to 16 has
one finding disappear and another appear.

A person may be named by node id (``person:…``) or by whole ID number (公民身份号码), which is hashed
with the store's key, so the CLI can take ``--remove 130705…``; the number is never kept or shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from orggraph.errors import InvalidValueError, NotFoundError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.model.nodes import node_id
from orggraph.pii import mask_id_number, normalize_id_number
from orggraph.store import Batch, GraphStore
from orggraph.store.view import DayView
from queries.coverage.findings import Finding
from queries.coverage.run import run_coverage
from queries.policy import Policy, load_policy

#: A link to end: (link kind, source, target); either end may be a node id or, for a person, an ID number.
LinkRef = tuple[str, str, str]
FindingKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class WhatIf:
    """The outcome of a what-if (假设推演结果).

    Attributes
    ----------
    as_of, scope
        The day the change is made and the findings are read, and the area code checked (``None``: all).
    removed, ended
        The nodes ended (ids) and the links ended ((kind, source, target), node ids).
    shown
        How each removed node and link end is shown: the masked ID number (脱敏身份证号) of a person,
        else its code.
    appeared, disappeared
        The coverage findings the change would open and close.
    before, after
        How many findings there are before and after the change.
    """

    as_of: str
    scope: str | None
    removed: tuple[str, ...]
    ended: tuple[tuple[str, str, str], ...]
    shown: dict[str, str]
    appeared: list[Finding]
    disappeared: list[Finding]
    before: int
    after: int

    @property
    def counts(self) -> dict[str, int]:
        """Findings before and after, appeared and disappeared."""
        return {"before": self.before, "after": self.after, "appeared": len(self.appeared), "disappeared": len(self.disappeared)}

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and JSON output (persons masked)."""
        return {
            "as_of": self.as_of,
            "scope": self.scope,
            "removed": [self.shown[n] for n in self.removed],
            "ended": [{"kind": k, "source": self.shown[s], "target": self.shown[t]} for k, s, t in self.ended],
            "counts": self.counts,
            "appeared": [f.to_dict() for f in self.appeared],
            "disappeared": [f.to_dict() for f in self.disappeared],
        }


def what_if(
    store: GraphStore,
    *,
    remove: Sequence[str] = (),
    end: Sequence[LinkRef] = (),
    as_of: str | None = None,
    policy: Policy | None = None,
    scope: str | None = None,
) -> WhatIf:
    """Coverage gaps that would open and close if persons left and links ended on the day.

    Parameters
    ----------
    store
        The graph store; only read, never written.
    remove
        Persons (or other nodes) to remove, by node id or by whole ID number (公民身份号码).
    end
        Links to end, as (link kind, source, target); the kind by value (``SECRETARY_OF``), the ends by
        node id or ID number. Each must be in force on the day.
    as_of
        The day of the change and of both coverage runs; today when not given.
    policy
        The norms; the shipped defaults when not given.
    scope
        An area code: only findings in it and below are compared.

    Returns
    -------
    WhatIf
        The findings that would appear and disappear.

    Raises
    ------
    NotFoundError
        When a node is not live on the day, or a link is not in force.
    InvalidValueError
        When a link kind or an ID number is not valid.
    """
    policy = policy if policy is not None else load_policy(None)
    view = store.view(as_of)
    day = view.day
    removed = tuple(dict.fromkeys(resolve_node(store, view, ref) for ref in remove))
    ended = tuple(dict.fromkeys(_resolve_link(store, view, ref) for ref in end))
    batch = Batch("what-if")
    for kind, source, target in ended:
        batch.unlink(LinkKind(kind), source, target, end=day)
    for node in removed:
        batch.end_node(node, end=day)
    before = run_coverage(view, scope=scope, policy=policy).findings
    after = run_coverage(store.view_after(batch, day), scope=scope, policy=policy).findings
    old, new = {_key(f) for f in before}, {_key(f) for f in after}
    shown = {n: _shown(view, n) for n in (*removed, *(n for _, s, t in ended for n in (s, t)))}
    return WhatIf(
        as_of=day,
        scope=scope,
        removed=removed,
        ended=ended,
        shown=shown,
        appeared=[f for f in after if _key(f) not in old],
        disappeared=[f for f in before if _key(f) not in new],
        before=len(before),
        after=len(after),
    )


def _key(finding: Finding) -> FindingKey:
    return (finding.rule, finding.node, str(finding.actual), str(finding.required))


def resolve_node(store: GraphStore, view: DayView, ref: str) -> str:
    """The node id of ``ref``: a node id, or a person's whole ID number (hashed with the store's key)."""
    text = str(ref).strip()
    if ":" in text:
        node = text
        shown = text
    else:
        number = normalize_id_number(text)
        node = node_id(NodeKind.PERSON, store.pii_key.identity(number))
        shown = mask_id_number(number)
    if view.node(node) is None:
        raise NotFoundError(
            f"{shown} is not in the store as of {view.day}", message_zh=f"{view.day} 图中没有 {shown}", node=shown
        )
    return node


def _resolve_link(store: GraphStore, view: DayView, ref: LinkRef) -> tuple[str, str, str]:
    kind_text, source_ref, target_ref = ref
    try:
        kind = LinkKind(str(kind_text).strip().upper())
    except ValueError:
        raise InvalidValueError(
            f"{kind_text!r} is not a link kind; known: {', '.join(k.value for k in LinkKind)}",
            message_zh=f"“{kind_text}”不是关系类型",
            value=str(kind_text),
        ) from None
    source, target = resolve_node(store, view, source_ref), resolve_node(store, view, target_ref)
    if target not in view.out(source, kind.value):
        a, b = _shown(view, source), _shown(view, target)
        raise NotFoundError(
            f"there is no {kind.value} link {a} → {b} in force on {view.day}",
            message_zh=f"{view.day} 不存在 {a} 到 {b} 的{kind.zh}关系",
            link=kind.value,
        )
    return kind.value, source, target


def _shown(view: DayView, node: str) -> str:
    """A person's masked ID number, else the node's code."""
    attrs = view.node(node) or {}
    return str(attrs.get("id_masked") or node.split(":", 1)[-1])
