"""Extraction on several cores: ordered chunks of papers in a pool of worker processes.

spaCy's own ``nlp.pipe(n_process=N)`` sends every processed Doc back to the parent as
bytes, its ``Doc._.kg_*`` extensions through msgpack, which cannot hold our records
(candidates, acronym pairs, links): it fails with "can not serialize ...". Here a
worker runs the whole of extraction, pipeline and :func:`~kg.extract.assemble.assemble`,
on a chunk of papers, and only :class:`~kg.records.Paper` records go in and
:class:`~kg.records.PaperEntities` come out, both plain frozen dataclasses that pickle.

- **Once per worker.** Where processes fork (Linux), the workers inherit the pipeline
  the parent built, so starting them costs milliseconds; elsewhere each builds its own
  from the settings once, when it starts (:func:`_start_worker`).
- **Same result.** Each paper's extraction depends on its text alone, and chunks come
  back in input order, so ``jobs=N`` yields exactly what ``jobs=1`` does
  (tests/test_jobs.py compares the bytes).
- **Bounded.** At most ``2 x jobs`` chunks are out at once, so memory does not grow
  with the corpus.
- **Faults.** A worker that dies (killed, out of memory) stops the extraction with a
  :class:`~kg.errors.KGError` saying so; the build stops before writing anything, so
  the previous outputs stay as they were. Ctrl-C and SIGTERM stop the workers too.
"""

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from kg.errors import KGError
from kg.records import Paper, PaperEntities
from kg.settings import Settings

CHUNK = 64  # papers per task: big enough that pickling is noise, small enough to spread the work
# below this many papers per extra worker, starting the pool costs more than it saves
MIN_PAPERS_PER_WORKER = 32


def default_jobs() -> int:
    """The cores this process may run on (the CLI's default ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    """``items`` in consecutive lists of ``size`` (the last one shorter).

    >>> [len(c) for c in chunks([Paper(id=str(i), title="", abstract="") for i in range(5)], 2)]
    [2, 2, 1]
    """
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# ---------------------------------------------------------------- in the worker

_nlp: Any = None  # the worker's pipeline: inherited through fork, or built by _start_worker
_settings: Settings | None = None
_disabled: tuple[str, ...] = ()


def _start_worker(settings: Settings, disabled: tuple[str, ...]) -> None:
    global _nlp, _settings, _disabled
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler, inherited by fork
    _settings, _disabled = settings, disabled
    if _nlp is None:
        from kg.extract import build_nlp

        _nlp = build_nlp(settings)


def extract_chunk(papers: list[Paper], nlp: Any, settings: Settings,
                  disabled: Sequence[str] = ()) -> list[PaperEntities]:
    """One chunk's extractions, in order (what a local or a Dask worker runs)."""
    from kg.extract import extract_entities

    return list(extract_entities(papers, nlp=nlp, settings=settings.with_(n_process=1),
                                 disabled_rules=disabled))


def _run_chunk(papers: list[Paper]) -> list[PaperEntities]:
    assert _settings is not None
    return extract_chunk(papers, _nlp, _settings, _disabled)


# ---------------------------------------------------------------- in the parent

def extract_parallel(papers: Iterable[Paper], settings: Settings | None = None,
                     jobs: int | None = None, nlp: Any = None, chunk_size: int = CHUNK,
                     min_papers: int | None = None,
                     disabled_rules: Sequence[str] = ()) -> Iterator[PaperEntities]:
    """The extractions of ``papers`` in input order, on ``jobs`` processes.

    ``jobs`` defaults to ``settings.n_process``; ``nlp`` is the pipeline made by
    ``kg.extract.build_nlp(settings)`` (made here if None). With one job, or fewer
    than ``min_papers`` papers (by default :data:`MIN_PAPERS_PER_WORKER` per
    worker), it extracts in this process, as :func:`kg.extract.extract_entities`
    does: starting workers would cost more than it saves. The result is the same.
    """
    from kg.extract import build_nlp

    settings = settings or Settings()
    jobs = settings.n_process if jobs is None else jobs
    if jobs < 1:
        raise KGError(f"bad number of jobs {jobs}: expected 1 or more")
    papers = papers if isinstance(papers, Sequence) else list(papers)
    if min_papers is None:
        min_papers = MIN_PAPERS_PER_WORKER * jobs
    if nlp is None and (jobs == 1 or len(papers) < min_papers or _forks()):
        nlp = build_nlp(settings)
    if jobs == 1 or len(papers) < min_papers or len(papers) <= chunk_size:
        yield from extract_chunk(list(papers), nlp, settings, disabled_rules)
        return
    yield from _pooled(papers, settings, jobs, nlp, chunk_size, tuple(disabled_rules))


def _forks() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def _pooled(papers: Sequence[Paper], settings: Settings, jobs: int, nlp: Any, chunk_size: int,
            disabled: tuple[str, ...]) -> Iterator[PaperEntities]:
    global _nlp
    method = "fork" if _forks() else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(settings, disabled))
    pending: deque[Future[list[PaperEntities]]] = deque()
    todo = chunks(papers, chunk_size)
    done = False
    try:
        if method == "fork":
            _nlp = nlp  # the workers fork from here and inherit it; the parent keeps its own reference
        pending.extend(pool.submit(_run_chunk, chunk) for chunk in islice(todo, 2 * jobs))
        _nlp = None
        while pending:
            results = pending.popleft().result()
            pending.extend(pool.submit(_run_chunk, chunk) for chunk in islice(todo, 1))
            yield from results
        done = True
    except BrokenProcessPool:
        raise KGError("an extraction worker process died (killed, or out of memory); the "
                      "extraction stopped and nothing was written") from None
    finally:
        _nlp = None
        if not done:  # an error, Ctrl-C, SIGTERM or a consumer that stopped early: stop the workers
            for f in pending:
                f.cancel()
            _stop(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now (shutdown alone would wait for their chunks)."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
