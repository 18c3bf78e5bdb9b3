"""A scope tells the truth about itself (issue 18): a basic grid's scope counts the households IN_GRID it
— the households its findings are about — though the address tree under the grid holds none (it runs
through compounds); and what is shown for the scope is named for the scope, never for the street or
community the scope is only a part of (the ratio column, the summary sheet's rows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from orggraph.generator import Scale, generate
from orggraph.model import Household, LinkKind
from orggraph.pii import PiiKey
from orggraph.store import MemoryStore
from orggraph.store.view import DayView
from queries.coverage import CoverageResult, run_coverage
from queries.coverage.export import write_xlsx
from tests.queries.coverage_world import DAY, healthy, run

UNCONTACTED = "household-uncontacted"


def households_in_grid(view: DayView, grid: str) -> set[str]:
    """The live households IN_GRID ``grid`` or a grid below it (a level-3 grid holds level-4 grids)."""
    node = grid if grid.startswith("area:") else f"area:{grid}"
    grids = [node, *(g for g in view.into(node, LinkKind.PART_OF.value) if (view.node(g) or {}).get("kind") == "grid")]
    linked = {h for g in grids for h in view.into(g, LinkKind.IN_GRID.value)}
    return set(view.nodes(linked))


def test_a_grid_scope_counts_the_households_in_grid_it_not_the_address_tree_below_it() -> None:
    w = healthy()
    # a third household of grid GA, contacted by nobody; and one of community B's compound drawn into grid GA
    w.household("HA3", "area:XA/1号楼/1单元", "area:GA", room="103")
    w.household("HB9", "area:XB/1号楼/1单元", "area:GA", room="109")
    store = w.store()
    view = store.view(DAY)
    assert not view.into("area:GA", LinkKind.PART_OF.value)  # nothing lies below the grid in the address tree
    result = run(store, scope="GA")
    uncontacted = {f.node for f in result.findings if f.rule == UNCONTACTED}
    assert uncontacted == {"household:HA3", "household:HB9"}
    assert result.summary.totals.households == 4 == len(households_in_grid(view, "GA"))
    ratio = result.summary.totals.ratios["households_contacted"]
    assert (ratio.numerator, ratio.denominator) == (2, 4)
    assert (result.scope, result.scope_name, result.scope_kind) == ("GA", "A网格", "grid")


@pytest.fixture(scope="module")
def district() -> MemoryStore:
    key = PiiKey(b"g" * 32)
    store = MemoryStore(key)
    for batch in generate(Scale.COMMUNITY, seed=4, key=key, as_of=DAY).batches:
        store.write(batch)
    return store


def _grids(store: MemoryStore) -> list[str]:
    return sorted(node.split(":", 1)[1] for node, _ in store.view(DAY).candidates("grid"))


def test_every_grid_of_a_generated_district_counts_what_its_findings_are_about(district: MemoryStore) -> None:
    view = district.view(DAY)
    grids = _grids(district)
    assert len(grids) == 9  # three level-3 grids, each of two level-4 grids
    for grid in grids:
        result = run_coverage(view, scope=grid)
        expected = households_in_grid(view, grid)
        uncontacted = {f.node for f in result.findings if f.rule == UNCONTACTED}
        assert expected, grid
        assert result.summary.totals.households == len(expected), grid
        assert uncontacted <= expected, grid
        ratio = result.summary.totals.ratios["households_contacted"]
        assert ratio.numerator == len(expected) - len(uncontacted), grid


def test_what_is_shown_for_a_scope_is_named_for_the_scope(district: MemoryStore) -> None:
    view = district.view(DAY)
    whole = run_coverage(view)
    [street] = whole.summary.streets
    [community] = whole.summary.communities
    assert (whole.scope_label, [s.code for s in whole.whole_streets()]) == ("合计 total", [street.code])
    by_scope: dict[str, CoverageResult] = {
        code: run_coverage(view, scope=code) for code in (str(street.code), str(community.code), _grids(district)[1])
    }
    on_street, in_community, in_grid = by_scope.values()
    assert on_street.scope_label == f"{street.name} ({street.code})"
    assert (on_street.whole_streets(), on_street.whole_communities()) == ([], on_street.summary.communities)
    assert in_community.scope_label == f"{community.name} ({community.code})"
    # the community's street is in the summary (its part in the scope) but shown for nothing
    assert [s.code for s in in_community.summary.streets] == [street.code]
    assert (in_community.whole_streets(), in_community.whole_communities()) == ([], [])
    assert in_grid.scope_label.startswith(f"{community.name}1-1网格 (")
    assert (in_grid.whole_streets(), in_grid.whole_communities()) == ([], [])


def test_the_summary_sheet_names_the_scope_and_no_area_it_is_part_of(district: MemoryStore, tmp_path: Path) -> None:
    view = district.view(DAY)
    [community] = run_coverage(view).summary.communities
    result = run_coverage(view, scope=str(community.code))
    write_xlsx(result, tmp_path / "c.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "c.xlsx")).get_sheet_by_name("汇总 Summary").to_python()
    assert len(rows) == 2  # the header and the scope: no street row holding the community's counts
    assert rows[1][:3] == ["合计 total", community.code, community.name]
    assert rows[1][4] == result.summary.totals.households
    whole = run_coverage(view)
    write_xlsx(whole, tmp_path / "d.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "d.xlsx")).get_sheet_by_name("汇总 Summary").to_python()
    assert [row[0] for row in rows[1:]] == ["合计 total", "街道 street", "社区 community"]


def test_a_household_in_no_grid_is_no_grid_s() -> None:
    """The other side: a household below the grid's community but IN_GRID no grid is not the grid's."""
    w = healthy()
    w.put(Household(code="HA8", room="108"), "area:XA/1号楼/1单元")
    result = run(w.store(), scope="GA")
    assert result.summary.totals.households == 2
    assert "household:HA8" not in {f.node for f in result.findings}
    assert "household:HA8" in {f.node for f in run(w.store(), scope="CA").findings}
