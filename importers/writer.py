"""Rosters out (导出名册): the store written back as the rosters of ``shared/rosters.md``.

What the importers read, this writes: canonical Chinese headers, codes as text, dates as ISO, whole
ID numbers and phones (unsealed with the store's key — these files are personal data; keep them as
you keep the rosters you were given). ``.xlsx`` or ``.csv`` in GB18030, the encoding Excel on a
Chinese Windows uses.

Every cell is written safe (:mod:`orggraph.cells`): in the workbook text is a string cell, never a
formula; in CSV a text beginning with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``
(``-1号楼`` is written ``'-1号楼``, a phone typed ``+86 …`` as ``'+86 …``), and the importers take
exactly that apostrophe off again when they read a CSV (:mod:`importers.quoted`), so the files
round-trip unchanged.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import xlsxwriter

from importers.rosters import COLUMNS, RosterKind
from importers.rows import AreaLevel, Post, StaffRole
from orggraph.cells import WORKBOOK_OPTIONS, safe_row, write_cells
from orggraph.generator.ids import typed
from orggraph.model.enums import CareTag, Gender, MemberStatus, OrgKind, ProjectStatus, Rank, UnitKind
from orggraph.model.kinds import GRID_STAFF_LINKS, LinkKind, NodeKind
from orggraph.model.nodes import code_of
from orggraph.store import GraphStore
from orggraph.timeline import as_of_date

K = NodeKind
Record = dict[str, Any]


class RosterFormat(StrEnum):
    """File format of exported rosters."""

    XLSX = "xlsx"
    CSV = "csv"


_SEALED = {"id_number": "id_sealed", "phone": "phone_sealed"}


class _Reader:
    """Convenience reads over the port, as of one day."""

    def __init__(self, store: GraphStore, day: str, *, typed_phones: bool = False) -> None:
        self.store, self.day, self.typed_phones = store, day, typed_phones

    def nodes(self, *kinds: NodeKind) -> Iterator[tuple[str, dict[str, Any]]]:
        for kind in kinds:
            yield from self.store.nodes(kind, as_of=self.day)

    def out(self, node: str, kind: LinkKind) -> str | None:
        for link in self.store.links(node, kind=kind, as_of=self.day):
            return link.target
        return None

    def into(self, node: str, kind: LinkKind) -> str | None:
        for link in self.store.links(node, kind=kind, direction="in", as_of=self.day):
            return link.source
        return None

    def unseal(self, attrs: dict[str, Any], field: str) -> str | None:
        sealed = attrs.get(_SEALED[field])
        return self.store.pii_key.unseal(field, bytes.fromhex(sealed)) if sealed else None

    def phone(self, attrs: dict[str, Any]) -> str | None:
        """The phone, as the store holds it, or as a person would type it (``typed_phones``)."""
        phone = self.unseal(attrs, "phone")
        if phone is None or not self.typed_phones:
            return phone
        return typed(phone, zlib.crc32(phone.encode("ascii")))

    def id_number(self, person: str) -> str:
        attrs = self.store.node(person) or {}
        return self.unseal(attrs, "id_number") or ""


def _code(node: str | None) -> str | None:
    return code_of(node) if node else None


def _external(r: _Reader, node: str | None) -> bool:
    return node is not None and (r.store.node(node) or {}).get("external") is True


def _named(r: _Reader, node: str | None) -> str | None:
    """An org or unit as a code-or-name column carries it: a node outside the district by its name."""
    if node is None:
        return None
    return str((r.store.node(node) or {}).get("name") or code_of(node)) if _external(r, node) else code_of(node)


def _listed(r: _Reader, person: str) -> bool:
    """Whether ``person`` is on the district's members roster: a member of one of its orgs."""
    org = r.out(person, LinkKind.MEMBER_OF)
    return org is not None and not _external(r, org)


def _membership(r: _Reader, person: str, attrs: dict[str, Any]) -> dict[str, str | None]:
    """是否党员 and 所在党组织 as a non-members roster states them: what the store knows, no more."""
    org = r.out(person, LinkKind.MEMBER_OF)
    stated = attrs.get("party_member")
    said = "是" if org is not None or stated is True else "否" if stated is False else None
    return {"is_party_member": said, "org": _named(r, org) if _external(r, org) else None}


def _areas(r: _Reader) -> Iterator[Record]:
    for node, attrs in r.nodes(K.DISTRICT, K.STREET, K.COMMUNITY, K.GRID, K.COMPOUND):
        kind = K(attrs["kind"])
        yield {
            "area_code": code_of(node),
            "name": attrs.get("name"),
            "level": AreaLevel.parse(kind.value).zh,
            "parent_code": _code(r.out(node, LinkKind.PART_OF)),
            "grid_level": attrs.get("level"),
            "residents": attrs.get("residents"),
            "property_company": _code(r.into(node, LinkKind.MANAGES)) if kind is K.COMPOUND else None,
        }


