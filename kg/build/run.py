"""``kg build``: read, extract, resolve and link, load the store, write the exports.

The output directory holds the state of the corpus (``papers.jsonl``,
``extractions.jsonl``), the store (``store/``), the exports and ``build.json``.

- **Incremental.** Papers already built are kept; a paper is extracted again only
  when it is new, its title or abstract changed, or the extractor changed
  (:func:`kg.build.plan.plan` decides, from :mod:`kg.build.state`).
  Resolution, linking, the N-Quads and the exports are redone over the whole corpus,
  so corpus-level figures (support, links) always reflect every paper; the store is the
  live one copied and updated with the difference of the N-Quads (:mod:`kg.rdf.diff`),
  and the state files copy the lines of unchanged records (written by a forked child while
  the corpus is resolved, on the core resolution leaves idle). A build that
  reads the same papers with the same settings and code as the live build
  (:func:`kg.build.state.build_fingerprint`) stops after that check: the live build stands.
  One whose input files hold the very bytes the live build read, under the same names
  (:func:`kg.build.state.inputs_key`), stops before reading them at all.
- **Streaming.** After resolution the corpus goes out as sorted N-Quads, one partition
  at a time (:mod:`kg.rdf.nquads`); the store is bulk-loaded from that file and the RDF
  exports are written from it by pyoxigraph (:mod:`kg.build.exports`).
- **Idempotent.** The same inputs give the same state, store and exports; ``graph.nq``
  and ``void.ttl`` are the same bytes.
- **Safe.** Everything is built in ``.staging-<pid>/``, which becomes a generation
  of the output directory at the end (:mod:`kg.store.generation`); the store
  symlink switched in one step makes it live, so a build that dies at any point
  leaves the previous outputs usable, and readers always answer from one build.
  SIGTERM (or Ctrl-C) removes the staging directory and stops the build with
  :class:`BuildTerminated`; the swap itself is not cut short. A second build of the
  same output directory fails at once (:func:`kg.build.swap.build_lock`).
"""

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.build.aside import LinksLater, TextsAhead, adding, exports_aside
from kg.build.clock import Clock
from kg.build.exports import check_exports, export_all
from kg.build.fork import beside
from kg.build.pause import pause
from kg.build.plan import plan
from kg.build.prune import dropped, without
from kg.build.reread import READ_NAME, Prior, as_read, prior_of, read_all, write_prior
from kg.build.stages import (
    VOID,
    extract_papers,
    load_store,
    read_inputs,
    resolve_corpus,
    write_quads,
)
from kg.build.state import (
    EXTRACTIONS,
    PAPERS,
    SUMMARY,
    State,
    build_fingerprint,
    code_fingerprint,
    extractor_fingerprint,
    leading_keys,
    live_record,
    load_state,
    settings_dict,
    write_records,
    write_summary,
)
from kg.build.swap import LOCK_NAME, build_lock, clean_leftovers, new_generation_id, swap_into_place
from kg.resolve.paused import gc_paused
from kg.settings import Settings
from kg.store.generation import STORE_NAME, Generation, resolve

STAGING_PREFIX = ".staging-"
ASIDE = "export_aside"  # build.json: wall and CPU of the child writing an add's non-RDF exports
STATE_ASIDE = "state_aside"  # build.json: wall and CPU of the child writing the state files
LINKS_WAIT = "links_wait"  # build.json: seconds an add's rdf stage waited for the child's links
__all__ = ["BuildSummary", "BuildTerminated", "VOID", "build", "check_exports", "export_all",
           "extract_papers", "load_store", "read_inputs", "resolve_corpus", "versions", "write_quads"]


class BuildTerminated(BaseException):
    """The build got SIGTERM and stopped, its staging directory removed.

    The output directory holds the last build that finished: the previous one, or this
    one when the signal came during the swap (which is never cut short).

    A BaseException, as KeyboardInterrupt is, so that no ``except Exception`` on the
    way swallows it; ``kg build`` reports it in one line and exits 143.
    """


@dataclass(frozen=True)
class BuildSummary:
    """What a build did; ``build.json`` holds the same."""

    output_dir: str
    papers: int = 0  # in the corpus after the build
    papers_new: int = 0
    papers_updated: int = 0  # same id, new title or abstract: replaced
    papers_unchanged: int = 0  # read again with the same text
    papers_kept: int = 0  # from earlier builds, not in this build's inputs
    papers_removed: int = 0  # dropped by kg remove or --prune (kg.build.prune)
    papers_extracted: int = 0
    skipped: int = 0  # bad records skipped with --skip-bad
    entities: dict[str, int] = field(default_factory=dict)  # by type
    occurrences: int = 0
    links: int = 0
    triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (wall)
    cpu_timings: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage
    outputs: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["outputs"] = list(self.outputs)
        return d


# ---------------------------------------------------------------- the build

