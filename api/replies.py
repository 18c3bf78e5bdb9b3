"""Responses the routes build themselves: JSON straight from plain data, and file downloads.

Routes declare their pydantic response model for the OpenAPI schema and hand back the queries'
plain data serialised by orjson; the models are not built per request (the schemathesis run in CI
checks that what is sent fits them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from starlette.responses import Response

MEDIA = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}

#: The OpenAPI ``responses`` entry of a route that answers a file.
FILE_CONTENT: dict[str, Any] = {"content": {MEDIA[".csv"]: {}, MEDIA[".xlsx"]: {}}, "description": "the file"}


def json_reply(payload: Any, *, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def file_reply(body: bytes, name: str) -> Response:
    """A download: the media type from the suffix, the name in ``Content-Disposition`` (RFC 6266)."""
    media = MEDIA[Path(name).suffix.lower()]
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
