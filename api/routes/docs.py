"""The API's documentation pages, served with no network: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

Their scripts and styles are vendored in ``api/web/static/vendor/`` (npm ``swagger-ui-dist`` 5.36.0 and
``redoc`` 2.5.4, with their licences) and served from ``/static``, not from a CDN: a district's intranet
often has no way out, and the page must not call one. No token is needed, as for ``/openapi.json``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor"
TITLE = "orggraph API 接口文档"


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, its assets served by the app."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=TITLE,
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    """ReDoc over ``/openapi.json``, its script served by the app and no web fonts fetched."""
    return get_redoc_html(
        openapi_url="/openapi.json",
        title=TITLE,
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
