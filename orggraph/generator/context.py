"""The state one generator run carries: its random source, dates, batches, flaws and people.

Everything random comes from one :class:`random.Random` seeded by the caller; nothing reads the
global random source or iterates a set, so the same seed gives the same operations.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

from orggraph.generator import ids
from orggraph.generator.names import person_name
from orggraph.generator.plans import PersonPlan
from orggraph.model.enums import Gender, MemberStatus, Rank
from orggraph.model.kinds import NodeKind
from orggraph.model.nodes import node_id
from orggraph.pii import PiiKey
from orggraph.store.batch import Batch

T = TypeVar("T")

#: The deliberate imperfections (有意设置的缺口) a generated district carries, in report order.
FLAW_KEYS: tuple[str, ...] = (
    "building-without-group",
    "compound-without-branch",
    "entrance-without-central-household",
    "household-uncontacted",
    "member-over-capacity",
    "grid-missing-role",
    "grid-size-out-of-range",
    "community-few-liaison-leaders",
    "member-not-registered",
    "unit-not-registered",
    "project-expired",
    "project-expiring",
    "compound-without-property-management",
    "property-company-without-party-org",
    "owners-committee-without-party-member",
    "org-without-secretary",
    "community-worker-ratio",
    "unit-without-live-project",
    "building-without-resident-member",
)

#: The batches of one district, in the order they must be written (each needs the ones before).
BATCH_NAMES: tuple[str, ...] = (
    "areas",
    "households",
    "units",
    "orgs",
    "persons",
    "members",
    "posts",
    "grid-staff",
    "contacts",
    "registration",
    "liaison",
    "projects",
    "owners-committees",
    "service-centres",
)

#: Age ranges (years) by Party-member status; ``None`` is for staff who are not members.
_AGES: dict[MemberStatus | None, tuple[int, int]] = {
    MemberStatus.IN_SERVICE: (24, 59),
    MemberStatus.RETIRED: (58, 92),
    MemberStatus.MOBILE: (20, 50),
    MemberStatus.OTHER: (18, 80),
    None: (22, 60),
}

#: How far back a link may start: between about one and about eight years before the as-of date.
LINK_START_DAYS = (365, 2920)
_PAST_DAYS = 4000
_FUTURE_DAYS = 1500


class Context:
    """One run of the generator: ``rng``, the as-of date, the batches being filled and the flaws."""

    def __init__(self, *, seed: int, key: PiiKey, as_of: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.key = key
        self.as_of = as_of
        self._ordinal = dt.date.fromisoformat(as_of).toordinal()
        self._days = [dt.date.fromordinal(self._ordinal - n).isoformat() for n in range(-_FUTURE_DAYS, _PAST_DAYS)]
        self.flaws: dict[str, list[str]] = {key_: [] for key_ in FLAW_KEYS}
        self.batches: list[Batch] = []
        self._current: dict[str, Batch] = {}
        self._used_ids: set[str] = set()

    # -- batches and flaws -------------------------------------------------------------------------

    def begin(self, prefix: str) -> None:
        """Open the batches of one district, labelled ``<prefix><name>`` (e.g. ``demo:areas``)."""
        self._current = {name: Batch(f"{prefix}{name}") for name in BATCH_NAMES}
        self.batches.extend(self._current.values())

    def batch(self, name: str) -> Batch:
        """The batch ``name`` (one of :data:`BATCH_NAMES`) of the district being generated."""
        return self._current[name]

    def flag(self, flaw: str, node: str) -> None:
        """Record that the imperfection ``flaw`` was injected at ``node``."""
        self.flaws[flaw].append(node)

    def pick(self, items: Sequence[T], share: float, *, minimum: int = 1) -> list[T]:
        """About ``share`` of ``items`` (at least ``minimum`` when there are that many), in their order."""
        count = min(len(items), max(minimum, round(share * len(items))))
        return [items[i] for i in sorted(self.rng.sample(range(len(items)), count))]

    # -- dates -------------------------------------------------------------------------------------

    def day(self, days_back: int) -> str:
        """The ISO date ``days_back`` days before the as-of date (negative: after it)."""
        return self._days[days_back + _FUTURE_DAYS]

    def start(self) -> str:
        """A link start date, between about eight years and one year before the as-of date."""
        return self._days[self.rng.randint(*LINK_START_DAYS) + _FUTURE_DAYS]

    # -- people ------------------------------------------------------------------------------------

    def new_id_number(self, rng: random.Random, region: str, *, ages: tuple[int, int]) -> str:
        """A new, unique, valid ID number registered in ``region``, drawn from ``rng``."""
        while True:
            birth = dt.date.fromordinal(self._ordinal - rng.randint(ages[0] * 365 + 1, ages[1] * 365 + 364)).isoformat()
            number = ids.id_number(rng, region, birth, male=rng.random() < 0.5)
            if number not in self._used_ids:
                self._used_ids.add(number)
                return number

    def person(
        self,
        region: str,
        *,
        status: MemberStatus | None = None,
        rank: Rank | None = None,
        ages: tuple[int, int] | None = None,
    ) -> PersonPlan:
        """A new person with a unique, valid ID number (公民身份号码) registered in ``region``."""
        rng = self.rng
        male = rng.random() < 0.52
        low, high = ages or _AGES[status]
        while True:
            days = rng.randint(low * 365 + 1, high * 365 + 364)
            birth = dt.date.fromordinal(self._ordinal - days).isoformat()
            number = ids.id_number(rng, region, birth, male=male)
            if number not in self._used_ids:
                break
        self._used_ids.add(number)
        return PersonPlan(
            node_id=node_id(NodeKind.PERSON, self.key.identity(number)),
            id_number=number,
            name=person_name(rng, male=male),
            gender=Gender.MALE if male else Gender.FEMALE,
            phone=ids.mobile(rng),
            status=status,
            rank=rank,
        )
