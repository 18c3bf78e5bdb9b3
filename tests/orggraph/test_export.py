"""Export to GraphML, GEXF and JSON: files other programs read back, without sealed data, whatever
text the store holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.dom import minidom

import networkx as nx
import orjson
import pytest

from orggraph.cells import xml_text
from orggraph.export import ExportFormat, export_graph
from orggraph.model import LinkKind
from orggraph.store import Batch, EmbeddedStore
from tests.orggraph.conftest import ID_A, START
from tests.orggraph.hostile import NOT_XML, UNSAFE_XML


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


def _hostile(store: EmbeddedStore, text: str) -> None:
    """Give the district a name and a contact link a note XML cannot hold, raw, as a store may hold them."""
    person = next(n for n, a in store.graph.nodes(data=True) if a.get("kind") == "person")
    b = Batch("hostile")
    b.put_attrs("area:D", {**(store.node("area:D") or {}), "name": text})
    b.link(LinkKind.CONTACTS, person, "household:H2", start=START, attrs={"note": text})
    store.write(b)


@pytest.mark.parametrize("fmt", [ExportFormat.GRAPHML, ExportFormat.GEXF])
def test_xml_exports_are_well_formed_for_any_stored_text(store: EmbeddedStore, tmp_path: Path, fmt: ExportFormat) -> None:
    _hostile(store, UNSAFE_XML)
    path = tmp_path / f"g.{fmt.value}"
    export_graph(store.graph, path, fmt)
    ET.parse(path)
    minidom.parse(str(path))
    read = nx.read_graphml(path) if fmt is ExportFormat.GRAPHML else nx.read_gexf(path)
    expected = xml_text(UNSAFE_XML)
    assert expected == "王" + "\ufffd" * len(NOT_XML) + "\t\n\r<&>\"'\u202e\u2066\u200f芳]]>"
    if fmt is ExportFormat.GRAPHML:  # element text: an XML parser reads a carriage return as a line feed
        expected = expected.replace("\r", "\n")
    assert read.nodes["area:D"]["name"] == read.nodes["area:D"]["label"] == expected
    assert [d["note"] for _, _, d in read.edges(data=True) if "note" in d] == [expected]


def test_the_json_export_escapes_controls_and_writes_a_lone_surrogate_as_u_fffd(store: EmbeddedStore, tmp_path: Path) -> None:
    _hostile(store, UNSAFE_XML)
    path = tmp_path / "g.json"
    export_graph(store.graph, path, ExportFormat.JSON)
    data = orjson.loads(path.read_bytes())
    [district] = [n for n in data["nodes"] if n["id"] == "area:D"]
    assert district["name"] == UNSAFE_XML.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    assert [lk["note"] for lk in data["links"] if "note" in lk] == [district["name"]]
