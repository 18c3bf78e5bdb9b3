"""Search (查找): nodes by name, code, address or ID number, ranked, for a box that lists results as one types.

What a person types is tried, in this order of rank:

1. **exact** — a node's code or id (``H0001``, ``130705001001``, ``P1/3号楼``), a whole ID number
   (公民身份号码: hashed with the store's key, never kept or shown whole), an address that resolves to
   a household (:func:`~queries.reading.address.resolve_address`, community prefix and all), a masked
   ID number as pages show them (``1101**********002X``, or with more digits shown, ``110105********002X``);
   then a name, masked ID number or address equal to the text;
2. **prefix** — a code, name, masked ID number or address that starts with the text;
3. **substring** — one that contains it.

A short list comes back (``limit``, 20 by default) and says when there were more (``truncated``).
Texts are compared folded: full-width forms to half-width, spaces dropped, letters upper-case.

The :class:`~queries.lookups.search_index.SearchIndex` of a view is built once (a store revision and
day) and searched per keystroke, the shards of the caller's scope only.

>>> from tests.queries.test_escalation_world import KEY, tiny_world
>>> from orggraph.store import MemoryStore
>>> store = MemoryStore(KEY)
>>> _ = store.write(tiny_world())
>>> view = store.view("2025-06-30")
>>> index = SearchIndex.build(view)
>>> [(h.kind, h.name, h.rank) for h in search(index, view, "幸福").hits][:3]
[('unit', '幸福律师事务所', 'prefix'), ('community', '幸福社区', 'prefix'), ('compound', '幸福里小区', 'prefix')]
>>> [(h.code, h.rank, h.match) for h in search(index, view, "幸福里小区3号楼2单元502室").hits][:1]
[('H2', 'exact', 'address')]
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from orggraph.errors import InvalidIdNumberError, InvalidValueError, NotFoundError
from orggraph.model.labels import KIND_EN
from orggraph.model.nodes import PREFIX
from orggraph.pii import PiiKey, mask_id_number, normalize_id_number
from orggraph.store.view import DayView
from orggraph.text import to_halfwidth
from queries.coverage.findings import KIND_ZH
from queries.lookups.liaison import find_person
from queries.lookups.search_index import ADDRESSED, FIELDS, KINDS, Placer, SearchIndex, Shard, fold
from queries.reading.address import read_address, resolve_address
from queries.reading.model import PersonRef, person_of
from queries.reading.place import Place

__all__ = [
    "MAX_QUERY",
    "Hit",
    "Placer",
    "SearchIndex",
    "SearchResult",
    "fold",
    "person_named",
    "search",
    "whole_id_number",
]

#: The longest text searched (characters).
MAX_QUERY = 100
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_MASKED_SHAPE = re.compile(r"[0-9X*]{18}")
_MASKED_FIELD = FIELDS.index("id_masked")
_ID_PREFIXES = tuple(dict.fromkeys(PREFIX.values()))


def whole_id_number(text: str) -> str | None:
    """The normalised ID number when ``text`` is a whole, valid one (check digit and date), else ``None``.

    >>> whole_id_number(" 11010519491231002x "), whole_id_number("110105194912310021"), whole_id_number("王芳")
    ('11010519491231002X', None, None)
    """
    written = "".join(to_halfwidth(str(text)).split())
    if not _ID_SHAPE.fullmatch(written):
        return None
    try:
        return normalize_id_number(written)
    except InvalidIdNumberError:
        return None


@dataclass(frozen=True, slots=True)
class Hit:
    """One node found (查找结果): what it is, how it matched, and where it is (an address) when it has one."""

    node: str
    kind: str
    code: str
    name: str | None
    rank: str
    match: str
    address: str | None
    person: PersonRef | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.node,
            "kind": self.kind,
            "kind_zh": KIND_ZH.get(self.kind, self.kind),
            "kind_en": KIND_EN.get(self.kind, self.kind),
            "code": self.code,
            "name": self.name,
            "rank": self.rank,
            "match": self.match,
            "address": self.address,
            "person": self.person.to_dict() if self.person is not None else None,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: the hits, best first, and whether there were more than were kept.

    ``query`` is the text as given — masked when it is a whole ID number — and ``read_as`` says how
    it was read: ``id_number``, ``address`` (it resolved to a household) or ``text``.
    """

    query: str
    read_as: str
    as_of: str
    hits: tuple[Hit, ...]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "read_as": self.read_as,
            "as_of": self.as_of,
            "results": [h.to_dict() for h in self.hits],
            "truncated": self.truncated,
        }


