"""Roster paths: folders expanded to the roster files in them, lock and system files skipped with a note."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from importers.paths import roster_paths
from orggraph.errors import ConfigurationError


def touch(folder: Path, *names: str) -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"x")
    return paths


def test_a_folder_gives_its_roster_files_sorted_by_name(tmp_path: Path) -> None:
    touch(tmp_path, "住户.csv", "areas.xlsx", "members.XLSX", "orgs.xls", "units.xlsm", "grid.txt")
    (tmp_path / "sub").mkdir()
    touch(tmp_path / "sub", "inner.csv")
    paths, notes = roster_paths([tmp_path])
    assert paths == [tmp_path / name for name in ["areas.xlsx", "grid.txt", "members.XLSX", "orgs.xls", "units.xlsm", "住户.csv"]]
    assert notes == [
        (
            str(tmp_path / "sub"),
            "a folder inside a folder is not read (folders are not searched recursively); skipped",
            "文件夹中的子文件夹不会被读取（不逐层查找）；已跳过",
        )
    ]


def test_lock_system_hidden_and_other_files_in_a_folder_are_skipped_with_a_note(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "~$members.xlsx",
        ".~lock.areas.xlsx#",
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
        ".hidden.csv",
        "说明.pdf",
        "members.xlsx",
    )
    paths, notes = roster_paths([tmp_path])
    assert paths == [tmp_path / "members.xlsx"]
    reasons = {Path(path).name: (en, zh) for path, en, zh in notes}
    assert list(reasons) == sorted(reasons)  # in the folder's order, by name
    assert set(reasons) == {
        "~$members.xlsx",
        ".~lock.areas.xlsx#",
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
        ".hidden.csv",
        "说明.pdf",
    }
    assert "lock file" in reasons["~$members.xlsx"][0]
    assert "Excel" in reasons["~$members.xlsx"][0]
    assert "锁定文件" in reasons["~$members.xlsx"][1]
    assert "LibreOffice lock file" in reasons[".~lock.areas.xlsx#"][0]
    assert "锁定文件" in reasons[".~lock.areas.xlsx#"][1]
    assert "thumbnail" in reasons["Thumbs.db"][0]
    assert "缩略图" in reasons["Thumbs.db"][1]
    assert "folder settings" in reasons["desktop.ini"][0]
    assert "macOS" in reasons[".DS_Store"][0]
    assert "hidden file" in reasons[".hidden.csv"][0]
    assert "隐藏文件" in reasons[".hidden.csv"][1]
    assert ".pdf" in reasons["说明.pdf"][0]
    assert ".xlsx" in reasons["说明.pdf"][0]
    assert "不是名册文件" in reasons["说明.pdf"][1]
    assert all(en.endswith("skipped") and zh.endswith("已跳过") for en, zh in reasons.values())


@pytest.mark.parametrize("name", ["~$members.xlsx", ".~lock.members.xlsx#", "Thumbs.db", "DESKTOP.INI"])
def test_a_lock_or_system_file_named_explicitly_is_skipped_with_a_note(tmp_path: Path, name: str) -> None:
    lock, members = touch(tmp_path, name, "members.xlsx")
    paths, notes = roster_paths([lock, members])
    assert paths == [members]
    assert [path for path, _, _ in notes] == [str(lock)]


def test_files_stay_as_given_in_order_and_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    b, a = touch(tmp_path, "b.csv", "a.dat")
    [inside] = touch(tmp_path / "folder", "c.csv")
    hidden = touch(tmp_path, ".hidden.csv")[0]
    paths, notes = roster_paths([b, a, tmp_path / "folder", hidden, inside])
    assert paths == [b, a, inside, hidden]  # a file's suffix or a leading dot does not matter when it is named
    assert notes == [(str(inside), "named more than once; read once", "重复指定；只读取一次")]


def test_a_missing_path_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        roster_paths([tmp_path / "nowhere.xlsx"])
    error = caught.value
    assert error.code == "config.invalid"
    assert error.message == f"{tmp_path / 'nowhere.xlsx'} does not exist"
    assert "不存在" in error.message_zh
    assert error.context == {"path": str(tmp_path / "nowhere.xlsx")}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_path_that_is_neither_file_nor_folder_is_a_configuration_error(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(ConfigurationError) as caught:
        roster_paths([pipe])
    assert "is neither a file nor a folder" in caught.value.message
    assert "既不是文件也不是文件夹" in caught.value.message_zh


@pytest.mark.parametrize("junk", [[], ["Thumbs.db", "~$a.xlsx", "readme.md"]])
def test_a_folder_with_no_roster_file_is_a_configuration_error(tmp_path: Path, junk: list[str]) -> None:
    touch(tmp_path, *junk)
    with pytest.raises(ConfigurationError) as caught:
        roster_paths([tmp_path])
    error = caught.value
    assert error.message.startswith(f"folder {tmp_path} has no roster file")
    assert ".xlsx" in error.message
    assert "没有名册文件" in error.message_zh
    assert error.context == {"path": str(tmp_path)}


def test_nothing_left_to_read_is_a_configuration_error(tmp_path: Path) -> None:
    [lock] = touch(tmp_path, "~$members.xlsx")
    with pytest.raises(ConfigurationError) as caught:
        roster_paths([lock])
    assert "no roster file to read" in caught.value.message
    assert "lock file" in caught.value.message
    assert "没有可读取的名册文件" in caught.value.message_zh


def test_no_paths_give_nothing() -> None:
    assert roster_paths([]) == ([], [])
