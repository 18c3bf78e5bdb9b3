"""Rows packed into one string parameter, for a bulk copy onto a server that takes only small ones.

FalkorDB's Bolt endpoint pastes parameters into the statement's text, parses them again, and crashes
when they exceed about 4 KB in all (docs: cypher-portability). A list of maps spends most of that on
keys, braces and quotes, and parsing it costs about 15 µs a value. Packed, a row is its values joined
by a unit separator and the rows joined by a record separator, in one string the server splits back:
about twice the rows fit in a statement and the server parses one string instead of a nested list.

The property keys and how each value is turned back (string, integer, boolean, list of strings) are
the row's *shape*; rows of one shape share a statement. A value that could not come back exactly — a
float, ``None``, an empty list, a string holding a separator — leaves its row unpacked (the caller
sends it as a map, the ordinary way).

>>> shape, line = pack({"id": "household:H1", "room": "501", "residents": 3, "care_tags": ["独居"]}, "household:")
>>> shape
(('id', 'p'), ('room', 's'), ('residents', 'i'), ('care_tags', 'l'))
>>> line.split(FIELD)
['H1', '501', '3', '独居']
>>> properties(shape)
'id: $prefix + f[0], room: f[1], residents: toInteger(f[2]), care_tags: split(f[3], $item)'
>>> pack({"id": "x", "score": 0.5}, "") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any

from orggraph.store.bolt import cut_by_size

#: Between a row's values, between rows, between the items of a list value.
FIELD, RECORD, ITEM = "\x1f", "\x1e", "\x1d"
_SEPARATORS = re.compile("[\x1d\x1e\x1f]")
#: Property keys written into the statement's text: plain identifiers only.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INT64 = 2**63

Shape = tuple[tuple[str, str], ...]

#: How a packed value of each tag is read back (``{0}``: the field).
_READ = {
    "p": "$prefix + {0}",
    "s": "{0}",
    "i": "toInteger({0})",
    "b": "{0} = 'true'",
    "l": "split({0}, $item)",
}


@functools.cache
def _plain_key(key: str) -> bool:
    return _KEY.match(key) is not None


def _field(value: Any) -> tuple[str, str] | None:
    """(tag, text) of one value, or ``None`` when packing would not give it back exactly."""
    if isinstance(value, str):
        return None if _SEPARATORS.search(value) else ("s", value)
    if isinstance(value, bool):
        return "b", "true" if value else "false"
    if isinstance(value, int):
        return ("i", str(value)) if -_INT64 <= value < _INT64 else None
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) and v and not _SEPARATORS.search(v) for v in value):
        return "l", ITEM.join(value)
    return None


def pack(props: dict[str, Any], prefix: str) -> tuple[Shape, str] | None:
    """The shape and packed line of one row of properties; ``None`` when it must go unpacked.

    ``props["id"]`` starts with ``prefix``, which the statement puts back (``$prefix``); properties
    are keyed by plain identifiers.
    """
    shape: list[tuple[str, str]] = []
    texts: list[str] = []
    for key, value in props.items():
        if not _plain_key(key):
            return None
        if key == "id" and isinstance(value, str) and value.startswith(prefix) and not _SEPARATORS.search(value):
            field: tuple[str, str] | None = ("p", value[len(prefix) :])
        else:
            field = _field(value)
        if field is None:
            return None
        shape.append((key, field[0]))
        texts.append(field[1])
    return tuple(shape), FIELD.join(texts)


def properties(shape: Shape, *, first: int = 0) -> str:
    """The Cypher map body that reads a packed row ``f`` of ``shape`` back (values from ``f[first]``)."""
    return ", ".join(f"{key}: {_READ[tag].format(f'f[{first + i}]')}" for i, (key, tag) in enumerate(shape))


def unpacked_rows() -> str:
    """The statement's head: one packed row ``f`` (a list of strings) per line of ``$rows``."""
    return "UNWIND split($rows, $record) AS line WITH split(line, $field) AS f"


def parameters() -> dict[str, str]:
    """The separators, sent as parameters with every packed statement."""
    return {"record": RECORD, "field": FIELD, "item": ITEM}


def line_bytes(line: str) -> int:
    """The bytes one packed line takes in the statement the server parses (quotes and backslashes escaped)."""
    return len(line.encode()) + line.count("'") + line.count("\\") + 1


def packed_batches(lines: Sequence[tuple[str, int]], *, max_bytes: int) -> Iterator[str]:
    """``lines`` with their :func:`line_bytes` (each at most ``max_bytes``) joined into strings of at
    most ``max_bytes``."""
    for part, _size in cut_by_size(lines, max_bytes):
        yield RECORD.join(part)
