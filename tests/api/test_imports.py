"""Roster upload: the report, dry runs, refusals that change nothing, limits answered 413, and
readers that never see half an import."""

from __future__ import annotations

import io
import json
import pickle
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from api.app import create_app
from api.guard import StoreGuard
from api.tokens import Role, TokenBook
from importers.child import import_in_child
from importers.sync import ImportOptions, import_rosters
from orggraph.errors import RosterHeaderError, StoreError
from orggraph.model import NodeKind
from orggraph.settings import Settings
from orggraph.store import EmbeddedStore, MemoryStore, open_store
from orggraph.store.digest import graph_digest
from tests.api.conftest import KEY, api_world

HEADER = "户编码,所属网格编码,小区,楼栋,单元,室,常住人数\n"


def households(first: int, n: int) -> bytes:
    rows = [f"N{i},G1,P1,5号楼,1单元,{i},2" for i in range(first, first + n)]
    return (HEADER + "\n".join(rows) + "\n").encode("gb18030")


def _client(app: FastAPI, tokens: TokenBook, role: Role = Role.IMPORTER, scope: str = "C1") -> TestClient:
    whole, _ = tokens.add(role, scope, expires=None, note=None)
    made = TestClient(app)
    made.headers["Authorization"] = f"Bearer {whole}"
    return made


@pytest.fixture
def served() -> Iterator[tuple[FastAPI, TokenBook, MemoryStore]]:
    store, tokens = api_world(MemoryStore(KEY)), TokenBook(None)
    app = create_app(Settings(store=":memory:", upload_max_bytes=20_000, upload_max_rows=300), store=store, tokens=tokens)
    with TestClient(app):
        yield app, tokens, store  # type: ignore[misc]


def upload(client: TestClient, body: bytes, name: str = "住户.csv", **form: str) -> tuple[int, dict[str, object]]:
    answer = client.post("/v1/imports", data={"partial": "true", **form}, files={"files": (name, io.BytesIO(body), "text/csv")})
    return answer.status_code, answer.json()


def test_a_dry_run_counts_and_writes_nothing_then_the_import_writes(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, store = served
    importer, before = _client(app, tokens), graph_digest(store.graph)
    status, report = upload(importer, households(1, 5), dry_run="true")
    assert status == 200
    assert report["dry_run"] is True
    assert report["counts"]["households"]["created"] == 5
    assert graph_digest(store.graph) == before
    status, report = upload(importer, households(1, 5))
    assert status == 200
    assert report["written"] is True
    assert report["files"][0]["file"] == "住户.csv"
    assert importer.get("/v1/liaison?household=N3").status_code == 200


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (HEADER.encode() + "N1,G1,P1,5号楼,1单元,1,两\n".encode(), "常住人数"),
        ("户编码,小区\nN1,P1\n".encode("gb18030"), "所属网格编码"),
        (b"\x00\x01\x02\xff\xfe garbage", "住户.csv"),
        (HEADER.encode("utf-16") + b"\x00", "住户.csv"),
    ],
    ids=["bad number", "missing column", "not text", "wrong encoding"],
)
def test_a_bad_roster_is_rejected_where_and_why_and_nothing_changes(
    served: tuple[FastAPI, TokenBook, MemoryStore], body: bytes, what: str
) -> None:
    app, tokens, store = served
    before = graph_digest(store.graph)
    status, report = upload(_client(app, tokens), body)
    assert status == 200
    assert report["written"] is False
    assert report["rejections"]
    rejection = report["rejections"][0]
    assert what in f"{rejection['file']} {rejection['column']} {rejection['reason_zh']}"
    assert rejection["reason"]
    assert rejection["reason_zh"]
    assert graph_digest(store.graph) == before


