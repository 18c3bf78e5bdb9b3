"""``GET /v1/search``: nodes by name, code, address, masked or whole ID number — ranked, within the
token's scope, persons masked for its role, the persons and households shown recorded in the audit.

The API world, plus a second 王芳 living in H9 (community C2, no post) and office phones for the
units U2 (a department in C2) and U3 (a law firm in C1).
"""

from __future__ import annotations

import pytest

from api.schemas import SearchOut
from api.tokens import Role
from orggraph.model import LinkKind, Person
from orggraph.pii import id_check_char
from orggraph.store import Batch, MemoryStore
from tests.api.conftest import ALL_PEOPLE, KEY, ClientFor, api_world, pid
from tests.queries.test_escalation import OFFICE_PHONES, office_phones
from tests.queries.test_escalation_world import START

_FIRST = "11010519950505003"
#: The other 王芳: a resident of H9 (C2) with no post, and her whole ID number and phone.
OTHER_WANG = (_FIRST + id_check_char(_FIRST), "13612345678")
OTHER = Person.from_id_number(KEY, OTHER_WANG[0], name="王芳", phone=OTHER_WANG[1])


@pytest.fixture(scope="module")
def world() -> MemoryStore:
    store = MemoryStore(KEY)
    api_world(store)
    b = Batch("search world")
    b.put(OTHER)
    b.link(LinkKind.LIVES_IN, OTHER.node_id, "household:H9", start=START)
    store.write(b)
    store.write(office_phones())
    return store


def search(client: ClientFor, q: str, role: str = "dispatcher", scope: str = "D", **params: object) -> SearchOut:
    answer = client(role, scope).get("/v1/search", params={"q": q, **params})
    assert answer.status_code == 200, answer.text
    return SearchOut.model_validate(answer.json())


def test_a_name_finds_every_person_of_that_name_masked(client: ClientFor) -> None:
    found = search(client, "王芳")
    wangs = [r for r in found.results if r.kind == "person"]
    assert {r.id for r in wangs} == {pid("王芳"), OTHER.node_id}
    assert all((r.rank, r.match) == ("exact", "name") for r in wangs)
    assert all(r.person is not None and "*" in r.person.id_masked and r.person.id_number is None for r in wangs)
    phones = {r.id: r.person.phone for r in wangs if r.person is not None}
    assert phones == {pid("王芳"): ALL_PEOPLE["王芳"][1], OTHER.node_id: None}  # in a post / a resident
    where = {r.id: r.community.name if r.community else None for r in wangs}
    assert where == {pid("王芳"): "幸福社区", OTHER.node_id: "和平社区"}
    assert (found.results[0].kind_zh, found.results[0].kind_en) == ("人员", "person")


def test_codes_addresses_and_masked_id_numbers(client: ClientFor) -> None:
    household = search(client, "H2").results[0]
    assert (household.id, household.rank, household.match) == ("household:H2", "exact", "code")
    assert household.address == "幸福里小区3号楼2单元502室"
    assert (household.street and household.street.name, household.grid and household.grid.code) == ("新华街道", "G1")
    by_address = search(client, "幸福社区幸福里小区3号楼2单元502室")
    assert by_address.read_as == "address"
    assert (by_address.results[0].id, by_address.results[0].match) == ("household:H2", "address")
    building = search(client, "幸福里小区3号楼")
    assert [(r.kind, r.rank) for r in building.results[:2]] == [("building", "exact"), ("entrance", "prefix")]
    masked = search(client, "1101**********" + ALL_PEOPLE["李强"][0][-4:])
    assert [r.person.name for r in masked.results if r.person] == ["李强"]
    assert masked.results[0].match == "id_masked"
    shown_more = ALL_PEOPLE["李强"][0][:6] + "********" + ALL_PEOPLE["李强"][0][-4:]  # 110105********…, as pages show it
    assert [r.id for r in search(client, shown_more).results] == [pid("李强")]
    department = search(client, "住房和城乡建设局").results[0]
    assert (department.kind, department.kind_zh, department.rank) == ("unit", "单位", "substring")


def test_a_whole_id_number_is_looked_up_by_its_hash_and_never_echoed(client: ClientFor) -> None:
    number = ALL_PEOPLE["李强"][0]
    answer = client("admin", "D").get("/v1/search", params={"q": number})
    assert answer.status_code == 200
    assert number not in answer.text  # not even to an admin: search is no person route
    found = SearchOut.model_validate(answer.json())
    assert (found.read_as, found.query) == ("id_number", number[:4] + "*" * 10 + number[-4:])
    assert [(r.id, r.match) for r in found.results] == [(pid("李强"), "id_number")]
    spaced = " ".join((number[:6], number[6:14], number[14:].lower()))
    assert [r.id for r in search(client, spaced).results] == [pid("李强")]
    unknown = _FIRST[:-1] + "9"
    assert search(client, unknown + id_check_char(unknown)).results == []


