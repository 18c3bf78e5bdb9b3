"""``orggraph demo``: build a sample district into the embedded store and summarise it per street."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orggraph.cli.common import StoreOption, console, remove_store_files, reports_errors, settings_for
from orggraph.cli.tables import street_table
from orggraph.errors import ConfigurationError
from orggraph.generator import Scale, generate
from orggraph.plugins import hook
from orggraph.settings import Settings
from orggraph.store import Batch, GraphStore, bolt_connection, open_store


@reports_errors
def demo(
    scale: Annotated[
        Scale, typer.Option("--scale", help="规模：社区、街道、区或市 / community, street, district or city.")
    ] = Scale.STREET,
    seed: Annotated[
        int, typer.Option("--seed", help="生成器种子：同一种子生成同一个区 / Seed of the generator: same seed, same district.")
    ] = 1,
    replace: Annotated[
        bool, typer.Option("--replace", help="先删除已有的存储文件 / Delete an existing store file first.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """生成示例区（含有意设置的缺口）并存储，按街道汇总 /
    Generate a sample district (with deliberate gaps), store it, and print counts per street."""
    settings = settings_for(store)
    path = Path(settings.store)
    if settings.is_bolt:
        _empty_server(settings, replace=replace)
        path = Path("orggraph-bolt")  # where the demo's rosters are written
    elif path.exists() and path.stat().st_size > 0:
        if not replace:
            raise ConfigurationError(
                f"{path} already holds a graph; add --replace to rebuild it, or --store to pick another file",
                message_zh=f"{path} 已有图数据；加 --replace 重建，或用 --store 指定其他文件",
            )
        remove_store_files(path)
    started = time.perf_counter()
    with open_store(settings, create=True) as graph_store:
        with console.status(f"generating a {scale.value}-scale district (seed {seed}) …"):
            district = generate(scale, seed=seed, key=graph_store.pii_key)
        loader = hook("demo_loader")
        if loader is not None:  # the importers load it the way a district's files come in: as rosters
            loader(graph_store, district, folder=Path(str(path) + ".rosters"), console=console)
        else:
            _write_batches(graph_store, district.batches)
        counts = graph_store.counts()
        summaries = graph_store.per_street(as_of=counts.as_of)
        elapsed = time.perf_counter() - started
        console.print(street_table(summaries, f"Sample district ({scale.value}, seed {seed}) 示例辖区 — {graph_store.location}"))
        gaps = ", ".join(f"{rule} {len(ids)}" for rule, ids in sorted(district.flaws.items()))
        console.print(
            f"{sum(counts.nodes.values()):,} nodes and {sum(counts.links.values()):,} active links "
            f"in {elapsed:.1f} s. Deliberate gaps: {gaps}"
        )
        report = hook("demo_report")
        if report is not None:  # the queries end it with the district's coverage
            report(graph_store, console=console)


def _empty_server(settings: Settings, *, replace: bool) -> None:
    """A demo on a Bolt server needs an empty graph there; ``--replace`` wipes orggraph's graph first."""
    from orggraph.store.neo4j import wipe_graph

    connection = bolt_connection(settings)
    try:
        if replace:
            wipe_graph(connection)
        elif connection.run("MATCH (n:OrgNode) RETURN count(n) AS n")[0]["n"]:
            raise ConfigurationError(
                f"{settings.store} already holds a graph; add --replace to wipe and rebuild it",
                message_zh=f"{settings.store} 已有图数据；加 --replace 清空后重建",
            )
    finally:
        connection.close()


def _write_batches(graph_store: GraphStore, batches: list[Batch]) -> None:
    total = sum(len(b) for b in batches)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("writing", total=total)
        for batch in batches:
            progress.update(task, description=f"writing {batch.label}")
            graph_store.write(batch)
            progress.advance(task, len(batch))
