"""The API over a Bolt store answers every read route as over the embedded one, and takes an upload.

The API's test world (two streets, the tiny escalation world and a second community) is written into
a memory store and onto the Bolt server; one app is made over each, and the same requests with the
same role and scope are compared answer by answer (status and body).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import MemoryStore
from orggraph.store.neo4j import Neo4jStore
from tests.api.conftest import api_world, pid
from tests.contract.conftest import BoltTarget, wipe
from tests.queries.test_escalation_world import KEY

AT = "2025-06-30T09:00:00+08:00"

Clients = tuple[TestClient, TestClient]


@pytest.fixture(scope="module")
def clients(bolt_target: BoltTarget) -> Iterator[Clients]:
    wipe(bolt_target)
    embedded = api_world(MemoryStore(KEY))
    writer = Neo4jStore(bolt_target.connect(), KEY, create=True)
    api_world(writer)
    writer.close()
    bolt = Neo4jStore(bolt_target.connect(), KEY)  # a server's own store: nothing of the graph loaded yet
    made = []
    for store in (embedded, bolt):
        tokens = TokenBook(None)
        whole, _ = tokens.add(Role.ADMIN, "D", expires=None, note=None)
        client = TestClient(create_app(Settings(store=":memory:"), store=store, tokens=tokens))
        client.headers["Authorization"] = f"Bearer {whole}"
        made.append(client)
    with made[0], made[1]:
        yield made[0], made[1]
    bolt.close()


def test_a_server_over_a_bolt_store_reads_it_on_the_server(clients: Clients, bolt_target: BoltTarget) -> None:
    """Every read route but the proposals (computed in networkx) answers without loading the graph into
    the process: the store's in-memory copy stays unloaded."""
    bolt = Neo4jStore(bolt_target.connect(), KEY)
    tokens = TokenBook(None)
    whole, _ = tokens.add(Role.ADMIN, "D", expires=None, note=None)
    try:
        with TestClient(create_app(Settings(store=":memory:"), store=bolt, tokens=tokens)) as client:
            client.headers["Authorization"] = f"Bearer {whole}"
            for route, params in _routes():
                if not route.startswith("/v1/proposals"):
                    assert client.get(route, params=params).status_code in (200, 404), route
        assert bolt._state is None
    finally:
        bolt.close()


def _routes() -> list[tuple[str, dict[str, str]]]:
    return [
        ("/v1/escalation", {"household": "H2", "category": "物业纠纷", "at": AT}),
        ("/v1/escalation", {"address": "幸福里小区3号楼2单元502室", "category": "违章搭建", "at": AT}),
        ("/v1/escalation", {"household": "H9", "category": "物业纠纷", "at": AT, "as_of": "2024-01-01"}),
        ("/v1/escalation", {"household": "NOPE", "category": "物业纠纷"}),
        ("/v1/liaison", {"household": "H1"}),
        ("/v1/liaison/building", {"building": "P1/3号楼"}),
        ("/v1/members/" + pid("钱七").split(":", 1)[1], {}),
        ("/v1/communities/C1", {}),
        ("/v1/communities/C2", {}),
        ("/v1/categories", {}),
        ("/v1/coverage/summary", {}),
        ("/v1/coverage/summary", {"area": "S1"}),
        ("/v1/coverage/findings", {"limit": "200"}),
        ("/v1/coverage/findings", {"area": "C1", "sort": "severity"}),
        *(("/v1/coverage/areas", {"area": area}) for area in ("D", "S1", "C1", "G1", "P1")),
        ("/v1/coverage/areas", {"area": "S1", "as_of": "2024-01-01"}),
        *(("/v1/stats", {"area": area}) for area in ("D", "S2", "C1", "G1")),
        ("/v1/nodes/household:H1", {}),
        ("/v1/paths", {"from": "household:H1", "to": "area:S1"}),
        ("/v1/paths", {"from": "household:H9", "to": "household:H1"}),
        ("/v1/proposals/contacts", {"area": "C1"}),
    ]


@pytest.mark.parametrize(("route", "params"), _routes(), ids=[f"{r}?{'&'.join(p)}" for r, p in _routes()])
def test_each_route_answers_alike(clients: Clients, route: str, params: dict[str, str]) -> None:
    on_embedded, on_bolt = (client.get(route, params=params) for client in clients)
    assert on_bolt.status_code == on_embedded.status_code, on_bolt.text
    assert _answer(on_bolt.json()) == _answer(on_embedded.json())


def _answer(body: object) -> object:
    """The answer without what measures the run rather than the graph (a proposal's ``seconds``)."""
    return {k: v for k, v in body.items() if k != "seconds"} if isinstance(body, dict) else body
