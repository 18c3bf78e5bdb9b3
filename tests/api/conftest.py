"""The API's test world: the tiny escalation world, with a second community to be kept out of.

Street S1 holds community C1 (the tiny world of :mod:`tests.queries.test_escalation_world`, plus
钱八, a member living in H4 with no post). Street S2 holds community C2: grid G2, compound P2 和平里小区,
building 1号楼, entrance 1单元, household H9 (101) where 钱七 lives — member and secretary of the
community committee OC2, contacting H9 — and the unit U2 located there.

``client(role, scope)`` gives a TestClient with a token of that role and scope area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.model import Building, Compound, Entrance, Grid, Household, LinkKind, OrgKind, PartyOrg, Person
from orggraph.pii import id_check_char
from orggraph.settings import Settings
from orggraph.store import Batch, GraphStore, MemoryStore
from tests.queries.test_escalation_world import KEY, PEOPLE, START, tiny_world

L = LinkKind


def _person(name: str, n: int) -> tuple[str, str]:
    first = f"11010519900202{n:03d}"
    return first + id_check_char(first), f"1391234{n:04d}"


#: The two persons the API world adds: 钱七 (C2's secretary) and 钱八 (a resident of H4 with no post).
MORE_PEOPLE: dict[str, tuple[str, str]] = {"钱七": _person("钱七", 1), "钱八": _person("钱八", 2)}
ALL_PEOPLE = {**PEOPLE, **MORE_PEOPLE}


def pid(name: str) -> str:
    return Person.from_id_number(KEY, ALL_PEOPLE[name][0], name=name).node_id


def second_community() -> Batch:
    b = Batch("api world: community C2")

    def put(node: object, parent: str) -> None:
        b.put(node)  # type: ignore[arg-type]
        b.link(L.PART_OF, node.node_id, parent, start=START)  # type: ignore[attr-defined]

    put(Grid(code="G2", name="和平网格", level=4), "area:C2")
    put(Compound(code="P2", name="和平里小区"), "area:C2")
    put(Building.of("P2", "1号楼"), "area:P2")
    put(Entrance.of("P2/1号楼", "1单元"), "area:P2/1号楼")
    put(Household(code="H9", room="101", residents=3), "area:P2/1号楼/1单元")
    b.link(L.IN_GRID, "household:H9", "area:G2", start=START)
    b.put(PartyOrg(code="OC2", name="中共和平社区委员会", org_kind=OrgKind.PARTY_COMMITTEE))
    b.link(L.RESPONSIBLE_FOR, "org:OC2", "area:C2", start=START)
    for name, (number, phone) in MORE_PEOPLE.items():
        b.put(Person.from_id_number(KEY, number, name=name, phone=phone))
    b.link(L.MEMBER_OF, pid("钱七"), "org:OC2", start=START)
    b.link(L.SECRETARY_OF, pid("钱七"), "org:OC2", start=START)
    b.link(L.LIVES_IN, pid("钱七"), "household:H9", start=START)
    b.link(L.CONTACTS, pid("钱七"), "household:H9", start=START)
    b.link(L.REGISTERED_WITH, pid("钱七"), "area:C2", start=START)
    b.link(L.MEMBER_OF, pid("钱八"), "org:OG3", start=START)
    b.link(L.LIVES_IN, pid("钱八"), "household:H4", start=START)
    return b


def api_world(store: GraphStore) -> GraphStore:
    """Write the API world into ``store``."""
    store.write(tiny_world())
    store.write(second_community())
    return store


ClientFor = Callable[..., TestClient]


@pytest.fixture(scope="module")
def world() -> MemoryStore:
    store = MemoryStore(KEY)
    api_world(store)
    return store


@pytest.fixture(scope="module")
def tokens() -> TokenBook:
    return TokenBook(None)


@pytest.fixture(scope="module")
def app(world: MemoryStore, tokens: TokenBook) -> FastAPI:
    return create_app(Settings(store=":memory:"), store=world, tokens=tokens)


@pytest.fixture(scope="module")
def client(app: FastAPI, tokens: TokenBook) -> Iterator[ClientFor]:
    """``client(role, scope)``: a TestClient sending a new token of that role and scope."""
    with TestClient(app) as base:

        def make(role: Role | str = Role.DISPATCHER, scope: str = "D") -> TestClient:
            whole, _ = tokens.add(Role(role), scope, expires=None, note=None)
            made = TestClient(app)
            made.headers["Authorization"] = f"Bearer {whole}"
            return made

        make.base = base  # type: ignore[attr-defined]
        yield make
