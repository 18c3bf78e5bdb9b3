"""Proposals written as rosters (建议名册): full 联系户 (1+10) and 包联 rosters the importers accept.

How a planner applies a proposal
--------------------------------
A proposal file is the **full** roster of its scope, in the exact format of ``rosters.md``: every
link in force on the proposal's day within the scope (the 1+10 contacts into the scope's households,
or the liaison of persons with the scope's communities and compounds), plus the proposed rows.
Proposed rows say ``新增 proposed`` in a ``备注`` column, which the importers ignore; the rows already in
force have it empty. So importing the file as a full roster of the same scope::

    orggraph import 联系户建议.xlsx --scope CODE

creates exactly the proposed links, finds every other row unchanged and ends nothing, because
nothing in force is missing from the file. ``CODE`` is the proposal's ``scope_code`` (the scope it
was made for, else the district). Do not import a scoped proposal without ``--scope``: a full roster
without one covers the whole streets its rows fall in, and would end the contacts of the rest of
the street. The planner may edit the file first: deleting a proposed row drops that proposal;
deleting a row in force ends that link on the import day, as with any full roster.

Import the file on the proposal's day or soon after: a link started in between is not in the
file and would be ended (make the proposal again instead). The file carries whole ID numbers
(公民身份号码), unsealed with the store's key: it is personal data, kept like the rosters it came from.
Proposed liaison rows leave 开始日期 empty, so the link starts on the import day; rows in force keep
their start date and the person's rank and unit (a person without a recorded rank is written as
其他, which the import then records). A roster cannot be written when a person in it has no sealed
ID number (or, for 包联, no name): the file would not name him or her, and importing it would end
his or her links, so :func:`whole_id_number` refuses instead.

The cells are written safe (:mod:`orggraph.cells`): in ``.xlsx`` every cell is a string cell,
never a formula; in CSV a text beginning with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading
``'``, which the importers take off again when they read the file back.

>>> area_id("130705001")
'area:130705001'
>>> area_id("area:130705001")
'area:130705001'
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import xlsxwriter

from orggraph.cells import WORKBOOK_OPTIONS, safe_row, write_cells
from orggraph.errors import InvalidValueError, NotFoundError
from orggraph.model.enums import Rank
from orggraph.model.kinds import AREA_KINDS, LinkKind, NodeKind
from orggraph.model.nodes import code_of
from orggraph.store import GraphStore
from orggraph.store.view import DayView
from queries.coverage.places import atlas_for

K = NodeKind
L = LinkKind

#: The 备注 text of a proposed row (the importers ignore the 备注 column).
PROPOSED_NOTE = "新增 proposed"
#: The contacts roster (联系户, 1+10) as the importers read it, with 备注.
CONTACTS_HEADERS: tuple[str, ...] = ("党员身份证号", "户编码", "备注")
#: The same naming each member by the store's person code (人员编号) instead of the whole ID number.
CONTACTS_CODE_HEADERS: tuple[str, ...] = ("人员编号", "户编码", "备注")
#: The liaison roster (包联) as the importers read it, with 备注.
LIAISON_HEADERS: tuple[str, ...] = ("姓名", "公民身份号码", "职级", "包联区域编码", "所在单位", "开始日期", "备注")
#: The columns of the written rosters that hold whole ID numbers (personal data: the writer says how many).
ID_COLUMNS = frozenset({"党员身份证号", "公民身份号码"})

Cell = str
_AREAS = frozenset(kind.value for kind in AREA_KINDS)
RosterRow = list[Cell]


def area_id(scope: str) -> str:
    """The node id of an area given by its code (区域编码) or already as a node id."""
    text = str(scope).strip()
    return text if text.startswith("area:") else f"area:{text}"


def scope_code(index: DayView, scope_id: str | None) -> str | None:
    """The area code to import a proposal with: the scope, else the one district (None if several)."""
    if scope_id is not None:
        return code_of(scope_id)
    districts = index.of_kind(K.DISTRICT.value)
    return code_of(districts[0]) if len(districts) == 1 else None


def in_scope(index: DayView, scope_id: str | None, kinds: tuple[NodeKind, ...]) -> Iterator[str]:
    """Live nodes of ``kinds`` at or below the scope on the area tree (PART_OF), as the importers see it."""
    if scope_id is None:
        for kind in kinds:
            yield from index.of_kind(kind.value)
        return
    attrs = index.node(scope_id)
    if attrs is None or attrs.get("kind") not in _AREAS:
        code = code_of(scope_id)
        raise NotFoundError(
            f"no area with code {code!r} as of {index.day}", message_zh=f"{index.day} 不存在编码为 {code} 的区域", scope=code
        )
    subtree = index.subtree(scope_id)
    for kind in kinds:
        yield from subtree.of_kind(kind.value)


def whole_id_number(store: GraphStore, person: str) -> str:
    """A person's whole ID number (公民身份号码), unsealed with the store's key; refused when not sealed."""
    attrs = store.node(person) or {}
    sealed = attrs.get("id_sealed")
    if not sealed:
        masked = attrs.get("id_masked", person)
        raise InvalidValueError(
            f"person {masked} has no sealed ID number; a full roster cannot name him or her",
            message_zh=f"人员 {masked} 没有加密保存的身份证号，无法写入完整名册",
            value=str(masked),
        )
    return store.pii_key.unseal("id_number", bytes.fromhex(sealed))


def contacts_rows(
    store: GraphStore,
    index: DayView,
    scope_id: str | None,
    proposed: Iterable[tuple[str, str]],
    *,
    by_code: bool = False,
) -> list[RosterRow]:
    """The full 联系户 roster of the scope: contacts in force, then the proposed (member, household) pairs.

    Members are named by whole ID number, or with ``by_code`` by the store's person code (人员编号):
    a roster that shows no personal data and imports into this store (and no other) all the same.
    """
    ids: dict[str, str] = {}

    def id_of(person: str) -> str:
        if person not in ids:
            ids[person] = code_of(person) if by_code else whole_id_number(store, person)
        return ids[person]

    rows: list[RosterRow] = []
    for household in sorted(in_scope(index, scope_id, (K.HOUSEHOLD,))):
        for member in sorted(index.into(household, L.CONTACTS.value)):
            rows.append([id_of(member), code_of(household), ""])
    rows.sort()
    rows.extend([id_of(member), code_of(household), PROPOSED_NOTE] for member, household in proposed)
    return rows


def liaison_rows(store: GraphStore, index: DayView, scope_id: str | None, proposed: Iterable[tuple[str, str]]) -> list[RosterRow]:
    """The full 包联 roster of the scope: persons' liaison in force, then the proposed (leader, community) pairs."""
    rows: list[RosterRow] = []
    for target in sorted(in_scope(index, scope_id, (K.COMMUNITY, K.COMPOUND))):
        for person in sorted(index.into(target, L.LIAISES_WITH.value)):
            if atlas_for(index).kind(person) == K.PERSON.value:
                start = next(
                    (lk.start for lk in store.links(person, kind=L.LIAISES_WITH, as_of=index.day) if lk.target == target),
                    index.day,
                )
                rows.append(_liaison_row(store, index, person, target, start, ""))
    rows.sort(key=lambda row: (row[3], row[1]))
    rows.extend(_liaison_row(store, index, person, target, "", PROPOSED_NOTE) for person, target in proposed)
    return rows


