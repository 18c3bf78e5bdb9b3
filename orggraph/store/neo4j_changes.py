"""The changes a write makes, as Cypher statements: node states and link periods set to a target.

A write is applied to the store's in-memory copy first, by the same rules as the embedded engine
(:class:`~orggraph.store.state.GraphState`); its undo log names every node and node pair it touched.
:func:`~orggraph.store.changes.changes_of` turns that log into *forward* changes (the state after) and
*backward* changes (the state before). :func:`apply_changes` writes either kind to the server the
same way: upsert the nodes with a target, replace the relationships of every touched (pair, link
kind) by the target periods, delete the nodes whose target is ``None``. Backward changes are how a server that does not
roll back (FalkorDB) is put back after a failed write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from orggraph.store.bolt import BoltConnection
from orggraph.store.changes import Changes
from orggraph.store.cypher_layout import NODE, label, node_row, period_props, rel_type
from orggraph.store.packed_rows import FIELD, Shape, line_bytes, pack, packed_batches, parameters, properties, unpacked_rows


def apply_changes(connection: BoltConnection, changes: Changes, tx: Any, *, fresh: bool = False) -> None:
    """Write ``changes`` to the server (inside ``tx`` when the server has transactions).

    ``fresh``: nothing of it is on the server yet (a copy into an empty graph): nodes and relationships
    are created without looking for what they replace.
    """
    if fresh and connection.dialect.small_statements:
        _copy_packed(connection, changes, tx)
        return
    upserts: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    deletes: list[str] = []
    for node_id, attrs in changes.nodes.items():
        if attrs is None:
            deletes.append(node_id)
        else:
            upserts[label(attrs["kind"])].append(node_row(node_id, attrs))
    for node_label, rows in sorted(upserts.items()):
        connection.run_rows(
            f"UNWIND $rows AS r CREATE (n:{NODE}:{node_label}) SET n = r"
            if fresh
            else f"UNWIND $rows AS r MERGE (n:{NODE} {{id: r.id}}) SET n = r SET n:{node_label}",
            rows,
            tx=tx,
        )
    by_type: defaultdict[str, list[list[str]]] = defaultdict(list)
    periods: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for (u, v, kind), target in changes.links.items():
        by_type[rel_type(kind)].append([u, v])
        periods[kind].extend([u, v, period_props(period)] for period in target)
    for kind, pairs in sorted(by_type.items()) if not fresh else ():
        connection.run_rows(
            f"UNWIND $rows AS r MATCH (:{NODE} {{id: r[0]}})-[x:{kind}]->(:{NODE} {{id: r[1]}}) DELETE x",
            pairs,
            tx=tx,
        )
    for kind, created in sorted(periods.items()):
        connection.run_rows(
            f"UNWIND $rows AS r MATCH (a:{NODE} {{id: r[0]}}), (b:{NODE} {{id: r[1]}}) CREATE (a)-[x:{kind}]->(b) SET x = r[2]",
            created,
            tx=tx,
        )
    if deletes:
        connection.run_rows(f"UNWIND $rows AS r MATCH (n:{NODE} {{id: r}}) DETACH DELETE n", deletes, tx=tx)


def _copy_packed(connection: BoltConnection, changes: Changes, tx: Any) -> None:
    """A copy into an empty graph on a server of small statements: rows packed (:mod:`packed_rows`),
    relationships matched by the nodes' internal ids; a row that does not pack goes as a map.

    The statements run one after another on the one session: two sessions writing at once crashed
    the CI server (FalkorDB 4.16.3, a segfault in two district copies of two), for at most 1.15 times the speed.
    """
    limit = connection.dialect.max_param_bytes
    assert limit is not None
    room = limit - 200  # the separators and the prefix travel too
    nodes: defaultdict[tuple[str, str, Shape], list[tuple[str, int]]] = defaultdict(list)
    plain: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for node_id, attrs in changes.nodes.items():
        if attrs is None:
            continue  # nothing to delete in an empty graph
        node_label, row = label(attrs["kind"]), node_row(node_id, attrs)
        prefix = node_id[: node_id.find(":") + 1]
        packed = pack(row, prefix)
        size = line_bytes(packed[1]) if packed else 0
        if packed is None or size > room:
            plain[node_label].append(row)
        else:
            nodes[node_label, prefix, packed[0]].append((packed[1], size))

    def node_statements() -> Iterator[tuple[str, dict[str, Any]]]:
        for (node_label, prefix, shape), lines in sorted(nodes.items()):
            statement = (
                f"{unpacked_rows()} CREATE (n:{NODE}:{node_label} {{{properties(shape)}}}) RETURN collect([n.id, id(n)]) AS made"
            )
            for text in packed_batches(lines, max_bytes=room):
                yield statement, {"rows": text, "prefix": prefix, **parameters()}
        for node_label, rows in sorted(plain.items()):
            statement = f"UNWIND $rows AS r CREATE (n:{NODE}:{node_label}) SET n = r RETURN collect([r.id, id(n)]) AS made"
            for part in connection.batches(rows):
                yield statement, {"rows": part}

    internal: dict[str, int] = {}  # the server's own id of each node created
    for made in _run_all(connection, node_statements(), tx):
        internal.update(made["made"])

    def link_statements() -> Iterator[tuple[str, dict[str, Any]]]:
        links: defaultdict[tuple[str, Shape], list[tuple[str, int]]] = defaultdict(list)
        plain_links: defaultdict[str, list[list[Any]]] = defaultdict(list)
        for (u, v, kind), target in changes.links.items():
            ends = f"{internal[u]}{FIELD}{internal[v]}{FIELD}"
            for period in target:
                props = period_props(period)
                packed = pack(props, "")
                size = line_bytes(ends + packed[1]) if packed else 0
                if packed is None or size > room:
                    plain_links[rel_type(kind)].append([internal[u], internal[v], props])
                else:
                    links[rel_type(kind), packed[0]].append((ends + packed[1], size))
        for (kind, shape), lines in sorted(links.items()):
            statement = (
                f"{unpacked_rows()} WITH f, toInteger(f[0]) AS ia, toInteger(f[1]) AS ib "
                f"MATCH (a) WHERE id(a) = ia MATCH (b) WHERE id(b) = ib "  # ids bound first: FalkorDB then seeks by id
                f"CREATE (a)-[:{kind} {{{properties(shape, first=2)}}}]->(b)"
            )
            for text in packed_batches(lines, max_bytes=room):
                yield statement, {"rows": text, **parameters()}
        for kind, link_rows in sorted(plain_links.items()):
            statement = (
                f"UNWIND $rows AS r WITH r, r[0] AS ia, r[1] AS ib MATCH (a) WHERE id(a) = ia MATCH (b) WHERE id(b) = ib "
                f"CREATE (a)-[x:{kind}]->(b) SET x = r[2]"
            )
            for part in connection.batches(link_rows):
                yield statement, {"rows": part}

    _run_all(connection, link_statements(), tx)


def _run_all(connection: BoltConnection, statements: Iterator[tuple[str, dict[str, Any]]], tx: Any) -> list[dict[str, Any]]:
    """Every statement's records, run one by one (inside ``tx`` when there is one)."""
    return [row for statement, params in statements for row in connection.run_in(tx, statement, **params)]
