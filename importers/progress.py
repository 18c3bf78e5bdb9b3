"""Progress of a long import (导入进度): one line per phase, or bars that keep moving.

An import reports ``(phase, done, total)`` as it goes: the phase is a label in Chinese and English
(``校验 validate 住户.csv``), ``total`` the rows or operations it has (0 when it cannot be counted),
and a phase ends when the next one starts or :meth:`finish` is called. On a terminal every phase is
a bar, drawn ten times a second whether or not a count moved (an uncounted phase pulses), so no phase
stands still; into a file or a pipe (a scheduled job, CI) each phase that took half a second or more
is one line with its count and elapsed time once it ends.

>>> import io
>>> out = io.StringIO()
>>> lines = PhaseLines(out, clock=iter([0.0, 1.5, 1.5, 2.0]).__next__)
>>> lines("校验 validate 住户.csv", 0, 3); lines("校验 validate 住户.csv", 3, 3); lines("写入 write", 0, 0)
>>> lines.finish()
>>> print(out.getvalue().strip())
校验 validate 住户.csv: 3 / 3 in 1.5 s
写入 write: in 0.5 s
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class PhaseLines:
    """Progress as plain lines: each phase, once it ends, with its count and elapsed time."""

    def __init__(self, out: IO[str], *, clock: Callable[[], float] = time.monotonic, quiet_below: float = 0.0) -> None:
        self.out = out
        self.clock = clock
        #: Phases shorter than this many seconds are not printed (a small import prints nothing).
        self.quiet_below = quiet_below
        self._phase: str | None = None
        self._started = 0.0
        self._done = 0
        self._total = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self._phase:
            self._close()
            self._phase, self._started = phase, self.clock()
        self._done, self._total = done, total

    def _close(self) -> None:
        if self._phase is None:
            return
        elapsed = self.clock() - self._started
        if elapsed >= self.quiet_below:
            count = f"{self._done:,} / {self._total:,} " if self._total else ""
            print(f"{self._phase}: {count}in {elapsed:.1f} s", file=self.out, flush=True)
        self._phase = None

    def finish(self) -> None:
        self._close()


class PhaseBars:
    """Progress as Rich bars on a terminal; a context manager (the bars go when it ends)."""

    def __init__(self, console: Console) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        self._progress = Progress(*columns, console=console, transient=True, refresh_per_second=10)
        self._tasks: dict[str, Any] = {}
        self._totals: dict[str, int] = {}
        self._current: str | None = None

    def __enter__(self) -> PhaseBars:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self._current:
            self._close()
        self._current = phase
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(phase, total=total or None)
        self._totals[phase] = total
        self._progress.update(self._tasks[phase], completed=done, total=total or None)

    def _close(self) -> None:
        """The phase that ends stands full, and stops its clock."""
        if self._current is None:
            return
        task, total = self._tasks[self._current], self._totals[self._current] or 1
        self._progress.update(task, total=total, completed=total)
        self._progress.stop_task(task)
        self._current = None

    def finish(self) -> None:
        self._close()


def phase_progress(console: Console) -> PhaseBars | PhaseLines:
    """Bars on a terminal, lines otherwise."""
    if console.is_terminal:
        return PhaseBars(console)
    return PhaseLines(console.file, quiet_below=0.5)
