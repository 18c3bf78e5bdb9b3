"""Personal data: check digits, masking, keyed identity, sealing, the key file and the log filter."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orggraph.errors import InvalidIdNumberError, InvalidPhoneError, KeyFileError
from orggraph.model import Person
from orggraph.pii import (
    PiiKey,
    id_check_char,
    load_or_create_key,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)
from tests.orggraph.conftest import ID_A, ID_B


def test_valid_numbers_normalise() -> None:
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == ID_A
    assert normalize_id_number(ID_B) == ID_B


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "18 characters"),
        ("110105194913310028", "date of birth"),
        ("01010519491231002X", "18 characters"),
        ("1.10105E+17", "18 characters"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason_and_never_whole(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumberError, match=reason) as info:
        normalize_id_number(value)
    assert value not in info.value.message
    assert value not in info.value.message_zh


@given(st.from_regex(r"[1-9][0-9]{5}(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}", fullmatch=True))
def test_every_number_with_its_check_char_is_valid(first17: str) -> None:
    number = first17 + id_check_char(first17)
    assert normalize_id_number(number) == number
    wrong = first17 + ("0" if number[-1] != "0" else "1")
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number(wrong)


def test_masks() -> None:
    assert mask_id_number(ID_A) == "1101**********002X"
    assert normalize_phone("+86 138-0013-8000".replace("-", "")) == "13800138000"
    assert normalize_phone("（0313）5512345") == "0313-5512345"
    assert mask_phone(normalize_phone("0313-5512345-8001")) == "0313-***2345-8001"
    assert mask_phone(normalize_phone("+86 138 0013 8000")) == "138****8000"
    with pytest.raises(InvalidPhoneError):
        normalize_phone("12345")


def test_identity_is_keyed_and_stable() -> None:
    k1, k2 = PiiKey(b"a" * 32), PiiKey(b"b" * 32)
    assert k1.identity(ID_A) == PiiKey(b"a" * 32).identity(ID_A)
    assert k1.identity(ID_A) != k2.identity(ID_A)
    assert len(k1.identity(ID_A)) == 64


def test_person_keeps_only_hash_seal_and_mask(key: PiiKey) -> None:
    person = Person.from_id_number(key, ID_A, name="王芳", phone="13800138000")
    attrs = person.to_attrs()
    text = repr(attrs) + person.node_id
    assert ID_A not in text
    assert "13800138000" not in text
    assert attrs["id_masked"] == "1101**********002X"
    assert attrs["phone_masked"] == "138****8000"
    assert key.unseal("id_number", bytes.fromhex(attrs["id_sealed"])) == ID_A
    assert key.unseal("phone", bytes.fromhex(attrs["phone_sealed"])) == "13800138000"
    # deterministic: the same roster row gives the same node
    assert Person.from_id_number(key, ID_A, name="王芳", phone="13800138000") == person


def test_key_file_is_created_owner_only_and_refused_when_open(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    with pytest.raises(KeyFileError, match="missing"):
        load_or_create_key(path, create=False)
    key = load_or_create_key(path, create=True)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert load_or_create_key(path, create=False).fingerprint == key.fingerprint
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_or_create_key(path, create=False)


def test_log_filter_masks_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    from orggraph.logs import configure_logging

    configure_logging("INFO")
    log = logging.getLogger("orggraph.test")
    with caplog.at_level(logging.INFO, logger="orggraph"):
        log.info("row with %s and phone %s", ID_A, "13800138000")
        log.info(f"inline {ID_B} 0313-5512345")
    text = caplog.text
    for whole in (ID_A, ID_B, "13800138000", "0313-5512345"):
        assert whole not in text
    assert "1101**********002X" in text
    assert "138****8000" in text


def test_non_ascii_digits_are_refused() -> None:
    """Regression: ``\\d`` matched Arabic-Indic digits, which int() accepts."""
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ID_A)
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number(arabic)


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("138-0013-8000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("+86 13800138000", "+86 138****8000"),
        ("(0313)5512345", "0313-***2345"),
        ("0313 5512345", "0313-***2345"),
        ("0313-5512345-8001", "0313-***2345-8001"),
        ("010-62345678", "010-****5678"),
    ],
)
def test_log_filter_masks_phones_as_people_type_them(typed: str, masked: str) -> None:
    from orggraph.logs import PiiRedactingFilter

    redacted = PiiRedactingFilter.redact(f"tel {typed}.")
    assert redacted == f"tel {masked}."
