"""Cases (事件): the ledger of issues reported at households, dispatched along their escalation path.

:mod:`~orggraph.cases.model` holds a case, its timeline and its lifecycle; :mod:`~orggraph.cases.ledger`
the port every engine's ledger offers (:mod:`~orggraph.cases.sqlite_ledger` in the embedded file,
:mod:`~orggraph.cases.bolt_ledger` on the Bolt server); :mod:`~orggraph.cases.webhooks` tells other
systems of dispatches and escalations. What a case does — dispatch, the clock, the metrics — is
:mod:`queries.cases`.
"""

from orggraph.cases.ledger import CaseLedger, Change
from orggraph.cases.model import FACTS, OPEN_STATUSES, Case, CaseEvent, allowed, from_utc_text, utc_text

__all__ = ["FACTS", "OPEN_STATUSES", "Case", "CaseEvent", "CaseLedger", "Change", "allowed", "from_utc_text", "utc_text"]
