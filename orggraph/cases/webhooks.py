"""Case webhooks (事件推送): other systems are told of dispatches and escalations without the caller waiting.

:class:`WebhookNotifier` takes ``send(event, case)``, puts one delivery on a bounded queue for each
:class:`Target` that hears the event (by its kind, the case's category and the level of its assignee;
the policy's ``[cases.webhooks.*]`` say which: kinds such as ``dispatch``, ``escalate``, ``hand_on``,
``reopen``) and returns at once. One daemon thread POSTs them, in the order they were sent, with the
standard library; a network failure never reaches the caller, and a full queue (10,000 waiting)
drops the delivery with a warning.

The payload is JSON in UTF-8, the case without its sealed contact and its escalation path::

    {"event": "escalate", "sent_at": "2026-12-07T02:30:00Z", "delivery": "<uuid4 hex>",
     "case": {"id": "…", "category": "…", "status": "dispatched", "step": 1, "assignee": {…},
              "due": {"reply": "…", "act": "…", "result": "…"}, "contact_masked": "138****8000", …,
              "due_at": "2026-12-07T04:30:00Z"}}

``sent_at`` is when ``send`` was called; ``delivery`` is the same on every retry of one delivery (a
receiver drops the repeats it has seen). The headers:

==========================  ==========================================================================
``Content-Type``            ``application/json; charset=utf-8``
``X-Orggraph-Event``        the event kind, as in the payload
``X-Orggraph-Delivery``     the delivery id, as in the payload
``X-Orggraph-Timestamp``    unix seconds when this attempt was sent
``X-Orggraph-Signature``    ``sha256=`` and the hex HMAC-SHA256, under the shared secret
                            (``ORGGRAPH_WEBHOOK_SECRET``), of ``f"{timestamp}.".encode() + body``: the
                            timestamp header, a full stop, then the exact body bytes. Without a secret
                            the header is left out (and a warning logged once).
==========================  ==========================================================================

A receiver checks the signature over the raw body, before parsing it, and refuses old timestamps::

    import hashlib, hmac, time

    def genuine(secret: bytes, headers, body: bytes, tolerance: int = 300) -> bool:
        timestamp = headers["X-Orggraph-Timestamp"]
        if abs(time.time() - int(timestamp)) > tolerance:
            return False
        mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={mac}", headers["X-Orggraph-Signature"])

Retries: a 2xx answer is delivered. Another 4xx than 408 and 429, a redirect, or a URL that cannot be
used gives up at once (logged). A network error, a timeout, a 5xx, a 408 or a 429 is tried again, up
to ``tries`` attempts in all, ``backoff · 2**n`` seconds after the n-th failed attempt (n from 0) plus
up to a tenth more of jitter — or after the answer's ``Retry-After``, at most 60 seconds. A delivery
waiting to be retried waits in a heap by due time, so it holds up nobody: the worker sends newer
deliveries meanwhile. ``close`` lets the worker drain what it can within its timeout; what is left is
dropped (logged). The counters ``delivered``, ``failed`` (given up), ``dropped`` (never sent: a full
queue, a closed notifier, left at ``close``) and ``attempts`` (POSTs made) are for monitoring.

Nothing is logged but target names, event kinds, case and delivery ids, and status codes: not the
secret, not URLs (they may carry tokens), not bodies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import hashlib
import heapq
import hmac
import http.client
import itertools
import logging
import queue
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal

import orjson

from orggraph.cases.model import Case, utc_text

log = logging.getLogger("orggraph.cases.webhooks")

#: The longest a ``Retry-After`` is honoured (seconds).
RETRY_AFTER_CAP = 60.0
#: Deliveries that may wait on the queue before new ones are dropped.
MAX_QUEUE = 10_000
#: The case fields left out of the payload: the sealed contact (personal data) and the path (bulky).
OMITTED = ("contact_sealed", "path")
USER_AGENT = "orggraph-webhooks/1"
_RETRIED_STATUSES = frozenset({408, 429})

Outcome = Literal["delivered", "retry", "refused"]


@dataclass(frozen=True)
class Target:
    """A system to tell: its name (for logs), the URL it is POSTed to, and ``hears(event, category,
    level)`` — whether it wants an event of that kind about a case of that category whose assignee is
    at that level (``""`` when the case has none)."""

    name: str
    url: str
    hears: Callable[[str, str, str], bool]


@dataclass(order=True)
class _Delivery:
    """One payload for one target; ordered by when it is next due (then by the order it was sent)."""

    due: float
    seq: int
    target: Target = dataclasses.field(compare=False)
    event: str = dataclasses.field(compare=False)
    case_id: str = dataclasses.field(compare=False)
    id: str = dataclasses.field(compare=False)
    body: bytes = dataclasses.field(compare=False)
    #: Attempts made so far.
    attempt: int = dataclasses.field(default=0, compare=False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook is not followed elsewhere (urllib would turn the POST into a bodiless GET)."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Message, newurl: str
    ) -> urllib.request.Request | None:
        return None


def case_payload(case: Case) -> dict[str, Any]:
    """The case as a webhook carries it: its fields but :data:`OMITTED`, and its current deadline."""
    data = {k: v for k, v in case.to_dict().items() if k not in OMITTED}
    data["due_at"] = case.due_at()
    return data


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-Orggraph-Signature`` value: ``sha256=`` and the hex HMAC of ``"{timestamp}."`` and the body."""
    return "sha256=" + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _judge(status: int) -> Outcome:
    """What an answer's status means: 2xx delivered; 5xx, 408 and 429 tried again; the rest refused."""
    if 200 <= status < 300:
        return "delivered"
    if status >= 500 or status in _RETRIED_STATUSES:
        return "retry"
    return "refused"


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta seconds or an HTTP date), at most the cap."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


