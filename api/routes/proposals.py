"""Proposals that close gaps (补齐建议): 1+10 contacts and liaison (包联), as data or as the roster to import."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from api.auth import Caller, Planner
from api.params import Area, AsOf, day_of
from api.problems import ForbiddenError, responses
from api.replies import FILE_CONTENT, file_reply, json_reply
from api.routes.coverage import ExportFormat, FormatParam, area_in_scope
from api.schemas import ProposalOut
from api.tokens import Role
from queries.proposals import PROPOSALS, Proposal, propose

router = APIRouter(prefix="/v1", tags=["proposals"])

ProposalName = StrEnum("ProposalName", {name: name for name in PROPOSALS})  # type: ignore[misc]
KindParam = Annotated[ProposalName, Path(description="contacts (1+10 联系户) or liaison (包联)")]


def _proposal(caller: Caller, kind: str, area: str | None, as_of: str | None) -> Proposal:
    service = caller.service
    reader = service.reader(as_of)
    _, code = area_in_scope(caller, reader, area)
    return service.cached(
        ("proposal", kind, reader.day, code, id(service.policy)),
        lambda: propose(service.store, kind, scope=code, as_of=reader.day, policy=service.policy),
    )


@router.get("/proposals/{kind}", response_model=ProposalOut, responses=responses(), summary="A proposal for the area")
def proposal(caller: Planner, kind: KindParam, area: Area = None, as_of: AsOf = None) -> Response:
    """``contacts``: which member should contact each uncontacted household (1+10), nearest first, within
    each member's capacity. ``liaison``: which leaders should liaise with communities below the norm.
    Members and leaders appear with masked ID numbers."""
    with caller.service.guard.reading():
        return json_reply(_proposal(caller, kind.value, area, day_of(as_of)).to_dict())


@router.get(
    "/proposals/{kind}/roster",
    responses={**responses(), 200: FILE_CONTENT},
    response_class=Response,
    summary="A proposal as the roster to import",
)
def roster(
    caller: Planner, kind: KindParam, format: FormatParam = ExportFormat.xlsx, area: Area = None, as_of: AsOf = None
) -> Response:
    """The full roster of the area (联系户 or 包联) with the proposed rows marked in 备注: importing it
    with the area as scope applies exactly the proposal. The 联系户 roster names members by the store's
    person code (人员编号), so it shows no personal data and a planner may have it; a 包联 roster defines
    its persons by whole ID number, so it is for an admin, and its download is recorded in the access
    audit under the area."""
    by_code = kind.value == "contacts"
    if not by_code and not caller.role.allows(Role.ADMIN):
        raise ForbiddenError(
            "a 包联 roster carries whole ID numbers: it needs an admin token",
            message_zh="包联名册含完整身份证号，需要管理员令牌",
        )
    with caller.service.guard.reading(), tempfile.TemporaryDirectory(prefix="orggraph-proposal-") as folder:
        found = _proposal(caller, kind.value, area, day_of(as_of))
        code = found.scope_code or "all"
        path = found.write(FilePath(folder) / f"{PROPOSALS[kind.value].roster_zh}-{code}.{format.value}", by_code=by_code)
        if not by_code:
            caller.audit([f"area:{code}"])
        return file_reply(path.read_bytes(), path.name)
