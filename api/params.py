"""Query parameters the routes share, as ``Annotated`` aliases, and the checks made of them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from api.problems import ApiError

AsOf = Annotated[dt.date | None, Query(description="read the graph as of this day (YYYY-MM-DD); default today")]
Area = Annotated[
    str | None,
    Query(max_length=100, description="an area code within the token's scope; default the token's scope area"),
]
HouseholdParam = Annotated[
    str | None, Query(max_length=200, description="a household code (户编码) or node id; or give `address`")
]
AddressParam = Annotated[
    str | None, Query(max_length=200, description="an address, e.g. 幸福里小区3号楼2单元501室 or 幸福里小区 3-2-501")
]


class BadRequestError(ApiError):
    """A request whose parameters fit the schema but not each other."""

    status = 422
    code = "request.invalid"
    title_zh = "请求参数有误"


def day_of(as_of: dt.date | None) -> str | None:
    return as_of.isoformat() if as_of is not None else None


def one_start(household: str | None, address: str | None) -> str:
    """The household or the address a request names: exactly one of them."""
    given = [v for v in (household, address) if v is not None and v.strip()]
    if len(given) != 1:
        raise BadRequestError(
            "give exactly one of `household` and `address`", message_zh="请给出 household 或 address 之一（且仅一个）"
        )
    return given[0].strip()
