"""Liaison lookups (联系查询): who is the liaison of a household, what a member is linked to, what a
community has, and how any two nodes are connected.

Every function reads the graph as of one day through a :class:`~orggraph.store.view.DayView`, as the
escalation climb does, and returns immutable records with ``to_dict()``. Persons appear masked only
(:class:`~queries.reading.model.PersonRef`).

* :func:`household_liaison` — a household's contacting members (联系党员), central household
  (单元党员中心户), building group (楼栋党小组) and its leader, grid staff by role (网格员 …), branch,
  community secretary (社区书记) and liaison leaders (包联领导);
* :func:`member_links` — a person's households contacted (1+10), org, posts, grid roles,
  registration (双报到), residence, unit, liaison and owners' committees;
* :func:`community_links` — a community's registered members and units (双报到), live co-building
  projects (共建项目) and liaison (包联);
* :func:`~queries.lookups.explain.explain_path` — the shortest path between two nodes over active links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.escalation.roles import ROLES
from queries.lookups.explain import ExplainedPath, explain_path
from queries.reading.address import resolve_start
from queries.reading.model import ROLE_NAMES, PersonRef, Ref
from queries.reading.place import Names, Place, Vacancy

__all__ = [
    "CommunityLinks",
    "ExplainedPath",
    "HouseholdLiaison",
    "MemberLinks",
    "Post",
    "community_links",
    "explain_path",
    "household_liaison",
    "member_links",
]

_GRID_STAFF = ("grid_worker", "grid_leader", "community_worker", "property_manager", "enforcement_officer")
_POSTS = ("SECRETARY_OF", "DEPUTY_SECRETARY_OF", "COMMITTEE_MEMBER_OF")
_GRID_LINKS = ("GRID_WORKER_OF", "GRID_LEADER_OF", "COMMUNITY_WORKER_OF", "PROPERTY_MANAGER_OF", "ENFORCEMENT_OFFICER_OF")


def _dicts(items: tuple[Any, ...]) -> list[Any]:
    return [i.to_dict() if hasattr(i, "to_dict") else i for i in items]


@dataclass(frozen=True)
class Post:
    """Someone in a role for a household (岗位): the masked person, the org or area, and why."""

    role: str
    role_zh: str
    role_en: str
    person: PersonRef
    org: Ref | None
    area: Ref | None
    deputy: bool
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "role_zh": self.role_zh,
            "role_en": self.role_en,
            "person": self.person.to_dict(),
            "org": self.org.to_dict() if self.org else None,
            "area": self.area.to_dict() if self.area else None,
            "deputy": self.deputy,
            "zh": self.zh,
            "en": self.en,
        }


@dataclass(frozen=True)
class HouseholdLiaison:
    """Who serves one household (户的联系人), by role; ``vacant`` lists roles nobody fills, and why."""

    household: Ref
    address: str | None
    read_as: str | None
    as_of: str
    areas: dict[str, Ref | None]
    contacting_members: tuple[Post, ...]
    central_household: tuple[Post, ...]
    building_group_leader: tuple[Post, ...]
    grid_staff: dict[str, tuple[Post, ...]]
    branch_secretary: tuple[Post, ...]
    community_secretary: tuple[Post, ...]
    liaison_leaders: tuple[Post, ...]
    street_secretary: tuple[Post, ...]
    vacant: tuple[tuple[str, str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "household": self.household.to_dict(),
            "address": self.address,
            "read_as": self.read_as,
            "as_of": self.as_of,
            "areas": {k: v.to_dict() if v else None for k, v in self.areas.items()},
            "contacting_members": _dicts(self.contacting_members),
            "central_household": _dicts(self.central_household),
            "building_group_leader": _dicts(self.building_group_leader),
            "grid_staff": {role: _dicts(posts) for role, posts in self.grid_staff.items()},
            "branch_secretary": _dicts(self.branch_secretary),
            "community_secretary": _dicts(self.community_secretary),
            "liaison_leaders": _dicts(self.liaison_leaders),
            "street_secretary": _dicts(self.street_secretary),
            "vacant": [{"role": r, "zh": zh, "en": en} for r, zh, en in self.vacant],
        }


def household_liaison(view: DayView, household: str) -> HouseholdLiaison:
    """The liaison of a household (住户联系人): by role, masked, with the vacant roles and why.

    ``household`` is a household code (户编码), node id or address, as for
    :func:`~queries.escalation.escalation_path`. Deputies (副书记) are listed, marked, where a secretary's
    post is vacant.

    Raises
    ------
    NotFoundError
        No such household on the day, or an address that does not resolve (saying how it was read).
    """
    reader = view
    node, read_as = resolve_start(reader, household)
    place = Place(reader, node)
    vacant: list[tuple[str, str, str]] = []

    def posts(role: str) -> tuple[Post, ...]:
        answered = ROLES[role](place, "", True)
        if isinstance(answered, Vacancy):
            vacant.append((role, answered.zh, answered.en))
            return ()
        return tuple(
            Post(role, *ROLE_NAMES[role], a.person, a.org, a.area, a.deputy, a.zh, a.en) for a in answered if a.person is not None
        )

    names = place.names
    areas = {
        kind: names.ref(area) if area is not None else None
        for kind, area in (
            ("entrance", place.entrance),
            ("building", place.building),
            ("compound", place.compound),
            ("grid", place.grid),
            ("community", place.community),
            ("street", place.street),
            ("district", place.district),
        )
    }
    return HouseholdLiaison(
        household=place.home,
        address=place.address(),
        read_as=read_as,
        as_of=reader.day,
        areas=areas,
        contacting_members=posts("contacting_member"),
        central_household=posts("central_household"),
        building_group_leader=posts("building_group_leader"),
        grid_staff={role: posts(role) for role in _GRID_STAFF},
        branch_secretary=posts("branch_secretary"),
        community_secretary=posts("community_secretary"),
        liaison_leaders=posts("liaison_leader"),
        street_secretary=posts("street_secretary"),
        vacant=tuple(vacant),
    )


@dataclass(frozen=True)
class MemberLinks:
    """What one person is linked to on the day (人员关联): all areas and orgs as :class:`Ref`."""

    person: PersonRef
    as_of: str
    org: Ref | None
    posts: tuple[tuple[str, Ref], ...]
    grid_roles: tuple[tuple[str, Ref], ...]
    contacts: tuple[tuple[Ref, str | None], ...]
    residence: tuple[Ref, str | None] | None
    registered_with: Ref | None
    works_at: Ref | None
    liaises_with: tuple[Ref, ...]
    sits_on: tuple[Ref, ...]
    director_of: tuple[Ref, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person.to_dict(),
            "as_of": self.as_of,
            "org": self.org.to_dict() if self.org else None,
            "posts": [{"post": kind, "org": org.to_dict()} for kind, org in self.posts],
            "grid_roles": [{"role": kind, "grid": grid.to_dict()} for kind, grid in self.grid_roles],
            "contacts": [{"household": h.to_dict(), "address": a} for h, a in self.contacts],
            "contact_count": len(self.contacts),
            "residence": {"household": self.residence[0].to_dict(), "address": self.residence[1]} if self.residence else None,
            "registered_with": self.registered_with.to_dict() if self.registered_with else None,
            "works_at": self.works_at.to_dict() if self.works_at else None,
            "liaises_with": _dicts(self.liaises_with),
            "sits_on": _dicts(self.sits_on),
            "director_of": _dicts(self.director_of),
        }


def find_person(reader: DayView, person: str) -> str:
    """The person node a caller names: node id, code (the keyed hash), or a masked ID number only one has.

    Raises :class:`~orggraph.errors.NotFoundError` when none (or several) match on the reader's day.
    """
    text = str(person).strip()
    for candidate in (text, f"person:{text}"):
        attrs = reader.node(candidate)
        if attrs is not None and attrs.get("kind") == "person":
            return candidate
    if "*" in text:
        found = [n for n, attrs in reader.candidates("person") if attrs.get("id_masked") == text and reader.node(n) is not None]
        if len(found) == 1:
            return found[0]
        if found:
            raise NotFoundError(
                f"{len(found)} persons have the masked ID number {text}; give the person id",
                message_zh=f"有{len(found)}人的脱敏身份号码为 {text}；请给出人员编号",
                value=text,
            )
    raise NotFoundError(f"no person {text!r} on {reader.day}", message_zh=f"{reader.day}不存在人员“{text}”", value=text)


def member_links(view: DayView, person: str) -> MemberLinks:
    """What a person is linked to (党员关联): contacts (联系户), org, posts, registration, residence ….

    ``person`` is a person node id, its code, or a masked ID number (``1101**********002X``) that
    only one person has.
    """
    reader = view
    node = find_person(reader, person)
    names = Names.of(reader)

    def refs(kind: str) -> tuple[Ref, ...]:
        return tuple(names.ref(n) for n in sorted(reader.out(node, kind)))

    def at(household: str) -> tuple[Ref, str | None]:
        return names.ref(household), Place(reader, household).address()

    home = reader.parent(node, "LIVES_IN")
    registered, works = reader.parent(node, "REGISTERED_WITH"), reader.parent(node, "WORKS_AT")
    return MemberLinks(
        person=names.person(node),
        as_of=reader.day,
        org=names.own_org(node),
        posts=tuple((kind, ref) for kind in _POSTS for ref in refs(kind)),
        grid_roles=tuple((kind, ref) for kind in _GRID_LINKS for ref in refs(kind)),
        contacts=tuple(at(h) for h in sorted(reader.out(node, "CONTACTS"))),
        residence=at(home) if home is not None else None,
        registered_with=names.ref(registered) if registered is not None else None,
        works_at=names.ref(works) if works is not None else None,
        liaises_with=refs("LIAISES_WITH"),
        sits_on=refs("SITS_ON"),
        director_of=refs("DIRECTOR_OF"),
    )


@dataclass(frozen=True)
class LiveProject:
    """A live co-building project (在期共建项目) for the community, with its providers."""

    project: Ref
    category: str | None
    term_start: str | None
    term_end: str | None
    providers: tuple[Ref, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project.to_dict(),
            "category": self.category,
            "term_start": self.term_start,
            "term_end": self.term_end,
            "providers": _dicts(self.providers),
        }


def live_project(reader: DayView, names: Names, project: str) -> LiveProject | None:
    """The project with its providers if it is live (在期, active) on the reader's day, else ``None``."""
    attrs = reader.node(project) or {}
    start, end = attrs.get("term_start"), attrs.get("term_end")
    if attrs.get("status") in (None, "active") and str(start or "") <= reader.day and (end is None or reader.day <= end):
        providers = tuple(names.ref(u) for u in sorted(reader.into(project, "PROVIDES")))
        return LiveProject(names.ref(project), attrs.get("category"), start, end, providers)
    return None


