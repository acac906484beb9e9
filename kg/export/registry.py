"""The one registry of export formats, looked up by name, alias or file suffix.

An exporter takes ``(corpus, settings)`` and returns the output: ``str`` or
``bytes`` for one file, ``dict[str, bytes]`` (file name -> content) for a
directory of files. :func:`write_output` is the only place that writes them.

>>> get_format("ttl").name
'turtle'
>>> guess_format("graph.nq").name
'nquads'
"""

import contextlib
import gzip
import importlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.errors import FormatError, KGError
from kg.fileio import atomic_write
from kg.records import CorpusRecords
from kg.settings import Settings

Output = str | bytes | dict[str, bytes]
# called as (corpus records, settings); some exporters (html) also take keyword options
Exporter = Callable[..., Output]
# called as (corpus records, settings, path): writes the export there, streaming; the paths written
Streamer = Callable[[CorpusRecords, Settings, Path], list[Path]]


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str
    aliases: tuple[str, ...]
    suffixes: tuple[str, ...]  # lower-case, with the dot; the first is the usual one
    description: str
    exporter: Exporter
    media_type: str = "application/octet-stream"
    directory: bool = False  # the output is several files, written into a directory
    rdf: bool = False  # pyoxigraph writes it from a store (write_rdf); the exporter does so from a corpus
    stream: Streamer | None = None  # writes the same output as the exporter, without holding it


def _lazy(module: str, attr: str, what: str) -> Callable[..., Any]:
    """``module.attr``, or a clean KGError when that part of kg is not installed."""
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise KGError(f"{what} export is not available: {module}.{attr} is missing ({e})") from e
    return found


# ------------------------------------------------------------------ RDF

def _rdf(corpus: CorpusRecords, settings: Settings, fmt: str) -> str:
    """The corpus in an RDF syntax, written by pyoxigraph from its N-Quads.

    N-Quads are the sorted lines of :mod:`kg.rdf.nquads` (what a build writes as graph.nq).
    """
    from kg.rdf.nquads import nquads_bytes

    quads = nquads_bytes(corpus, settings)
    if fmt == "nquads":
        return quads.decode("utf-8")
    buf = io.BytesIO()
    write_rdf(quads, fmt, buf)
    return buf.getvalue().decode("utf-8")


def write_rdf(source: Any, fmt: str, out: IO[bytes]) -> None:
    """Write RDF format ``fmt`` (a registry name) to ``out`` with pyoxigraph's serialisers,
    from ``source``: N-Quads (a file path or bytes) or a pyoxigraph store."""
    from kg.rdf.vocab import PREFIXES
    from kg.store.rdfio import dump_rdf, serialize_nquads

    if isinstance(source, str | Path | bytes):
        serialize_nquads(source, out, fmt, dict(PREFIXES))
    else:
        dump_rdf(source, out, fmt, dict(PREFIXES))


def _jsonld(corpus: CorpusRecords, settings: Settings) -> str:
    from kg.rdf.convert import corpus_to_dataset
    from kg.rdf.vocab import PREFIXES

    text = corpus_to_dataset(corpus, settings).serialize(
        format="json-ld", context=dict(PREFIXES), auto_compact=True)
    doc = json.loads(text)
    # rdflib wraps the default graph in a graph object without "@id", which JSON-LD
    # processors (pyoxigraph, jsonld.js) read as a blank-node named graph: unwrap it
    items: list[Any] = []
    for item in doc.get("@graph", []):
        if "@id" not in item and set(item) <= {"@graph"}:
            items.extend(item["@graph"])
        else:
            items.append(item)
    doc["@graph"] = items
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ graphs and tables

def _networkx(corpus: CorpusRecords, settings: Settings, writer: str) -> str:
    fn = _lazy("kg.export.graphs", writer, writer.removeprefix("to_").upper())
    from kg.export.graphs import knowledge_graph  # importable once _lazy found the writer

    text: str = fn(knowledge_graph(corpus.papers, corpus.entities, corpus.occurrences,
                                   corpus.extractions, corpus.links))
    return text


def _graphml(corpus: CorpusRecords, settings: Settings) -> str:
    buf = io.BytesIO()
    _write_graphml(corpus, buf)
    return buf.getvalue().decode("utf-8")


