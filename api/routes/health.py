"""Liveness and readiness, without a token: for a load balancer or an orchestrator."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.replies import json_reply
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Alive")
async def healthz() -> Response:
    """The process answers."""
    return json_reply({"status": "alive"})


@router.get("/readyz", response_model=Health, responses={503: {"model": Health, "description": "not ready"}}, summary="Ready")
async def readyz(request: Request) -> Response:
    """The store is open and answers; 503 while it is not."""
    service = getattr(request.app.state, "service", None)
    if service is None:
        return json_reply({"status": "starting"}, status=503)
    try:
        revision = service.store.revision
    except Exception:
        return json_reply({"status": "store unavailable"}, status=503)
    return json_reply({"status": "ready", "revision": revision})
