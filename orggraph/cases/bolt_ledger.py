"""The case ledger on a Bolt server: cases as nodes of the graph, so several API servers share it.

``(:OrgGraphCase {id, number, version, …facts, areas, body})`` with ``-[:REPORTED_AT]->`` the household's
``OrgNode``, ``-[:ASSIGNED_TO]->`` the person or unit that holds it now, and ``-[:HAS_EVENT]->`` one
``(:OrgGraphCaseEvent {case, seq, at, type, body})`` per entry of its timeline; ``(:OrgGraphCaseSeq)``
numbers the cases. The relationships carry no ``start``, so the graph's own reads (which ask for
periods) never see them; Cypher can ask "which grid has most overdue cases" across both.

Every change is one statement — all or nothing on FalkorDB, which runs a graph's writes one at a time —
and, on Neo4j, one transaction that first takes the case's (or the sequence's) write lock, so that the
version it checks is the last committed one: of two servers changing a case at once, one wins. Texts
longer than the FalkorDB Bolt endpoint takes in one parameter are sent as several, joined in Cypher.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson

from orggraph.cases.ledger import Change
from orggraph.cases.model import FACTS, Case, CaseEvent
from orggraph.errors import StoreError
from orggraph.store.bolt import BoltConnection

CASE = "OrgGraphCase"
EVENT = "OrgGraphCaseEvent"
SEQ = "OrgGraphCaseSeq"
NODE = "OrgNode"
#: Bytes of one text parameter (the FalkorDB Bolt endpoint crashes on parameters of about 4 KB).
PART_BYTES = 1_500
_RETURN = "c.id AS id, c.body AS body"


def _parts(text: str, name: str, params: dict[str, Any]) -> str:
    """Put ``text`` into parameters ``name0``, ``name1`` … of at most :data:`PART_BYTES` bytes each;
    the Cypher expression that joins them."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode()) + (1 if char in "'\\" else 0)
        if size + width > PART_BYTES:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    for i, part in enumerate(parts):
        params[f"{name}{i}"] = part
    return " + ".join(f"${name}{i}" for i in range(len(parts)))


def _body(case: Case) -> str:
    return orjson.dumps(case.to_dict()).decode()


def _case(row: dict[str, Any]) -> Case:
    case = Case.from_dict(orjson.loads(row["body"]))
    case.id = row["id"]
    return case