def _write_graphml(corpus: CorpusRecords, out: IO[bytes]) -> None:
    """graph.graphml: the text of ``to_graphml(knowledge_graph(...))``, streamed (kg.export.knowledge)."""
    write = _lazy("kg.export.graphs", "write_knowledge_graphml", "GraphML")
    write(out, corpus.papers, corpus.entities, corpus.occurrences, corpus.extractions, corpus.links)


def _stream_graphml(corpus: CorpusRecords, settings: Settings, path: Path) -> list[Path]:
    with open_output(path) as out:
        _write_graphml(corpus, out)
    return [] if str(path) == "-" else [Path(path)]


TABLES = ("papers", "entities", "mentions", "links", "repos")


def _tables(corpus: CorpusRecords, settings: Settings, fmt: str) -> dict[str, bytes]:
    from kg.export.tables import corpus_rows, corpus_tables, csv_bytes, table_bytes

    if fmt == "csv":
        return {f"{name}.csv": csv_bytes(name, rows) for name, rows in corpus_rows(corpus).items()}
    frames = corpus_tables(corpus)
    return {f"{name}.{fmt}": table_bytes(frames[name], fmt) for name in TABLES}


def _stream_csv(corpus: CorpusRecords, settings: Settings, path: Path) -> list[Path]:
    """The CSV tables written row by row, each file atomically, into the directory ``path``."""
    from kg.export.tables import corpus_rows, write_csv

    directory = _directory(path)
    written = []
    for name, rows in corpus_rows(corpus).items():
        with atomic_write(directory / f"{name}.csv", "wb") as f:
            write_csv(name, rows, f)
        written.append(directory / f"{name}.csv")
    return written


def _jsonl(corpus: CorpusRecords, settings: Settings) -> str:
    lines = [json.dumps(corpus.extractions[pid].to_dict(), ensure_ascii=False)
             for pid in corpus.papers if pid in corpus.extractions]
    return "".join(line + "\n" for line in lines)


def _html(corpus: CorpusRecords, settings: Settings, **options: Any) -> str:
    """Options: view, focus, depth, types, min_support, max_nodes (see kg.export.html.render_html)."""
    page: str = _lazy("kg.export.html", "render_html", "HTML")(corpus, settings, **options)
    return page


def _stream_html(corpus: CorpusRecords, settings: Settings, path: Path) -> list[Path]:
    write = _lazy("kg.export.html", "write_html", "HTML")
    with open_output(path) as out:
        write(corpus, out, settings)
    return [] if str(path) == "-" else [Path(path)]


def _report(corpus: CorpusRecords, settings: Settings) -> str:
    page: str = _lazy("kg.export.report", "render_report", "report")(corpus, settings)
    return page


FORMATS: tuple[Format, ...] = (
    Format("turtle", ("ttl",), (".ttl",), "RDF Turtle, all graphs merged",
           lambda c, s: _rdf(c, s, "turtle"), "text/turtle", rdf=True),
    Format("nt", ("ntriples", "n-triples"), (".nt",), "RDF N-Triples, all graphs merged",
           lambda c, s: _rdf(c, s, "nt"), "application/n-triples", rdf=True),
    Format("nquads", ("nq", "n-quads"), (".nq",), "RDF N-Quads, one named graph per paper",
           lambda c, s: _rdf(c, s, "nquads"), "application/n-quads", rdf=True),
    Format("trig", (), (".trig",), "RDF TriG, one named graph per paper",
           lambda c, s: _rdf(c, s, "trig"), "application/trig", rdf=True),
    Format("jsonld", ("json-ld",), (".jsonld",),
           "JSON-LD with an @context of kg's prefixes, one named graph per paper",
           _jsonld, "application/ld+json"),
    Format("xml", ("rdfxml", "rdf/xml", "rdf"), (".rdf", ".owl"), "RDF/XML, all graphs merged",
           lambda c, s: _rdf(c, s, "xml"), "application/rdf+xml", rdf=True),
    Format("graphml", (), (".graphml",), "GraphML of the paper/entity graph with the paper links (Gephi, yEd)",
           _graphml, "application/graphml+xml", stream=_stream_graphml),
    Format("gexf", (), (".gexf",), "GEXF of the paper/entity graph with the paper links (Gephi)",
           lambda c, s: _networkx(c, s, "to_gexf"), "application/gexf+xml"),
    Format("csv", (), (), "a directory of CSV tables: " + ", ".join(TABLES),
           lambda c, s: _tables(c, s, "csv"), "text/csv", directory=True, stream=_stream_csv),
    Format("parquet", (), (), "a directory of Parquet tables: " + ", ".join(TABLES),
           lambda c, s: _tables(c, s, "parquet"), "application/vnd.apache.parquet",
           directory=True),
    Format("jsonl", (), (".jsonl",), "extraction results, one JSON object per paper",
           _jsonl, "application/jsonl"),
    Format("html", (), (".html", ".htm"), "interactive HTML view of the graph",
           _html, "text/html", stream=_stream_html),
    Format("report", (), (), "corpus report: figures and charts, one offline HTML page",
           _report, "text/html"),
)


