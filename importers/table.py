"""A roster's rows validated into columns, without a model per row: the input of the columnar planners
(:mod:`importers.columnar`).

The cells are taken column by column straight from the sheet; the door (:mod:`importers.door`) looks
again only at the rows holding a cell its quick test does not pass, each distinct cell is cleaned once
(:func:`importers.columns.clean_column`), and a row whose every cell passes is kept as a position in
the columns. Any other row goes the per-row way (:func:`importers.rows.parse_row`), which rejects it
exactly as it always has — or accepts it, and its model's values join the columns. So a table holds
the rows :func:`importers.columns.validate_rows` accepts, with the values their models would hold
(``None`` where a model holds its default), and the same rejections in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_, is_not, or_
from typing import Any

from importers import door
from importers.columns import FAILED, clean_column, fast_model, row_model
from importers.rosters import COLUMNS, RosterKind, either_groups
from importers.rows import Rejection, Row, at_the_door, parse_row

__all__ = ["Table", "validate_table"]


@dataclass
class Table:
    """The accepted rows of one sheet of one roster kind, as columns of the models' values."""

    kind: RosterKind
    file: str
    sheet: str | None
    numbers: list[int] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[Any]:
        """A field's values (``None`` where the row leaves it blank: the model's default)."""
        found = self.columns.get(name)
        return found if found is not None else [None] * len(self.numbers)

    def rows(self) -> Iterator[tuple[int, Row]]:
        """Each row's number and model (for the per-row planners)."""
        names = list(self.columns)
        for index, number in enumerate(self.numbers):
            given = {name: self.columns[name][index] for name in names}
            yield number, row_model(self.kind, {k: v for k, v in given.items() if v is not None})


def validate_table(
    kind: RosterKind,
    body: Sequence[tuple[int, Sequence[Any]]],
    fields: dict[str, int],
    *,
    file: str,
    sheet: str | None,
    headers: dict[str, str],
) -> tuple[Table, list[tuple[int, list[Rejection]]]] | None:
    """The sheet's rows (number, cells) validated into a table, and the rejected rows with their
    rejections in row order; ``None`` when the kind's model needs pydantic for every row."""
    plan = fast_model(kind)
    if plan is None or any(name not in plan.fields for name in fields):
        return None
    numbers = [number for number, _ in body]
    raw = {name: [cells[i] if i < len(cells) else None for _, cells in body] for name, i in fields.items()}
    refused = _door(raw, numbers, file=file, sheet=sheet, headers=headers)
    columns = {name: clean_column(plan.fields[name], cells) for name, cells in raw.items()}
    bad = [False] * len(numbers)
    for values in columns.values():
        bad = list(map(or_, bad, map(is_, values, repeat(FAILED))))
    for column in COLUMNS[kind]:
        if column.required:
            bad = list(map(or_, bad, map(is_, columns.get(column.field, repeat(None)), repeat(None))))
    for group in either_groups(kind).values():
        given = [False] * len(numbers)
        for column in group:
            given = list(map(or_, given, map(is_not, columns.get(column.field, repeat(None)), repeat(None))))
        bad = list(map(or_, bad, map(is_, given, repeat(False))))
    if plan.after:  # a model's own checks see the whole row: every row goes the per-row way
        bad = [True] * len(numbers)
    rejected: list[tuple[int, list[Rejection]]] = []
    table = Table(kind, file, sheet)
    if not any(bad) and not refused:
        table.numbers, table.columns = numbers, columns
        return table, rejected
    table.columns = {name: [] for name in columns}
    for index in compress(range(len(numbers)), map(or_, bad, (n in refused for n in numbers))):
        number = numbers[index]
        if number in refused:
            rejected.append((number, refused[number]))
            continue
        cells = {name: raw[name][index] for name in raw if raw[name][index] is not None}
        result = parse_row(kind, cells, file=file, sheet=sheet, row=number, headers=headers)
        if isinstance(result, list):
            rejected.append((number, result))
        else:
            for name in columns:
                columns[name][index] = getattr(result, name)
            bad[index] = False
    keep = [not b and n not in refused for b, n in zip(bad, numbers, strict=True)]
    table.numbers = list(compress(numbers, keep))
    table.columns = {name: list(compress(values, keep)) for name, values in columns.items()}
    return table, rejected


def _door(
    raw: dict[str, list[Any]], numbers: list[int], *, file: str, sheet: str | None, headers: dict[str, str]
) -> dict[int, list[Rejection]]:
    """The rows with a cell the door refuses, with their rejections; the cells it cleans are replaced
    in ``raw``. A printable cell no longer than the shortest limit is not looked at (the common case)."""
    suspect: set[int] = set()
    short = door.SHORTEST_LIMIT
    for cells in raw.values():
        odd = {c for c in set(cells) if c.__class__ is str and not (c.isprintable() and len(c) <= short and "#" not in c)}
        if odd:
            suspect.update(i for i, c in enumerate(cells) if c in odd)
    refused: dict[int, list[Rejection]] = {}
    for index in sorted(suspect):
        row = {name: cells[index] for name, cells in raw.items() if cells[index] is not None}
        cleaned, rejections = at_the_door(row, file=file, sheet=sheet, row=numbers[index], headers=headers)
        if rejections:
            refused[numbers[index]] = rejections
        else:
            for name, value in cleaned.items():
                raw[name][index] = value
    return refused
