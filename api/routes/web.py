"""The planners' page (规划人员页面) at ``/``: static files shipped with the package, no build step.

The page signs in with a token and then calls the ``/v1`` routes like any other client, so the token's
role and scope apply to it unchanged. Not part of the OpenAPI schema.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles
from starlette.responses import FileResponse

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def static_files() -> StaticFiles:
    """The page's scripts and styles, mounted at ``/static``."""
    return StaticFiles(directory=STATIC)
