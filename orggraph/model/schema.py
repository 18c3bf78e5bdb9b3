"""The schema: which link joins which kinds of node, and the shape rules of each link kind.

A link kind may be

* a **tree** link (area containment 区域隶属, Party hierarchy 党组织隶属): each node has at most one
  open link of that kind (its parent) and no chain of open links may return to where it started;
* **single-target**: a source has at most one open link of that kind (a member is in one org);
* **single-source**: a target has at most one open link of that kind (a compound has one
  property company, a project one provider).

>>> rule = LINK_RULES[LinkKind.MEMBER_OF]
>>> ([str(k) for k in rule.sources], [str(k) for k in rule.targets], rule.single_target)
(['person'], ['party_org'], True)
>>> allowed(LinkKind.PART_OF, NodeKind.HOUSEHOLD, NodeKind.ENTRANCE)
True
>>> allowed(LinkKind.PART_OF, NodeKind.HOUSEHOLD, NodeKind.STREET)
False
"""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.model.kinds import GRID_STAFF_LINKS, POST_LINKS, LinkKind, NodeKind

K = NodeKind


@dataclass(frozen=True, slots=True)
class LinkRule:
    """What one link kind may join, and its shape constraints."""

    kind: LinkKind
    sources: frozenset[NodeKind]
    targets: frozenset[NodeKind]
    tree: bool = False
    single_target: bool = False
    single_source: bool = False
    pairs: frozenset[tuple[NodeKind, NodeKind]] | None = None

    def allows(self, source: NodeKind, target: NodeKind) -> bool:
        if self.pairs is not None:
            return (source, target) in self.pairs
        return source in self.sources and target in self.targets


def _rule(
    kind: LinkKind,
    sources: tuple[NodeKind, ...],
    targets: tuple[NodeKind, ...],
    *,
    tree: bool = False,
    single_target: bool = False,
    single_source: bool = False,
) -> LinkRule:
    return LinkRule(kind, frozenset(sources), frozenset(targets), tree, single_target, single_source)


#: Area containment (区域隶属): child kind → the kinds its parent may be.
CONTAINMENT: dict[NodeKind, tuple[NodeKind, ...]] = {
    K.STREET: (K.DISTRICT,),
    K.COMMUNITY: (K.STREET,),
    K.GRID: (K.COMMUNITY, K.GRID),
    K.COMPOUND: (K.COMMUNITY, K.GRID),
    K.BUILDING: (K.COMPOUND,),
    K.ENTRANCE: (K.BUILDING,),
    K.HOUSEHOLD: (K.ENTRANCE,),
}

_CONTAINMENT_PAIRS = frozenset((child, parent) for child, parents in CONTAINMENT.items() for parent in parents)

#: Where a unit or service centre may be (LOCATED_IN): any area level from the district to a compound
#: (区直单位 are registered at the district).
UNIT_PLACES: tuple[NodeKind, ...] = (K.DISTRICT, K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND)

_AREAS_AN_ORG_MAY_LEAD = (K.DISTRICT, K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND, K.BUILDING)

_RULES: list[LinkRule] = [
    LinkRule(
        LinkKind.PART_OF,
        frozenset(CONTAINMENT),
        frozenset(p for ps in CONTAINMENT.values() for p in ps),
        tree=True,
        single_target=True,
        pairs=_CONTAINMENT_PAIRS,
    ),
    _rule(LinkKind.IN_GRID, (K.HOUSEHOLD,), (K.GRID,), single_target=True),
    _rule(LinkKind.SUBORDINATE_TO, (K.PARTY_ORG,), (K.PARTY_ORG,), tree=True, single_target=True),
    _rule(LinkKind.RESPONSIBLE_FOR, (K.PARTY_ORG,), _AREAS_AN_ORG_MAY_LEAD, single_target=True),
    _rule(LinkKind.PARTY_ORG_OF, (K.PARTY_ORG,), (K.UNIT,), single_target=True, single_source=True),
    _rule(LinkKind.MEMBER_OF, (K.PERSON,), (K.PARTY_ORG,), single_target=True),
    *(_rule(kind, (K.PERSON,), (K.PARTY_ORG,)) for kind in POST_LINKS),
    _rule(LinkKind.DIRECTOR_OF, (K.PERSON,), (K.COMMUNITY,), single_source=True),
    *(_rule(kind, (K.PERSON,), (K.GRID,)) for kind in GRID_STAFF_LINKS),
    _rule(LinkKind.CONTACTS, (K.PERSON,), (K.HOUSEHOLD,)),
    _rule(LinkKind.CENTRAL_HOUSEHOLD_OF, (K.HOUSEHOLD,), (K.ENTRANCE,), single_target=True),
    _rule(LinkKind.LIVES_IN, (K.PERSON,), (K.HOUSEHOLD,), single_target=True),
    _rule(LinkKind.WORKS_AT, (K.PERSON,), (K.UNIT,), single_target=True),
    _rule(LinkKind.LIAISES_WITH, (K.PERSON, K.UNIT), (K.COMMUNITY, K.COMPOUND)),
    _rule(LinkKind.REGISTERED_WITH, (K.PERSON, K.UNIT), (K.COMMUNITY,), single_target=True),
    _rule(LinkKind.LOCATED_IN, (K.UNIT, K.SERVICE_CENTRE), UNIT_PLACES, single_target=True),
    _rule(LinkKind.PROVIDES, (K.UNIT,), (K.PROJECT,), single_source=True),
    _rule(LinkKind.FOR, (K.PROJECT,), (K.STREET, K.COMMUNITY), single_target=True),
    _rule(LinkKind.MANAGES, (K.UNIT,), (K.COMPOUND,), single_source=True),
    _rule(
        LinkKind.OWNERS_COMMITTEE_OF,
        (K.OWNERS_COMMITTEE,),
        (K.COMPOUND,),
        single_target=True,
        single_source=True,
    ),
    _rule(LinkKind.SITS_ON, (K.PERSON,), (K.OWNERS_COMMITTEE,)),
    _rule(LinkKind.SERVES, (K.SERVICE_CENTRE,), (K.STREET, K.COMMUNITY, K.GRID)),
]

#: Every link kind's rule. A link kind missing here is a programming error, caught by a test.
LINK_RULES: dict[LinkKind, LinkRule] = {rule.kind: rule for rule in _RULES}

#: The link kinds that form trees: area containment and the Party hierarchy.
TREE_LINKS: frozenset[LinkKind] = frozenset(k for k, r in LINK_RULES.items() if r.tree)


def allowed(kind: LinkKind, source: NodeKind, target: NodeKind) -> bool:
    """Whether a link of ``kind`` may go from a ``source`` node to a ``target`` node."""
    return LINK_RULES[kind].allows(source, target)


def describe(kind: LinkKind) -> str:
    """A one-line statement of what ``kind`` may join, for error messages."""
    rule = LINK_RULES[kind]
    if rule.pairs is not None:
        joins = ", ".join(f"{s}→{t}" for s, t in sorted(rule.pairs))
    else:
        joins = f"{'|'.join(sorted(rule.sources))} → {'|'.join(sorted(rule.targets))}"
    return f"{kind} ({kind.zh}) joins {joins}"
