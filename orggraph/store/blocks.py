"""The rows of the embedded file (format 3): nodes, their links and the distinct link histories, in
numbered blocks of JSON; no SQL and no I/O here (:mod:`orggraph.store.file_rows` reads and writes them).

Every node has a *number*, given when it is first written and never given again (a node removed and
made again gets a new one). Block ``b`` of the tables ``node_blocks`` and ``link_blocks`` holds the
nodes numbered ``b * block_size`` … ``(b + 1) * block_size - 1`` and the links *from* them; a write
rewrites only the blocks of the nodes it changed and of the sources of the links it changed. The
history of a (source, target) pair — its periods of every link kind — is stored once in
``period_blocks`` as a *period set* with a number of its own, and the links refer to it: a district's
million links share a few thousand histories (the day an import made them), as they share them in
memory (:mod:`orggraph.store.state`). Each block's body is one UTF-8 JSON object of parallel arrays:

* node block: ``{"number": [n, …], "id": ["household:H1", …], "attrs": [{"kind": "household", …}, …]}``
  — the attributes exactly as the graph holds them, ``kind`` included;
* link block: ``{"source": [n, …], "target": [n, …], "periods": [p, …]}`` — one entry per
  (source, target) pair with the pair's period set, sources in number order, each source's targets
  in the order the graph lists them;
* period block: ``{"number": [p, …], "periods": [{"PART_OF": [["2024-01-01", null, null]], …}, …]}``
  — per link kind the periods ``[start, end or null, attributes as [[name, value], …] or null]``.

Loading builds the graph with the interpreter's own loops (``map``, ``dict.update``) rather than a loop
per link: a district of half a million nodes and 1.4 million links is read in a few seconds.

>>> from orggraph.store.state import GraphState
>>> state = GraphState()
>>> _ = state.apply([("put", "area:S1", {"kind": "street"}), ("put", "area:C1", {"kind": "community"}),
...                  ("link", "PART_OF", "area:C1", "area:S1", "2024-01-01", None)])
>>> layout = Layout()
>>> layout.give_numbers(["area:S1", "area:C1"])
['area:S1', 'area:C1']
>>> encode_links(layout, state.graph, 0)
b'{"source":[1],"target":[0],"periods":[0]}'
>>> encode_periods(layout, 0)
b'{"number":[0],"periods":[{"PART_OF":[["2024-01-01",null,null]]}]}'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import setitem
from typing import Any

import networkx as nx

from orggraph.store.changes import periods_from_json
from orggraph.store.json_text import dumps, loads
from orggraph.store.state import EdgeData, GraphState, new_graph

#: Node numbers (and period-set numbers) per block.
BLOCK_SIZE = 256
#: The three block tables, in the order a file is read.
TABLES = ("period_blocks", "node_blocks", "link_blocks")

#: A block row as read: (block number, revision, JSON body).
BlockRow = tuple[int, int, bytes]


@dataclass
class Layout:
    """Where everything is in the file: node numbers, period-set numbers, each block's revision."""

    block_size: int = BLOCK_SIZE
    #: node id → its number, and number → node id (``None``: a number no longer used).
    number: dict[str, int] = field(default_factory=dict)
    ids: list[str | None] = field(default_factory=list)
    #: ``id()`` of a shared edge-data dict → its period-set number; number → the dict (kept alive, so
    #: that no other object takes its ``id``).
    period_number: dict[int, int] = field(default_factory=dict)
    periods: list[EdgeData | None] = field(default_factory=list)
    #: (table, block) → the revision that last wrote it.
    revisions: dict[tuple[str, int], int] = field(default_factory=dict)
    #: While a write is under way, the nodes it forgot with their numbers (to put back if it fails).
    forgotten: list[tuple[str, int]] | None = None
    _by_content: dict[tuple[Any, ...], int] | None = field(default=None, repr=False)

    @property
    def next_node(self) -> int:
        return len(self.ids)

    @property
    def next_periods(self) -> int:
        return len(self.periods)

    def block_of(self, node_id: str) -> int:
        return self.number[node_id] // self.block_size

    def give_numbers(self, node_ids: Iterable[str]) -> list[str]:
        """Number the nodes that have no number yet (in the order given); the ones numbered now."""
        new = [n for n in dict.fromkeys(node_ids) if n not in self.number]
        start = len(self.ids)
        self.number.update(zip(new, range(start, start + len(new)), strict=True))
        self.ids.extend(new)
        return new

    def forget(self, node_id: str) -> None:
        """The node is gone: its number is not used again."""
        number = self.number.pop(node_id)
        self.ids[number] = None
        if self.forgotten is not None:
            self.forgotten.append((node_id, number))

    def period_numbers(self, datas: Sequence[EdgeData]) -> tuple[list[int], list[int]]:
        """The period-set number of each edge data (a new one for a history not stored yet), and the
        numbers given now."""
        numbers: list[int | None] = list(map(self.period_number.get, map(id, datas)))
        given: list[int] = []
        if None in numbers:
            by_content = self._content_index()
            for index, found in enumerate(numbers):
                if found is not None:
                    continue
                data = datas[index]
                key = _content(data)
                number = by_content.get(key)
                if number is None:
                    number = by_content[key] = len(self.periods)
                    self.periods.append(data)
                    given.append(number)
                self.period_number[id(data)] = number
                numbers[index] = number
        return numbers, given  # type: ignore[return-value]

    def reset_content_index(self) -> None:
        self._by_content = None

    def _content_index(self) -> dict[tuple[Any, ...], int]:
        if self._by_content is None:
            self._by_content = {_content(d): n for n, d in enumerate(self.periods) if d is not None}
        return self._by_content

    def add_periods(self, numbers: Sequence[int], datas: Sequence[EdgeData]) -> None:
        """Take in period sets read from the file."""
        if numbers and numbers[-1] >= len(self.periods):
            self.periods.extend([None] * (numbers[-1] + 1 - len(self.periods)))
        deque(map(setitem, repeat(self.periods), numbers, datas), 0)
        self.period_number.update(zip(map(id, datas), numbers, strict=True))
        if self._by_content is not None:
            self._by_content.update(zip(map(_content, datas), numbers, strict=True))

    def state_text(self, revision: int) -> bytes:
        """What the file's state digest signs: the revision, the counters and every block's revision
        (so that no block can be put back to an older signed version, or dropped, unseen)."""
        parts = [f"state:{revision}:{self.next_node}:{self.next_periods}:{self.block_size}"]
        parts.extend(f"{table}:{block}:{rev}" for (table, block), rev in sorted(self.revisions.items()))
        return ";".join(parts).encode()


