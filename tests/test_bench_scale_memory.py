"""bench/bench_scale.py measures the memory of the whole process tree of a build (PSS and
RSS summed over the build, its workers and its children), sampled while it runs: on a
real tree of processes."""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(),
                                reason="needs /proc/PID/smaps_rollup (Linux)")

# a parent holding 40 MiB that starts a child holding 120 MiB; both wait on stdin
TREE = """
import subprocess, sys
held = bytearray(40 << 20)
child = subprocess.Popen([sys.executable, "-c",
    "import sys; held = bytearray(120 << 20); print('ready', flush=True); sys.stdin.read()"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
child.stdout.readline()
print(child.pid, flush=True)
sys.stdin.read()
child.stdin.close()
child.wait()
"""


def bench_scale() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tree_memory_counts_the_children_of_the_process() -> None:
    bench = bench_scale()
    proc = subprocess.Popen([sys.executable, "-c", TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        child = int(proc.stdout.readline())
        assert child in bench._tree(proc.pid)
        sampler = bench.TreeSampler(proc.pid, every=0.05)
        time.sleep(0.3)
        sampler.stop()
        own_pss, own_rss = bench.tree_memory(child)
        assert own_pss >= 120 << 10 and own_rss >= own_pss
        assert sampler.peak_pss >= (40 + 120) << 10  # KiB: both processes' pages
        assert sampler.peak_rss >= sampler.peak_pss
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    assert bench.tree_memory(proc.pid) == (0, 0)  # gone: nothing left to count
