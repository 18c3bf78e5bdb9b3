"""Acceptance from the roster spec alone: a district as its clerks hold it, imported whole on both engines.

The rosters of ``tests/contract/open_world/make_rosters.py`` are written from ``shared/rosters.md``
only — GB18030, UTF-8 with and without a BOM, workbooks with merged title rows, English headers, phones
as people type them, and the open world of issue 14 (units at the district level, Party members and
orgs from outside the district). They are written into a temporary folder (nothing binary is
committed), imported in one import into the embedded store and into the Bolt store, and every coverage
rule of the policy must find what ``open_world/expected.py`` counts from the district itself — for the
district, each street and each community, on both engines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from importers.report import ImportReport
from importers.sync import ImportOptions, import_rosters
from orggraph.pii import normalize_phone
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from orggraph.store.neo4j import Neo4jStore
from queries.coverage import find_gaps, scope_of
from queries.policy import load_policy
from tests.contract.conftest import KEY, BoltTarget, wipe
from tests.contract.open_world import expected
from tests.contract.open_world.make_rosters import AS_OF, COMMUNITIES, STREETS, District, build, write_rosters
from tests.contract.test_store_contract import server_digest

#: Every declared rule of the shipped policy, the district's own example (shipped off) included.
RULES = list(load_policy(None).coverage)

DAY = AS_OF.isoformat()
ENGINES = ("embedded", "bolt")


@pytest.fixture(scope="module")
def district() -> District:
    return build()


@pytest.fixture(scope="module")
def rosters(district: District, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_rosters(tmp_path_factory.mktemp("open-world") / "rosters", district)


@pytest.fixture(scope="module")
def embedded(rosters: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedStore, ImportReport]]:
    store = EmbeddedStore(tmp_path_factory.mktemp("open-world-store") / "g.db", KEY)
    report = import_rosters(store, rosters, ImportOptions(date=DAY))
    yield store, report
    store.close()


@pytest.fixture(scope="module")
def bolt(rosters: list[Path], bolt_target: BoltTarget) -> Iterator[tuple[Neo4jStore, ImportReport]]:
    wipe(bolt_target)
    store = Neo4jStore(bolt_target.connect(), KEY, create=True)
    report = import_rosters(store, rosters, ImportOptions(date=DAY))
    yield store, report
    store.close()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> tuple[str, object, ImportReport]:
    store, report = request.getfixturevalue(request.param)
    return request.param, store, report


def _rejections(report: ImportReport) -> str:
    return "\n".join(f"{r.file} row {r.row} {r.column}: {r.reason}" for r in report.rejections)


def test_the_district_imports_whole_in_one_import(engine: tuple[str, object, ImportReport], rosters: list[Path]) -> None:
    _, _, report = engine
    assert not report.rejections, _rejections(report)
    assert report.ok
    assert report.atomic
    assert report.written
    assert len(report.files) == len(rosters)


def test_both_engines_hold_the_same_graph(
    embedded: tuple[EmbeddedStore, ImportReport], bolt: tuple[Neo4jStore, ImportReport], bolt_target: BoltTarget
) -> None:
    for name, (store, report) in zip(ENGINES, (embedded, bolt), strict=True):
        _loaded((name, store, report))
    assert embedded[1].changes == bolt[1].changes
    assert graph_digest(embedded[0].graph) == server_digest(bolt_target)


def test_the_district_has_a_gap_of_every_rule(district: District) -> None:
    """The rosters are built to exercise every rule; and some rule is found in one street, not the other."""
    counts = expected.counts(district)
    assert set(counts) == set(RULES)
    assert all(counts.values()), counts
    scoped = expected.scoped_counts(district)
    assert any(0 in (by[STREETS[0]], by[STREETS[1]]) and any(by.values()) for by in scoped.values())


def _loaded(engine: tuple[str, object, ImportReport]) -> tuple[str, object]:
    """The engine's store, once the import was written (else the rule tests have nothing to count)."""
    name, store, report = engine
    if not report.written:
        pytest.fail(f"the import was refused, nothing to count on {name}:\n{_rejections(report)}", pytrace=False)
    return name, store


def _found(name: str, store: object, rule: str, scope: str | None) -> list[object]:
    """The rule's findings on the engine's own view: over the day index, or as Cypher on the server."""
    view = store.view(DAY)  # type: ignore[attr-defined]
    return list(find_gaps(view, [load_policy(None).rule(rule)], scope_of(view, scope)))


def _show(found: list[object]) -> list[str]:
    return sorted(f"{f.code or f.node}" for f in found)  # type: ignore[attr-defined]


def test_the_open_world_is_recorded_once_each(engine: tuple[str, object, ImportReport], district: District) -> None:
    """Every org and unit the rosters name but no roster of the district defines is recorded as outside the
    district (区外), said once; the two rows that disagree with the members roster are warnings, not rejections."""
    _, _, report = engine
    outside = Counter(w.value for w in report.warnings if "区外" in w.reason)
    assert set(outside) == district.external_orgs | district.external_units
    assert set(outside.values()) == {1}
    disagreeing = [w for w in report.warnings if "区外" not in w.reason]
    assert sorted(w.column for w in disagreeing) == ["所在党组织", "是否党员"], disagreeing


def test_phones_typed_every_way_are_the_same_numbers(engine: tuple[str, object, ImportReport], district: District) -> None:
    """``138-0013-8000``, ``+86 138…``, ``(0313)7012301``, full-width digits …: each lands as the number meant."""
    _, store = _loaded(engine)
    offices = {li.person for li in district.liaisons if li.phone} | {g.person for g in district.grid_staff if g.phone}
    checked = 0
    for number, person in district.persons.items():
        node = store.node(f"person:{KEY.identity(number)}")  # type: ignore[attr-defined]
        assert node is not None, person.name
        if "phone_sealed" in node and number not in offices:
            assert KEY.unseal("phone", bytes.fromhex(node["phone_sealed"])) == normalize_phone(person.phone), person.name
            checked += 1
    for unit in district.units:
        node = store.node(f"unit:{unit.code}")  # type: ignore[attr-defined]
        assert node is not None, unit.name
        if unit.phone:
            assert KEY.unseal("phone", bytes.fromhex(node["phone_sealed"])) == normalize_phone(unit.phone), unit.name
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_finds_what_the_rosters_hold(engine: tuple[str, object, ImportReport], district: District, rule: str) -> None:
    name, store = _loaded(engine)
    found = _found(name, store, rule, None)
    want = expected.findings(district)[rule]
    assert len(found) == len(want), (name, _show(found), sorted(key for key, _ in want))


@pytest.mark.parametrize("rule", sorted(set(RULES) - expected.UNPLACED))
def test_each_rule_finds_what_each_street_and_community_holds(
    engine: tuple[str, object, ImportReport], district: District, rule: str
) -> None:
    name, store = _loaded(engine)
    want = expected.scoped_counts(district)[rule]
    got = {scope: len(_found(name, store, rule, scope)) for scope in (*STREETS, *COMMUNITIES)}
    assert got == want, name
