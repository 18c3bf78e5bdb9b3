"""``orggraph migrate``: copy an embedded store onto a Bolt server (Neo4j), or back, and prove the copy.

``--to bolt://…`` copies the embedded store ``--store FILE`` into an empty graph on the server;
``--from bolt://…`` copies the server's graph into a new embedded store ``--store FILE``. Both then
read the copy back afresh and compare counts per kind (today) and the checksum of the whole graph
(every node, every link period); a difference is an error. The personal-data key travels with the
graph: the copy is made with the source's key, so person codes stay valid.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orggraph.cli.common import StoreOption, console, remove_store_files, reports_errors, settings_for
from orggraph.errors import ConfigurationError, StoreError
from orggraph.settings import Settings
from orggraph.store import EmbeddedStore, GraphStore, bolt_connection, open_store, pii_key
from orggraph.store.digest import graph_of, store_digest

ToOption = Annotated[
    str | None,
    typer.Option("--to", help="把嵌入式 --store 复制到此 bolt:// 地址 / Copy the embedded --store to this bolt:// URI."),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="把此 bolt:// 地址上的图复制到新的 --store 文件 / Copy the graph at this bolt:// URI into a new --store file.",
    ),
]
ReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="先清空目标（删除文件或清空服务器上的图） / Empty the target first (a file is deleted, a server's graph wiped).",
    ),
]


@reports_errors
def migrate(to: ToOption = None, from_: FromOption = None, store: StoreOption = None, replace: ReplaceOption = False) -> None:
    """在嵌入式引擎与 Bolt 服务器之间迁移存储，最后核对计数与校验和 /
    Copy a store between the embedded engine and a Bolt server; counts and checksum compared at the end."""
    if (to is None) == (from_ is None):
        raise ConfigurationError(
            "give exactly one of --to bolt://… and --from bolt://…", message_zh="请只指定 --to 或 --from 之一"
        )
    file_settings = settings_for(store)
    if file_settings.is_bolt:
        raise ConfigurationError(
            "--store names the embedded file here; the server goes in --to/--from", message_zh="--store 须为文件路径"
        )
    bolt_settings = file_settings.model_copy(update={"store": to or from_})
    if not bolt_settings.is_bolt:
        raise ConfigurationError(f"{to or from_!r} is not a bolt:// or neo4j:// URI", message_zh="--to/--from 须为 bolt:// 地址")
    started = time.perf_counter()
    if to is not None:
        source, target = _to_server(file_settings, bolt_settings, replace=replace)
    else:
        source, target = _from_server(file_settings, bolt_settings, replace=replace)
    with source, target:
        copied = time.perf_counter() - started
        _compare(source, target, copied)


def _to_server(file_settings: Settings, bolt_settings: Settings, *, replace: bool) -> tuple[GraphStore, GraphStore]:
    from orggraph.store.neo4j import Neo4jStore, wipe_graph

    source = open_store(file_settings)
    connection = bolt_connection(bolt_settings)
    if replace:
        wipe_graph(connection)
    target = Neo4jStore(connection, source.pii_key, create=True)
    with console.status(f"copying {source.location} to {target.location} …"):
        target.load_graph(graph_of(source.dump()))
    key_file = file_settings.key_path() if file_settings.key is None else None
    if key_file is not None:
        console.print(f"The graph on {target.location} uses the key {key_file}: set ORGGRAPH_KEY_FILE={key_file} to open it.")
    return source, target


def _from_server(file_settings: Settings, bolt_settings: Settings, *, replace: bool) -> tuple[GraphStore, GraphStore]:
    path = Path(file_settings.store)
    if path.exists() and path.stat().st_size > 0:
        if not replace:
            raise ConfigurationError(f"{path} already exists; add --replace or pick another --store", message_zh=f"{path} 已存在")
        remove_store_files(path)
    source = open_store(bolt_settings)
    key_path = file_settings.key_path()
    if file_settings.key is None and not key_path.exists() and bolt_settings.key is None:
        shutil.copyfile(bolt_settings.key_path(), key_path)  # the copy keeps the graph's key
        key_path.chmod(0o600)
    key = pii_key(file_settings, create=False)
    if key.fingerprint != source.pii_key.fingerprint:
        source.close()
        raise StoreError(f"{key_path} is not the key of {source.location}", message_zh="密钥与源图不匹配")
    target = EmbeddedStore(path, key, create=True)
    with console.status(f"copying {source.location} to {target.location} …"):
        target.load_graph(graph_of(source.dump()))
    return source, target


def _compare(source: GraphStore, target: GraphStore, seconds: float) -> None:
    """Read the copy back afresh and compare counts and checksum; raise when they differ."""
    fresh = _reopen(target)
    try:
        table = Table(title=f"Copied in {seconds:.1f} s 复制完成")
        table.add_column("")
        table.add_column(source.location)
        table.add_column(fresh.location)
        counts = [s.counts() for s in (source, fresh)]
        digests = [store_digest(s) for s in (source, fresh)]
        table.add_row("nodes 节点", f"{sum(counts[0].nodes.values()):,}", f"{sum(counts[1].nodes.values()):,}")
        table.add_row("active links 关系", f"{sum(counts[0].links.values()):,}", f"{sum(counts[1].links.values()):,}")
        table.add_row("checksum 校验和", digests[0][:16], digests[1][:16])
        console.print(table)
        if digests[0] != digests[1] or counts[0] != counts[1]:
            raise StoreError(
                f"the copy at {fresh.location} differs from {source.location} (counts or checksum)",
                message_zh="复制结果与源数据不一致",
            )
        console.print("[green]identical 一致[/]")
    finally:
        fresh.close()


def _reopen(store: GraphStore) -> GraphStore:
    """The copy opened again from where it lives, so what is compared is what was written."""
    if isinstance(store, EmbeddedStore):
        return EmbeddedStore(store.path, store.pii_key, create=False)
    from orggraph.store.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    return Neo4jStore(store.connection.reconnect(), store.pii_key)
