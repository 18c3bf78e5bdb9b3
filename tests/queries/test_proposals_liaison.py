"""The 包联 proposal on tiny hand-drawn graphs: the norm reached with the fewest links, street first,
least loaded first, at most three communities a leader; and its roster imported back."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.sync import ImportOptions, import_rosters
from orggraph.model import Community, District, LinkKind, Person, Rank, Street
from orggraph.pii import PiiKey, id_check_char
from orggraph.store import Batch, MemoryStore
from queries.coverage import run_coverage
from queries.proposals import propose_liaison

L = LinkKind
KEY = PiiKey(b"k" * 32)
DAY = "2025-06-30"
START = "2021-03-01"


def id_number(n: int) -> str:
    first = f"13070519750505{n:03d}"
    return first + id_check_char(first)


class Liaison:
    """District D with streets S1 (communities C1–C4) and S2 (C5, C6); leaders added by the tests."""

    def __init__(self) -> None:
        self.batch = Batch("liaison")
        self.n = 0
        self.batch.put(District(code="D"))
        for street, communities in (("S1", ("C1", "C2", "C3", "C4")), ("S2", ("C5", "C6"))):
            self.batch.put(Street(code=street))
            self.batch.link(L.PART_OF, f"area:{street}", "area:D", start=START)
            for c in communities:
                self.batch.put(Community(code=c, name=f"{c}社区"))
                self.batch.link(L.PART_OF, f"area:{c}", f"area:{street}", start=START)

    def leader(self, *communities: str, rank: Rank = Rank.DIVISION) -> str:
        self.n += 1
        person = Person.from_id_number(KEY, id_number(self.n), name=f"领导{self.n}", rank=rank)
        self.batch.put(person)
        for c in communities:
            self.batch.link(L.LIAISES_WITH, person.node_id, f"area:{c}", start=START)
        return person.node_id

    def store(self) -> MemoryStore:
        store = MemoryStore(KEY)
        store.write(self.batch)
        return store


def leaders_per_community(store: MemoryStore) -> dict[str, int]:
    found = run_coverage(store.view(DAY), rules=["community-few-liaison-leaders"]).findings
    return {f.node: int(f.actual) for f in found}


def test_the_norm_is_reached_with_the_fewest_links_and_no_leader_passes_three() -> None:
    world = Liaison()
    world.leader("C1", "C2")
    world.leader("C1", "C5")
    world.leader("C5", "C6")
    world.leader("C6")
    world.leader("C2", rank=Rank.SECTION)  # does not count
    proposal = propose_liaison(world.store(), as_of=DAY)
    # C2 has 1, C3 0, C4 0: five links are missing in S1, and no more are proposed
    assert proposal.deficient == {"area:C2": 1, "area:C3": 0, "area:C4": 0}
    assert proposal.counts["links_added"] == 5
    assert proposal.unfixed == []
    load: dict[str, int] = {}
    for a in proposal.assignments:
        load[a.leader] = load.get(a.leader, a.communities_before) + 1
    assert max(load.values()) <= 3
    per_community: dict[str, set[str]] = {}
    for a in proposal.assignments:
        per_community.setdefault(a.community, set()).add(a.leader)
    assert {c: len(v) for c, v in per_community.items()} == {"area:C2": 1, "area:C3": 2, "area:C4": 2}


def test_a_leader_of_the_same_street_comes_before_a_less_loaded_one_of_another() -> None:
    world = Liaison()
    world.leader("C1", "C3")  # S1, two communities
    same = world.leader("C1", "C4")
    other = world.leader("C5")  # S2, one community
    world.leader("C3", "C4")
    world.leader("C5", "C6")
    world.leader("C6")
    proposal = propose_liaison(world.store(), as_of=DAY, scope="S1")
    # C2 needs two: both S1 leaders with room (two communities each) before the S2 leader
    assert {a.community for a in proposal.assignments} == {"area:C2"}
    assert other not in {a.leader for a in proposal.assignments}
    assert same in {a.leader for a in proposal.assignments}
    assert {a.tier for a in proposal.assignments} == {"street"}


def test_the_least_loaded_leader_of_the_street_is_chosen() -> None:
    world = Liaison()
    busy = world.leader("C1", "C3")
    light = world.leader("C1")
    world.leader("C2", "C3", "C4")
    world.leader("C4", "C5")
    world.leader("C5", "C6")
    world.leader("C6")
    proposal = propose_liaison(world.store(), as_of=DAY)
    [a] = proposal.assignments
    assert (a.community, a.leader, a.communities_before) == ("area:C2", light, 1)
    assert busy not in {x.leader for x in proposal.assignments}


def test_communities_that_cannot_be_fixed_are_named_with_the_reason() -> None:
    world = Liaison()
    world.leader("C1", "C2", "C3")
    world.leader("C1", "C2", "C3")
    proposal = propose_liaison(world.store(), as_of=DAY)
    reasons = {u.community: (u.missing, u.reason) for u in proposal.unfixed}
    assert reasons == {c: (2, "no-leader-with-room") for c in ("area:C4", "area:C5", "area:C6")}
    assert proposal.assignments == []
    assert "3" in proposal.unfixed[0].message


def test_a_shortfall_is_reported_when_leaders_with_room_are_too_few() -> None:
    world = Liaison()
    spare = world.leader("C1", "C2")  # the only leader with room: one more community
    world.leader("C1", "C2", "C5")
    world.leader("C3", "C5", "C6")
    world.leader("C4", "C5", "C6")
    proposal = propose_liaison(world.store(), as_of=DAY)
    # C3 and C4 lack one each; one of them gets the spare leader, the other is short
    [a] = proposal.assignments
    assert a.leader == spare
    assert a.community in ("area:C3", "area:C4")
    [u] = proposal.unfixed
    assert {a.community, u.community} == {"area:C3", "area:C4"}
    assert (u.missing, u.reason) == (1, "leaders-short")
    assert proposal.counts == {"deficient": 2, "links_added": 1, "fixed": 1, "unfixed": 1, "leaders_used": 1}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_roster_imported_closes_the_gaps_and_ends_nothing(tmp_path: Path, suffix: str) -> None:
    world = Liaison()
    world.leader("C1", "C2")
    world.leader("C1", "C5")
    world.leader("C5", "C6")
    world.leader("C6")
    world.leader("C2", rank=Rank.SECTION)
    store = world.store()
    assert set(leaders_per_community(store)) == {"area:C2", "area:C3", "area:C4"}
    proposal = propose_liaison(store, as_of=DAY)
    path = proposal.write(tmp_path / f"包联{suffix}")
    report = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert report.ok, report.rejections
    assert report.written
    links = report.changes["links"]["LIAISES_WITH"]
    assert (links["created"], links["ended"]) == (proposal.counts["links_added"], 0)
    assert leaders_per_community(store) == {}
    again = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert again.ok
    assert again.total("created") + again.total("ended") + again.total("updated") == 0


def test_to_dict_masks_the_leaders() -> None:
    world = Liaison()
    world.leader("C1", "C2")
    world.leader("C1")
    world.leader("C3", "C4")
    world.leader("C3", "C4")
    world.leader("C5", "C6")
    world.leader("C5", "C6")
    data = propose_liaison(world.store(), as_of=DAY).to_dict()
    assert data["counts"]["links_added"] == 1
    assert data["assignments"][0]["leader"].startswith("1307**********")
    assert data["deficient"] == {"C2": 1}
