"""Proposals that close coverage gaps (补齐建议), written as rosters to review and import.

:mod:`~queries.proposals.base` holds the proposals and :func:`propose`; :mod:`~queries.proposals.contacts`
solves the 1+10 gap and :mod:`~queries.proposals.liaison` the liaison gap, each as a min-cost flow;
:mod:`~queries.proposals.rosters` writes the full roster of a scope with the proposed rows marked.
"""

from queries.proposals.base import ContactProposal, LiaisonProposal, Proposal
from queries.proposals.propose import PROPOSALS, propose, propose_contacts, propose_liaison

__all__ = ["PROPOSALS", "ContactProposal", "LiaisonProposal", "Proposal", "propose", "propose_contacts", "propose_liaison"]
