"""Scope of a full roster (名册范围) and what it owns there: what is missing from it is ended.

A full roster is the whole list for its scope: the area given with ``--scope``, else the areas its
rows fall in — the community of each row (社区), or its street for a row placed at street level, or
the district for a row placed at district level; never a wider area than the rows cover. Within that
scope a roster kind *owns* certain nodes or links (a household roster owns
the households; a contacts roster owns the 1+10 links into them). Those the store has open and the
roster no longer lists are ended on the import date; nothing outside the scope is ever touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from importers.plan import LinkKey, Plan, Source
from importers.rosters import RosterKind
from orggraph.model.kinds import GRID_STAFF_LINKS, POST_LINKS, LinkKind, NodeKind
from orggraph.model.nodes import node_id

K = NodeKind
_PART_OF = LinkKind.PART_OF.value
_STREET = K.STREET.value
_COMMUNITY = K.COMMUNITY.value
_DISTRICT = K.DISTRICT.value
#: The areas a full roster's rows speak for, the narrowest first.
_UNITS = (_COMMUNITY, _STREET, _DISTRICT)


class Areas:
    """Ancestor chains of areas as the import leaves them: the plan's PART_OF links first, else the store's."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.planned_parent = {src: dst for kind, src, dst in plan.links if kind == _PART_OF}
        self._chain: dict[str, tuple[str, ...]] = {}
        self._street: dict[str, str] = {}
        self._unit: dict[str, str | None] = {}

    def parent(self, node: str) -> str | None:
        planned = self.planned_parent.get(node)
        if planned is not None:
            return planned
        for link in self.plan.store.links(node, kind=LinkKind.PART_OF, as_of=self.plan.day):
            return link.target
        return None

    def chain(self, node: str) -> tuple[str, ...]:
        """``node`` and every area above it, innermost first."""
        cached = self._chain.get(node)
        if cached is not None:
            return cached
        parent = self.parent(node)
        chain = (node, *(self.chain(parent) if parent is not None and parent != node else ()))
        if len(chain) > 1:
            self._chain[node] = chain
        return chain

    def street(self, node: str) -> str | None:
        """The street (街道) at or above ``node``, if any (memoised per node)."""
        cached = self._street.get(node)
        if cached is None:
            attrs = self.plan.attrs(node)
            if attrs is not None and attrs["kind"] == _STREET:
                cached = node
            else:
                parent = self.parent(node)
                cached = (self.street(parent) or "") if parent is not None and parent != node else ""
            self._street[node] = cached
        return cached or None

    def within(self, node: str, scope: set[str]) -> bool:
        return any(area in scope for area in self.chain(node))

    def scope_unit(self, node: str) -> str | None:
        """The area a full roster's row at ``node`` speaks for: its community, else its street, else its
        district (the top of its chain), else ``None`` for a node placed nowhere."""
        attrs = self.plan.attrs(node)
        if attrs is None or attrs["kind"] not in _UNITS:
            # a node of no scope kind speaks for what its parent speaks for (memoised per parent)
            parent = self.parent(node)
            if parent is None or parent == node:
                return None
            if parent not in self._unit:
                self._unit[parent] = self.scope_unit(parent)
            return self._unit[parent]
        chain = self.chain(node)
        kinds = [(self.plan.attrs(area) or {}).get("kind") for area in chain]
        for wanted in _UNITS:
            for area, kind in zip(chain, kinds, strict=True):
                if kind == wanted:
                    return area
        return None


def org_anchor(plan: Plan, areas: Areas, org: str, depth: int = 0) -> str | None:
    """The area an org answers for: its RESPONSIBLE_FOR area, its unit's area, or its parent's."""
    if depth > 20:
        return None
    for kind in (LinkKind.RESPONSIBLE_FOR, LinkKind.PARTY_ORG_OF):
        target = _planned_or_stored(plan, org, kind)
        if target is not None:
            if kind is LinkKind.PARTY_ORG_OF:
                return _planned_or_stored(plan, target, LinkKind.LOCATED_IN)
            return target
    parent = _planned_or_stored(plan, org, LinkKind.SUBORDINATE_TO)
    return org_anchor(plan, areas, parent, depth + 1) if parent else None


