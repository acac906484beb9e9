"""The stages of ``kg build`` after planning, each one a function (so a test can make one fail
for real and check that the previous outputs survive): read, extract, resolve, RDF, store; the
exports are written by :mod:`kg.build.exports`.

From resolution on the data flows as streams in bounded memory: the corpus is written
as sorted N-Quads partition by partition (:mod:`kg.rdf.nquads`), VoID's figures counted on
the way; pyoxigraph bulk-loads the store from those lines on a second thread as they are
written, or, on top of a live build, a copy of the live store is updated with what changed
(:mod:`kg.rdf.diff`); the RDF exports are written by pyoxigraph's serialisers from the
N-Quads in a child process, while this one makes the other formats (tables, graphs, HTML,
JSON-LD) from the corpus. Two cores are busy through the rdf, store and export stages.
"""

import contextlib
import gc
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.build.pause import pause, pause_after_first
from kg.errors import InputError, InputWarning
from kg.fileio import progress
from kg.records import Paper, PaperEntities
from kg.settings import Settings

VOID = "void.ttl"  # written by every build, whatever the exports
QUADS_TMP = ".quads.nq"  # the N-Quads the store loads from, when no export keeps them
# in the generation, beside its store: the store's files as the build left them, holding the
# quads of its N-Quads (kg.store.rdfio.store_files), and that file's size and time; the next
# add that finds both the same need not count the quads of its updated copy
STORE_FILES = ".store-files.json"


@dataclass
class Quads:
    """The N-Quads a build wrote: the file, its lines and the VoID figures counted on the way."""

    path: Path
    lines: int
    counts: Any  # kg.rdf.void.VoidCounts
    export: str | None  # the export name the file is (graph.nq), or None: a temporary file
    loader: Any = None  # kg.store.rdfio.BackgroundLoader loading the store at ``store``
    store: Path | None = None
    # the live build's store and N-Quads, and the partitions of these: load_store updates a copy
    update: tuple[Path, Path, list[tuple[bytes | None, int]]] | None = None
    # the live build's N-Quads, whose Turtle the Turtle export copies where it can (kg.export.turtle)
    live: Path | None = None


def read_inputs(inputs: Sequence[str | Path], settings: Settings, show: bool,
                input_format: str | None, on_error: Any,
                keys: Any = None) -> tuple[dict[str, Paper], int]:
    """The papers of ``inputs`` by id (merged by the readers) and how many bad records were skipped.

    ``keys`` (a :class:`kg.sources.merge.SeenKeys`) gets what the sightings were merged by.
    """
    from kg.sources import read_papers

    skipped = 0

    def report(error: InputError) -> None:
        nonlocal skipped
        skipped += not isinstance(error, InputWarning)  # a warned record is kept
        if on_error is not None:
            on_error(error)

    papers: dict[str, Paper] = {}
    stream = read_papers(list(inputs), input_format=input_format, skip_bad=settings.skip_bad,
                         on_error=report, keys=keys)
    for paper in progress(stream, "read", enabled=show, unit="paper"):
        papers[paper.id] = paper
    return papers, skipped


def extract_papers(papers: list[Paper], settings: Settings, show: bool,
                   nlp: Any = None, scheduler: str | None = None) -> Iterator[PaperEntities]:
    """Extraction of ``papers`` with ``nlp`` (made here, and only when there is work, if None),
    on ``settings.n_process`` local processes or on the Dask cluster at ``scheduler``."""
    extracted: Iterable[PaperEntities]
    if scheduler is not None:  # connects even with nothing to extract: a bad address is an error
        from kg.build.distributed import extract_distributed

        extracted = extract_distributed(papers, settings, scheduler)
    elif not papers:
        return
    else:
        from kg.build.parallel import extract_parallel

        extracted = extract_parallel(papers, settings, nlp=nlp)
    extracted = pause_after_first(extracted, "extract")
    yield from progress(extracted, "extract", enabled=show, total=len(papers), unit="paper")


