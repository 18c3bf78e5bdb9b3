"""Roster upload (名册上传): the same import as ``orggraph import``, as one change, with its report.

Uploads run one at a time. The batch is written under the store's exclusive lock, so a request
reading meanwhile sees the store before the import or after it, never half of it. The scope of the
import is the ``area`` given, else the token's scope area (a token scoped to the whole district, with
no ``area``, scopes by the communities its rows fall in, as the command line does). Rows outside the scope
are rejected; nothing outside it is ended.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from enum import StrEnum
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi import Path as FastPath
from starlette.responses import Response

from api.auth import Importer, Viewer
from api.params import BadRequestError
from api.problems import responses
from api.replies import FILE_CONTENT, MEDIA, file_reply, json_reply
from api.routes.coverage import area_in_scope
from api.schemas import ImportReportOut, TemplatesOut, UndoReportOut
from api.scope import Scope
from api.service import Service
from importers.child import import_in_child
from importers.report import ImportReport
from importers.rosters import RosterKind
from importers.rows import Rejection
from importers.sync import ImportOptions, import_rosters
from importers.template import roster_kind, template_bytes, template_name
from importers.undo import history, undo_import
from orggraph.errors import NotFoundError, OrgGraphError
from orggraph.store.view import DayView

router = APIRouter(prefix="/v1", tags=["imports"])

RosterName = StrEnum("RosterName", {kind.value: kind.value for kind in RosterKind})  # type: ignore[misc]
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class ReportFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"
    csv = "csv"


def _safe_name(name: str | None, number: int) -> str:
    """A file name to keep an upload under: its own base name, cleaned, numbered to stay unique."""
    base = _UNSAFE.sub("_", FilePath(name or "").name).strip("._")[:120] or "roster"
    return f"{number:02d}-{base}"


def client_name(name: str | None) -> str:
    """The client's file name without the folders it may carry (``C:\\…\\名册.csv``, ``../x.csv``)."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1] or "roster"


def _unplaced(text: str, folder: str, names: dict[str, str]) -> str:
    """``text`` with every path the server kept an upload under replaced by the client's file name."""
    for path, name in names.items():
        text = text.replace(path, name)
    return text.replace(folder + "/", "").replace(folder, "")


def _renamed(report: ImportReport, folder: str, names: dict[str, str]) -> ImportReport:
    """The report with the uploaded file names in place of where the server kept them: in the files,
    and in every rejection, note and warning (where, value and reasons alike)."""
    for info in report.files:
        info.file = _unplaced(info.file, folder, names)

    def clean(rows: list[Rejection]) -> list[Rejection]:
        return [
            dataclasses.replace(
                r,
                file=_unplaced(r.file, folder, names),
                value=_unplaced(r.value, folder, names) if r.value else r.value,
                reason=_unplaced(r.reason, folder, names),
                reason_zh=_unplaced(r.reason_zh, folder, names),
            )
            for r in rows
        ]

    report.rejections = clean(report.rejections)
    report.notes = clean(report.notes)
    report.warnings = clean(report.warnings)
    return report


def _refused(error: OrgGraphError, folder: str, names: dict[str, str]) -> OrgGraphError:
    """The same error, naming the client's files instead of the server's paths."""
    error.message = _unplaced(error.message, folder, names)
    error.message_zh = _unplaced(error.message_zh, folder, names)
    error.context = {k: _unplaced(v, folder, names) if isinstance(v, str) else v for k, v in error.context.items()}
    return error


@router.post(
    "/imports",
    response_model=ImportReportOut,
    responses={**responses(409, 413), 200: {"model": ImportReportOut, **FILE_CONTENT}},
    summary="Import rosters",
)
def upload(
    caller: Importer,
    files: Annotated[list[UploadFile], File(description="roster files: .csv (any common encoding) or .xlsx")],
    dry_run: Annotated[bool, Form(description="check and count only; write nothing")] = False,
    best_effort: Annotated[bool, Form(description="write the good rows even when some are rejected")] = False,
    partial: Annotated[bool, Form(description="the rosters are partial: end nothing they do not list")] = False,
    area: Annotated[str | None, Form(max_length=100, description="the scope of full rosters (an area code)")] = None,
    date: Annotated[dt.date | None, Form(description="the day the change takes effect; default today")] = None,
    kind: Annotated[RosterName | None, Form(description="the roster kind, when the headers do not tell")] = None,
    encoding: Annotated[str | None, Form(max_length=40, description="the encoding of CSV files, when not detected")] = None,
    report: Annotated[ReportFormat, Query(description="the report as JSON, or as a spreadsheet of rejected rows")] = (
        ReportFormat.json
    ),
) -> Response:
    """Import roster files as one change (atomic unless `best_effort`): a report with counts per roster
    and outcome (created, updated, unchanged, ended, rejected) and every rejected row — where, what, why."""
    if not files:
        raise BadRequestError("give at least one roster file", message_zh="请至少上传一个名册文件")
    service = caller.service
    with tempfile.TemporaryDirectory(prefix="orggraph-upload-") as folder:
        names: dict[str, str] = {}
        paths = []
        for number, upload in enumerate(files, start=1):
            path = FilePath(folder) / _safe_name(upload.filename, number)
            with path.open("wb") as out:
                while chunk := upload.file.read(1 << 20):
                    out.write(chunk)
            names[str(path)] = client_name(upload.filename)
            paths.append(path)
        with service.guard.importing:
            with service.reading():
                reader = service.reader()
                scope, code = area_in_scope(caller, reader, area)
            options = ImportOptions(
                dry_run=dry_run,
                partial=partial,
                scope=None if area is None and scope.everything else code,
                best_effort=best_effort,
                encoding=encoding,
                kind=RosterKind.parse(kind.value) if kind is not None else None,
                date=date.isoformat() if date is not None else None,
                max_rows=service.settings.upload_max_rows,
                change_lines=1000 if report is ReportFormat.json else 1_000_000,
            )
            try:
                result = _renamed(_imported(service, paths, options), folder, names)
            except OrgGraphError as error:  # refused whole (too large, …): named by the client's file names
                raise _refused(error, folder, names) from None
            if result.written:
                service.warm()  # today's index rebuilt here, not by the next reader
        if report is ReportFormat.json:
            return json_reply(result.to_dict())
        saved = FilePath(folder) / f"import-report.{report.value}"
        result.save(saved)
        return file_reply(saved.read_bytes(), f"导入报告-{result.date}.{report.value}")


