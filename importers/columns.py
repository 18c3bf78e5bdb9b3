"""A roster's rows validated a column at a time: the fast path of :func:`importers.rows.parse_row`.

Each column's cells go through the cleaning function of the row model's field (the same
:mod:`importers.values` function pydantic would call), each distinct cell once (codes, choices and
ID numbers repeat down a column: the 1+10 roster names each member ten times). A row whose every
cell cleans, has the type and bounds its field declares, and passes the model's own checks is
built without pydantic's per-row pass; any other row goes through :func:`parse_row`, which gives
its rejections exactly as it always has. Both paths give equal models for the rows they accept
(tests/importers/test_columns.py holds them to it).
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import annotated_types
from pydantic import BeforeValidator
from pydantic.fields import FieldInfo

from importers import door
from importers.rosters import COLUMNS, RosterKind, either_groups
from importers.rows import MODELS, Rejection, Row, at_the_door, parse_row

__all__ = ["FAILED", "clean_column", "fast_model", "field_parts", "row_model", "validate_rows"]

#: After this many cells, a column whose cells are nearly all distinct stops being memoised.
_MEMO_PROBE = 4096
#: What a cell that does not pass becomes in its cleaned column.
FAILED = object()


@dataclass(frozen=True)
class _Field:
    name: str
    clean: Callable[[Any], Any]
    types: tuple[type, ...]
    bounds: tuple[Callable[[Any], bool], ...]
    optional: bool


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The base type, the metadata and whether ``None`` is allowed, of a field's annotation."""
    optional = False
    metadata: list[Any] = []
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            annotation = args[0]
            origin = typing.get_origin(annotation)
    if origin is Annotated:
        annotation, *metadata = typing.get_args(annotation)
    return annotation, metadata, optional


def _types(annotation: Any) -> tuple[type, ...] | None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        found: list[type] = []
        for arg in typing.get_args(annotation):
            inner = _types(arg)
            if inner is None:
                return None
            found.extend(inner)
        return tuple(found)
    if origin is list:
        return (list,)
    return (annotation,) if isinstance(annotation, type) else None


def _bound(item: Any) -> Callable[[Any], bool] | None:
    if isinstance(item, annotated_types.Ge):
        return functools.partial(operator.le, item.ge)  # ge <= v
    if isinstance(item, annotated_types.Le):
        return functools.partial(operator.ge, item.le)  # le >= v
    if isinstance(item, annotated_types.Gt):
        return functools.partial(operator.lt, item.gt)  # gt < v
    if isinstance(item, annotated_types.Lt):
        return functools.partial(operator.gt, item.lt)  # lt > v
    return None


def field_parts(model: type[Row], name: str) -> tuple[Any, list[Any], bool]:
    """A row model's field as its base type, the parts of its metadata (its cleaning ``BeforeValidator``,
    its bounds …) and whether it may be ``None``."""
    info = model.model_fields[name]
    base, metadata, optional = _unwrap(info.annotation)
    parts: list[Any] = []
    for item in [*metadata, *info.metadata]:
        parts.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return base, parts, optional


def _field(model: type[Row], name: str) -> _Field | None:
    """How the fast path checks one field, or ``None`` where only pydantic can."""
    base, parts, optional = field_parts(model, name)
    clean: Callable[[Any], Any] | None = None
    bounds: list[Callable[[Any], bool]] = []
    for part in parts:
        if isinstance(part, BeforeValidator):
            if clean is not None:
                return None
            clean = part.func  # type: ignore[assignment]
            continue
        bound = _bound(part)
        if bound is None:
            return None
        bounds.append(bound)
    kinds = _types(base)
    if clean is None or kinds is None:
        return None
    return _Field(name, clean, kinds, tuple(bounds), optional)


@dataclass(frozen=True)
class _Model:
    model: type[Row]
    fields: dict[str, _Field]
    defaults: dict[str, Any]
    factories: dict[str, Callable[[], Any]]
    required: tuple[str, ...]
    either: tuple[tuple[str, ...], ...]
    after: tuple[Callable[[Any], Any], ...]


_MODELS: dict[RosterKind, _Model | None] = {}


def fast_model(kind: RosterKind) -> _Model | None:
    """How the fast path checks a roster kind's rows, or ``None`` where only pydantic can."""
    if kind in _MODELS:
        return _MODELS[kind]
    model = MODELS[kind]
    decorators = model.__pydantic_decorators__
    plan: _Model | None = None
    fields = {name: _field(model, name) for name in model.model_fields}
    simple = not (decorators.field_validators or decorators.validators or decorators.root_validators)
    after = [d.func for d in decorators.model_validators.values() if d.info.mode == "after"]
    if simple and len(after) == len(decorators.model_validators) and all(f is not None for f in fields.values()):
        defaults, factories = {}, {}
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                factories[name] = info.default_factory
            elif not info.is_required():
                defaults[name] = info.default
        plan = _Model(
            model,
            {name: f for name, f in fields.items() if f is not None},
            defaults,
            factories,  # type: ignore[arg-type]
            tuple(c.field for c in COLUMNS[kind] if c.required),
            tuple(tuple(c.field for c in group) for group in either_groups(kind).values()),
            tuple(after),
        )
    _MODELS[kind] = plan
    return plan


