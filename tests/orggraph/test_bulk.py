"""The bulk path of the write rules gives what op by op gives: the same graph, counts, outcomes and
undo log for a batch it applies, and the same refusal (error, message, op index) for a batch it
refuses, the graph then exactly as it was."""

from __future__ import annotations

import contextlib
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orggraph.errors import RefusedWriteError
from orggraph.pii import PiiKey
from orggraph.store import state as state_module
from orggraph.store.batch import Op
from orggraph.store.changes import changes_of
from orggraph.store.digest import graph_content
from orggraph.store.state import GraphState
from tests.orggraph.conftest import START, tiny_district

#: Nodes the ops may name: the tiny district's, and new ones of several kinds.
NODES = {
    "area:D": "district",
    "area:S1": "street",
    "area:C1": "community",
    "area:G1": "grid",
    "area:P1": "compound",
    "area:P1/3号楼": "building",
    "area:P1/3号楼/2单元": "entrance",
    "household:H1": "household",
    "household:H2": "household",
    "org:O1": "party_org",
    "org:O2": "party_org",
    "area:G2": "grid",
    "area:P2": "compound",
    "area:P2/1号楼": "building",
    "area:P2/1号楼/1单元": "entrance",
    "household:H3": "household",
    "household:H4": "household",
    "household:H5": "household",
    "org:O3": "party_org",
    "person:p1": "person",
}
LINKS = ["PART_OF", "IN_GRID", "CENTRAL_HOUSEHOLD_OF", "SUBORDINATE_TO", "RESPONSIBLE_FOR", "MEMBER_OF", "CONTACTS"]
DAYS = ["2021-03-01", "2022-01-01", "2023-05-01"] * 4 + ["2023-5-1"]  # now and then a start that is no date

node_ids = st.sampled_from(sorted(NODES))


@st.composite
def puts(draw: st.DrawFn) -> Op:
    node = draw(node_ids)
    kind = draw(st.sampled_from([NODES[node], NODES[node], NODES[node], "household", "spaceship"]))
    if draw(st.booleans()) and kind == "household":
        node = draw(st.sampled_from(["household:", "area:H9", "household:H9"]))
    attrs: dict[str, Any] = {"kind": kind}
    if draw(st.booleans()):
        attrs["name"] = draw(st.sampled_from(["甲", "乙"]))
    return ("put", node, attrs)


def _kinds(kind: str) -> list[str]:
    return [n for n, k in NODES.items() if k == kind]


#: Links the schema allows between the nodes above (most links drawn are one of these).
PLAUSIBLE = [
    *(("PART_OF", h, e) for h in _kinds("household") for e in _kinds("entrance")),
    *(("IN_GRID", h, g) for h in _kinds("household") for g in _kinds("grid")),
    *(("CENTRAL_HOUSEHOLD_OF", h, e) for h in _kinds("household") for e in _kinds("entrance")),
    *(("PART_OF", g, p) for g in _kinds("grid") for p in [*_kinds("grid"), "area:C1"]),
    *(("PART_OF", "area:P2/1号楼/1单元", b) for b in _kinds("building")),
    *(("PART_OF", "area:P2/1号楼", c) for c in _kinds("compound")),
    *(("SUBORDINATE_TO", a, b) for a in _kinds("party_org") for b in _kinds("party_org")),
    *(("RESPONSIBLE_FOR", o, a) for o in _kinds("party_org") for a in ("area:C1", "area:G2", "area:P2")),
    *(("MEMBER_OF", "person:p1", o) for o in _kinds("party_org")),
    *(("CONTACTS", "person:p1", h) for h in _kinds("household")),
]


@st.composite
def links(draw: st.DrawFn) -> Op:
    if draw(st.integers(0, 9)):
        kind, source, target = draw(st.sampled_from(PLAUSIBLE))
    else:
        kind, source, target = draw(st.sampled_from(LINKS)), draw(node_ids), draw(node_ids)
    op: tuple[Any, ...] = (
        "link",
        kind,
        source,
        target,
        draw(st.sampled_from(DAYS)),
        draw(st.sampled_from([None, None, (("post", "组长"),)])),
    )
    return (*op, True) if draw(st.booleans()) else op


@st.composite
def restores(draw: st.DrawFn) -> Op:
    if draw(st.booleans()):
        return ("restore_link", draw(st.sampled_from(LINKS)), draw(node_ids), draw(node_ids), ())
    node = draw(node_ids)
    return ("restore_node", node, draw(st.sampled_from([None, {"kind": NODES[node]}])))


def run_of(op: st.SearchStrategy[Op]) -> st.SearchStrategy[list[Op]]:
    return st.lists(op, min_size=1, max_size=8)


batches = st.lists(st.one_of(run_of(puts()), run_of(links()), run_of(restores())), min_size=1, max_size=5).map(
    lambda runs: [op for run in runs for op in run]
)


