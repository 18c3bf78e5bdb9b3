"""The service (服务): ``create_app(settings)`` builds the FastAPI app over the store the settings name.

>>> from orggraph.settings import Settings
>>> app = create_app(Settings(store=":memory:"), store=MemoryStore(PiiKey(bytes(32))), tokens=TokenBook(None))
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/v1/coverage"))
['/v1/coverage/areas', '/v1/coverage/export', '/v1/coverage/findings', '/v1/coverage/summary', '/v1/coverage/trend']

The store is opened when the app starts (its lifespan) unless one is given, and closed when it stops
(a given store is left open). The same routes run on the embedded engine and on Neo4j: they read the
store through the port only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.audit import AuditGate
from api.limits import Limits
from api.routes import admin, cases, coverage, docs, graph, health, imports, lookups, proposals, search, web
from api.service import Service
from api.tokens import TokenBook
from orggraph import __version__
from orggraph.logs import configure_logging
from orggraph.pii import PiiKey
from orggraph.settings import Settings, load_settings
from orggraph.store import GraphStore, MemoryStore, open_store

DESCRIPTION = """
Liaison lookups, escalation paths and coverage gaps of a district's Party-building-led community
governance network (党建引领基层治理).

Every route under `/v1` needs `Authorization: Bearer <token>` (made with `orggraph tokens add`).
A token has a role — viewer, dispatcher, planner, importer, admin, each allowed what the ones before
it are — and a scope area: it sees that area's subtree only, and anything outside answers 404 like a
thing that does not exist. Errors are problem details (RFC 9457) with a stable `code` and messages in
English and Chinese.
"""

__all__ = ["MemoryStore", "PiiKey", "create_app", "create_app_from_env"]


def create_app(settings: Settings, *, store: GraphStore | None = None, tokens: TokenBook | None = None) -> FastAPI:
    """The app: routes, auth, problem details, limits. ``store`` and ``tokens`` default to the settings'."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store if store is not None else open_store(settings, create=False)
        service = Service(settings, opened, tokens if tokens is not None else TokenBook(settings.tokens_path()))
        service.own_store = store is None  # opened from the settings: a child process can open it too
        app.state.service = service
        service.start()
        try:
            yield
        finally:
            service.stop()
            if store is None:
                opened.close()

    app = FastAPI(
        title="orggraph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by api.routes.docs from vendored assets: no CDN
        redoc_url=None,
    )
    problems.install(app)
    for module in (health, docs, lookups, search, cases, coverage, proposals, graph, imports, admin, web):
        app.include_router(module.router)
    app.mount("/static", web.static_files(), name="static")
    app.add_middleware(AuditGate)  # inside the limits: an answer held for its audit entry counts to its time
    app.add_middleware(
        Limits,
        max_bytes=settings.upload_max_bytes,
        timeout=settings.request_timeout,
        upload_timeout=settings.import_timeout,
        upload_paths=("/v1/imports",),
    )
    return app


def create_app_from_env() -> FastAPI:
    """The app over the settings of the environment (``ORGGRAPH_*``): what ``orggraph serve`` runs in
    each worker process."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
