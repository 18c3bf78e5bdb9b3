"""What of a person each role is shown: whole phones of persons in a post for a dispatcher and above,
whole ID numbers for an admin on the person routes only, residents masked for everyone."""

from __future__ import annotations

import pytest

from api.tokens import Role
from tests.api.conftest import ALL_PEOPLE, ClientFor, pid

#: Every route each role may call that names persons (and the routes of the roles below it).
ROUTES = {
    "viewer": ["/v1/coverage/summary", "/v1/coverage/findings?per_page=1000", "/v1/stats"],
    "dispatcher": [
        "/v1/escalation?household=H2&category=物业纠纷",
        "/v1/escalation?household=H4&category=违章搭建",
        "/v1/liaison?household=H4",
        f"/v1/members/{pid('王芳')}",
        f"/v1/members/{pid('钱八')}",
        "/v1/communities/C1",
    ],
    "planner": ["/v1/proposals/contacts", f"/v1/nodes/{pid('李强')}", f"/v1/nodes/{pid('钱八')}"],
}


PERSON_ROUTES = ("/v1/members/", "/v1/nodes/")


def _texts(client: ClientFor, role: str, *, person_routes: bool = True) -> str:
    caller = client(role, "D")
    allowed = [r for name, routes in ROUTES.items() if Role(role).allows(Role(name)) for r in routes]
    allowed = [r for r in allowed if person_routes or not r.startswith(PERSON_ROUTES)]
    answers = [caller.get(route) for route in allowed]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
    return "\n".join(a.text for a in answers)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_whole_id_number_leaves_but_to_an_admin_on_a_person_route(client: ClientFor, role: str) -> None:
    text = _texts(client, role, person_routes=role != "admin")
    for number, _ in ALL_PEOPLE.values():
        assert number not in text


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_a_resident_without_a_post_is_masked_for_every_role(client: ClientFor, role: str) -> None:
    assert ALL_PEOPLE["钱八"][1] not in _texts(client, role)


def test_viewers_see_no_whole_phone(client: ClientFor) -> None:
    text = _texts(client, "viewer")
    assert not any(phone in text for _, phone in ALL_PEOPLE.values())


@pytest.mark.parametrize("role", ["dispatcher", "planner", "importer", "admin"])
def test_a_dispatcher_and_above_reach_persons_in_a_post(client: ClientFor, role: str) -> None:
    path = client(role, "S1").get("/v1/escalation?household=H2&category=物业纠纷").json()
    phones = {s["person"]["name"]: s["person"]["phone"] for s in path["steps"] if s["person"]}
    assert phones["李强"] == ALL_PEOPLE["李强"][1]
    assert phones["孙伟"] == ALL_PEOPLE["孙伟"][1]
    assert all(s["person"]["id_number"] is None for s in path["steps"] if s["person"])


def test_an_admin_sees_the_whole_id_number_on_the_person_routes_only(client: ClientFor) -> None:
    admin = client("admin", "D")
    member = admin.get(f"/v1/members/{pid('钱八')}").json()
    assert member["person"]["id_number"] == ALL_PEOPLE["钱八"][0]
    assert member["person"]["phone"] is None  # a resident: masked even for an admin
    node = admin.get(f"/v1/nodes/{pid('李强')}").json()
    assert node["person"]["id_number"] == ALL_PEOPLE["李强"][0]
    assert "id_sealed" not in node["attrs"]
    assert "phone_sealed" not in node["attrs"]
    planner = client("planner", "D").get(f"/v1/nodes/{pid('李强')}").json()
    assert planner["person"]["id_number"] is None


def test_whole_values_shown_are_in_the_access_audit(client: ClientFor) -> None:
    dispatcher = client("dispatcher", "S1")
    token_id = dispatcher.headers["Authorization"].split("_")[1]
    dispatcher.get("/v1/escalation?household=H2&category=物业纠纷")
    entries = [e for e in client("admin", "D").get("/v1/audit").json() if e["token"] == token_id]
    nodes = {e["node"] for e in entries}
    assert "household:H2" in nodes
    assert pid("李强") in nodes
    assert {e["route"] for e in entries} == {"/v1/escalation"}
    assert all(e["role"] == "dispatcher" and e["time"] for e in entries)


def test_a_central_household_member_is_reached_by_a_dispatcher() -> None:
    """单元党员中心户 joins the household, not the person, to the entrance: a member living there is in a
    post, so a dispatcher gets the whole phone on the escalation path's first step (regression)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.tokens import TokenBook
    from orggraph.model import LinkKind
    from orggraph.settings import Settings
    from orggraph.store import Batch, MemoryStore
    from tests.api.conftest import KEY, api_world

    store = MemoryStore(KEY)
    api_world(store)
    batch = Batch("王芳 contacts nobody: her only post is the central household she lives in")
    batch.unlink(LinkKind.CONTACTS, pid("王芳"), "household:H2", end="2025-01-01")
    store.write(batch)
    tokens = TokenBook(None)
    whole, _ = tokens.add(Role.DISPATCHER, "D", expires=None, note=None)
    with TestClient(create_app(Settings(store=":memory:"), store=store, tokens=tokens)) as client:
        path = client.get("/v1/escalation?household=H2&category=物业纠纷", headers={"Authorization": f"Bearer {whole}"}).json()
    first = path["steps"][0]
    assert first["role"] == "central_household"
    assert first["person"]["phone"] == ALL_PEOPLE["王芳"][1]
