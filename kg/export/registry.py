"""The one registry of export formats, looked up by name, alias or file suffix.

An exporter takes ``(corpus, settings)`` and returns the output: ``str`` or
``bytes`` for one file, ``dict[str, bytes]`` (file name -> content) for a
directory of files. :func:`write_output` is the only place that writes them.

>>> get_format("ttl").name
'turtle'
>>> guess_format("graph.nq").name
'nquads'
"""

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import FormatError, KGError
from kg.fileio import atomic_write
from kg.records import CorpusRecords
from kg.settings import Settings

Output = str | bytes | dict[str, bytes]
# called as (corpus records, settings); some exporters (html) also take keyword options
Exporter = Callable[..., Output]


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


def _lazy(module: str, attr: str, what: str) -> Callable[..., Any]:
    """``module.attr``, or a clean KGError when that part of kg is not installed."""
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise KGError(f"{what} export is not available: {module}.{attr} is missing ({e})") from e
    return found


# ------------------------------------------------------------------ RDF

def _rdf_graph(corpus: CorpusRecords, settings: Settings, fmt: str) -> str:
    from kg.rdf.convert import corpus_to_graph

    return corpus_to_graph(corpus, settings).serialize(format=fmt)


def _rdf_dataset(corpus: CorpusRecords, settings: Settings, fmt: str) -> str:
    from kg.rdf.convert import corpus_to_dataset

    return corpus_to_dataset(corpus, settings).serialize(format=fmt)


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


TABLES = ("papers", "entities", "mentions", "links", "repos")


def _tables(corpus: CorpusRecords, settings: Settings, fmt: str) -> dict[str, bytes]:
    from kg.export.tables import corpus_tables, table_bytes

    frames = corpus_tables(corpus)
    return {f"{name}.{fmt}": table_bytes(frames[name], fmt) for name in TABLES}


def _jsonl(corpus: CorpusRecords, settings: Settings) -> str:
    lines = [json.dumps(corpus.extractions[pid].to_dict(), ensure_ascii=False)
             for pid in corpus.papers if pid in corpus.extractions]
    return "".join(line + "\n" for line in lines)


def _html(corpus: CorpusRecords, settings: Settings, **options: Any) -> str:
    """Options: view, focus, depth, types, min_support, max_nodes (see kg.export.html.render_html)."""
    page: str = _lazy("kg.export.html", "render_html", "HTML")(corpus, settings, **options)
    return page


def _report(corpus: CorpusRecords, settings: Settings) -> str:
    page: str = _lazy("kg.export.report", "render_report", "report")(corpus, settings)
    return page


FORMATS: tuple[Format, ...] = (
    Format("turtle", ("ttl",), (".ttl",), "RDF Turtle, all graphs merged",
           lambda c, s: _rdf_graph(c, s, "turtle"), "text/turtle"),
    Format("nt", ("ntriples", "n-triples"), (".nt",), "RDF N-Triples, all graphs merged",
           lambda c, s: _rdf_graph(c, s, "nt"), "application/n-triples"),
    Format("nquads", ("nq", "n-quads"), (".nq",), "RDF N-Quads, one named graph per paper",
           lambda c, s: _rdf_dataset(c, s, "nquads"), "application/n-quads"),
    Format("trig", (), (".trig",), "RDF TriG, one named graph per paper",
           lambda c, s: _rdf_dataset(c, s, "trig"), "application/trig"),
    Format("jsonld", ("json-ld",), (".jsonld",),
           "JSON-LD with an @context of kg's prefixes, one named graph per paper",
           _jsonld, "application/ld+json"),
    Format("xml", ("rdfxml", "rdf/xml", "rdf"), (".rdf", ".owl"), "RDF/XML, all graphs merged",
           lambda c, s: _rdf_graph(c, s, "xml"), "application/rdf+xml"),
    Format("graphml", (), (".graphml",), "GraphML of the paper/entity graph with the paper links (Gephi, yEd)",
           lambda c, s: _networkx(c, s, "to_graphml"), "application/graphml+xml"),
    Format("gexf", (), (".gexf",), "GEXF of the paper/entity graph with the paper links (Gephi)",
           lambda c, s: _networkx(c, s, "to_gexf"), "application/gexf+xml"),
    Format("csv", (), (), "a directory of CSV tables: " + ", ".join(TABLES),
           lambda c, s: _tables(c, s, "csv"), "text/csv", directory=True),
    Format("parquet", (), (), "a directory of Parquet tables: " + ", ".join(TABLES),
           lambda c, s: _tables(c, s, "parquet"), "application/vnd.apache.parquet",
           directory=True),
    Format("jsonl", (), (".jsonl",), "extraction results, one JSON object per paper",
           _jsonl, "application/jsonl"),
    Format("html", (), (".html", ".htm"), "interactive HTML view of the graph",
           _html, "text/html"),
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
    """The format whose suffix ``path`` ends with, or None."""
    name = Path(path).name.lower()
    for fmt in FORMATS:
        if any(name.endswith(suffix) for suffix in fmt.suffixes):
            return fmt
    return None


def export(corpus: CorpusRecords, name: str, settings: Settings | None = None) -> Output:
    """The corpus in format ``name``, as returned by its exporter (nothing is written)."""
    settings = settings or corpus.settings
    return get_format(name).exporter(corpus, settings)


def write_output(value: Output, path: str | Path) -> list[Path]:
    """Write an exporter's output to ``path`` (a directory for several files); the paths written.

    Each file is written atomically: an error leaves no half-written file.
    """
    if isinstance(value, dict):
        if str(path) == "-":
            raise KGError("this format writes several files: give a directory with -o DIR")
        directory = Path(path)
        if directory.exists() and not directory.is_dir():
            raise KGError(f"{directory}: not a directory; this format writes several files")
        written = []
        for name, content in value.items():
            with atomic_write(directory / name, "wb") as f:
                f.write(content)
            written.append(directory / name)
        return written
    if isinstance(value, bytes):
        with atomic_write(path, "wb") as f:
            f.write(value)
    else:
        with atomic_write(path, "w") as f:
            f.write(value)
    return [] if str(path) == "-" else [Path(path)]