def format_names() -> list[str]:
    """The names of every format, sorted."""
    return sorted(f.name for f in FORMATS)


def get_format(name: str) -> Format:
    """The format called ``name`` (or one of its aliases, any case).

    Raises :class:`kg.errors.FormatError` listing the valid names otherwise.
    """
    key = name.strip().lower()
    for fmt in FORMATS:
        if key == fmt.name or key in fmt.aliases:
            return fmt
    raise FormatError("format", name, format_names())


def guess_format(path: str | Path) -> Format | None:
    """The format whose suffix ``path`` ends with (before a ``.gz``), or None.

    >>> guess_format("graph.nq.gz").name
    'nquads'
    """
    name = Path(path).name.lower().removesuffix(GZ)
    for fmt in FORMATS:
        if any(name.endswith(suffix) for suffix in fmt.suffixes):
            return fmt
    return None


GZ = ".gz"  # an output whose name ends so is written gzip-compressed


def export(corpus: CorpusRecords, name: str, settings: Settings | None = None) -> Output:
    """The corpus in format ``name``, as returned by its exporter (nothing is written)."""
    settings = settings or corpus.settings
    return get_format(name).exporter(corpus, settings)


def write_export(corpus: CorpusRecords, name: str, path: str | Path,
                 settings: Settings | None = None) -> list[Path]:
    """Write the corpus in format ``name`` to ``path`` (a directory for several files); the
    paths written. The same files as ``write_output(export(corpus, name), path)``, streamed
    to disk by the formats that can (``Format.stream``), so a large corpus is never held
    twice in memory."""
    settings = settings or corpus.settings
    fmt = get_format(name)
    if fmt.stream is not None:
        return fmt.stream(corpus, settings, Path(path))
    return write_output(fmt.exporter(corpus, settings), path)


def _directory(path: str | Path) -> Path:
    """``path`` as the directory of a format that writes several files (checked, not created)."""
    if str(path) == "-":
        raise KGError("this format writes several files: give a directory with -o DIR")
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise KGError(f"{directory}: not a directory; this format writes several files")
    if directory.name.endswith(GZ):
        raise KGError(f"{directory}: this format writes a directory of files, which cannot "
                      "be gzip-compressed; drop the .gz")
    return directory


@contextlib.contextmanager
def open_output(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary stream to ``path``, written atomically; gzip-compressed when the name ends
    in ``.gz`` (no time stamp in the header, so the same content gives the same bytes)."""
    with atomic_write(path, "wb") as f:
        if str(path) != "-" and Path(path).name.endswith(GZ):
            with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=6, mtime=0, filename="") as z:
                yield z  # type: ignore[misc]
        else:
            yield f


def write_output(value: Output, path: str | Path) -> list[Path]:
    """Write an exporter's output to ``path`` (a directory for several files); the paths written.

    Each file is written atomically: an error leaves no half-written file. A file name
    ending in ``.gz`` is written gzip-compressed.
    """
    if isinstance(value, dict):
        directory = _directory(path)
        written = []
        for name, content in value.items():
            with atomic_write(directory / name, "wb") as f:
                f.write(content)
            written.append(directory / name)
        return written
    with open_output(path) as out:
        out.write(value if isinstance(value, bytes) else value.encode("utf-8"))
    return [] if str(path) == "-" else [Path(path)]


def write_store_export(source: Any, fmt: Format, path: str | Path) -> list[Path]:
    """Write an RDF format (``fmt.rdf``) straight from N-Quads (a file) or a pyoxigraph store
    to ``path`` (``.gz``: compressed), streaming; the paths written."""
    if not fmt.rdf:
        raise KGError(f"{fmt.name} is not written from the store")
    with open_output(path) as out:
        write_rdf(source, fmt.name, out)
    return [] if str(path) == "-" else [Path(path)]
