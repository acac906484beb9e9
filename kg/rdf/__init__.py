"""RDF for kg: the vocabulary, IRIs, corpus conversion and the VoID description.

Submodules load on first use, so ``import kg.rdf`` stays cheap.
"""

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "KG": "kg.rdf.vocab",
    "mint": "kg.rdf.iri",
    "corpus_to_dataset": "kg.rdf.convert",
    "corpus_to_graph": "kg.rdf.convert",
    "void_description": "kg.rdf.void",
}

__all__ = ["KG", "corpus_to_dataset", "corpus_to_graph", "mint", "void_description"]

if TYPE_CHECKING:
    from kg.rdf.convert import corpus_to_dataset, corpus_to_graph
    from kg.rdf.iri import mint
    from kg.rdf.vocab import KG
    from kg.rdf.void import void_description


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg.rdf' has no attribute {name!r}")
