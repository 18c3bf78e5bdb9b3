"""Random sequences of roster edits, imports and undos, on one day and across days, checked after every
step against a plain model: as of today the store says what the imported rosters say; as of every
earlier day it says what was true then; an undo gives back the exact earlier graph."""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from importers.sync import ImportOptions, import_rosters
from importers.undo import undo_import
from orggraph.generator.ids import id_number
from orggraph.model import LinkKind, NodeKind
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest

AREAS = """区域编码,区域名称,层级,上级区域编码,网格级别
130705,下花园区,区,,
130705001,新华街道,街道,130705,
130705001001,幸福社区,社区,130705001,
130705001002,和平社区,社区,130705001,
130705001001G1,第一网格,网格,130705001001,4
130705001002G1,和平网格,网格,130705001002,4
130705001001X1,幸福里,小区,130705001001,
130705001002X1,和平家园,小区,130705001002,
"""
COMMUNITIES = ("130705001001", "130705001002")
STREET = "130705001"
ORG_AREA = {"P1": STREET, "P2": "130705001001", "P3": "130705001002"}
ID_NUMBERS = [id_number(random.Random(i), "130705", "1980-05-17", male=bool(i % 2)) for i in range(12)]
START = dt.date(2025, 6, 1)


@dataclass
class Facts:
    """What the store should say on a day: households (code → residents), members' orgs and homes,
    contacts, registrations (member → (community, date, ever interrupted))."""

    households: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, str] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    contacts: set[tuple[str, str]] = field(default_factory=set)
    registrations: dict[str, tuple[str, str]] = field(default_factory=dict)

    def past(self) -> tuple[Any, ...]:
        """What can be asked of an earlier day (attributes are not kept per day)."""
        return (set(self.households), dict(self.orgs), dict(self.homes), set(self.contacts), set(self.registrations))


class Rosters:
    """The district's rosters as a roster keeper edits them."""

    def __init__(self) -> None:
        self.households: dict[str, tuple[str, str]] = {}  # code → (community, room)
        self.residents: dict[str, int] = {}
        self.members: dict[str, tuple[str, str, str | None]] = {}  # id → (name, org, home)
        self.contacts: set[tuple[str, str]] = set()
        self.registrations: dict[str, tuple[str, str]] = {}  # id → (community, date)
        self.org_names = {"P1": "新华街道党工委", "P2": "幸福社区党委", "P3": "和平社区党委"}

    def write(self, folder: Path, kinds: tuple[str, ...]) -> list[Path]:
        texts = {
            "区域": AREAS,
            "党组织": "组织编码,组织名称,组织类别,上级组织编码,负责区域编码\n"
            f"P1,{self.org_names['P1']},党工委,,130705001\n"
            f"P2,{self.org_names['P2']},党委,P1,130705001001\n"
            f"P3,{self.org_names['P3']},党委,P1,130705001002\n",
            "住户": "户编码,所属网格编码,小区,楼栋,单元,室,常住人数\n"
            + "".join(
                f"{code},{community}G1,{community}X1,1号楼,1单元,{room},{self.residents[code]}\n"
                for code, (community, room) in sorted(self.households.items())
            ),
            "党员": "姓名,公民身份号码,所在党组织编码,户编码\n"
            + "".join(f"{name},{number},{org},{home or ''}\n" for number, (name, org, home) in sorted(self.members.items())),
            "联系户": "党员身份证号,户编码\n" + "".join(f"{m},{h}\n" for m, h in sorted(self.contacts)),
            "双报到": "报到类型,报到社区编码,公民身份号码,报到日期\n"
            + "".join(f"个人,{c},{m},{d}\n" for m, (c, d) in sorted(self.registrations.items())),
        }
        paths = []
        for kind in kinds:
            path = folder / f"{kind}.csv"
            path.write_text(texts[kind], encoding="utf-8")
            paths.append(path)
        return paths


