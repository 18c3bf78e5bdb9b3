"""What a work unit is linked to (单位关联): where it is, the community it registered with (双报到), the
communities it liaises with (包联), the compounds it manages, its live co-building projects (共建项目),
its Party organisation and how many of its staff the graph knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orggraph.errors import NotFoundError
from orggraph.store.view import DayView
from queries.lookups.liaison import LiveProject, live_project
from queries.reading.model import Ref, UnitRef
from queries.reading.place import Names


@dataclass(frozen=True)
class UnitLinks:
    """A unit and what it is linked to on the day; projects are those live on the day."""

    unit: UnitRef
    as_of: str
    unit_kind: str | None
    handles: tuple[str, ...]
    located_in: Ref | None
    registered_with: Ref | None
    liaises_with: tuple[Ref, ...]
    manages: tuple[Ref, ...]
    projects: tuple[LiveProject, ...]
    party_orgs: tuple[Ref, ...]
    staff: int

    def to_dict(self) -> dict[str, Any]:
        def ref(r: Ref | None) -> dict[str, Any] | None:
            return r.to_dict() if r is not None else None

        return {
            "unit": self.unit.to_dict(),
            "as_of": self.as_of,
            "unit_kind": self.unit_kind,
            "handles": list(self.handles),
            "located_in": ref(self.located_in),
            "registered_with": ref(self.registered_with),
            "liaises_with": [r.to_dict() for r in self.liaises_with],
            "manages": [r.to_dict() for r in self.manages],
            "projects": [p.to_dict() for p in self.projects],
            "party_orgs": [r.to_dict() for r in self.party_orgs],
            "staff": self.staff,
        }


def unit_links(view: DayView, unit: str) -> UnitLinks:
    """What a unit (单位) is linked to: ``unit`` is its code (单位编码 or credit code) or node id.

    Raises
    ------
    NotFoundError
        No such unit on the day.
    """
    reader = view
    node = unit if unit.startswith("unit:") else f"unit:{unit}"
    attrs = reader.node(node)
    if (attrs or {}).get("kind") != "unit":
        raise NotFoundError(f"no unit {unit!r} on {reader.day}", message_zh=f"{reader.day}不存在单位“{unit}”", value=unit)
    assert attrs is not None
    names, day = Names.of(reader), reader.day

    def refs(nodes: Any) -> tuple[Ref, ...]:
        return tuple(names.ref(n) for n in sorted(nodes))

    def optional(target: str | None) -> Ref | None:
        return names.ref(target) if target is not None else None

    projects = [p for p in (live_project(reader, names, project) for project in sorted(reader.out(node, "PROVIDES"))) if p]
    return UnitLinks(
        unit=names.unit(node),
        as_of=day,
        unit_kind=attrs.get("unit_kind"),
        handles=tuple(attrs.get("handles") or ()),
        located_in=optional(reader.parent(node, "LOCATED_IN")),
        registered_with=optional(reader.parent(node, "REGISTERED_WITH")),
        liaises_with=refs(reader.out(node, "LIAISES_WITH")),
        manages=refs(reader.out(node, "MANAGES")),
        projects=tuple(projects),
        party_orgs=refs(reader.into(node, "PARTY_ORG_OF")),
        staff=len(reader.into(node, "WORKS_AT")),
    )
