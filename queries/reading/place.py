"""Where a household sits (住户方位) and who is named how, for the climb (逐级响应) over a :class:`DayView`.

Where the household sits (:class:`Place`) is read once: entrance (单元), building (楼栋), compound
(小区), basic grid (网格), community (社区), street (街道) and district (区), with the containment links
that reach each, so every reason can show the whole graph path from the person to the household.
Each role is answered (:mod:`queries.escalation.roles`) with
:class:`~queries.reading.model.Answer` s (person or unit, org, area, the hops from the person to
that area) or a :class:`Vacancy` and why (岗位空缺); :func:`led_by` lets a deputy secretary (副书记)
stand in for a vacant secretary when the policy's ``deputies_stand_in`` says so.

Answers that depend only on an area (a building's group leader, a grid's staff, a community's
secretary …) are the same for every household there: they are kept per area in the reader's scratch
caches, and only the hops from the area down to the household are added per household.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from orggraph.store.view import DayView
from queries.reading.model import Answer, Direction, Hop, PersonRef, Ref, UnitRef, person_of, ref_of, unit_of

#: A hop before names are looked up: (node, link to the next hop, direction of that link).
RawHop = tuple[str, str | None, Direction | None]

_SECRETARY, _DEPUTY, RESPONSIBLE = "SECRETARY_OF", "DEPUTY_SECRETARY_OF", "RESPONSIBLE_FOR"
_MAX_NAMES = 1_000_000


class Vacancy:
    """A role nobody fills here (岗位空缺), and why, in zh and en."""

    __slots__ = ("en", "zh")

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en


#: What a role function returns: the answers, or the vacancy.
Answered = tuple[Answer, ...] | Vacancy


class Names:
    """Named nodes of one reader (its day and revision): refs, masked persons, hops, own orgs, answers."""

    __slots__ = ("answers", "hops", "orgs", "people", "reader", "refs")

    def __init__(self, reader: DayView) -> None:
        self.reader = reader
        self.refs: dict[str, Ref] = {}
        self.people: dict[str, PersonRef] = {}
        self.hops: dict[RawHop, Hop] = {}
        self.orgs: dict[str, Ref | None] = {}
        self.answers: dict[Hashable, Any] = {}

    @classmethod
    def of(cls, reader: DayView) -> Names:
        names: Names | None = reader.scratch.get("escalation.names")
        if names is None or len(names.hops) + len(names.refs) > _MAX_NAMES:
            names = reader.scratch["escalation.names"] = cls(reader)
        return names

    def ref(self, node: str) -> Ref:
        found = self.refs.get(node)
        if found is None:
            found = self.refs[node] = ref_of(node, self.reader.node(node))
        return found

    def unit(self, node: str) -> UnitRef:
        """A unit with its office phone masked (a department that answers, a co-building unit)."""
        return unit_of(node, self.reader.node(node))

    def person(self, node: str) -> PersonRef:
        found = self.people.get(node)
        if found is None:
            found = self.people[node] = person_of(node, self.reader.node(node))
        return found

    def hop(self, node: str, link: str | None = None, direction: Direction | None = None) -> Hop:
        key = (node, link, direction)
        found = self.hops.get(key)
        if found is None:
            ref = self.ref(node)
            found = self.hops[key] = Hop(node, ref.name, ref.kind, link, direction)
        return found

    def own_org(self, person: str) -> Ref | None:
        """The org a person is a member of (所在党组织) on the day."""
        if person not in self.orgs:
            org = self.reader.parent(person, "MEMBER_OF")
            self.orgs[person] = self.ref(org) if org is not None else None
        return self.orgs[person]


class Place:
    """Where a household sits on the reader's day, and the links that reach each area from it."""

    __slots__ = (
        "_home_hop",
        "_tails",
        "below",
        "building",
        "community",
        "compound",
        "district",
        "entrance",
        "grid",
        "home",
        "household",
        "names",
        "reader",
        "street",
    )

    def __init__(self, reader: DayView, household: str) -> None:
        self.reader = reader
        self.names = Names.of(reader)
        self.household = household
        #: The household's own ref and hop, kept here rather than in the shared caches (there are many households).
        self.home = ref_of(household, reader.node(household))
        self._home_hop = Hop(household, self.home.name, self.home.kind, None, None)
        #: area → (the node below it on the way from the household, the link kind between them)
        self.below: dict[str, tuple[str, str]] = {}
        self._tails: dict[str | None, tuple[Hop, ...]] = {}
        self.entrance = self._up(household, "PART_OF")
        self.building = self._up(self.entrance, "PART_OF")
        self.grid = self._up(household, "IN_GRID")
        self.compound = self.community = self.street = self.district = None
        if self.building is not None:
            key = ("above", self.building)
            above = self.names.answers.get(key)
            if above is None:
                above = self.names.answers[key] = self._above(self.building)
            self.compound, self.community, self.street, self.district, links = above
            for area, link in links:
                self.below.setdefault(area, link)
        if self.community is None:
            self.community = self._climb_to(self.grid)
            self.street = self._up(self.community, "PART_OF")
            self.district = self._up(self.street, "PART_OF")

    def _above(
        self, building: str
    ) -> tuple[str | None, str | None, str | None, str | None, tuple[tuple[str, tuple[str, str]], ...]]:
        """A building's compound, community, street and district, and the links between (the same for
        every household of the building)."""
        outer = Place.__new__(Place)
        outer.reader, outer.below = self.reader, {}
        compound = outer._up(building, "PART_OF")
        community = outer._climb_to(compound)
        street = outer._up(community, "PART_OF")
        district = outer._up(street, "PART_OF")
        return compound, community, street, district, tuple(outer.below.items())

    def _up(self, node: str | None, kind: str) -> str | None:
        if node is None:
            return None
        parent = self.reader.parent(node, kind)
        if parent is not None and parent not in self.below:
            self.below[parent] = (node, kind)
        return parent

    def _climb_to(self, node: str | None) -> str | None:
        for _ in range(8):
            if node is None:
                return None
            attrs = self.reader.node(node)
            if attrs is not None and attrs.get("kind") == "community":
                return node
            node = self._up(node, "PART_OF")
        return None

    def tail(self, area: str | None) -> tuple[Hop, ...]:
        """The hops from ``area`` down to the household (containment links followed backwards)."""
        found = self._tails.get(area)
        if found is None:
            hops: list[Hop] = []
            node = area
            while node is not None and node != self.household and node in self.below and len(hops) < 12:
                child, kind = self.below[node]
                hops.append(self.names.hop(node, kind, "in"))
                node = child
            if area is not None:
                hops.append(self._home_hop)
            found = self._tails[area] = tuple(hops)
        return found

    def address(self) -> str | None:
        """The household's address as the graph has it: ``幸福里小区3号楼2单元501室``."""
        if self.entrance is None:
            return None
        parts = [self.name(n) for n in (self.compound, self.building, self.entrance) if n is not None]
        room = (self.reader.node(self.household) or {}).get("room")
        return "".join(parts) + (f"{room}室" if room else "")

    def name(self, node: str | None) -> str:
        return self.names.ref(node).name if node is not None else "—"

    def cached(self, key: Hashable, compute: Callable[[], Answered]) -> Answered:
        """``compute()`` once per key on this reader (answers that depend only on an area)."""
        answers = self.names.answers
        if key not in answers:
            answers[key] = compute()
        found: Answered = answers[key]
        return found


