"""``orggraph export``: write the graph for Gephi, yEd or any program that reads GraphML, GEXF or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orggraph.cli.common import StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.export import ExportFormat, export_graph


@reports_errors
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="graphml, gexf or json.")] = ExportFormat.GRAPHML,
    store: StoreOption = None,
) -> None:
    """Write the whole graph, with link history and masked personal data, to one file."""
    settings = settings_for(store)
    with open_existing(settings) as graph_store, console.status(f"writing {output} …"):
        export_graph(graph_store.graph, output, fmt)
    console.print(f"wrote {output} ({fmt.value}, {output.stat().st_size / 1e6:,.1f} MB)")
