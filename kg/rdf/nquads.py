"""A corpus as sorted N-Quads, written as a stream: what the store is bulk-loaded from.

The triples come from :func:`kg.rdf.convert.partitions`, one partition at a time (a
paper's named graph, then each entity, link and repository of the default graph), so
memory holds one partition, never the dataset. Within a partition the lines are sorted
and distinct; partitions come in a fixed order (papers by id, entities by id, links as
the corpus lists them, repositories by URL). The same corpus therefore gives the same
bytes, and ``graph.nq`` is byte-identical across builds of the same inputs.

Terms are written in the form pyoxigraph writes them (canonical N-Triples escapes), so
a line here and the line the store dumps for the same quad are equal.

>>> from rdflib import Literal, URIRef
>>> term_nt(Literal('say "hi"\\n', lang="en"))
'"say \\\\"hi\\\\"\\\\n"@en'
>>> term_nt(URIRef("https://w3id.org/kg/paper/x"))
'<https://w3id.org/kg/paper/x>'
"""

import gzip
import io
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Protocol

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.rdf.convert import Triple, partitions
from kg.rdf.iri import mint
from kg.records import CorpusRecords
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.rdf.void import VoidCounts

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# the escapes of canonical N-Triples, and \\uXXXX for the other characters pyoxigraph escapes
_ESCAPES: dict[int, str] = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
                            0x08: "\\b", 0x0C: "\\f"}
for _c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF):
    _ESCAPES.setdefault(_c, f"\\u{_c:04X}")


class _Sink(Protocol):
    def add(self, s: str, p: str, o: str) -> None: ...


def literal_nt(lexical: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples form."""
    text = '"' + lexical.translate(_ESCAPES) + '"'
    if language:
        return f"{text}@{language.lower()}"
    if datatype and datatype != _XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def term_nt(term: Node) -> str:
    """An rdflib term (IRI, blank node or literal) in N-Triples form."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return literal_nt(str(term), term.language, term.datatype)
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def partition_lines(triples: Iterable[Triple], graph: str | None,
                    counts: "_Sink | None" = None) -> list[str]:
    """The sorted, distinct N-Quads lines of one partition (``graph``: its IRI or None).

    ``counts`` (a :class:`kg.rdf.void.VoidCounts`) is told each distinct triple.
    """
    iris: dict[str, str] = {}  # a partition names its paper, predicates and classes many times

    def nt(term: Node) -> str:
        if type(term) is URIRef:  # hashing an IRI is a str's hash; a Literal's is slow Python
            text = iris.get(term)
            if text is None:
                text = iris[term] = f"<{term}>"
            return text
        return term_nt(term)

    # tuples sort as their lines do: "\0" never appears in a term (N-Triples escapes it)
    spo = sorted({(nt(s), nt(p), nt(o)) for s, p, o in triples})
    end = f" <{graph}> .\n" if graph else " .\n"
    if counts is not None:
        for s, p, o in spo:
            counts.add(s, p, o)
    return [f"{s} {p} {o}{end}" for s, p, o in spo]


def corpus_lines(corpus: CorpusRecords, settings: Settings | None = None,
                 counts: "VoidCounts | None" = None) -> Iterator[str]:
    """Every N-Quads line of the corpus, partition by partition (see the module's docstring)."""
    base = (settings or corpus.settings).base_iri
    for pid, triples in partitions(corpus, settings):
        yield from partition_lines(triples, str(mint("graph", pid, base)) if pid else None, counts)


def write_nquads(corpus: CorpusRecords, out: IO[bytes], settings: Settings | None = None,
                 counts: "VoidCounts | None" = None, gzipped: bool = False) -> int:
    """Write the corpus as N-Quads to the binary stream ``out`` (gzip-compressed if
    ``gzipped``, with no time stamp, so the bytes stay reproducible); the lines written."""
    stream: IO[bytes] = (gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0)  # type: ignore[assignment]
                         if gzipped else out)
    n = 0
    chunk: list[str] = []
    try:
        for line in corpus_lines(corpus, settings, counts):
            chunk.append(line)
            if len(chunk) >= 4096:
                stream.write("".join(chunk).encode("utf-8"))
                n += len(chunk)
                chunk.clear()
        stream.write("".join(chunk).encode("utf-8"))
        n += len(chunk)
    finally:
        if gzipped:
            stream.close()  # ends the gzip member; ``out`` stays open
    return n


def nquads_bytes(corpus: CorpusRecords, settings: Settings | None = None) -> bytes:
    """The corpus as N-Quads bytes (what :func:`write_nquads` writes)."""
    buf = io.BytesIO()
    write_nquads(corpus, buf, settings)
    return buf.getvalue()
