"""Memory helpers shared by the packages that build millions of small objects at once.

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many containers without cycles are built.

    Loading a snapshot, reading a 400,000-row roster or building tens of thousands of findings makes
    millions of small lists and dicts; a full collection in the middle walks them all for nothing
    (pauses of several hundred milliseconds at district scale). Restores the collector as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
