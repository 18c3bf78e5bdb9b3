"""The round trip: a generated district, exported as rosters and imported into an empty store, is the
same graph — every node with its attributes and every active link with its attributes — except what
no roster carries (service centres, 一肩挑 directors, unit liaison) and the start dates rosters do not
hold."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.demo import DEMO_CSV
from importers.sync import ImportOptions, import_rosters
from importers.writer import RosterFormat, write_rosters
from orggraph.generator import Scale, generate
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.pii import PiiKey
from orggraph.store import GraphStore, MemoryStore

KEY = PiiKey(b"r" * 32)
AS_OF = "2025-06-30"
BEYOND_ROSTERS = {LinkKind.DIRECTOR_OF.value, LinkKind.SERVES.value}


def content(store: GraphStore) -> tuple[dict[str, Any], set[tuple[Any, ...]]]:
    # ``since`` is valid time the import records (the day a roster first listed the node), not roster content
    nodes = {
        n: {k: v for k, v in a.items() if k != "since"}
        for n, a in store.nodes(as_of=AS_OF)
        if a["kind"] != NodeKind.SERVICE_CENTRE.value
    }
    links = set()
    for node in nodes:
        for link in store.links(node, as_of=AS_OF):
            if link.kind.value in BEYOND_ROSTERS or link.target not in nodes:
                continue
            if link.kind is LinkKind.LIAISES_WITH and not link.source.startswith("person:"):
                continue
            dated = link.start if link.kind in (LinkKind.REGISTERED_WITH, LinkKind.LIAISES_WITH) else None
            links.add((link.kind.value, link.source, link.target, dated, tuple(sorted(link.attrs.items()))))
    return nodes, links


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_rosters_out_and_in_give_the_same_graph(seed: int) -> None:
    district = generate(Scale.COMMUNITY, seed=seed, key=KEY, as_of=AS_OF)
    original = MemoryStore(KEY)
    for batch in district.batches:
        original.write(batch)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_rosters(
            original, Path(folder), formats=dict.fromkeys(DEMO_CSV, RosterFormat.CSV), as_of=AS_OF, typed_phones=True
        )
        written = "".join(p.read_text(encoding="gb18030") for p in paths if p.suffix == ".csv")
        assert re.search(r"\+86 1\d{2} \d{4} \d{4}|1\d{2}-\d{4}-\d{4}", written)  # phones as people type them
        copy = MemoryStore(KEY)
        report = import_rosters(copy, paths, ImportOptions(date=AS_OF))
    assert report.ok, report.rejections[:5]
    nodes_a, links_a = content(original)
    nodes_b, links_b = content(copy)
    assert nodes_a == nodes_b
    assert links_a - links_b == set()
    assert links_b - links_a == set()