@dataclass(frozen=True)
class CommunityLinks:
    """What a community has (社区关联): registered members and units (双报到), live projects, liaison (包联)."""

    community: Ref
    street: Ref | None
    as_of: str
    registered_members: tuple[PersonRef, ...]
    registered_units: tuple[Ref, ...]
    live_projects: tuple[LiveProject, ...]
    liaison_leaders: tuple[PersonRef, ...]
    other_liaison_persons: tuple[PersonRef, ...]
    liaison_units: tuple[Ref, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "community": self.community.to_dict(),
            "street": self.street.to_dict() if self.street else None,
            "as_of": self.as_of,
            "registered_member_count": len(self.registered_members),
            "registered_members": _dicts(self.registered_members),
            "registered_units": _dicts(self.registered_units),
            "live_projects": _dicts(self.live_projects),
            "liaison_leaders": _dicts(self.liaison_leaders),
            "other_liaison_persons": _dicts(self.other_liaison_persons),
            "liaison_units": _dicts(self.liaison_units),
        }


def community_links(view: DayView, community: str) -> CommunityLinks:
    """A community's registered members and units, live co-building projects and liaison (社区概况).

    ``community`` is its area code (区域编码) or node id. Division-level (处级) liaison leaders are
    listed apart from other cadres and from liaising units.
    """
    reader = view
    node = next((c for c in (community, f"area:{community}") if (reader.node(c) or {}).get("kind") == "community"), None)
    if node is None:
        raise NotFoundError(
            f"no community {community!r} on {reader.day}", message_zh=f"{reader.day}不存在社区“{community}”", value=community
        )
    names, day = Names.of(reader), reader.day
    registered = sorted(reader.into(node, "REGISTERED_WITH"))
    kinds = {n: (reader.node(n) or {}).get("kind") for n in (*registered, *reader.into(node, "LIAISES_WITH"))}
    projects = [p for p in (live_project(reader, names, project) for project in sorted(reader.into(node, "FOR"))) if p]
    liaison = sorted(reader.into(node, "LIAISES_WITH"))
    persons = [names.person(p) for p in liaison if kinds.get(p) == "person"]
    street = reader.parent(node, "PART_OF")
    return CommunityLinks(
        community=names.ref(node),
        street=names.ref(street) if street is not None else None,
        as_of=day,
        registered_members=tuple(names.person(p) for p in registered if kinds.get(p) == "person"),
        registered_units=tuple(names.ref(u) for u in registered if kinds.get(u) == "unit"),
        live_projects=tuple(projects),
        liaison_leaders=tuple(p for p in persons if p.rank == "division"),
        other_liaison_persons=tuple(p for p in persons if p.rank != "division"),
        liaison_units=tuple(names.ref(u) for u in liaison if kinds.get(u) == "unit"),
    )
