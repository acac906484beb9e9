"""Extraction on a Dask distributed cluster: ``kg build --scheduler tcp://HOST:PORT``.

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
- **Bounded.** At most ``2 x`` the cluster's threads partitions are out at once.

``dask[distributed]`` is an optional dependency: ``pip install 'kg[dask]'``.
"""

import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any

from kg.build.parallel import CHUNK, chunks, extract_chunk
from kg.build.pause import pause
from kg.errors import KGError
from kg.records import Paper, PaperEntities
from kg.settings import Settings

PAUSE_POINT = "dask:partition"  # KG_BUILD_PAUSE on a worker: the fault tests kill it there


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
        if here != fingerprint:
            import socket

            raise KGError(f"the Dask worker on {socket.gethostname()} runs another kg extractor "
                          f"(fingerprint {here}, this build's is {fingerprint}): install the same "
                          "kg on every worker")
        pause(PAUSE_POINT)
        return extract_chunk(papers, nlp, settings)


# ---------------------------------------------------------------- on the machine that builds

def extract_distributed(papers: Iterable[Paper], settings: Settings | None, scheduler: str,
                        chunk_size: int = CHUNK) -> Iterator[PaperEntities]:
    """The extractions of ``papers`` in input order, computed on the cluster at ``scheduler``."""
    from kg.build.state import extractor_fingerprint

    settings = (settings or Settings()).with_(n_process=1)
    papers = papers if isinstance(papers, Sequence) else list(papers)
    client = connect(scheduler)
    try:
        fingerprint = extractor_fingerprint(settings)
        yield from _collect(client, papers, settings, fingerprint, chunk_size, scheduler)
    finally:
        client.close()


def _collect(client: Any, papers: Sequence[Paper], settings: Settings, fingerprint: str,
             chunk_size: int, scheduler: str) -> Iterator[PaperEntities]:
    from distributed import KilledWorker

    run = uuid.uuid4().hex[:12]  # task keys of this build only, whoever else uses the cluster
    todo = enumerate(chunks(papers, chunk_size))
    window = 2 * max(1, _threads(client))
    pending: deque[Any] = deque()

    def submit(n: int) -> None:
        for i, chunk in islice(todo, n):
            pending.append(client.submit(extract_partition, chunk, settings, fingerprint,
                                         key=f"kg-extract-{run}-{i}", pure=False))

    submit(window)
    try:
        while pending:
            future = pending.popleft()
            try:
                results = future.result()
            except KilledWorker as e:
                raise KGError(f"the Dask workers computing partition {_part(future.key)} died "
                              f"({_killed(e)}); the extraction stopped and nothing was "
                              "written") from None
            except (OSError, TimeoutError) as e:
                raise KGError(f"lost the Dask scheduler at {scheduler} ({_reason(e)}); the "
                              "extraction stopped and nothing was written") from None
            except Exception as e:
                if type(e).__name__ in ("CancelledError", "FutureCancelledError"):
                    raise KGError(f"the Dask scheduler at {scheduler} cancelled partition "
                                  f"{_part(future.key)} ({_reason(e)}); the extraction stopped "
                                  "and nothing was written") from None
                raise
            submit(1)
            yield from results
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
