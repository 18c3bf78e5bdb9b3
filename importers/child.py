"""Imports in a child process (子进程导入): a large upload read, checked, planned and written away from the server.

Reading a roster, validating and planning it are minutes of Python for a district's households; done
in a thread of a serving process they hold the interpreter from its requests. :func:`import_in_child`
runs :func:`~importers.sync.import_rosters` in a fresh interpreter that opens the same store from the
settings (the embedded file, or the Bolt server) and writes it there, under the same rules as any two
processes writing one store; the caller then takes in what the child wrote. The report comes back
whole, and an error the import refuses with comes back as itself (its messages and context).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from importers.report import ImportReport
from importers.sync import ImportOptions, import_rosters
from orggraph.errors import OrgGraphError, StoreError
from orggraph.settings import Settings
from orggraph.store import open_store


def import_in_child(settings: Settings, paths: Sequence[Path], options: ImportOptions, *, timeout: float) -> ImportReport:
    """:func:`~importers.sync.import_rosters` of ``paths`` into the store ``settings`` name, run in a
    child process; the child is stopped after ``timeout`` seconds (:class:`StoreError`)."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    mine, theirs = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(theirs, settings, [str(p) for p in paths], options), name="orggraph-import")
    child.start()
    theirs.close()
    try:
        if not mine.poll(timeout):
            raise StoreError(
                f"the import took more than {timeout:.0f} s and was stopped; nothing was written",
                message_zh=f"导入超过 {timeout:.0f} 秒，已停止，未写入任何内容",
            )
        outcome, value = mine.recv()
    except EOFError:
        raise StoreError(
            "the import process ended without a report; nothing was written", message_zh="导入进程意外结束，未写入任何内容"
        ) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        mine.close()
    if outcome == "error":
        raise value
    report: ImportReport = value
    return report


def _run(conn: Connection, settings: Settings, paths: list[str], options: ImportOptions) -> None:
    """The child: open the store, import, send back ("report", report) or ("error", error)."""
    answer: tuple[str, Any]
    try:
        with open_store(settings) as store:
            answer = ("report", import_rosters(store, [Path(p) for p in paths], options))
    except OrgGraphError as error:
        answer = ("error", error)
    except Exception as error:
        answer = ("error", StoreError(f"the import failed: {type(error).__name__}: {error}", message_zh="导入失败"))
    conn.send(answer)
    conn.close()


__all__ = ["import_in_child"]
