"""The queries in Cypher, for a store on a Bolt server (Neo4j 5; FalkorDB in CI).

Each query family has a networkx implementation (over the :class:`~queries.index.GraphIndex` of a
day) and a Cypher one here; the entry points (:func:`queries.coverage.run_coverage` …) choose by the
store (:func:`~queries.cypher.graph.is_cypher`). A Cypher implementation finds its answer on the
server; what it found is then placed — area path, responsible organisation, address — by the same
code as the networkx one, over the small neighbourhood the server returns for the nodes found
(:mod:`queries.cypher.neighbourhood`). The store-contract suite (``tests/contract``) proves both give
identical answers.
"""
