"""Header rows (表头): found below any title rows, mapped to fields, and the roster kind recognised.

Headers are compared after folding full-width forms, dropping spaces, ``*`` marks and a trailing
note in brackets (``公民身份号码（必填）``), and lower-casing English. A user mapping (``--mapping
map.toml``) renames any other header, for every kind or for one::

    [columns]
    "身份证" = "id_number"
    "内部编号" = "ignore"

    [columns.members]
    "所属支部编码" = "org_code"

>>> normalize_header(" 公民身份号码（必填）* ")
'公民身份号码'
>>> normalize_header("Household_Code")
'household_code'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.rosters import COLUMNS, IGNORED_HEADERS, RosterKind, either_groups
from orggraph.errors import ConfigurationError, RosterHeaderError
from orggraph.text import to_halfwidth

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 12
IGNORE = "ignore"
_NOTE = re.compile(r"\([^()]*\)$")
_SPACES = re.compile(r"\s+")


def normalize_header(value: Any) -> str:
    """The comparable form of a header cell."""
    text = _SPACES.sub("", to_halfwidth(str(value))).strip("*").replace("【", "(").replace("】", ")")
    text = _NOTE.sub("", text).strip("*")
    return text.lower() if text.isascii() else text


@dataclass(frozen=True)
class HeaderMapping:
    """A user's header renames: for all kinds, and per kind (``kind.value`` → header → field)."""

    common: Mapping[str, str] = field(default_factory=dict)
    per_kind: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def field_for(self, kind: RosterKind, header: str) -> str | None:
        return self.per_kind.get(kind.value, {}).get(header) or self.common.get(header)

    @classmethod
    def load(cls, path: Path) -> HeaderMapping:
        """Read a mapping TOML file; its errors are configuration errors naming the file."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"mapping file {path}: {exc}", message_zh=f"列名映射文件 {path} 无法读取：{exc}") from exc
        columns = data.get("columns", {})
        if not isinstance(columns, dict):
            raise ConfigurationError(f"mapping file {path}: [columns] must be a table", message_zh="[columns] 须为表")
        common: dict[str, str] = {}
        per_kind: dict[str, dict[str, str]] = {}
        for key, value in columns.items():
            if isinstance(value, dict):
                kind = RosterKind.parse(key)
                per_kind[kind.value] = {normalize_header(h): _checked(path, kind, str(f)) for h, f in value.items()}
            else:
                common[normalize_header(key)] = _checked(path, None, str(value))
        return cls(common, per_kind)


def _checked(path: Path, kind: RosterKind | None, target: str) -> str:
    kinds = [kind] if kind else list(RosterKind)
    known = {c.field for k in kinds for c in COLUMNS[k]} | {IGNORE}
    if target not in known:
        raise ConfigurationError(
            f"mapping file {path}: {target!r} is not a column field{' of ' + kind.value if kind else ''}",
            message_zh=f"列名映射文件 {path}：{target!r} 不是有效的列字段",
        )
    return target


_LOOKUP: dict[RosterKind, dict[str, str]] = {
    kind: {normalize_header(h): col.field for col in cols for h in col.headers} for kind, cols in COLUMNS.items()
}


@dataclass
class HeaderMatch:
    """The recognised header of one sheet."""

    kind: RosterKind
    row: int
    fields: dict[str, int]
    headers: list[str]
    unknown: list[tuple[int, str]]

    def header_of(self, field_name: str) -> str:
        index = self.fields.get(field_name)
        return self.headers[index] if index is not None else field_name


def _match_row(cells: Sequence[Any], kind: RosterKind, mapping: HeaderMapping) -> HeaderMatch:
    fields: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    headers = ["" if c is None else str(c).strip() for c in cells]
    for index, text in enumerate(headers):
        if not text:
            continue
        key = normalize_header(text)
        target = mapping.field_for(kind, key) or _LOOKUP[kind].get(key)
        if target == IGNORE or (target is None and key in IGNORED_HEADERS):
            continue
        if target is None or target in fields:
            unknown.append((index, text))
            continue
        fields[target] = index
    return HeaderMatch(kind, 0, fields, headers, unknown)


def missing_required(match: HeaderMatch) -> list[str]:
    missing = [f"{c.zh} [{c.field}]" for c in COLUMNS[match.kind] if c.required and c.field not in match.fields]
    for group in either_groups(match.kind).values():
        if not any(c.field in match.fields for c in group):
            missing.append(" / ".join(f"{c.zh} [{c.field}]" for c in group))
    return missing


def find_header(
    rows: Sequence[tuple[int, Sequence[Any]]],
    *,
    kind: RosterKind | None = None,
    mapping: HeaderMapping | None = None,
    where: str = "",
) -> HeaderMatch:
    """Find the header row among the first rows and recognise the roster kind (or check ``kind``).

    Raises :class:`RosterHeaderError` naming the missing columns of the best candidate, or the
    kinds that tie, when no header row can be told.
    """
    mapping = mapping or HeaderMapping()
    kinds = [kind] if kind else list(RosterKind)
    best: HeaderMatch | None = None
    for row_number, cells in rows[:HEADER_SEARCH_ROWS]:
        complete: list[HeaderMatch] = []
        for candidate in kinds:
            match = _match_row(cells, candidate, mapping)
            match.row = row_number
            if not missing_required(match):
                complete.append(match)
            elif best is None or len(match.fields) > len(best.fields):
                best = match
        if complete:
            complete.sort(key=lambda m: (len(m.fields), -len(m.unknown)), reverse=True)
            if len(complete) > 1 and len(complete[0].fields) == len(complete[1].fields):
                names = " / ".join(f"{m.kind.zh} [{m.kind.value}]" for m in complete[:2])
                raise RosterHeaderError(
                    f"{where}row {row_number}: the header fits several rosters ({names}); give --kind",
                    message_zh=f"{where}第{row_number}行：表头可匹配多种名册（{names}），请用 --kind 指定",
                    row=row_number,
                )
            return complete[0]
    if best is None or not best.fields:
        expected = f" of a {kind.zh} [{kind.value}] roster" if kind else " of a known roster"
        raise RosterHeaderError(
            f"{where}no header row{expected} in the first {HEADER_SEARCH_ROWS} rows",
            message_zh=f"{where}前{HEADER_SEARCH_ROWS}行中没有{kind.zh if kind else '已知名册'}的表头",
        )
    missing = missing_required(best)
    raise RosterHeaderError(
        f"{where}row {best.row}: a {best.kind.zh} [{best.kind.value}] roster needs the column(s) "
        f"{', '.join(missing)}, which are missing",
        message_zh=f"{where}第{best.row}行：{best.kind.zh}名册缺少必填列 {', '.join(missing)}",
        row=best.row,
        column=", ".join(missing),
    )
