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
"""

from __future__ import annotations

import random

from orggraph.codes import is_valid_credit_code, uscc_check_char
from orggraph.pii import id_check_char

__all__ = ["credit_code", "id_number", "is_valid_credit_code", "mobile", "uscc_check_char"]

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
