"""SPARQL over a build: the embedded pyoxigraph store (:mod:`kg.store.embedded`), the
preset queries (:mod:`kg.store.presets`) and pushes to a remote triple store over the
SPARQL 1.1 Graph Store protocol (:mod:`kg.store.push`)."""
