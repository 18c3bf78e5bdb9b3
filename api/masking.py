"""What of a person each role is shown (脱敏规则), applied to every response in one place.

The queries hand out persons masked only (``id_masked``, ``phone_masked``). Before a response leaves,
:func:`reveal` walks it and, for each person, adds

* ``phone`` — the whole phone of a person *in a post* (grid staff, secretaries and deputies,
  committee members, building group leaders, contacting members, the members of a central household,
  liaison leaders, directors), for a dispatcher and above: what a dispatcher needs to reach them. Everyone
  else — residents, members without a post — stays masked for every role;
* ``id_number`` — the whole ID number, for an admin on the person routes only.

and to each unit that answers or helps (a functional department on an escalation path, a co-building
unit, the unit looked up) ``phone`` — its whole office phone (单位联系电话, kept sealed and masked as a
person's is), for a dispatcher and above: an office line is a post's by nature, so it is given as a
person in a post's is; below that role it stays masked. A unit is no person: showing its phone is not
recorded in the access audit.

Anything not revealed is ``null``. Whole values come from the sealed fields with the store's key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.tokens import Role
from orggraph.model.kinds import GRID_STAFF_LINKS, POST_LINKS, LinkKind
from orggraph.pii import PiiKey
from orggraph.store.view import DayView

#: The links that put a person in a post (在岗): who a dispatcher may call.
POSTS: tuple[str, ...] = tuple(
    k.value
    for k in (
        *POST_LINKS,
        *GRID_STAFF_LINKS,
        LinkKind.CONTACTS,
        LinkKind.LIAISES_WITH,
        LinkKind.DIRECTOR_OF,
    )
)


def in_post(reader: DayView, person: str) -> bool:
    """Whether the person holds a post on the reader's day: a link of :data:`POSTS`, or a Party member
    living in an entrance's central household (单元党员中心户: the link joins the household, not the
    person, to the entrance)."""
    memo: dict[str, bool] = reader.scratch.setdefault("api.in_post", {})
    found = memo.get(person)
    if found is None:
        found = memo[person] = any(reader.out(person, kind) for kind in POSTS) or _central_member(reader, person)
    return found


def _central_member(reader: DayView, person: str) -> bool:
    if not reader.out(person, LinkKind.MEMBER_OF.value):
        return False
    return any(reader.out(home, LinkKind.CENTRAL_HOUSEHOLD_OF.value) for home in reader.out(person, LinkKind.LIVES_IN.value))


class Revealer:
    """Adds the whole values a caller may see to the persons of a response."""

    def __init__(self, reader: DayView, key: PiiKey, role: Role, *, person_route: bool = False) -> None:
        self.reader = reader
        self.key = key
        self.phones = role.allows(Role.DISPATCHER)
        self.ids = person_route and role is Role.ADMIN
        #: The persons whose whole phone or ID number this revealer added (for the access audit).
        self.shown: list[str] = []

    def person(self, item: dict[str, Any]) -> None:
        node = item["id"]
        item["phone"] = item["id_number"] = None
        if not (self.phones or self.ids):
            return
        attrs = self.reader.node(node)
        if attrs is None:
            return
        if self.phones and attrs.get("phone_sealed") and in_post(self.reader, node):
            item["phone"] = self._unsealed(node, "phone", attrs["phone_sealed"])
        if self.ids and attrs.get("id_sealed"):
            item["id_number"] = self._unsealed(node, "id_number", attrs["id_sealed"])
        if item["phone"] is not None or item["id_number"] is not None:
            self.shown.append(node)

    def unit(self, item: dict[str, Any]) -> None:
        """Add ``phone`` to a unit (``{"id": "unit:…", "phone_masked": …}``): whole for a dispatcher and above."""
        item["phone"] = None
        if not self.phones or not item.get("phone_masked"):
            return
        attrs = self.reader.node(item["id"])
        if attrs is not None and attrs.get("phone_sealed"):
            item["phone"] = self._unsealed(item["id"], "phone", attrs["phone_sealed"])

    def _unsealed(self, node: str, field: str, sealed: str) -> str:
        memo: dict[tuple[str, str], str] = self.reader.scratch.setdefault("api.unsealed", {})
        found = memo.get((node, field))
        if found is None:
            found = memo[node, field] = self.key.unseal(field, bytes.fromhex(sealed))
        return found

    def persons(self, items: Iterable[dict[str, Any] | None]) -> None:
        """Reveal the given person dicts (for routes that know where their persons are)."""
        for item in items:
            if item is not None:
                self.person(item)

    def units(self, items: Iterable[dict[str, Any] | None]) -> None:
        """Reveal the given unit dicts (for routes that know where their units are)."""
        for item in items:
            if item is not None:
                self.unit(item)

    def walk(self, value: Any) -> Any:
        """Reveal, in place, every person and unit in ``value`` (dicts and lists, any depth); returns ``value``."""
        if isinstance(value, dict):
            if "id_masked" in value and str(value.get("id", "")).startswith("person:"):
                self.person(value)
            elif "phone_masked" in value and str(value.get("id", "")).startswith("unit:"):
                self.unit(value)
            else:
                for item in value.values():
                    if isinstance(item, dict | list):
                        self.walk(item)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    self.walk(item)
        return value


def reveal(payload: Any, reader: DayView, key: PiiKey, role: Role, *, person_route: bool = False) -> Any:
    """Add ``phone`` and ``id_number`` to every person in ``payload`` as ``role`` may see them."""
    return Revealer(reader, key, role, person_route=person_route).walk(payload)
