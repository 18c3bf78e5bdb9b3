"""Coverage gaps (覆盖缺口) with who must fix them: where the Party-building network is thin.

Each norm is a rule of the policy file (政策配置, ``[coverage.<rule>]``), declared — what it checks, in
Cypher path patterns — and run over a :class:`~orggraph.store.view.DayView` of the day, on either
engine (:mod:`~queries.coverage.checks`). :func:`run_coverage` runs them over a scope
(:mod:`~queries.coverage.run`) and returns a :class:`CoverageResult` of sorted :class:`Finding` s with a
per-street and per-community summary and the policy's ratios (:mod:`~queries.coverage.summary`);
:mod:`~queries.coverage.export` writes it as a table, CSV or Excel; :mod:`~queries.coverage.drilldown`
breaks it down below an area; :mod:`~queries.coverage.whatif` shows what a change would open or close.
"""

from queries.coverage.checks import Tally, run_check
from queries.coverage.findings import SECRETARY_POST, Finding
from queries.coverage.places import Atlas, atlas_for
from queries.coverage.run import CoverageResult, find_gaps, run_coverage, scope_of, select_rules, worst_communities
from queries.coverage.summary import AreaSummary, CoverageSummary, Ratio, ratio_names

__all__ = [
    "SECRETARY_POST",
    "AreaSummary",
    "Atlas",
    "CoverageResult",
    "CoverageSummary",
    "Finding",
    "Ratio",
    "Tally",
    "atlas_for",
    "find_gaps",
    "ratio_names",
    "run_check",
    "run_coverage",
    "scope_of",
    "select_rules",
    "worst_communities",
]