def _checked(text: str) -> str:
    given = " ".join(str(text).split())
    if not given:
        raise InvalidValueError("the search text is empty", message_zh="查找内容为空", value="")
    if len(given) > MAX_QUERY:
        raise InvalidValueError(
            f"the search text is longer than {MAX_QUERY} characters", message_zh=f"查找内容超过{MAX_QUERY}个字符", value=""
        )
    return given


class _Found:
    """The hits gathered so far, best first: node → (rank, match); full at ``limit + 1``."""

    def __init__(self, index: SearchIndex, reader: DayView, kinds: Collection[str] | None, limit: int) -> None:
        self.index, self.reader, self.kinds, self.need = index, reader, kinds, limit + 1
        self.hits: dict[str, tuple[str, str]] = {}

    @property
    def full(self) -> bool:
        return len(self.hits) >= self.need

    def take(self, node: str, rank: str, match: str) -> bool:
        """Keep ``node`` if the reader sees it and it is of the kinds asked; whether enough are kept."""
        if node not in self.hits:
            attrs = self.reader.node(node)
            if attrs is not None and str(attrs.get("kind")) in KINDS and (self.kinds is None or attrs.get("kind") in self.kinds):
                self.hits[node] = (rank, match)
        return self.full

    def entry(self, entry: int, rank: str, field: int) -> bool:
        if self.kinds is not None and KINDS[self.index.kinds[entry]] not in self.kinds:
            return self.full
        return self.take(self.index.nodes[entry], rank, FIELDS[field])


def search(
    index: SearchIndex,
    view: DayView,
    text: str,
    *,
    reader: DayView | None = None,
    within: str | None = None,
    key: PiiKey | None = None,
    kinds: Collection[str] | None = None,
    limit: int = 20,
) -> SearchResult:
    """The nodes ``text`` names, best first (see the module docstring).

    Parameters
    ----------
    index
        The index of the day's graph (:meth:`SearchIndex.build`).
    text
        What was typed: a name, a code, an address, a masked or a whole ID number (1 to :data:`MAX_QUERY`
        characters once spaces are folded).
    view, reader
        The whole view of the day answers are read from — the index's own, or one of a later revision
        while its index is built — and what the caller may see of it (default all): a node the reader
        does not show is not found.
    within
        The area node id the caller's scope is (``None``: everything): only the shards that may hold
        nodes placed under it are searched.
    key
        The store's personal-data key, to look a whole ID number up by its keyed hash.
    kinds
        Only nodes of these kinds (default every kind).
    limit
        How many hits at most; ``truncated`` says whether there were more.

    Raises
    ------
    InvalidValueError
        An empty text, or one longer than :data:`MAX_QUERY` characters.
    """
    given = _checked(text)
    reader = reader if reader is not None else view
    found = _Found(index, reader, kinds, limit)
    folded = fold(given)
    number = whole_id_number(given)
    read_as = "text"
    if number is not None and key is not None:
        read_as = "id_number"
        found.take(f"person:{key.identity(number)}", "exact", "id_number")
    _exact_codes(found, given, folded)
    if number is None and not found.full:
        household = _address(reader, given)
        if household is not None:
            read_as = "address"
            found.take(household, "exact", "address")
    if "*" in folded and _MASKED_SHAPE.fullmatch(folded):
        _masked(found, folded)
    if not found.full:
        _keys(found, index.shards_within(view, within), folded)
    hits = tuple(_hit(view, node, rank, match) for node, (rank, match) in list(found.hits.items())[:limit])
    shown = mask_id_number(number) if number is not None else given
    return SearchResult(shown, read_as, view.day, hits, len(found.hits) > limit)


def _exact_codes(found: _Found, given: str, folded: str) -> None:
    """A node named by its id or code, as typed or folded."""
    written = "".join(to_halfwidth(given).split())
    for code in dict.fromkeys((written, folded)):
        for node in (code,) if ":" in code else (f"{prefix}:{code}" for prefix in _ID_PREFIXES):
            if found.take(node, "exact", "code"):
                return


def _address(reader: DayView, given: str) -> str | None:
    """The household an address names, if it is one and resolves."""
    address = read_address(given)
    if address is None:
        return None
    try:
        return resolve_address(reader, given, address)
    except NotFoundError:
        return None


def _masked(found: _Found, pattern: str) -> None:
    """The persons whose masked ID number fits a masked pattern (``*`` where either hides a character)."""
    tails = found.index.masked
    groups = [tails.get(pattern[-4:], {})] if "*" not in pattern[-4:] else list(tails.values())
    for masked, entries in (item for group in groups for item in group.items()):
        if len(masked) == len(pattern) and all(a == b or "*" in (a, b) for a, b in zip(masked, pattern, strict=True)):
            for entry in entries:
                if found.entry(entry, "exact", _MASKED_FIELD):
                    return


