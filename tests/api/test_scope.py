"""A token scoped to community C1 gets nothing of community C2 (street S2), on every route.

Each request for a thing of C2 answers exactly as the request for a thing that does not exist:
same status, same code, and the same message with only the asked value changed. And what the
routes answer for C1's own scope names nothing of C2.
"""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ALL_PEOPLE, ClientFor, pid

#: Strings only C2 (and its street S2) has: none may reach a C1 token.
OF_C2 = ("和平社区", "和平里小区", "和平网格", "household:H9", "area:C2", "area:S2", "建设街道", "钱七", "org:OC2")


def _masked(name: str) -> str:
    number = ALL_PEOPLE[name][0]
    return number[:4] + "*" * 10 + number[-4:]


#: (method, route, parameters for C2's thing, the same for a thing that does not exist)
ASKS: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("GET", "/v1/escalation", {"household": "H9", "category": "物业纠纷"}, {"household": "H0", "category": "物业纠纷"}),
    ("GET", "/v1/escalation", {"household": "H9", "category": "天气"}, {"household": "H0", "category": "天气"}),
    (
        "GET",
        "/v1/escalation",
        {"address": "和平里小区1号楼1单元101室", "category": "物业纠纷"},
        {"address": "无名小区1号楼1单元101室", "category": "物业纠纷"},
    ),
    ("GET", "/v1/liaison", {"household": "H9"}, {"household": "H0"}),
    ("GET", "/v1/liaison", {"address": "和平里小区 1-1-101"}, {"address": "无名小区 1-1-101"}),
    ("GET", "/v1/liaison/building", {"building": "P2/1号楼"}, {"building": "P0/1号楼"}),
    ("GET", "/v1/members/{}", {"path": pid("钱七")}, {"path": "person:0"}),
    ("GET", "/v1/members/{}", {"path": _masked("钱七")}, {"path": "1101**********0000"}),
    ("GET", "/v1/communities/{}", {"path": "C2"}, {"path": "C0"}),
    ("GET", "/v1/units/{}", {"path": "U2"}, {"path": "U0"}),
    ("GET", "/v1/coverage/summary", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/coverage/findings", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/coverage/findings", {"area": "S2"}, {"area": "S0"}),
    ("GET", "/v1/coverage/export", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/coverage/areas", {"area": "G2"}, {"area": "G0"}),
    ("GET", "/v1/stats", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/proposals/contacts", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/proposals/liaison/roster", {"area": "C2"}, {"area": "C0"}),
    ("GET", "/v1/nodes/{}", {"path": "household:H9"}, {"path": "household:H0"}),
    ("GET", "/v1/nodes/{}", {"path": "area:C2"}, {"path": "area:C0"}),
    ("GET", "/v1/nodes/{}", {"path": "org:OC2"}, {"path": "org:O0"}),
    ("GET", "/v1/nodes/{}", {"path": pid("钱七")}, {"path": "person:0"}),
    ("GET", "/v1/paths", {"from": "household:H2", "to": "household:H9"}, {"from": "household:H2", "to": "household:H0"}),
    ("POST", "/v1/imports", {"area": "C2"}, {"area": "C0"}),
    ("POST", "/v1/tokens", {"role": "viewer", "scope": "C2"}, {"role": "viewer", "scope": "C0"}),
]


def _ask(client: TestClient, method: str, route: str, params: dict[str, str]) -> tuple[int, dict[str, object]]:
    params = dict(params)
    url = route.format(params.pop("path", ""))
    if route == "/v1/imports":
        files = {"files": ("住户.csv", io.BytesIO("户编码,地址\n".encode()), "text/csv")}
        answer = client.post(url, data=params, files=files)
    elif route == "/v1/tokens":
        answer = client.post(url, json=params)
    else:
        answer = client.request(method, url, params=params)
    return answer.status_code, answer.json()


@pytest.mark.parametrize(
    ("method", "route", "theirs", "nothing"), ASKS, ids=[f"{a[1]}:{next(iter(a[2].values()))}" for a in ASKS]
)
def test_a_thing_of_another_community_answers_as_one_that_does_not_exist(
    client: ClientFor, method: str, route: str, theirs: dict[str, str], nothing: dict[str, str]
) -> None:
    admin = client("admin", "C1")
    status, problem = _ask(admin, method, route, theirs)
    status_nothing, problem_nothing = _ask(admin, method, route, nothing)
    assert (status, problem["code"]) == (status_nothing, problem_nothing["code"]) == (404, "not-found")
    asked, missing = next((theirs[k], nothing[k]) for k in theirs if theirs[k] != nothing[k])
    for field in ("message_en", "message_zh"):
        theirs_said = str(problem[field]).replace(asked, "<>").replace("和平里小区", "<compound>")
        nothing_said = str(problem_nothing[field]).replace(missing, "<>").replace("无名小区", "<compound>")
        assert theirs_said == nothing_said


@pytest.mark.parametrize(
    "route",
    [
        "/v1/escalation?household=H2&category=物业纠纷",
        "/v1/escalation?household=H4&category=违章搭建",
        "/v1/liaison?household=H2",
        "/v1/liaison/building?building=P1/3号楼",
        f"/v1/members/{pid('刘洋')}",
        f"/v1/members/{pid('王芳')}",
        "/v1/communities/C1",
        "/v1/units/U9",
        "/v1/coverage/summary",
        "/v1/coverage/findings?per_page=1000",
        "/v1/coverage/areas",
        "/v1/coverage/areas?area=G1",
        "/v1/stats",
        "/v1/proposals/contacts",
        "/v1/proposals/liaison",
        "/v1/nodes/area:C1",
        "/v1/nodes/unit:U9",
        "/v1/paths?from=household:H2&to=area:C1",
        "/v1/tokens",
        "/v1/audit",
    ],
)
def test_what_a_community_token_is_answered_names_nothing_of_the_other_street(client: ClientFor, route: str) -> None:
    admin = client("admin", "C1")
    client("dispatcher", "C2").get("/v1/liaison?household=H9")  # C2's own access, in the audit
    answer = admin.get(route)
    assert answer.status_code == 200, answer.text
    for text in OF_C2:
        assert text not in answer.text, f"{text} reached a C1 token through {route}"


def test_rows_of_another_community_are_rejected_and_nothing_is_written(client: ClientFor) -> None:
    importer = client("importer", "C1")
    roster = "户编码,所属网格编码,小区,楼栋,单元,室\nH10,G2,P2,1号楼,1单元,102\n"
    answer = importer.post("/v1/imports", files={"files": ("住户.csv", io.BytesIO(roster.encode("gb18030")), "text/csv")})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["written"] is False
    assert [r["reason"] for r in report["rejections"]] == ["the row lies outside the scope C1"]
    assert report["rejections"][0]["file"] == "住户.csv"
    assert client("dispatcher", "D").get("/v1/liaison?household=H10").status_code == 404
