"""Fixtures shared by the whole suite."""

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def load_fixture_module(relpath: str) -> ModuleType:
    """A Python module kept under tests/fixtures (e.g. "rdf/tiny_corpus.py"), loaded by path."""
    path = FIXTURES / relpath
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    """../shared beside the clone; tests using it skip on a user's clone, which has none."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent (only CI and the team have ../shared)")
    return SHARED


@pytest.fixture
def examples() -> Path:
    return ROOT / "examples"


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The blank-mode spaCy pipeline, built once for the session (pass it to build())."""
    from kg.extract import build_nlp
    from kg.settings import Settings

    return build_nlp(Settings())