def _keys(found: _Found, shards: list[Shard], text: str) -> None:
    """Keys equal to ``text`` (by kind, then code), then keys starting with it (in key order), then keys
    containing it (shard by shard), until enough are found."""
    exact: list[tuple[int, str, int, int]] = []
    for shard in shards:
        for i, whole in shard.prefixed(text):
            if not whole:
                break
            owner = shard.owners[i]
            exact.append((found.index.kinds[owner], found.index.nodes[owner], owner, shard.fields[i]))
    for _, _, owner, field in sorted(exact):
        if found.entry(owner, "exact", field):
            return

    def longer(shard: Shard) -> Iterator[tuple[str, int, int, int]]:
        for i, whole in shard.prefixed(text):
            if not whole:
                owner = shard.owners[i]
                yield shard.key(i), found.index.kinds[owner], owner, shard.fields[i]

    for _, _, owner, field in heapq.merge(*(longer(s) for s in shards)):
        if found.entry(owner, "prefix", field):
            return
    for shard in shards:
        for i in shard.containing(text):
            if not shard.text.startswith(text, shard.starts[i]) and found.entry(shard.owners[i], "substring", shard.fields[i]):
                return


def _hit(view: DayView, node: str, rank: str, match: str) -> Hit:
    attrs = view.node(node) or {}
    kind = str(attrs.get("kind", ""))
    address = None
    if kind == "household":
        address = Place(view, node).address()
    elif kind in ("building", "entrance"):
        parts: list[str] = []
        current: str | None = node
        while current is not None and (view.node(current) or {}).get("kind") in ADDRESSED and len(parts) < 4:
            parts.append(str((view.node(current) or {}).get("name") or current.rsplit("/", 1)[-1]))
            current = view.parent(current, "PART_OF")
        address = "".join(reversed(parts))
    person = person_of(node, attrs) if kind == "person" else None
    name = attrs.get("name")
    return Hit(node, kind, node.split(":", 1)[1], str(name) if name else None, rank, match, address, person)


#: How many persons of one name an ambiguous name lists.
_LISTED = 20


def person_named(view: DayView, text: str, *, key: PiiKey | None) -> str:
    """The person ``text`` names (人员): a node id, code or masked ID number only one has
    (:func:`~queries.lookups.liaison.find_person`), a whole ID number (looked up by its keyed hash with
    ``key``), or a name only one person has (searched as :func:`search` does).

    Raises
    ------
    NotFoundError
        Nobody; or several persons of that name — listed masked (name, masked ID number, org or
        home, code), asking for one's code. Messages show ID numbers masked only.
    """
    given = _checked(text)
    number = whole_id_number(given)
    if number is not None and key is not None:
        node = f"person:{key.identity(number)}"
        if (view.node(node) or {}).get("kind") == "person":
            return node
        shown = mask_id_number(number)
        raise NotFoundError(
            f"no person with ID number {shown} on {view.day}",
            message_zh=f"{view.day}没有公民身份号码为 {shown} 的人员",
            value=shown,
        )
    try:
        return find_person(view, given)
    except NotFoundError:
        if "*" in given:
            raise
    index = SearchIndex.build(view, kinds={"person"})
    hits = search(index, view, given, kinds={"person"}, limit=500).hits
    named = [h for h in hits if (h.rank, h.match) == ("exact", "name")]
    if len(named) == 1:
        return named[0].node
    if not named:
        raise NotFoundError(
            f"no person {given!r} on {view.day} (by code, ID number or name)",
            message_zh=f"{view.day}没有人员“{given}”（按编号、身份证号或姓名）",
            value=given,
        )
    lines = [_candidate(view, h) for h in named[:_LISTED]]
    more = len(named) - len(lines)
    listed = "\n".join(f"  {line}" for line in lines) + (f"\n  … (+{more})" if more else "")
    raise NotFoundError(
        f"{len(named)} persons are named {given}; give one's code (or masked ID number, if only one has it):\n{listed}",
        message_zh=f"有{len(named)}人名为“{given}”；请给出其中一人的人员编号（或仅此一人的脱敏身份证号）：\n{listed}",
        value=given,
        candidates=[h.node for h in named],
    )


def _candidate(view: DayView, hit: Hit) -> str:
    """A person of an ambiguous name in one line: name, masked ID number, org or home, code."""
    assert hit.person is not None
    org, home = view.parent(hit.node, "MEMBER_OF"), view.parent(hit.node, "LIVES_IN")
    where = (view.node(org) or {}).get("name") if org is not None else None
    if where is None and home is not None:
        where = Place(view, home).address()
    return " · ".join(str(part) for part in (hit.person.name, hit.person.id_masked, where, hit.code) if part)
