"""The graph-store port and its engines. :func:`open_store` picks the engine from the settings."""

from __future__ import annotations

from pathlib import Path

from orggraph.errors import ConfigurationError
from orggraph.pii import PiiKey, key_from_hex, load_or_create_key
from orggraph.settings import Settings
from orggraph.store.batch import Batch
from orggraph.store.embedded import EmbeddedStore, missing_store
from orggraph.store.memory import MemoryStore
from orggraph.store.port import GraphStore, Link, StoreCounts, WriteSummary

__all__ = [
    "Batch",
    "EmbeddedStore",
    "GraphStore",
    "Link",
    "MemoryStore",
    "StoreCounts",
    "WriteSummary",
    "open_store",
    "pii_key",
]


def pii_key(settings: Settings, *, create: bool) -> PiiKey:
    """The personal-data key the settings name: ``ORGGRAPH_KEY``, else the key file."""
    if settings.key is not None:
        return key_from_hex(settings.key.get_secret_value())
    return load_or_create_key(settings.key_path(), create=create)


def open_store(settings: Settings, *, create: bool = False) -> EmbeddedStore:
    """Open the store the settings name; with ``create``, make a new embedded store if none is there."""
    if settings.is_bolt:
        raise ConfigurationError(
            f"{settings.store}: the Neo4j engine is not part of this release yet; use a file path",
            message_zh="此版本尚不支持 Neo4j 存储；请使用文件路径",
        )
    path = Path(settings.store)
    new = not path.exists() or path.stat().st_size == 0
    if new and not create:
        raise missing_store(path)
    key = pii_key(settings, create=create and new)
    return EmbeddedStore(path, key, create=create)
