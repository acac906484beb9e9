"""Work done in a forked child while the build goes on: the links' text index and the state files beside resolution, an add's links and non-RDF exports (:mod:`kg.build.aside`).

A forked child has the corpus for free: its pages are shared copy-on-write, and the
collector is frozen (:func:`kg.build.run._long_lived`), so a collection in the child does
not walk, and copy, the corpus. The child

- dies with the build: SIGKILL when the build process dies (``PR_SET_PDEATHSIG`` on
  Linux, and a thread that watches the parent elsewhere), SIGKILL when the block it runs
  beside fails or is interrupted (SIGTERM, Ctrl-C);
- takes the default action on SIGTERM and SIGINT, not the build's handlers;
- lets go of the build lock at once (it closes its copy of the lock's descriptor), so
  a build started after this one died is not refused while the child ends;
- never returns into the build's code: it ends with ``os._exit``, its error sent back
  as one line through a pipe.
"""

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError

_MAX_LINE = 4000  # bytes of an error line sent back; a pipe holds more, so the child never blocks


@dataclass
class Child:
    """A forked child running a function; :meth:`wait` for its end."""

    pid: int
    errors: int  # read end of the pipe the child reports through
    what: str  # what it does, for error messages: "the exports tables, graph.html"
    wall: float = 0.0  # seconds, fork to exit (measured by the child)
    cpu: float = 0.0  # CPU seconds (user + system) of the child
    done: bool = False
    claims: Any = None  # work the child shares with the block (kg.build.exports.Claims)

    def wait(self) -> None:
        """Wait for the child; raise what it raised (an OSError as such, else a :class:`KGError`),
        or a :class:`KGError` saying which signal killed it."""
        if self.done:
            return
        _, status, usage = os.wait4(self.pid, 0)
        self.done = True
        self.cpu = usage.ru_utime + usage.ru_stime
        with os.fdopen(self.errors, "rb") as f:
            report = f.read().decode("utf-8", "replace")
        kind, _, rest = report.partition(" ")
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
            hint = " (out of memory?)" if sig == signal.SIGKILL else ""
            raise KGError(f"{self.what} failed: its process was killed by {name}{hint}")
        if kind == "ok" and os.waitstatus_to_exitcode(status) == 0:
            self.wall = float(rest)
            return
        if kind == "oserror":
            errno, strerror, filename = rest.split("\t", 2)
            raise OSError(int(errno), strerror, filename or None)
        if kind == "kgerror":
            raise KGError(rest)
        detail = rest or f"exit code {os.waitstatus_to_exitcode(status)}"
        raise KGError(f"{self.what} failed: {detail}")

    def kill(self) -> None:
        """Kill the child (SIGKILL) and reap it."""
        if self.done:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.wait4(self.pid, 0)
        self.done = True
        os.close(self.errors)


@contextlib.contextmanager
def forked(work: Callable[[], None], what: str, lock: Path | None = None) -> Iterator[Child]:
    """Run ``work()`` in a forked child while the block runs; the child is killed if the
    block fails. The block waits for it (:meth:`Child.wait`); if it does not, the end of
    the block does. ``lock`` is the build lock's file, which the child lets go of."""
    sys.stdout.flush()
    sys.stderr.flush()  # nothing buffered before the fork is written twice
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        _child(work, write, lock)
    os.close(write)
    child = Child(pid, read, what)
    try:
        yield child
        child.wait()
    except BaseException:
        child.kill()
        raise


@contextlib.contextmanager
def beside(work: Callable[[], None], what: str, lock: Path | None = None) -> Iterator[Child | None]:
    """:func:`forked`, where processes can fork; elsewhere ``work()`` run first and None
    yielded (nothing to wait for)."""
    if not hasattr(os, "fork"):
        work()
        yield None
        return
    with forked(work, what, lock) as child:
        yield child


def _child(work: Callable[[], None], report: int, lock: Path | None) -> None:
    code = 1
    try:
        t0 = time.perf_counter()
        parent = os.getppid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _die_with(parent)
        if lock is not None:
            _let_go(lock)
        work()
        line = f"ok {time.perf_counter() - t0:.3f}"
        code = 0
    except OSError as e:
        line = f"oserror {e.errno or 0}\t{e.strerror or e}\t{e.filename or ''}"
    except KGError as e:
        line = f"kgerror {e}"
    except BaseException as e:  # a bug: its type and message, in one line
        line = f"error {type(e).__name__}: {e}".replace("\n", " ")
    try:
        os.write(report, line.encode("utf-8", "replace")[:_MAX_LINE])
        sys.stderr.flush()
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """SIGKILL when ``parent`` dies: at once on Linux, within half a second elsewhere."""
    from kg.store.bounded import die_with

    die_with(parent)  # PR_SET_PDEATHSIG, and exit if it died before that took hold
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """In the child: exit when the build process that started it is gone (killed)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="kg-watch-parent", daemon=True).start()


def _let_go(lock: Path) -> None:
    """Close this process's descriptors of the file ``lock``: the flock stays the parent's."""
    try:
        target = os.stat(lock)
    except OSError:
        return
    for fd in _open_fds():
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                os.close(fd)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 256))
