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

The :class:`SearchIndex` of a view is built once (a store revision and day) and searched per keystroke:
its keys are kept sorted in one string per *shard* — the nodes placed in one community (社区), or
in a street or the district above any community — so a prefix is found by bisection and a substring
by :meth:`str.find`, and a caller whose scope is one community reads that community's shard only.
Where a person, org or unit is placed is the caller's to say (``placer``: the API's scope rules);
without one they share a shard with nothing placed.

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

import bisect
import heapq
import re
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from orggraph.errors import InvalidIdNumberError, InvalidValueError, NotFoundError
from orggraph.model.nodes import PREFIX
from orggraph.pii import PiiKey, mask_id_number, normalize_id_number
from orggraph.store.view import DayView
from orggraph.text import to_halfwidth
from queries.coverage.findings import KIND_EN, KIND_ZH
from queries.reading.address import read_address, resolve_address
from queries.reading.model import PersonRef, person_of
from queries.reading.place import Place

__all__ = ["MAX_QUERY", "Hit", "Placer", "SearchIndex", "SearchResult", "fold", "search", "whole_id_number"]

#: The kinds searched, in the order hits of one rank and key are listed.
KINDS: tuple[str, ...] = (
    "district",
    "street",
    "community",
    "grid",
    "compound",
    "building",
    "entrance",
    "household",
    "person",
    "party_org",
    "unit",
    "project",
    "owners_committee",
    "service_centre",
)
_ORDER = {kind: n for n, kind in enumerate(KINDS)}
_AREAS = frozenset(KINDS[:7])
#: Areas a shard is kept for: a community, else the street or district above any community.
_SHARD_KINDS = frozenset({"community", "street", "district"})
_ADDRESSED = frozenset({"compound", "building", "entrance"})
#: What a key is of: its position here is what the index keeps.
FIELDS: tuple[str, ...] = ("code", "name", "address", "id_masked")
_CODE, _NAME, _ADDRESS, _MASKED = range(4)
_SEP = "\x00"
#: The longest text searched (characters).
MAX_QUERY = 100
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_MASKED_SHAPE = re.compile(r"[0-9X*]{18}")
_ID_PREFIXES = tuple(dict.fromkeys(PREFIX.values()))

#: Where the caller places a node that is not an area or household (its scope rules): areas and households.
Placer = Callable[[DayView, str], Iterable[str]]


def fold(text: str) -> str:
    """Text as keys compare: half-width, without spaces (or NULs), upper-case.

    >>> fold(" 幸福里 小区３号楼 a ")
    '幸福里小区3号楼A'
    """
    return "".join(to_halfwidth(str(text)).replace(_SEP, "").split()).upper()


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