def _content(data: EdgeData) -> tuple[Any, ...]:
    return tuple(sorted(data.items()))


def node_range(layout: Layout, block: int) -> list[str]:
    """The node ids numbered in ``block``, in number order."""
    start = block * layout.block_size
    return [n for n in layout.ids[start : start + layout.block_size] if n is not None]


# -- encoding (from the graph in memory) -------------------------------------------------------------


def encode_nodes(layout: Layout, graph: nx.DiGraph, block: int) -> bytes:
    ids = node_range(layout, block)
    numbers = list(map(layout.number.__getitem__, ids))
    return dumps({"number": numbers, "id": ids, "attrs": list(map(graph._node.__getitem__, ids))})


def encode_links(layout: Layout, graph: nx.DiGraph, block: int) -> bytes:
    """The links from the nodes of ``block``; gives period-set numbers to histories not stored yet."""
    ids = node_range(layout, block)
    outs = list(map(graph._succ.__getitem__, ids))
    sources = list(chain.from_iterable(map(repeat, map(layout.number.__getitem__, ids), map(len, outs))))
    targets = list(map(layout.number.__getitem__, chain.from_iterable(outs)))
    datas = list(chain.from_iterable(map(dict.values, outs)))
    periods, _ = layout.period_numbers(datas)
    return dumps({"source": sources, "target": targets, "periods": periods})


def encode_periods(layout: Layout, block: int) -> bytes:
    start = block * layout.block_size
    numbers = [n for n in range(start, min(start + layout.block_size, len(layout.periods))) if layout.periods[n] is not None]
    return dumps({"number": numbers, "periods": [layout.periods[n] for n in numbers]})


