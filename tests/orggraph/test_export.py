"""Export to GraphML, GEXF and JSON: files other programs read back, without sealed data."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import orjson
import pytest

from orggraph.export import ExportFormat, export_graph
from orggraph.store import EmbeddedStore
from tests.orggraph.conftest import ID_A


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_reads_back(store: EmbeddedStore, tmp_path: Path, fmt: ExportFormat) -> None:
    path = tmp_path / f"g.{fmt.value}"
    export_graph(store.graph, path, fmt)
    text = path.read_text(encoding="utf-8")
    assert "sealed" not in text
    assert ID_A not in text
    assert "1101**********002X" in text
    if fmt is ExportFormat.JSON:
        data = orjson.loads(text)
        assert len(data["nodes"]) == store.graph.number_of_nodes()
        assert {lk["kind"] for lk in data["links"]} >= {"PART_OF", "CONTACTS"}
        return
    read = nx.read_graphml(path) if fmt is ExportFormat.GRAPHML else nx.read_gexf(path)
    assert read.number_of_nodes() == store.graph.number_of_nodes()
    assert read.number_of_edges() == 17  # one per link period of the tiny district
    assert read.nodes["household:H1"]["kind"] == "household"
