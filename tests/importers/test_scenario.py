"""The roster keeper's month: take the demo's rosters, edit them as in a spreadsheet (move a member,
delete a household, break an ID number), re-import, and read what changed and what was refused."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console

from importers.demo import load_demo
from importers.rosters import RosterKind
from importers.sync import ImportOptions, import_rosters
from orggraph.generator import Scale, generate
from orggraph.model import LinkKind
from orggraph.pii import PiiKey, normalize_id_number
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest

AS_OF = "2025-06-30"
NEXT_MONTH = "2025-07-31"


def edit_csv(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(encoding="gb18030", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = change(rows)
    with path.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_edit_the_demo_rosters_and_reimport(tmp_path: Path) -> None:
    key = PiiKey(b"s" * 32)
    store = EmbeddedStore(tmp_path / "demo.db", key)
    folder = tmp_path / "rosters"
    load_demo(store, generate(Scale.COMMUNITY, seed=2, key=key, as_of=AS_OF), folder=folder, console=Console(quiet=True))
    members, households = folder / "党员.csv", folder / "住户.csv"

    moved: dict[str, str] = {}

    def move_first_member(rows: list[list[str]]) -> list[list[str]]:
        header = rows[0]
        org_col, id_col, post_col = header.index("所在党组织编码"), header.index("公民身份号码"), header.index("党内职务")
        orgs = sorted({r[org_col] for r in rows[1:]})
        row = next(r for r in rows[1:] if not r[post_col])
        row[org_col] = next(o for o in orgs if o != row[org_col])
        moved.update(id=row[id_col], org=row[org_col])
        broken = next(r for r in rows[1:] if r is not row)
        moved["broken"] = broken[id_col]
        broken[id_col] = broken[id_col][:-1] + ("0" if broken[id_col][-1] != "0" else "1")
        return rows

    deleted: dict[str, str] = {}

    def delete_a_household(rows: list[list[str]]) -> list[list[str]]:
        deleted["code"] = rows[5][0]
        return rows[:5] + rows[6:]

    edit_csv(members, move_first_member)
    edit_csv(households, delete_a_household)
    contacts = folder / "联系户.csv"
    kept_contacts: list[list[str]] = []

    def drop_its_contacts(rows: list[list[str]]) -> list[list[str]]:
        kept_contacts.extend(r for r in rows if r[-1] != deleted["code"])
        return kept_contacts

    edit_csv(contacts, drop_its_contacts)
    paths = sorted(folder.iterdir())

    # atomic: the broken ID number refuses the import, nothing is written
    before = graph_digest(store.graph)
    refused = import_rosters(store, paths, ImportOptions(date=NEXT_MONTH))
    assert not refused.written
    assert graph_digest(store.graph) == before
    assert [(r.file, r.column) for r in refused.rejections] == [(str(members), "公民身份号码")]
    assert "check digit" in refused.rejections[0].reason
    assert moved["broken"] not in refused.rejections[0].value

    # best effort: the member moves, the household is ended, the broken row is reported
    report = import_rosters(store, paths, ImportOptions(date=NEXT_MONTH, best_effort=True))
    assert report.written
    assert len(report.rejections) == 1
    assert report.counts[RosterKind.MEMBERS.value]["updated"] == 1
    assert report.counts[RosterKind.HOUSEHOLDS.value]["ended"] == 1
    person = f"person:{key.identity(normalize_id_number(moved['id']))}"
    assert [lk.target for lk in store.links(person, kind=LinkKind.MEMBER_OF, as_of=NEXT_MONTH)] == [f"org:{moved['org']}"]
    assert store.node(f"household:{deleted['code']}")["ended"] == NEXT_MONTH  # type: ignore[index]
    # the broken row's person was not touched: still a member as before
    broken = f"person:{key.identity(moved['broken'])}"
    assert list(store.links(broken, kind=LinkKind.MEMBER_OF, as_of=NEXT_MONTH))
    store.close()
