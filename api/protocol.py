"""The HTTP protocol the server runs (HTTP 协议层): uvicorn's, with a limit on the size of a request's head.

uvicorn's parser keeps a header's value in memory until the header ends, however long it is: a
client could send a 10 MB ``Authorization`` header and the server would read and hold all of it.
:class:`BoundedHeadProtocol` counts the bytes a request's line and headers take as they arrive; once
they pass :data:`HEAD_MAX_BYTES` before the head has ended, it answers ``431 Request Header Fields
Too Large`` (a problem detail with the code ``request.headers-too-large``), closes the connection and
reads nothing more of it. The count starts again with each request of a kept-alive connection.

``orggraph serve`` runs it (``uvicorn.run(http=...)``); tests and benchmarks start the same command.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("orggraph.api")

#: The most bytes a request line and its headers may take together (as nginx's default buffers: 4 × 8 KiB).
HEAD_MAX_BYTES = 32 * 1024
#: Where ``uvicorn.run`` finds the protocol (an import string, so that worker processes load it too).
PROTOCOL = "api.protocol:BoundedHeadProtocol"
CODE = "request.headers-too-large"


def too_large_reply(limit: int = HEAD_MAX_BYTES) -> bytes:
    """The whole 431 answer, head and body, as it goes on the wire."""
    status = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
    message_en = f"the request's line and headers pass {limit:,} bytes; send a shorter request"
    message_zh = f"请求行与请求头超过 {limit:,} 字节；请缩短后重试"
    body = orjson.dumps(
        {
            "type": f"urn:orggraph:problem:{CODE}",
            "title": status.phrase,
            "status": int(status),
            "detail": message_en,
            "instance": "",
            "code": CODE,
            "message_en": message_en,
            "message_zh": message_zh,
        }
    )
    head = (
        f"HTTP/1.1 {int(status)} {status.phrase}\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    ).encode("ascii")
    return head + body


class BoundedHeadProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request whose head passes :data:`HEAD_MAX_BYTES`."""

    head_max_bytes = HEAD_MAX_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0  # bytes received since the last head ended (or the connection opened)
        self._in_head = True
        self._refused = False

    def on_message_begin(self) -> None:
        self._in_head = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # answered 431 and closing: nothing more is read
        if self._in_head and self._head_bytes + len(data) > self.head_max_bytes:
            # The part of ``data`` that may end the head within the limit is fed first: such a head passes.
            room = max(self.head_max_bytes - self._head_bytes, 0)
            if room:
                self._head_bytes += room
                super().data_received(data[:room])  # a head that ends there sets the count back to 0
            if self._in_head:
                self._refuse()
                return
            self.data_received(data[room:])
            return
        if self._in_head:
            self._head_bytes += len(data)  # counted first: the head ending in ``data`` sets it back to 0
        super().data_received(data)

    def _refuse(self) -> None:
        self._refused = True
        log.warning("a request's head passed %d bytes: answered 431 and closed", self.head_max_bytes)
        if not self.transport.is_closing():
            self.transport.write(too_large_reply(self.head_max_bytes))
            self.transport.close()
