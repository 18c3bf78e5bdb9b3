"""Write rules of the in-memory graph: schema, trees, single links, periods, and whole-batch refusal."""

from __future__ import annotations

import pytest

from orggraph.errors import (
    DanglingReferenceError,
    PeriodError,
    RefusedWriteError,
    SchemaViolationError,
    SecondParentError,
    SingleLinkError,
    TreeCycleError,
)
from orggraph.model import Community, Grid, Household, LinkKind, OrgKind, PartyOrg, Street
from orggraph.pii import PiiKey
from orggraph.store import Batch
from orggraph.store.digest import graph_content, graph_digest
from orggraph.store.state import GraphState
from tests.orggraph.conftest import START, tiny_district


@pytest.fixture
def state(key: PiiKey) -> GraphState:
    s = GraphState()
    s.apply(tiny_district(key).ops)
    return s


def refused(state: GraphState, batch: Batch, error: type[RefusedWriteError]) -> RefusedWriteError:
    """Apply a batch that must be refused; prove the graph is exactly as before."""
    before = graph_content(state.graph)
    digest = graph_digest(state.graph)
    with pytest.raises(error) as info:
        state.apply(batch.ops)
    assert graph_content(state.graph) == before
    assert graph_digest(state.graph) == digest
    return info.value


def test_tiny_district_applies_and_counts(state: GraphState) -> None:
    assert state.graph.number_of_nodes() == 12
    assert state.open_target("household:H1", "PART_OF") == "area:P1/3号楼/2单元"


def test_reapplying_changes_nothing(state: GraphState, key: PiiKey) -> None:
    applied = state.apply(tiny_district(key).ops)
    assert applied.effective == []
    assert applied.summary.changed == 0
    assert applied.summary.total("unchanged") == len(tiny_district(key).ops)


def test_link_between_wrong_kinds_is_refused_after_good_ops(state: GraphState) -> None:
    b = Batch()
    b.put(Street(code="S2", name="建设街道"))  # a good op first: it must be undone too
    b.link(LinkKind.PART_OF, "area:S2", "area:D", start=START)
    b.link(LinkKind.MEMBER_OF, "household:H1", "org:O1", start=START)
    error = refused(state, b, SchemaViolationError)
    assert error.context["link"] == "MEMBER_OF"
    assert error.context["op_index"] == 2
    assert "person" in error.message
    assert "household" in error.message
    assert "area:S2" not in state.graph


def test_cycle_in_containment_is_refused(state: GraphState) -> None:
    b = Batch()
    b.put(Grid(code="G2", name="第二网格", level=5))
    b.link(LinkKind.PART_OF, "area:G2", "area:G1", start=START)
    b.unlink(LinkKind.PART_OF, "area:G1", "area:C1", end="2022-01-01")
    b.link(LinkKind.PART_OF, "area:G1", "area:G2", start="2022-01-01")
    error = refused(state, b, TreeCycleError)
    assert error.code == "tree.cycle"


def test_cycle_in_party_hierarchy_is_refused(state: GraphState) -> None:
    b = Batch()
    b.link(LinkKind.SUBORDINATE_TO, "org:O1", "org:O2", start=START)
    refused(state, b, TreeCycleError)


def test_second_parent_is_refused(state: GraphState) -> None:
    b = Batch()
    b.put(Community(code="C2", name="和平社区"))
    b.link(LinkKind.PART_OF, "area:C2", "area:S1", start=START)
    b.link(LinkKind.PART_OF, "area:P1", "area:C2", start=START)
    error = refused(state, b, SecondParentError)
    assert error.context["existing"] == "area:C1"


def test_moving_after_ending_the_old_parent_is_accepted(state: GraphState) -> None:
    b = Batch()
    b.put(Community(code="C2", name="和平社区"))
    b.link(LinkKind.PART_OF, "area:C2", "area:S1", start=START)
    b.unlink(LinkKind.PART_OF, "area:P1", "area:C1", end="2023-05-01")
    b.link(LinkKind.PART_OF, "area:P1", "area:C2", start="2023-05-01")
    state.apply(b.ops)
    assert state.open_target("area:P1", "PART_OF") == "area:C2"
    # the old link is kept, ended
    assert state.graph._succ["area:P1"]["area:C1"]["PART_OF"] == ((START, "2023-05-01", None),)


def test_member_in_two_orgs_is_refused(state: GraphState) -> None:
    b = Batch()
    person = next(n for n, a in state.graph._node.items() if a["kind"] == "person")
    b.link(LinkKind.MEMBER_OF, person, "org:O1", start=START)
    refused(state, b, SingleLinkError)


def test_dangling_reference_is_refused(state: GraphState) -> None:
    b = Batch()
    b.link(LinkKind.IN_GRID, "household:H1", "area:NOPE", start=START)
    error = refused(state, b, DanglingReferenceError)
    assert isinstance(error, LookupError)
    assert error.context["node"] == "area:NOPE"


def test_node_cannot_change_kind(state: GraphState) -> None:
    b = Batch()
    b.put(Community(code="S1", name="冒名社区"))
    refused(state, b, SchemaViolationError)