@router.get("/imports/templates", response_model=TemplatesOut, responses=responses(), summary="List the roster templates")
def templates(caller: Viewer) -> Response:
    """The blank rosters to fill in, one per roster kind (名册模板), with their names in Chinese and English
    and where to download them. Templates hold no data: any role may have them."""
    return json_reply(
        {
            "templates": [
                {
                    "kind": kind.value,
                    "name_zh": kind.zh,
                    "name_en": kind.en,
                    "file": template_name(kind),
                    "href": f"/v1/imports/templates/{kind.value}",
                }
                for kind in RosterKind
            ]
        }
    )


@router.get(
    "/imports/templates/{kind}",
    responses={**responses(), 200: {"content": {MEDIA[".xlsx"]: {}}, "description": "the template workbook (.xlsx)"}},
    response_class=Response,
    summary="Download a roster template",
)
def template(
    caller: Viewer,
    kind: Annotated[
        str,
        FastPath(max_length=40, description="the roster kind (areas, orgs, units, households, members …) or its Chinese name"),
    ],
) -> Response:
    """A blank roster of one kind to fill in (名册模板, as `orggraph template KIND`): the header row the
    importer reads, a sheet of instructions in Chinese and English, drop-down lists for the columns that
    take a value from a list, codes, ID numbers and phones formatted as text. 422 names the kinds when
    `kind` is none of them. Templates hold no data: any role may have them."""
    chosen = roster_kind(kind)
    return file_reply(template_bytes(chosen), template_name(chosen))


def _imported(service: Service, paths: list[FilePath], options: ImportOptions) -> ImportReport:
    """The import, run in a child process when the upload is large and the store is one a child can
    open (the server's requests go on meanwhile), else here; what a child wrote is taken in at once."""
    size = sum(path.stat().st_size for path in paths)
    if not service.own_store or size < service.settings.upload_child_bytes:
        return import_rosters(service.store, paths, options)
    try:
        return import_in_child(service.settings, paths, options, timeout=service.settings.import_timeout)
    finally:
        service.store.refresh()


@router.post(
    "/imports/{import_id}/undo",
    response_model=UndoReportOut,
    responses=responses(404, 409),
    summary="Undo an import",
)
def undo(
    caller: Importer,
    import_id: Annotated[int, FastPath(ge=1, le=2**62, description="the import's entry in the history")],
    dry_run: Annotated[bool, Query(description="show what the undo would change; write nothing")] = False,
) -> Response:
    """Put back every node and link an import changed, exactly as before it (撤销导入); refused (409)
    when later imports changed the same nodes or links, naming them. A token scoped below the district
    may undo the imports made for an area within its scope."""
    service = caller.service
    with service.guard.importing:
        with service.reading():
            reader = service.reader()
            scope = caller.scope(reader)
            entry = next((e for e in history(service.store) if e["id"] == import_id), None)
            if entry is None or not (scope.everything or _within(reader, scope, entry)):
                raise NotFoundError(f"there is no import #{import_id}", message_zh=f"没有导入记录 #{import_id}")
        actor = {"token": caller.token.id, "role": caller.role.value}
        result = undo_import(service.store, import_id, dry_run=dry_run, describe_lines=1000, actor=actor)
        if not dry_run:
            service.warm()
    return json_reply(result.to_dict())


def _within(reader: DayView, scope: Scope, entry: dict[str, Any]) -> bool:
    """Whether an import was made for an area within the caller's scope."""
    area = (entry.get("options") or {}).get("scope")
    if entry.get("status") == "undo":
        return False
    node = f"area:{area}" if area else None
    return node is not None and reader.node(node) is not None and scope.contains(reader, node)
