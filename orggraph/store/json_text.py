"""JSON for the store's rows and change log: orjson, and for the rare text it cannot carry — a lone
surrogate, which a Python string may hold and UTF-8 cannot — the standard library's ``\\udXXX``
escapes, read back the same way.

>>> loads(dumps({"name": "王\\ud800芳"})) == {"name": "王\\ud800芳"}
True
>>> dumps({"name": "王芳"})
b'{"name":"\\xe7\\x8e\\x8b\\xe8\\x8a\\xb3"}'
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value`` (tuples as arrays)."""
    try:
        return orjson.dumps(value)
    except TypeError as exc:
        if "surrogates" not in str(exc):
            raise
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    """What :func:`dumps` wrote."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate" not in str(exc):
            raise
        return json.loads(data)
