"""What planners and front-line systems ask of the graph: coverage gaps, escalation paths,
liaison lookups, statistics and proposals that close gaps. Depends on :mod:`orggraph` only."""