ALL = ("区域", "党组织", "住户", "党员", "联系户", "双报到")


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="orggraph-machine-"))
        self.store = EmbeddedStore(self.folder / "g.db", PiiKey(b"m" * 32))
        self.rosters = Rosters()
        self.day = START
        self.facts = Facts()
        #: Every import not undone: (day, facts after it, digest before it, cascades after it).
        self.stack: list[tuple[dt.date, Facts, str, dict[str, tuple[dt.date, set[Any]]]]] = []
        #: Links ended with a household, by household: the day and what ended (for a same-day revival).
        self.cascaded: dict[str, tuple[dt.date, set[Any]]] = {}
        self.interrupted: set[tuple[str, str]] = set()
        self.deleted: dict[str, tuple[str, str]] = {}
        self.community_of: dict[str, str] = {}
        self.next_code = 0

    def teardown(self) -> None:
        self.store.close()

    @initialize()
    def start(self) -> None:
        for _ in range(4):
            self._new_household(COMMUNITIES[self.next_code % 2])
        self.rosters.members[ID_NUMBERS[0]] = ("王芳", "P2", None)
        self._import(ALL)

    # -- edits ------------------------------------------------------------------------------------

    def _new_household(self, community: str) -> str:
        code = f"H{self.next_code:03d}"
        self.next_code += 1
        self.rosters.households[code] = (community, str(100 + self.next_code))
        self.community_of[code] = community
        self.rosters.residents[code] = 2
        return code

    @rule(community=st.sampled_from(COMMUNITIES))
    def add_household(self, community: str) -> None:
        self._new_household(community)

    @precondition(lambda self: self.rosters.households)
    @rule(data=st.data())
    def delete_household(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(sorted(self.rosters.households)))
        self.deleted[code] = self.rosters.households.pop(code)
        self.rosters.contacts = {(m, h) for m, h in self.rosters.contacts if h != code}
        for number, (name, org, home) in list(self.rosters.members.items()):
            if home == code:
                self.rosters.members[number] = (name, org, None)

    @precondition(lambda self: self.deleted)
    @rule(data=st.data())
    def restore_household(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(sorted(self.deleted)))
        self.rosters.households[code] = self.deleted.pop(code)

    @precondition(lambda self: self.rosters.households)
    @rule(data=st.data(), residents=st.integers(0, 9))
    def correct_residents(self, data: st.DataObject, residents: int) -> None:
        self.rosters.residents[data.draw(st.sampled_from(sorted(self.rosters.households)))] = residents

    @rule(data=st.data(), org=st.sampled_from(("P1", "P2", "P3")))
    def add_or_move_member(self, data: st.DataObject, org: str) -> None:
        number = data.draw(st.sampled_from(ID_NUMBERS))
        name = self.rosters.members.get(number, (f"党员{ID_NUMBERS.index(number)}", "", None))[0]
        home = data.draw(st.sampled_from([None, *sorted(self.rosters.households)]))
        self.rosters.members[number] = (name, org, home)

    @precondition(lambda self: self.rosters.members)
    @rule(data=st.data())
    def delete_member(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(sorted(self.rosters.members)))
        del self.rosters.members[number]
        self.rosters.contacts = {(m, h) for m, h in self.rosters.contacts if m != number}
        self.rosters.registrations.pop(number, None)

    @precondition(lambda self: self.rosters.members and self.rosters.households)
    @rule(data=st.data())
    def toggle_contact(self, data: st.DataObject) -> None:
        pair = (
            data.draw(st.sampled_from(sorted(self.rosters.members))),
            data.draw(st.sampled_from(sorted(self.rosters.households))),
        )
        self.rosters.contacts ^= {pair}

    @precondition(lambda self: self.rosters.members)
    @rule(data=st.data(), community=st.sampled_from(COMMUNITIES), days_before=st.integers(0, 900))
    def register_or_correct_date(self, data: st.DataObject, community: str, days_before: int) -> None:
        number = data.draw(st.sampled_from(sorted(self.rosters.members)))
        self.rosters.registrations[number] = (community, (self.day - dt.timedelta(days=days_before)).isoformat())

    @rule(org=st.sampled_from(("P2", "P3")), name=st.sampled_from(("甲党委", "乙党委", "丙党委")))
    def rename_org(self, org: str, name: str) -> None:
        self.rosters.org_names[org] = name

    @rule(days=st.integers(1, 40))
    def next_day(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    # -- imports and undos ------------------------------------------------------------------------

    @rule()
    def import_all(self) -> None:
        self._import(ALL)

    @rule()
    def import_households_only(self) -> None:
        self._import(("住户",))

    def _import(self, kinds: tuple[str, ...]) -> None:
        before = graph_digest(self.store.graph)
        paths = self.rosters.write(self.folder, kinds)
        report = import_rosters(self.store, paths, ImportOptions(date=self.day.isoformat(), allow_mass_end=True))
        assert report.ok, report.rejections[:3]
        previous_cascaded = copy.deepcopy(self.cascaded)
        self._apply(kinds)
        if report.summary is not None and report.summary.changed:
            self.stack.append((self.day, copy.deepcopy(self.facts), before, previous_cascaded))
        else:
            assert graph_digest(self.store.graph) == before

    def _apply(self, kinds: tuple[str, ...]) -> None:
        """The model of an import of ``kinds``. A full roster speaks for the communities its rows fall in
        (for the street, when a row is placed at street level): what it no longer lists there ends; a
        row that moves something moves it; a blank 户编码 leaves a member's home as it was. Links of a
        household that goes end with it, and come back if it is listed again the same day."""
        f, r = self.facts, self.rosters
        if "住户" in kinds:
            covered = {community for community, _ in r.households.values()}
            listed = {code: r.residents[code] for code in r.households}
            kept = {code: n for code, n in f.households.items() if self.community_of[code] not in covered}
            for code in set(f.households) - set(listed) - set(kept):
                ended = {("home", m) for m, h in f.homes.items() if h == code}
                ended |= {("contact", p) for p in f.contacts if p[1] == code}
                self.cascaded[code] = (self.day, ended)
                f.homes = {m: h for m, h in f.homes.items() if h != code}
                f.contacts = {p for p in f.contacts if p[1] != code}
            for code in set(listed) - set(f.households):
                day, ended = self.cascaded.pop(code, (None, set()))
                if day == self.day:
                    for what, value in ended:
                        if what == "home" and "党员" not in kinds and value not in f.homes:
                            f.homes[value] = code
                        if what == "contact" and "联系户" not in kinds:
                            f.contacts.add(value)
            f.households = {**kept, **listed}
        if "党员" in kinds:
            orgs_covered = {ORG_AREA[org] for _, org, _ in r.members.values()}
            within = {org for org, area in ORG_AREA.items() if area in orgs_covered or STREET in orgs_covered}
            f.orgs = {m: org for m, org in f.orgs.items() if org not in within}
            f.orgs.update({number: org for number, (_, org, _) in r.members.items()})
            f.homes.update({number: home for number, (_, _, home) in r.members.items() if home})
        if "联系户" in kinds:
            covered = {self.community_of[h] for _, h in r.contacts}
            f.contacts = {p for p in f.contacts if self.community_of[p[1]] not in covered} | set(r.contacts)
        if "双报到" in kinds:
            covered = {community for community, _ in r.registrations.values()}
            kept_registrations = {m: reg for m, reg in f.registrations.items() if reg[0] not in covered}
            for number, (community, _) in f.registrations.items():
                if r.registrations.get(number, (None,))[0] != community:
                    self.interrupted.add((number, community))
            f.registrations = {**kept_registrations, **r.registrations}

    @precondition(lambda self: len(self.stack) > 1)
    @rule()
    def undo_last(self) -> None:
        _, _, before, cascaded = self.stack.pop()
        undo_import(self.store)
        assert graph_digest(self.store.graph) == before
        self.facts = copy.deepcopy(self.stack[-1][1])
        self.cascaded = cascaded

    # -- checks -----------------------------------------------------------------------------------

    def _view(self, day: str) -> Facts:
        store, key = self.store, self.store.pii_key
        number_of = {f"person:{key.identity(n)}": n for n in ID_NUMBERS}
        view = Facts()
        for node, attrs in store.nodes(NodeKind.HOUSEHOLD, as_of=day):
            view.households[node.split(":", 1)[1]] = int(attrs.get("residents", 0))
        for person, number in number_of.items():
            for link in store.links(person, as_of=day):
                target = link.target.split(":", 1)[1]
                if link.kind is LinkKind.MEMBER_OF:
                    view.orgs[number] = target
                elif link.kind is LinkKind.LIVES_IN:
                    view.homes[number] = target
                elif link.kind is LinkKind.CONTACTS:
                    view.contacts.add((number, target))
                elif link.kind is LinkKind.REGISTERED_WITH:
                    view.registrations[number] = (target, link.start)
        return view

    @invariant()
    def today_is_what_the_rosters_say(self) -> None:
        if not self.stack:
            return
        view = self._view(self.day.isoformat())
        assert view.households == self.facts.households
        assert view.orgs == self.facts.orgs
        assert view.homes == self.facts.homes
        assert view.contacts == self.facts.contacts
        expected = {m: c for m, (c, d) in self.facts.registrations.items() if d <= self.day.isoformat()}
        assert {m: c for m, (c, _) in view.registrations.items()} == expected
        for number, (community, start) in view.registrations.items():
            if (number, community) not in self.interrupted:
                assert start == self.facts.registrations[number][1]  # the stated date, corrected when it was wrong

    @invariant()
    def every_earlier_day_is_what_was_true_then(self) -> None:
        days = sorted({day for day, *_ in self.stack})
        for day in days[-4:]:
            facts = [entry[1] for entry in self.stack if entry[0] <= day][-1]
            view = self._view(day.isoformat())
            # (registrations aside: a corrected registration date corrects the past too)
            assert view.past()[:4] == facts.past()[:4], day


TestSyncMachine = SyncMachine.TestCase
TestSyncMachine.settings = settings(
    max_examples=int(os.environ.get("ORGGRAPH_MACHINE_EXAMPLES", "40")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
