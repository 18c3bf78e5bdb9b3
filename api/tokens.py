"""Bearer tokens of the API (访问令牌): a role, a scope area and an expiry; only their hashes are kept.

A token reads ``ogt_<id>_<secret>``: the id is public (listed, revoked and written in the audit trail
by it), the secret is 32 random bytes shown once when the token is made. The token file keeps the
SHA-256 of the secret — a token is as strong as its 256 random bits, so a slow hash adds nothing —
and is written whole to a temporary file and renamed over the old one, with mode 0600.

Roles are cumulative, each allowed what the ones before it are (:data:`ROLE_ORDER`):

=============  ===========================================================================
``viewer``     coverage summaries and findings, statistics
``dispatcher`` escalation paths and liaison lookups; the whole phone of a person in a post
``planner``    proposals, roster exports, node look-ups and paths
``importer``   roster uploads
``admin``      tokens, the audit trail; whole ID numbers on the person routes
=============  ===========================================================================

>>> book = TokenBook(None)
>>> secret, token = book.add(Role.DISPATCHER, "S01", expires=None, note="hotline", now=NOW_FOR_DOCS)
>>> book.verify(secret, now=NOW_FOR_DOCS) == token
True
>>> book.verify(secret[:-1] + "x", now=NOW_FOR_DOCS) is None
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path

import orjson

from orggraph.errors import ConfigurationError, NotFoundError

PREFIX = "ogt"
NOW_FOR_DOCS = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Role(StrEnum):
    """What a token may do (角色); see the module docstring."""

    VIEWER = "viewer"
    DISPATCHER = "dispatcher"
    PLANNER = "planner"
    IMPORTER = "importer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may (roles are cumulative)."""
        return self.rank >= needed.rank


ROLE_ORDER: tuple[Role, ...] = tuple(Role)


