"""The graph-store port: the only way code reads or writes the graph, whatever the engine.

Two adapters implement it: :class:`~orggraph.store.embedded.EmbeddedStore` (networkx in memory,
durable in one SQLite file; the default) and a Neo4j adapter. Reads answer *as of today* unless
given another date; ``history=True`` returns ended periods too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

from orggraph.cases.ledger import CaseLedger
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.pii import PiiKey
from orggraph.stats import StreetSummary
from orggraph.store.batch import Batch
from orggraph.store.changes import Changes, WriteRecord
from orggraph.store.view import DayView

Outcome = Literal["created", "updated", "unchanged", "ended"]
OUTCOMES: tuple[Outcome, ...] = ("created", "updated", "unchanged", "ended")


@dataclass(frozen=True, slots=True)
class Link:
    """One period of one link: kind, source and target node ids, start and end dates, attributes."""

    kind: LinkKind
    source: str
    target: str
    start: str
    end: str | None
    attrs: dict[str, Any]


@dataclass
class WriteSummary:
    """What a write did, counted per node kind and per link kind and outcome."""

    nodes: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    links: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    #: The outcome of each op of the batch, in order (what an import report needs per row).
    outcomes: list[Outcome] = field(default_factory=list)
    #: True when nothing was written because the caller asked for a dry run.
    dry_run: bool = False
    #: The revision the write made (``None``: nothing was written).
    revision: int | None = None
    #: The states the write set and the states they replaced (a dry run's too); see :mod:`~orggraph.store.changes`.
    forward: Changes = field(default_factory=Changes)
    backward: Changes = field(default_factory=Changes)

    @property
    def changed(self) -> int:
        """How many nodes and links were created, updated or ended."""
        return sum(n for (_, outcome), n in (self.nodes + self.links).items() if outcome != "unchanged")

    def total(self, outcome: Outcome) -> int:
        return sum(n for (_, o), n in (self.nodes + self.links).items() if o == outcome)

    def as_dict(self) -> dict[str, dict[str, dict[str, int]]]:
        """``{"nodes": {kind: {outcome: n}}, "links": {...}}`` with every outcome present."""
        out: dict[str, dict[str, dict[str, int]]] = {"nodes": {}, "links": {}}
        for part, counter in (("nodes", self.nodes), ("links", self.links)):
            for (kind, outcome), n in sorted(counter.items()):
                out[part].setdefault(kind, dict.fromkeys(OUTCOMES, 0))[outcome] = n
        return out


class GraphDump(NamedTuple):
    """Everything a store holds, as plain data: every node (ended ones too) with its attributes, and
    every link with all its periods ``(start, end, attrs)`` — what a copy, an export and a checksum read."""

    nodes: Mapping[str, Mapping[str, Any]]
    links: Sequence[tuple[str, str, str, tuple[tuple[Any, ...], ...]]]


@dataclass(frozen=True)
class StoreCounts:
    """Live nodes per kind and active links per kind, as of one date."""

    as_of: str
    nodes: dict[str, int]
    links: dict[str, int]


@runtime_checkable
class GraphStore(Protocol):
    """What every engine offers. Implementations must leave the graph unchanged on a refused write."""

    location: str
    pii_key: PiiKey

    def dump(self) -> GraphDump:
        """Everything the store holds (see :class:`GraphDump`): for copies, exports and checksums, not queries."""
        ...

    def present(self, keys: Changes) -> Changes:
        """The present state of every node and link ``keys`` names (an undo compares it with what was)."""
        ...

    @property
    def revision(self) -> int:
        """A number that grows whenever the graph changes (after :meth:`refresh`, others' writes too)."""
        ...

    def view(self, as_of: str | None = None, *, lazy: bool = False) -> DayView:
        """The graph as of the day (today when ``None``): the read port every query reads through
        (:class:`~orggraph.store.view.DayView`). The engine's own: on the embedded engine the day's index,
        built once per revision and day — or, ``lazy`` and none built, a view that checks periods as it
        goes; on the Neo4j engine a view that asks the server."""
        ...

    def view_ready(self, as_of: str | None = None) -> bool:
        """Whether :meth:`view` of the day answers at once (nothing to build first)."""
        ...

    def view_after(self, batch: Batch, as_of: str | None = None) -> DayView:
        """The graph as of the day had ``batch`` been written, without writing it (a what-if)."""
        ...

    def write(
        self,
        batch: Batch,
        *,
        dry_run: bool = False,
        audit: tuple[str, dict[str, Any]] | None = None,
        expected_revision: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> WriteSummary:
        """Apply ``batch`` whole, or raise a :class:`~orggraph.errors.RefusedWriteError` and change nothing.

        ``dry_run`` counts what would change and writes nothing; ``audit`` is recorded with the write.
        ``expected_revision``: the revision the batch was planned on; if the store (other processes'
        writes included) is at another one, nothing is written and
        :class:`~orggraph.errors.StaleRevisionError` is raised, so that the caller plans again.
        ``progress(step, done, total)`` hears how far the write has come: ``"apply"`` with the ops applied,
        then ``"save"`` (0, 0) while it is made durable.
        """
        ...

    def write_log(self, *, after: int = 0, until: int | None = None) -> Iterator[WriteRecord]:
        """The change log: every write after revision ``after`` (up to ``until``), oldest first, with the
        states it replaced."""
        ...

    def record_audit(self, kind: str, record: dict[str, Any]) -> None:
        """Add one entry to the audit trail."""
        ...

    def record_audits(self, kind: str, records: Sequence[dict[str, Any]]) -> None:
        """Add many entries of one kind to the audit trail at once (one transaction)."""
        ...

    def audit_log(self, kind: str, *, since: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Audit entries of ``kind``, newest first."""
        ...

    def kind_of(self, node_id: str, *, as_of: str | None = None) -> str | None:
        """The kind of a node not ended as of the date, else ``None``."""
        ...

    def node(self, node_id: str) -> dict[str, Any] | None:
        """The attributes of a node (``kind`` included), or ``None`` when there is none."""
        ...

    def nodes(self, kind: NodeKind | None = None, *, as_of: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """Nodes not ended as of the date, optionally of one kind."""
        ...

    def links(
        self,
        node_id: str,
        *,
        kind: LinkKind | None = None,
        direction: Literal["out", "in"] = "out",
        as_of: str | None = None,
        history: bool = False,
    ) -> Iterator[Link]:
        """The links of one node, active as of the date (or every period with ``history``)."""
        ...

    def counts(self, *, as_of: str | None = None) -> StoreCounts:
        """Live nodes and active links per kind."""
        ...

    def per_street(self, *, as_of: str | None = None) -> dict[str, StreetSummary]:
        """Live nodes per kind for every street, by street node id (:func:`orggraph.stats.per_street`)."""
        ...

    def refresh(self) -> bool:
        """Take in what other processes wrote since; whether anything was new."""
        ...

    def stale(self) -> bool:
        """Whether other processes wrote since the last :meth:`refresh` (cheap; changes nothing)."""
        ...

    def case_ledger(self) -> CaseLedger:
        """The store's case ledger (事件台账, :mod:`orggraph.cases`): in the same file on the embedded
        engine, as nodes on the server on the Neo4j engine; opened when first asked, closed with the store."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc: object) -> None: ...
