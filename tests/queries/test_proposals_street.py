"""Proposals on the generated street (示例街道): written as rosters, imported back, and checked by coverage.

The import is test-only (``queries`` never imports ``importers``): it proves that a planner's
``orggraph import FILE --scope CODE`` applies exactly the proposal and ends nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from importers.sync import ImportOptions, import_rosters
from orggraph.generator import GeneratedDistrict, Scale, generate
from orggraph.model import LinkKind
from orggraph.pii import PiiKey
from orggraph.store import MemoryStore
from orggraph.store.digest import graph_digest
from queries.coverage import run_coverage
from queries.proposals import ContactProposal, propose, propose_contacts, propose_liaison

KEY = PiiKey(b"k" * 32)
DAY = "2025-06-30"


@pytest.fixture(scope="module")
def street() -> GeneratedDistrict:
    return generate(Scale.STREET, seed=1, key=KEY, as_of=DAY)


@pytest.fixture
def store(street: GeneratedDistrict) -> MemoryStore:
    s = MemoryStore(KEY)
    for batch in street.batches:
        s.write(batch)
    return s


def findings(store: MemoryStore, rule: str) -> set[str]:
    return {f.node for f in run_coverage(store.view(DAY), rules=[rule]).findings}


def test_the_contacts_roster_imported_leaves_only_what_the_proposal_could_not_assign(
    store: MemoryStore, street: GeneratedDistrict, tmp_path: Path
) -> None:
    uncontacted = findings(store, "household-uncontacted")
    assert uncontacted == set(street.flaws["household-uncontacted"])
    over_before = findings(store, "member-over-capacity")
    proposal = propose_contacts(store, as_of=DAY)
    assert proposal.counts["uncontacted"] == len(uncontacted)
    assert proposal.counts["assigned"] > 0.9 * len(uncontacted)
    assert proposal.scope_code is not None
    before = graph_digest(store.graph)
    path = proposal.write(tmp_path / "联系户建议.xlsx")
    assert graph_digest(store.graph) == before  # writing the roster reads only
    report = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert report.ok, report.rejections[:3]
    links = report.changes["links"]["CONTACTS"]
    assert (links["created"], links["ended"], links["updated"]) == (proposal.counts["assigned"], 0, 0)
    assert findings(store, "household-uncontacted") == {u.household for u in proposal.unassigned}
    assert findings(store, "member-over-capacity") <= over_before


def test_the_liaison_roster_imported_closes_every_gap_it_can(store: MemoryStore, tmp_path: Path) -> None:
    few = findings(store, "community-few-liaison-leaders")
    assert few
    proposal = propose_liaison(store, as_of=DAY)
    assert set(proposal.deficient) == few
    path = proposal.write(tmp_path / "包联建议.xlsx")
    report = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert report.ok, report.rejections[:3]
    links = report.changes["links"]["LIAISES_WITH"]
    assert (links["created"], links["ended"]) == (proposal.counts["links_added"], 0)
    assert sum(n for outcome, n in report.changes["nodes"].get("person", {}).items() if outcome != "unchanged") == 0
    assert findings(store, "community-few-liaison-leaders") == {u.community for u in proposal.unfixed}


def test_a_community_scoped_proposal_touches_only_its_community(store: MemoryStore, tmp_path: Path) -> None:
    gaps = run_coverage(store.view(DAY), rules=["household-uncontacted"]).findings
    community = gaps[0].community
    assert community is not None
    everywhere = {f.node for f in gaps}
    proposal = propose(store, "contacts", scope=community, as_of=DAY)
    assert isinstance(proposal, ContactProposal)
    assert proposal.scope_code == community
    assert {a.community for a in proposal.assignments} == {f"area:{community}"}
    path = proposal.write(tmp_path / "社区联系户建议.csv")
    report = import_rosters(store, [path], ImportOptions(date=DAY, scope=proposal.scope_code))
    assert report.ok, report.rejections[:3]
    assert report.changes["links"]["CONTACTS"]["ended"] == 0
    closed = everywhere - findings(store, "household-uncontacted")
    assert closed == {a.household for a in proposal.assignments}
    assert {f.node for f in gaps if f.community == community} - closed == {u.household for u in proposal.unassigned}


@pytest.mark.slow
def test_the_whole_district_is_proposed() -> None:
    """The 1+10 proposal of the whole generated district; its time is a benchmark
    (``propose_contacts_s`` of ``python -m benchmarks.run queries``, budget 30 s), not a test."""
    district = MemoryStore(KEY)
    for batch in generate(Scale.DISTRICT, seed=1, key=KEY, as_of=DAY).batches:
        district.write(batch)
    proposal = propose_contacts(district, as_of=DAY)
    assert proposal.counts["assigned"] + proposal.counts["unassigned"] == proposal.counts["uncontacted"] > 30_000
    load: Counter[str] = Counter()
    for a in proposal.assignments:
        load[a.member] += 1
    for member, extra in load.items():
        assert len(list(district.links(member, kind=LinkKind.CONTACTS, as_of=DAY))) + extra <= proposal.capacity
