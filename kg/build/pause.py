"""A hook for the kill tests: ``KG_BUILD_PAUSE=POINT`` stops a build at POINT for a while.

The kill tests (tests/test_build_faults.py) start a real ``kg build`` with this
variable set, wait for the line ``kg build: paused at POINT`` on its stderr, and
send it SIGKILL or SIGTERM there. The points, in the order a build passes them:

- ``read``: the inputs are read, nothing is written yet;
- ``extract``: the first paper is extracted, the others are not;
- ``state:child``: in the child that writes the state files beside resolution
  (:func:`kg.build.fork.beside`): the papers' file is written, the extractions' is not
  (the child prints the line);
- ``links:child``: in the child that finds an add's links and then writes its non-RDF
  exports beside the rdf and store stages (:mod:`kg.build.aside`): the links are found, not
  yet handed to the build (the child prints the line);
- ``export:child``: in that child, the first of the non-RDF exports is written (the child
  prints the line);
- ``store``: the N-Quads are written and the new store is open, not yet loaded;
- ``export``: the first export is written into the staging directory;
- ``swap:staged``: the staging directory is now the new generation, not yet live;
- ``swap:switched``: the store symlink leads to the new generation; the files at the
  top of the output directory are still the previous build's;
- ``swap:publishing``: the first of those files is replaced, the others are not;
- ``swap:retiring``: the previous generation is renamed to ``.gone-<id>``, not yet deleted.

At its point a build prints that line and sleeps ``KG_BUILD_PAUSE_SECONDS`` (default
30), then goes on as if nothing happened. Unset, as it always is outside the tests,
the hook does nothing; set, it changes no output, only the time a build takes.
"""

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

ENV = "KG_BUILD_PAUSE"
SECONDS_ENV = "KG_BUILD_PAUSE_SECONDS"
POINTS = ("read", "extract", "state:child", "links:child", "export:child", "store", "export", "swap:staged", "swap:switched", "swap:publishing",
          "swap:retiring")

T = TypeVar("T")


def requested(point: str) -> bool:
    """Whether this build pauses at ``point``."""
    return os.environ.get(ENV) == point


def pause(point: str) -> None:
    """Pause here when ``KG_BUILD_PAUSE`` names ``point``."""
    if not requested(point):
        return
    print(f"kg build: paused at {point} ({ENV})", file=sys.stderr, flush=True)
    try:
        seconds = float(os.environ.get(SECONDS_ENV) or 30)
    except ValueError:
        seconds = 30.0
    # In slices, so a signal's handler runs within a slice: one sleep of all of it would
    # not wake for a signal that came before the sleep began (the line above is read,
    # and the test sends SIGTERM, while this process is on its way to the sleep) or that
    # the kernel gave to another of its threads (the store's), and the build would take
    # the signal only when the pause ends.
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        time.sleep(min(left, 0.05))


def pause_after_first(items: Iterable[T], point: str) -> Iterable[T]:
    """``items``, pausing at ``point`` once the first one has been taken."""
    if not requested(point):
        return items
    return _after_first(items, point)


def _after_first(items: Iterable[T], point: str) -> Iterator[T]:
    for n, item in enumerate(items):
        yield item
        if n == 0:
            pause(point)
