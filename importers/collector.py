"""Python's cycle collector paused while an import or an undo runs (and back as it was after).

An import builds millions of small objects that live until it ends; the collector would walk all of
them again and again (a third of the validate step's time at district scale). Reference counting
still frees what is dropped; the few cycles left are collected once the collector is back.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["paused_cycle_collection"]

_paused = 0
_was_enabled = True
_lock = threading.Lock()


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector for the block; nested or concurrent blocks resume it when the last ends."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
