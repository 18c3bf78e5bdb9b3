"""Statistics of a graph on a Bolt server, counted there: what ``orggraph info`` and ``/v1/stats`` print.

:func:`counts_on_server` is :meth:`~orggraph.store.port.GraphStore.counts` in Cypher (live nodes and
active links per kind). :func:`per_street_on_server` is :func:`orggraph.stats.per_street` in Cypher:
the same placement, stage by stage —

1. areas and households: down the PART_OF tree from each street, counted on the server;
2. units, projects, owners' committees and service centres: by the first of their links (in the
   order of ``_OTHER_PLACES``) whose target area lies in a street — the server walks up from the
   target and returns ``(node, link, street)`` rows;
3. Party orgs: the area they are RESPONSIBLE_FOR (walked up on the server), else their unit's street
   (stage 2), else their parent org's (the SUBORDINATE_TO links, climbed here);
4. persons: by the first of their links (``_PERSON_PLACES``) whose target is placed — areas and
   households walked up on the server, orgs, units and owners' committees looked up in stages 2–3.

Stages 2–4 return a few rows per node of the smaller kinds (a district: some 60,000 persons, 15,000
orgs, 3,000 units and projects); the half-million areas and households stay on the server.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.stats import ORG_PLACES, OTHER_PLACES, PERSON_PLACES, StreetSummary, best_street
from orggraph.store.bolt import BoltConnection
from orggraph.store.cypher_layout import MAX_DEPTH, NODE, active, all_active, label, live
from orggraph.store.port import StoreCounts

K = NodeKind
L = LinkKind
_UP = f"[:{L.PART_OF.value}*0..{MAX_DEPTH}]"
_STREET = label(K.STREET.value)

_NODE_COUNTS = f"MATCH (n:{NODE}) WHERE {live('n')} RETURN n.kind AS kind, count(n) AS n"
#: Active links per kind: the periods active on the day, one per pair of nodes and kind at most (a new
#: period cannot start before the last one ended: the store refuses it), so no grouping by pair.
_LINK_COUNTS = f"MATCH ()-[r]->() WHERE {active('r')} RETURN type(r) AS kind, count(r) AS n"
_AREAS = (
    f"MATCH p = (s:{_STREET})<-{_UP}-(n:{NODE}) WHERE {all_active('p')} WITH s, n, {live('n')} AS alive "
    "WITH s, n WHERE alive WITH s.id AS street, n.kind AS kind, count(DISTINCT n) AS n RETURN street, kind, n"
)
_NAMES = f"MATCH (s:{_STREET}) RETURN s.id AS id, s.name AS name"
#: For nodes of ``$kinds``: each active link of ``$links`` with its target and, where the target lies
#: below a street by PART_OF, that street.
_LINKED = (
    f"MATCH (n:{NODE})-[r]->(t:{NODE}) WHERE n.kind IN $kinds AND type(r) IN $links AND {active('r')} "
    f"OPTIONAL MATCH p = (t)-{_UP}->(s:{_STREET}) WHERE {all_active('p')} "
    f"RETURN n.id AS node, n.kind AS kind, {live('n')} AS alive, type(r) AS link, t.id AS target, s.id AS street"
)
_PARENTS = (
    f"MATCH (o:{label(K.PARTY_ORG.value)})-[r:{L.SUBORDINATE_TO.value}]->(p:{NODE}) WHERE {active('r')} "
    "RETURN o.id AS org, p.id AS parent"
)
_ALL_ORGS = f"MATCH (o:{label(K.PARTY_ORG.value)}) RETURN o.id AS node, {live('o')} AS alive"


def counts_on_server(connection: BoltConnection, day: str) -> StoreCounts:
    """Live nodes per kind and active links per kind (pairs of nodes), as of ``day``."""
    nodes = {row["kind"]: int(row["n"]) for row in connection.run(_NODE_COUNTS, day=day)}
    links = {row["kind"]: int(row["n"]) for row in connection.run(_LINK_COUNTS, day=day)}
    return StoreCounts(day, dict(sorted(nodes.items())), dict(sorted(links.items())))


class _Placement:
    """Nodes placed in streets so far (stages 2–4), and which of them are live."""

    def __init__(self) -> None:
        self.street: dict[str, str] = {}
        self.alive: dict[str, tuple[str, bool]] = {}  # node → (kind, live)

    def place(self, connection: BoltConnection, day: str, kinds: list[str], links: tuple[str, ...]) -> None:
        """Place the nodes of ``kinds`` by the first of ``links`` whose target is placed."""
        options: dict[str, list[tuple[str, str | None]]] = {}
        for row in connection.run(_LINKED, day=day, kinds=kinds, links=list(links)):
            node = row["node"]
            self.alive.setdefault(node, (row["kind"], bool(row["alive"])))
            street = row["street"] or self.street.get(row["target"])
            options.setdefault(node, []).append((row["link"], street))
        for node, found in options.items():
            if node not in self.street:
                street = best_street(found, links)
                if street is not None:
                    self.street[node] = street

    def place_orgs_by_parent(self, connection: BoltConnection, day: str) -> None:
        parent = {row["org"]: row["parent"] for row in connection.run(_PARENTS, day=day)}
        for row in connection.run(_ALL_ORGS, day=day):
            self.alive.setdefault(row["node"], (K.PARTY_ORG.value, bool(row["alive"])))
        for org in sorted(parent):
            chain: list[str] = []
            current: str | None = org
            while current is not None and current not in self.street and current not in chain:
                chain.append(current)
                current = parent.get(current)
            if current is not None and current in self.street:
                for member in chain:
                    self.street[member] = self.street[current]


def per_street_on_server(connection: BoltConnection, day: str) -> dict[str, StreetSummary]:
    """Live nodes per kind for every street, as of ``day`` (:func:`orggraph.stats.per_street`)."""
    counters: dict[str, Counter[str]] = {}
    for row in connection.run(_AREAS, day=day):
        counters.setdefault(row["street"], Counter())[row["kind"]] += int(row["n"])
    placed = _Placement()
    others = [K.UNIT.value, K.PROJECT.value, K.OWNERS_COMMITTEE.value, K.SERVICE_CENTRE.value]
    placed.place(connection, day, others, OTHER_PLACES)
    placed.place(connection, day, [K.PARTY_ORG.value], ORG_PLACES)
    placed.place_orgs_by_parent(connection, day)
    placed.place(connection, day, [K.PERSON.value], PERSON_PLACES)
    for node, street in placed.street.items():
        kind, alive = placed.alive[node]
        if alive:
            counters.setdefault(street, Counter())[kind] += 1
    names: dict[str, Any] = {row["id"]: row["name"] for row in connection.run(_NAMES, day=day)}
    return {
        street: StreetSummary(street, str(names.get(street) or street), dict(sorted(counter.items())))
        for street, counter in sorted(counters.items())
    }
