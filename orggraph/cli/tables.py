"""Rich tables the commands print: counts per kind, and per street."""

from __future__ import annotations

from rich.table import Table

from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.stats import StreetSummary

#: The kinds shown as columns of the per-street table, in this order.
STREET_COLUMNS: tuple[NodeKind, ...] = (
    NodeKind.COMMUNITY,
    NodeKind.GRID,
    NodeKind.COMPOUND,
    NodeKind.BUILDING,
    NodeKind.ENTRANCE,
    NodeKind.HOUSEHOLD,
    NodeKind.PARTY_ORG,
    NodeKind.PERSON,
    NodeKind.UNIT,
    NodeKind.PROJECT,
)


def street_table(summaries: dict[str, StreetSummary], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("街道 street")
    for kind in STREET_COLUMNS:
        table.add_column(f"{kind.zh}\n{kind.value}", justify="right")
    totals = dict.fromkeys(STREET_COLUMNS, 0)
    for summary in summaries.values():
        row = [f"{summary.name} ({summary.street.split(':', 1)[1]})"]
        for kind in STREET_COLUMNS:
            n = summary.counts.get(kind.value, 0)
            totals[kind] += n
            row.append(f"{n:,}")
        table.add_row(*row)
    table.add_section()
    table.add_row("合计 total", *(f"{totals[k]:,}" for k in STREET_COLUMNS), style="bold")
    return table


def kind_table(nodes: dict[str, int], links: dict[str, int], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("node kind", "节点", "count", "link kind", "关系", "active"):
        table.add_column(column, justify="right" if column in ("count", "active") else "left")
    node_rows = [(k, NodeKind(k).zh, f"{n:,}") for k, n in nodes.items()]
    link_rows = [(k, LinkKind(k).zh, f"{n:,}") for k, n in links.items()]
    for i in range(max(len(node_rows), len(link_rows))):
        left = node_rows[i] if i < len(node_rows) else ("", "", "")
        right = link_rows[i] if i < len(link_rows) else ("", "", "")
        table.add_row(*left, *right)
    return table
