"""The cyclic garbage collector paused while resolution or linking runs.

Both make millions of small containers (tuples, lists, dicts, sets) and hold most of them
to the end; every so many of them the collector would walk all the objects alive, again
and again, to find cycles that these steps do not make (their objects are freed by their
reference counts). Paused, the same work runs without those walks; the collector is left
as it was found, enabled or not, whatever happens.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block; the collector as it was after it.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` run inside :func:`gc_paused`."""
    @wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with gc_paused():
            return fn(*args, **kwargs)
    return run
