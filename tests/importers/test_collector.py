"""The cycle collector is paused for an import or an undo and comes back as it was."""

from __future__ import annotations

import gc
import threading

from importers.collector import paused_cycle_collection


def test_nested_and_concurrent_pauses_resume_the_collector_when_the_last_ends() -> None:
    assert gc.isenabled()
    started, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused_cycle_collection():
            started.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(5)
    with paused_cycle_collection():
        with paused_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's import still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_in_the_block_still_resumes_the_collector() -> None:
    try:
        with paused_cycle_collection():
            raise ValueError("a bad roster")
    except ValueError:
        pass
    assert gc.isenabled()
