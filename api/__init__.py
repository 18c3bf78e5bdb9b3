"""The FastAPI service: routes, auth and scopes, the planners' web page. Depends on :mod:`queries`,
:mod:`importers` and :mod:`orggraph`."""