@dataclass(frozen=True, slots=True)
class Token:
    """One token as the file keeps it: never the secret, only its hash."""

    id: str
    role: Role
    scope: str
    created: str
    expires: str | None
    note: str | None
    secret_sha256: str
    revoked: str | None = None
    #: The person (node id) the token acts for — a grid worker's app, a secretary's: accepting, acting
    #: on and resolving a case needs the case to be theirs, and a resident's contact on their cases is
    #: shown whole to them. ``None``: a desk token, acting for whoever holds the case.
    person: str | None = None

    def active(self, now: dt.datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked is None and (self.expires is None or now.isoformat() < self.expires)

    def public(self) -> dict[str, str | None]:
        """What may be shown of the token: everything but the hash."""
        out = {k: v for k, v in asdict(self).items() if k != "secret_sha256"}
        out["role"] = self.role.value
        return out


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_expiry(text: str, now: dt.datetime) -> str:
    """An expiry as an ISO instant: a date (the end of that day, UTC), an ISO instant, or ``30d`` / ``12h``.

    >>> parse_expiry("90d", NOW_FOR_DOCS)
    '2026-04-01T00:00:00+00:00'
    >>> parse_expiry("2026-12-31", NOW_FOR_DOCS)
    '2027-01-01T00:00:00+00:00'
    """
    value = text.strip()
    units = {"d": "days", "h": "hours"}
    if value[-1:] in units and value[:-1].isdigit():
        return (now + dt.timedelta(**{units[value[-1]]: int(value[:-1])})).isoformat()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC).isoformat()
        instant = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigurationError(
            f"cannot read the expiry {text!r}: give a date (2026-12-31), an ISO time, or a span like 90d or 12h",
            message_zh=f"无法识别有效期“{text}”：请给出日期（2026-12-31）、ISO 时间，或 90d、12h 这样的时长",
        ) from exc
    return (instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


#: How long a token lasts when its maker does not say (``--expires``): 90 days.
DEFAULT_EXPIRY_DAYS = 90
#: The word that asks, in so many words, for a token that never expires.
NEVER = ("never", "永不")


def expiry_of(text: str | None, now: dt.datetime) -> str | None:
    """The expiry a new token gets: :data:`DEFAULT_EXPIRY_DAYS` from ``now`` when ``text`` is ``None``,
    none when it is ``never`` (永不), else what :func:`parse_expiry` reads.

    >>> expiry_of(None, NOW_FOR_DOCS)
    '2026-04-01T00:00:00+00:00'
    >>> expiry_of("never", NOW_FOR_DOCS) is None
    True
    """
    if text is None:
        return (now + dt.timedelta(days=DEFAULT_EXPIRY_DAYS)).isoformat()
    if text.strip().lower() in NEVER:
        return None
    if not text.strip():
        raise ConfigurationError(
            "the expiry is empty: give a date, an ISO time, a span like 90d, or never",
            message_zh="有效期为空：请给出日期、ISO 时间、90d 这样的时长，或 never（永不过期）",
        )
    return parse_expiry(text, now)


class TokenBook:
    """The tokens of one deployment, kept in a JSON file (``None``: in memory only, for tests).

    Readers call :meth:`verify` per request; the file is read again when it changed on disk (a
    token added or revoked by ``orggraph tokens`` takes effect in a running server within a second).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._load()

    # -- reading -----------------------------------------------------------------------------------

    def _file_stamp(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load(self) -> None:
        stamp = self._file_stamp()
        if self.path is None or stamp is None:
            self._tokens, self._stamp = ({} if self.path is not None else self._tokens), stamp
            return
        try:
            raw = orjson.loads(self.path.read_bytes())
            tokens = {t["id"]: Token(**{**t, "role": Role(t["role"])}) for t in raw["tokens"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"{self.path}: the token file cannot be read ({exc})", message_zh=f"{self.path}：无法读取令牌文件（{exc}）"
            ) from exc
        self._tokens, self._stamp = tokens, stamp

    def _fresh(self, now: float) -> None:
        if self.path is None or now - self._checked < 1.0:
            return
        with self._lock:
            self._checked = now
            if self._file_stamp() != self._stamp:
                self._load()

    def verify(self, presented: str, *, now: dt.datetime | None = None) -> Token | None:
        """The active token ``presented`` is, or ``None`` (unknown, malformed, revoked or expired)."""
        now = now or dt.datetime.now(dt.UTC)
        self._fresh(now.timestamp())
        parts = presented.split("_")
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        token = self._tokens.get(parts[1])
        if token is None or not hmac.compare_digest(token.secret_sha256, _digest(presented)):
            return None
        return token if token.active(now) else None

    def list(self) -> list[Token]:
        """Every token, revoked and expired ones too, oldest first."""
        with self._lock:
            self._load()
            return sorted(self._tokens.values(), key=lambda t: (t.created, t.id))

    # -- writing -----------------------------------------------------------------------------------

    def add(
        self,
        role: Role,
        scope: str,
        *,
        expires: str | None,
        note: str | None,
        now: dt.datetime | None = None,
        person: str | None = None,
    ) -> tuple[str, Token]:
        """Make a token; returns the whole token (to show once) and what is kept of it."""
        now = now or dt.datetime.now(dt.UTC)
        token_id = secrets.token_hex(4)
        whole = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32).replace('_', '-')}"
        token = Token(token_id, role, scope, now.isoformat(timespec="seconds"), expires, note, _digest(whole), person=person)
        with self._lock:
            self._load()
            self._tokens[token_id] = token
            self._save()
        return whole, token

    def revoke(self, token_id: str, *, now: dt.datetime | None = None) -> Token:
        """Revoke a token by its id; revoking twice keeps the first time."""
        now = now or dt.datetime.now(dt.UTC)
        with self._lock:
            self._load()
            token = self._tokens.get(token_id)
            if token is None:
                raise NotFoundError(f"no token {token_id!r}", message_zh=f"不存在令牌“{token_id}”", value=token_id)
            if token.revoked is None:
                token = self._tokens[token_id] = replace(token, revoked=now.isoformat(timespec="seconds"))
                self._save()
            return token

    def _save(self) -> None:
        if self.path is None:
            return
        rows = [{**asdict(t), "role": t.role.value} for t in self._tokens.values()]
        body = orjson.dumps({"tokens": rows}, option=orjson.OPT_INDENT_2)
        temporary = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        self._stamp = self._file_stamp()
