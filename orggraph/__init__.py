"""orggraph — the Party-building-led community governance network (党建引领基层治理) as a property graph.

The core package: the domain model and schema (:mod:`orggraph.model`), errors
(:mod:`orggraph.errors`), settings (:mod:`orggraph.settings`), personal data (:mod:`orggraph.pii`),
the graph-store port and its engines (:mod:`orggraph.store`), the synthetic district generator
(:mod:`orggraph.generator`) and the ``orggraph`` command line (:mod:`orggraph.cli`).
"""

__version__ = "0.1.0"