def test_the_report_as_a_spreadsheet(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, _ = served
    body = HEADER.encode() + "N1,G1,P1,5号楼,1单元,1,两\n".encode()
    answer = _client(app, tokens).post(
        "/v1/imports?report=xlsx", data={"partial": "true"}, files={"files": ("住户.csv", io.BytesIO(body), "text/csv")}
    )
    assert answer.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    rows = book.get_sheet_by_name("被拒绝的行").to_python()
    assert rows[1][0] == "住户.csv"
    assert "常住人数" in str(rows[1])


def test_an_upload_too_large_is_a_413_and_nothing_changes(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, store = served
    before = graph_digest(store.graph)
    status, problem = upload(_client(app, tokens), households(1, 2000))  # over 20,000 bytes
    assert status == 413
    assert problem["code"] == "upload.too-large"
    assert "20000" in str(problem["message_en"])
    assert graph_digest(store.graph) == before


def test_more_rows_than_allowed_is_a_413_and_nothing_changes(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, store = served
    before = graph_digest(store.graph)
    status, problem = upload(_client(app, tokens), households(1, 400))  # under the bytes, over 300 rows
    assert status == 413
    assert problem["code"] == "roster.too-large"
    assert graph_digest(store.graph) == before


def test_an_upload_with_no_file_is_a_422(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, _ = served
    answer = _client(app, tokens).post("/v1/imports", data={"partial": "true"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "request.invalid"


def test_readers_never_see_half_an_import(tmp_path: Path) -> None:
    """The guard: a reader holding the read lock sees every household of an import or none of them.
    (Without the lock the reader catches the graph half-way: thousands of nodes are added one by one.)"""
    store = EmbeddedStore(tmp_path / "s.db", KEY, create=True)
    api_world(store)
    guard = StoreGuard(store)
    roster = tmp_path / "住户.csv"
    roster.write_bytes(households(1, 4000))
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            with guard.reading():
                seen.add(sum(1 for attrs in list(store.graph._node.values()) if attrs["kind"] == NodeKind.HOUSEHOLD.value))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        report = import_rosters(guard.store, [roster], ImportOptions(partial=True))
    finally:
        done.set()
        reader.join()
    assert report.written
    assert seen <= {4, 4004}
    assert 4 in seen
    store.close()


def test_requests_during_an_upload_see_the_store_before_or_after_it(tmp_path: Path) -> None:
    store = api_world(EmbeddedStore(tmp_path / "s.db", KEY, create=True))
    tokens = TokenBook(None)
    app = create_app(Settings(store=str(tmp_path / "s.db")), store=store, tokens=tokens)
    counts: list[int] = []
    with TestClient(app):
        viewer, importer = _client(app, tokens, Role.VIEWER, "C1"), _client(app, tokens)
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                counts.append(viewer.get("/v1/stats").json()["areas"]["household"])

        reader = threading.Thread(target=read)
        reader.start()
        try:
            status, report = upload(importer, households(1, 3000))
        finally:
            done.set()
            reader.join()
    assert status == 200
    assert report["written"] is True
    assert set(counts) <= {3, 3003}
    assert counts
    store.close()


def test_a_request_over_its_time_is_a_503_problem_and_the_server_goes_on() -> None:
    store, tokens = api_world(MemoryStore(KEY)), TokenBook(None)
    app = create_app(Settings(store=":memory:", request_timeout=0.0001), store=store, tokens=tokens)
    with TestClient(app):
        planner = _client(app, tokens, Role.PLANNER, "D")
        answer = planner.get("/v1/proposals/contacts")
        assert answer.status_code == 503
        assert answer.json()["code"] == "request.timeout"
        assert planner.get("/v1/proposals/contacts").status_code == 503  # answered again, not wedged


def test_a_planners_proposal_roster_imports_and_closes_the_gaps_it_proposed(
    served: tuple[FastAPI, TokenBook, MemoryStore],
) -> None:
    app, tokens, _ = served
    planner, importer = _client(app, tokens, Role.PLANNER, "C1"), _client(app, tokens, Role.IMPORTER, "C1")
    uncontacted = {"rule": "household-uncontacted", "per_page": 100}
    before = {f["code"] for f in planner.get("/v1/coverage/findings", params=uncontacted).json()["items"]}
    assert before == {"H1", "H4"}
    roster = planner.get("/v1/proposals/contacts/roster", params={"format": "xlsx"})
    assert roster.status_code == 200
    status, report = upload(importer, roster.content, name="联系户.xlsx", partial="false")
    assert status == 200, report
    assert report["written"] is True
    after = {f["code"] for f in planner.get("/v1/coverage/findings", params=uncontacted).json()["items"]}
    assert after == set()


def test_an_upload_is_undone_through_the_api(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, store = served
    importer, before = _client(app, tokens), graph_digest(store.graph)
    status, report = upload(importer, households(1, 5))
    assert status == 200
    assert report["written"] is True
    entry = store.audit_log("import", limit=1)[0]["id"]
    dry = importer.post(f"/v1/imports/{entry}/undo", params={"dry_run": "true"})
    assert dry.status_code == 200
    assert dry.json()["dry_run"] is True
    assert graph_digest(store.graph) != before
    answer = importer.post(f"/v1/imports/{entry}/undo")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["undone"] == entry
    assert body["changes"]["nodes"]["household"]["ended"] == 5
    assert graph_digest(store.graph) == before
    undo_entry = store.audit_log("import", limit=1)[0]
    assert undo_entry["status"] == "undo"
    assert undo_entry["by"]["role"] == "importer"
    again = importer.post(f"/v1/imports/{entry}/undo")
    assert again.status_code == 409
    assert again.json()["code"] == "undo.refused"


def test_an_undo_outside_the_scope_or_role_is_refused(served: tuple[FastAPI, TokenBook, MemoryStore]) -> None:
    app, tokens, store = served
    status, _ = upload(_client(app, tokens), households(1, 3))
    assert status == 200
    entry = store.audit_log("import", limit=1)[0]["id"]
    before = graph_digest(store.graph)
    other = _client(app, tokens, scope="C2")
    outside = other.post(f"/v1/imports/{entry}/undo")
    missing = other.post("/v1/imports/999/undo")
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["message_en"].replace(str(entry), "N") == missing.json()["message_en"].replace("999", "N")
    assert _client(app, tokens, role=Role.PLANNER).post(f"/v1/imports/{entry}/undo").status_code == 403
    assert graph_digest(store.graph) == before


# -- issue 15, B.7.4: the server's temporary paths never reach an answer -----------------------------

#: (client file name, body): each refused with a message that names the file.
_REFUSED = [
    ("空的.csv", b""),
    ("不是名册.csv", "随便写点什么\n一行\n".encode()),
    ("坏的.xlsx", b"PK\x03\x04 not a workbook at all"),
    ("缺列.csv", "户编码,所属网格编码\nH1,G1\n".encode()),
    ("../../etc/目录里的.csv", b""),
    ("C:\\Users\\张三\\桌面\\名册.csv", b""),
]


def _no_server_path(text: str) -> None:
    assert tempfile.gettempdir() + "/" not in text, text
    assert "orggraph-upload-" not in text, text


@pytest.mark.parametrize(("name", "body"), _REFUSED)
def test_an_upload_is_named_by_its_client_file_name_only(
    served: tuple[FastAPI, TokenBook, MemoryStore], name: str, body: bytes
) -> None:
    app, tokens, _ = served
    importer = _client(app, tokens)
    status, report = upload(importer, body, name=name)
    assert status == 200
    text = json.dumps(report, ensure_ascii=False)
    _no_server_path(text)
    assert report["rejections"], report
    base = name.replace("\\", "/").rsplit("/", 1)[-1]  # the client's file name, without its folders
    assert [f["file"] for f in report["files"]] == [base]
    for rejection in report["rejections"]:
        assert rejection["file"] == base
        assert rejection["reason"].startswith(f"{base}:"), rejection
        assert rejection["reason_zh"].startswith(base), rejection
    for fmt in ("csv", "xlsx"):
        answer = importer.post(
            f"/v1/imports?report={fmt}", data={"partial": "true"}, files={"files": (name, io.BytesIO(body), "text/csv")}
        )
        assert answer.status_code == 200
        if fmt == "csv":
            _no_server_path(answer.content.decode("utf-8-sig"))
        else:
            book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
            cells = [str(c) for sheet in book.sheet_names for row in book.get_sheet_by_name(sheet).to_python() for c in row]
            _no_server_path(" ".join(cells))


def test_an_upload_refused_whole_names_the_client_file_not_the_servers(
    served: tuple[FastAPI, TokenBook, MemoryStore],
) -> None:
    app, tokens, _ = served
    status, problem = upload(_client(app, tokens), households(1, 400), name="太多行.csv")  # over upload_max_rows
    assert status == 413, problem
    _no_server_path(json.dumps(problem, ensure_ascii=False))
    assert "太多行.csv" in str(problem["message_en"])
    assert "太多行.csv" in str(problem["message_zh"])


def _served_from_file(tmp_path: Path, child_bytes: int) -> tuple[FastAPI, TokenBook, Settings]:
    settings = Settings(store=str(tmp_path / "s.db"), upload_child_bytes=child_bytes)
    with open_store(settings, create=True) as store:
        api_world(store)
    tokens = TokenBook(None)
    return create_app(settings, tokens=tokens), tokens, settings


def test_a_large_upload_is_imported_in_a_child_process_like_a_small_one_here(tmp_path: Path) -> None:
    reports, digests = [], []
    for folder, child_bytes in (("child", 0), ("here", 1 << 30)):
        (tmp_path / folder).mkdir()
        app, tokens, settings = _served_from_file(tmp_path / folder, child_bytes)
        with TestClient(app):
            importer, viewer = _client(app, tokens), _client(app, tokens, Role.VIEWER)
            status, report = upload(importer, households(1, 40))
            assert status == 200
            assert viewer.get("/v1/stats").json()["areas"]["household"] == 43  # served at once, not on the next refresh
            status, refused = upload(importer, HEADER.encode() + "N1,G1,P1,5号楼,1单元,1,两\n".encode())
            assert status == 200
            assert refused["written"] is False
            assert refused["rejections"][0]["file"] == "住户.csv"  # the client's name, from the child too
        for key in ("import_id", "started", "elapsed_s", "finished"):
            report.pop(key, None)
        reports.append(report)
        with open_store(settings) as store:
            digests.append(store.view().nodes(f"household:N{i}" for i in range(1, 41)))
    assert reports[0] == reports[1]
    assert digests[0].keys() == digests[1].keys()
    assert len(digests[0]) == 40


def test_an_error_comes_back_from_a_child_process_whole(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "missing.db"))
    with pytest.raises(StoreError) as raised:
        import_in_child(settings, [tmp_path / "住户.csv"], ImportOptions(), timeout=60)
    assert raised.value.message_zh
    error = pickle.loads(pickle.dumps(RosterHeaderError("no 户编码 column", message_zh="缺少户编码列", file="住户.csv")))
    assert (type(error), error.message, error.message_zh, error.context) == (
        RosterHeaderError,
        "no 户编码 column",
        "缺少户编码列",
        {"file": "住户.csv"},
    )
