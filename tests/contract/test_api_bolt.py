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
    bolt = Neo4jStore(bolt_target.connect(), KEY, create=True)
    api_world(bolt)
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
        ("/v1/coverage/summary", {"scope": "S1"}),
        ("/v1/coverage/findings", {"limit": "200"}),
        ("/v1/coverage/findings", {"scope": "C1", "sort": "severity"}),
        ("/v1/coverage/areas", {"scope": "C1"}),
        ("/v1/stats", {}),
        ("/v1/nodes/household:H1", {}),
        ("/v1/paths", {"from": "household:H1", "to": "area:S1"}),
        ("/v1/paths", {"from": "household:H9", "to": "household:H1"}),
        ("/v1/proposals/contacts", {"area": "C1"}),
    ]


@pytest.mark.parametrize(("route", "params"), _routes(), ids=[f"{r}?{'&'.join(p)}" for r, p in _routes()])
def test_each_route_answers_alike(clients: Clients, route: str, params: dict[str, str]) -> None:
    on_embedded, on_bolt = (client.get(route, params=params) for client in clients)
    assert on_bolt.status_code == on_embedded.status_code, on_bolt.text
    assert on_bolt.json() == on_embedded.json()
