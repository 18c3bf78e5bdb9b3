"""The connection to a Bolt server (Neo4j 5, or FalkorDB in CI) and the one place driver errors are translated.

Everything that talks to the server goes through :class:`BoltConnection`: it runs statements with
their ``$parameters``, batches ``UNWIND`` rows, and turns every ``neo4j`` driver exception into the
:class:`~orggraph.errors.OrgGraphError` tree (server down, auth failed, database missing, constraint
broken — each its own code) with ``raise … from exc``. What the two servers do differently lives in
:class:`Dialect` (see ``cypher-portability`` in the docs): nothing else in orggraph asks which server
it is talking to.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import orjson
from neo4j import Driver, GraphDatabase, Session
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship

from orggraph.errors import (
    StoreAuthError,
    StoreConstraintError,
    StoreDatabaseMissingError,
    StoreError,
    StoreUnavailableError,
)

log = logging.getLogger("orggraph.store.bolt")

T = TypeVar("T")
#: Tries to open the first connection (each within the connection timeout).
_CONNECT_ATTEMPTS = 3
Row = dict[str, Any]


def _escape_falkordb(value: Any) -> Any:
    """FalkorDB pastes parameters into the query text inside ``'…'`` with backslash escapes."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'") if ("\\" in value or "'" in value) else value
    if isinstance(value, list | tuple):
        return [_escape_falkordb(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_falkordb(v) for k, v in value.items()}
    if isinstance(value, float):
        raise StoreError(
            "the FalkorDB Bolt endpoint rounds floating-point parameters; orggraph stores none",
            message_zh="FalkorDB 的 Bolt 接口会截断浮点参数",
        )
    return value


def _knock(uri: str) -> None:
    """Open and close a plain TCP connection to a server on this machine before the driver connects.

    FalkorDB's Bolt endpoint leaves the first new connection after a client left unanswered until
    another one arrives (measured: every second connection waited out its timeout); a knock first
    makes the driver's connection answered at once. Only done on loopback, where it costs nothing.
    """
    parsed = urlsplit(uri)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1") or parsed.port is None:
        return
    with contextlib.suppress(OSError), socket.create_connection((parsed.hostname, parsed.port), timeout=1):
        pass


@dataclass(frozen=True)
class Dialect:
    """What differs between the servers, measured (docs: cypher-portability).

    ``rolls_back``: a failed or abandoned transaction leaves nothing (Neo4j) — FalkorDB keeps every
    statement already run, so the store compensates itself. ``max_param_bytes``: FalkorDB crashes on
    a statement whose parameters exceed about 4 KB, so ``UNWIND`` rows are cut to fit.
    ``uses_database``: FalkorDB ignores database names (one server per deployment).
    ``small_statements``: a bulk copy packs its rows into one string (``packed_rows``) and matches
    nodes by the server's own ids (``id(n)``) so that more rows fit in a statement (on Neo4j, where
    batches are large, maps and the ``id`` index serve).
    """

    name: Literal["neo4j", "falkordb"]
    rolls_back: bool
    max_param_bytes: int | None
    uses_database: bool
    small_statements: bool

    def params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Parameters as the server must receive them to read them back exactly."""
        if self.name != "falkordb":
            return params
        escaped: dict[str, Any] = _escape_falkordb(params)
        return escaped

    def index_statement(self, label: str, prop: str) -> str:
        """Create an index (on Neo4j a uniqueness constraint, which brings its index)."""
        if self.name == "neo4j":
            return f"CREATE CONSTRAINT {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        return f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"


NEO4J = Dialect("neo4j", rolls_back=True, max_param_bytes=None, uses_database=True, small_statements=False)
FALKORDB = Dialect("falkordb", rolls_back=False, max_param_bytes=3_500, uses_database=False, small_statements=True)


def translate(exc: Exception, *, uri: str, database: str | None) -> StoreError:
    """The orggraph error for a driver exception (the one place they are translated)."""
    where = f"{uri}" + (f" (database {database})" if database else "")
    if isinstance(exc, neo4j_errors.AuthError):
        return StoreAuthError(
            f"the Bolt server at {where} refused the user name or password; check ORGGRAPH_NEO4J_USER and "
            "ORGGRAPH_NEO4J_PASSWORD",
            message_zh=f"图数据库 {where} 拒绝了用户名或密码；请检查 ORGGRAPH_NEO4J_USER 与 ORGGRAPH_NEO4J_PASSWORD",
            uri=uri,
        )
    code = getattr(exc, "code", None) or ""
    if "DatabaseNotFound" in code:
        return StoreDatabaseMissingError(
            f"the Bolt server at {uri} has no database {database!r}; create it or fix ORGGRAPH_NEO4J_DATABASE",
            message_zh=f"图数据库 {uri} 中没有名为 {database} 的数据库；请创建或修改 ORGGRAPH_NEO4J_DATABASE",
            uri=uri,
            database=database,
        )
    if isinstance(exc, neo4j_errors.ConstraintError) or "ConstraintValidationFailed" in code:
        return StoreConstraintError(
            f"the Bolt server at {where} refused a write that breaks a constraint: {getattr(exc, 'message', exc)}",
            message_zh=f"图数据库 {where} 拒绝了违反约束的写入",
            uri=uri,
        )
    if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired | OSError):
        return StoreUnavailableError(
            f"cannot reach the Bolt server at {where}: {exc}; is it running, and is the address right?",
            message_zh=f"无法连接图数据库 {where}；请确认服务已启动、地址正确",
            uri=uri,
        )
    if isinstance(exc, neo4j_errors.ConfigurationError | ValueError):
        return StoreUnavailableError(
            f"cannot connect to {uri!r}: {exc}",
            message_zh=f"无法连接 {uri}：地址或配置无效",
            uri=uri,
        )
    message = getattr(exc, "message", None) or str(exc)
    return StoreError(f"the Bolt server at {where} failed: {message}", message_zh=f"图数据库 {where} 出错：{message}", uri=uri)


def rows_of(result: Any) -> list[Row]:
    """A result's records as dicts of plain values.

    orggraph's statements return values, lists and maps only (ids, ``properties(n)``), which the
    driver has already made Python values: pairing them with the keys is all that is left, where
    ``Record.data()`` walks every value again (measured: 2.6 s of 8 s for 62,000 records). A record
    holding a node, relationship or path is converted by ``data()`` as before.
    """
    keys = result.keys()
    rows: list[Row] = []
    for record in result:
        if any(isinstance(value, _GRAPH_TYPES) for value in record):
            rows.append(record.data())
        else:
            rows.append(dict(zip(keys, record, strict=True)))
    return rows


_GRAPH_TYPES = (Node, Relationship, Path)


def cut_by_size(items: Iterable[tuple[T, int]], max_bytes: int, max_items: int | None = None) -> Iterator[tuple[list[T], int]]:
    """``items`` with their sizes, in order, cut into parts of at most ``max_bytes`` (and ``max_items``),
    each with its size; an item bigger than ``max_bytes`` makes a part of its own.

    >>> list(cut_by_size([("a", 2), ("b", 2), ("c", 9), ("d", 1)], 4))
    [(['a', 'b'], 4), (['c'], 9), (['d'], 1)]
    """
    part: list[T] = []
    size = 0
    for item, item_bytes in items:
        if part and (size + item_bytes > max_bytes or (max_items is not None and len(part) >= max_items)):
            yield part, size
            part, size = [], 0
        part.append(item)
        size += item_bytes
    if part:
        yield part, size


class BoltConnection:
    """A driver, a dialect and the statements run through them; every failure is an ``OrgGraphError``.

    One session, used by one thread at a time: a driver session is not thread-safe (two threads on
    one session corrupt its messages), so every statement — and a transaction, from begin to commit —
    holds the connection's lock. Threads of one process (a server's requests and its refresh thread)
    take turns; parallel reads come from several processes (``orggraph serve --workers``).
    """

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        password: str,
        database: str | None = None,
        batch_rows: int = 10_000,
        timeout: float = 3.0,
    ) -> None:
        self.uri = uri
        self.database = database
        self.batch_rows = batch_rows
        self._auth = (user, password)
        self._timeout = timeout
        self._options = {"user": user, "password": password, "database": database, "batch_rows": batch_rows, "timeout": timeout}
        self.driver: Driver = self._new_driver()
        self._session: Session | None = None
        #: Held by a thread for each statement it runs and for the whole of a transaction.
        self._lock = threading.RLock()
        self.dialect = self._detect()

    def _new_driver(self) -> Driver:
        try:
            return GraphDatabase.driver(
                self.uri,
                auth=self._auth,
                connection_timeout=self._timeout,
                connection_acquisition_timeout=self._timeout,
                max_transaction_retry_time=0,
            )
        except Exception as exc:  # an invalid URI and the like
            raise translate(exc, uri=self.uri, database=self.database) from exc

    # -- running ----------------------------------------------------------------------------------

    def _new_session(self) -> Session:
        if self.dialect_known and self.dialect.uses_database and self.database:
            return self.driver.session(database=self.database)
        return self.driver.session()

    dialect_known = False

    def session(self) -> Session:
        """The connection's session (one per store; the store serialises its use)."""
        if self._session is None:
            self._session = self._new_session()
        return self._session

    def _drop_session(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):
                self._session.close()
            self._session = None

    def guarded(self, work: Callable[[], T]) -> T:
        """Run ``work`` with driver errors translated; a broken session is dropped for the next call."""
        try:
            return work()
        except StoreError:
            raise
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError, ValueError) as exc:
            self._drop_session()
            raise translate(exc, uri=self.uri, database=self.database) from exc

    def run(self, query: str, **params: Any) -> list[Row]:
        """Run one statement (auto-commit) and return its records as dicts."""
        sent = self.dialect.params(params) if self.dialect_known else params
        with self._lock:
            return self.guarded(lambda: rows_of(self.session().run(query, sent)))

    def run_in(self, tx: Any, query: str, **params: Any) -> list[Row]:
        """Run one statement inside ``tx`` (from :meth:`transaction`), or auto-commit when it is ``None``."""
        if tx is None:
            return self.run(query, **params)
        sent = self.dialect.params(params)
        with self._lock:
            records: list[Row] = self.guarded(lambda: rows_of(tx.run(query, sent)))
        return records

    def run_rows(self, query: str, rows: Sequence[Any], *, tx: Any = None, **params: Any) -> list[Row]:
        """Run ``query`` (which reads ``UNWIND $rows``) over ``rows`` in batches that fit the server."""
        out: list[Row] = []
        for part in self.batches(rows, query_chars=len(query)):
            if tx is None:
                out.extend(self.run(query, rows=part, **params))
            else:
                out.extend(self.run_in(tx, query, rows=part, **params))
        return out

    def batches(self, rows: Sequence[Any], *, query_chars: int = 0) -> Iterator[list[Any]]:
        """``rows`` cut into batches of at most ``batch_rows`` rows and, on FalkorDB, ~3.5 KB with the
        statement: FalkorDB pastes the parameters into the statement's text, and a long statement with
        ~3.5 KB of rows crashes it as a long parameter does (measured: a 700-character statement with
        3.4 KB of ids), so the statement's own length comes off the rows' room."""
        limit = self.dialect.max_param_bytes
        if limit is not None:
            limit = max(limit - max(query_chars - 400, 0), 1_000)
        if limit is None:
            for start in range(0, len(rows), self.batch_rows):
                yield list(rows[start : start + self.batch_rows])
            return
        for part, size in cut_by_size(((row, len(orjson.dumps(row)) + 4) for row in rows), limit, self.batch_rows):
            if size > limit:  # a row alone over the limit
                raise StoreError(
                    f"one row is {size} bytes, more than the FalkorDB Bolt endpoint takes in one statement",
                    message_zh="单行数据超过 FalkorDB Bolt 接口单条语句的上限",
                )
            yield part

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One explicit transaction (rolled back on any exception) on servers that roll back; on
        others ``None``: statements then run one by one and the caller compensates."""
        if not self.dialect.rolls_back:
            yield None
            return
        with self._lock:
            tx = self.guarded(lambda: self.session().begin_transaction())
            try:
                yield tx
                self.guarded(tx.commit)
            except BaseException:
                with contextlib.suppress(Exception):
                    tx.rollback()
                with contextlib.suppress(Exception):
                    tx.close()
                raise

    # -- the server -------------------------------------------------------------------------------

    def _detect(self) -> Dialect:
        """Neo4j answers ``dbms.components()``; FalkorDB does not have it."""
        for attempt in range(_CONNECT_ATTEMPTS):
            _knock(self.uri)
            try:
                self.driver.verify_connectivity()
                break
            except neo4j_errors.ServiceUnavailable as exc:
                # FalkorDB sometimes leaves a new connection unanswered after another client left
                log.info("no answer from %s (attempt %d): %s", self.uri, attempt + 1, exc)
                self.driver.close()
                if attempt + 1 == _CONNECT_ATTEMPTS:
                    raise translate(exc, uri=self.uri, database=self.database) from exc
                self.driver = self._new_driver()
            except Exception as exc:
                self.close()
                raise translate(exc, uri=self.uri, database=self.database) from exc
        try:
            with self.driver.session(database=self.database) if self.database else self.driver.session() as session:
                session.run("CALL dbms.components() YIELD name RETURN name").consume()
            dialect = NEO4J
        except neo4j_errors.ClientError as exc:
            if "DatabaseNotFound" in (exc.code or ""):
                self.close()
                raise translate(exc, uri=self.uri, database=self.database) from exc
            dialect = FALKORDB
        except neo4j_errors.DatabaseError:
            dialect = FALKORDB
        except Exception as exc:
            self.close()
            raise translate(exc, uri=self.uri, database=self.database) from exc
        self.dialect_known = True
        log.info("connected to %s (%s)", self.uri, dialect.name)
        return dialect

    def reconnect(self) -> BoltConnection:
        """A new connection to the same server with the same settings."""
        return BoltConnection(self.uri, **self._options)  # type: ignore[arg-type]

    def close(self) -> None:
        with self._lock:
            self._drop_session()
            with contextlib.suppress(Exception):
                self.driver.close()
