"""Rows packed into one string for a server of small statements: what packs, what does not, and batches
that stay within the server's limit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orggraph.store.packed_rows import FIELD, ITEM, RECORD, line_bytes, pack, packed_batches, properties


def unpack(shape: tuple[tuple[str, str], ...], line: str, prefix: str) -> dict[str, Any]:
    """What the statement of :func:`properties` makes of a line, in Python."""
    read = {
        "p": lambda f: prefix + f,
        "s": lambda f: f,
        "i": int,
        "b": lambda f: f == "true",
        "l": lambda f: f.split(ITEM),
    }
    return {key: read[tag](text) for (key, tag), text in zip(shape, line.split(FIELD), strict=True)}


plain_text = st.text(alphabet=st.characters(blacklist_characters=FIELD + RECORD + ITEM, blacklist_categories=("Cs",)))
values = st.one_of(
    plain_text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.lists(plain_text.filter(bool), min_size=1, max_size=4),
)


@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), values, max_size=6), plain_text)
def test_a_packed_row_reads_back_as_it_was(props: dict[str, Any], code: str) -> None:
    row = {"id": "household:" + code, **{k: v for k, v in props.items() if k != "id"}}
    packed = pack(row, "household:")
    assert packed is not None
    shape, line = packed
    assert unpack(shape, line, "household:") == row


@pytest.mark.parametrize(
    "row",
    [
        {"id": "x", "score": 0.5},
        {"id": "x", "gone": None},
        {"id": "x", "tags": []},
        {"id": "x", "tags": ["", "a"]},
        {"id": "x", "tags": [1, 2]},
        {"id": "x", "note": "a\x1fb"},
        {"id": "x", "note": "a\x1eb"},
        {"id": "x", "bad key": "v"},
        {"id": "x", "huge": 2**63},
    ],
)
def test_rows_that_would_not_come_back_exactly_are_left_unpacked(row: dict[str, Any]) -> None:
    assert pack(row, "") is None


def test_an_id_without_the_prefix_is_packed_as_a_plain_string() -> None:
    assert pack({"id": "other:1"}, "household:") == ((("id", "s"),), "other:1")


def test_the_statement_reads_each_tag_back() -> None:
    shape = (("id", "p"), ("n", "i"), ("ok", "b"), ("tags", "l"), ("name", "s"))
    assert properties(shape, first=2) == (
        "id: $prefix + f[2], n: toInteger(f[3]), ok: f[4] = 'true', tags: split(f[5], $item), name: f[6]"
    )


def test_batches_stay_within_the_limit_counting_escapes() -> None:
    lines = ["a'b\\c" * 10, "x" * 90, "名" * 20, *(f"row{i}" for i in range(200))]
    batches = list(packed_batches([(line, line_bytes(line)) for line in lines], max_bytes=300))
    assert RECORD.join(batches).split(RECORD) == lines
    assert all(sum(line_bytes(line) for line in batch.split(RECORD)) <= 300 for batch in batches)
    assert len(batches) > 1
    assert line_bytes("a'b\\") == 4 + 2 + 1
