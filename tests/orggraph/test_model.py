"""The domain model: every kind has a model and a rule, attributes round-trip, enums parse both languages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orggraph.errors import InvalidValueError
from orggraph.model import (
    LINK_RULES,
    MODELS,
    CareTag,
    Grid,
    Household,
    LinkKind,
    MemberStatus,
    NodeKind,
    OrgKind,
    PartyOrg,
    Project,
    Unit,
    UnitKind,
    allowed,
    model_of,
)
from orggraph.model.schema import CONTAINMENT, TREE_LINKS


def test_every_kind_has_a_model_a_chinese_name_and_every_link_a_rule() -> None:
    assert set(MODELS) == set(NodeKind)
    assert set(LINK_RULES) == set(LinkKind)
    for kind in NodeKind:
        assert kind.zh
    for link in LinkKind:
        assert link.zh


def test_trees_are_containment_and_party_hierarchy() -> None:
    assert {LinkKind.PART_OF, LinkKind.SUBORDINATE_TO} == TREE_LINKS


@pytest.mark.parametrize(("child", "parents"), list(CONTAINMENT.items()))
def test_containment_pairs(child: NodeKind, parents: tuple[NodeKind, ...]) -> None:
    for parent in NodeKind:
        assert allowed(LinkKind.PART_OF, child, parent) == (parent in parents)


@pytest.mark.parametrize(
    "node",
    [
        Household(code="H1", room="501", residents=3, care_tags=[CareTag.DISABLED, CareTag.HARDSHIP]),
        Grid(code="G1", name="一网格", level=5),
        PartyOrg(code="O1", name="党委", org_kind=OrgKind.PARTY_COMMITTEE),
        Unit(code="U1", name="区住建局", unit_kind=UnitKind.DEPARTMENT, handles=["违章搭建"]),
        Project(code="P1", name="助老", term_start="2024-01-01", term_end="2026-12-31"),
    ],
)
def test_attributes_round_trip(node: Household | Grid | PartyOrg | Unit | Project) -> None:
    assert model_of(node.node_id, node.to_attrs()) == node


def test_invalid_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        Grid(code="G", level=6)
    with pytest.raises(ValidationError):
        Household(code="H", residents=-1)
    with pytest.raises(ValidationError):
        Project(code="P", name="x", term_start="2024/1/1")
    with pytest.raises(ValidationError):
        Household(code="", room="1")


def test_enums_parse_both_languages_and_fold_width() -> None:
    assert MemberStatus.parse("在职") is MemberStatus.IN_SERVICE
    assert MemberStatus.parse("retired") is MemberStatus.RETIRED
    assert MemberStatus.parse(" IN_SERVICE ") is MemberStatus.IN_SERVICE
    with pytest.raises(InvalidValueError, match="在职/离退休/流动/其他"):
        MemberStatus.parse("退休了")
