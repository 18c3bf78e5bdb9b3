"""The service's commands, registered with ``orggraph`` through an entry point: ``serve``, ``tokens``, ``audit``."""

from __future__ import annotations

import os
from typing import Annotated

import orjson
import typer
from rich.table import Table

from api.protocol import PROTOCOL
from api.tokens import DEFAULT_EXPIRY_DAYS, Role, TokenBook, expiry_of
from orggraph.cli.common import StoreOption, console, open_existing, reports_errors, settings_for
from orggraph.errors import NotFoundError
from orggraph.timeline import today

tokens_app = typer.Typer(
    help="接口令牌：新建、列出、吊销（只保存哈希） / Bearer tokens of the API: add, list, revoke (only their hashes are kept).",
    no_args_is_help=True,
)


@reports_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址 / The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="监听端口 / The port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="工作进程数，每个进程在内存中持有整张图 / Worker processes (each holds the graph in memory)."
        ),
    ] = 1,
    store: StoreOption = None,
) -> None:
    """启动接口服务（OpenAPI 文档在 /docs），基于 uvicorn / Run the API (OpenAPI at /docs) over the store, with uvicorn."""
    import uvicorn

    settings = settings_for(store)
    open_existing(settings).close()  # a missing or unreadable store fails here, clearly, before listening
    if store is not None:
        os.environ["ORGGRAPH_STORE"] = store  # the workers read their settings from the environment
    console.print(f"orggraph API on http://{host}:{port}  (docs: /docs, store: {settings.store}, workers: {workers})")
    uvicorn.run(
        "api.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        http=PROTOCOL,  # uvicorn's, with a limit on the size of a request's head
    )


@tokens_app.command("add")
@reports_errors
def add(
    role: Annotated[
        Role,
        typer.Option(
            "--role",
            help="角色：viewer、dispatcher、planner、importer 或 admin / viewer, dispatcher, planner, importer or admin.",
        ),
    ],
    scope: Annotated[str, typer.Option("--scope", help="可见区域的编码（含下级） / The area code the token sees (its subtree).")],
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help=(
                f"到期：日期、ISO 时间、时长（30d、12h）或 never，默认 {DEFAULT_EXPIRY_DAYS} 天 / "
                f"A date, an ISO time, a span (30d, 12h), or never. Default: {DEFAULT_EXPIRY_DAYS} days."
            ),
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="令牌用途或使用者 / Who or what the token is for.")] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            help=(
                "令牌代表的办事人员（节点编号 person:…），如网格员的应用 / "
                "The person (node id, person:…) the token acts for on cases: a grid worker's app."
            ),
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """新建令牌：只在最后一行打印一次，不另保存 / Make a token; it is printed once, alone on the last line, and kept nowhere."""
    import datetime as dt

    settings = settings_for(store)
    with open_existing(settings) as graph_store:
        if graph_store.kind_of(f"area:{scope}") is None:
            raise NotFoundError(
                f"there is no area {scope!r} in {settings.store}", message_zh=f"{settings.store} 中不存在区域“{scope}”"
            )
        if person is not None and graph_store.kind_of(person) != "person":
            raise NotFoundError(
                f"there is no person {person!r} in {settings.store}", message_zh=f"{settings.store} 中不存在人员“{person}”"
            )
    now = dt.datetime.now(dt.UTC)
    whole, token = TokenBook(settings.tokens_path()).add(
        role, scope, expires=expiry_of(expires, now), note=note, now=now, person=person
    )
    console.print(f"token {token.id}: {token.role.value}, scope {token.scope}, expires {token.expires or 'no expiry'}")
    console.print("shown this once; keep it as a secret:")
    print(whole)


@tokens_app.command("list")
@reports_errors
def list_(store: StoreOption = None) -> None:
    """列出令牌：编号、角色、范围、创建、到期、吊销（从不显示密钥） /
    List the tokens: id, role, scope, created, expires, revoked (never the secrets)."""
    settings = settings_for(store)
    table = Table(title=f"令牌 Tokens ({settings.tokens_path()})", title_justify="left")
    for column in ("id", "role", "scope", "created", "expires", "revoked", "note"):
        table.add_column(column)
    for token in TokenBook(settings.tokens_path()).list():
        public = token.public()
        public["expires"] = public["expires"] or "no expiry"
        table.add_row(*(str(public[c] or "") for c in ("id", "role", "scope", "created", "expires", "revoked", "note")))
    console.print(table)


@tokens_app.command("revoke")
@reports_errors
def revoke(
    token_id: Annotated[str, typer.Argument(help="令牌编号（ogt_ 之后的部分） / The token's id (the part after ogt_).")],
    store: StoreOption = None,
) -> None:
    """吊销令牌：运行中的服务一秒内停止接受 / Revoke a token; running servers stop taking it within a second."""
    token = TokenBook(settings_for(store).tokens_path()).revoke(token_id)
    console.print(f"token {token.id} revoked at {token.revoked}")


@reports_errors
def audit(
    since: Annotated[
        str | None,
        typer.Option("--since", help="只列此日期或时间（ISO）及之后的记录 / Only entries at or after this date or time (ISO)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="最多条数，最新在前 / At most this many, newest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="每行一个 JSON 对象 / One JSON object a line.")] = False,
    store: StoreOption = None,
) -> None:
    """访问审计：哪个令牌经哪个接口、何时看到了哪个人员或住户 /
    List the access audit: which token was shown which person or household, through which route, when."""
    settings = settings_for(store)
    with open_existing(settings) as graph_store:
        entries = graph_store.audit_log("access", since=since, limit=limit)
    if as_json:
        for entry in entries:
            print(orjson.dumps(entry).decode())
        return
    table = Table(title=f"访问留痕 Access audit (newest first, up to {today()})", title_justify="left")
    for column in ("#", "time", "token", "role", "route", "node"):
        table.add_column(column)
    for entry in entries:
        table.add_row(*(str(entry.get(k) or "") for k in ("id", "time", "token", "role", "route", "node")))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``tokens`` and ``audit`` to ``orggraph``."""
    app.command("serve")(serve)
    app.add_typer(tokens_app, name="tokens")
    app.command("audit")(audit)
