"""Escalation paths and liaison lookups on both engines: identical answers, identical errors.

The Bolt store answers through its :class:`~orggraph.store.cypher_view.CypherView` (Cypher on the server)
and :func:`~queries.cypher.paths.explain_path_cypher`; the embedded one through the networkx readers.
Every household of the generated communities is climbed for three issue categories — one with two
departments that handle it, one with several, one with a property manager and helpers — today and on
an earlier day; the street is sampled.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from orggraph.errors import OrgGraphError
from orggraph.generator import Scale
from orggraph.store import GraphStore, MemoryStore
from orggraph.store.cypher_view import CypherView
from orggraph.store.neo4j import Neo4jStore
from queries.escalation import escalation_path, known_categories
from queries.lookups import community_links, explain_path, household_liaison, member_links
from queries.lookups.building import building_liaison
from queries.lookups.unit import unit_links
from tests.contract.conftest import BoltTarget, twin_stores

AS_OF = "2025-06-30"
EARLIER = "2024-03-01"
#: ``None`` is today (the default day of every lookup).
DAYS = (None, EARLIER)
CATEGORIES = ("违章搭建", "环境卫生", "物业纠纷")
AT = dt.datetime(2025, 7, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class World:
    """A generated district on both engines, and how much of it each test walks."""

    def __init__(self, embedded: MemoryStore, bolt: Neo4jStore, sample: int | None) -> None:
        self.embedded = embedded
        self.bolt = bolt
        self.sample = sample
        self.rng = random.Random(11)
        self.by_kind: dict[str, list[str]] = {}
        for node, attrs in embedded.graph._node.items():
            self.by_kind.setdefault(attrs["kind"], []).append(node)
        for nodes in self.by_kind.values():
            nodes.sort()

    def some(self, kind: str, count: int | None = None) -> list[str]:
        """Every node of ``kind``, or a fixed sample of ``count`` (or of the world's sample size)."""
        nodes = self.by_kind.get(kind, [])
        count = count if count is not None else self.sample
        return nodes if count is None or count >= len(nodes) else sorted(self.rng.sample(nodes, count))


@pytest.fixture(
    scope="module",
    params=[(Scale.COMMUNITY, 2, None), (Scale.COMMUNITY, 3, None), (Scale.STREET, 1, 300)],
    ids=["community-2", "community-3", "street-1"],
)
def world(request: pytest.FixtureRequest, bolt_target: BoltTarget) -> Iterator[World]:
    scale, seed, sample = request.param
    embedded, bolt = twin_stores(bolt_target, scale, seed, as_of=AS_OF)
    yield World(embedded, bolt, sample)
    bolt.close()


def answer(call: Callable[..., Any], store: GraphStore, *args: Any, as_of: str | None = None, **kwargs: Any) -> Any:
    """The answer over the store's view of the day, as a dict, or the error as its class and dict (so
    errors are compared too)."""
    try:
        return call(store.view(as_of, lazy=True), *args, **kwargs).to_dict()
    except OrgGraphError as exc:
        return type(exc).__name__, exc.to_dict()


def same(world: World, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    expected = answer(call, world.embedded, *args, **kwargs)
    assert answer(call, world.bolt, *args, **kwargs) == expected, (call.__name__, args, kwargs)
    return expected


def test_the_bolt_store_is_read_in_cypher(world: World) -> None:
    reader = world.bolt.view(EARLIER, lazy=True)
    assert isinstance(reader, CypherView)
    assert world.bolt.view(EARLIER) is reader  # one view per store revision and day
    for category in CATEGORIES:
        assert category in known_categories(reader)
    assert known_categories(reader) == known_categories(world.embedded.view(EARLIER, lazy=True))
    assert world.bolt._state is None  # asked on the server: the graph was not loaded into the process


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_escalation_path_is_the_same(world: World, category: str) -> None:
    households = world.some("household")
    for day in DAYS:
        for household in households:
            same(world, escalation_path, household, category, at=AT, as_of=day)
        view = world.bolt.view(day, lazy=True)
        asked = view.cg.statements
        for household in households:  # asked again: answered from the view's cache, not the server
            escalation_path(view, household, category, at=AT + dt.timedelta(hours=1))
        assert view.cg.statements == asked


def test_escalation_from_an_address_or_a_code_is_the_same(world: World) -> None:
    for household in world.some("household", 25):
        address = household_liaison(world.embedded.view(AS_OF, lazy=True), household).address
        assert address is not None
        for start in (address, household.split(":", 1)[1]):
            same(world, escalation_path, start, "环境卫生", at=AT, as_of=AS_OF)


def test_household_liaison_is_the_same(world: World) -> None:
    for day in DAYS:
        for household in world.some("household"):
            same(world, household_liaison, household, as_of=day)


def test_member_links_are_the_same(world: World) -> None:
    persons = world.some("person", 60)
    for day in DAYS:
        for person in persons:
            same(world, member_links, person, as_of=day)
    for person in persons[:10]:  # by the masked ID number (one person, several, or none)
        masked = world.embedded.graph._node[person]["id_masked"]
        same(world, member_links, masked, as_of=AS_OF)


def test_community_building_and_unit_links_are_the_same(world: World) -> None:
    for day in DAYS:
        for community in world.some("community", 8):
            same(world, community_links, community.split(":", 1)[1], as_of=day)
        for building in world.some("building", 40):
            same(world, building_liaison, building.split(":", 1)[1], as_of=day)
        for unit in world.some("unit", 40):
            same(world, unit_links, unit, as_of=day)


def test_explain_path_is_the_same(world: World) -> None:
    rng = random.Random(5)
    everything = sorted(world.embedded.graph._node)
    kinds = world.by_kind
    pairs = [(rng.choice(everything), rng.choice(everything)) for _ in range(12)]
    pairs += [(rng.choice(kinds["person"]), rng.choice(kinds["household"])) for _ in range(6)]
    pairs += [(rng.choice(kinds["household"]), rng.choice(kinds["household"])) for _ in range(6)]
    pairs += [(kinds["household"][0], kinds["street"][0]), (kinds["street"][0], kinds["street"][0])]
    for day in (AS_OF, EARLIER):
        lengths = [same(world, explain_path, a, b, as_of=day) for a, b in pairs]
        assert any(isinstance(found, dict) and found["length"] >= 3 for found in lengths)


def test_the_scope_of_explain_path_is_kept_alike(world: World) -> None:
    household = world.by_kind["household"][0]
    grid = world.embedded.graph._node
    # through households and areas only: the path may not pass a person or an org
    allowed = {n for n, a in grid.items() if a["kind"] not in ("person", "party_org", "unit", "project")}
    for other in world.some("household", 6):
        same(world, explain_path, household, other, as_of=AS_OF, through=allowed.__contains__)


def test_what_is_not_there_fails_alike(world: World) -> None:
    household = world.by_kind["household"][0]
    ended = sorted(n for n, a in world.embedded.graph._node.items() if a.get("ended") and a["ended"] <= AS_OF)
    cases: list[tuple[Callable[..., Any], tuple[str, ...], dict[str, Any]]] = [
        (escalation_path, ("H-NOPE", "环境卫生"), {"at": AT}),
        (escalation_path, ("household:H-NOPE", "环境卫生"), {"at": AT}),
        (escalation_path, ("没有小区 3-2-501", "环境卫生"), {"at": AT}),
        (escalation_path, ("三号楼", "环境卫生"), {"at": AT}),
        (household_liaison, ("H-NOPE",), {}),
        (member_links, ("person:nobody",), {}),
        (member_links, ("1307**********0000",), {}),
        (community_links, ("NOPE",), {}),
        (building_liaison, ("NOPE",), {}),
        (unit_links, ("NOPE",), {}),
        (explain_path, (household, "area:NOPE"), {}),
        (explain_path, ("area:NOPE", household), {}),
        *((explain_path, (household, node), {}) for node in ended[:2]),
    ]
    for call, args, options in cases:
        found = same(world, call, *args, as_of=AS_OF, **options)
        assert isinstance(found, tuple), (call.__name__, args, found)
        assert found[0] == "NotFoundError", (call.__name__, args, found)
    unknown = same(world, escalation_path, household, "没有这类事项", at=AT, as_of=AS_OF)
    assert unknown[0] == "ConfigurationError"
