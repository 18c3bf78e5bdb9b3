"""The policy file (政策配置) as data: the shipped defaults with a district's own file laid over them.

The file holds what a district decides without code: coverage norms (``[coverage.<rule>]``), the
escalation levels (``[escalation]``) and the guard of its imports (``[import]``). The shipped defaults
are ``orggraph/data/policy.toml``; a district copies the tables it changes into its own file and points
``ORGGRAPH_POLICY`` (or ``--policy``) at it. This module reads and layers the file; each part is
checked by the package that uses it (:mod:`queries.policy` the norms and levels, :class:`ImportPolicy`
here the import guard).

>>> import_policy(None).mass_end_share
0.2
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orggraph.errors import ConfigurationError

#: The tables a policy file may have.
TABLES = ("coverage", "ratio", "escalation", "import", "cases")


class ImportPolicy(BaseModel):
    """The import guard: how much a full roster may end without ``--allow-mass-end`` (批量终止保护)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mass_end_share: float = Field(0.2, ge=0, le=1, description="share of what the scope holds")
    mass_end_max: int = Field(500, ge=0, description="never more than this many")
    mass_end_floor: int = Field(10, ge=0, description="never refused for this many or fewer")

    def limit(self, held: int) -> int:
        """The most a roster may end of the ``held`` nodes or links its scope holds."""
        return max(self.mass_end_floor, min(int(self.mass_end_share * held), self.mass_end_max))


def shipped() -> dict[str, Any]:
    """The shipped defaults, as parsed TOML."""
    return tomllib.loads(files("orggraph").joinpath("data/policy.toml").read_text(encoding="utf-8"))


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` laid over ``base``, table by table."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value)
        else:
            merged[key] = value
    return merged


def layered(path: Path | None) -> tuple[dict[str, Any], str]:
    """The shipped defaults with the file at ``path`` (if any) laid over them, and where they came from."""
    data = shipped()
    if path is None:
        return data, "built-in defaults"
    try:
        own = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise bad(path, "", str(exc)) from exc
    unknown = sorted(set(own) - set(TABLES))
    if unknown:
        raise bad(
            path, unknown[0], "unknown table; a policy has [coverage.<rule>], [ratio.<name>], [escalation], [import] and [cases]"
        )
    return merge(data, own), str(path)


def import_policy(path: Path | None) -> ImportPolicy:
    """The ``[import]`` table of the effective policy, checked."""
    data, _ = layered(path)
    try:
        return ImportPolicy(**data.get("import", {}))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"])
        raise bad(path, f"import.{where}" if where else "import", str(error["msg"])) from exc


def bad(path: Path | None, table: str, reason: str) -> ConfigurationError:
    """The error for a policy file: which file, which table, why."""
    where = f"{path or 'built-in policy'}" + (f" [{table}]" if table else "")
    return ConfigurationError(f"policy {where}: {reason}", message_zh=f"政策文件 {where}：{reason}", table=table)
