"""Sync rosters into the store (名册同步): read, recognise, validate, plan, end what is missing, write.

One call imports any number of files as one change: applied in dependency order whatever order
they are given in, atomic by default (one rejected row and nothing is written), or best effort.
Re-importing unchanged rosters changes nothing; ``dry_run`` reports the change and writes nothing.
Every import that reaches the store is recorded in its audit trail (``orggraph history``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.addresses import AddressIndex, parse_address
from importers.batching import build_batch as _batch
from importers.batching import count_rows as _count
from importers.change_words import change_lines
from importers.collector import paused_cycle_collection
from importers.columnar import COLUMNAR
from importers.columns import validate_rows
from importers.ends import Ending, plan_ends
from importers.handlers import Context, area
from importers.headers import HeaderMapping, HeaderMatch, find_header
from importers.plan import Plan, RowProblem, Source
from importers.planning import ParsedSheet, plan_sheets
from importers.quoted import unquote_csv
from importers.readers import RawSheet, read_file
from importers.report import FileReport, ImportReport
from importers.revive import revive_cascades
from importers.rosters import COLUMNS, IMPORT_ORDER, RosterKind
from importers.rows import Rejection
from importers.scope import Areas
from importers.table import validate_table
from orggraph.errors import (
    InvalidValueError,
    OrgGraphError,
    RefusedWriteError,
    RosterError,
    RosterTooLargeError,
    StaleRevisionError,
)
from orggraph.model.kinds import NodeKind
from orggraph.policy_file import ImportPolicy
from orggraph.store import Batch, GraphStore, WriteSummary
from orggraph.timeline import as_of_date

log = logging.getLogger("orggraph.importers")

#: How many times an atomic import re-checks after the store refuses a row (to report them all).
MAX_STORE_REFUSALS = 200
#: How many times an import is planned again when another write reached the store first.
MAX_REPLANS = 5


@dataclass(frozen=True)
class ImportOptions:
    """The options of ``orggraph import``."""

    dry_run: bool = False
    partial: bool = False
    scope: str | None = None
    best_effort: bool = False
    encoding: str | None = None
    kind: RosterKind | None = None
    mapping: HeaderMapping | None = None
    date: str | None = None
    #: The most rows (all files and sheets together) to read; more raise :class:`RosterTooLargeError`.
    max_rows: int | None = None
    #: End what full rosters miss even beyond the policy's share (``--allow-mass-end``).
    allow_mass_end: bool = False
    #: The import guard of the policy file (``[import]``).
    guard: ImportPolicy = field(default_factory=ImportPolicy)
    #: How many lines of the change sheet to word (one per changed node or link; 0: none).
    change_lines: int = 0


#: ``progress(phase, done, total)``: the phase's label in Chinese and English, how far it is (total 0:
#: not counted); see :mod:`importers.progress`.
Progress = Callable[[str, int, int], None]


def hash_files(paths: Sequence[Path], report: ImportReport) -> list[Path]:
    """Record every file with its SHA-256 in the report; the files that could be read."""
    readable = []
    for path in paths:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            report.rejections.append(
                Rejection(str(path), None, None, None, "", f"cannot read the file: {exc}", f"无法读取文件：{exc}")
            )
            continue
        report.files.append(FileReport(str(path), digest))
        readable.append(path)
    return readable


def read_rosters(
    paths: Sequence[Path], options: ImportOptions, report: ImportReport, progress: Progress | None = None
) -> list[ParsedSheet]:
    """Read and validate every file (already hashed into ``report.files``); problems go to ``report.rejections``."""
    parsed: list[ParsedSheet] = []
    infos = {f.file: f for f in report.files}
    total = 0
    for path in paths:
        file = str(path)
        info = infos[file]
        if progress is not None:
            progress(f"读取 read {path.name}", 0, 0)
        try:
            sheets = unquote_csv(read_file(path, encoding=options.encoding))  # a safe CSV's ' off (importers.quoted)
        except RosterError as exc:
            report.rejections.append(_problem(file, None, exc))
            continue
        total += sum(len(raw.rows) for raw in sheets)
        if options.max_rows is not None and total > options.max_rows:
            raise RosterTooLargeError(
                f"{file}: the rosters hold {total} rows or more; at most {options.max_rows} are taken in one import",
                message_zh=f"{file}：名册共 {total} 行以上；一次导入最多 {options.max_rows} 行",
                rows=total,
                limit=options.max_rows,
            )
        matched = 0
        for raw in sheets:
            info.encoding = raw.encoding or info.encoding
            for row, reason, reason_zh in raw.skipped:
                report.notes.append(Rejection(file, raw.sheet, row, None, "", reason, reason_zh))
            where = f"{file}{f' [{raw.sheet}]' if raw.sheet else ''}: "
            try:
                header = find_header(raw.rows, kind=options.kind, mapping=options.mapping, where=where)
            except RosterError as exc:
                if len(sheets) == 1:
                    report.rejections.append(_problem(file, raw.sheet, exc))
                continue
            matched += 1
            sheet = _parse_sheet(raw, header, report, progress)
            info.sheets.append((raw.sheet, header.kind.value, len(sheet)))
            parsed.append(sheet)
        if not matched and len(sheets) > 1:
            report.rejections.append(
                Rejection(
                    file,
                    None,
                    None,
                    None,
                    "",
                    "no sheet of this workbook has the header of a known roster",
                    "工作簿中没有任何工作表具有已知名册的表头",
                )
            )
    parsed.sort(key=lambda s: IMPORT_ORDER.index(s.kind))
    return parsed


def _problem(file: str, sheet: str | None, exc: OrgGraphError) -> Rejection:
    row = exc.context.get("row")
    return Rejection(
        file, sheet, int(row) if row is not None else None, exc.context.get("column"), "", exc.message, exc.message_zh
    )


def _parse_sheet(raw: RawSheet, header: HeaderMatch, report: ImportReport, progress: Progress | None) -> ParsedSheet:
    kind = header.kind
    sheet = ParsedSheet(kind, raw.file, raw.sheet)
    for _, text in header.unknown:
        report.rejections.append(
            Rejection(
                raw.file,
                raw.sheet,
                header.row,
                text,
                text,
                f"unknown column {text!r} for a {kind.value} roster; rename it, or map it with --mapping "
                f'(map it to "ignore" to skip it)',
                f'未知列“{text}”（{kind.zh}名册）；请改名，或用 --mapping 映射（映射为 "ignore" 可忽略）',
            )
        )
    headers = {f: header.headers[i] for f, i in header.fields.items()}
    rows = [(n, cells) for n, cells in raw.rows if n > header.row]
    if kind in COLUMNAR:
        validated = validate_table(kind, rows, header.fields, file=raw.file, sheet=raw.sheet, headers=headers)
        if validated is not None:
            sheet.table, rejected = validated
            for _, rejections in rejected:
                report.rejections.extend(rejections)
                report.count(kind, "rejected")
            if progress is not None:
                progress(f"校验 validate {Path(raw.file).name}", len(rows), len(rows))
            return sheet
    fields = [(f, i) for f, i in header.fields.items()]
    body = [(n, {f: cells[i] for f, i in fields if i < len(cells) and cells[i] is not None}) for n, cells in rows]
    checked = validate_rows(kind, body, file=raw.file, sheet=raw.sheet, headers=headers)
    for done, (number, result) in enumerate(checked, start=1):
        if isinstance(result, list):
            report.rejections.extend(result)
            report.count(kind, "rejected")
        else:
            sheet.rows.append((Source(raw.file, raw.sheet, number, kind), result))
        if progress is not None and done % 5000 == 0:
            progress(f"校验 validate {Path(raw.file).name}", done, len(body))
    if progress is not None:
        progress(f"校验 validate {Path(raw.file).name}", len(body), len(body))
    return sheet


def import_rosters(
    store: GraphStore, paths: Sequence[Path], options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """Import ``paths`` into ``store`` as one change; see the module docstring.

    The import is planned on the store as it is and written only if the store is still at that
    revision; if another write came first (another process importing), it is read and planned again.
    """
    for attempt in range(MAX_REPLANS):
        try:
            with paused_cycle_collection():
                return _import_once(store, paths, options, progress)
        except StaleRevisionError:
            log.info("the store changed while an import was planned; planning it again (attempt %d)", attempt + 2)
    raise StaleRevisionError(
        f"{store.location}: other imports kept changing the store while this one was planned ({MAX_REPLANS} times); "
        "nothing was written, try again",
        message_zh=f"{store.location}：规划本次导入期间其他导入持续写入（{MAX_REPLANS} 次）；未写入任何数据，请重试",
    )


def _import_once(store: GraphStore, paths: Sequence[Path], options: ImportOptions, progress: Progress | None) -> ImportReport:
    day = as_of_date(options.date)
    report = ImportReport(dry_run=options.dry_run, atomic=not options.best_effort, date=day)
    readable = hash_files(paths, report)
    if not report.rejections and _same_as_last_import(store, report, options):
        return report
    store.refresh()
    revision = store.revision
    sheets = read_rosters(readable, options, report, progress)
    plan = Plan(store, day)
    ctx = Context(plan, store.pii_key, functools.partial(_resolve_address, plan))
    headers = {(s.file, s.sheet): {c.field: c.zh for c in COLUMNS[s.kind]} for s in sheets}
    kinds = {s.kind for s in sheets}
    kept = plan_sheets(ctx, sheets, report, headers, progress)
    report.warn([w for w in plan.warnings if w[0] in kept], headers)
    del sheets, kept  # the rows live on in the plan; free the parsed rows (memory peaks here)
    if progress is not None:
        progress("核对终止 ends", 0, 0)
    report.revived = revive_cascades(plan, kinds)
    ends = plan_ends(
        plan,
        kinds,
        scope_code=options.scope,
        partial=options.partial,
        allow_mass_end=options.allow_mass_end,
        guard=options.guard,
        report=report,
        headers=headers,
        area_id=area,
    )
    if progress is not None:
        progress("生成变更 batch", 0, 0)
    batch, sources = _batch(plan, ends)
    del plan, ctx, ends
    if report.mass_end or (report.rejections and report.atomic):
        _record(store, report, options, paths)
        return report
    summary = _write(store, batch, sources, report, options, headers, paths, revision, progress)
    if summary is not None:
        _count(report, summary.outcomes, sources)
        report.changes = summary.as_dict()
        report.summary = summary
        if options.change_lines:
            report.change_lines, report.change_lines_total = change_lines(
                summary.forward, summary.backward, store.node, limit=options.change_lines
            )
    return report


def _same_as_last_import(store: GraphStore, report: ImportReport, options: ImportOptions) -> bool:
    """The quick check: the same files (by content) and options as the last written import, into a
    store that has not changed since, change nothing; report them unchanged without reading them again."""
    store.refresh()
    last = next(iter(store.audit_log("import", limit=1)), None)
    if last is None or last.get("status") not in ("written", "unchanged") or last.get("revision") != store.revision:
        return False
    if sorted(f["sha256"] for f in last.get("files", [])) != sorted(f.sha256 for f in report.files):
        return False
    if last.get("options", {}) | {"date": None} != _options_record(options, report) | {"date": None}:
        return False
    sheets = {f["sha256"]: f.get("sheets", []) for f in last["files"]}
    for info in report.files:
        info.sheets = [tuple(sheet) for sheet in sheets[info.sha256]]
        for _, kind, rows in info.sheets:
            report.count(RosterKind.parse(kind), "unchanged", rows)
    report.quick = f"same files as import #{last['id']} ({last['at']}), store unchanged since"
    if not options.dry_run:
        record = _audit_record(report, options)
        store.record_audit("import", {**record, "status": "unchanged", "revision": store.revision, "same_as": last["id"]})
    return True


def _resolve_address(plan: Plan, text: str) -> str:
    index = getattr(plan, "address_index", None)
    if index is None:
        index = AddressIndex()
        for household, attrs in _households(plan):
            index.add(household, **attrs)
        plan.address_index = index  # type: ignore[attr-defined]
    try:
        return index.resolve(parse_address(text))
    except InvalidValueError as exc:
        raise RowProblem("address", exc.message, exc.message_zh, text) from exc


def _households(plan: Plan) -> Any:
    areas = Areas(plan)
    for household, attrs in plan.store.nodes(NodeKind.HOUSEHOLD, as_of=plan.day):
        yield household, _address_parts(plan, areas, household, attrs)
    for household, (attrs, _) in plan.nodes.items():
        if attrs["kind"] == NodeKind.HOUSEHOLD.value:
            yield household, _address_parts(plan, areas, household, attrs)


def _address_parts(plan: Plan, areas: Areas, household: str, attrs: dict[str, Any]) -> dict[str, Any]:
    chain = areas.chain(household)
    entrance, building, compound = (*chain, "", "", "")[1:4]
    compound_attrs = plan.attrs(compound) or {}
    return {
        "compound_code": compound.split(":", 1)[-1],
        "compound_name": compound_attrs.get("name"),
        "building": str((plan.attrs(building) or {}).get("name", building.rsplit("/", 1)[-1])),
        "entrance": str((plan.attrs(entrance) or {}).get("name", entrance.rsplit("/", 1)[-1])),
        "room": str(attrs.get("room", "")),
        "areas": tuple(str(a["name"]) for a in (plan.attrs(area) for area in chain[4:]) if a and a.get("name")),
    }


def _write(
    store: GraphStore,
    batch: Batch,
    sources: list[Source | Ending],
    report: ImportReport,
    options: ImportOptions,
    headers: dict[Any, dict[str, str]],
    paths: Sequence[Path],
    revision: int,
    progress: Progress | None = None,
) -> WriteSummary | None:
    """Write (or dry-run) the batch, planned on ``revision``; a row the store refuses is rejected, and
    the rest retried."""
    dry_run = options.dry_run
    for _ in range(MAX_STORE_REFUSALS):
        audit = None if dry_run else ("import", _audit_record(report, options))
        try:
            summary = store.write(
                batch,
                dry_run=dry_run,
                audit=audit,
                expected_revision=None if dry_run else revision,
                progress=_store_steps(progress),
            )
        except RefusedWriteError as exc:
            index = exc.context.get("op_index")
            culprit = sources[index] if isinstance(index, int) and index < len(sources) else None
            if not isinstance(culprit, Source):
                report.rejections.append(Rejection("", None, None, None, "", exc.message, exc.message_zh))
                break
            report.reject(culprit, RowProblem(None, exc.message, exc.message_zh), headers)
            keep = [i for i, s in enumerate(sources) if s != culprit]
            batch = Batch(batch.label, [batch.ops[i] for i in keep])
            sources[:] = [sources[i] for i in keep]
            if report.atomic:
                dry_run = True  # keep looking for other refused rows, write nothing
            continue
        if report.atomic and report.rejections:
            _record(store, report, options, paths)
            return None
        report.written = not dry_run
        return summary
    _record(store, report, options, paths)
    return None


def _store_steps(progress: Progress | None) -> Callable[[str, int, int], None] | None:
    """The store's steps of a write, as phases of the import."""
    if progress is None:
        return None
    labels = {"apply": "写入 write", "save": "保存 save"}

    def step(name: str, done: int, total: int) -> None:
        progress(labels.get(name, name), done, total)

    return step


def _audit_record(report: ImportReport, options: ImportOptions) -> dict[str, Any]:
    return {
        "files": [{"file": f.file, "sha256": f.sha256, "sheets": f.sheets} for f in report.files],
        "options": _options_record(options, report),
        "rejected": len(report.rejections),
        "status": "written",
    }


def _options_record(options: ImportOptions, report: ImportReport) -> dict[str, Any]:
    return {
        "partial": options.partial,
        "scope": options.scope,
        "best_effort": options.best_effort,
        "kind": options.kind.value if options.kind else None,
        "encoding": options.encoding,
        "mapping": repr(options.mapping) if options.mapping else None,
        "date": report.date,
        "allow_mass_end": options.allow_mass_end,
    }


def _record(store: GraphStore, report: ImportReport, options: ImportOptions, paths: Sequence[Path]) -> None:
    """An import that wrote nothing because rows were rejected is recorded too (not a dry run)."""
    if options.dry_run:
        return
    record = _audit_record(report, options)
    record["status"] = "rejected"
    store.record_audit("import", record)
