"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


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
