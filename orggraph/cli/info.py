"""``orggraph info``: what a store holds."""

from __future__ import annotations

from orggraph.cli.common import AsOfOption, StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.cli.tables import kind_table, street_table
from orggraph.store.embedded import FORMAT_VERSION, EmbeddedStore


@reports_errors
def info(store: StoreOption = None, as_of: AsOfOption = None) -> None:
    """存储概况：格式、大小、各类节点与关系、各街道计数 /
    Summarise a store: format, size, live nodes and active links per kind, counts per street."""
    settings = settings_for(store)
    with open_existing(settings) as graph_store:
        counts = graph_store.counts(as_of=as_of)
        if isinstance(graph_store, EmbeddedStore):
            engine = f"embedded store, format {FORMAT_VERSION}, {graph_store.path.stat().st_size / 1e6:,.1f} MB"
        else:
            dialect = getattr(getattr(graph_store, "connection", None), "dialect", None)
            engine = f"Bolt server ({getattr(dialect, 'name', '?')}), revision {graph_store.revision}"
        console.print(f"[bold]{graph_store.location}[/] — {engine}, as of {counts.as_of}")
        console.print(kind_table(counts.nodes, counts.links, "Nodes and links 节点与关系"))
        console.print(street_table(graph_store.per_street(as_of=counts.as_of), "Per street 各街道"))
