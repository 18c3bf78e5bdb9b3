"""``orggraph import``, ``orggraph history`` and ``orggraph export --rosters`` from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from importers.progress import PhaseLines
from importers.readers import read_file
from importers.rosters import COLUMNS, RosterKind
from importers.sync import ImportOptions, import_rosters
from orggraph.cli.app import app
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from tests.importers.conftest import HOUSEHOLDS, write

runner = CliRunner()


def test_import_report_history_and_round_trip(tmp_path: Path, rosters: list[Path]) -> None:
    store = str(tmp_path / "cli.db")
    first = runner.invoke(app, ["import", *map(str, rosters), "--store", store, "--date", "2025-06-01"])
    assert first.exit_code == 0, first.output
    assert "住户 households" in first.output
    dry = runner.invoke(app, ["import", *map(str, rosters), "--store", store, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "试运行" in dry.output
    bad = write(tmp_path, "坏住户.csv", HOUSEHOLDS + "H9,NOGRID,130705001001X1,3号楼,1单元,103,1,,否\n")
    report = tmp_path / "report.xlsx"
    refused = runner.invoke(app, ["import", str(bad), "--store", store, "--report", str(report)])
    assert refused.exit_code == 1
    assert "NOGRID" in refused.output
    assert report.exists()
    history = runner.invoke(app, ["history", "--store", store])
    assert history.exit_code == 0, history.output
    assert "rejected" in history.output
    assert "written" in history.output
    out = tmp_path / "out"
    exported = runner.invoke(app, ["export", "--rosters", str(out), "--roster-format", "csv", "--store", store])
    assert exported.exit_code == 0, exported.output
    assert (out / "住户.csv").read_text(encoding="gb18030").count("\n") == 5
    again = runner.invoke(app, ["import", *map(str, sorted(out.iterdir())), "--store", store])
    assert again.exit_code == 0, again.output
    assert "无变化" in again.output


def test_import_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "config.invalid" in result.output


def test_export_needs_output_or_rosters(tmp_path: Path, rosters: list[Path]) -> None:
    store = str(tmp_path / "cli.db")
    runner.invoke(app, ["import", *map(str, rosters), "--store", store])
    result = runner.invoke(app, ["export", "--store", store])
    assert result.exit_code == 1
    assert "--rosters" in result.output


def test_a_folder_imports_its_rosters_and_says_what_it_left_out(tmp_path: Path, rosters: list[Path]) -> None:
    folder = rosters[0].parent
    (folder / "~$党员.xlsx").write_bytes(b"lock")
    (folder / "Thumbs.db").write_bytes(b"\x00")
    footer = folder / "住户.csv"
    footer.write_text(footer.read_text(encoding="utf-8") + "制表人：张三,审核人：李四\n", encoding="utf-8")
    store = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["import", str(folder), "--store", store, "--date", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert "住户 households" in result.output
    assert "~$党员.xlsx" in result.output
    assert "Thumbs.db" in result.output
    assert "制表人" in result.output  # the footer row, left out and said so


def test_undo_from_the_command_line_and_history_shows_it(tmp_path: Path, rosters: list[Path]) -> None:
    store = str(tmp_path / "cli.db")
    assert runner.invoke(app, ["import", *map(str, rosters), "--store", store, "--date", "2025-06-01"]).exit_code == 0
    changed = write(tmp_path, "住户.csv", HOUSEHOLDS.replace(",101,3,", ",101,4,"))
    assert runner.invoke(app, ["import", str(changed), "--store", store, "--partial"]).exit_code == 0
    dry = runner.invoke(app, ["undo", "--dry-run", "--store", store])
    assert dry.exit_code == 0, dry.output
    assert "residents 4 → 3" in dry.output
    assert "试运行" in dry.output
    undone = runner.invoke(app, ["undo", "--store", store])
    assert undone.exit_code == 0, undone.output
    assert "已撤销导入 #2" in undone.output
    history = runner.invoke(app, ["history", "--store", store])
    assert "undone by #3" in history.output
    assert "undo of #2" in history.output
    again = runner.invoke(app, ["undo", "2", "--store", store])
    assert again.exit_code == 1
    assert "undo.refused" in again.output


def test_a_long_import_into_a_pipe_prints_one_line_per_phase(tmp_path: Path, rosters: list[Path]) -> None:
    out = io.StringIO()
    lines = PhaseLines(out)  # every phase, however short (the command prints those of half a second or more)
    with EmbeddedStore(tmp_path / "p.db", PiiKey(b"p" * 32)) as store:
        import_rosters(store, rosters, ImportOptions(date="2025-06-01"), progress=lines)
    lines.finish()
    printed = out.getvalue().splitlines()
    phases = [line.split(":")[0] for line in printed]
    assert phases[:2] == ["读取 read 区域.csv", "校验 validate 区域.csv"]
    assert {"规划 plan", "核对终止 ends", "生成变更 batch", "写入 write", "保存 save"} <= set(phases)
    assert all(line.endswith(" s") and " in " in line for line in printed)
    assert any(line.startswith("校验 validate 住户.csv: 4 / 4 in") for line in printed)


def test_template_writes_a_blank_roster_for_a_kind_named_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    here = runner.invoke(app, ["template", "党员"])
    assert here.exit_code == 0, here.output
    assert "已写入 wrote 党员名册模板.xlsx" in here.output
    sheets = read_file(tmp_path / "党员名册模板.xlsx")
    assert [s.sheet for s in sheets] == ["党员", "填写说明"]
    assert sheets[0].rows[0][1] == [c.zh for c in COLUMNS[RosterKind.MEMBERS]]
    named = runner.invoke(app, ["template", "grid_staff", "-o", str(tmp_path / "staff.xlsx")])
    assert named.exit_code == 0, named.output
    assert read_file(tmp_path / "staff.xlsx")[0].sheet == "网格人员"
    folder = tmp_path / "given"
    folder.mkdir()
    into = runner.invoke(app, ["template", "contacts", "--output", str(folder)])  # a folder: the file named in it
    assert into.exit_code == 0, into.output
    assert (folder / "联系户名册模板.xlsx").is_file()


def test_template_all_writes_every_kind_into_a_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "--all", "-o", str(tmp_path / "templates")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == sorted(f"{k.zh}名册模板.xlsx" for k in RosterKind)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["template", "memebers"],
            ["value.invalid", "memebers", "members (党员)", "没有“memebers”这种名册", "业委会（owners_committees）"],
        ),
        (["template"], ["config.invalid", "--all", "请指定名册类别"]),
        (["template", "members", "--all"], ["config.invalid", "二者选一"]),
    ],
)
def test_template_refuses_an_unknown_kind_or_none_in_both_languages(
    args: list[str], said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    output = " ".join(result.output.split())  # one line, however the terminal wrapped it
    for text in said:
        assert text in output
    assert not list(tmp_path.iterdir())
