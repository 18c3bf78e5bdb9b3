"""Valid time stays normalised: a same-day correction leaves exactly what was there, a stated start is
corrected, a node cannot be its own parent; what a write replaced is in the change log."""

from __future__ import annotations

import pytest

from orggraph.errors import TreeCycleError
from orggraph.model import LinkKind, OrgKind, PartyOrg
from orggraph.pii import PiiKey
from orggraph.store import Batch, MemoryStore
from orggraph.store.digest import graph_digest
from orggraph.store.state import GraphState
from tests.orggraph.conftest import START, tiny_district

DAY = "2025-06-01"


@pytest.fixture
def state(key: PiiKey) -> GraphState:
    s = GraphState()
    s.apply(tiny_district(key).ops)
    return s


def _person(state: GraphState) -> str:
    return next(n for n, a in state.graph._node.items() if a["kind"] == "person")


def _periods(state: GraphState, u: str, v: str, kind: str) -> tuple[tuple[object, ...], ...]:
    return tuple((state.graph._succ[u].get(v) or {}).get(kind, ()))


def test_an_end_on_the_start_day_leaves_no_period(state: GraphState) -> None:
    person = _person(state)
    move = Batch()
    move.unlink(LinkKind.MEMBER_OF, person, "org:O2", end=DAY)
    move.link(LinkKind.MEMBER_OF, person, "org:O1", start=DAY)
    state.apply(move.ops)
    assert _periods(state, person, "org:O1", "MEMBER_OF") == ((DAY, None, None),)
    back = Batch()
    back.unlink(LinkKind.MEMBER_OF, person, "org:O1", end=DAY)  # started today: it never held
    back.link(LinkKind.MEMBER_OF, person, "org:O2", start=DAY)  # restored the day it ended: one period goes on
    applied = state.apply(back.ops)
    assert applied.summary.outcomes == ["ended", "created"]
    assert "org:O1" not in state.graph._succ[person]
    assert _periods(state, person, "org:O2", "MEMBER_OF") == ((START, None, None),)


def test_a_same_day_correction_restores_the_exact_graph(state: GraphState) -> None:
    before = graph_digest(state.graph)
    person = _person(state)
    wrong = Batch()
    wrong.unlink(LinkKind.MEMBER_OF, person, "org:O2", end=DAY)
    wrong.link(LinkKind.MEMBER_OF, person, "org:O1", start=DAY)
    wrong.link(LinkKind.SECRETARY_OF, person, "org:O1", start=DAY)
    state.apply(wrong.ops)
    right = Batch()
    right.unlink(LinkKind.MEMBER_OF, person, "org:O1", end=DAY)
    right.unlink(LinkKind.SECRETARY_OF, person, "org:O1", end=DAY)
    right.link(LinkKind.MEMBER_OF, person, "org:O2", start=DAY)
    state.apply(right.ops)
    assert graph_digest(state.graph) == before


def test_a_restore_on_a_later_day_starts_a_new_period(state: GraphState) -> None:
    person = _person(state)
    end = Batch()
    end.unlink(LinkKind.CONTACTS, person, "household:H2", end=DAY)
    state.apply(end.ops)
    again = Batch()
    again.link(LinkKind.CONTACTS, person, "household:H2", start="2025-07-01")
    state.apply(again.ops)
    note = (("since_note", "1+10"),)
    assert _periods(state, person, "household:H2", "CONTACTS") == ((START, DAY, note), ("2025-07-01", None, None))


def test_a_stated_start_is_corrected_and_an_unstated_one_is_not(state: GraphState) -> None:
    person = _person(state)
    typo = Batch()
    typo.link(LinkKind.REGISTERED_WITH, person, "area:C1", start="2031-03-01", stated=True)
    state.apply(typo.ops)
    fixed = Batch()
    fixed.link(LinkKind.REGISTERED_WITH, person, "area:C1", start="2021-03-01", stated=True)
    applied = state.apply(fixed.ops)
    assert applied.summary.outcomes == ["updated"]
    assert _periods(state, person, "area:C1", "REGISTERED_WITH") == (("2021-03-01", None, None),)
    seen_later = Batch()
    seen_later.link(LinkKind.REGISTERED_WITH, person, "area:C1", start="2025-01-01")  # a later day's import
    assert state.apply(seen_later.ops).summary.outcomes == ["unchanged"]


def test_a_stated_start_does_not_reach_back_over_an_earlier_period(state: GraphState) -> None:
    """Regression: a registration that came back after it ended (restarted when its last period ended)
    was refused by every later import stating its original date."""
    person = _person(state)
    note = (("since_note", "1+10"),)
    b = Batch()
    b.unlink(LinkKind.CONTACTS, person, "household:H2", end="2024-01-01")
    b.link(LinkKind.CONTACTS, person, "household:H2", start="2024-06-01", attrs=dict(note))
    state.apply(b.ops)
    back = Batch()
    back.link(LinkKind.CONTACTS, person, "household:H2", start="2023-01-01", attrs=dict(note), stated=True)
    assert state.apply(back.ops).summary.outcomes == ["updated"]  # as early as it can: when the last period ended
    assert _periods(state, person, "household:H2", "CONTACTS") == ((START, None, note),)  # one period goes on


@pytest.mark.parametrize(("kind", "node"), [(LinkKind.PART_OF, "area:G1"), (LinkKind.SUBORDINATE_TO, "org:O1")])
def test_a_node_cannot_be_its_own_parent(state: GraphState, kind: LinkKind, node: str) -> None:
    before = graph_digest(state.graph)
    b = Batch()
    if kind is LinkKind.SUBORDINATE_TO:
        b.put(PartyOrg(code="O9", name="新党委", org_kind=OrgKind.PARTY_COMMITTEE))
        node = "org:O9"
    b.link(kind, node, node, start=START)
    with pytest.raises(TreeCycleError) as info:
        state.apply(b.ops)
    assert "own parent" in info.value.message
    assert graph_digest(state.graph) == before


def test_a_person_made_and_unmade_the_same_day_goes(key: PiiKey) -> None:
    from orggraph.model import Person
    from tests.orggraph.conftest import ID_B

    state = GraphState()
    state.apply(tiny_district(key).ops)
    before = graph_digest(state.graph)
    typo = Person.from_id_number(key, ID_B, name="王芳")
    made = Batch()
    made.put(typo)
    made.link(LinkKind.MEMBER_OF, typo, "org:O1", start=DAY)
    state.apply(made.ops)
    unmade = Batch()
    unmade.unlink(LinkKind.MEMBER_OF, typo, "org:O1", end=DAY)
    state.apply(unmade.ops)
    assert typo.node_id not in state.graph._node
    assert graph_digest(state.graph) == before


def test_the_change_log_keeps_what_a_write_replaced(key: PiiKey) -> None:
    store = MemoryStore(key)
    store.write(tiny_district(key))
    person = next(n for n, a in store.nodes() if a["kind"] == "person")
    move = Batch("move")
    move.unlink(LinkKind.MEMBER_OF, person, "org:O2", end=DAY)
    summary = store.write(move)
    [record] = [r for r in store.write_log(after=1)]
    assert record.revision == summary.revision == 2
    assert record.backward.links[person, "org:O2", "MEMBER_OF"] == ((START, None, None),)
    assert summary.forward.links[person, "org:O2", "MEMBER_OF"] == ((START, DAY, None),)
