"""bench/timeline.py: the cores a command and its descendants use, sampled over time."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BUSY_CHILD = """
import os, time
pid = os.fork()
end = time.monotonic() + 1.5
while time.monotonic() < end:
    pass
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
raise SystemExit(7)
"""


def timeline() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "timeline.py"
    spec = importlib.util.spec_from_file_location("timeline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_forked_busy_child_shows_as_another_process_and_the_exit_code_is_kept() -> None:
    rows = timeline().sample([sys.executable, "-c", BUSY_CHILD], 0.2)
    *samples, last = rows
    assert last["exit"] == 7
    assert samples and all(r["s"] > 0 for r in samples)
    assert max(r["others"] for r in samples) > 0  # the child's CPU, counted apart
    assert max(r["main"] for r in samples) > 0
    assert max(r["processes"] for r in samples) == 2
