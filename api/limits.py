"""Request limits (请求限制), as plain ASGI middleware around the whole app.

* **Body size**: a request whose ``Content-Length`` — or whose body as it streams in — passes
  ``upload_max_bytes`` is answered 413 at once; nothing of it reaches the store.
* **Time**: a request not answered within ``request_timeout`` seconds (``import_timeout`` for an
  upload) is answered 503 ``request.timeout``. The work it started is not torn down half-way: a read
  finishes and is thrown away; an import finishes or fails whole, and is in the import audit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.problems import problem_response

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class _BodyTooLargeError(Exception):
    pass


class Limits:
    """The size and time limits; see the module docstring."""

    def __init__(self, app: App, *, max_bytes: int, timeout: float, upload_timeout: float, upload_paths: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.upload_paths = upload_paths

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(send, path)
            return
        state = {"received": 0, "too_large": False, "started": False, "finished": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_bytes:
                    state["too_large"] = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            if state["finished"]:
                return  # answered already (too large, or timed out): the late answer is dropped
            if state["too_large"]:
                state["finished"] = True
                await self._too_large(send, path)
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        timeout = self.upload_timeout if path in self.upload_paths else self.timeout
        task = asyncio.ensure_future(self.app(scope, limited_receive, guarded_send))
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if task in done:
            with contextlib.suppress(_BodyTooLargeError):
                task.result()
            if state["too_large"] and not state["finished"]:
                state["finished"] = True
                await self._too_large(send, path)
            return
        task.add_done_callback(_forget)
        if not state["started"]:
            state["finished"] = True
            response = problem_response(
                503,
                "request.timeout",
                f"the request took longer than {timeout:g} s; it was not answered",
                f"请求处理超过 {timeout:g} 秒，未能答复",
                path,
            )
            await response(scope, receive, send)

    async def _too_large(self, send: Send, path: str) -> None:
        response = problem_response(
            413,
            "upload.too-large",
            f"the request body is larger than {self.max_bytes} bytes (ORGGRAPH_UPLOAD_MAX_BYTES)",
            f"请求内容超过 {self.max_bytes} 字节（ORGGRAPH_UPLOAD_MAX_BYTES）",
            path,
        )
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _forget(task: asyncio.Future[None]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so it is not reported as never retrieved
