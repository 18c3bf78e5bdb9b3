"""Search (查找): ``GET /v1/search?q=`` — nodes by name, code, address or ID number, within the caller's scope.

The text is searched in the search index of today's graph (:mod:`queries.lookups.search`, built once
per store revision by :meth:`api.service.Service.search_index`). Only what the caller's scope sees is
found; persons come masked, with the whole phone of a person in a post for a dispatcher and above
(:mod:`api.masking`); the persons and households shown are recorded in the access audit. A whole ID
number is looked up by its keyed hash and answered masked; it is never logged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.auth import Dispatcher
from api.problems import responses
from api.schemas import SearchOut
from api.scope import area_path, reader_within
from orggraph.store.view import DayView
from queries.lookups.search import MAX_QUERY, search

router = APIRouter(prefix="/v1", tags=["lookups"])

#: The kinds whose showing is recorded in the access audit.
_AUDITED = frozenset({"person", "household"})


@router.get("/search", response_model=SearchOut, responses=responses(), summary="Find nodes by name, code, address or ID")
async def find(
    caller: Dispatcher,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY,
            description="what to find: a name, a code, an address (幸福里小区3号楼2单元501室, with its community in "
            "front or not), a masked ID number (1101**********002X) or a whole one",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="how many hits at most")] = 20,
) -> Response:
    """Nodes by name, code, address or ID number (查找), best first: exact matches (a code, a whole or
    masked ID number, an address, a name), then those starting with the text, then those containing it;
    only what the caller's scope sees, persons masked for the caller's role."""
    service = caller.service
    reader = service.reader()

    def answer() -> Response:
        scope = caller.scope(reader)
        index = service.search_index(reader)
        within = None if scope.everything else scope.area
        found = search(
            index, reader, q, reader=reader_within(reader, scope), within=within, key=service.store.pii_key, limit=limit
        )
        payload = found.to_dict()
        for item in payload["results"]:
            item.update(_places(reader, area_path(reader, item["id"], scope)))
        asked = [item["id"] for item in payload["results"] if item["kind"] in _AUDITED]
        return caller.respond(payload, reader, asked=asked, persons=(item["person"] for item in payload["results"]))

    return await service.guard.read(answer, quick=service.quick(None) and service.search_ready(reader))


def _places(reader: DayView, codes: dict[str, str | None]) -> dict[str, Any]:
    """The street, community and grid of an area path as node references."""
    found: dict[str, Any] = {}
    for kind, code in codes.items():
        node = f"area:{code}" if code is not None else None
        attrs = reader.node(node) if node is not None else None
        found[kind] = None if attrs is None else {"id": node, "code": code, "name": str(attrs.get("name") or code), "kind": kind}
    return found
