"""Extraction and the pair counting of linking on a Dask distributed cluster:
``kg build --scheduler tcp://HOST:PORT``.

The papers go to the cluster's workers in ordered partitions; each worker runs the
whole of extraction on a partition (:func:`kg.build.parallel.extract_chunk`) and sends
back its :class:`~kg.records.PaperEntities`, which the build takes in input order. The
rest of the build (resolution, linking, RDF, store, exports) runs here as usual, so the
outputs are those of a local build (tests/test_dask.py compares the sorted N-Quads).

- **Once per worker.** A worker process builds the pipeline for a spaCy mode the first
  time a partition needs it and keeps it (:func:`_pipeline`); kg must be installed on
  the workers, and the same kg: every partition checks that the worker's extractor
  fingerprint is this build's, and refuses to extract with another.
- **Faults.** A partition lost with a worker that died is computed again on another
  worker (Dask's ``distributed.scheduler.allowed-failures`` times, 3 by default); past
  that, or if the scheduler goes away, the build stops with a :class:`~kg.errors.KGError`
  before writing anything, so the previous outputs stay as they were. An unreachable
  scheduler is one line naming the address (``kg build`` exits with code 2) after Dask's
  connect timeout (``distributed.comm.timeouts.connect``, 30 s unless configured).
- **Linking.** :func:`link_runner` is a :data:`kg.resolve.links.PartRunner`: the index
  of the whole corpus goes to every worker once (``scatter``), then each part of
  :data:`LINK_PART` papers is counted on a worker (:func:`kg.resolve.links.link_part`),
  and the candidates come back here in order, where the caps are applied: the links are
  those of a local build (tests/test_dask_links.py). A worker whose linking code is not
  this build's refuses the part.
- **Bounded.** At most ``2 x`` the cluster's threads partitions are out at once, and the
  papers are taken from their iterable as partitions are sent, never all held here.

``dask[distributed]`` is an optional dependency: ``pip install 'kg[dask]'``.
"""

import contextlib
import hashlib
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Any

from kg.build.parallel import CHUNK, chunks, extract_chunk
from kg.build.pause import pause
from kg.errors import KGError
from kg.records import Paper, PaperEntities
from kg.settings import Settings

PAUSE_POINT = "dask:partition"  # KG_BUILD_PAUSE on a worker: the fault tests kill it there
LINK_PART = 2000  # papers per part of the pair counting: seconds of work, a small result


def _client_class() -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise KGError("--scheduler needs Dask: pip install 'kg[dask]' "
                      "(dask[distributed]) here and on the workers") from None
    return Client


def connect(address: str, timeout: float | None = None) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address``, or a one-line :class:`KGError`."""
    Client = _client_class()
    import dask
    from dask.utils import parse_timedelta

    check_address(address)
    if timeout is None:
        timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise KGError(f"cannot reach the Dask scheduler at {address} ({_reason(e)})") from None


def check_address(address: str) -> None:
    """Raise a :class:`KGError` unless ``address`` is a scheduler address Dask can dial.

    Checked before a Client is made: one made for a bad address lingers and hangs at exit.
    """
    from distributed.comm import registry
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme != "inproc":
            host, _ = parse_host_port(location)
            if not host:
                raise ValueError("no host")
    except (ValueError, TypeError) as e:
        raise KGError(f"bad Dask scheduler address {address!r} ({_reason(e)}); expected "
                      "tcp://HOST:PORT") from None
    if scheme not in registry.backends:
        raise KGError(f"bad Dask scheduler address {address!r}: unknown scheme {scheme!r}; "
                      f"expected one of: {', '.join(sorted(registry.backends))}")


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


# ---------------------------------------------------------------- on a worker

_lock = threading.Lock()  # a worker with several threads builds each pipeline once, uses it alone


@lru_cache(maxsize=4)
def _pipeline(spacy_mode: str, min_confidence: float, extractor: str) -> tuple[Any, str]:
    """This worker's pipeline for ``spacy_mode`` and the fingerprint of its extractor."""
    from kg.build.state import extractor_fingerprint
    from kg.extract import build_nlp

    settings = Settings(spacy_mode=spacy_mode, min_confidence=min_confidence, extractor=extractor)
    return build_nlp(settings), extractor_fingerprint(settings)


def extract_partition(papers: list[Paper], settings: Settings,
                      fingerprint: str) -> list[PaperEntities]:
    """What a worker runs: one partition's extractions, in order.

    Refuses (:class:`KGError`) when this worker's extractor is not the one whose
    ``fingerprint`` the build computed: its results could differ from a local build's.
    """
    with _lock:
        nlp, here = _pipeline(settings.spacy_mode, settings.min_confidence, settings.extractor)
        _refuse_other(here, fingerprint, "extractor")
        pause(PAUSE_POINT)
        return extract_chunk(papers, nlp, settings)


def _refuse_other(here: str, fingerprint: str, what: str) -> None:
    """:class:`KGError` when this worker's ``what`` (extractor, linker) is not the build's."""
    if here != fingerprint:
        import socket

        raise KGError(f"the Dask worker on {socket.gethostname()} runs another kg {what} "
                      f"(fingerprint {here}, this build's is {fingerprint}): install the same "
                      "kg on every worker")


