"""Escalation paths (响应路径): who answers an issue reported at a household, who comes next, and by when.

:func:`escalation_path` climbs the levels of the policy from a household over a
:class:`~orggraph.store.view.DayView` (:mod:`~queries.escalation.paths`); each role is answered by
:mod:`~queries.escalation.roles`; the answer is an :class:`EscalationPath` (:mod:`~queries.escalation.result`).
"""

from queries.escalation.paths import escalation_path, escalation_path_on, known_categories
from queries.escalation.result import EscalationPath

__all__ = ["EscalationPath", "escalation_path", "escalation_path_on", "known_categories"]