def test_bad_dates_are_refused(state: GraphState) -> None:
    b = Batch()
    b.link(LinkKind.IN_GRID, "household:H1", "area:G1", start="2021/3/1")
    b2 = Batch()
    b2.unlink(LinkKind.IN_GRID, "household:H1", "area:G1", end="2020-01-01")  # before start
    b3 = Batch()
    b3.unlink(LinkKind.IN_GRID, "household:H2", "area:C1", end="2022-01-01")  # no such open link
    for batch in (b, b2, b3):
        refused(state, batch, PeriodError)


def test_restart_keeps_history_and_refuses_overlap(state: GraphState) -> None:
    end = Batch()
    end.unlink(LinkKind.IN_GRID, "household:H1", "area:G1", end="2022-01-01")
    state.apply(end.ops)
    overlap = Batch()
    overlap.link(LinkKind.IN_GRID, "household:H1", "area:G1", start="2021-12-01")
    refused(state, overlap, PeriodError)
    again = Batch()
    again.link(LinkKind.IN_GRID, "household:H1", "area:G1", start="2022-06-01")
    state.apply(again.ops)
    assert state.graph._succ["household:H1"]["area:G1"]["IN_GRID"] == (
        (START, "2022-01-01", None),
        ("2022-06-01", None, None),
    )


def test_changed_link_attributes_update_the_open_period(state: GraphState) -> None:
    person = next(n for n, a in state.graph._node.items() if a["kind"] == "person")
    b = Batch()
    b.link(LinkKind.CONTACTS, person, "household:H2", start="2025-01-01", attrs={"since_note": "moved"})
    applied = state.apply(b.ops)
    assert applied.summary.total("updated") == 1
    assert state.graph._succ[person]["household:H2"]["CONTACTS"] == ((START, None, (("since_note", "moved"),)),)


def test_ending_a_node_ends_its_links_and_keeps_it(state: GraphState) -> None:
    b = Batch()
    b.end_node("household:H2", end="2024-01-01")
    applied = state.apply(b.ops)
    assert state.graph._node["household:H2"]["ended"] == "2024-01-01"
    assert applied.summary.links["PART_OF", "ended"] == 1
    assert applied.summary.links["CONTACTS", "ended"] == 1
    # a link to an ended node is refused
    again = Batch()
    again.link(LinkKind.IN_GRID, "household:H2", "area:G1", start="2025-01-01")
    refused(state, again, DanglingReferenceError)


def test_updating_a_node(state: GraphState) -> None:
    b = Batch()
    b.put(Household(code="H1", room="501", residents=4))
    applied = state.apply(b.ops)
    assert applied.summary.nodes["household", "updated"] == 1
    assert state.graph._node["household:H1"]["residents"] == 4


def test_equal_edge_data_are_shared(state: GraphState) -> None:
    d1 = state.graph._succ["household:H1"]["area:G1"]
    d2 = state.graph._succ["household:H2"]["area:G1"]
    assert d1 is d2


def test_single_source_rule(state: GraphState) -> None:
    b = Batch()
    b.put(PartyOrg(code="O3", name="另一党委", org_kind=OrgKind.PARTY_COMMITTEE))
    b.link(LinkKind.RESPONSIBLE_FOR, "org:O3", "area:C1", start=START)  # allowed: not single-source
    state.apply(b.ops)
    from orggraph.model import Unit, UnitKind

    units = Batch()
    units.put(Unit(code="U1", name="甲物业", unit_kind=UnitKind.PROPERTY_COMPANY))
    units.put(Unit(code="U2", name="乙物业", unit_kind=UnitKind.PROPERTY_COMPANY))
    units.link(LinkKind.MANAGES, "unit:U1", "area:P1", start=START)
    state.apply(units.ops)
    second = Batch()
    second.link(LinkKind.MANAGES, "unit:U2", "area:P1", start=START)
    refused(state, second, SingleLinkError)


def test_replaying_history_changes_nothing(state: GraphState) -> None:
    """Regression: a batch that ends a link and starts another was refused when written twice."""
    person = next(n for n, a in state.graph._node.items() if a["kind"] == "person")
    move = Batch()
    move.unlink(LinkKind.MEMBER_OF, person, "org:O2", end="2023-01-01")
    move.link(LinkKind.MEMBER_OF, person, "org:O1", start="2023-01-01")
    first = state.apply(move.ops)
    assert first.summary.changed == 2
    again = state.apply(move.ops)
    assert again.summary.changed == 0
    # but ending on another day what is already ended is still an error
    other = Batch()
    other.unlink(LinkKind.MEMBER_OF, person, "org:O2", end="2024-01-01")
    refused(state, other, PeriodError)


def test_a_link_whose_attributes_are_all_blank_has_none(state: GraphState) -> None:
    """Regression: an importer's {"tasks": None} was kept as an empty tuple, unlike a link given no
    attributes, so the same link read back from another engine compared unequal."""
    from orggraph.store.batch import freeze_attrs

    assert freeze_attrs({"tasks": None, "service_hours": None}) is None
    old = ("link", "PART_OF", "area:G1", "area:C1", START, ())  # as an older journal may hold it
    state.graph._succ["area:G1"]["area:C1"] = state.graph._pred["area:C1"]["area:G1"] = {"PART_OF": ((START, None, ()),)}
    assert state.apply([(*old[:5], None)]).summary.outcomes == ["unchanged"]
