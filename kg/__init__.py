"""kg: turn listings of machine-learning papers into a knowledge graph.

Importing kg does no work; the public functions load their modules on first use.
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "read_papers": "kg.sources",
    "build_nlp": "kg.extract",
    "extract_entities": "kg.extract",
    "Corpus": "kg.corpus",
    "Settings": "kg.settings",
    "KGError": "kg.errors",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:
    from .corpus import Corpus
    from .errors import KGError
    from .extract import build_nlp, extract_entities
    from .settings import Settings
    from .sources import read_papers


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
