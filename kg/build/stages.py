"""The stages of ``kg build`` after planning, each one a function (so a test can make one fail
for real and check that the previous outputs survive): read, extract, resolve, RDF, store, exports.

From resolution on the data flows as streams in bounded memory: the corpus is written
as sorted N-Quads partition by partition (:mod:`kg.rdf.nquads`), VoID's figures counted on
the way; pyoxigraph bulk-loads the store from that file; the RDF exports are written by
pyoxigraph's serialisers from the store, and only the other formats (tables, graphs,
HTML, JSON-LD) are made from the corpus.
"""

import gc
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


@dataclass
class Quads:
    """The N-Quads a build wrote: the file, its lines and the VoID figures counted on the way."""

    path: Path
    lines: int
    counts: Any  # kg.rdf.void.VoidCounts
    export: str | None  # the export name the file is (graph.nq), or None: a temporary file


def read_inputs(inputs: Sequence[str | Path], settings: Settings, show: bool,
                input_format: str | None, on_error: Any) -> tuple[dict[str, Paper], int]:
    """The papers of ``inputs`` by id (merged by the readers) and how many bad records were skipped."""
    from kg.sources import read_papers

    skipped = 0

    def report(error: InputError) -> None:
        nonlocal skipped
        skipped += not isinstance(error, InputWarning)  # a warned record is kept
        if on_error is not None:
            on_error(error)

    papers: dict[str, Paper] = {}
    stream = read_papers(list(inputs), input_format=input_format, skip_bad=settings.skip_bad,
                         on_error=report)
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


def resolve_corpus(papers: list[Paper], extractions: list[PaperEntities], settings: Settings) -> Any:
    """Resolution and linking over the whole corpus."""
    from kg.corpus import Corpus

    return Corpus.from_extractions(papers, extractions, settings)


def quads_export(settings: Settings) -> str | None:
    """The name of the first N-Quads export (``graph.nq``, ``graph.nq.gz``), if any."""
    from kg.export.registry import get_format

    return next((name for name, fmt in settings.exports if get_format(fmt).name == "nquads"), None)


def write_quads(corpus: Any, staging: Path, settings: Settings) -> Quads:
    """The corpus as sorted N-Quads in ``staging``: the N-Quads export itself when the
    build has one (compressed if its name ends in ``.gz``), else a temporary file."""
    from kg.export.registry import GZ
    from kg.fileio import atomic_write
    from kg.rdf.nquads import write_nquads
    from kg.rdf.void import VoidCounts

    name = quads_export(settings)
    path = staging / (name or QUADS_TMP)
    counts = VoidCounts()
    with atomic_write(path, "wb") as f:
        lines = write_nquads(corpus, f, settings, counts, gzipped=path.name.endswith(GZ))
    return Quads(path, lines, counts, name)


def load_store(quads: Quads, path: Path, show: bool) -> int:
    """A new on-disk store at ``path`` bulk-loaded from ``quads``; its number of quads."""
    from kg.store.embedded import open_store
    from kg.store.rdfio import load_nquads_file

    store = open_store(path)
    pause("store")
    n = load_nquads_file(store, quads.path)
    del store
    gc.collect()  # the store's files must be closed before the directory moves
    return n


def export_all(corpus: Any, quads: Quads, staging: Path, settings: Settings, show: bool) -> list[str]:
    """Write ``settings.exports`` and ``void.ttl`` into ``staging``; the names written.

    RDF formats are written by pyoxigraph from the N-Quads the store was loaded from
    (the same quads; parsing them is several times faster than reading the on-disk
    store back); the N-Quads export is that file itself.
    """
    from kg.export.registry import get_format, write_export, write_output, write_store_export
    from kg.rdf.void import void_description

    written = []
    for name, fmt_name in progress(list(settings.exports), "export", enabled=show, unit="file"):
        fmt = get_format(fmt_name)
        if name != quads.export:
            if fmt.rdf:
                write_store_export(quads.path, fmt, staging / name)
            else:
                write_export(corpus, fmt.name, staging / name, settings)
        written.append(name + ("/" if (staging / name).is_dir() else ""))
        if len(written) == 1:
            pause("export")
    if quads.export is None:
        quads.path.unlink()
    void = void_description(quads.counts, settings, {"data_dump": None})
    write_output(void.serialize(format="turtle"), staging / VOID)
    written.append(VOID)
    return written
