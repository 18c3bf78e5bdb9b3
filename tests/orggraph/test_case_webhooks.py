"""Case webhooks (事件推送) against a real HTTP receiver on 127.0.0.1: signing, the payload, retries,
refusals, the filter, a caller never kept waiting, and close."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from orggraph.cases.model import Case
from orggraph.cases.webhooks import Target, WebhookNotifier, sign

SECRET = b"a-shared-secret-for-the-tests"


def a_case(case_id: str = "CASE-0001", *, category: str = "物业纠纷", level: str = "community") -> Case:
    return Case(
        id=case_id,
        household="H1",
        address="幸福里小区3号楼2单元501",
        category=category,
        description="楼道堆放杂物",
        source="hotline",
        reported_at="2026-12-07T02:00:00Z",
        areas=["area:E1", "area:C1", "area:S1", "area:D"],
        grid="G1",
        community="C1",
        street="S1",
        path=[{"level": "grid", "id": "p1"}, {"level": "community", "id": "p2"}],
        step=1,
        assignee={
            "id": "p2",
            "name": "王芳",
            "role": "secretary",
            "role_zh": "书记",
            "level": level,
            "phone_masked": "138****8000",
            "kind": "person",
        },
        due={"reply": "2026-12-07T02:30:00Z", "act": "2026-12-07T04:00:00Z", "result": "2026-12-08T02:00:00Z"},
        contact_masked="139****0001",
        contact_sealed="sealed:opaque-ciphertext",
    )


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Receiver:
    """A real HTTP server: it records each POST and answers from a script (then 200)."""

    url: str
    script: list[Answer] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    #: While cleared, the receiver holds each request before answering.
    go: threading.Event = field(default_factory=threading.Event)
    got: threading.Event = field(default_factory=threading.Event)
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[dict[str, Any]]:
        return [orjson.loads(body) for _, body in self.requests]


@pytest.fixture
def serve() -> Iterator[Callable[[], Receiver]]:
    servers: list[tuple[http.server.ThreadingHTTPServer, Receiver]] = []

    def start() -> Receiver:
        receiver: Receiver

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append((dict(self.headers.items()), body))
                    answer = receiver.script.pop(0) if receiver.script else Answer()
                receiver.got.set()
                receiver.go.wait(5)
                with receiver.lock:  # counted before the answer leaves: the client may go on at once
                    receiver.answered += 1
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        receiver.go.set()
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append((server, receiver))
        return receiver

    yield start
    for server, receiver in servers:
        receiver.go.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def notifiers() -> Iterator[Callable[..., WebhookNotifier]]:
    made: list[WebhookNotifier] = []

    def make(targets: list[Target], **options: Any) -> WebhookNotifier:
        options.setdefault("secret", SECRET)
        options.setdefault("backoff", 0.01)
        options.setdefault("timeout", 2.0)
        notifier = WebhookNotifier(targets, **options)
        made.append(notifier)
        return notifier

    yield make
    for notifier in made:
        notifier.close(0.5)


def everything(event: str, category: str, level: str) -> bool:
    return True


def test_delivered_signed_without_the_sealed_contact_or_the_path(serve, notifiers) -> None:
    receiver = serve()
    notifier = notifiers([Target("hotline", receiver.url, everything)])
    case = a_case()
    notifier.send("escalate", case)
    notifier.close(2.0)

    assert (notifier.delivered, notifier.failed, notifier.dropped, notifier.pending()) == (1, 0, 0, 0)
    [(headers, body)] = receiver.requests
    timestamp = headers["X-Orggraph-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(SECRET, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Orggraph-Signature"], f"sha256={expected}")
    assert sign(SECRET, timestamp, body) == headers["X-Orggraph-Signature"]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Orggraph-Event"] == "escalate"

    payload = orjson.loads(body)
    assert set(payload) == {"event", "sent_at", "delivery", "case"}
    assert payload["event"] == "escalate"
    assert headers["X-Orggraph-Delivery"] == payload["delivery"]
    assert len(payload["delivery"]) == 32
    int(payload["delivery"], 16)
    assert payload["sent_at"].endswith("Z")
    sent = payload["case"]
    assert "contact_sealed" not in sent
    assert "path" not in sent
    assert b"sealed:opaque-ciphertext" not in body
    assert sent["contact_masked"] == "139****0001"
    assert sent["due_at"] == case.due_at() == "2026-12-07T02:30:00Z"
    assert sent["id"] == "CASE-0001"
    assert sent["category"] == "物业纠纷"
    assert sent["assignee"]["level"] == "community"
    assert "物业纠纷".encode() in body  # UTF-8, not \u escapes


def test_send_returns_before_the_receiver_answers(serve, notifiers) -> None:
    receiver = serve()
    receiver.go.clear()  # the receiver sits on the request until told
    notifier = notifiers([Target("slow", receiver.url, everything)])

    started = time.monotonic()
    notifier.send("dispatch", a_case())
    elapsed = time.monotonic() - started

    assert elapsed < 0.5
    assert receiver.got.wait(2)
    assert receiver.answered == 0
    assert notifier.pending() == 1
    receiver.go.set()
    notifier.close(2.0)
    assert notifier.delivered == 1
    assert receiver.answered == 1


def test_5xx_is_retried_until_delivered(serve, notifiers) -> None:
    receiver = serve()
    receiver.script = [Answer(500), Answer(503)]
    notifier = notifiers([Target("flaky", receiver.url, everything)], backoff=0.01)
    notifier.send("dispatch", a_case())
    notifier.close(3.0)

    assert (notifier.delivered, notifier.failed, notifier.attempts) == (1, 0, 3)
    assert len(receiver.requests) == 3
    assert len({body["delivery"] for body in receiver.bodies()}) == 1  # one delivery, three attempts
    assert len({body for _, body in receiver.requests}) == 1


def test_429_is_retried_after_retry_after(serve, notifiers) -> None:
    receiver = serve()
    receiver.script = [Answer(429, {"Retry-After": "0"}), Answer(408)]
    notifier = notifiers([Target("busy", receiver.url, everything)], backoff=0.01)
    notifier.send("dispatch", a_case())
    notifier.close(3.0)

    assert (notifier.delivered, notifier.failed, len(receiver.requests)) == (1, 0, 3)


@pytest.mark.parametrize("status", [400, 404, 410])
def test_4xx_is_not_retried(serve, notifiers, status: int) -> None:
    receiver = serve()
    receiver.script = [Answer(status)]
    notifier = notifiers([Target("picky", receiver.url, everything)], tries=5)
    notifier.send("dispatch", a_case())
    notifier.close(2.0)

    assert (notifier.delivered, notifier.failed, notifier.attempts) == (0, 1, 1)
    assert len(receiver.requests) == 1
    assert notifier.pending() == 0


def test_a_redirect_is_not_followed(serve, notifiers) -> None:
    receiver = serve()
    other = serve()
    receiver.script = [Answer(302, {"Location": other.url})]
    notifier = notifiers([Target("moved", receiver.url, everything)])
    notifier.send("dispatch", a_case())
    notifier.close(2.0)

    assert (notifier.delivered, notifier.failed) == (0, 1)
    assert other.requests == []


def test_an_unreachable_receiver_is_tried_tries_times_then_failed(notifiers, caplog) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"  # nobody listens there now
    notifier = notifiers([Target("gone", url, everything)], tries=3, backoff=0.01)
    with caplog.at_level(logging.INFO, logger="orggraph.cases.webhooks"):
        notifier.send("dispatch", a_case())
        notifier.close(3.0)

    assert (notifier.delivered, notifier.failed, notifier.attempts, notifier.pending()) == (0, 1, 3, 0)
    assert any("given up after 3 attempts" in r.getMessage() for r in caplog.records)
    text = caplog.text
    assert SECRET.decode() not in text
    assert url not in text  # URLs may carry tokens


def test_a_target_that_does_not_hear_gets_nothing(serve, notifiers) -> None:
    deaf, hearing = serve(), serve()
    asked: list[tuple[str, str, str]] = []

    def streets_only(event: str, category: str, level: str) -> bool:
        asked.append((event, category, level))
        return level == "street"

    notifier = notifiers([Target("street", deaf.url, streets_only), Target("all", hearing.url, everything)])
    notifier.send("hand_on", a_case(level="community"))
    notifier.close(2.0)

    assert asked == [("hand_on", "物业纠纷", "community")]
    assert deaf.requests == []
    assert len(hearing.requests) == 1
    assert notifier.delivered == 1


def test_a_case_without_assignee_is_heard_at_no_level(serve, notifiers) -> None:
    receiver = serve()
    asked: list[str] = []
    notifier = notifiers([Target("all", receiver.url, lambda e, c, level: asked.append(level) is None)])
    case = a_case()
    case.assignee = None
    notifier.send("dispatch", case)
    notifier.close(2.0)
    assert asked == [""]
    assert notifier.delivered == 1


def test_close_drains_in_order(serve, notifiers) -> None:
    receiver = serve()
    notifier = notifiers([Target("all", receiver.url, everything)])
    ids = [f"CASE-{n:04d}" for n in range(8)]
    for case_id in ids:
        notifier.send("dispatch", a_case(case_id))
    notifier.close(5.0)

    assert (notifier.delivered, notifier.pending(), notifier.dropped) == (8, 0, 0)
    assert [body["case"]["id"] for body in receiver.bodies()] == ids
    notifier.send("dispatch", a_case())  # after close: dropped, not raised
    assert notifier.dropped == 1
    assert len(receiver.requests) == 8


def test_a_retry_holds_up_no_other_target_and_close_drops_what_cannot_wait(serve, notifiers) -> None:
    failing, fine = serve(), serve()
    failing.script = [Answer(500)]
    notifier = notifiers([Target("failing", failing.url, everything), Target("fine", fine.url, everything)], backoff=2.0)
    notifier.send("escalate", a_case())

    assert fine.got.wait(1.0)  # sent while the first target waits two seconds for its retry
    deadline = time.monotonic() + 1.0
    while notifier.delivered < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (notifier.delivered, notifier.pending()) == (1, 1)
    started = time.monotonic()
    notifier.close(0.2)  # the retry is due after the deadline: dropped, not waited for
    assert time.monotonic() - started < 0.5
    assert (notifier.delivered, notifier.failed, notifier.dropped, notifier.pending()) == (1, 0, 1, 0)
    assert len(failing.requests) == 1


def test_a_full_queue_drops(serve, notifiers, caplog) -> None:
    receiver = serve()
    receiver.go.clear()
    notifier = notifiers([Target("all", receiver.url, everything)], max_queue=1)
    notifier.send("dispatch", a_case("CASE-0001"))
    assert receiver.got.wait(2)  # the worker is busy with the first
    with caplog.at_level(logging.WARNING, logger="orggraph.cases.webhooks"):
        notifier.send("dispatch", a_case("CASE-0002"))  # waits on the queue
        notifier.send("dispatch", a_case("CASE-0003"))  # no room
    assert notifier.dropped == 1
    assert "CASE-0003" in caplog.text
    receiver.go.set()
    notifier.close(2.0)
    assert (notifier.delivered, notifier.dropped, notifier.pending()) == (2, 1, 0)
    assert [body["case"]["id"] for body in receiver.bodies()] == ["CASE-0001", "CASE-0002"]


def test_unsigned_without_a_secret_with_one_warning(serve, notifiers, caplog) -> None:
    receiver = serve()
    with caplog.at_level(logging.WARNING, logger="orggraph.cases.webhooks"):
        notifier = notifiers([Target("all", receiver.url, everything)], secret=None)
        notifier.send("dispatch", a_case())
        notifier.send("dispatch", a_case())
        notifier.close(2.0)
    assert notifier.delivered == 2
    assert all("X-Orggraph-Signature" not in headers for headers, _ in receiver.requests)
    assert all("X-Orggraph-Timestamp" in headers for headers, _ in receiver.requests)
    assert [r.getMessage() for r in caplog.records].count(
        "case webhooks are sent unsigned: no secret (set ORGGRAPH_WEBHOOK_SECRET)"
    ) == 1


def test_no_targets_no_warning_no_thread(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="orggraph.cases.webhooks"):
        notifier = WebhookNotifier([], secret=None)
        notifier.send("dispatch", a_case())
        notifier.close()
    assert caplog.records == []
    assert notifier.pending() == 0


def test_a_failing_filter_does_not_reach_the_caller(serve, notifiers) -> None:
    receiver = serve()

    def broken(event: str, category: str, level: str) -> bool:
        raise RuntimeError("bad filter")

    notifier = notifiers([Target("broken", receiver.url, broken), Target("all", receiver.url, everything)])
    notifier.send("dispatch", a_case())
    notifier.close(2.0)
    assert notifier.delivered == 1


@pytest.mark.parametrize("options", [{"tries": 0}, {"backoff": -1.0}, {"timeout": 0.0}, {"secret": b""}])
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        WebhookNotifier([], **({"secret": SECRET} | options))
