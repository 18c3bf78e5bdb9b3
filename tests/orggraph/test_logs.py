"""Logs hold no personal data: every logger of the process, tracebacks included, and a command's last words."""

from __future__ import annotations

import io
import logging

import pytest

from orggraph.logs import configure_logging, redacted_traceback
from tests.orggraph.conftest import ID_A

PHONE = "13800138000"


def test_a_library_loggers_record_and_its_traceback_are_masked() -> None:
    """uvicorn's error logger printed pydantic's ``input_value`` whole: the filter on ``orggraph`` never saw it."""
    configure_logging("INFO")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    other = logging.getLogger("uvicorn.error.test")
    other.addHandler(handler)
    other.setLevel(logging.INFO)
    try:
        try:
            raise ValueError(f"input_value='{ID_A}幸福里' phone {PHONE}")
        except ValueError:
            other.exception("Exception in ASGI application for %s", ID_A)
    finally:
        other.removeHandler(handler)
    text = stream.getvalue()
    assert "Traceback" in text
    assert ID_A not in text
    assert PHONE not in text
    assert "1101**********002X" in text


def test_a_commands_unexpected_error_ends_with_a_masked_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from orggraph.cli import app as cli

    def boom() -> None:
        raise RuntimeError(f"cannot handle {ID_A} / {PHONE}")

    original = cli.app
    cli.app = boom  # type: ignore[assignment]
    try:
        with pytest.raises(SystemExit) as ended:
            cli.main()
    finally:
        cli.app = original
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert "RuntimeError" in err
    assert ID_A not in err
    assert PHONE not in err
    assert "意外错误" in err


def test_redacted_traceback_masks_chained_causes() -> None:
    try:
        try:
            raise KeyError(ID_A)
        except KeyError as cause:
            raise ValueError("wrapped") from cause
    except ValueError as error:
        text = redacted_traceback(error)
    assert "KeyError" in text
    assert ID_A not in text