def _orgs(r: _Reader) -> Iterator[Record]:
    for node, attrs in r.nodes(K.PARTY_ORG):
        if attrs.get("external"):
            continue  # outside the district: named by the rows of its members, on no roster of its own
        area = r.out(node, LinkKind.RESPONSIBLE_FOR)
        building = area if area and (r.store.node(area) or {}).get("kind") == K.BUILDING.value else None
        yield {
            "org_code": code_of(node),
            "name": attrs.get("name"),
            "kind": OrgKind.parse(attrs["org_kind"]).zh,
            "parent_code": _code(r.out(node, LinkKind.SUBORDINATE_TO)),
            "area_code": None if building else _code(area),
            "building": _code(building),
        }


def _units(r: _Reader) -> Iterator[Record]:
    for node, attrs in r.nodes(K.UNIT):
        if attrs.get("external"):
            continue  # outside the district: named by the rows of the people working there
        yield {
            "unit_code": code_of(node),
            "name": attrs.get("name"),
            "kind": UnitKind.parse(attrs["unit_kind"]).zh,
            "area_code": _code(r.out(node, LinkKind.LOCATED_IN)),
            "org_code": _code(r.into(node, LinkKind.PARTY_ORG_OF)),
            "handles": "、".join(attrs.get("handles", [])) or None,
            "phone": r.phone(attrs),
        }


def _households(r: _Reader) -> Iterator[Record]:
    for node, attrs in r.nodes(K.HOUSEHOLD):
        entrance = r.out(node, LinkKind.PART_OF)
        building = r.out(entrance, LinkKind.PART_OF) if entrance else None
        compound = r.out(building, LinkKind.PART_OF) if building else None
        yield {
            "household_code": code_of(node),
            "grid_code": _code(r.out(node, LinkKind.IN_GRID)),
            "compound_code": _code(compound),
            "building": (r.store.node(building) or {}).get("name") if building else None,
            "entrance": (r.store.node(entrance) or {}).get("name") if entrance else None,
            "room": attrs.get("room"),
            "residents": attrs.get("residents", 0),
            "care_tags": "、".join(CareTag.parse(t).zh for t in attrs.get("care_tags", [])) or None,
            "is_central": "是" if r.out(node, LinkKind.CENTRAL_HOUSEHOLD_OF) else "否",
        }


def _members(r: _Reader) -> Iterator[Record]:
    posts = {LinkKind.SECRETARY_OF: Post.SECRETARY, LinkKind.DEPUTY_SECRETARY_OF: Post.DEPUTY}
    posts[LinkKind.COMMITTEE_MEMBER_OF] = Post.COMMITTEE
    for node, attrs in r.nodes(K.PERSON):
        org = r.out(node, LinkKind.MEMBER_OF)
        if org is None or _external(r, org):
            continue  # not the district's member: known from the rosters he or she is on
        post = next((p for kind, p in posts.items() if r.out(node, kind) == org), None)
        if post is Post.SECRETARY and (r.store.node(org) or {}).get("org_kind") == OrgKind.GROUP.value:
            post = Post.GROUP_LEADER
        yield {
            "name": attrs.get("name"),
            "id_number": r.unseal(attrs, "id_number"),
            "org_code": code_of(org),
            "gender": Gender.parse(attrs["gender"]).zh if attrs.get("gender") else None,
            "phone": r.phone(attrs),
            "status": MemberStatus.parse(attrs["status"]).zh if attrs.get("status") else None,
            "unit_code": _named(r, r.out(node, LinkKind.WORKS_AT)),
            "post": post.zh if post else None,
            "household_code": _code(r.out(node, LinkKind.LIVES_IN)),
        }


def _links_into(r: _Reader, kinds: tuple[NodeKind, ...], links: tuple[LinkKind, ...]) -> Iterator[Any]:
    for target, _ in r.nodes(*kinds):
        for link in r.store.links(target, direction="in", as_of=r.day):
            if link.kind in links:
                yield link


def _grid_staff(r: _Reader) -> Iterator[Record]:
    roles = {role.link: role for role in StaffRole}
    for link in _links_into(r, (K.GRID,), GRID_STAFF_LINKS):
        attrs = r.store.node(link.source) or {}
        yield {
            "grid_code": code_of(link.target),
            "name": attrs.get("name"),
            "id_number": r.unseal(attrs, "id_number"),
            "role": roles[link.kind].zh,
            "phone": r.phone(attrs),
            **_membership(r, link.source, attrs),
        }


def _contacts(r: _Reader) -> Iterator[Record]:
    for link in _links_into(r, (K.HOUSEHOLD,), (LinkKind.CONTACTS,)):
        yield {"member_id_number": r.id_number(link.source), "household_code": code_of(link.target)}


def _registrations(r: _Reader) -> Iterator[Record]:
    for link in _links_into(r, (K.COMMUNITY,), (LinkKind.REGISTERED_WITH,)):
        personal = link.source.startswith("person:")
        record: Record = {
            "kind": "个人" if personal else "组织",
            "community_code": code_of(link.target),
            "id_number": r.id_number(link.source) if personal else None,
            "unit_code": None if personal else _named(r, link.source),
            "registered_on": link.start,
            "tasks": link.attrs.get("tasks"),
            "service_hours": link.attrs.get("service_hours"),
        }
        if personal and not _listed(r, link.source):  # on no members roster: the row defines him or her
            attrs = r.store.node(link.source) or {}
            record |= {
                "name": attrs.get("name"),
                "phone": r.phone(attrs),
                "unit": _named(r, r.out(link.source, LinkKind.WORKS_AT)),
                "org": _named(r, r.out(link.source, LinkKind.MEMBER_OF)),
            }
        yield record


