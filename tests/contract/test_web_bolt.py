"""The planners' page over a Bolt store: the browser scenarios of ``tests/api/test_web.py`` — sign in,
drill down, export, follow an escalation, a street planner kept to the street, liaison search, an
import — against an app whose store is on the Bolt server (nothing of the graph loaded by the reads).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orggraph.store.neo4j import Neo4jStore
from tests.api.conftest import KEY, api_world
from tests.api.test_web import (  # noqa: F401  (the scenarios run here again, over this module's base_url)
    browser,
    serve,
    test_a_dispatcher_follows_an_escalation_path,
    test_a_planner_drills_down_two_levels_reads_the_findings_and_exports_them,
    test_a_street_planner_sees_nothing_of_another_street,
    test_an_importer_dry_runs_a_roster_then_applies_it,
    test_liaison_search_draws_who_serves_a_household,
)
from tests.contract.conftest import BoltTarget, wipe


@pytest.fixture(scope="module")
def base_url(bolt_target: BoltTarget) -> Iterator[str]:
    wipe(bolt_target)
    writer = Neo4jStore(bolt_target.connect(), KEY, create=True)
    api_world(writer)
    writer.close()
    store = Neo4jStore(bolt_target.connect(), KEY)
    try:
        yield from serve(store)
    finally:
        store.close()
