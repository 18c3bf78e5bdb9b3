"""The hottest coverage rule beside a peer graph database, on the same district, in one run.

``household-uncontacted`` — the households no Party member contacts — as orggraph runs it (the rule
declared in the policy, run over the embedded engine's day index, findings built with their area
paths, responsible org and words) and as LadybugDB (the maintained Kùzu fork, pip ``ladybug``, a
development dependency only) runs the same rule as Cypher, returning ids only, over the district's
live households, persons and active CONTACTS links written out as CSV and copied in.

Figures (medians of ``--repeat`` runs, the district generated with seed 1):

* ``orggraph_ms`` — the rule on the view planners read (its tables and atlas made by earlier runs);
* ``orggraph_fresh_ms`` — the rule on a day index nothing has read yet (it makes its atlas and tables);
* ``ladybug_ms`` — the Cypher query on LadybugDB, its answer fetched into Python (ids only);
* ``ratio`` — ``orggraph_ms`` ÷ ``ladybug_ms`` (the budget: at most 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import district_in_memory, rounded
from orggraph.generator import Scale
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.pii import PiiKey
from orggraph.store.day_index import DayIndex
from queries.coverage import find_gaps
from queries.policy import load_policy

QUERY = "MATCH (h:Household) WHERE NOT EXISTS { MATCH (h)<-[:CONTACTS]-(:Person) } RETURN h.id"


def _ladybug(folder: Path, view: DayIndex) -> tuple[Any, float]:
    """A LadybugDB database of the view's households, persons and CONTACTS links; the load's seconds."""
    import ladybug  # a development dependency: the product does not use it

    households, persons = view.of_kind(NodeKind.HOUSEHOLD.value), view.of_kind(NodeKind.PERSON.value)
    contacts = [(p, h) for p, hs in view.table(LinkKind.CONTACTS.value).items() for h in hs]
    for name, rows in (("h", [[h] for h in households]), ("p", [[p] for p in persons]), ("c", contacts)):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    started = time.perf_counter()
    database = ladybug.Database(str(folder / "graph"))
    connection = ladybug.Connection(database)
    connection.execute("CREATE NODE TABLE Household(id STRING, PRIMARY KEY(id))")
    connection.execute("CREATE NODE TABLE Person(id STRING, PRIMARY KEY(id))")
    connection.execute("CREATE REL TABLE CONTACTS(FROM Person TO Household)")
    for table, name in (("Household", "h"), ("Person", "p"), ("CONTACTS", "c")):
        connection.execute(f"COPY {table} FROM '{folder / name}.csv'")
    return (database, connection), time.perf_counter() - started


def _query(connection: Any) -> list[Any]:
    result = connection.execute(QUERY)
    return list(result.get_all())


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    key = PiiKey(b"benchmark-key-benchmark-key-0001")
    store = district_in_memory(scale, key)
    day = dt.date.today().isoformat()
    rule = [load_policy(None).rule("household-uncontacted")]
    view = store.view(day)
    assert isinstance(view, DayIndex)
    ours, fresh = [], []
    found = find_gaps(view, rule, None)  # the view planners read has been read before
    for _ in range(repeat):
        began = time.perf_counter()
        found = find_gaps(view, rule, None)
        ours.append(time.perf_counter() - began)
        index = DayIndex.build(store.graph, day=day)
        began = time.perf_counter()
        find_gaps(index, rule, None)
        fresh.append(time.perf_counter() - began)
        del index
    with tempfile.TemporaryDirectory(prefix="orggraph-peers-") as folder:
        (database, connection), load_s = _ladybug(Path(folder), view)
        peer_rows = _query(connection)  # warm, as ours
        theirs = []
        for _ in range(repeat):
            began = time.perf_counter()
            peer_rows = _query(connection)
            theirs.append(time.perf_counter() - began)
        del connection, database
    if len(peer_rows) != len(found):
        raise RuntimeError(f"the peer found {len(peer_rows)} households, orggraph {len(found)}")
    ours_ms, theirs_ms = statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3
    return {
        "suite": "peers",
        "scale": scale.value,
        "repeat": repeat,
        "rule": "household-uncontacted",
        "findings": len(found),
        "households": len(view.of_kind(NodeKind.HOUSEHOLD.value)),
        "orggraph_ms": rounded(ours_ms, 1),
        "orggraph_fresh_ms": rounded(statistics.median(fresh) * 1e3, 1),
        "ladybug_ms": rounded(theirs_ms, 1),
        "ladybug_load_s": rounded(load_s, 2),
        "ratio": rounded(ours_ms / theirs_ms, 2),
        "runs": {
            "orggraph_ms": [rounded(t * 1e3, 1) for t in ours],
            "orggraph_fresh_ms": [rounded(t * 1e3, 1) for t in fresh],
            "ladybug_ms": [rounded(t * 1e3, 1) for t in theirs],
        },
        "budgets": {"ratio": 1.0},
    }
