"""Wall and CPU time per stage of a build, as ``build.json`` records them."""

import contextlib
import time
from collections.abc import Iterator


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Wall time (``timings``) and CPU time (``cpu``: the honest figure on a shared machine) per stage."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0, c0 = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)
            self.cpu[name] = round(self.cpu.get(name, 0.0) + _cpu() - c0, 3)

    def child(self, name: str, stage: str, wall: float, cpu: float) -> None:
        """A forked child's own line ``name``: its wall and CPU, the CPU taken out of ``stage``,
        where the child was reaped (``RUSAGE_CHILDREN`` counts it there), so no CPU counts twice."""
        self.timings[name] = round(wall, 3)
        self.cpu[name] = round(cpu, 3)
        self.cpu[stage] = round(self.cpu.get(stage, 0.0) - cpu, 3)
