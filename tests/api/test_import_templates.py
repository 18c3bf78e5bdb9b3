"""Roster templates over the API: listed with their names in both languages, downloaded as .xlsx by any
signed-in role (they hold no data), an unknown kind refused naming the kinds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from api.tokens import Role
from importers.readers import read_file
from importers.rosters import COLUMNS, RosterKind
from importers.template import template_name
from tests.api.conftest import ClientFor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_viewer_lists_the_templates_and_downloads_each(client: ClientFor, tmp_path: Path) -> None:
    viewer = client(Role.VIEWER, "C1")
    answer = viewer.get("/v1/imports/templates")
    assert answer.status_code == 200
    listed = answer.json()["templates"]
    assert [t["kind"] for t in listed] == [k.value for k in RosterKind]
    members = next(t for t in listed if t["kind"] == "members")
    assert members == {
        "kind": "members",
        "name_zh": "党员",
        "name_en": "Party members",
        "file": "党员名册模板.xlsx",
        "href": "/v1/imports/templates/members",
    }
    for item in listed:
        kind = RosterKind(item["kind"])
        download = viewer.get(item["href"])
        assert download.status_code == 200
        assert download.headers["content-type"] == XLSX
        assert f"filename*=UTF-8''{quote(template_name(kind))}" in download.headers["content-disposition"]
        path = tmp_path / item["file"]
        path.write_bytes(download.content)
        sheets = read_file(path)
        assert sheets[0].sheet == kind.zh
        assert sheets[0].rows[0][1] == [c.zh for c in COLUMNS[kind]]


def test_a_kind_may_be_named_in_chinese(client: ClientFor) -> None:
    answer = client(Role.IMPORTER, "D").get("/v1/imports/templates/联系户")
    assert answer.status_code == 200
    assert quote("联系户名册模板.xlsx") in answer.headers["content-disposition"]


@pytest.mark.parametrize("kind", ["memebers", "党员名册", "%00"])
def test_an_unknown_kind_is_a_problem_naming_the_kinds_in_both_languages(client: ClientFor, kind: str) -> None:
    answer = client(Role.VIEWER, "C1").get(f"/v1/imports/templates/{kind}")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "value.invalid"
    assert "the kinds are areas (区域), orgs (党组织)" in problem["message_en"]
    assert "名册类别有：区域（areas）、党组织（orgs）" in problem["message_zh"]


def test_templates_need_a_token(client: ClientFor) -> None:
    anonymous = client.base  # type: ignore[attr-defined]
    assert anonymous.get("/v1/imports/templates").status_code == 401
    assert anonymous.get("/v1/imports/templates/members").status_code == 401
