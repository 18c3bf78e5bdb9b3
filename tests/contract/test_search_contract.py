"""Search on both engines: the index is built through the read port (the nodes of each kind, the area
tables, where the scope rules place each node), so the same generated community answers every query
the same way — whole, within a community and within a grid."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from api.scope import Scope, places, reader_within
from orggraph.generator import Scale
from orggraph.store import GraphStore, MemoryStore
from orggraph.store.neo4j import Neo4jStore
from queries.lookups.search import SearchIndex, search
from queries.reading.place import Place
from tests.contract.conftest import KEY, BoltTarget, twin_stores

AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def twins(bolt_target: BoltTarget) -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    embedded, bolt = twin_stores(bolt_target, Scale.COMMUNITY, 4, as_of=AS_OF)
    yield embedded, bolt
    bolt.close()


def queries(store: MemoryStore) -> list[str]:
    """Names, codes, addresses, masked and whole ID numbers, and fragments of them, from the world."""
    view = store.view(AS_OF)
    rng = random.Random(3)
    households = rng.sample(list(view.of_kind("household")), 5)
    persons = rng.sample(list(view.candidates("person")), 5)
    texts = ["1", "号楼", "社区", "党支部", "物业", "2单元", "zzz", "1307", "幸福"]
    texts += [h.split(":", 1)[1] for h in households] + [str(Place(view, h).address()) for h in households]
    texts += [str(a["name"]) for _, a in persons] + [str(a["id_masked"]) for _, a in persons]
    texts += [str(a["name"])[:1] for _, a in persons] + [str(a["id_masked"])[-4:] for _, a in persons]
    texts += [KEY.unseal("id_number", bytes.fromhex(str(a["id_sealed"]))) for _, a in persons[:2]]
    texts += [str(a["name"]) for _, a in view.candidates("unit")][:5]
    return texts


def answers(store: GraphStore, texts: list[str], scope_code: str) -> list[object]:
    view = store.view(AS_OF)
    index = SearchIndex.build(view, placer=places)
    scope = Scope.of(view, scope_code)
    assert scope is not None
    within = None if scope.everything else scope.area
    reader = reader_within(view, scope)
    return [search(index, view, t, reader=reader, within=within, key=KEY).to_dict() for t in texts]


@pytest.mark.parametrize("scope", ["130705", "130705001001", "130705001001G0101"])
def test_every_search_is_the_same_on_both_engines(twins: tuple[MemoryStore, Neo4jStore], scope: str) -> None:
    embedded, bolt = twins
    texts = queries(embedded)
    expected = answers(embedded, texts, scope)
    assert any(e["results"] for e in expected)  # type: ignore[index]
    assert answers(bolt, texts, scope) == expected
