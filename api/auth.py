"""Who is calling (调用方): the bearer token checked, its role weighed, its scope taken.

Every route but ``/healthz``, ``/readyz`` and the docs needs ``Authorization: Bearer <token>``.
A missing, unknown, revoked or expired token answers 401; a role below the route's answers 403.
Routes take one of the ``Annotated`` aliases below (``Viewer``, ``Dispatcher`` …).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from api.audit import SCOPE_KEY, Commit
from api.masking import Revealer
from api.problems import ForbiddenError, UnauthorizedError
from api.replies import json_reply
from api.scope import Scope
from api.service import Service
from api.tokens import Role, Token
from orggraph.store.view import DayView

bearer = HTTPBearer(auto_error=False, description="a token made with `orggraph tokens add`")


@dataclass(slots=True)
class Caller:
    """The token of a request, the service, the route it called (for the access audit), and the audit
    commits its answer waits on (the list :class:`api.audit.AuditGate` keeps in the request's scope)."""

    token: Token
    service: Service
    route: str
    commits: list[Commit] = field(default_factory=list)

    @property
    def role(self) -> Role:
        return self.token.role

    def scope(self, reader: DayView) -> Scope:
        return self.service.scope_of(self.token, reader)

    def respond(
        self,
        payload: Any,
        reader: DayView,
        *,
        asked: Sequence[str] = (),
        person_route: bool = False,
        persons: Iterable[dict[str, Any] | None] | None = None,
        units: Iterable[dict[str, Any] | None] = (),
        status: int = 200,
    ) -> Response:
        """The JSON response: persons and units revealed as the role allows (``persons`` and ``units``,
        when the route knows where they are; else every person and unit found in ``payload``); the access
        recorded when the answer names a person or household (``asked``, and every person whose whole
        data it shows)."""
        revealer = Revealer(reader, self.service.store.pii_key, self.role, person_route=person_route)
        if persons is not None:
            revealer.persons(persons)
            revealer.units(units)
        else:
            revealer.walk(payload)
        shown = [*asked, *(n for n in revealer.shown if n not in asked)]
        if shown:
            self.audit(shown)
        return json_reply(payload, status=status)

    def audit(self, nodes: Sequence[str]) -> None:
        """Record that the caller is shown ``nodes``; the answer is sent once that is written."""
        self.commits.append(self.service.audit.record(self.token.id, self.role.value, self.route, nodes))


def need(role: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits tokens of ``role`` or above."""

    async def caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        service: Service = request.app.state.service
        if credentials is None:
            raise UnauthorizedError(
                "this route needs a bearer token (Authorization: Bearer <token>)",
                message_zh="此接口需要访问令牌（Authorization: Bearer <令牌>）",
            )
        token = service.tokens.verify(credentials.credentials)
        if token is None:
            raise UnauthorizedError("the bearer token is unknown, revoked or expired", message_zh="访问令牌无效、已吊销或已过期")
        if not token.role.allows(role):
            raise ForbiddenError(
                f"a {token.role.value} token may not use this route; it needs {role.value} or above",
                message_zh=f"{token.role.value} 角色无权使用此接口；需要 {role.value} 或更高角色",
            )
        route = request.scope.get("route")
        commits = request.scope.get(SCOPE_KEY)
        if commits is None:  # not behind the gate (an app put together without it): nothing would wait
            raise RuntimeError("the app has no AuditGate: an audited answer could leave before its entry")
        return Caller(token, service, getattr(route, "path", None) or request.scope["path"], commits)

    return caller


Viewer = Annotated[Caller, Depends(need(Role.VIEWER))]
Dispatcher = Annotated[Caller, Depends(need(Role.DISPATCHER))]
Planner = Annotated[Caller, Depends(need(Role.PLANNER))]
Importer = Annotated[Caller, Depends(need(Role.IMPORTER))]
Admin = Annotated[Caller, Depends(need(Role.ADMIN))]
