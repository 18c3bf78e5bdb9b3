"""Coverage gaps (覆盖缺口) with who must fix them: where the Party-building network is thin.

Each norm of the policy (政策配置, ``[coverage.<rule>]``) is one rule, a function
``(ix, rule, areas) -> Iterator[Finding]`` over the :class:`~queries.index.GraphIndex` of a day,
registered by id in :data:`RULES`. The families:

==================  ==========================================================================
``areas``           compound branch (小区党支部), building group (楼栋党小组), central household (中心户)
``grids``           一格三员, basic grid size (基础网格户数), community workers per 10,000 residents
``contacts``        1 + 10 contacts (联系户): uncontacted households, over-loaded members
``liaison``         division-level liaison leaders (处级包联领导) per community
``registration``    dual registration (双报到) of in-service members and of work units
``projects``        co-building projects (共建项目): units without a live one, projects running out
``property``        property management (物业), red property (红色物业), owners' committees (业委会)
``orgs``            Party organisations without a secretary (书记空缺)
==================  ==========================================================================

:func:`run_coverage` runs them over a store (scope, rule subset, as-of day, policy) and returns a
:class:`CoverageResult` of sorted :class:`Finding` s and a per-street and per-community summary;
:mod:`queries.coverage.export` writes it as a table, CSV or Excel.
"""

from queries.coverage.base import RuleFunc, Subtree, responsible_org
from queries.coverage.findings import SECRETARY_POST, Finding
from queries.coverage.run import RULES, CoverageResult, find_gaps, run_coverage
from queries.coverage.summary import RATIOS, AreaSummary, CoverageSummary, Ratio, worst_communities

__all__ = [
    "RATIOS",
    "RULES",
    "SECRETARY_POST",
    "AreaSummary",
    "CoverageResult",
    "CoverageSummary",
    "Finding",
    "Ratio",
    "RuleFunc",
    "Subtree",
    "find_gaps",
    "responsible_org",
    "run_coverage",
    "worst_communities",
]
