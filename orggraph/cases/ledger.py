"""The case ledger port (事件台账): where cases and their timelines are kept, on either engine.

Each store gives its own (:meth:`GraphStore.case_ledger`): the embedded engine keeps cases in tables
of its SQLite file (:mod:`orggraph.cases.sqlite_ledger`), the Neo4j engine as nodes of the graph on the
server (:mod:`orggraph.cases.bolt_ledger`), so that several API servers share one ledger. A case is
changed only by compare-and-set on its ``version``: of two servers ticking at once, or two dispatchers
accepting at once, one wins and the other reads the case again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from orggraph.cases.model import Case, CaseEvent


class Change(NamedTuple):
    """A case as it is to be (its ``version`` one more), the version it was read at, the events it adds."""

    case: Case
    expected: int
    events: Sequence[CaseEvent]


class CaseLedger(Protocol):
    """What every engine's ledger offers. Instants are UTC text (:func:`orggraph.cases.model.utc_text`)."""

    def create(self, case: Case, event: CaseEvent, *, prefix: str) -> tuple[Case, bool]:
        """Add ``case`` with its first event; its id is ``prefix`` and the next number of the ledger.
        When its ``idempotency_key`` is already taken, nothing is added and the case that has it is
        returned with ``False``."""
        ...

    def get(self, case_id: str) -> Case | None: ...

    def events(self, case_id: str) -> list[CaseEvent]:
        """The case's timeline, oldest first."""
        ...

    def apply(self, changes: Sequence[Change]) -> list[bool]:
        """Write each change whose case is still at its expected version (with its events), in one
        transaction where the engine has them; whether each was written."""
        ...

    def find(
        self,
        *,
        area: str | None = None,
        statuses: Sequence[str] | None = None,
        overdue_at: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Case], int]:
        """Cases in ``area``'s subtree, of the statuses, overdue at an instant (their current deadline
        passed), newest first; and how many there are in all."""
        ...

    def due(self, now: str, *, limit: int = 10_000) -> list[Case]:
        """The cases whose ``tick_at`` is at or before ``now``, oldest first."""
        ...

    def facts(
        self,
        *,
        area: str | None = None,
        since: str | None = None,
        until: str | None = None,
        statuses: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The indexed fields (:data:`~orggraph.cases.model.FACTS`) of the cases in ``area`` reported in
        [``since``, ``until``), of the statuses: what the metrics count."""
        ...

    def count(self) -> int: ...

    def close(self) -> None: ...
