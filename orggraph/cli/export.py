"""``orggraph export``: write the graph for Gephi, yEd or any program that reads GraphML, GEXF or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orggraph.cli.common import StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.errors import ConfigurationError
from orggraph.export import ExportFormat, export_graph
from orggraph.plugins import hook
from orggraph.store.digest import graph_of


@reports_errors
def export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="要写出的图文件 / The graph file to write.")] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="格式：graphml、gexf 或 json / graphml, gexf or json.")
    ] = ExportFormat.GRAPHML,
    rosters: Annotated[
        Path | None,
        typer.Option(
            "--rosters", help="改为把存储导出为名册，写入此文件夹 / Write the store as rosters (名册) into this folder instead."
        ),
    ] = None,
    roster_format: Annotated[
        str, typer.Option("--roster-format", help="名册格式：xlsx，或 GB18030 编码的 csv / xlsx, or csv in GB18030.")
    ] = "xlsx",
    store: StoreOption = None,
) -> None:
    """导出整张图（含关系历史，个人信息已脱敏）到一个文件，或导出名册到文件夹 /
    Write the whole graph (link history, masked personal data) to one file, or the rosters to a folder."""
    settings = settings_for(store)
    if (output is None) == (rosters is None):
        raise ConfigurationError("give either --output FILE or --rosters DIR", message_zh="请指定 --output 或 --rosters 之一")
    with open_existing(settings) as graph_store:
        if rosters is not None:
            writer = hook("roster_writer")
            if writer is None:
                raise ConfigurationError(
                    "writing rosters needs the importers package installed", message_zh="导出名册需要安装 importers 包"
                )
            with console.status(f"writing rosters into {rosters} …"):
                paths = writer(graph_store, rosters, fmt=roster_format)
            console.print(f"wrote {len(paths)} rosters into {rosters}: " + ", ".join(p.name for p in paths))
            return
        assert output is not None
        with console.status(f"writing {output} …"):
            export_graph(graph_of(graph_store.dump()), output, fmt)
    console.print(f"wrote {output} ({fmt.value}, {output.stat().st_size / 1e6:,.1f} MB)")
