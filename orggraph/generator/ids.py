"""Synthetic identifiers: ID numbers (公民身份号码), mobiles (手机号) and credit codes (统一社会信用代码).

Every value is valid by its standard, drawn from a caller's :class:`random.Random`, so a seed gives
the same values again.

>>> import random
>>> rng = random.Random(1)
>>> number = id_number(rng, "130705", "1980-05-17", male=True)
>>> number[:14], len(number), int(number[16]) % 2
('13070519800517', 18, 1)
>>> from orggraph.pii import normalize_id_number
>>> normalize_id_number(number) == number
True
>>> uscc_check_char("91350100M000100Y4")
'3'
>>> code = credit_code(rng, "130705", "91")
>>> is_valid_credit_code(code), len(code)
(True, 18)
>>> phone = mobile(rng)
>>> len(phone), phone[0]
(11, '1')
>>> typed("13800138000", 1), typed("0313-5512345-8001", 1)
('138-0013-8000', '(0313)5512345-8001')
"""

from __future__ import annotations

import random

from orggraph.codes import is_valid_credit_code, uscc_check_char
from orggraph.pii import id_check_char

__all__ = ["credit_code", "id_number", "is_valid_credit_code", "landline", "mobile", "typed", "uscc_check_char"]

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: Mobile number prefixes of the three carriers (号段).
_MOBILE_PREFIXES = tuple(
    f"1{n}" for n in (*range(30, 40), 50, 51, 52, 53, 55, 56, 57, 58, 59, 66, 73, *range(75, 79), *range(80, 90), 91, 98, 99)
)


def id_number(rng: random.Random, region: str, birth: str, *, male: bool) -> str:
    """An 18-character ID number (公民身份号码) with its GB 11643 check character.

    Parameters
    ----------
    rng
        The generator's random source.
    region
        The six-digit administrative code (行政区划代码) of the place of registration.
    birth
        The date of birth, ISO ``YYYY-MM-DD``.
    male
        The sequence code is odd for men and even for women, as the standard requires.
    """
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth.replace('-', '')}{sequence:03d}"
    return first17 + id_check_char(first17)


def mobile(rng: random.Random) -> str:
    """A mainland mobile number (手机号): a carrier prefix and eight digits."""
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"


def landline(rng: random.Random, area: str, *, extension: bool = False) -> str:
    """A landline (固定电话) in canonical form: the area code (区号), seven digits, maybe an extension."""
    number = f"{area}-{rng.choice('2345678')}{rng.randrange(1_000_000):06d}"
    return f"{number}-{rng.randrange(100, 9000)}" if extension else number


def typed(phone: str, pick: int) -> str:
    """``phone`` (canonical: ``13800138000``, ``0313-5512345[-8001]``) as people type it, form ``pick``:
    with dashes, spaces, ``+86``, ``0086``, brackets round the area code, the extension after 转."""
    if phone.startswith("0"):
        area, number, *extension = phone.split("-")
        ext = extension[0] if extension else None
        forms = [
            phone,
            f"({area}){number}" + (f"-{ext}" if ext else ""),
            f"{area} {number}" + (f" 转{ext}" if ext else ""),
            f"{area}{number}" + (f"转{ext}" if ext else ""),
            f"+86 {area[1:]} {number}" + (f" ext. {ext}" if ext else ""),
        ]
    else:
        a, b, c = phone[:3], phone[3:7], phone[7:]
        forms = [phone, f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86 {phone}", f"0086{phone}", f"+86 {a} {b} {c}"]
    return forms[pick % len(forms)]


def _org_code_check(body: str) -> str:
    """The GB 11714 check character of an eight-character organisation code (组织机构代码)."""
    total = sum(int(char) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def credit_code(rng: random.Random, region: str, registrar: str) -> str:
    """A unified social credit code (统一社会信用代码, GB 32100) for a unit registered in ``region``.

    Parameters
    ----------
    rng
        The generator's random source.
    region
        The six-digit administrative code of the registering authority.
    registrar
        The two leading characters: registering authority and organisation type, e.g. ``11`` an
        organ (机关), ``12`` a public institution (事业单位), ``51``/``52`` a social organisation
        (社会组织), ``91`` an enterprise (企业).
    """
    body = f"{rng.randrange(100_000_000):08d}"
    first17 = f"{registrar}{region}{body}{_org_code_check(body)}"
    return first17 + uscc_check_char(first17)
