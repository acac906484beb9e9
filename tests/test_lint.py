"""The code base stays clean under ruff and mypy, with the settings in pyproject.toml."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]' to run this check)")
    return subprocess.run([sys.executable, "-m", tool, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def _check(proc: subprocess.CompletedProcess[str]) -> None:
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(proc.args[1:])} exited with {proc.returncode}:\n"
                    f"{proc.stdout}{proc.stderr}", pytrace=False)


def test_ruff_check_is_clean() -> None:
    proc = _run("ruff", "check", "--config", str(PYPROJECT), "--no-cache", str(REPO))
    _check(proc)


@pytest.mark.slow
def test_mypy_kg_is_clean() -> None:
    proc = _run("mypy", "--config-file", str(PYPROJECT), str(REPO / "kg"))
    _check(proc)