@lru_cache(maxsize=1)
def linker_fingerprint() -> str:
    """Changes with the code of linking (and kg's and numpy's versions): a worker with
    another one could give other links."""
    import numpy

    from kg import __version__

    h = hashlib.sha256(f"{__version__}\0{numpy.__version__}\0".encode())
    resolve = Path(__file__).parent.parent / "resolve"
    for name in ("links.py", "candidates.py", "similarity.py"):
        h.update(name.encode() + b"\0" + (resolve / name).read_bytes())
    return h.hexdigest()[:16]


def link_partition(fn: Callable[[Any, int, int], Any], shared: Any, lo: int, hi: int,
                   fingerprint: str) -> Any:
    """What a worker runs for a part of linking: ``fn(shared, lo, hi)``, once it has checked
    that its linking code is the build's (:func:`linker_fingerprint`)."""
    _refuse_other(linker_fingerprint(), fingerprint, "linker")
    pause(PAUSE_POINT)
    return fn(shared, lo, hi)


# ---------------------------------------------------------------- on the machine that builds

def extract_distributed(papers: Iterable[Paper], settings: Settings | None, scheduler: str,
                        chunk_size: int = CHUNK) -> Iterator[PaperEntities]:
    """The extractions of ``papers`` in input order, computed on the cluster at ``scheduler``."""
    from kg.build.state import extractor_fingerprint

    settings = (settings or Settings()).with_(n_process=1)
    client = connect(scheduler)
    try:
        fingerprint = extractor_fingerprint(settings)
        run = uuid.uuid4().hex[:12]  # task keys of this build only, whoever else uses the cluster
        tasks = ((f"kg-extract-{run}-{i}", extract_partition, (chunk, settings, fingerprint))
                 for i, chunk in enumerate(chunks(papers, chunk_size)))
        for results in _in_order(client, tasks, scheduler, "extraction"):
            yield from results
    finally:
        client.close()


@contextlib.contextmanager
def link_runner(scheduler: str, part_size: int = LINK_PART) -> Iterator[Any]:
    """A :data:`kg.resolve.links.PartRunner` on the cluster at ``scheduler``, while in the block.

    >>> with link_runner(address) as runner:                     # doctest: +SKIP
    ...     links = paper_links(occurrences, n, settings, entities, titles, texts, runner=runner)
    """
    client = connect(scheduler)
    try:
        yield partial(run_parts, client, scheduler, part_size)
    finally:
        client.close()


def run_parts(client: Any, scheduler: str, part_size: int, fn: Callable[[Any, int, int], Any],
              shared: Any, n: int) -> Iterator[Any]:
    """``fn(shared, lo, hi)`` for consecutive parts of ``0 .. n - 1``, on the cluster, in order.

    ``shared`` is sent to every worker once; ``fn`` must be importable there (a kg function).
    """
    run = uuid.uuid4().hex[:12]
    fingerprint = linker_fingerprint()
    future = client.scatter(shared, broadcast=True, hash=False)
    try:
        tasks = ((f"kg-link-{run}-{lo // part_size}", link_partition,
                  (fn, future, lo, min(lo + part_size, n), fingerprint))
                 for lo in range(0, n, max(1, part_size)))
        yield from _in_order(client, tasks, scheduler, "linking")
    finally:
        future.release()


def _in_order(client: Any, tasks: Iterator[tuple[str, Callable[..., Any], tuple[Any, ...]]],
              scheduler: str, stage: str) -> Iterator[Any]:
    """The results of ``tasks`` (key, function, arguments) computed on the cluster, in their
    order, at most ``2 x`` the cluster's threads out at once; faults as one :class:`KGError`."""
    from distributed import KilledWorker

    window = 2 * max(1, _threads(client))
    pending: deque[Any] = deque()
    stopped = f"the {stage} stopped and nothing was written"

    def submit(n: int) -> None:
        for key, fn, args in islice(tasks, n):
            pending.append(client.submit(fn, *args, key=key, pure=False))

    submit(window)
    try:
        while pending:
            future = pending.popleft()
            try:
                result = future.result()
            except KilledWorker as e:
                raise KGError(f"the Dask workers computing partition {_part(future.key)} died "
                              f"({_killed(e)}); {stopped}") from None
            except (OSError, TimeoutError) as e:
                raise KGError(f"lost the Dask scheduler at {scheduler} ({_reason(e)}); "
                              f"{stopped}") from None
            except Exception as e:
                if type(e).__name__ in ("CancelledError", "FutureCancelledError"):
                    raise KGError(f"the Dask scheduler at {scheduler} cancelled partition "
                                  f"{_part(future.key)} ({_reason(e)}); {stopped}") from None
                raise
            del future  # its result is released on the cluster as soon as it is taken
            submit(1)
            yield result
    finally:
        for future in pending:
            future.cancel()


def _killed(error: Exception) -> str:
    """KilledWorker's facts, without its advice."""
    tries = error.args[2] + 1 if len(error.args) > 2 and isinstance(error.args[2], int) else None
    last = getattr(error.args[1], "address", None) if len(error.args) > 1 else None
    if tries is None or last is None:
        return _reason(error)
    return (f"{tries} worker{'s' if tries > 1 else ''} died running it, the last at {last}; "
            "Dask's distributed.scheduler.allowed-failures is the number of retries")


def _part(key: str) -> str:
    return key.rsplit("-", 1)[-1]


def _threads(client: Any) -> int:
    """Threads of the cluster's workers (0 when none has joined yet)."""
    workers = client.scheduler_info().get("workers", {})
    return sum(int(w.get("nthreads", 1)) for w in workers.values())