def _base(key: PiiKey, extra: list[Op]) -> GraphState:
    state = GraphState()
    state.apply(tiny_district(key).ops, bulk=False)
    state.apply([("put", n, {"kind": k}) for n, k in NODES.items() if n not in state.graph._node], bulk=False)
    if extra:
        with contextlib.suppress(RefusedWriteError):
            state.apply(extra, bulk=False)
    return state


def _outcome(state: GraphState, ops: list[Op], *, bulk: bool) -> tuple[Any, ...]:
    before = graph_content(state.graph)
    try:
        applied = state.apply(ops, bulk=bulk)
    except RefusedWriteError as exc:
        assert graph_content(state.graph) == before  # a refused batch leaves the graph as it was
        return ("refused", type(exc), exc.message, exc.context.get("op_index"))
    summary = applied.summary
    forward, backward = changes_of(state.graph, applied.undo)
    after = graph_content(state.graph)
    state.rollback(applied.undo)
    assert graph_content(state.graph) == before  # and what it did can be rolled back
    return ("applied", after, summary.nodes, summary.links, summary.outcomes, applied.effective, forward, backward)


@settings(
    max_examples=int(os.environ.get("ORGGRAPH_BULK_EXAMPLES", "300")),  # more to search further
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(setup=batches, ops=batches)
def test_bulk_and_op_by_op_agree(setup: list[Op], ops: list[Op], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MIN_RUN", 1)  # every run may go the bulk path
    key = PiiKey(b"k" * 32)
    one_by_one = _outcome(_base(key, setup), ops, bulk=False)
    in_bulk = _outcome(_base(key, setup), ops, bulk=True)
    assert in_bulk == one_by_one


def _households(n: int, entrance: str = "area:P1/3号楼/2单元") -> list[Op]:
    ops: list[Op] = [("put", f"household:N{i}", {"kind": "household", "room": str(i)}) for i in range(n)]
    ops += [("link", "PART_OF", f"household:N{i}", entrance, START, None) for i in range(n)]
    ops += [("link", "IN_GRID", f"household:N{i}", "area:G1", START, None) for i in range(n)]
    return ops


def test_a_first_import_goes_the_bulk_path_and_counts_alike(key: PiiKey) -> None:
    ops = _households(500)
    expected = _outcome(_base(key, []), ops, bulk=False)
    assert _outcome(_base(key, []), ops, bulk=True) == expected
    state = _base(key, [])
    applied = state.apply(ops)
    assert applied.summary.links["PART_OF", "created"] == 500
    shared = {id(state.graph._succ[f"household:N{i}"]["area:G1"]) for i in range(500)}
    assert len(shared) == 1  # equal edge data are one dict


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (("link", "PART_OF", "household:N7", "area:G1", START, None), "cannot join household"),  # wrong kinds
        (("link", "PART_OF", "household:N7", "area:P2/1号楼/1单元", START, None), "already has an open PART_OF"),
        (("link", "IN_GRID", "household:N7", "area:NOPE", START, None), "does not exist"),
        (("link", "IN_GRID", "household:N8", "area:G1", "2021-3-1", None), "not a date"),
        (("put", "area:N9", {"kind": "household"}), "the id must be"),
        (("link", "PART_OF", "area:P1/3号楼", "household:N3", START, None), "cannot join"),
    ],
)
def test_one_bad_op_in_a_long_run_is_refused_as_op_by_op_refuses_it(key: PiiKey, bad: Op, error: str) -> None:
    ops = _households(300)
    ops.insert(650 if bad[0] == "link" else 150, bad)
    expected = _outcome(_base(key, []), ops, bulk=False)
    assert expected[0] == "refused"
    assert error in expected[2]
    assert _outcome(_base(key, []), ops, bulk=True) == expected


def test_a_cycle_closed_by_a_run_is_refused(key: PiiKey) -> None:
    grids = [("put", f"area:X{i}", {"kind": "grid", "level": 5}) for i in range(100)]
    chain = [("link", "PART_OF", f"area:X{i}", f"area:X{i + 1}", START, None) for i in range(99)]
    closing = [("link", "PART_OF", "area:X99", "area:X0", START, None)]
    ops = grids + chain + closing
    expected = _outcome(_base(key, []), ops, bulk=False)
    assert expected[:2] == ("refused", state_module.TreeCycleError)
    assert _outcome(_base(key, []), ops, bulk=True) == expected
    fine = grids + chain + [("link", "PART_OF", "area:X99", "area:C1", START, None)]
    assert _outcome(_base(key, []), fine, bulk=True) == _outcome(_base(key, []), fine, bulk=False)


def test_an_undo_of_a_first_import_goes_the_bulk_path(key: PiiKey) -> None:
    state = _base(key, [])
    applied = state.apply(_households(400))
    _, backward = changes_of(state.graph, applied.undo)
    from orggraph.store.changes import restore_ops

    undo = list(restore_ops(backward, state.graph.__contains__))
    copy = _base(key, [])
    copy.apply(_households(400))
    assert _outcome(state, undo, bulk=True) == _outcome(copy, undo, bulk=False)
    state.apply(undo)
    assert graph_content(state.graph) == graph_content(_base(key, []).graph)
