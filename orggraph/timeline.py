"""Time: links carry the date they started and, once ended, the date they ended (起止日期).

Dates are ISO strings (``YYYY-MM-DD``) everywhere: they sort as text, survive every engine and
file format unchanged, and need no time zone. A period is open while its end is ``None``. A link
is *active* on day ``d`` when ``start <= d`` and it has not ended by then (``d < end``): the end
date is the first day it no longer holds.

>>> is_active(("2021-03-01", None), "2021-03-01")
True
>>> is_active(("2021-03-01", "2022-01-01"), "2022-01-01")
False
>>> as_of_date(None) == today()
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from orggraph.errors import InvalidValueError

#: One period of a link: (start, end or None, attributes as sorted (name, value) pairs or None).
Period = tuple[str, str | None, tuple[tuple[str, Any], ...] | None]


def today() -> str:
    """Today's date as an ISO string, in local time (the district's working day)."""
    return dt.date.today().isoformat()


def as_of_date(value: str | dt.date | None) -> str:
    """Normalise an as-of argument: ``None`` means today; a date or ISO string is checked."""
    if value is None:
        return today()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidValueError(
            f"{value!r} is not a date in the form YYYY-MM-DD",
            message_zh=f"{value!r} 不是 YYYY-MM-DD 形式的日期",
            value=str(value),
        ) from None


def is_live(attrs: Mapping[str, Any], day: str) -> bool:
    """Whether a node (its attributes) is live on ``day``: begun by then (``since``, the day a roster
    first listed it; none: always), not ended by then, and not in a gap it was away (``absent``:
    ``"END|BACK"`` strings, a node ended on END and listed again from BACK on).

    >>> is_live({"kind": "household", "absent": ["2024-01-01|2024-03-01"]}, "2024-02-01")
    False
    >>> is_live({"kind": "household", "ended": "2025-01-01"}, "2024-12-31")
    True
    >>> is_live({"kind": "household", "since": "2025-01-01"}, "2024-12-31")
    False
    """
    ended = attrs.get("ended")
    if ended is not None and ended <= day:
        return False
    since = attrs.get("since")
    if since is not None and since > day:
        return False
    absent = attrs.get("absent")
    return not absent or not any(gap[:10] <= day < gap[11:] for gap in absent)


def is_active(period: tuple[Any, ...], day: str) -> bool:
    """Whether a period (start, end, ...) holds on ``day``."""
    start, end = period[0], period[1]
    return bool(start <= day and (end is None or day < end))
