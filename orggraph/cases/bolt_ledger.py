"""The case ledger on a Bolt server: cases as nodes of the graph, so several API servers share it.

``(:OrgGraphCase {id, number, version, …facts, areas, body})`` with ``-[:REPORTED_AT]->`` the household's
``OrgNode``, ``-[:ASSIGNED_TO]->`` the person or unit that holds it now, and ``-[:HAS_EVENT]->`` one
``(:OrgGraphCaseEvent {case, seq, at, type, body})`` per entry of its timeline; ``(:OrgGraphCaseSeq)``
numbers the cases. The relationships carry no ``start``, so the graph's own reads (which ask for
periods) never see them; Cypher can ask "which grid has most overdue cases" across both.

The FalkorDB Bolt endpoint pastes parameters into the statement and crashes on a statement of a few
kilobytes, and does not roll back; a case's body (its path kept with it) is larger than that. So a
change is written in small statements under a claim, the same on both engines:

1. **claim** — the case (or, for a new case, a new node marked ``pending``) gets ``writing = <token>`` and
   ``writing_until`` (60 s on); a change claims only a case still at its expected version that nobody
   is writing (or whose writer's claim ran out: a process that died mid-write). On Neo4j the claim first
   sets a property of the node, taking its write lock, so that the version it then checks is the last
   committed one (under read-committed, a check in ``WHERE`` alone takes no lock);
2. **stage** — only on a server with a statement limit, and only what does not fit the finishing
   statement (:data:`DIRECT_BYTES`): a text is appended to a staging property of the claimed node in parts
   of :data:`PART_BYTES`;
3. **finish** — one statement, only while the claim is still ours: the facts set, the texts put in
   place, the events created, the holder relinked, the claim and ``pending`` cleared.

What a case never changes — its path and description — is written once, in ``report``, when it is
reported; ``body`` holds the rest, rewritten with each change. So an ordinary change on FalkorDB is
two statements: the claim, and the finish.

On Neo4j all three run in one transaction (rolled back on any failure); on FalkorDB each statement is
all or nothing, FalkorDB runs a graph's writes one at a time, and readers never see a ``pending`` case
nor a half-written body: until step 3 they read the case as it was. Of two servers changing a case at
once, one claims it and the other reads it again.
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
#: Bytes of one staged part (the FalkorDB Bolt endpoint crashes on statements of a few kilobytes).
PART_BYTES = 1_200
#: Milliseconds a claim holds before another writer may take the case over.
CLAIM_MS = 60_000
#: Bytes of texts sent as parameters of the finishing statement (the rest is staged first).
DIRECT_BYTES = 2_000
_RETURN = "c.id AS id, c.body AS body, c.report AS report"
_VISIBLE = "c.pending IS NULL"
_FINISHED = "c.writing = null, c.writing_until = null, c.pending = null"
#: What a case never changes after it is reported: kept once in ``report``, not rewritten with the body.
_REPORT = ("path", "description")


def _chunks(text: str) -> list[str]:
    """``text`` in parts of at most :data:`PART_BYTES` bytes as the server receives them (quotes escaped)."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode()) + (1 if char in "'\\" else 0)
        if size + width > PART_BYTES and current:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return parts


def _body(case: Case) -> str:
    """The case as it changes (what is reported once is in :func:`_report`)."""
    return orjson.dumps({k: v for k, v in case.to_dict().items() if k not in _REPORT}).decode()


def _report(case: Case) -> str:
    return orjson.dumps({k: getattr(case, k) for k in _REPORT}).decode()


def _size(text: str) -> int:
    """Bytes of ``text`` as the FalkorDB endpoint receives it (quotes and backslashes escaped)."""
    return len(text.encode()) + text.count("'") + text.count("\\")


def _case(row: dict[str, Any]) -> Case:
    case = Case.from_dict({**orjson.loads(row["body"]), **orjson.loads(row["report"])})
    case.id = row["id"]
    return case


def _relink(kind: str, param: str) -> str:
    return (
        f"WITH DISTINCT c OPTIONAL MATCH (x:{NODE} {{id: ${param}}}) "
        f"FOREACH (_ IN CASE WHEN x IS NULL THEN [] ELSE [1] END | CREATE (c)-[:{kind}]->(x)) "
    )


