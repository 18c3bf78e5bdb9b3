"""The FastAPI service (服务接口): liaison lookups, escalation paths, coverage, proposals, roster uploads.

:func:`api.app.create_app` builds the app; :mod:`api.auth` checks bearer tokens (:mod:`api.tokens`),
:mod:`api.scope` keeps each token inside its area, :mod:`api.masking` shows each role what it may see
of a person, :mod:`api.audit` records who was shown whom, :mod:`api.problems` answers errors as RFC
9457 problem details, :mod:`api.guard` keeps readers off half-written states, and :mod:`api.routes`
holds one router per resource. ``orggraph serve``, ``tokens`` and ``audit`` come from :mod:`api.cli`.
Depends on :mod:`queries`, :mod:`importers` and :mod:`orggraph`.
"""