_SPACES = re.compile(r"\s+")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _fold_all(texts: list[str]) -> list[str]:
    """:func:`fold` of many texts at once (one pass over them joined)."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):  # a text holding a NUL: one by one
        return [fold(t) for t in texts]
    if _FULL_WIDTH.search(joined):
        joined = to_halfwidth(joined)
    return _SPACES.sub("", joined).upper().split(_SEP) if texts else []


class _Shard:
    """The keys of the nodes placed in one area, sorted, in one string: ``\\0key\\0key\\0…``."""

    __slots__ = ("fields", "owners", "starts", "text")

    def __init__(self, keys: list[tuple[str, int, int]]) -> None:
        keys.sort()
        self.text = _SEP + _SEP.join(k for k, _, _ in keys) + _SEP
        starts = array("l")
        at = 1
        for k, _, _ in keys:
            starts.append(at)
            at += len(k) + 1
        self.starts = starts
        self.owners = array("l", (owner for _, owner, _ in keys))
        self.fields = array("b", (f for _, _, f in keys))

    def key(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text) - 1
        return self.text[self.starts[i] : end]

    def prefixed(self, text: str) -> Iterator[tuple[int, bool]]:
        """The keys starting with ``text``, in key order: (key index, whether the key is ``text`` itself)."""
        whole, starts, size = self.text, self.starts, len(text)
        i = bisect.bisect_left(starts, text, key=lambda at: whole[at : at + size])
        while i < len(starts) and whole.startswith(text, starts[i]):
            yield i, whole[starts[i] + size] == _SEP
            i += 1

    def containing(self, text: str) -> Iterator[int]:
        """The keys containing ``text``, in key order (each once)."""
        whole, starts = self.text, self.starts
        at = whole.find(text, 1)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            yield i
            at = whole.find(text, starts[i + 1]) if i + 1 < len(starts) else -1


class SearchIndex:
    """The searchable keys of a view's nodes, by shard; built once per view (:meth:`build`)."""

    def __init__(
        self,
        view: DayView,
        nodes: list[str],
        kinds: array[int],
        shards: dict[str, _Shard],
        above: dict[str, frozenset[str]],
        masked: dict[str, list[int]],
    ) -> None:
        self.day = view.day
        self.revision = view.revision
        self.nodes = nodes
        self.kinds = kinds
        self.shards = dict(sorted(shards.items()))
        self.above = above
        #: masked ID number → the persons with it, by its last four characters (for masked patterns)
        self.masked: dict[str, dict[str, list[int]]] = {}
        for shown, entries in masked.items():
            self.masked.setdefault(shown[-4:], {})[shown] = entries

    def __repr__(self) -> str:
        return f"SearchIndex({self.day}, revision {self.revision}, {len(self.nodes)} nodes, {len(self.shards)} shards)"

    @classmethod
    def build(cls, view: DayView, *, placer: Placer | None = None, kinds: Collection[str] | None = None) -> SearchIndex:
        """The index of ``view``'s live nodes of ``kinds`` (default every kind of :data:`KINDS`).

        ``placer`` says in which areas and households a person, org, unit … lies (the API passes its
        scope rules, :func:`api.scope.places`); areas and households lie where the area tree puts them.
        """
        part_of, in_grid = view.table("PART_OF"), view.table("IN_GRID")
        area_kind: dict[str, str] = {}
        for kind in _AREAS:
            area_kind.update((node, kind) for node in view.of_kind(kind))
        homes: dict[str, tuple[str, ...]] = {}

        def home(area: str) -> tuple[str, ...]:
            found = homes.get(area)
            if found is None:
                up = part_of.get(area)
                found = (area,) if area_kind.get(area) in _SHARD_KINDS or not up else home(up[0])
                homes[area] = found
            return found

        def shards_of(place: str) -> tuple[str, ...]:
            if not place.startswith("household:"):
                return home(place)
            up, grid = part_of.get(place), in_grid.get(place)
            found = home(up[0]) if up else ("",)
            return found if not grid or home(grid[0]) == found else tuple({*found, *home(grid[0])})

        titles: dict[str, str] = {}
        nodes: list[str] = []
        kind_codes = array("b")
        where: list[tuple[str, ...]] = []
        raw: list[str] = []
        owners = array("l")
        fields = array("b")
        masked: dict[str, list[int]] = {}
        for kind in KINDS:
            if kinds is not None and kind not in kinds:
                continue
            code = _ORDER[kind]
            for node, attrs in view.candidates(kind):
                entry = len(nodes)
                nodes.append(node)
                kind_codes.append(code)
                name = attrs.get("name")
                if kind != "person":  # a person's code is the keyed hash: found whole (exact), never by part
                    raw.append(node.split(":", 1)[1])
                    owners.append(entry)
                    fields.append(_CODE)
                if name:
                    raw.append(str(name))
                    owners.append(entry)
                    fields.append(_NAME)
                if kind in _ADDRESSED or kind == "household":
                    up = part_of.get(node)
                    own = str(name or "") if kind == "compound" else str(name or node.rsplit("/", 1)[-1])
                    if kind == "household":
                        own = f"{attrs['room']}室" if attrs.get("room") else ""
                    title = titles[node] = (titles.get(up[0], "") if up and kind != "compound" else "") + own
                    if kind != "compound" and own:
                        raw.append(title)
                        owners.append(entry)
                        fields.append(_ADDRESS)
                    if kind == "household":
                        del titles[node]
                elif kind == "person" and attrs.get("id_masked"):
                    masked.setdefault(str(attrs["id_masked"]), []).append(entry)
                    raw.append(str(attrs["id_masked"]))
                    owners.append(entry)
                    fields.append(_MASKED)
                if kind in _AREAS or kind == "household":
                    where.append(shards_of(node))
                elif placer is not None:
                    where.append(tuple({s for place in placer(view, node) for s in shards_of(place)}) or ("",))
                else:
                    where.append(("",))
        keys: dict[str, list[tuple[str, int, int]]] = {}
        for folded, owner, field in zip(_fold_all(raw), owners, fields, strict=True):
            for shard in where[owner]:
                found = keys.get(shard)
                if found is None:
                    found = keys[shard] = []
                found.append((folded, owner, field))
        above: dict[str, frozenset[str]] = {}
        for shard in keys:
            chain: list[str] = []
            current = part_of.get(shard)
            while current and len(chain) < 16:
                chain.append(current[0])
                current = part_of.get(current[0])
            above[shard] = frozenset(chain)
        return cls(view, nodes, kind_codes, {s: _Shard(k) for s, k in keys.items()}, above, masked)

    def of(self, view: DayView) -> bool:
        """Whether this is the index of ``view`` (its revision and day)."""
        return self.revision == view.revision and self.day == view.day

    def shards_within(self, view: DayView, area: str | None) -> list[_Shard]:
        """The shards that may hold nodes placed in ``area``'s subtree on ``view`` (every shard for ``None``)."""
        if area is None:
            return list(self.shards.values())
        chain: set[str] = set()
        current = view.parent(area, "PART_OF")
        while current is not None and len(chain) < 16:
            chain.add(current)
            current = view.parent(current, "PART_OF")
        return [s for key, s in self.shards.items() if key and (key == area or key in chain or area in self.above[key])]


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
            if attrs is not None and str(attrs.get("kind")) in _ORDER and (self.kinds is None or attrs.get("kind") in self.kinds):
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
                if found.entry(entry, "exact", _MASKED):
                    return


def _keys(found: _Found, shards: list[_Shard], text: str) -> None:
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

    def longer(shard: _Shard) -> Iterator[tuple[str, int, int, int]]:
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
        while current is not None and (view.node(current) or {}).get("kind") in _ADDRESSED and len(parts) < 4:
            parts.append(str((view.node(current) or {}).get("name") or current.rsplit("/", 1)[-1]))
            current = view.parent(current, "PART_OF")
        address = "".join(reversed(parts))
    person = person_of(node, attrs) if kind == "person" else None
    name = attrs.get("name")
    return Hit(node, kind, node.split(":", 1)[1], str(name) if name else None, rank, match, address, person)
