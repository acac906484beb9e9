"""SPARQL over a build: the embedded pyoxigraph store (:mod:`kg.store.embedded`), the
generations of an output directory that readers hold (:mod:`kg.store.generation`), queries
under a deadline (:mod:`kg.store.bounded`) and what they may ask (:mod:`kg.store.checks`),
the preset queries (:mod:`kg.store.presets`) and pushes to a remote triple store over the
SPARQL 1.1 Graph Store protocol (:mod:`kg.store.push`); bulk loading and serialising with
pyoxigraph (:mod:`kg.store.rdfio`)."""
