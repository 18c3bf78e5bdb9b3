"""Counts per street (街道) of a store: what ``orggraph demo`` and ``orggraph info`` print.

Every node is placed in the street it belongs to, as of a date: areas and households by area
containment; Party organisations by the area they are responsible for (or their unit's area, or
their parent's street); persons by their org, home, grid post or liaison; units, projects,
owners' committees and service centres by the area they are linked to.

>>> import networkx as nx
>>> from orggraph.store.state import GraphState
>>> from orggraph.store import Batch
>>> from orggraph.model import Street, Community, LinkKind
>>> state = GraphState()
>>> b = Batch(); b.put(Street(code="S", name="新华街道")); b.put(Community(code="C", name="幸福社区"))
>>> b.link(LinkKind.PART_OF, "area:C", "area:S", start="2020-01-01")
>>> _ = state.apply(b.ops)
>>> per_street(state.graph, as_of="2024-01-01")["area:S"].counts
{'community': 1, 'street': 1}
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.timeline import as_of_date, is_live

_PART_OF = LinkKind.PART_OF.value
#: The links that place a node, in order of preference: the first that leads to a placed node wins.
ORG_PLACES = (LinkKind.RESPONSIBLE_FOR.value, LinkKind.PARTY_ORG_OF.value)
PERSON_PLACES = (
    LinkKind.MEMBER_OF.value,
    LinkKind.LIVES_IN.value,
    LinkKind.COMMUNITY_WORKER_OF.value,
    LinkKind.GRID_WORKER_OF.value,
    LinkKind.PROPERTY_MANAGER_OF.value,
    LinkKind.GRID_LEADER_OF.value,
    LinkKind.ENFORCEMENT_OFFICER_OF.value,
    LinkKind.LIAISES_WITH.value,
    LinkKind.SITS_ON.value,
    LinkKind.WORKS_AT.value,
)
OTHER_PLACES = (
    LinkKind.LOCATED_IN.value,
    LinkKind.FOR.value,
    LinkKind.OWNERS_COMMITTEE_OF.value,
    LinkKind.SERVES.value,
    LinkKind.MANAGES.value,
)


@dataclass
class StreetSummary:
    """One street: its name and live nodes per kind."""

    street: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)


def active_out(graph: nx.DiGraph, node: str, kind: str, day: str) -> Iterator[str]:
    """Targets of ``node``'s links of ``kind`` active on ``day``."""
    for target, data in graph._succ[node].items():
        periods = data.get(kind)
        if periods is not None and any(s <= day and (e is None or day < e) for s, e, _ in periods):
            yield target


def active_in(graph: nx.DiGraph, node: str, kind: str, day: str) -> Iterator[str]:
    """Sources of links of ``kind`` into ``node`` active on ``day``."""
    for source, data in graph._pred[node].items():
        periods = data.get(kind)
        if periods is not None and any(s <= day and (e is None or day < e) for s, e, _ in periods):
            yield source


def street_of_nodes(graph: nx.DiGraph, *, as_of: str | None = None) -> dict[str, str]:
    """Map every placeable live node to the id of its street, as of the date."""
    day = as_of_date(as_of)
    nodes = graph._node
    place: dict[str, str] = {}
    for street, attrs in nodes.items():
        if attrs["kind"] != NodeKind.STREET.value:
            continue
        place[street] = street
        queue = deque([street])
        while queue:
            area = queue.popleft()
            for child in active_in(graph, area, _PART_OF, day):
                if child not in place:
                    place[child] = street
                    queue.append(child)
    _place_by_links(graph, place, NodeKind.UNIT, OTHER_PLACES, day)
    for kind in (NodeKind.PROJECT, NodeKind.OWNERS_COMMITTEE, NodeKind.SERVICE_CENTRE):
        _place_by_links(graph, place, kind, OTHER_PLACES, day)
    _place_by_links(graph, place, NodeKind.PARTY_ORG, ORG_PLACES, day)
    _place_orgs_by_parent(graph, place, day)
    _place_by_links(graph, place, NodeKind.PERSON, PERSON_PLACES, day)
    return place


def best_street(options: list[tuple[str, str | None]], links: tuple[str, ...]) -> str | None:
    """The street a node is placed in, from its ``(link kind, street of the target or None)`` options:
    the first of ``links`` with a placed target; of several such targets, the least street id (so the
    answer does not depend on the order the links were written in).

    >>> best_street([("WORKS_AT", "area:S2"), ("MEMBER_OF", None), ("LIVES_IN", "area:S3")], PERSON_PLACES)
    'area:S3'
    """
    placed = [(links.index(link), street) for link, street in options if street is not None]
    return min(placed)[1] if placed else None


def _place_by_links(graph: nx.DiGraph, place: dict[str, str], kind: NodeKind, links: tuple[str, ...], day: str) -> None:
    for node, attrs in graph._node.items():
        if attrs["kind"] != kind.value or node in place:
            continue
        options = [(link, place.get(target)) for link in links for target in active_out(graph, node, link, day)]
        street = best_street(options, links)
        if street is not None:
            place[node] = street


def _place_orgs_by_parent(graph: nx.DiGraph, place: dict[str, str], day: str) -> None:
    subordinate = LinkKind.SUBORDINATE_TO.value
    for node, attrs in graph._node.items():
        if attrs["kind"] != NodeKind.PARTY_ORG.value or node in place:
            continue
        chain: list[str] = []
        current: str | None = node
        while current is not None and current not in place and current not in chain:
            chain.append(current)
            current = next(active_out(graph, current, subordinate, day), None)
        if current is not None and current in place:
            for org in chain:
                place[org] = place[current]


def per_street(graph: nx.DiGraph, *, as_of: str | None = None) -> dict[str, StreetSummary]:
    """Live nodes per kind for every street, as of the date; districts are not counted."""
    day = as_of_date(as_of)
    place = street_of_nodes(graph, as_of=day)
    counters: dict[str, Counter[str]] = {}
    nodes: dict[str, dict[str, Any]] = graph._node
    for node, street in place.items():
        attrs = nodes[node]
        if not is_live(attrs, day):
            continue
        counters.setdefault(street, Counter())[attrs["kind"]] += 1
    return {
        street: StreetSummary(street, str(nodes[street].get("name", street)), dict(sorted(counter.items())))
        for street, counter in sorted(counters.items())
    }