def versions() -> dict[str, str]:
    """Versions of kg and the libraries whose output a build depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("kg", "spacy", "rdflib", "pyoxigraph", "networkx"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


def build(inputs: Sequence[str | Path], output_dir: str | Path | None = None,
          settings: Settings | None = None, progress: bool = True,
          input_format: str | None = None,
          on_error: Any = None, nlp: Any = None,
          remove: Sequence[str] = (), prune: bool = False,
          scheduler: str | None = None) -> BuildSummary:
    """Build (or update) the knowledge graph of ``inputs`` in ``output_dir``.

    ``remove`` names papers to drop from the corpus (ids or titles), and ``prune`` drops
    the papers of earlier builds that ``inputs`` no longer hold (:mod:`kg.build.prune`).

    ``on_error`` receives each bad record skipped with ``settings.skip_bad``.
    ``nlp`` is the spaCy pipeline to extract with, made by
    ``kg.extract.build_nlp(settings)`` (the fingerprint of the extractions assumes
    so); by default one is made, and only when a paper needs extracting.
    Extraction runs on ``settings.n_process`` processes (:mod:`kg.build.parallel`), or
    on the Dask cluster whose scheduler is at ``scheduler`` (:mod:`kg.build.distributed`).
    """
    settings = settings or Settings()
    output_dir = Path(output_dir if output_dir is not None else settings.output_dir)
    settings = settings.with_(output_dir=output_dir)
    from kg.rdf.iri import check_base
    from kg.sources import expand_paths, get_reader

    # a missing input, an unknown format, a bad export or base IRI fails before anything is written
    expand_paths(inputs)
    if input_format:
        get_reader(input_format)
    check_exports(settings.exports)
    check_base(settings.base_iri)
    with _terminate_on_sigterm(), build_lock(output_dir):
        clean_leftovers(output_dir, STAGING_PREFIX)
        staging = output_dir / f"{STAGING_PREFIX}{os.getpid()}"
        try:
            with _long_lived() as keep:
                summary = _build(inputs, output_dir, staging, settings, progress, input_format,
                                 on_error, nlp, (tuple(remove), prune), scheduler, keep)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return summary


@contextlib.contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """A function that moves every object alive to the garbage collector's permanent
    generation (``gc.freeze``): the papers, extractions and corpus of a build live to its
    end, and each full collection walked them again (at 100k papers, several seconds
    of resolution's CPU). Undone at the end; a caller that froze objects itself keeps
    its own (nothing is frozen here then)."""
    import gc

    if gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """SIGTERM raises :class:`BuildTerminated`, so the staging directory is cleaned up on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a build in a thread keeps the default
        return

    def terminate(signum: int, frame: object) -> None:
        raise BuildTerminated("terminated by SIGTERM; the output directory holds the last "
                              "build that finished")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is done (the swap is not cut short).

    Not by blocking them: a signal blocked in the main thread still reaches another
    thread (RocksDB's, for one), and Python then runs the handler in the main thread
    anyway. The handlers note the signal; it is raised again after the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []

    def note(signum: int, frame: object) -> None:
        got.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if got:
            signal.raise_signal(got[0])


def _build(inputs: Sequence[str | Path], output_dir: Path, staging: Path, settings: Settings,
           show: bool, input_format: str | None, on_error: Any, nlp: Any,
           drop: tuple[tuple[str, ...], bool] = ((), False),
           scheduler: str | None = None, keep: Callable[[], None] = lambda: None) -> BuildSummary:
    clock = Clock()
    live = resolve(output_dir)  # no build retires it meanwhile: this one holds the build lock

    with clock.stage("read"):  # the bytes only, hashed: enough to tell that nothing changed
        fingerprint = extractor_fingerprint(settings)
        # made once: it reads every file of the package, and every key of this build names one code
        code = code_fingerprint()
        keys = leading_keys(inputs, input_format, settings, fingerprint, code)
        files_key = keys[-1] if keys is not None else None
    with clock.stage("check"):
        unchanged = live_record(live, "inputs_key", files_key)
    if unchanged is not None and drop == ((), False):  # the same bytes, settings and code
        return _noop(output_dir, unchanged, int(unchanged.get("read", 0)), clock)

    reports = 0

    def counted(error: Exception) -> None:
        nonlocal reports
        reports += 1
        if on_error is not None:
            on_error(error)

    # the live build read the first of these files: its records may stand for them (kg.build.reread)
    found = prior_of(live.root if live is not None else None, live_record(live), keys)
    prev = _load_prior(live, output_dir, clock, keep) if found is not None else None
    with clock.stage("read"), gc_paused():
        read, skipped, seen = read_all(
            inputs, found, prev.papers if prev is not None else None, counted,
            lambda files, report, keys: read_inputs(files, settings, show, input_format, report, keys))
        keep()  # the papers read, to the end of the build
        if reports or leading_keys(inputs, input_format, settings, fingerprint, code) != keys:
            files_key = None  # an input changed while read, or a record was reported: read it again
    pause("read")
    with clock.stage("check"):
        build_id = build_fingerprint(read, settings, fingerprint, code)
        unchanged = live_record(live, "fingerprint", build_id)
    if unchanged is not None and drop == ((), False):  # the same inputs, settings and code
        return _noop(output_dir, unchanged, len(read), clock, skipped)

    if prev is None:
        prev = _load_prior(live, output_dir, clock, keep)
    todo = plan(prev, read, fingerprint)
    removed = dropped(todo, *drop)  # kg remove, kg build --prune: before anything is written
    todo = without(todo, removed)
    papers = todo.papers
    extractions = dict(todo.extractions)

    with clock.stage("extract"):
        for pe in extract_papers(list(todo.to_extract), settings, show, nlp, scheduler):
            extractions[pe.id] = pe
    keep()  # the papers and extractions, to the end of the build
    staging.mkdir(parents=True)
    old = live.root if live is not None and prev.info.get("code") == code else None
    prior = Prior(files_key, tuple(read), seen) if files_key is not None and as_read(read, papers) \
        else None  # for the next build (kg.build.reread)

    texts = TextsAhead(staging, papers, settings)  # the links' text index, made by the child first

    def write_state() -> None:  # the lines of unchanged records copied from the live build's files
        texts.make()
        write_records(staging / PAPERS, papers.values(), old and old / PAPERS, prev.papers)
        pause("state:child")
        write_records(staging / EXTRACTIONS, (extractions[k] for k in papers),
                      old and old / EXTRACTIONS, prev.extractions)
        if prior is not None:
            write_prior(staging / READ_NAME, prior)

    with beside(write_state, "the state files", output_dir / LOCK_NAME) as state:
        texts.forked()
        with clock.stage("resolve"):
            corpus = resolve_corpus(list(papers.values()), [extractions[k] for k in papers],
                                    settings, scheduler, adding(live, settings, scheduler), texts)
            keep()  # and the corpus
        with clock.stage("state"):  # what is left of it once resolution is done
            if state is not None:
                state.wait()
    if state is not None:
        clock.child(STATE_ASIDE, "state", state.wall, state.cpu)

    with exports_aside(corpus, staging, settings, live, output_dir / LOCK_NAME, texts) as aside:
        with clock.stage("rdf"):
            quads = write_quads(corpus, staging, settings, live, prev, code)
        if isinstance(corpus, LinksLater):  # of the rdf stage, the wait for the child's links
            clock.timings[LINKS_WAIT] = round(corpus.waited, 3)
        with clock.stage("store"):
            triples = load_store(quads, staging / STORE_NAME, show)
        with clock.stage("export"):
            outputs = export_all(corpus, quads, staging, settings, show, aside)
    texts.done()
    if aside is not None:
        clock.child(ASIDE, "export", aside.wall, aside.cpu)

    entity_types = Counter(e.type for e in corpus.entities.values())
    info = BuildSummary(
        output_dir=str(output_dir), papers=len(papers), papers_new=len(todo.new),
        papers_updated=len(todo.updated), papers_unchanged=len(todo.unchanged),
        papers_kept=len(todo.kept), papers_removed=len(removed),
        papers_extracted=len(todo.to_extract), skipped=skipped,
        entities=dict(sorted(entity_types.items())), occurrences=len(corpus.occurrences),
        links=len(corpus.links), triples=triples, timings=clock.timings, cpu_timings=clock.cpu,
        outputs=tuple(sorted([PAPERS, EXTRACTIONS, STORE_NAME + "/", SUMMARY, *outputs])),
        versions=versions())
    with clock.stage("swap"):
        generation = new_generation_id()
        record = info.to_dict() | {"extractor": fingerprint, "fingerprint": build_id,
                                   "inputs_key": files_key, "code": code, "read": len(read),
                                   "inputs": [str(p) for p in inputs],
                                   "settings": settings_dict(settings), "generation": generation}
        write_summary(staging / SUMMARY, record)
        with _signals_held():
            swap_into_place(staging, output_dir, generation, last=SUMMARY)
    return BuildSummary(**{**asdict(info), "timings": clock.timings, "cpu_timings": clock.cpu,
                           "outputs": info.outputs})


def _load_prior(live: Generation | None, output_dir: Path, clock: Clock,
                keep: Callable[[], None]) -> State:
    """The live build's state (:func:`kg.build.state.load_state`), kept to the end of the build."""
    with clock.stage("prior"), gc_paused():  # millions of records, every one kept
        prev = load_state(live.root if live is not None else output_dir)
        keep()
    return prev


def _noop(output_dir: Path, info: dict[str, Any], read: int, clock: Clock,
          skipped: int = 0) -> BuildSummary:
    """What a build that found nothing to do reports: the live build's figures, nothing done."""
    papers = int(info.get("papers", 0))
    return BuildSummary(
        output_dir=str(output_dir), papers=papers, papers_unchanged=read,
        papers_kept=max(0, papers - read), skipped=skipped,
        entities=dict(info.get("entities") or {}), occurrences=int(info.get("occurrences", 0)),
        links=int(info.get("links", 0)), triples=int(info.get("triples", 0)),
        timings=clock.timings, cpu_timings=clock.cpu,
        outputs=tuple(info.get("outputs") or ()), versions=dict(info.get("versions") or {}))
