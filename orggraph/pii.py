"""Personal data: ID numbers (公民身份号码) and phones (联系电话) — validated, hashed, sealed, masked.

A person's identity in the graph is a keyed hash (HMAC-SHA256) of the normalised 18-character
ID number, so the same person in two rosters is one node, and a stolen store file does not give
the numbers back. The whole number and phone are also kept *sealed* (AES-SIV, deterministic so an
unchanged roster stays unchanged) for the one role allowed to see them; everything else shows the
masked forms.

>>> normalize_id_number(" 11010519491231002x ")
'11010519491231002X'
>>> mask_id_number("11010519491231002X")
'1101**********002X'
>>> normalize_phone("138 0013 8000")
'13800138000'
>>> mask_phone("13800138000")
'138****8000'
>>> mask_phone("0313-5512345")
'0313-***2345'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path

import phonenumbers
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from phonenumbers import PhoneNumberType

from orggraph.errors import InvalidIdNumberError, InvalidPhoneError, KeyFileError, StoreCorruptError
from orggraph.text import to_halfwidth

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_NOT_DIGIT = re.compile(r"[^0-9]")
_PHONE_SPACES = re.compile(r"[\s\u3000]+")
# a landline's extension after the number: "-8001", "转8001", "分机 8001", "ext. 8001", "x8001", "#8001"
_EXTENSION = re.compile(r"(.*?[0-9)])\s*(?:-|转|分机|ext\.?|x|#)\s*([0-9]{1,6})", re.IGNORECASE)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number.

    >>> id_check_char("11010519491231002")
    'X'
    """
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    """Return the ID number in canonical form, or raise :class:`InvalidIdNumberError`.

    Full-width characters and spaces are folded, a lower-case ``x`` becomes ``X``; the shape, the
    date of birth and the GB 11643 check digit are verified. Messages show the masked number only.
    """
    text = to_halfwidth(str(value)).strip().replace(" ", "").upper()
    if not _ID_SHAPE.fullmatch(text):
        raise InvalidIdNumberError(
            f"ID number {mask_id_number(text)!r} is not 18 characters of digits (the last may be X)",
            message_zh=f"公民身份号码 {mask_id_number(text)} 不是18位（末位可为X）",
            value=mask_id_number(text),
        )
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidIdNumberError(
            f"ID number {mask_id_number(text)!r} has no valid date of birth",
            message_zh=f"公民身份号码 {mask_id_number(text)} 的出生日期无效",
            value=mask_id_number(text),
        ) from None
    if id_check_char(text[:17]) != text[17]:
        raise InvalidIdNumberError(
            f"ID number {mask_id_number(text)!r} fails its GB 11643 check digit",
            message_zh=f"公民身份号码 {mask_id_number(text)} 校验位错误（GB 11643）",
            value=mask_id_number(text),
        )
    return text


def mask_id_number(value: str) -> str:
    """The masked form shown everywhere: first four and last four characters kept."""
    text = str(value)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def normalize_phone(value: str) -> str:
    """A phone as people write it, parsed by ``phonenumbers`` (region CN), in canonical form; else
    :class:`InvalidPhoneError`.

    Mobiles become their 11 digits (``13800138000``); landlines ``0AAA-NNNNNNN``, with an extension
    ``0AAA-NNNNNNN-EEEE``; nationwide service numbers (400/800) their digits; a number outside the
    mainland its E.164 form (``+85291234567``). Spaces, dashes, brackets, ``+86``/``0086`` and an
    extension written ``-8001``, ``转8001``, ``分机8001`` or ``ext 8001`` are accepted.

    >>> normalize_phone("+86 138-0013-8000")
    '13800138000'
    >>> normalize_phone("(0313)5512345-8001")
    '0313-5512345-8001'
    """
    text = _PHONE_SPACES.sub(" ", to_halfwidth(str(value))).strip()
    if _MOBILE.fullmatch(text):
        return text  # the common case; also a prefix newer than the library's metadata
    number = _parsed(text)
    if number is None:
        split = _EXTENSION.fullmatch(text)
        if split is not None:
            number = _parsed(split.group(1))
            if number is not None and _kind(number) != "landline":
                number = None  # a mobile has no extension: "138-0013-8000" is not 1380013 ext. 8000
            elif number is not None:
                number.extension = split.group(2)
    national = not text.startswith("+") and not _NOT_DIGIT.sub("", text).startswith("0")
    if number is not None and national and _kind(number) == "landline":
        number = None  # "3135512345": a landline is written with its trunk 0 ("0313…") or as "+86 313…"
    if number is None:
        shown = mask_phone(_NOT_DIGIT.sub("", text) or text)
        raise InvalidPhoneError(
            f"phone {shown!r} is neither a mobile nor a landline with its area code",
            message_zh=f"联系电话 {shown} 既不是手机号，也不是带区号的固定电话",
            value=shown,
        )
    return _canonical(number)


