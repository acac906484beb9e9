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
    "load_corpus": "kg.build.state",
    "open": "kg.build.state:open_build",
    "Settings": "kg.settings",
    "KGError": "kg.errors",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:
    # "X as X" marks a re-export: ruff cannot read the computed __all__ above
    from kg.build.state import load_corpus as load_corpus
    from kg.build.state import open_build as open  # noqa: F401  (kg.open, named as the builtin)
    from kg.corpus import Corpus as Corpus
    from kg.errors import KGError as KGError
    from kg.extract import build_nlp as build_nlp
    from kg.extract import extract_entities as extract_entities
    from kg.settings import Settings as Settings
    from kg.sources import read_papers as read_papers


def __dir__() -> list[str]:
    """The public API (what tab completion offers), not the package's internals."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, _, attr = _LAZY[name].partition(":")
        return getattr(importlib.import_module(module), attr or name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