def _liaison(r: _Reader) -> Iterator[Record]:
    for link in _links_into(r, (K.COMMUNITY, K.COMPOUND), (LinkKind.LIAISES_WITH,)):
        if not link.source.startswith("person:"):
            continue
        attrs = r.store.node(link.source) or {}
        yield {
            "name": attrs.get("name"),
            "id_number": r.unseal(attrs, "id_number"),
            "rank": Rank.parse(attrs.get("rank", Rank.OTHER.value)).zh,
            "area_code": code_of(link.target),
            "unit_code": _named(r, r.out(link.source, LinkKind.WORKS_AT)),
            "since": link.start,
            "phone": r.phone(attrs),
            "org": _membership(r, link.source, attrs)["org"],
        }


def _projects(r: _Reader) -> Iterator[Record]:
    for node, attrs in r.nodes(K.PROJECT):
        yield {
            "project_code": code_of(node),
            "name": attrs.get("name"),
            "unit_code": _code(r.into(node, LinkKind.PROVIDES)),
            "area_code": _code(r.out(node, LinkKind.FOR)),
            "category": attrs.get("category"),
            "start": attrs.get("term_start"),
            "end": attrs.get("term_end"),
            "status": ProjectStatus.parse(attrs["status"]).zh if attrs.get("status") else None,
        }


def _owners(r: _Reader) -> Iterator[Record]:
    for link in _links_into(r, (K.OWNERS_COMMITTEE,), (LinkKind.SITS_ON,)):
        attrs = r.store.node(link.source) or {}
        yield {
            "compound_code": code_of(link.target),
            "name": attrs.get("name"),
            "id_number": r.unseal(attrs, "id_number"),
            "post": link.attrs.get("post"),
            **_membership(r, link.source, attrs),
        }


ROSTERS: dict[RosterKind, Callable[[_Reader], Iterator[Record]]] = {
    RosterKind.AREAS: _areas,
    RosterKind.ORGS: _orgs,
    RosterKind.UNITS: _units,
    RosterKind.HOUSEHOLDS: _households,
    RosterKind.MEMBERS: _members,
    RosterKind.GRID_STAFF: _grid_staff,
    RosterKind.CONTACTS: _contacts,
    RosterKind.REGISTRATIONS: _registrations,
    RosterKind.LIAISON: _liaison,
    RosterKind.PROJECTS: _projects,
    RosterKind.OWNERS_COMMITTEES: _owners,
}


def roster_rows(
    store: GraphStore, kind: RosterKind, *, as_of: str | None = None, typed_phones: bool = False
) -> Iterator[list[Any]]:
    """The rows of one roster (cells in the order of :data:`~importers.rosters.COLUMNS`), sorted;
    ``typed_phones`` writes each phone in one of the ways people type it (the demo's rosters)."""
    reader = _Reader(store, as_of_date(as_of), typed_phones=typed_phones)
    fields = [c.field for c in COLUMNS[kind]]
    records = [[rec.get(f) for f in fields] for rec in ROSTERS[kind](reader)]
    records.sort(key=lambda row: [("" if v is None else str(v)) for v in row])
    return iter(records)


def write_rosters(
    store: GraphStore,
    folder: Path,
    *,
    fmt: RosterFormat = RosterFormat.XLSX,
    encoding: str = "gb18030",
    as_of: str | None = None,
    kinds: tuple[RosterKind, ...] = tuple(RosterKind),
    formats: dict[RosterKind, RosterFormat] | None = None,
    typed_phones: bool = False,
) -> list[Path]:
    """Write one file per roster kind into ``folder``; returns the paths (named ``<中文名>.<fmt>``).
    ``typed_phones``: phones as people type them (``138-0013-8000``, ``+86 …``, ``(0313)5512345``), for
    the demo; an export writes them as the store holds them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        kind_fmt = (formats or {}).get(kind, fmt)
        path = folder / f"{kind.zh}.{kind_fmt.value}"
        headers = [c.zh for c in COLUMNS[kind]]
        rows = roster_rows(store, kind, as_of=as_of, typed_phones=typed_phones)
        if kind_fmt is RosterFormat.CSV:
            with path.open("w", encoding=encoding, newline="") as handle:
                out = csv.writer(handle)
                out.writerow(safe_row(headers))
                out.writerows(safe_row(row) for row in rows)
        else:
            with xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True}) as book:
                sheet = book.add_worksheet(kind.zh)
                write_cells(sheet, 0, 0, headers)
                for i, row in enumerate(rows, start=1):  # a flag, should one come, as text (as ever)
                    write_cells(sheet, i, 0, (str(v) if v.__class__ is bool else v for v in row))
        written.append(path)
    return written
