"""Tokens and the access audit (令牌管理、访问留痕), for an admin.

An admin manages tokens within its own scope: it may make tokens for its scope area or any area
below, and list or revoke only those.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.auth import Admin, Caller, Viewer
from api.problems import responses
from api.replies import json_reply
from api.routes.coverage import area_in_scope
from api.schemas import AuditEntryOut, MeOut, NewTokenOut, TokenOut
from api.tokens import DEFAULT_EXPIRY_DAYS, Role, Token, expiry_of
from orggraph.errors import NotFoundError
from orggraph.model.kinds import NodeKind

router = APIRouter(prefix="/v1", tags=["admin"])


class NewToken(BaseModel):
    role: Role
    scope: str | None = Field(default=None, max_length=100, description="an area code within the admin's scope (default its own)")
    expires: str | None = Field(
        default=None,
        max_length=40,
        description=f"a date, an ISO time, a span such as 30d or 12h, or `never`; default {DEFAULT_EXPIRY_DAYS} days",
    )
    note: str | None = Field(default=None, max_length=200, description="who or what the token is for")
    person: str | None = Field(
        default=None, max_length=100, description="the person (person:…) the token acts for on cases, within the scope"
    )


def _mine(caller: Caller, token: Token) -> bool:
    """Whether ``token`` is scoped within the admin's scope (today)."""
    with caller.service.reading():
        reader = caller.service.reader()
        scope = caller.scope(reader)
        return scope.everything or scope.contains(reader, f"area:{token.scope}")


@router.get("/me", response_model=MeOut, responses=responses(), summary="The calling token")
def me(caller: Viewer) -> Response:
    """The calling token's id, role, scope area (with its name and kind) and expiry: what a client
    shows and which pages it offers."""
    with caller.service.reading():
        reader = caller.service.reader()
        place = reader.node(caller.scope(reader).area) or {}
    token = caller.token
    return json_reply(
        {
            "id": token.id,
            "role": token.role.value,
            "scope": token.scope,
            "scope_name": place.get("name"),
            "scope_kind": place.get("kind"),
            "expires": token.expires,
        }
    )


@router.get("/tokens", response_model=list[TokenOut], responses=responses(), summary="Tokens")
def list_tokens(caller: Admin) -> Response:
    """The tokens scoped within the admin's scope, revoked and expired ones too; never their secrets."""
    return json_reply([t.public() for t in caller.service.tokens.list() if _mine(caller, t)])


@router.post("/tokens", response_model=NewTokenOut, status_code=201, responses=responses(), summary="Make a token")
def add_token(caller: Admin, body: NewToken) -> Response:
    """Make a token; the whole token is in the answer this once and kept nowhere."""
    service = caller.service
    with service.reading():
        reader = service.reader()
        _, code = area_in_scope(caller, reader, body.scope)
        if body.person is not None:
            service.named(caller.scope(reader), reader, body.person, NodeKind.PERSON)
    now = dt.datetime.now(dt.UTC)
    expires = expiry_of(body.expires, now)
    whole, token = service.tokens.add(body.role, code, expires=expires, note=body.note, now=now, person=body.person)
    return json_reply({**token.public(), "token": whole}, status=201)


@router.delete("/tokens/{token_id}", response_model=TokenOut, responses=responses(), summary="Revoke a token")
def revoke_token(caller: Admin, token_id: Annotated[str, Path(max_length=40, description="the token's id")]) -> Response:
    """Revoke a token by its id; it stops working within a second on every server."""
    tokens = caller.service.tokens
    found = next((t for t in tokens.list() if t.id == token_id and _mine(caller, t)), None)
    if found is None:
        raise NotFoundError(f"no token {token_id!r}", message_zh=f"不存在令牌“{token_id}”", value=token_id)
    return json_reply(tokens.revoke(token_id).public())


@router.get("/audit", response_model=list[AuditEntryOut], responses=responses(), summary="The access audit")
def audit(
    caller: Admin,
    since: Annotated[dt.datetime | None, Query(description="only entries at or after this time (ISO)")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="at most this many entries")] = 1000,
) -> Response:
    """Who was shown which person or household, through which route, when; newest first. An admin
    scoped below the whole district sees the entries of the nodes within its scope: the last `limit`
    of those (the limit counts what the scope sees, not the entries read before it is applied)."""
    service = caller.service
    stamp = since.astimezone(dt.UTC).isoformat(timespec="seconds") if since is not None else None
    with service.reading():
        reader = service.reader()
        scope = caller.scope(reader)
    if scope.everything:
        kept = service.store.audit_log("access", since=stamp, limit=limit)
    else:
        kept = _within_scope(caller, stamp, limit)
    return json_reply([{k: e.get(k) for k in AuditEntryOut.model_fields} for e in kept])


def _within_scope(caller: Caller, since: str | None, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` access entries whose node the caller's scope sees: read newest first in
    windows that grow fourfold until enough are kept or the trail is read to its start (the store
    lists entries newest first and has no cursor, so each window is read from the newest)."""
    service = caller.service
    window = max(limit * 4, 1000)
    while True:
        entries = service.store.audit_log("access", since=since, limit=window)
        with service.reading():
            reader = service.reader()
            scope = caller.scope(reader)
            kept = [e for e in entries if scope.sees(reader, str(e.get("node")))]
        if len(kept) >= limit or len(entries) < window:
            return kept[:limit]
        window *= 4
