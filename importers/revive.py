"""Same-day revivals (当日更正): a node a wrong roster ended today, listed again by the right one today.

Ending a node ends every open link of it (a household's contacts, its residents' homes …), although the
roster that ended it speaks for none of them (a node whose links all began that day goes altogether).
When a roster of the same day lists the node again, the end was a mistake, and so were those cascaded
ends: they are put back as they were — found in the change log entry of the write that ended the node —
unless a roster of this import speaks for that kind of link (then the roster decides), or the link's
other end is gone. A wrong file and the right one the
same day thus leave the store as the right one alone would.
"""

from __future__ import annotations

from importers.plan import Plan, PlannedLink, Source
from importers.rosters import RosterKind
from importers.scope import WRITES
from importers.undo import wrote_changes
from orggraph.model.kinds import LinkKind
from orggraph.model.schema import LINK_RULES
from orggraph.store import GraphStore

_RULES = {kind.value: rule for kind, rule in LINK_RULES.items()}


def revive_cascades(plan: Plan, kinds: set[RosterKind]) -> int:
    """Add to the plan the links to put back for the nodes it revives today; how many were added."""
    store = plan.store
    revisions = _same_day_revisions(store, plan.day)
    if not revisions:
        return 0
    revived: dict[str, Source] = {}
    for node_id, (_, source) in plan.nodes.items():
        stored = store.node(node_id)
        # ended today, or gone: ended the day all its links began, it was removed (it never held)
        if stored is None or stored.get("ended") == plan.day:
            revived[node_id] = source
    if not revived:
        return 0
    spoken = frozenset().union(*(WRITES[kind] for kind in kinds))
    added = 0
    for revision in revisions:
        if not revived:
            break
        for record in store.write_log(after=revision - 1, until=revision):
            found = [n for n in revived if n in record.backward.nodes]
            for node_id in found:
                source = revived.pop(node_id)
                before = record.backward.nodes[node_id]
                if before is None or "ended" in before:
                    continue  # that write did not end it (it made it, or it was ended already)
                for (u, v, kind), periods in record.backward.links.items():
                    if node_id not in (u, v) or kind in spoken or not periods or periods[-1][1] is not None:
                        continue
                    if (kind, u, v) in plan.links or not plan.exists(v if u == node_id else u):
                        continue
                    if _taken(plan, kind, u, v):
                        continue  # the other end has moved on since: that stands
                    attrs = periods[-1][2]
                    plan.links[kind, u, v] = PlannedLink(plan.day, dict(attrs) if attrs else None, source)
                    added += 1
    plan._by_source = None
    return added


def _taken(plan: Plan, kind: str, source: str, target: str) -> bool:
    """Whether putting ``source → target`` back would displace a link of its kind opened since."""
    rule = _RULES[kind]
    link_kind = LinkKind(kind)
    if rule.single_target and any(lk.target != target for lk in plan.store.links(source, kind=link_kind, as_of=plan.day)):
        return True
    return rule.single_source and any(
        lk.source != source for lk in plan.store.links(target, kind=link_kind, direction="in", as_of=plan.day)
    )


def _same_day_revisions(store: GraphStore, day: str) -> list[int]:
    """The revisions of the imports for ``day`` that stand (not undone), newest first. An undone import
    never happened, and its undo only took it back: neither ended anything a later roster revives."""
    entries = store.audit_log("import", limit=1000)
    undone = {entry.get("undoes") for entry in entries if entry.get("status") == "undo"}
    revisions = [
        int(entry["revision"])
        for entry in entries
        if entry.get("status") == "written"
        and entry["id"] not in undone
        and wrote_changes(entry)
        and (entry.get("options") or {}).get("date") == day
    ]
    return sorted(set(revisions), reverse=True)
