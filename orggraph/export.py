"""Write a graph out so that Gephi, yEd or another program can open it: GraphML, GEXF or JSON.

Sealed personal data never leaves the store this way; masked forms do. Each link period becomes
one edge with its ``kind``, ``start`` and ``end`` (empty while open), so the history is kept.

GraphML and GEXF are XML 1.0, which cannot hold every character a store may: a character it cannot
hold (a C0 control but tab and line breaks, U+FFFE, U+FFFF, a lone surrogate) is written as U+FFFD
"�" in node ids, attribute names and values (:func:`orggraph.cells.xml_text`), so that any XML
parser reads the file; JSON escapes control characters itself, and writes a lone surrogate as U+FFFD.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("area:S1", kind="street", name="新华街道")
>>> g.add_node("area:C1", kind="community", name="幸福社区")
>>> g.add_edge("area:C1", "area:S1", PART_OF=(("2020-01-01", None, None),))
>>> m = to_multigraph(g)
>>> sorted(m.edges(data=True))[0][2]
{'kind': 'PART_OF', 'start': '2020-01-01', 'end': ''}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

import networkx as nx
import orjson

from orggraph.cells import unicode_text, xml_text

_PRIVATE = frozenset({"id_sealed", "phone_sealed"})


class ExportFormat(StrEnum):
    """The file formats of ``orggraph export``."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    JSON = "json"


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def node_attrs(node_id: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """A node's exportable attributes: no sealed data, lists joined, and a ``label``."""
    out = {k: _scalar(v) for k, v in attrs.items() if k not in _PRIVATE}
    out["label"] = attrs.get("name") or node_id.split(":", 1)[1]
    return out


def link_periods(graph: nx.DiGraph) -> Iterator[dict[str, Any]]:
    """Every link period as a flat record: kind, source, target, start, end, and its attributes."""
    for source, targets in graph._succ.items():
        for target, data in targets.items():
            for kind, periods in data.items():
                for start, end, attrs in periods:
                    yield {
                        "kind": kind,
                        "source": source,
                        "target": target,
                        "start": start,
                        "end": end,
                        **{k: _scalar(v) for k, v in (attrs or ())},
                    }


def _clean(value: Any, clean: Callable[[str], str]) -> Any:
    return clean(value) if isinstance(value, str) else value


def _cleaned(record: dict[str, Any], clean: Callable[[str], str]) -> dict[str, Any]:
    return {clean(k): _clean(v, clean) for k, v in record.items()}


def to_multigraph(graph: nx.DiGraph) -> nx.MultiDiGraph:
    """One edge per link period, scalar attributes only and text XML 1.0 can hold (what GraphML and
    GEXF can hold: see :func:`orggraph.cells.xml_text`)."""
    out = nx.MultiDiGraph()
    for node_id, attrs in graph._node.items():
        out.add_node(xml_text(node_id), **_cleaned(node_attrs(node_id, attrs), xml_text))
    for record in link_periods(graph):
        source, target = record.pop("source"), record.pop("target")
        record["end"] = record["end"] or ""
        out.add_edge(xml_text(source), xml_text(target), **_cleaned(record, xml_text))
    return out


def _json(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:  # a lone surrogate: no character, and no UTF-8 for it
        return orjson.dumps(_cleaned(record, unicode_text))


def write_json(graph: nx.DiGraph, handle: BinaryIO) -> None:
    """``{"format": "orggraph-export", "version": 1, "nodes": [...], "links": [...]}``, streamed."""
    handle.write(b'{"format":"orggraph-export","version":1,"nodes":[')
    for i, (node_id, attrs) in enumerate(graph._node.items()):
        handle.write((b"," if i else b"") + _json({"id": node_id, **node_attrs(node_id, attrs)}))
    handle.write(b'],"links":[')
    for i, record in enumerate(link_periods(graph)):
        handle.write((b"," if i else b"") + _json(record))
    handle.write(b"]}\n")


def export_graph(graph: nx.DiGraph, path: Path, fmt: ExportFormat) -> None:
    """Write ``graph`` to ``path`` in ``fmt``."""
    if fmt is ExportFormat.JSON:
        with path.open("wb") as handle:
            write_json(graph, handle)
        return
    multigraph = to_multigraph(graph)
    if fmt is ExportFormat.GRAPHML:
        nx.write_graphml(multigraph, path, encoding="utf-8")
    else:
        nx.write_gexf(multigraph, path, encoding="utf-8")