def _parsed(text: str) -> phonenumbers.PhoneNumber | None:
    """The valid number ``text`` is (region CN when it has no country code), or ``None``."""
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 86 and _MOBILE.fullmatch(str(number.national_number)):
        return number  # "+86 138…", "0086-138-…": a mobile, whether or not the metadata knows its prefix
    if not phonenumbers.is_valid_number(number) or _kind(number) is None:
        return None
    return number


def _kind(number: phonenumbers.PhoneNumber) -> str | None:
    if number.country_code != 86:
        return "abroad"
    if _MOBILE.fullmatch(str(number.national_number)):
        return "mobile"
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.MOBILE:
        return "mobile"
    if kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return "landline"
    if kind in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST):
        return "service"
    return None


def _canonical(number: phonenumbers.PhoneNumber) -> str:
    kind = _kind(number)
    digits = str(number.national_number)
    if kind == "abroad":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == "landline":
        area = phonenumbers.length_of_geographical_area_code(number) or 3
        text = f"0{digits[:area]}-{digits[area:]}"
        return f"{text}-{number.extension}" if number.extension else text
    return digits


def mask_phone(value: str) -> str:
    """``138****5678`` for a mobile, ``0313-***2345`` for a landline (``0313-***2345-8001`` with its extension)."""
    text = str(value)
    if "-" in text:
        area, number, *extension = text.split("-", 2)
        masked = f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
        return "-".join([masked, *extension])
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


class PiiKey:
    """The store's secret for personal data: identities (HMAC-SHA256) and sealed values (AES-SIV)."""

    __slots__ = ("_identity_key", "_sealer", "fingerprint")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise KeyFileError("the personal-data key must be at least 32 bytes", message_zh="个人信息密钥至少32字节")
        self._identity_key = _derive(secret, b"orggraph identity v1", 32)
        self._sealer = AESSIV(_derive(secret, b"orggraph seal v1", 64))
        self.fingerprint = hmac.new(secret, b"orggraph fingerprint v1", hashlib.sha256).hexdigest()[:16]

    def identity(self, id_number: str) -> str:
        """The keyed hash of a normalised ID number: a person's identity in the graph."""
        return hmac.new(self._identity_key, id_number.encode("ascii"), hashlib.sha256).hexdigest()

    def seal(self, field: str, value: str) -> bytes:
        """Encrypt ``value`` deterministically, bound to the field name it belongs to."""
        return self._sealer.encrypt(value.encode("utf-8"), [field.encode("ascii")])

    def unseal(self, field: str, sealed: bytes) -> str:
        """The whole value behind :meth:`seal`; only for callers whose role allows it."""
        try:
            return self._sealer.decrypt(sealed, [field.encode("ascii")]).decode("utf-8")
        except InvalidTag as exc:
            raise StoreCorruptError(
                f"a sealed {field} cannot be opened with this key", message_zh=f"无法用此密钥解密{field}"
            ) from exc

    def sign(self, data: bytes) -> bytes:
        """A keyed digest of ``data``, used to check a store snapshot before it is loaded."""
        return hmac.digest(self._identity_key, data, "sha256")


def _derive(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=SHA256(), length=length, salt=None, info=info).derive(secret)


def load_or_create_key(path: Path, *, create: bool) -> PiiKey:
    """Read the key file at ``path``; when ``create`` and it is missing, make one (mode 0600)."""
    if not path.exists():
        if not create:
            raise KeyFileError(
                f"key file {path} is missing; restore it from your backup or set ORGGRAPH_KEY_FILE",
                message_zh=f"密钥文件 {path} 不存在；请从备份恢复或设置 ORGGRAPH_KEY_FILE",
                path=str(path),
            )
        secret = secrets.token_bytes(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
        return PiiKey(secret)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} can be read by others (mode {stat.filemode(mode)}); run: chmod 600 {path}",
            message_zh=f"密钥文件 {path} 权限过宽；请执行 chmod 600 {path}",
            path=str(path),
        )
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyFileError(
            f"key file {path} does not hold a hex key", message_zh=f"密钥文件 {path} 内容不是十六进制密钥"
        ) from exc
    return PiiKey(secret)


def key_from_hex(text: str) -> PiiKey:
    """A key given directly in settings (``ORGGRAPH_KEY``), as hex."""
    try:
        return PiiKey(bytes.fromhex(text.strip()))
    except ValueError as exc:
        raise KeyFileError("ORGGRAPH_KEY is not a hex string", message_zh="ORGGRAPH_KEY 不是十六进制字符串") from exc
