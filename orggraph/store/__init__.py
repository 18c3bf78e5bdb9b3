"""The graph-store port and its engines. :func:`open_store` picks the engine from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from orggraph.pii import PiiKey, key_from_hex, load_or_create_key
from orggraph.settings import Settings
from orggraph.store.batch import Batch
from orggraph.store.embedded import EmbeddedStore, missing_store
from orggraph.store.memory import MemoryStore
from orggraph.store.port import GraphDump, GraphStore, Link, StoreCounts, WriteSummary

if TYPE_CHECKING:
    from orggraph.store.bolt import BoltConnection
    from orggraph.store.neo4j import Neo4jStore

__all__ = [
    "Batch",
    "EmbeddedStore",
    "GraphDump",
    "GraphStore",
    "Link",
    "MemoryStore",
    "StoreCounts",
    "WriteSummary",
    "bolt_connection",
    "open_store",
    "pii_key",
]


def pii_key(settings: Settings, *, create: bool) -> PiiKey:
    """The personal-data key the settings name: ``ORGGRAPH_KEY``, else the key file."""
    if settings.key is not None:
        return key_from_hex(settings.key.get_secret_value())
    return load_or_create_key(settings.key_path(), create=create)


def bolt_connection(settings: Settings) -> BoltConnection:
    """A connection to the Bolt server the settings name (``ORGGRAPH_STORE`` and ``ORGGRAPH_NEO4J_*``)."""
    from orggraph.store.bolt import BoltConnection  # the driver loads only when a Bolt store is used

    return BoltConnection(
        settings.store,
        user=settings.neo4j_user,
        password=settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
        batch_rows=settings.neo4j_batch_rows,
    )


def open_bolt(settings: Settings, *, create: bool = False) -> Neo4jStore:
    """Open the graph on the Bolt server the settings name (``ORGGRAPH_NEO4J_*``)."""
    from orggraph.store.neo4j import Neo4jStore

    connection = bolt_connection(settings)
    try:
        key = pii_key(settings, create=create)
        return Neo4jStore(connection, key, create=create)
    except BaseException:
        connection.close()
        raise


def open_store(settings: Settings, *, create: bool = False) -> GraphStore:
    """Open the store the settings name: an embedded file, or a ``bolt://`` server; with ``create``,
    make a new store if none is there."""
    if settings.is_bolt:
        return open_bolt(settings, create=create)
    path = Path(settings.store)
    new = not path.exists() or path.stat().st_size == 0
    if new and not create:
        raise missing_store(path)
    key = pii_key(settings, create=create and new)
    return EmbeddedStore(path, key, create=create)
