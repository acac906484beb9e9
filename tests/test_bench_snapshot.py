"""bench/snapshot.py: the same inputs named two ways give the same snapshot; a change shows."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two builds of the example corpus

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "bench" / "snapshot.py"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SNAPSHOT), *args], cwd=cwd, capture_output=True, text=True)


def test_inputs_named_two_ways_give_one_snapshot_and_a_change_is_reported(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert _run("take", "examples/papers.txt", "-o", str(a), cwd=ROOT).returncode == 0
    assert _run("take", str(ROOT / "examples" / "papers.txt"), "-o", str(b), cwd=tmp_path / "elsewhere").returncode == 0
    same = _run("compare", str(a), str(b), cwd=tmp_path)
    assert same.returncode == 0, same.stdout
    assert "0 of 10 outputs differ" in same.stdout

    changed = json.loads(b.read_text(encoding="utf-8"))
    changed["outputs"]["tables/entities.csv"]["sha256"] = "0" * 64
    b.write_text(json.dumps(changed), encoding="utf-8")
    differ = _run("compare", str(a), str(b), cwd=tmp_path)
    assert differ.returncode == 1
    assert "DIFFERS  tables/entities.csv" in differ.stdout
