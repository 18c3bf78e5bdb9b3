"""Errors as problem details (RFC 9457, ``application/problem+json``), mapped in one place.

Routes raise the product's :class:`~orggraph.errors.OrgGraphError` s (and the few of the API's own
below); :func:`install` maps each to its HTTP status here. The body carries the error's stable
``code`` and a message in English and in Chinese::

    {"type": "urn:orggraph:problem:not-found", "title": "Not Found", "status": 404,
     "detail": "no household 'H9' on 2026-11-21", "instance": "/v1/households/H9/liaison",
     "code": "not-found", "message_en": "...", "message_zh": "..."}

A thing outside the caller's scope answers exactly as a thing that does not exist.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from orggraph.errors import (
    CaseStateError,
    ConfigurationError,
    InvalidValueError,
    NotFoundError,
    OrgGraphError,
    RefusedWriteError,
    RosterError,
    RosterTooLargeError,
    StaleRevisionError,
    StoreUnavailableError,
    UndoError,
)

log = logging.getLogger("orggraph.api")

MEDIA_TYPE = "application/problem+json"


class ApiError(OrgGraphError):
    """An error of the service itself (not of the graph): it knows its HTTP status."""

    status: ClassVar[int] = 400
    code = "request.invalid"
    title_zh = "请求无效"


class UnauthorizedError(ApiError):
    status = 401
    code = "auth.unauthenticated"
    title_zh = "未认证"


class ForbiddenError(ApiError, PermissionError):
    status = 403
    code = "auth.forbidden"
    title_zh = "无权访问"


class TooLargeError(ApiError):
    status = 413
    code = "upload.too-large"
    title_zh = "上传内容过大"


class Problem(BaseModel):
    """A problem detail (RFC 9457) with the product's error code and messages in both languages."""

    type: str = Field(description="URN of the problem type: urn:orggraph:problem:<code>")
    title: str = Field(description="the HTTP status phrase")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what went wrong, in English")
    instance: str = Field(description="the request path")
    code: str = Field(description="the stable error code, e.g. not-found, auth.forbidden, request.invalid")
    message_en: str
    message_zh: str
    errors: list[dict[str, Any]] | None = Field(default=None, description="per-field problems of a malformed request")


def status_of(error: OrgGraphError) -> int:
    """The HTTP status of a product error."""
    if isinstance(error, ApiError):
        return error.status
    if isinstance(error, RosterTooLargeError):
        return 413
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, RefusedWriteError | StaleRevisionError | UndoError | CaseStateError):
        return 409
    if isinstance(error, ConfigurationError | InvalidValueError | RosterError):
        return 422
    if isinstance(error, StoreUnavailableError):
        return 503
    return 500


def problem_response(
    status: int,
    code: str,
    message_en: str,
    message_zh: str,
    instance: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:orggraph:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": message_en,
        "instance": instance,
        "code": code,
        "message_en": message_en,
        "message_zh": message_zh,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_error(error: OrgGraphError, instance: str) -> Response:
    status = status_of(error)
    if status >= 500:
        log.error("%s at %s: %s", error.code, instance, error.message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem_response(status, error.code, error.message, error.message_zh, instance, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]


#: What the commonest field problems say in Chinese, by pydantic error type (the English message otherwise).
_FIELD_ZH: dict[str, str] = {
    "missing": "必须填写",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "至多{max_length}个字符",
    "greater_than_equal": "不能小于{ge}",
    "less_than_equal": "不能大于{le}",
    "greater_than": "必须大于{gt}",
    "less_than": "必须小于{lt}",
    "int_parsing": "应为整数",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "enum": "应为以下之一：{expected}",
}


def _zh(error: Any) -> str:
    """A field problem in Chinese: the known kinds by name, others as pydantic words them."""
    template = _FIELD_ZH.get(str(error.get("type", "")))
    try:
        return template.format(**error.get("ctx", {})) if template else str(error.get("msg", ""))
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


_HTTP_CODES: dict[int, tuple[str, str]] = {
    404: ("http.not-found", "没有这个地址"),
    405: ("http.method", "不支持此请求方法"),
    413: ("upload.too-large", "上传内容过大"),
}


def install(app: FastAPI) -> None:
    """Map every error a request can raise to a problem response."""

    @app.exception_handler(OrgGraphError)
    async def product_error(request: Request, exc: OrgGraphError) -> Response:
        return from_error(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        errors = _field_errors(exc)
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        where_zh = "；".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}：{_zh(e)}" for e in exc.errors()[:5])
        return problem_response(
            422,
            "request.invalid",
            f"the request is malformed: {where}",
            f"请求格式有误：{where_zh}",
            request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # a body that cannot be parsed at all: as malformed as a wrong field
            return problem_response(
                422, "request.invalid", f"the request is malformed: {exc.detail}", f"请求格式有误：{exc.detail}", request.url.path
            )
        code, zh = _HTTP_CODES.get(exc.status_code, ("http.error", f"请求出错（{exc.status_code}）"))
        return problem_response(
            exc.status_code, code, str(exc.detail), zh, request.url.path, headers=dict(exc.headers) if exc.headers else None
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error at %s", request.url.path)
        return problem_response(
            500, "internal", "an unexpected error; it has been logged", "服务内部错误，已记录日志", request.url.path
        )


#: The documented error responses of a route that needs a token.
def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem statuses a route may answer."""
    return {
        s: {"model": Problem, "description": HTTPStatus(s).phrase, "content": {MEDIA_TYPE: {}}}
        for s in (401, 403, 404, 422, *statuses)
    }
