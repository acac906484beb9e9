"""A query that a deadline or Ctrl-C can stop: evaluated in a child process.

pyoxigraph evaluates a query in native code that does not return to Python until
it has an answer: ``SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }`` over the
40,069 triples of the seed build ran for five minutes and ignored SIGINT all along.
Checks between rows stop a plain ``SELECT *`` over the same product (its rows
come one by one) but never an aggregate, an ORDER BY or a DISTINCT. So the
query runs in a forked child that opens the store, evaluates and sends its rows
back through a pipe; the parent waits with the deadline and, on timeout or
SIGINT, kills the child. The child ignores SIGINT (the parent decides), dies
with its parent (``PR_SET_PDEATHSIG`` on Linux) and, as a last resort, by its own
``alarm`` shortly after the deadline.

The child is forked rather than started afresh (a new interpreter and its imports
would add about 0.2 s to every query): the parent has not opened the store, so the
child starts with no RocksDB state of its own, and it only leaves by ``os._exit``.
"""

import math
import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import KGError, QueryError
from kg.store.embedded import QueryResult, Term, open_store, start_query

_BATCH = 1000  # rows a message carries
_HEADER = struct.Struct(">I")
_GRACE = 2  # seconds the child's own alarm waits past the deadline


def run_bounded(store_dir: Path, sparql: str, substitutions: Mapping[str, Term | str] | None = None,
                union_default_graph: bool = True, allow_service: bool = False,
                timeout: float | None = 60.0) -> QueryResult:
    """Run a read-only query on the store in ``store_dir`` in a child process.

    Raises :class:`QueryError` when ``timeout`` seconds pass first (None: no limit);
    Ctrl-C raises KeyboardInterrupt at once. Either way the child is killed.
    """
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    # A Ctrl-C waits (blocked) until each side is ready for it: the child ignores it before
    # it can see one, and the parent has the try below that kills the child. Unblocked at
    # once, a Ctrl-C right after the fork left the child running, or ran the parent's code on
    # in the child.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:  # the child: never returns
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since the fork is dropped
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_fd)
        _child(write_fd, parent, store_dir, sparql, substitutions, union_default_graph,
               allow_service, timeout)
    reaped = False
    try:
        os.close(write_fd)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending Ctrl-C is raised here
        deadline = None if timeout is None else time.monotonic() + timeout
        messages = _receive(read_fd, deadline, timeout)
        _, status = os.waitpid(pid, 0)
        reaped = True
        return _result(messages, status)
    finally:
        os.close(read_fd)
        if not reaped:
            _kill(pid)


def _receive(fd: int, deadline: float | None, timeout: float | None) -> list[tuple[Any, ...]]:
    """The child's messages until it closes the pipe."""
    buffer = bytearray()
    messages: list[tuple[Any, ...]] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            raise QueryError(f"query stopped after {timeout:g} s (--timeout); add a LIMIT or narrow "
                             "the patterns, or give a longer --timeout (0 = none)")
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return messages
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            messages.append(pickle.loads(bytes(buffer[_HEADER.size:_HEADER.size + size])))
            del buffer[:_HEADER.size + size]


def _result(messages: list[tuple[Any, ...]], status: int) -> QueryResult:
    if messages and messages[-1][0] == "error":
        raise QueryError(messages[-1][1])
    if messages and messages[-1][0] == "crash":
        raise RuntimeError(f"the query process failed:\n{messages[-1][1]}")
    if not messages or messages[-1][0] != "end":
        how = (f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
               else f"exit code {os.waitstatus_to_exitcode(status)}")
        raise QueryError(f"the query process died ({how}) before it had an answer; "
                         "it may have run out of memory: add a LIMIT or narrow the patterns")
    _, kind, columns, boolean = messages[0]
    return QueryResult.of(kind, columns, boolean, (item for m in messages[1:-1] for item in m[1]))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except ChildProcessError:
            return
        except InterruptedError:  # pragma: no cover - PEP 475 retries, a handler may not
            continue


# ---------------------------------------------------------------- the child

def _child(fd: int, parent: int, store_dir: Path, sparql: str,
           substitutions: Mapping[str, Term | str] | None, union_default_graph: bool,
           allow_service: bool, timeout: float | None) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the parent went away: so do we
        die_with(parent)
        if timeout is not None:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(math.ceil(timeout) + _GRACE)
        with os.fdopen(fd, "wb") as out:
            try:
                store = open_store(store_dir, read_only=True)
                stream = start_query(store, sparql, substitutions, union_default_graph, allow_service)
                _send(out, ("head", stream.kind, stream.columns, stream.boolean))
                batch: list[Any] = []
                for item in stream.items:
                    batch.append(item)
                    if len(batch) >= _BATCH:
                        _send(out, ("rows", batch))
                        batch = []
                _send(out, ("rows", batch))
                _send(out, ("end",))
            except KGError as e:
                _send(out, ("error", str(e)))
            except Exception:  # noqa: BLE001 - a bug: the parent shows its traceback
                _send(out, ("crash", traceback.format_exc()))
    except BaseException:  # noqa: BLE001 - nothing may leave the child but os._exit
        code = 1
    finally:
        os._exit(code)


def _send(out: Any, message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)


def die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), and check it has not yet."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
