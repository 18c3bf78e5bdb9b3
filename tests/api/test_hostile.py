"""A hostile-input corpus through ``orggraph import`` and ``POST /v1/imports`` on a real server.

Every file gets a precise rejection (the CLI) or a 4xx / a report with rejections (the API), never a
crash: the server stays up (``/healthz`` after each upload), the graph's digest is what it was, and no
line either of them printed — the server's log at DEBUG included — holds an ID number or a mobile
whole. The corpus is made here, one file per kind of bad input (issue 15 and those tested before).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import xlsxwriter

from api.tokens import Role, TokenBook
from orggraph.pii import id_check_char
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest
from tests.api.conftest import KEY, api_world
from tests.api.test_cli import _free_port

ENV = {"ORGGRAPH_KEY": (b"k" * 32).hex(), "ORGGRAPH_LOG_LEVEL": "DEBUG", "ORGGRAPH_IMPORT_MAX_BYTES": str(8 << 20)}
SECRET_ID = "110105199003070" + "01"
SECRET_ID += id_check_char(SECRET_ID)
SECRET_PHONE = "13912345678"
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

AREAS = "区域编码,区域名称,层级,上级区域编码,网格级别\n"
HOUSEHOLDS = "户编码,所属网格编码,小区,楼栋,单元,室,常住人数\n"
MEMBERS = "姓名,公民身份号码,所在党组织编码,联系电话\n"
ORGS = "组织编码,组织名称,组织类别,上级组织编码\n"


def _xlsx(path: Path, rows: list[list[object]], *, far: tuple[int, int] | None = None, error: str | None = None) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("住户")
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    if far is not None:
        sheet.write_string(*far, "x")
    if error is not None:
        sheet.write_formula(1, 6, "=1/0", None, error)
    book.close()


def _bomb(path: Path) -> None:
    """A sheet of 12 MB of repeated XML, a few kilobytes zipped (over the server's 8 MB limit)."""
    _xlsx(path, [["户编码"]])
    original = path.read_bytes()
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{"x" * 400}</t></is></c></row>' for n in range(1, 30_000))
    sheet = (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    source = path.with_suffix(".orig")
    source.write_bytes(original)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else old.read(info))
    source.unlink()


def corpus(folder: Path) -> dict[str, Path]:
    """Each kind of bad roster, by what it is."""
    folder.mkdir()
    made: dict[str, Path] = {}

    def text(name: str, file: str, body: str, encoding: str = "utf-8") -> None:
        made[name] = folder / file
        made[name].write_bytes(body.encode(encoding))

    def raw(name: str, file: str, body: bytes) -> None:
        made[name] = folder / file
        made[name].write_bytes(body)

    _xlsx(folder / "far.xlsx", [["户编码", "所属网格编码"], ["H1", "G1"]], far=(1_048_575, 16_383))
    made["a cell at XFD1048576"] = folder / "far.xlsx"
    _bomb(folder / "bomb.xlsx")
    made["a zip bomb"] = folder / "bomb.xlsx"
    _xlsx(folder / "error.xlsx", [HOUSEHOLDS.strip().split(","), ["H7", "G1", "P1", "1号楼", "1单元", "101"]], error="#DIV/0!")
    made["an error cell"] = folder / "error.xlsx"
    text("a control character", "ctrl.csv", AREAS + "C7,幸福\x01社区,社区,S1,\n")
    text("a bidi override in a code", "bidi.csv", AREAS + "C\u202e7,幸福社区,社区,S1,\n")
    text("a name of 400 characters beginning with an ID number", "long.csv", AREAS + f"C7,{SECRET_ID}{'幸' * 400},社区,S1,\n")
    text("a 40-digit count", "count.csv", HOUSEHOLDS + f"H7,G1,P1,1号楼,1单元,101,{'9' * 40}\n")
    text(
        "a bad ID number", "id.csv", MEMBERS + f"王五,{SECRET_ID[:-1]}{'0' if SECRET_ID[-1] != '0' else '1'},OC1,{SECRET_PHONE}\n"
    )
    text("a bad phone", "phone.csv", MEMBERS + f"王五,{SECRET_ID},OC1,{SECRET_PHONE}0\n")
    text("a dangling code", "dangling.csv", HOUSEHOLDS + "H7,G404,P1,1号楼,1单元,101,2\n")
    text("a missing column", "missing.csv", "户编码,小区,楼栋,单元,室\nH7,P1,1号楼,1单元,101\n")
    text("an org that is its own parent", "self.csv", ORGS + "OX,某党支部,党支部,OX\n")
    text("a cycle of two orgs", "cycle.csv", ORGS + "OX,甲党支部,党支部,OY\nOY,乙党支部,党支部,OX\n")
    raw("bytes of no encoding", "bytes.csv", HOUSEHOLDS.encode() + b"H7,G1,P1,\x81\xff\xfe\x80,1\xc3,101,2\n" * 40)
    raw("an empty file", "empty.csv", b"")
    raw("a PDF named .csv", "pdf.csv", b"%PDF-1.7\n" + os.urandom(200))
    raw("a broken zip named .xlsx", "broken.xlsx", b"PK\x03\x04" + os.urandom(300))
    text("an unknown column", "unknown.csv", HOUSEHOLDS.strip() + ",口令\nH7,G1,P1,1号楼,1单元,101,2,x\n")
    return made


#: What the rejection of each says (its English reason; the Chinese is beside it).
SAYS = {
    "a cell at XFD1048576": "reaches column 16,384",
    "a zip bomb": "unpacks to",
    "an error cell": "spreadsheet error #DIV/0!",
    "a control character": "control character (U+0001)",
    "a bidi override in a code": "bidirectional",
    "a name of 400 characters beginning with an ID number": "418 characters long",
    "a 40-digit count": "out of range",
    "a bad ID number": "fails its",
    "a bad phone": "neither a mobile",
    "a dangling code": "G404",
    "a missing column": "needs the column",
    "an org that is its own parent": "its own parent",
    "a cycle of two orgs": "would close a",
    "bytes of no encoding": "cannot tell the text encoding",
    "an empty file": "the file is empty",
    "a PDF named .csv": "a PDF document",
    "a broken zip named .xlsx": "not a readable workbook",
    "an unknown column": "unknown column",
}


def _clean(output: str) -> None:
    for pattern in (_ID, _MOBILE):
        assert not pattern.search(output), pattern.search(output)
    assert SECRET_ID not in output
    assert SECRET_PHONE not in output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "api.db"
    api_world(EmbeddedStore(path, KEY, create=True)).close()
    return path


def _digest(path: Path) -> str:
    store = EmbeddedStore(path, KEY)
    try:
        return graph_digest(store.graph)
    finally:
        store.close()


def _orggraph() -> str:
    return str(Path(sys.executable).with_name("orggraph"))


def test_the_cli_rejects_each_precisely_and_changes_nothing(store: Path, tmp_path: Path) -> None:
    before = _digest(store)
    for i, (what, path) in enumerate(corpus(tmp_path / "corpus").items()):
        report = tmp_path / f"report-{i}.csv"
        done = subprocess.run(
            [
                _orggraph(),
                "import",
                str(path),
                "--partial",
                "--date",
                "2025-07-01",
                "--store",
                str(store),
                "--report",
                str(report),
            ],
            env={**os.environ, **ENV, "COLUMNS": "1000"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 1, (what, output)
        assert "Traceback" not in output, (what, output)
        saved = report.read_text(encoding="utf-8-sig")
        assert SAYS[what] in saved, (what, saved)
        _clean(output + saved)
    assert _digest(store) == before


@pytest.fixture
def server(store: Path) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    book = TokenBook(Path(f"{store}.tokens"))
    token, _ = book.add(Role.IMPORTER, "D", expires=None, note="hostile corpus")
    port = _free_port()
    process = subprocess.Popen(
        [_orggraph(), "serve", "--store", str(store), "--port", str(port)],
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    yield base, token, process
    if process.poll() is None:
        process.terminate()
    process.communicate(timeout=30)


def test_the_upload_route_answers_each_and_the_server_stays_up(
    server: tuple[str, str, subprocess.Popen[bytes]], store: Path, tmp_path: Path
) -> None:
    base, token, process = server
    before = _digest(store)
    headers = {"Authorization": f"Bearer {token}"}
    answers = []
    for what, path in corpus(tmp_path / "corpus").items():
        with path.open("rb") as handle:
            answer = httpx.post(
                f"{base}/v1/imports",
                headers=headers,
                data={"partial": "true", "date": "2025-07-01"},
                files={"files": (path.name, handle)},
                timeout=120,
            )
        assert answer.status_code < 500, (what, answer.text)
        body = answer.json()
        if answer.status_code == 200:
            assert body["rejections"], (what, body)
            assert not body["written"], (what, body)
        assert SAYS[what] in answer.text, (what, answer.text)
        assert httpx.get(f"{base}/healthz").status_code == 200, what
        _clean(answer.text)
        assert "/tmp/" not in answer.text, (what, answer.text)  # the server's paths are its own
        answers.append((what, answer.status_code))
    process.terminate()
    log = process.communicate(timeout=30)[0].decode()
    _clean(log)
    assert "Traceback" not in log
    assert _digest(store) == before
    assert {what for what, _ in answers} == set(SAYS)