def resolve_corpus(papers: list[Paper], extractions: list[PaperEntities], settings: Settings,
                   scheduler: str | None = None, later: bool = False, texts: Any = None) -> Any:
    """Resolution and linking over the whole corpus; with ``scheduler``, the pair counting
    of linking runs on that Dask cluster (:func:`kg.build.distributed.link_runner`). With
    ``later``, the entities only: a :class:`kg.build.aside.LinksLater` corpus, whose links a
    child of :func:`kg.build.aside.exports_aside` finds. ``texts`` (a
    :class:`kg.build.aside.TextsAhead`) gives the links' text index made beside."""
    from kg.corpus import Corpus

    if later:
        from kg.build.aside import LinksLater

        return LinksLater.unlinked(papers, extractions, settings)
    take = texts.take if texts is not None else None
    if scheduler is None:
        return Corpus.from_extractions(papers, extractions, settings, text_index=take)
    from kg.build.distributed import link_runner

    with link_runner(scheduler) as runner:
        return Corpus.from_extractions(papers, extractions, settings, link_runner=runner, text_index=take)


def quads_export(settings: Settings) -> str | None:
    """The name of the first N-Quads export (``graph.nq``, ``graph.nq.gz``), if any."""
    from kg.export.registry import get_format

    return next((name for name, fmt in settings.exports if get_format(fmt).name == "nquads"), None)


def live_quads(live: Any, settings: Settings) -> tuple[Path, Path] | None:
    """The live build's store and plain N-Quads export, when a build can update a copy of the
    store from them: the live generation (``live``, a :class:`kg.store.generation.Generation`)
    has both, the file under the name this build writes its own under, uncompressed."""
    from kg.export.registry import GZ

    name = quads_export(settings)
    if live is None or live.id is None or name is None or name.endswith(GZ):
        return None
    path = live.root / name
    if not path.is_file() or not live.store.is_dir():
        return None
    return live.store, path


def write_quads(corpus: Any, staging: Path, settings: Settings, live: Any = None,
                prev: Any = None, code: str | None = None) -> Quads:
    """The corpus as sorted N-Quads in ``staging``: the N-Quads export itself when the
    build has one (compressed if its name ends in ``.gz``), else a temporary file.

    With a live build to start from (``live``: :func:`live_quads`), :func:`load_store`
    updates a copy of its store with what changed, and the paper partitions whose
    record and extraction are the live build's (``prev``, its :class:`kg.build.state.State`)
    and whose resolution did not change are copied from its N-Quads, not converted
    (:mod:`kg.rdf.reuse`; ``code`` is the code fingerprint, which they must share).
    Otherwise the store ``staging/store`` is bulk-loaded from the lines on a second
    thread as they are written (:class:`kg.store.rdfio.BackgroundLoader`);
    :func:`load_store` waits for it.
    """
    from kg.export.registry import GZ
    from kg.fileio import atomic_write
    from kg.rdf.nquads import write_nquads
    from kg.rdf.reuse import PARTS_NAME, Recorder
    from kg.rdf.void import VoidCounts
    from kg.store.embedded import open_store
    from kg.store.generation import STORE_NAME
    from kg.store.rdfio import BackgroundLoader

    name = quads_export(settings)
    path = staging / (name or QUADS_TMP)
    counts = VoidCounts()
    store_dir = staging / STORE_NAME
    previous = live_quads(live, settings)
    # a plain N-Quads export can be the next build's live file: its paper partitions recorded
    record = Recorder(code, settings.base_iri) if code is not None and name and not name.endswith(GZ) \
        else None
    if previous is not None:
        index: list[tuple[bytes | None, int]] = []
        with _reuse(previous[1], prev, corpus, settings, code) as reuse, atomic_write(path, "wb") as f:
            lines = write_nquads(corpus, f, settings, counts, index=index, reuse=reuse, record=record)
        if record is not None:
            record.write(staging / PARTS_NAME, path.stat().st_size)
        return Quads(path, lines, counts, name, store=store_dir, update=(*previous, index),
                     live=previous[1])
    loader = BackgroundLoader(open_store(store_dir))
    try:
        with atomic_write(path, "wb") as f:
            lines = write_nquads(corpus, f, settings, counts, gzipped=path.name.endswith(GZ),
                                 sink=loader.feed, record=record)
        if record is not None:
            record.write(staging / PARTS_NAME, path.stat().st_size)
    except BaseException:
        loader.abort()
        gc.collect()  # the store's files closed before the staging directory goes
        raise
    return Quads(path, lines, counts, name, loader, store_dir)


