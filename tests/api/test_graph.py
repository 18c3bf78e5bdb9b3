"""``GET /v1/nodes/{id}`` (issue 15, B.1 and B.2).

* A node placed both inside and outside the caller's scope — the organisation department U9 sits in
  C2 and liaises with C1; 刘洋 works at U9 and liaises with C1 — is answered with the street,
  community and grid of a place the caller sees, never those of a community outside the scope.
* Buildings and entrances, whose ids hold ``/`` (``area:P1/3号楼/2单元``), are fetched by their id as
  it is, or with the ``/`` percent-encoded (``%2F``).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from api.schemas import NodeOut
from tests.api.conftest import ClientFor, pid
from tests.api.test_scope import OF_C2

#: For a token of each community: its own street, community and grid codes, and the other side's.
SIDES = {
    "C1": ({"S1"}, {"C1"}, {"G1"}, {"S2", "C2", "G2"}),
    "C2": ({"S2"}, {"C2"}, {"G2"}, {"S1", "C1", "G1"}),
}
BOTH_SIDES = ["unit:U9", pid("刘洋")]
ALL_NODES = [
    *(f"area:{c}" for c in ("D", "S1", "S2", "C1", "C2", "G1", "G2", "P1", "P2")),
    "area:P1/3号楼",
    "area:P1/3号楼/2单元",
    "area:P2/1号楼",
    "area:P2/1号楼/1单元",
    *(f"household:{h}" for h in ("H1", "H2", "H4", "H9")),
    *(f"org:{o}" for o in ("OS1", "OC1", "OP1", "OG3", "OC2")),
    *(f"unit:{u}" for u in ("U1", "U2", "U3", "U4", "U9")),
    "project:XM1",
    *(pid(n) for n in ("王芳", "李强", "赵敏", "陈静", "孙伟", "周杰", "刘洋", "马超", "钱七", "钱八")),
]


def _url(node: str) -> str:
    return "/v1/nodes/" + quote(node, safe=":/")


@pytest.mark.parametrize("community", sorted(SIDES))
@pytest.mark.parametrize("node", BOTH_SIDES)
def test_a_node_placed_in_and_out_of_the_scope_is_placed_where_the_caller_sees(
    client: ClientFor, community: str, node: str
) -> None:
    streets, communities, grids, _ = SIDES[community]
    answer = client("planner", community).get(_url(node))
    assert answer.status_code == 200, answer.text
    found = NodeOut.model_validate(answer.json())
    assert found.street in streets
    assert found.community in communities
    assert found.grid is None or found.grid in grids


@pytest.mark.parametrize("community", sorted(SIDES))
def test_no_answer_of_a_community_token_names_a_community_outside_its_scope(client: ClientFor, community: str) -> None:
    _, _, _, other = SIDES[community]
    planner = client("admin", community)
    seen = 0
    for node in ALL_NODES:
        answer = planner.get(_url(node))
        if answer.status_code == 404:
            continue
        assert answer.status_code == 200, (node, answer.text)
        seen += 1
        body = answer.json()
        for field in ("street", "community", "grid"):
            assert body[field] not in other, (node, field, body[field])
        if community == "C1":
            for text in OF_C2:
                assert text not in answer.text, (node, text)
    assert seen > 10


@pytest.mark.parametrize(
    ("node", "kind"),
    [("area:P1/3号楼", "building"), ("area:P1/3号楼/2单元", "entrance"), ("area:P2/1号楼/1单元", "entrance")],
)
def test_buildings_and_entrances_are_fetched_by_their_id_plain_or_encoded(client: ClientFor, node: str, kind: str) -> None:
    planner = client("planner", "D")
    for url in (_url(node), "/v1/nodes/" + quote(node, safe=":")):  # "/" as it is, and as %2F
        answer = planner.get(url)
        assert answer.status_code == 200, (url, answer.text)
        found = NodeOut.model_validate(answer.json())
        assert (found.id, found.kind) == (node, kind)
        assert found.community in ("C1", "C2")


def test_a_building_outside_the_scope_or_not_there_answers_404_as_any_node(client: ClientFor) -> None:
    planner = client("planner", "C1")
    outside = planner.get(_url("area:P2/1号楼"))
    missing = planner.get(_url("area:P1/9号楼/1单元"))
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["code"] == missing.json()["code"] == "not-found"
    assert planner.get(_url("area:P1/3号楼/2单元")).status_code == 200