def _liaison_row(store: GraphStore, index: DayView, person: str, target: str, start: str, note: str) -> RosterRow:
    attrs = atlas_for(index).attrs(person)
    name = attrs.get("name")
    if not name:
        masked = attrs.get("id_masked", person)
        raise InvalidValueError(
            f"person {masked} has no name; a liaison roster row needs one",
            message_zh=f"人员 {masked} 没有姓名，包联名册须填姓名",
            value=str(masked),
        )
    rank = Rank.parse(attrs["rank"]).zh if attrs.get("rank") else Rank.OTHER.zh
    unit = index.parent(person, L.WORKS_AT.value)
    return [str(name), whole_id_number(store, person), rank, code_of(target), code_of(unit) if unit else "", start, note]


def whole_ids(headers: Sequence[str], rows: Sequence[RosterRow]) -> int:
    """How many whole ID numbers ``rows`` hold (non-empty cells of :data:`ID_COLUMNS`).

    >>> whole_ids(LIAISON_HEADERS, [("王某", "110105199003070011", "处级", "C1", "", "", "")])
    1
    >>> whole_ids(CONTACTS_CODE_HEADERS, [("P0001", "H1", "")])
    0
    """
    columns = [i for i, header in enumerate(headers) if header in ID_COLUMNS]
    return sum(1 for row in rows for i in columns if i < len(row) and str(row[i]).strip())


def write_roster(path: Path, sheet: str, headers: Sequence[str], rows: Sequence[RosterRow], *, encoding: str = "gb18030") -> Path:
    """Write one roster: ``.csv`` (GB18030 unless told) or ``.xlsx`` (every cell text), by the suffix.

    Parameters
    ----------
    path
        Where to write; the suffix chooses the format.
    sheet
        The worksheet name (``.xlsx``), e.g. ``联系户`` or ``包联``.
    headers, rows
        The canonical Chinese headers and the rows, cells as text (empty for none).
    encoding
        The CSV encoding; GB18030 is what Excel on a Chinese Windows reads and writes.

    Returns
    -------
    Path
        ``path``.
    """
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as handle:
            out = csv.writer(handle)
            out.writerow(safe_row(headers))
            out.writerows(safe_row(row) for row in rows)
    elif suffix == ".xlsx":
        with xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True}) as book:
            page = book.add_worksheet(sheet)
            write_cells(page, 0, 0, headers)
            for i, row in enumerate(rows, start=1):
                write_cells(page, i, 0, row)
    else:
        raise InvalidValueError(
            f"{path.name}: a roster is written as .xlsx or .csv, not {suffix or 'no suffix'}",
            message_zh=f"{path.name}：名册只能写为 .xlsx 或 .csv",
            value=suffix,
        )
    return path