class BoltLedger:
    """Cases on a Bolt server; see the module docstring."""

    def __init__(self, connection: BoltConnection) -> None:
        self.connection = connection
        self._token = uuid.uuid4().hex
        neo4j = connection.dialect.name == "neo4j"
        statements = [
            connection.dialect.index_statement(CASE, "id"),
            connection.dialect.index_statement(SEQ, "id"),
        ]
        for label, prop in ((CASE, "tick_at"), (CASE, "reported_at"), (EVENT, "case")):
            statements.append(
                f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
                if neo4j
                else f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"
            )
        if neo4j:
            statements.append(connection.dialect.index_statement(CASE, "idempotency_key"))
        for statement in statements:
            try:
                connection.run(statement)
            except StoreError:  # FalkorDB: the index is there already
                if neo4j:
                    raise

    @property
    def _locks(self) -> bool:
        return self.connection.dialect.rolls_back

    # -- writes -----------------------------------------------------------------------------------

    def create(self, case: Case, event: CaseEvent, *, prefix: str) -> tuple[Case, bool]:
        if case.idempotency_key is not None:
            found = self._by_key(case.idempotency_key)
            if found is not None:
                return found, False
        params: dict[str, Any] = {
            "prefix": prefix,
            "facts": {k: v for k, v in case.facts().items() if k not in ("id", "version")},
            "areas": list(case.areas),
            "household": case.household,
            "assignee": (case.assignee or {}).get("id"),
            "at": event.at,
            "type": event.type,
            "token": self._token,
        }
        body = _parts(_body(case), "b", params)
        event_body = _parts(orjson.dumps(event.to_dict()).decode(), "e", params)
        guard = (
            "OPTIONAL MATCH (old:OrgGraphCase {idempotency_key: $key}) WITH old WHERE old IS NULL "
            if case.idempotency_key
            else ""
        )
        if case.idempotency_key:
            params["key"] = case.idempotency_key
        query = (
            f"{guard}MERGE (s:{SEQ} {{id: 'cases'}}) ON CREATE SET s.n = 0 "
            "SET s.n = s.n + 1 "
            f"CREATE (c:{CASE} {{number: s.n, version: 1, event_count: 1, areas: $areas}}) "
            "SET c += $facts, "
            "c.id = $prefix + CASE WHEN s.n < 1000000 THEN right('00000' + toString(s.n), 6) ELSE toString(s.n) END, "
            f"c.body = {body} "
            f"CREATE (c)-[:HAS_EVENT]->(:{EVENT} {{case: c.id, seq: 1, at: $at, type: $type, body: {event_body}}}) "
            "WITH c "
            f"OPTIONAL MATCH (h:{NODE} {{id: $household}}) "
            "FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | CREATE (c)-[:REPORTED_AT]->(h)) "
            "WITH c "
            f"OPTIONAL MATCH (p:{NODE} {{id: $assignee}}) "
            "FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (c)-[:ASSIGNED_TO]->(p)) "
            "RETURN c.id AS id"
        )
        try:
            with self.connection.transaction() as tx:
                if self._locks:
                    self.connection.run_in(tx, f"MERGE (s:{SEQ} {{id: 'cases'}}) SET s.lock = $token", token=self._token)
                rows = self.connection.run_in(tx, query, **params)
        except StoreError:
            if case.idempotency_key is not None:  # Neo4j: another server took the key first (the constraint)
                found = self._by_key(case.idempotency_key)
                if found is not None:
                    return found, False
            raise
        if not rows:  # FalkorDB: the key was taken between the look-up and the statement
            assert case.idempotency_key is not None
            found = self._by_key(case.idempotency_key)
            if found is None:
                raise StoreError("the case could not be created", message_zh="未能创建事件")
            return found, False
        case.id = rows[0]["id"]
        return case, True

    def _by_key(self, key: str) -> Case | None:
        rows = self.connection.run(f"MATCH (c:{CASE} {{idempotency_key: $key}}) RETURN {_RETURN}", key=key)
        return _case(rows[0]) if rows else None

    def apply(self, changes: Sequence[Change]) -> list[bool]:
        done: list[bool] = []
        for change in changes:
            done.append(self._apply(change))
        return done

    def _apply(self, change: Change) -> bool:
        case = change.case
        params: dict[str, Any] = {
            "id": case.id,
            "expected": change.expected,
            "facts": {k: v for k, v in case.facts().items() if k != "id"},
            "assignee": (case.assignee or {}).get("id"),
            "n": len(change.events),
        }
        body = _parts(_body(case), "b", params)
        creates = []
        for i, event in enumerate(change.events):
            text = _parts(orjson.dumps(event.to_dict()).decode(), f"e{i}_", params)
            params[f"at{i}"], params[f"type{i}"] = event.at, event.type
            creates.append(
                f"CREATE (c)-[:HAS_EVENT]->(:{EVENT} "
                f"{{case: c.id, seq: base + {i + 1}, at: $at{i}, type: $type{i}, body: {text}}}) "
            )
        query = (
            f"MATCH (c:{CASE} {{id: $id}}) WHERE c.version = $expected "
            f"WITH c, c.event_count AS base SET c += $facts, c.body = {body}, c.event_count = base + $n "
            + "".join(creates)
            + "WITH DISTINCT c "
            "OPTIONAL MATCH (c)-[a:ASSIGNED_TO]->() DELETE a "
            "WITH DISTINCT c "
            f"OPTIONAL MATCH (p:{NODE} {{id: $assignee}}) "
            "FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (c)-[:ASSIGNED_TO]->(p)) "
            "RETURN c.version AS v"
        )
        with self.connection.transaction() as tx:
            if self._locks:  # the case's write lock first: the version checked is then the last committed
                self.connection.run_in(tx, f"MATCH (c:{CASE} {{id: $id}}) SET c.lock = $token", id=case.id, token=self._token)
            rows = self.connection.run_in(tx, query, **params)
        return bool(rows)

    # -- reads ------------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case | None:
        rows = self.connection.run(f"MATCH (c:{CASE} {{id: $id}}) RETURN {_RETURN}", id=case_id)
        return _case(rows[0]) if rows else None

    def events(self, case_id: str) -> list[CaseEvent]:
        rows = self.connection.run(f"MATCH (e:{EVENT} {{case: $id}}) RETURN e.body AS body ORDER BY e.seq", id=case_id)
        return [CaseEvent(**orjson.loads(r["body"])) for r in rows]

    @staticmethod
    def _where(
        params: dict[str, Any],
        area: str | None,
        statuses: Sequence[str] | None,
        overdue_at: str | None,
        since: str | None = None,
        until: str | None = None,
    ) -> str:
        clauses = []
        if area is not None:
            clauses.append("$area IN c.areas")
            params["area"] = area
        if statuses:
            clauses.append("c.status IN $statuses")
            params["statuses"] = list(statuses)
        if overdue_at is not None:
            clauses.append("c.due_at IS NOT NULL AND c.due_at < $overdue")
            params["overdue"] = overdue_at
        if since is not None:
            clauses.append("c.reported_at >= $since")
            params["since"] = since
        if until is not None:
            clauses.append("c.reported_at < $until")
            params["until"] = until
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""

    def find(
        self,
        *,
        area: str | None = None,
        statuses: Sequence[str] | None = None,
        overdue_at: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Case], int]:
        params: dict[str, Any] = {}
        where = self._where(params, area, statuses, overdue_at)
        total = self.connection.run(f"MATCH (c:{CASE}){where} RETURN count(c) AS n", **params)[0]["n"]
        rows = self.connection.run(
            f"MATCH (c:{CASE}){where} RETURN {_RETURN} ORDER BY c.number DESC SKIP $offset LIMIT $limit",
            offset=offset,
            limit=limit,
            **params,
        )
        return [_case(r) for r in rows], int(total)

    def due(self, now: str, *, limit: int = 10_000) -> list[Case]:
        rows = self.connection.run(
            f"MATCH (c:{CASE}) WHERE c.tick_at <= $now RETURN {_RETURN} ORDER BY c.tick_at LIMIT $limit", now=now, limit=limit
        )
        return [_case(r) for r in rows]

    def facts(self, *, area: str | None = None, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {}
        where = self._where(params, area, None, None, since, until)
        columns = ", ".join(f"c.{f} AS {f}" for f in FACTS)
        return [dict(r) for r in self.connection.run(f"MATCH (c:{CASE}){where} RETURN {columns}", **params)]

    def count(self) -> int:
        return int(self.connection.run(f"MATCH (c:{CASE}) RETURN count(c) AS n")[0]["n"])

    def close(self) -> None:
        """Nothing to close: the store owns the connection."""
