"""The roster files an import reads (名册文件): folders expanded, lock and system files left out with a note.

A roster keeper points the import at a folder as often as at files. A folder holds more than rosters:
the lock file Excel or WPS leaves beside an open workbook (``~$名册.xlsx``), LibreOffice's
(``.~lock.名册.xlsx#``), Windows' ``Thumbs.db`` and ``desktop.ini``, macOS's ``.DS_Store``, and
whatever else was saved there. :func:`roster_paths` keeps the rosters and says what it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orggraph.errors import ConfigurationError

__all__ = ["ROSTER_SUFFIXES", "roster_paths"]

#: The suffixes of the files a folder's rosters are taken from (compared case-insensitively).
ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
_SUFFIXES_SHOWN = ", ".join(ROSTER_SUFFIXES)
_SYSTEM_FILES = {
    "thumbs.db": ("a Windows thumbnail cache", "Windows 缩略图缓存"),
    "ehthumbs.db": ("a Windows thumbnail cache", "Windows 缩略图缓存"),
    "desktop.ini": ("Windows folder settings", "Windows 文件夹设置"),
    ".ds_store": ("macOS folder settings", "macOS 文件夹设置"),
}

Note = tuple[str, str, str]


def roster_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Note]]:
    """The roster files named by ``paths``, and a note for each file left out (要导入的名册文件).

    Parameters
    ----------
    paths : sequence of Path
        Files and folders, in the order given. A folder stands for the files directly in it (not
        those of its subfolders) whose suffix is one of :data:`ROSTER_SUFFIXES`, sorted by name; a
        file stands for itself whatever its suffix (the reader tells a roster by its content).

    Returns
    -------
    (list of Path, list of (str, str, str))
        The files to read, each once, in order; and ``(path, reason in English, reason in Chinese)``
        for each file left out: lock files of Excel, WPS and LibreOffice and system files
        (``Thumbs.db``, ``desktop.ini``, ``.DS_Store``) wherever they are named, and in a folder
        also hidden files, subfolders and files with another suffix.

    Raises
    ------
    ConfigurationError
        A path does not exist or is neither a file nor a folder, a folder cannot be listed or holds
        no roster file, or nothing is left to read.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("members.xlsx", "~$members.xlsx", "areas.csv", "Thumbs.db"):
    ...     _ = (folder / name).write_bytes(b"x")
    >>> files, notes = roster_paths([folder])
    >>> [file.name for file in files]
    ['areas.csv', 'members.xlsx']
    >>> [(Path(path).name, english) for path, english, _ in notes]  # doctest: +NORMALIZE_WHITESPACE
    [('Thumbs.db', 'a system file (a Windows thumbnail cache), not a roster; skipped'),
     ('~$members.xlsx', 'an Excel/WPS lock file (the workbook is open somewhere), not a roster; skipped')]
    """
    files: list[Path] = []
    notes: list[Note] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = _folder(path, notes)
        elif path.is_file():
            note = _not_a_roster(path)
            if note is not None:
                notes.append(note)
                continue
            found = [path]
        elif not path.exists():
            raise ConfigurationError(f"{path} does not exist", message_zh=f"{path} 不存在", path=str(path))
        else:
            raise ConfigurationError(
                f"{path} is neither a file nor a folder", message_zh=f"{path} 既不是文件也不是文件夹", path=str(path)
            )
        for file in found:
            key = file.resolve()
            if key in seen:
                notes.append((str(file), "named more than once; read once", "重复指定；只读取一次"))
                continue
            seen.add(key)
            files.append(file)
    if paths and not files:
        left = "; ".join(f"{path}: {english}" for path, english, _ in notes[:3])
        left_zh = "；".join(f"{path}：{chinese}" for path, _, chinese in notes[:3])
        raise ConfigurationError(
            f"no roster file to read ({left})", message_zh=f"没有可读取的名册文件（{left_zh}）", path=str(paths[0])
        )
    return files, notes


def _folder(folder: Path, notes: list[Note]) -> list[Path]:
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    except OSError as exc:
        raise ConfigurationError(
            f"folder {folder} cannot be read ({exc.strerror or exc})",
            message_zh=f"无法读取文件夹 {folder}（{exc.strerror or exc}）",
            path=str(folder),
        ) from exc
    found: list[Path] = []
    for entry in entries:
        note = _not_a_roster(entry) or _not_in_a_folder(entry)
        if note is not None:
            notes.append(note)
        else:
            found.append(entry)
    if not found:
        raise ConfigurationError(
            f"folder {folder} has no roster file ({_SUFFIXES_SHOWN})",
            message_zh=f"文件夹 {folder} 中没有名册文件（{_SUFFIXES_SHOWN}）",
            path=str(folder),
        )
    return found


def _not_a_roster(path: Path) -> Note | None:
    """The note for a lock or system file, which is never a roster wherever it is named."""
    name = path.name
    if name.startswith("~$"):
        return _note(path, "an Excel/WPS lock file (the workbook is open somewhere)", "Excel/WPS 的锁定文件（工作簿正被打开）")
    if name.startswith(".~lock."):
        return _note(path, "a LibreOffice lock file (the file is open somewhere)", "LibreOffice 的锁定文件（文件正被打开）")
    system = _SYSTEM_FILES.get(name.lower())
    if system is not None:
        return _note(path, f"a system file ({system[0]})", f"系统文件（{system[1]}）")
    return None


def _not_in_a_folder(entry: Path) -> Note | None:
    """The note for a folder's entry that is not one of its rosters."""
    if entry.name.startswith("."):
        if entry.is_dir():
            return (str(entry), "a hidden folder; skipped", "隐藏文件夹；已跳过")
        return (str(entry), "a hidden file; skipped", "隐藏文件；已跳过")
    if entry.is_dir():
        return (
            str(entry),
            "a folder inside a folder is not read (folders are not searched recursively); skipped",
            "文件夹中的子文件夹不会被读取（不逐层查找）；已跳过",
        )
    if not entry.is_file():
        return (str(entry), "not a regular file; skipped", "不是普通文件；已跳过")
    if entry.suffix.lower() not in ROSTER_SUFFIXES:
        shown = entry.suffix or "no suffix"
        shown_zh = entry.suffix or "无扩展名"
        return (
            str(entry),
            f"not a roster file ({shown}); rosters are {_SUFFIXES_SHOWN}; skipped",
            f"不是名册文件（{shown_zh}）；名册应为 {_SUFFIXES_SHOWN}；已跳过",
        )
    return None


def _note(path: Path, what: str, what_zh: str) -> Note:
    return (str(path), f"{what}, not a roster; skipped", f"{what_zh}，不是名册；已跳过")