@contextlib.contextmanager
def _reuse(live_nq: Path, prev: Any, corpus: Any, settings: Settings,
           code: str | None) -> Iterator[Any]:
    """The live build's paper partitions to copy (a :class:`kg.rdf.reuse.Reuse`), or None
    when it recorded none for this code, or no state of it was given."""
    from kg.rdf.reuse import PARTS_NAME, Reuse, read_parts

    parts = None
    if prev is not None and code is not None:
        parts = read_parts(live_nq.parent / PARTS_NAME, live_nq, code, settings.base_iri)
    if parts is None:
        yield None
        return
    papers, extractions = corpus.papers, corpus.extractions
    old_papers, old_extractions = prev.papers, prev.extractions

    def same(pid: str) -> bool:  # the live build's own record and extraction
        pe = extractions.get(pid)
        if pe is None or pe is not old_extractions.get(pid):
            return False
        paper, old = papers[pid], old_papers.get(pid)
        return paper is old or paper == old

    with Reuse(live_nq, parts, same) as reuse:
        yield reuse


def load_store(quads: Quads, path: Path, show: bool) -> int:
    """The store at ``path`` loaded with ``quads``; its number of quads.

    A copy of the live store updated with what changed when :func:`write_quads` found one
    (:mod:`kg.rdf.diff`), loaded in full after all if the result does not hold as many quads
    as the file has lines (the live store was not what its N-Quads say); else what :func:`write_quads` is loading, waited for; else a
    new on-disk store loaded from the file. The store's files are then recorded beside it
    (:data:`STORE_FILES`).
    """
    import json

    from kg.fileio import atomic_write
    from kg.store.rdfio import store_files

    n = _load_store(quads, path)
    st = quads.path.stat()
    with atomic_write(path.parent / STORE_FILES) as f:
        json.dump({"nquads": [st.st_size, st.st_mtime_ns], "files": store_files(path)}, f)
    return n


def _load_store(quads: Quads, path: Path) -> int:
    from kg.store.embedded import open_store
    from kg.store.rdfio import load_nquads_file

    loader, quads.loader = quads.loader, None
    try:
        if quads.update is not None and quads.store == path:
            return _update_store(quads, path)
        if loader is not None and quads.store == path:
            pause("store")
            return int(loader.finish())
        if loader is not None:
            loader.abort()
        store = open_store(path)
        pause("store")
        n = load_nquads_file(store, quads.path)
        del store
        return n
    except BaseException:
        if loader is not None:
            loader.abort()
        raise
    finally:
        del loader
        gc.collect()  # the store's files must be closed before the directory moves


def _untouched(store: Path, nquads: Path) -> bool:
    """Whether the live store ``store`` and the N-Quads ``nquads`` it was loaded from are as
    their build left them (the record beside the store says so)."""
    import json

    from kg.store.rdfio import store_files

    try:
        with open(store.parent / STORE_FILES, encoding="utf-8") as f:
            record = json.load(f)
        st = nquads.stat()
        return bool(record["files"] == store_files(store)
                    and record["nquads"] == [st.st_size, st.st_mtime_ns])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _update_store(quads: Quads, path: Path) -> int:
    from kg.rdf.diff import diff_nquads
    from kg.store.embedded import open_store
    from kg.store.rdfio import copy_store, load_nquads_file, update_store

    assert quads.update is not None
    live_store, live_nq, index = quads.update
    diff = diff_nquads(live_nq, quads.path, index)
    if diff is not None:
        # a live store as its build left it holds the quads of its N-Quads: the diff applied,
        # the copy holds those of the new file, not to be counted again (seconds at 100k papers)
        untouched = _untouched(live_store, live_nq)
        copy_store(live_store, path)
        store = open_store(path)
        pause("store")
        update_store(store, diff.deleted, diff.added)
        n = quads.lines if untouched else len(store)
        del store, diff
        if n == quads.lines:
            return n
        # the live store did not hold what its graph.nq says (changed by hand?): load in full
        gc.collect()
        shutil.rmtree(path)
    else:  # too large to hold (kg.rdf.diff.DIFF_BOUND): loading in full costs about as much
        pause("store")
    store = open_store(path)
    n = load_nquads_file(store, quads.path)
    del store
    return n
