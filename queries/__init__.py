"""What planners and front-line systems ask of the graph: coverage gaps, escalation paths,
liaison lookups, statistics and proposals that close gaps. Depends on :mod:`orggraph` only.

Every embedded query reads a :class:`~queries.index.GraphIndex` (the graph as of one day, in look-up
tables) and takes its norms from the policy file (:mod:`queries.policy`).
"""