def _planned_or_stored(plan: Plan, source: str, kind: LinkKind) -> str | None:
    for key_kind, _, dst in plan.planned_from(source):
        if key_kind == kind.value:
            return dst
    for link in plan.store.links(source, kind=kind, as_of=plan.day):
        return link.target
    return None


#: For each roster kind, the link kinds whose (source or target) end places a row, and which end.
_PLACING: dict[RosterKind, dict[str, str]] = {
    RosterKind.ORGS: {LinkKind.SUBORDINATE_TO.value: "org", LinkKind.RESPONSIBLE_FOR.value: "org"},
    RosterKind.MEMBERS: {LinkKind.MEMBER_OF.value: "org-target"},
    RosterKind.AREAS: {_PART_OF: "source"},
    RosterKind.HOUSEHOLDS: {LinkKind.IN_GRID.value: "source"},
    RosterKind.UNITS: {LinkKind.LOCATED_IN.value: "target"},
    RosterKind.PROJECTS: {LinkKind.FOR.value: "target"},
    RosterKind.GRID_STAFF: {k.value: "target" for k in GRID_STAFF_LINKS},
    RosterKind.CONTACTS: {LinkKind.CONTACTS.value: "target"},
    RosterKind.REGISTRATIONS: {LinkKind.REGISTERED_WITH.value: "target"},
    RosterKind.LIAISON: {LinkKind.LIAISES_WITH.value: "target"},
    RosterKind.OWNERS_COMMITTEES: {LinkKind.SITS_ON.value: "committee"},
}


def anchors(plan: Plan, areas: Areas) -> list[tuple[str, Source]]:
    """The area of every planned row, with the row: what scopes are made of and checked against."""
    found: list[tuple[str, Source]] = []
    orgs: dict[str, str | None] = {}
    for (link_kind, src, dst), planned in plan.links.items():
        end = _PLACING[planned.source.kind].get(link_kind)
        if end is None:
            continue
        anchor: str | None
        if end == "source":
            anchor = src
        elif end == "target":
            anchor = dst
        elif end == "committee":
            anchor = _compound_of_committee(dst)
        else:
            org = src if end == "org" else dst
            if org not in orgs:
                orgs[org] = org_anchor(plan, areas, org)
            anchor = orgs[org]
        if anchor is not None:
            found.append((anchor, planned.source))
    return found


def _compound_of_committee(committee: str) -> str:
    return node_id(K.COMPOUND, committee.split(":", 1)[1])


#: The links a roster kind owns, by the target that places them.
_LINK_OWNERS: dict[RosterKind, tuple[str, ...]] = {
    RosterKind.GRID_STAFF: tuple(k.value for k in GRID_STAFF_LINKS),
    RosterKind.CONTACTS: (LinkKind.CONTACTS.value,),
    RosterKind.REGISTRATIONS: (LinkKind.REGISTERED_WITH.value,),
    RosterKind.LIAISON: (LinkKind.LIAISES_WITH.value,),
    RosterKind.OWNERS_COMMITTEES: (LinkKind.SITS_ON.value,),
}

#: The link kinds the rows of each roster kind write (what an import of that roster speaks for).
WRITES: dict[RosterKind, frozenset[str]] = {
    RosterKind.AREAS: frozenset({_PART_OF, LinkKind.MANAGES.value}),
    RosterKind.ORGS: frozenset({LinkKind.SUBORDINATE_TO.value, LinkKind.RESPONSIBLE_FOR.value}),
    RosterKind.UNITS: frozenset({LinkKind.LOCATED_IN.value, LinkKind.PARTY_ORG_OF.value}),
    RosterKind.HOUSEHOLDS: frozenset({_PART_OF, LinkKind.IN_GRID.value, LinkKind.CENTRAL_HOUSEHOLD_OF.value}),
    RosterKind.MEMBERS: frozenset(
        {LinkKind.MEMBER_OF.value, LinkKind.LIVES_IN.value, LinkKind.WORKS_AT.value, *(k.value for k in POST_LINKS)}
    ),
    RosterKind.GRID_STAFF: frozenset(k.value for k in GRID_STAFF_LINKS),
    RosterKind.CONTACTS: frozenset({LinkKind.CONTACTS.value}),
    RosterKind.REGISTRATIONS: frozenset({LinkKind.REGISTERED_WITH.value}),
    RosterKind.LIAISON: frozenset({LinkKind.LIAISES_WITH.value, LinkKind.WORKS_AT.value}),
    RosterKind.PROJECTS: frozenset({LinkKind.PROVIDES.value, LinkKind.FOR.value}),
    RosterKind.OWNERS_COMMITTEES: frozenset({LinkKind.OWNERS_COMMITTEE_OF.value, LinkKind.SITS_ON.value}),
}

