"""Logging under the one root logger ``orggraph``, with a filter that masks personal data.

Whatever a message says, an 18-character ID number or a phone number in it is masked before any
handler sees it, so a careless ``log.info(row)`` cannot leak one. Once :func:`configure_logging` ran,
this holds for every logger of the process (uvicorn's included) and for tracebacks too: a record is
masked when it is made, its exception formatted and masked then.

>>> PiiRedactingFilter().redact("ID 11010519491231002X tel 13800138000")
'ID 1101**********002X tel 138****8000'
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from orggraph.pii import mask_id_number, mask_phone

ROOT_LOGGER = "orggraph"
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
# phones as people type them too: "138-0013-8000", "138 0013 8000", "(0313)5512345", "0313 5512345"
_MOBILE = re.compile(r"(?<![\d-])1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d-])")
_LANDLINE = re.compile(r"(?<![\d-])[(（]?0\d{2,3}[)）]?[- ]?[2-9]\d{6,7}(?!\d)")
_NOT_DIGIT = re.compile(r"[^0-9]")


def _masked_landline(text: str) -> str:
    digits = _NOT_DIGIT.sub("", text)
    area = 3 if digits[1] in "12" else 4  # 010, 021 … 029: three digits; elsewhere four
    return mask_phone(f"{digits[:area]}-{digits[area:]}")


class PiiRedactingFilter(logging.Filter):
    """Masks ID numbers and phone numbers in every record passing through."""

    @staticmethod
    def redact(text: str) -> str:
        text = _ID.sub(lambda m: mask_id_number(m.group(0).upper()), text)
        text = _MOBILE.sub(lambda m: mask_phone(_NOT_DIGIT.sub("", m.group(0))), text)
        return _LANDLINE.sub(lambda m: _masked_landline(m.group(0)), text)

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> None:
    """Mask personal data in ``record`` in place: its message, its traceback (formatted now, so no
    handler formats the raw one) and its stack."""
    if getattr(record, "_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the message: logging reports that when it emits
        message = None
    if message is not None:
        redacted = PiiRedactingFilter.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = PiiRedactingFilter.redact(record.exc_text)
    if record.stack_info:
        record.stack_info = PiiRedactingFilter.redact(record.stack_info)
    record._redacted = True


def redacted_traceback(error: BaseException) -> str:
    """The formatted traceback of ``error`` with personal data masked (for a command's last words)."""
    return PiiRedactingFilter.redact("".join(traceback.format_exception(error)))


def _install_record_factory() -> None:
    """Every record of the process — uvicorn's, the driver's, a library's — is masked when it is made,
    whichever logger and handler it goes to."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_orggraph_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        redact_record(record)
        return record

    factory._orggraph_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure_logging(level: str = "WARNING") -> logging.Logger:
    """Set the level of the ``orggraph`` logger and make sure the redacting filter is on it."""
    _install_record_factory()
    logger = logging.getLogger(ROOT_LOGGER)
    logger.setLevel(level.upper())
    if not any(isinstance(f, PiiRedactingFilter) for f in logger.filters):
        logger.addFilter(PiiRedactingFilter())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(PiiRedactingFilter())
        logger.addHandler(handler)
    return logger
