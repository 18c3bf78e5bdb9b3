"""The policy file (政策配置): coverage rules and ratios, escalation levels — as data a district edits.

:mod:`~queries.policy.model` reads the layered file (shipped defaults and a district's own);
:mod:`~queries.policy.rules` reads each coverage rule's declaration into the checks an engine runs,
with :mod:`~queries.policy.expressions` for its bounds and words. :func:`load_policy` does both, so a
policy that loads is one that runs; ``orggraph policy check`` says where one does not.

>>> policy = load_policy(None)
>>> policy.rule("grid-size-out-of-range").params["max"], policy.escalation.levels[0]
(300, 'contact')
"""

from __future__ import annotations

from pathlib import Path

from orggraph.errors import ConfigurationError
from queries.policy.model import (
    ESCALATION_ROLES,
    SEVERITY_ORDER,
    SEVERITY_ZH,
    CategoryRule,
    Escalation,
    Level,
    Policy,
    RatioDecl,
    Rule,
    Severity,
    read_policy,
)
from queries.policy.rules import Check, checks_of, ratio_checks

__all__ = [
    "ESCALATION_ROLES",
    "SEVERITY_ORDER",
    "SEVERITY_ZH",
    "CategoryRule",
    "Check",
    "Escalation",
    "Level",
    "Policy",
    "RatioDecl",
    "Rule",
    "Severity",
    "checks_of",
    "load_policy",
    "ratio_checks",
]


def load_policy(path: Path | None) -> Policy:
    """The shipped defaults with the file at ``path`` (if any) laid over them, every rule's declaration
    and every ratio read (:class:`~orggraph.errors.ConfigurationError` saying which file, table and key)."""
    policy = read_policy(path)
    for rule in policy.coverage.values():
        try:
            checks_of(rule)
        except ConfigurationError as exc:
            raise ConfigurationError(
                f"{policy.source}: {exc.message}", message_zh=f"{policy.source}：{exc.message_zh}", **exc.context
            ) from exc
    ratio_checks(policy)
    return policy
