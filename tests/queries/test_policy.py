"""The policy file: shipped defaults, a district's overrides, and precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.errors import ConfigurationError
from queries.policy import load_policy
from tests.queries.test_coverage_rules import SHIPPED as RULE_PARAMS


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_define_every_rule_and_level_in_both_languages() -> None:
    policy = load_policy(None)
    assert set(policy.coverage) == {*RULE_PARAMS, "building-without-resident-member"}
    for rule in policy.coverage.values():
        assert rule.zh
        assert rule.en
    for level in policy.escalation.level.values():
        assert level.zh
        assert level.en
    assert [policy.escalation.level[lv].deadline_minutes for lv in ("contact", "grid", "street")] == [60, 180, 360]


def test_a_district_file_is_laid_over_the_defaults(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, "[coverage.grid-size-out-of-range]\nmax = 250\n[coverage.org-without-secretary]\nenabled = false\n")
    )
    assert (policy.rule("grid-size-out-of-range").params["min"], policy.rule("grid-size-out-of-range").params["max"]) == (
        200,
        250,
    )
    assert not policy.rule("org-without-secretary").enabled
    assert len(policy.enabled()) == len(RULE_PARAMS) - 1
    assert policy.rule("building-without-group").severity == "medium"


def test_category_roles_come_first(tmp_path: Path) -> None:
    policy = load_policy(None)
    assert policy.escalation.roles_at("grid", "物业纠纷")[0] == "property_manager"
    assert "property_manager" not in policy.escalation.roles_at("grid", "邻里纠纷")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[coverage.no-such-rule]\nseverity = 'high'\n", "[coverage.no-such-rule]"),
        ("[coverage.grid-size-out-of-range]\nmax = '三百'\n", "[coverage.grid-size-out-of-range.max]"),
        ("[coverage.grid-size-out-of-range]\nmaximum = 3\n", "[coverage.grid-size-out-of-range.maximum]"),
        ("[coverage.building-without-group]\nseverity = 'urgent'\n", "[coverage.building-without-group]"),
        ("[escalation.level.grid]\nroles = ['janitor']\n", "[escalation]"),
        ("[escalation]\nlevels = ['contact', 'nowhere']\n", "[escalation]"),
        ("[routing]\nx = 1\n", "[routing]"),
        ("this is not toml", ""),
    ],
)
def test_bad_policy_files_are_refused_precisely(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigurationError) as info:
        load_policy(path)
    assert str(path) in info.value.message
    assert where in info.value.message


def test_policy_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["policy", "show"])
    assert shown.exit_code == 0, shown.output
    assert "grid-size-out-of-range" in shown.output
    assert "物业纠纷" in shown.output
    good = runner.invoke(app, ["policy", "check", str(write(tmp_path, "[coverage.grid-size-out-of-range]\nmax = 250\n"))])
    assert good.exit_code == 0
    assert "1 changed" in good.output
    bad = runner.invoke(app, ["policy", "check", str(write(tmp_path, "[coverage.community-worker-ratio]\nper_10000 = 'x'\n"))])
    assert bad.exit_code == 1
    assert "must be int" in bad.output
