"""Check characters of the codes that tie rosters together (not personal data).

A unified social credit code (统一社会信用代码, GB 32100) is 18 characters from a 31-character set
with a check character; the organisation code inside it (组织机构代码, GB 11714) has its own.

>>> uscc_check_char("91350100M000100Y4")
'3'
>>> is_valid_credit_code("91350100M000100Y43")
True
>>> is_valid_credit_code("91350100M000100Y44")
False
"""

from __future__ import annotations

#: The characters of a unified social credit code (GB 32100): no I, O, S, V, Z.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_USCC_VALUE[char] * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def looks_like_credit_code(code: str) -> bool:
    """Whether ``code`` has the shape of a credit code (18 characters of its set), check aside."""
    return len(code) == 18 and all(char in _USCC_VALUE for char in code)


def is_valid_credit_code(code: str) -> bool:
    """Whether ``code`` has the shape and check character of a unified social credit code."""
    return looks_like_credit_code(code) and uscc_check_char(code[:17]) == code[17]
