"""The dispatcher's routes: escalation path and liaison lookups, end to end through the app."""

from __future__ import annotations

import datetime as dt

from api.schemas import BuildingLiaisonOut, CommunityOut, EscalationOut, LiaisonOut, MemberOut, UnitOut
from tests.api.conftest import ALL_PEOPLE, ClientFor, pid

AT = "2025-06-30T09:00:00+08:00"


def test_the_escalation_path_of_a_household_in_order_with_deadlines_and_reachable_contacts(client: ClientFor) -> None:
    answer = client("dispatcher", "S1").get("/v1/escalation", params={"household": "H2", "category": "物业纠纷", "at": AT})
    assert answer.status_code == 200, answer.text
    path = EscalationOut.model_validate(answer.json())
    assert [(s.level, s.role) for s in path.steps][:3] == [
        ("contact", "contacting_member"),
        ("building", "building_group_leader"),
        ("grid", "property_manager"),
    ]
    first = path.steps[0]
    assert first.person is not None
    assert first.person.name == "王芳"
    assert first.person.phone == ALL_PEOPLE["王芳"][1]  # a contacting member is in a post: reachable
    assert first.person.id_number is None
    assert "*" in first.person.id_masked
    reported = dt.datetime.fromisoformat(AT)
    assert [dt.datetime.fromisoformat(s.deadline) - reported for s in path.steps[:2]] == [
        dt.timedelta(minutes=s.deadline_minutes) for s in path.steps[:2]
    ]
    assert path.steps[0].deadline_minutes < path.steps[-1].deadline_minutes
    assert path.steps[-1].level == "street"


def test_an_address_names_the_household_and_says_how_it_was_read(client: ClientFor) -> None:
    answer = client("dispatcher", "C1").get(
        "/v1/escalation", params={"address": "幸福里小区3号楼2单元502室", "category": "物业纠纷"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["household"]["code"] == "H2"
    assert body["start"] == "幸福里小区3号楼2单元502室"
    assert body["read_as"]


def test_an_unknown_category_is_a_422_with_the_known_ones(client: ClientFor) -> None:
    answer = client("dispatcher", "S1").get("/v1/escalation", params={"household": "H2", "category": "天气"})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "config.invalid"
    assert "物业纠纷" in problem["message_zh"]
    assert answer.headers["content-type"] == "application/problem+json"


def test_household_and_address_together_or_neither_are_refused(client: ClientFor) -> None:
    dispatcher = client("dispatcher", "S1")
    both = dispatcher.get("/v1/escalation", params={"household": "H2", "address": "幸福里小区 3-2-502", "category": "物业纠纷"})
    neither = dispatcher.get("/v1/liaison")
    assert both.status_code == neither.status_code == 422
    assert both.json()["code"] == "request.invalid"


def test_the_liaison_of_a_household_by_role(client: ClientFor) -> None:
    answer = client("dispatcher", "C1").get("/v1/liaison", params={"household": "H2"})
    assert answer.status_code == 200, answer.text
    liaison = LiaisonOut.model_validate(answer.json())
    assert [p.person.name for p in liaison.contacting_members] == ["王芳"]
    assert [p.person.name for p in liaison.building_group_leader] == ["李强"]
    assert liaison.grid_staff["grid_worker"][0].person.phone == ALL_PEOPLE["周杰"][1]


def test_a_member_with_their_links_and_a_resident_stays_masked(client: ClientFor) -> None:
    dispatcher = client("dispatcher", "C1")
    member = MemberOut.model_validate(dispatcher.get(f"/v1/members/{pid('王芳')}").json())
    assert [c.household.code for c in member.contacts] == ["H2"]
    assert member.person.phone == ALL_PEOPLE["王芳"][1]
    resident = MemberOut.model_validate(dispatcher.get(f"/v1/members/{pid('钱八')}").json())
    assert resident.person.phone is None
    assert resident.person.phone_masked is not None
    assert resident.residence is not None
    assert resident.residence.household.code == "H4"


def test_a_community_with_its_registered_members_and_liaison(client: ClientFor) -> None:
    answer = client("dispatcher", "C1").get("/v1/communities/C1")
    assert answer.status_code == 200, answer.text
    found = CommunityOut.model_validate(answer.json())
    assert [p.name for p in found.liaison_leaders] == ["刘洋"]
    assert found.registered_member_count == 1


def test_a_household_that_does_not_exist_is_a_404_problem(client: ClientFor) -> None:
    answer = client("dispatcher", "D").get("/v1/liaison", params={"household": "H404"})
    assert answer.status_code == 404
    assert answer.json()["code"] == "not-found"


def test_who_serves_a_building(client: ClientFor) -> None:
    answer = client("dispatcher", "C1").get("/v1/liaison/building", params={"building": "P1/3号楼"})
    assert answer.status_code == 200, answer.text
    found = BuildingLiaisonOut.model_validate(answer.json())
    assert [p.person.name for p in found.building_group_leader] == ["李强"]
    assert found.building_group_leader[0].person.phone == ALL_PEOPLE["李强"][1]
    assert found.households == 2
    assert client("dispatcher", "C1").get("/v1/liaison/building", params={"building": "P1/9号楼"}).status_code == 404


def test_what_a_unit_is_linked_to_within_the_scope(client: ClientFor) -> None:
    organ = UnitOut.model_validate(client("dispatcher", "C1").get("/v1/units/U9").json())
    assert [c.code for c in organ.liaises_with] == ["C1"]
    assert organ.located_in is None  # it sits in C2, outside a C1 token's scope
    whole = UnitOut.model_validate(client("dispatcher", "D").get("/v1/units/U9").json())
    assert whole.located_in is not None
    assert whole.located_in.code == "C2"
    firm = UnitOut.model_validate(client("dispatcher", "C1").get("/v1/units/U3").json())
    assert [p.project.code for p in firm.projects] == ["XM1"]
