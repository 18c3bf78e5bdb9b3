"""The graph itself (图): one node with its attributes, and the path that explains how two are linked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.auth import Planner, Viewer
from api.params import AsOf, day_of
from api.problems import responses
from api.replies import json_reply
from api.schemas import LabelsOut, NodeOut, PathOut
from api.scope import area_path
from orggraph.errors import NotFoundError
from orggraph.model.labels import vocabulary
from queries.lookups.explain import explain_path
from queries.reading.model import person_of

router = APIRouter(prefix="/v1", tags=["graph"])

#: Attributes never shown as they are: the sealed whole values (revealed by role as ``phone`` / ``id_number``).
_SEALED = ("id_sealed", "phone_sealed")

NodeId = Annotated[
    str,
    Path(
        max_length=300,
        description="a node id: area:C01, household:H0001, person:…, org:…; a building's or an entrance's "
        "holds `/` (area:P1/3号楼/2单元), given as it is or as %2F",
    ),
]


@router.get("/labels", response_model=LabelsOut, responses=responses(), summary="Names on screen of the model's words")
def labels(caller: Viewer) -> Response:  # signed in, whatever the role
    """The Chinese and English names (界面名称) of node kinds, link kinds, node attributes and their
    enumerated values, so a client shows words, not identifiers."""
    return json_reply(vocabulary())


@router.get("/nodes/{node:path}", response_model=NodeOut, responses=responses(), summary="One node")
def node(caller: Planner, node: NodeId, as_of: AsOf = None) -> Response:
    """A node's kind, code, name and attributes (persons masked; an admin sees the whole ID number),
    and the street, community and grid it sits in — of a place within the caller's scope. The id
    is the rest of the path, `/` included: `/v1/nodes/area:P1/3号楼/2单元` (or `…P1%2F3号楼%2F2单元`)."""
    service = caller.service
    with service.reading(day_of(as_of)):
        reader = service.reader(day_of(as_of))
        scope = caller.scope(reader)
        attrs = reader.node(node)
        if attrs is None or not scope.sees(reader, node):
            raise NotFoundError(f"no node {node!r} on {reader.day}", message_zh=f"{reader.day}不存在节点“{node}”", value=node)
        kind = str(attrs.get("kind"))
        payload: dict[str, Any] = {
            "id": node,
            "kind": kind,
            "code": node.split(":", 1)[-1] if kind != "person" else str(attrs.get("id_masked", "")),
            "name": attrs.get("name"),
            "attrs": {k: v for k, v in attrs.items() if k not in _SEALED},
            **area_path(reader, node, scope),
            "person": person_of(node, attrs).to_dict() if kind == "person" else None,
        }
        asked = [node] if kind in ("person", "household") else []
        return caller.respond(payload, reader, asked=asked, person_route=True)


@router.get("/paths", response_model=PathOut, responses=responses(), summary="How two nodes are linked")
def path(
    caller: Planner,
    start: Annotated[str, Query(alias="from", max_length=300, description="a node id")],
    end: Annotated[str, Query(alias="to", max_length=300, description="a node id")],
    as_of: AsOf = None,
) -> Response:
    """The shortest path between two nodes over links active on the day, in either direction, through
    nodes within the caller's scope only; as hops and a sentence in Chinese and English."""
    service = caller.service
    with service.reading(day_of(as_of)):
        reader = service.reader(day_of(as_of))
        scope = caller.scope(reader)
        for one in (start, end):
            if not scope.sees(reader, one):
                raise NotFoundError(f"no node {one!r} on {reader.day}", message_zh=f"{reader.day}不存在节点“{one}”", value=one)
        found = explain_path(reader, start, end, through=None if scope.everything else lambda n: scope.sees(reader, n))
        asked = [n for n in (start, end) if (reader.node(n) or {}).get("kind") in ("person", "household")]
        return caller.respond(found.to_dict(), reader, asked=asked)