def test_exact_hits_come_before_prefixes_and_substrings_and_the_list_is_capped(client: ClientFor) -> None:
    found = search(client, "幸福社区")
    ranks = [r.rank for r in found.results]
    assert ranks[0] == "exact"
    assert found.results[0].kind == "community"
    assert ranks == sorted(ranks, key=["exact", "prefix", "substring"].index)
    assert "substring" in ranks  # 中共幸福社区委员会
    assert found.truncated is False
    capped = search(client, "幸福", limit=2)
    assert len(capped.results) == 2
    assert capped.truncated is True


@pytest.mark.parametrize(
    ("scope", "q", "expected"),
    [
        ("C2", "王芳", {OTHER.node_id}),
        ("C1", "王芳", {pid("王芳")}),
        ("C2", "H2", set()),
        ("C2", "幸福里小区3号楼2单元502室", set()),
        ("C2", ALL_PEOPLE["王芳"][0], set()),  # a whole ID number outside the scope: as if nobody had it
        ("S1", "和平", set()),
        ("G1", "H4", {"household:H4"}),
        ("S2", "钱七", {pid("钱七")}),
    ],
)
def test_a_scoped_token_finds_only_what_its_scope_sees(client: ClientFor, scope: str, q: str, expected: set[str]) -> None:
    found = search(client, q, scope=scope)
    assert {r.id for r in found.results if r.kind in ("person", "household", "community", "compound")} == expected


def test_persons_and_households_shown_are_in_the_access_audit(client: ClientFor) -> None:
    dispatcher = client("dispatcher", "D")
    token_id = dispatcher.headers["Authorization"].split("_")[1]
    assert dispatcher.get("/v1/search", params={"q": "王芳"}).status_code == 200
    assert dispatcher.get("/v1/search", params={"q": "H4"}).status_code == 200
    assert dispatcher.get("/v1/search", params={"q": "幸福社区"}).status_code == 200
    entries = [e for e in client("admin", "D").get("/v1/audit").json() if e["token"] == token_id]
    assert {e["route"] for e in entries} == {"/v1/search"}
    nodes = {e["node"] for e in entries}
    assert {pid("王芳"), OTHER.node_id, "household:H4"} <= nodes
    assert not any(n.startswith(("area:", "org:", "unit:")) for n in nodes)  # places are not personal


@pytest.mark.parametrize(("q", "code"), [("", "request.invalid"), ("   ", "value.invalid"), ("x" * 101, "request.invalid")])
def test_an_empty_or_too_long_text_is_a_422_in_both_languages(client: ClientFor, q: str, code: str) -> None:
    answer = client("dispatcher", "D").get("/v1/search", params={"q": q})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == code
    assert any("\u4e00" <= c <= "\u9fff" for c in problem["message_zh"].split("：", 1)[-1])  # Chinese, not pydantic's English
    assert problem["message_en"]


def test_a_viewer_may_not_search(client: ClientFor) -> None:
    assert client("viewer", "D").get("/v1/search", params={"q": "王芳"}).status_code == 403


def test_a_departments_office_phone_is_whole_for_a_dispatcher(client: ClientFor) -> None:
    path = client("dispatcher", "D").get("/v1/escalation", params={"household": "H2", "category": "物业纠纷"}).json()
    (department,) = [s["unit"] for s in path["steps"] if s["role"] == "department"]
    assert (department["code"], department["phone_masked"], department["phone"]) == ("U2", "0313-***2345", OFFICE_PHONES["U2"])
    assert [(h["unit"]["code"], h["unit"]["phone"]) for h in path["helpers"]] == [("U3", OFFICE_PHONES["U3"])]
    unit = client("dispatcher", "D").get("/v1/units/U2").json()["unit"]
    assert unit["phone"] == OFFICE_PHONES["U2"]


def test_below_a_dispatcher_a_units_phone_stays_masked(world: MemoryStore) -> None:
    from api.masking import reveal

    view = world.view("2025-06-30")
    payload = {"unit": {"id": "unit:U2", "code": "U2", "name": "住建局", "kind": "unit", "phone_masked": "0313-***2345"}}
    assert reveal(payload, view, KEY, Role.VIEWER)["unit"]["phone"] is None
    assert reveal(payload, view, KEY, Role.DISPATCHER)["unit"]["phone"] == OFFICE_PHONES["U2"]


def test_a_person_written_is_found_once_the_index_of_the_new_revision_is_built(client: ClientFor) -> None:
    service = client.base.app.state.service  # type: ignore[attr-defined]
    first = "11010519960606004"
    newcomer = Person.from_id_number(KEY, first + id_check_char(first), name="欧阳新来")
    b = Batch("a newcomer")
    b.put(newcomer)
    b.link(LinkKind.LIVES_IN, newcomer.node_id, "household:H4", start=START)
    service.store.write(b)
    service.warm()
    service.search_index(service.published())  # what the refresh thread does a second after a new revision
    assert [r.id for r in search(client, "欧阳新来").results] == [newcomer.node_id]