# -- decoding (into the graph in memory) -------------------------------------------------------------


def decode_periods(body: bytes) -> tuple[list[int], list[EdgeData]]:
    doc = loads(body)
    datas = [{kind: periods_from_json(raw) for kind, raw in history.items()} for history in doc["periods"]]
    return doc["number"], datas


def load(layout: Layout, rows: dict[str, list[BlockRow]]) -> GraphState:
    """The graph the (signature-checked) block rows of a whole file hold; ``layout`` is filled in."""
    for block, revision, body in rows["period_blocks"]:
        layout.add_periods(*decode_periods(body))
        layout.revisions["period_blocks", block] = revision
    nodes: dict[str, dict[str, Any]] = {}
    for block, revision, body in rows["node_blocks"]:
        doc = loads(body)
        ids = doc["id"]
        nodes.update(zip(ids, doc["attrs"], strict=True))
        _place(layout, doc["number"], ids)
        layout.revisions["node_blocks", block] = revision
    count = len(nodes)
    succ: dict[str, dict[str, EdgeData]] = dict(zip(nodes, map(dict, repeat((), count)), strict=True))
    pred: dict[str, dict[str, EdgeData]] = dict(zip(nodes, map(dict, repeat((), count)), strict=True))
    for block, revision, body in rows["link_blocks"]:
        _link(layout, succ, pred, loads(body))
        layout.revisions["link_blocks", block] = revision
    return GraphState(new_graph(nodes, succ, pred))


def _place(layout: Layout, numbers: list[int], ids: list[str]) -> None:
    if numbers and numbers[-1] >= len(layout.ids):
        layout.ids.extend([None] * (numbers[-1] + 1 - len(layout.ids)))
    deque(map(setitem, repeat(layout.ids), numbers, ids), 0)
    layout.number.update(zip(ids, numbers, strict=True))


def _link(layout: Layout, succ: dict[str, Any], pred: dict[str, Any], doc: dict[str, list[int]]) -> None:
    """Add a link block's pairs, sharing each period set and the node ids' own strings."""
    node_of, periods_of = layout.ids.__getitem__, layout.periods.__getitem__
    sources: list[Any] = list(map(node_of, doc["source"]))
    targets: list[Any] = list(map(node_of, doc["target"]))
    datas = list(map(periods_of, doc["periods"]))
    if None in datas or None in sources or None in targets:
        raise ValueError("a link refers to a node or a period set that is not there")
    deque(map(setitem, map(succ.__getitem__, sources), targets, datas), 0)
    deque(map(setitem, map(pred.__getitem__, targets), sources, datas), 0)


def apply_rows(state: GraphState, layout: Layout, rows: dict[str, list[BlockRow]]) -> None:
    """Take in the block rows another process wrote (each replaces its block whole)."""
    graph = state.graph
    node, succ, pred = graph._node, graph._succ, graph._pred
    for block, revision, body in rows["period_blocks"]:
        layout.add_periods(*decode_periods(body))
        layout.revisions["period_blocks", block] = revision
    for block, _, _ in rows["link_blocks"]:  # the old links of the blocks rewritten go first
        for source in node_range(layout, block):
            targets = succ[source]
            for target in targets:
                del pred[target][source]
            targets.clear()
    old: set[str] = set()
    new: dict[str, tuple[int, dict[str, Any]]] = {}
    for block, revision, body in rows["node_blocks"]:
        old.update(node_range(layout, block))
        doc = loads(body)
        new.update(zip(doc["id"], zip(doc["number"], doc["attrs"], strict=True), strict=True))
        layout.revisions["node_blocks", block] = revision
    for gone in old - new.keys():
        del node[gone], succ[gone], pred[gone]
        layout.forget(gone)
    for node_id, (number, attrs) in new.items():
        if node_id in layout.number and layout.number[node_id] != number:
            layout.forget(node_id)
        if node_id not in node:
            succ[node_id] = {}
            pred[node_id] = {}
        node[node_id] = attrs
        _place(layout, [number], [node_id])
    for block, revision, body in rows["link_blocks"]:
        _link(layout, succ, pred, loads(body))
        layout.revisions["link_blocks", block] = revision