class BoltLedger:
    """Cases on a Bolt server; see the module docstring."""

    def __init__(self, connection: BoltConnection) -> None:
        self.connection = connection
        neo4j = connection.dialect.name == "neo4j"
        statements = [
            connection.dialect.index_statement(CASE, "id"),
            connection.dialect.index_statement(SEQ, "id"),
        ]
        for label, prop in ((CASE, "tick_at"), (CASE, "reported_at"), (CASE, "idempotency_key"), (EVENT, "case")):
            statements.append(
                f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
                if neo4j
                else f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"
            )
        for statement in statements:
            try:
                connection.run(statement)
            except StoreError:  # FalkorDB: the index is there already
                if neo4j:
                    raise

    @property
    def _locks(self) -> bool:
        """Whether the claim must take the node's write lock first (a server with transactions: Neo4j)."""
        return self.connection.dialect.rolls_back

    # -- writes -----------------------------------------------------------------------------------

    def _stage(self, tx: Any, case_id: str, token: str, name: str, text: str) -> None:
        """Append ``text`` to the staging property ``name`` (a fixed name) of the case claimed by ``token``."""
        for i, part in enumerate(_chunks(text)):
            value = "$part" if i == 0 else f"c.{name} + $part"
            self.connection.run_in(
                tx,
                f"MATCH (c:{CASE} {{id: $id}}) WHERE c.writing = $token SET c.{name} = {value}",
                id=case_id,
                token=token,
                part=part,
            )

    def _texts(self, tx: Any, case_id: str, token: str, texts: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, Any]]:
        """The Cypher expression of each named text for the finishing statement, and its parameters: the
        texts sent with it while they fit (all of them on a server without a statement limit), the
        rest staged on the claimed case first (``c.stage_<name>``, cleared when finished)."""
        limit = DIRECT_BYTES if self.connection.dialect.max_param_bytes is not None else None
        exprs: dict[str, str] = {}
        params: dict[str, Any] = {}
        used = 0
        for name, text in sorted(texts, key=lambda item: _size(item[1])):
            size = _size(text)
            if limit is None or used + size <= limit:
                used += size
                exprs[name], params[f"t_{name}"] = f"$t_{name}", text
            else:
                self._stage(tx, case_id, token, f"stage_{name}", text)
                exprs[name] = f"c.stage_{name}"
        return exprs, params

    def _finish(self, tx: Any, case: Case, token: str, events: Sequence[CaseEvent], *, creating: bool) -> bool:
        """Put the claimed case's new state in place, with its events, in one statement."""
        texts = [("body", _body(case)), *((f"e{i}", orjson.dumps(e.to_dict()).decode()) for i, e in enumerate(events))]
        if creating:
            texts.append(("report", _report(case)))
        exprs, params = self._texts(tx, case.id, token, texts)
        staged = [f"c.stage_{name} = null" for name, expr in exprs.items() if expr.startswith("c.")]
        creates = []
        for i, event in enumerate(events):
            params[f"at{i}"], params[f"type{i}"] = event.at, event.type
            creates.append(
                f"CREATE (c)-[:HAS_EVENT]->(:{EVENT} "
                f"{{case: c.id, seq: base + {i + 1}, at: $at{i}, type: $type{i}, body: {exprs[f'e{i}']}}}) "
            )
        facts = {k: v for k, v in case.facts().items() if k != "id"}
        report = f"c.report = {exprs['report']}, c.areas = $areas, " if creating else ""
        query = (
            f"MATCH (c:{CASE} {{id: $id}}) WHERE c.writing = $token "
            f"WITH c, c.event_count AS base SET c += $facts, {report}c.body = {exprs['body']}, c.event_count = base + $n "
            + "".join(creates)
            + f"SET {', '.join([*staged, _FINISHED])} "
            + "WITH DISTINCT c OPTIONAL MATCH (c)-[a:ASSIGNED_TO]->() DELETE a "
            + (_relink("REPORTED_AT", "household") if creating else "")
            + _relink("ASSIGNED_TO", "assignee")
            + "RETURN c.version AS v"
        )
        rows = self.connection.run_in(
            tx,
            query,
            id=case.id,
            token=token,
            facts=facts,
            n=len(events),
            assignee=(case.assignee or {}).get("id"),
            **({"areas": list(case.areas), "household": case.household} if creating else {}),
            **params,
        )
        return bool(rows)

    def create(self, case: Case, event: CaseEvent, *, prefix: str) -> tuple[Case, bool]:
        if case.idempotency_key is not None:
            found = self._by_key(case.idempotency_key)
            if found is not None:
                return found, False
        token = uuid.uuid4().hex
        guard = f"OPTIONAL MATCH (old:{CASE} {{idempotency_key: $key}}) WHERE old.pending IS NULL WITH old WHERE old IS NULL "
        claim = (
            f"{guard if case.idempotency_key else ''}"
            f"MERGE (s:{SEQ} {{id: 'cases'}}) ON CREATE SET s.n = 0 "
            "SET s.n = s.n + 1 "
            f"CREATE (c:{CASE} {{number: s.n, version: 1, event_count: 0, pending: true, writing: $token, "
            "writing_until: timestamp() + $claim_ms}) "
            "SET c.id = $prefix + CASE WHEN s.n < 1000000 THEN right('00000' + toString(s.n), 6) ELSE toString(s.n) END "
            "RETURN c.id AS id"
        )
        with self.connection.transaction() as tx:
            if self._locks:  # the sequence's write lock first: numbers are then given one at a time
                self.connection.run_in(tx, f"MERGE (s:{SEQ} {{id: 'cases'}}) SET s.lock = $token", token=token)
            rows = self.connection.run_in(tx, claim, token=token, prefix=prefix, key=case.idempotency_key, claim_ms=CLAIM_MS)
            if rows:
                case.id = rows[0]["id"]
                self._finish(tx, case, token, [event], creating=True)
        if not rows:  # the key was taken between the look-up and the claim
            assert case.idempotency_key is not None
            found = self._by_key(case.idempotency_key)
            if found is None:
                raise StoreError("the case could not be created", message_zh="未能创建事件")
            return found, False
        return case, True

    def _by_key(self, key: str) -> Case | None:
        rows = self.connection.run(f"MATCH (c:{CASE} {{idempotency_key: $key}}) WHERE {_VISIBLE} RETURN {_RETURN}", key=key)
        return _case(rows[0]) if rows else None

    def apply(self, changes: Sequence[Change]) -> list[bool]:
        return [self._apply(change) for change in changes]

    def _apply(self, change: Change) -> bool:
        case = change.case
        token = uuid.uuid4().hex
        claim = (
            f"MATCH (c:{CASE} {{id: $id}}) WHERE c.version = $expected AND {_VISIBLE} "
            "AND (c.writing IS NULL OR c.writing_until < timestamp()) "
            "SET c.writing = $token, c.writing_until = timestamp() + $claim_ms RETURN c.id AS id"
        )
        with self.connection.transaction() as tx:
            if self._locks:  # the case's write lock first: the version checked is then the last committed
                self.connection.run_in(tx, f"MATCH (c:{CASE} {{id: $id}}) SET c.claim_lock = $token", id=case.id, token=token)
            if not self.connection.run_in(tx, claim, id=case.id, expected=change.expected, token=token, claim_ms=CLAIM_MS):
                return False
            return self._finish(tx, case, token, change.events, creating=False)

    # -- reads ------------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case | None:
        rows = self.connection.run(f"MATCH (c:{CASE} {{id: $id}}) WHERE {_VISIBLE} RETURN {_RETURN}", id=case_id)
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
        clauses = [_VISIBLE]
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
        return " WHERE " + " AND ".join(clauses)

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
            f"MATCH (c:{CASE}) WHERE c.tick_at <= $now AND {_VISIBLE} RETURN {_RETURN} ORDER BY c.tick_at LIMIT $limit",
            now=now,
            limit=limit,
        )
        # FalkorDB's range index on a string property has answered ``<=`` with cases that were not due
        return [case for case in map(_case, rows) if case.tick_at is not None and case.tick_at <= now]

    def facts(
        self,
        *,
        area: str | None = None,
        since: str | None = None,
        until: str | None = None,
        statuses: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {}
        where = self._where(params, area, statuses, None, since, until)
        columns = ", ".join(f"c.{f} AS {f}" for f in FACTS)
        return [dict(r) for r in self.connection.run(f"MATCH (c:{CASE}){where} RETURN {columns}", **params)]

    def count(self) -> int:
        return int(self.connection.run(f"MATCH (c:{CASE}) WHERE {_VISIBLE} RETURN count(c) AS n")[0]["n"])

    def close(self) -> None:
        """Nothing to close: the store owns the connection."""
