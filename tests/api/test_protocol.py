"""Request heads have a size limit (issue 15, C), on a real ``orggraph serve``.

A request whose line and headers pass :data:`api.protocol.HEAD_MAX_BYTES` — a 10 MB
``Authorization`` header — is answered 431 as soon as the limit is passed, long before the client
has sent it all, and the server neither keeps nor parses the rest; the connection is then closed. A
head within the limit is answered as always, and the server goes on serving.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from api.protocol import HEAD_MAX_BYTES
from orggraph.store import EmbeddedStore
from tests.api.conftest import KEY, api_world
from tests.api.test_cli import ENV, _free_port

TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("protocol") / "heads.db"
    api_world(EmbeddedStore(path, KEY, create=True)).close()
    port = _free_port()
    orggraph = str(Path(sys.executable).with_name("orggraph"))
    process = subprocess.Popen(
        [orggraph, "serve", "--store", str(path), "--port", str(port)],
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                if httpx.get(f"{url}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status_and_body(reply: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), orjson.loads(body) if body else {}


def test_a_10_mb_authorization_header_is_refused_with_431_before_it_is_sent_whole(base: str) -> None:
    port = int(base.rsplit(":", 1)[1])
    sent = 0
    answered = threading.Event()
    sent_when_answered: list[int] = []

    def send(sock: socket.socket) -> None:
        nonlocal sent
        sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
        chunk = b"a" * 65536
        try:
            while sent < TEN_MB and not answered.is_set():
                sock.sendall(chunk)
                sent += len(chunk)
                time.sleep(0.002)
        except OSError:
            pass  # closed by the server: what it should do once it has answered

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sender = threading.Thread(target=send, args=(sock,))
        sender.start()
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.partition(b"\r\n\r\n")[2]) < 10:
            part = sock.recv(65536)
            if not part:
                break
            if not reply:
                sent_when_answered.append(sent)
                answered.set()
            reply += part
        answered.set()
        sender.join(timeout=30)
    status, problem = _status_and_body(reply)
    assert status == 431, reply[:300]
    assert problem["code"] == "request.headers-too-large"
    assert problem["message_zh"]
    assert sent_when_answered[0] < TEN_MB // 4, sent_when_answered  # answered early, not after reading 10 MB
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_an_http_client_sending_a_10_mb_header_gets_the_431(base: str) -> None:
    answer = httpx.get(f"{base}/v1/me", headers={"Authorization": "Bearer " + "a" * TEN_MB}, timeout=60)
    assert answer.status_code == 431
    assert answer.headers["connection"] == "close"


def test_a_head_within_the_limit_is_answered_as_always(base: str) -> None:
    big = "Bearer ogt_" + "a" * (HEAD_MAX_BYTES // 2)
    assert httpx.get(f"{base}/v1/me", headers={"Authorization": big}).status_code == 401
    assert httpx.get(f"{base}/healthz").status_code == 200
    # many requests on one connection, each head within the limit: the count starts again per request
    with httpx.Client(base_url=base) as client:
        for _ in range(5):
            assert client.get("/v1/me", headers={"Authorization": big}).status_code == 401