#: A role's function: (where the household sits, the issue category, whether deputies stand in) → answers.
Role = Callable[[Place, str, bool], Answered]


def lead_of(names: Names, hops: Sequence[RawHop]) -> tuple[Hop, ...]:
    return tuple(names.hop(*h) for h in hops)


def led_by(place: Place, orgs: Sequence[str], area: str, deputies: bool, zh: str, en: str) -> tuple[Answer, ...]:
    """The secretaries of ``orgs`` (responsible for ``area``); with none in post, their deputies if allowed."""
    reader, names = place.reader, place.names
    found: list[Answer] = []
    for link, deputy in ((_SECRETARY, False), (_DEPUTY, True)):
        if deputy and (found or not deputies):
            break
        for org in orgs:
            org_name = place.name(org)
            title = "组长" if (reader.node(org) or {}).get("org_kind") == "group" else "书记"
            for person in sorted(reader.into(org, link)):
                if deputy:
                    reason_zh = f"{org_name}副{title}，代行空缺的{title}职责（{zh}）"
                    reason_en = f"deputy secretary of {org_name}, standing in for the vacant secretary ({en})"
                else:
                    reason_zh, reason_en = f"{org_name}{title}（{zh}）", f"secretary of {org_name} ({en})"
                lead = lead_of(names, [(person, link, "out"), (org, RESPONSIBLE, "out")])
                found.append(
                    Answer(names.person(person), None, names.ref(org), names.ref(area), deputy, lead, reason_zh, reason_en)
                )
    return tuple(found)
