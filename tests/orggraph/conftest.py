"""Tiny fixtures for the core tests: a key, a hand-drawn district, a store in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orggraph.model import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Household,
    LinkKind,
    OrgKind,
    PartyOrg,
    Person,
    Street,
)
from orggraph.pii import PiiKey
from orggraph.store import Batch, EmbeddedStore

START = "2021-03-01"
#: Valid ID numbers (GB 11643 check digits) used across the tests.
ID_A = "11010519491231002X"
ID_B = "130705198801010010"


@pytest.fixture
def key() -> PiiKey:
    return PiiKey(b"k" * 32)


def tiny_district(key: PiiKey) -> Batch:
    """One district, street, community, basic grid, compound, building, entrance, two households,
    a community committee with a building group, and one member who contacts one household."""
    b = Batch("tiny")
    for node in (
        District(code="D", name="下花园区"),
        Street(code="S1", name="新华街道"),
        Community(code="C1", name="幸福社区"),
        Grid(code="G1", name="第一网格", level=4),
        Compound(code="P1", name="幸福里小区"),
        Building.of("P1", "3号楼"),
        Entrance.of("P1/3号楼", "2单元"),
        Household(code="H1", room="501", residents=2),
        Household(code="H2", room="502", residents=1),
        PartyOrg(code="O1", name="幸福社区党委", org_kind=OrgKind.PARTY_COMMITTEE),
        PartyOrg(code="O2", name="3号楼党小组", org_kind=OrgKind.GROUP),
    ):
        b.put(node)
    person = Person.from_id_number(key, ID_A, name="王芳", phone="13800138000")
    b.put(person)
    for child, parent in (
        ("area:S1", "area:D"),
        ("area:C1", "area:S1"),
        ("area:G1", "area:C1"),
        ("area:P1", "area:C1"),
        ("area:P1/3号楼", "area:P1"),
        ("area:P1/3号楼/2单元", "area:P1/3号楼"),
        ("household:H1", "area:P1/3号楼/2单元"),
        ("household:H2", "area:P1/3号楼/2单元"),
    ):
        b.link(LinkKind.PART_OF, child, parent, start=START)
    b.link(LinkKind.IN_GRID, "household:H1", "area:G1", start=START)
    b.link(LinkKind.IN_GRID, "household:H2", "area:G1", start=START)
    b.link(LinkKind.SUBORDINATE_TO, "org:O2", "org:O1", start=START)
    b.link(LinkKind.RESPONSIBLE_FOR, "org:O1", "area:C1", start=START)
    b.link(LinkKind.RESPONSIBLE_FOR, "org:O2", "area:P1/3号楼", start=START)
    b.link(LinkKind.MEMBER_OF, person, "org:O2", start=START)
    b.link(LinkKind.SECRETARY_OF, person, "org:O2", start=START)
    b.link(LinkKind.LIVES_IN, person, "household:H1", start=START)
    b.link(LinkKind.CONTACTS, person, "household:H2", start=START, attrs={"since_note": "1+10"})
    return b


@pytest.fixture
def store(tmp_path: Path, key: PiiKey) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "g.db", key)
    s.write(tiny_district(key))
    yield s
    s.close()