#: The node kinds a roster kind owns (ended when missing from a full roster).
NODE_OWNERS: dict[RosterKind, tuple[NodeKind, ...]] = {
    RosterKind.AREAS: (K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND),
    RosterKind.ORGS: (K.PARTY_ORG,),
    RosterKind.UNITS: (K.UNIT,),
    RosterKind.HOUSEHOLDS: (K.HOUSEHOLD,),
    RosterKind.PROJECTS: (K.PROJECT,),
}


def owned_nodes(plan: Plan, areas: Areas, kind: RosterKind, scope: set[str]) -> Iterator[str]:
    """Live store nodes that a full roster of ``kind`` owns within ``scope``."""
    for node_kind in NODE_OWNERS.get(kind, ()):
        for node, _ in plan.store.nodes(node_kind, as_of=plan.day):
            place: str | None
            if node_kind is K.PARTY_ORG:
                place = org_anchor(plan, areas, node)
            elif node_kind is K.UNIT:
                place = _planned_or_stored(plan, node, LinkKind.LOCATED_IN)
            elif node_kind is K.PROJECT:
                place = _planned_or_stored(plan, node, LinkKind.FOR)
            else:
                place = node
            if place is not None and areas.within(place, scope):
                yield node


def _into(plan: Plan, targets: Iterable[str], kinds: tuple[str, ...]) -> Iterator[LinkKey]:
    for target in targets:
        for link in plan.store.links(target, direction="in", as_of=plan.day):
            if link.kind.value in kinds:
                yield link.kind.value, link.source, link.target


def owned_links(plan: Plan, areas: Areas, kind: RosterKind, scope: set[str]) -> Iterator[LinkKey]:
    """Open store links that a full roster of ``kind`` owns within ``scope``."""
    if kind is RosterKind.MEMBERS:
        orgs = [n for n, _ in plan.store.nodes(K.PARTY_ORG, as_of=plan.day) if _in(plan, areas, n, scope)]
        yield from _into(plan, orgs, (LinkKind.MEMBER_OF.value, *(k.value for k in POST_LINKS)))
    elif kind is RosterKind.AREAS:
        compounds = [n for n, _ in plan.store.nodes(K.COMPOUND, as_of=plan.day) if areas.within(n, scope)]
        yield from _into(plan, compounds, (LinkKind.MANAGES.value,))
    elif kind is RosterKind.HOUSEHOLDS:
        entrances = [n for n, _ in plan.store.nodes(K.ENTRANCE, as_of=plan.day) if areas.within(n, scope)]
        yield from _into(plan, entrances, (LinkKind.CENTRAL_HOUSEHOLD_OF.value,))
    elif kind in _LINK_OWNERS:
        target_kind = {
            RosterKind.GRID_STAFF: K.GRID,
            RosterKind.CONTACTS: K.HOUSEHOLD,
            RosterKind.REGISTRATIONS: K.COMMUNITY,
            RosterKind.LIAISON: (K.COMMUNITY, K.COMPOUND),
            RosterKind.OWNERS_COMMITTEES: K.OWNERS_COMMITTEE,
        }[kind]
        kinds = target_kind if isinstance(target_kind, tuple) else (target_kind,)
        targets = [
            n
            for k in kinds
            for n, _ in plan.store.nodes(k, as_of=plan.day)
            if areas.within(_compound_of_committee(n) if k is K.OWNERS_COMMITTEE else n, scope)
        ]
        links = _into(plan, targets, _LINK_OWNERS[kind])
        if kind is RosterKind.LIAISON:
            links = (key for key in links if key[1].startswith("person:"))
        yield from links


def _in(plan: Plan, areas: Areas, org: str, scope: set[str]) -> bool:
    anchor = org_anchor(plan, areas, org)
    return anchor is not None and areas.within(anchor, scope)
