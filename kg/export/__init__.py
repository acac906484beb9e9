"""Exports of a corpus: the format registry (:mod:`kg.export.registry`), networkx graphs
and GraphML/GEXF (:mod:`kg.export.graphs`), pandas tables (:mod:`kg.export.tables`) and
the interactive HTML view (:mod:`kg.export.html`)."""