class WebhookNotifier:
    """Tells the targets of case events from a worker thread; ``send`` never blocks and never raises
    for the network. See the module docstring for the payload, headers, signature and retries.

    ``tries`` is the number of attempts in all (the first included); ``backoff`` the seconds before the
    first retry (doubling after each); ``timeout`` the seconds one POST may take; ``opener`` an
    :class:`urllib.request.OpenerDirector` to send with (default: the standard one, not following
    redirects); ``max_queue`` how many deliveries may wait before new ones are dropped."""

    def __init__(
        self,
        targets: Sequence[Target],
        *,
        secret: bytes | None,
        tries: int = 5,
        backoff: float = 1.0,
        timeout: float = 5.0,
        opener: urllib.request.OpenerDirector | None = None,
        max_queue: int = MAX_QUEUE,
    ) -> None:
        if tries < 1:
            raise ValueError("tries must be at least 1")
        if backoff < 0 or timeout <= 0:
            raise ValueError("backoff must not be negative and timeout must be positive")
        if secret is not None and not secret:
            raise ValueError("an empty secret signs nothing; pass None to send unsigned")
        self.targets: tuple[Target, ...] = tuple(targets)
        self._secret = secret
        self.tries = tries
        self.backoff = backoff
        self.timeout = timeout
        self._opener = opener or urllib.request.build_opener(_NoRedirect())
        #: Deliveries that reached a 2xx answer.
        self.delivered = 0
        #: Deliveries given up (a refusal, or ``tries`` attempts failed).
        self.failed = 0
        #: Deliveries never sent: the queue was full, the notifier closed, or they were left at ``close``.
        self.dropped = 0
        #: POSTs made, retries included.
        self.attempts = 0
        self._lock = threading.Lock()  # the counters
        self._gate = threading.Lock()  # closing, against queueing
        self._unsettled = 0
        self._queue: queue.Queue[_Delivery | None] = queue.Queue(maxsize=max_queue)
        self._retries: list[_Delivery] = []  # the worker's alone
        self._seq = itertools.count()
        self._closing = False
        self._deadline = float("inf")
        self._worker: threading.Thread | None = None
        if self.targets:
            if secret is None:
                log.warning("case webhooks are sent unsigned: no secret (set ORGGRAPH_WEBHOOK_SECRET)")
            self._worker = threading.Thread(target=self._run, name="orggraph-webhooks", daemon=True)
            self._worker.start()

    # -- the caller's side ------------------------------------------------------------------------

    def send(self, event: str, case: Case) -> None:
        """Queue ``event`` about ``case`` for every target that hears it, and return at once."""
        level = str((case.assignee or {}).get("level") or "")
        hearing = [t for t in self.targets if self._hears(t, event, case.category, level)]
        if not hearing:
            return
        payload = {"event": event, "sent_at": utc_text(dt.datetime.now(dt.UTC)), "delivery": "", "case": case_payload(case)}
        for target in hearing:
            delivery_id = uuid.uuid4().hex
            payload["delivery"] = delivery_id
            body = orjson.dumps(payload, default=str, option=orjson.OPT_NON_STR_KEYS)
            item = _Delivery(0.0, next(self._seq), target, event, case.id, delivery_id, body)
            with self._gate:  # no delivery slips onto the queue once the worker may have left
                if self._closing:
                    why = "the notifier is closed"
                else:
                    with self._lock:
                        self._unsettled += 1
                    try:
                        self._queue.put_nowait(item)
                        continue
                    except queue.Full:
                        why = f"{self._queue.maxsize} deliveries wait"
                        with self._lock:
                            self._unsettled -= 1
            self._drop(1, pending=False)
            log.warning("webhook %s: %s of case %s dropped: %s", target.name, event, case.id, why)

    @staticmethod
    def _hears(target: Target, event: str, category: str, level: str) -> bool:
        try:
            return bool(target.hears(event, category, level))
        except Exception:  # a faulty filter must not break the caller's dispatch
            log.exception("webhook %s: its filter failed on %s; not sent", target.name, event)
            return False

    def pending(self) -> int:
        """Deliveries not settled yet: queued, waiting to be retried, or being sent."""
        with self._lock:
            return self._unsettled

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after it has sent what it can within ``timeout`` seconds; drop the rest."""
        if self._worker is None or self._closing:
            if self._worker is not None:
                self._worker.join(timeout)
            return
        self._deadline = time.monotonic() + timeout
        with self._gate:
            self._closing = True
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)  # wake the worker; a full queue wakes it anyway
        self._worker.join(timeout + 0.05)
        if self._worker.is_alive():
            log.warning("webhooks: the worker is still sending after %.1f s; left to finish as a daemon", timeout)

    # -- the worker ---------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                now = time.monotonic()
                if self._closing and (
                    now >= self._deadline
                    or (self._queue.empty() and (not self._retries or self._retries[0].due > self._deadline))
                ):
                    break
                if self._retries and self._retries[0].due <= now:
                    self._attempt(heapq.heappop(self._retries))
                    continue
                wait = self._retries[0].due - now if self._retries else None
                if self._closing:
                    wait = min(wait if wait is not None else float("inf"), self._deadline - now)
                try:
                    item = self._queue.get(timeout=None if wait is None else max(wait, 0.0))
                except queue.Empty:
                    continue
                if item is not None:
                    self._attempt(item)
        except Exception:  # the worker must not die silently; log and drop what waits
            log.exception("webhooks: the worker stopped on an unexpected error")
        finally:
            self._abandon()

    def _abandon(self) -> None:
        left = len(self._retries)
        self._retries.clear()
        while True:
            try:
                if self._queue.get_nowait() is not None:
                    left += 1
            except queue.Empty:
                break
        if left:
            self._drop(left)
            log.warning("webhooks: %d deliveries dropped at close", left)

    def _attempt(self, item: _Delivery) -> None:
        """POST one delivery; settle it, or put it on the retry heap."""
        item.attempt += 1
        with self._lock:
            self.attempts += 1
        what = f"webhook {item.target.name}: {item.event} of case {item.case_id} (delivery {item.id}, attempt {item.attempt})"
        try:
            outcome, retry_after, reason = self._post(item)
        except Exception:  # a fault of ours or of a custom opener: give this one up, keep the worker
            log.exception("%s: unexpected error", what)
            outcome, retry_after, reason = "refused", None, "unexpected error"
        if outcome == "delivered":
            self._settle(delivered=True)
            log.debug("%s delivered: %s", what, reason)
        elif outcome == "refused":
            self._settle(delivered=False)
            log.warning("%s refused, not retried: %s", what, reason)
        elif item.attempt >= self.tries:
            self._settle(delivered=False)
            log.warning("%s failed, given up after %d attempts: %s", what, item.attempt, reason)
        else:
            if retry_after is None:
                delay = self.backoff * 2 ** (item.attempt - 1)
                delay += random.uniform(0.0, delay / 10)
            else:
                delay = retry_after
            item.due = time.monotonic() + delay
            heapq.heappush(self._retries, item)
            log.info("%s failed, retried in %.2f s: %s", what, delay, reason)

    def _post(self, item: _Delivery) -> tuple[Outcome, float | None, str]:
        """Send once: what came of it, the ``Retry-After`` asked for (seconds), and why (for the log)."""
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Orggraph-Event": item.event,
            "X-Orggraph-Delivery": item.id,
            "X-Orggraph-Timestamp": timestamp,
        }
        if self._secret is not None:
            headers["X-Orggraph-Signature"] = sign(self._secret, timestamp, item.body)
        try:
            request = urllib.request.Request(item.target.url, data=item.body, headers=headers, method="POST")  # noqa: S310
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read(65_536)
                status: int = response.status
                return _judge(status), None, f"HTTP {status}"
        except urllib.error.HTTPError as exc:
            with exc:
                retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                return _judge(exc.code), retry_after, f"HTTP {exc.code}"
        except urllib.error.URLError as exc:  # no answer: a network error, or a URL urllib cannot use
            if isinstance(exc.reason, OSError):
                return "retry", None, f"network: {type(exc.reason).__name__}"
            return "refused", None, f"unusable URL: {exc.reason}"
        except (OSError, http.client.HTTPException) as exc:  # timeouts while reading, dropped connections
            return "retry", None, f"network: {type(exc).__name__}"
        except ValueError:
            return "refused", None, "unusable URL"

    def _settle(self, *, delivered: bool) -> None:
        with self._lock:
            self._unsettled -= 1
            if delivered:
                self.delivered += 1
            else:
                self.failed += 1

    def _drop(self, count: int, *, pending: bool = True) -> None:
        """Count ``count`` deliveries dropped (``pending``: they were counted as pending until now)."""
        with self._lock:
            if pending:
                self._unsettled -= count
            self.dropped += count
