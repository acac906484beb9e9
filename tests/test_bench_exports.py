"""bench/bench_exports.py: each export rewritten from a real build's corpus is the build's own file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a build of the example corpus

ROOT = Path(__file__).resolve().parent.parent


def test_the_exports_it_writes_are_the_bytes_the_build_wrote(tmp_path: Path) -> None:
    out, keep = tmp_path / "out", tmp_path / "keep"
    built = subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "examples"), "-o", str(out),
                            "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_exports.py"), str(out),
                          "--formats", "graphml,report,csv", "--repeat", "2", "--keep", str(keep),
                          "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert [r["format"] for r in result["exports"]] == ["graphml", "report", "csv"]
    assert all(r["cpu_s_best"] <= r["cpu_s_worst"] and r["bytes"] > 0 for r in result["exports"])
    assert (keep / "graph.graphml").read_bytes() == (out / "graph.graphml").read_bytes()
    assert (keep / "report.html").read_bytes() == (out / "report.html").read_bytes()
    tables = sorted(p.name for p in (out / "tables").iterdir())
    assert tables and sorted(p.name for p in (keep / "tables").iterdir()) == tables
    for name in tables:
        assert (keep / "tables" / name).read_bytes() == (out / "tables" / name).read_bytes(), name
