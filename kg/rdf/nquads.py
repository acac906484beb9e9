"""A corpus as sorted N-Quads, written as a stream: what the store is bulk-loaded from.

The triples come from :func:`kg.rdf.convert.partitions`, one partition at a time (a
paper's named graph, then each entity, link and repository of the default graph), so
memory holds one partition, never the dataset. Within a partition the lines are sorted
and distinct; partitions come in a fixed order (papers by id, entities by id, links as
the corpus lists them, repositories by URL). The same corpus therefore gives the same
bytes, and ``graph.nq`` is byte-identical across builds of the same inputs.

Terms are written in the form pyoxigraph writes them (canonical N-Triples escapes,
:mod:`kg.rdf.terms`), so a line here and the line the store dumps for the same quad are equal.

>>> from rdflib import Literal, URIRef
>>> term_nt(Literal('say "hi"\\n', lang="en"))
'"say \\\\"hi\\\\"\\\\n"@en'
>>> term_nt(URIRef("https://w3id.org/kg/paper/x"))
'<https://w3id.org/kg/paper/x>'
"""

import gzip
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Protocol

from kg.rdf.convert import Triple, partitions, partitions_skipping
from kg.rdf.reuse import Part, summary
from kg.rdf.terms import Iris, literal_nt, term_nt
from kg.records import CorpusRecords, Occurrence
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.rdf.reuse import Recorder, Reuse
    from kg.rdf.void import VoidCounts

__all__ = ["corpus_lines", "literal_nt", "nquads_bytes", "partition_lines", "term_nt", "write_nquads"]


class _Sink(Protocol):
    def add_partition(self, spo: Sequence[tuple[str, str, str]]) -> None: ...


def partition_lines(triples: Iterable[Triple], graph: str | None,
                    counts: "_Sink | None" = None) -> list[str]:
    """The sorted, distinct N-Quads lines of one partition (``graph``: its IRI in N-Triples
    form, ``<...>``, or None).

    ``counts`` (a :class:`kg.rdf.void.VoidCounts`) is told each distinct triple.
    """
    spo = _distinct(triples)
    if counts is not None:
        counts.add_partition(spo)
    return _lines(spo, graph)


def _distinct(triples: Iterable[Triple]) -> list[Triple]:
    # tuples sort as their lines do: "\0" never appears in a term (N-Triples escapes it)
    return sorted(set(triples))


def _lines(spo: Sequence[Triple], graph: str | None) -> list[str]:
    end = f" {graph} .\n" if graph else " .\n"
    return [f"{s} {p} {o}{end}" for s, p, o in spo]


def corpus_lines(corpus: CorpusRecords, settings: Settings | None = None,
                 counts: "VoidCounts | None" = None) -> Iterator[str]:
    """Every N-Quads line of the corpus, partition by partition (see the module's docstring)."""
    iris = Iris((settings or corpus.settings).base_iri)
    for pid, triples in partitions(corpus, settings):
        yield from partition_lines(triples, iris.graph(pid) if pid else None, counts)


def write_nquads(corpus: CorpusRecords, out: IO[bytes], settings: Settings | None = None,
                 counts: "VoidCounts | None" = None, gzipped: bool = False,
                 sink: Callable[[bytes, int], None] | None = None,
                 index: list[tuple[bytes | None, int]] | None = None,
                 reuse: "Reuse | None" = None, record: "Recorder | None" = None) -> int:
    """Write the corpus as N-Quads to the binary stream ``out`` (gzip-compressed if
    ``gzipped``, with no time stamp, so the bytes stay reproducible); the lines written.

    ``sink`` is also given each block of whole lines written (uncompressed) and its
    number of lines: a build loads its store from them as they come
    (:class:`kg.store.rdfio.BackgroundLoader`). ``index`` gets each partition's graph
    (``b"<...>"``, None for the default graph) and length in bytes, uncompressed: what
    :func:`kg.rdf.diff.diff_nquads` walks the file by. ``reuse`` gives the paper
    partitions to copy from the live build instead of converting them, and ``record``
    is told each paper partition written (:mod:`kg.rdf.reuse`).
    """
    stream: IO[bytes] = (gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0)  # type: ignore[assignment]
                         if gzipped else out)
    n = lines = offset = 0
    chunk: list[bytes] = []
    iris = Iris((settings or corpus.settings).base_iri)
    digests: list[str | None] = [None]  # of the paper at hand, from skip
    copies: list[tuple[bytes, Part] | None] = [None]
    skip = None
    if reuse is not None or record is not None:
        from kg.rdf.reuse import digest

        entities, extractions = corpus.entities, corpus.extractions

        def skip(pid: str, occurrences: Sequence[Occurrence], repositories: Sequence[str]) -> bool:
            digests[0] = dig = digest(occurrences, extractions.get(pid), entities, repositories)
            copies[0] = reuse.take(pid, dig, iris.graph(pid)) if reuse is not None else None
            return copies[0] is not None
    try:
        for pid, triples in partitions_skipping(corpus, settings, skip):
            graph = iris.graph(pid) if pid else None
            if triples is None:  # copied from the live build
                assert pid is not None and copies[0] is not None
                data, part = copies[0]
                count = part.summary.triples
                if counts is not None:
                    counts.add_copied(iris.paper(pid), part.summary)
                if record is not None and digests[0] is not None:
                    record.add(pid, Part(digests[0], offset, len(data), part.summary))
            else:
                spo = _distinct(triples)
                if counts is not None:
                    counts.add_partition(spo)
                data = "".join(_lines(spo, graph)).encode("utf-8")
                count = len(spo)
                if pid and record is not None and digests[0] is not None:
                    record.add(pid, Part(digests[0], offset, len(data), summary(spo, iris.paper(pid))))
            if index is not None:
                index.append((graph.encode("utf-8") if graph else None, len(data)))
            offset += len(data)
            chunk.append(data)
            lines += count
            if lines >= 8192:
                n += _write(stream, chunk, lines, sink)
                chunk.clear()
                lines = 0
        n += _write(stream, chunk, lines, sink)
    finally:
        if gzipped:
            stream.close()  # ends the gzip member; ``out`` stays open
    return n


def _write(stream: IO[bytes], chunk: list[bytes], lines: int,
           sink: Callable[[bytes, int], None] | None) -> int:
    data = b"".join(chunk)
    stream.write(data)
    if sink is not None and lines:
        sink(data, lines)
    return lines


def nquads_bytes(corpus: CorpusRecords, settings: Settings | None = None) -> bytes:
    """The corpus as N-Quads bytes (what :func:`write_nquads` writes)."""
    buf = io.BytesIO()
    write_nquads(corpus, buf, settings)
    return buf.getvalue()
