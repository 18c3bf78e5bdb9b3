"""The search index (查找索引) of a view: every node's code, name, address and masked ID number, folded
and sorted, for :func:`queries.lookups.search.search` to find by bisection and :meth:`str.find`.

Keys are kept sorted in one string per *shard* — the nodes placed in one community (社区), or in a
street or the district above any community — so a caller whose scope is one community reads that
community's shard only. Where a person, org or unit is placed is the caller's to say (``placer``: the
API's scope rules, :func:`api.scope.places`); without one they share a shard with nothing placed.
The index is built once per view (a store revision and day) and holds no reference to it.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator

from orggraph.store.view import DayView
from orggraph.text import to_halfwidth

__all__ = ["ADDRESSED", "FIELDS", "KINDS", "Placer", "SearchIndex", "Shard", "fold"]

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
ADDRESSED = frozenset({"compound", "building", "entrance"})
#: What a key is of: its position here is what the index keeps.
FIELDS: tuple[str, ...] = ("code", "name", "address", "id_masked")
_CODE, _NAME, _ADDRESS, _MASKED = range(4)
_SEP = "\x00"

#: Where the caller places a node that is not an area or household (its scope rules): areas and households.
Placer = Callable[[DayView, str], Iterable[str]]


def fold(text: str) -> str:
    """Text as keys compare: half-width, without spaces (or NULs), upper-case.

    >>> fold(" 幸福里 小区３号楼 a ")
    '幸福里小区3号楼A'
    """
    return "".join(to_halfwidth(str(text)).replace(_SEP, "").split()).upper()


_SPACES = re.compile(r"\s+")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _fold_all(texts: list[str], chunk: int = 50_000) -> list[str]:
    """:func:`fold` of many texts at once: each chunk of them joined and folded in one pass (a chunk at a
    time, so the joined copies stay small beside the result)."""
    folded: list[str] = []
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        joined = _SEP.join(part)
        if joined.count(_SEP) != len(part) - 1:  # a text holding a NUL: one by one
            folded.extend(fold(t) for t in part)
            continue
        if _FULL_WIDTH.search(joined):
            joined = to_halfwidth(joined)
        folded.extend(_SPACES.sub("", joined).upper().split(_SEP))
    return folded


class Shard:
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
        shards: dict[str, Shard],
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
                if kind in ADDRESSED or kind == "household":
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
        folded = _fold_all(raw)
        del raw
        by_shard: dict[str, array[int]] = {}  # shard → its keys' positions: no object per key until its turn
        for i, owner in enumerate(owners):
            for shard in where[owner]:
                found = by_shard.get(shard)
                if found is None:
                    found = by_shard[shard] = array("l")
                found.append(i)
        shards: dict[str, Shard] = {}
        for shard in sorted(by_shard):
            shards[shard] = Shard([(folded[i], owners[i], fields[i]) for i in by_shard.pop(shard)])
        above: dict[str, frozenset[str]] = {}
        for shard in shards:
            chain: list[str] = []
            current = part_of.get(shard)
            while current and len(chain) < 16:
                chain.append(current[0])
                current = part_of.get(current[0])
            above[shard] = frozenset(chain)
        return cls(view, nodes, kind_codes, shards, above, masked)

    def of(self, view: DayView) -> bool:
        """Whether this is the index of ``view`` (its revision and day)."""
        return self.revision == view.revision and self.day == view.day

    def shards_within(self, view: DayView, area: str | None) -> list[Shard]:
        """The shards that may hold nodes placed in ``area``'s subtree on ``view`` (every shard for ``None``)."""
        if area is None:
            return list(self.shards.values())
        chain: set[str] = set()
        current = view.parent(area, "PART_OF")
        while current is not None and len(chain) < 16:
            chain.add(current)
            current = view.parent(current, "PART_OF")
        return [s for key, s in self.shards.items() if key and (key == area or key in chain or area in self.above[key])]