def clean_column(spec: _Field, cells: Sequence[Any]) -> list[Any]:
    """The cleaned cells of one column (``FAILED`` where a cell does not pass), each distinct cell once."""
    clean, kinds, bounds = spec.clean, spec.types, spec.bounds
    memo: dict[Any, Any] | None = None if list in kinds else {}  # a list is each row's own
    out: list[Any] = []
    append = out.append
    for index, cell in enumerate(cells):
        if cell is None:
            append(None)
            continue
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        if memo is not None:
            found = memo.get(key, memo)
            if found is not memo:
                append(found)
                continue
        try:  # a blank cell is an empty one (absent from the row), as the per-row path reads it
            value = None if cell.__class__ is str and (not cell or cell.isspace()) else clean(cell)
        except Exception:
            value = FAILED
        else:
            if value is None:
                value = None if spec.optional else FAILED
            elif (
                value.__class__ not in kinds
                and not (isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds))
            ) or (bounds and not all(check(value) for check in bounds)):
                value = FAILED
        if memo is not None:
            memo[key] = value
            if index == _MEMO_PROBE and len(memo) > 0.9 * _MEMO_PROBE:
                memo = None
        append(value)
    return out


def validate_rows(
    kind: RosterKind,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    file: str,
    sheet: str | None,
    headers: dict[str, str],
) -> Iterable[tuple[int, Row | list[Rejection]]]:
    """Each row number with its model, or its rejections, as :func:`parse_row` would give them; a
    cell the door refuses (:mod:`importers.door`) rejects its row before any column looks at it."""
    body = list(rows)
    refused = _at_the_door(body, file=file, sheet=sheet, headers=headers)
    checked = _validated(kind, [(n, cells) for n, cells in body if n not in refused], file, sheet, headers)
    if not refused:
        yield from checked
        return
    for number, _ in body:
        if number in refused:
            yield number, refused[number]
        else:
            yield next(checked)


def _validated(
    kind: RosterKind, body: list[tuple[int, dict[str, Any]]], file: str, sheet: str | None, headers: dict[str, str]
) -> Iterator[tuple[int, Row | list[Rejection]]]:
    plan = fast_model(kind)
    present = sorted({f for _, cells in body for f in cells})
    if plan is None or any(f not in plan.fields for f in present):
        for number, cells in body:
            yield number, parse_row(kind, cells, file=file, sheet=sheet, row=number, headers=headers)
        return
    columns = {f: clean_column(plan.fields[f], [cells.get(f) for _, cells in body]) for f in present}
    for index, (number, cells) in enumerate(body):
        row = _built(plan, {f: columns[f][index] for f in cells})
        if row is None:
            yield number, parse_row(kind, cells, file=file, sheet=sheet, row=number, headers=headers)
        else:
            yield number, row


def _at_the_door(
    body: list[tuple[int, dict[str, Any]]], *, file: str, sheet: str | None, headers: dict[str, str]
) -> dict[int, list[Rejection]]:
    """The rows with a cell the door refuses (:func:`importers.rows.at_the_door`), with their
    rejections; the cells it cleans are replaced in ``body``. A printable cell no longer than the
    shortest limit is not looked at (the common case)."""
    refused: dict[int, list[Rejection]] = {}
    str_, short = str, door.SHORTEST_LIMIT
    for number, cells in body:
        for value in cells.values():
            if value.__class__ is str_ and not (value.isprintable() and len(value) <= short and "#" not in value):
                break
        else:
            continue
        cleaned, rejections = at_the_door(cells, file=file, sheet=sheet, row=number, headers=headers)
        if rejections:
            refused[number] = rejections
        else:
            cells.update(cleaned)
    return refused


def _built(plan: _Model, given: dict[str, Any]) -> Row | None:
    """The model of a row whose cells all passed, or ``None`` for the per-row path."""
    for value in given.values():
        if value is FAILED:
            return None
    for name in plan.required:
        if given.get(name) is None:
            return None
    for group in plan.either:
        if all(given.get(name) is None for name in group):
            return None
    given = {name: value for name, value in given.items() if value is not None}  # a blank cell is absent
    row = _construct(plan, given)
    try:
        for check in plan.after:
            check(row)
    except Exception:
        return None
    return row


def _construct(plan: _Model, given: dict[str, Any]) -> Row:
    """The model of a row from its checked values (blank fields left out), without pydantic."""
    state = dict(plan.defaults)
    for name, factory in plan.factories.items():
        state[name] = factory()
    state.update(given)
    row: Row = object.__new__(plan.model)
    put = object.__setattr__
    put(row, "__dict__", state)
    put(row, "__pydantic_fields_set__", set(given))
    put(row, "__pydantic_extra__", None)
    put(row, "__pydantic_private__", None)
    return row


def row_model(kind: RosterKind, given: dict[str, Any]) -> Row:
    """The model of a row of ``kind`` whose values (blank ones left out) have passed already."""
    plan = fast_model(kind)
    assert plan is not None
    return _construct(plan, given)
