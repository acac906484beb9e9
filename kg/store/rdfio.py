"""Loading and serialising RDF in bulk with pyoxigraph: the store from an N-Quads file,
exports from N-Quads or from a store, streaming (no Python object per quad kept)."""

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import StoreError


def _one_line(text: str) -> str:
    return " ".join(text.split())


# quads per bulk_load call: pyoxigraph's loader holds a whole batch in memory (about 1.2 GB
# at a million quads), so the file goes in chunks: about 280 MB at this size, no slower
LOAD_CHUNK = 200_000


def load_nquads_file(store: ox.Store, path: str | Path, chunk: int = LOAD_CHUNK) -> int:
    """Bulk-load an N-Quads file (``.gz``: gzip-compressed) into ``store``, ``chunk`` lines at a
    time, in bounded memory; the store's size after."""
    import gzip
    import itertools

    path = Path(path)
    try:
        with (gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")) as f:
            while block := b"".join(itertools.islice(f, chunk)):
                store.bulk_load(input=block, format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot load the store from {path}: {_one_line(str(e))}") from None
    return len(store)


# pyoxigraph's serialisers, by the name of the format in kg.export.registry
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}
_MERGED = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def dump_rdf(store: ox.Store, out: IO[bytes], fmt: str, prefixes: Mapping[str, str] | None = None) -> None:
    """Write the store to ``out`` in format ``fmt`` (a key of :data:`RDF_FORMATS`) with
    pyoxigraph's serialiser, streaming.

    N-Quads and TriG keep the named graphs; Turtle, N-Triples and RDF/XML hold every
    triple of every graph, merged (the union of the graphs, each triple once).
    """
    rdf = RDF_FORMATS[fmt]
    try:
        if rdf.supports_datasets:
            store.dump(out, rdf, prefixes=_prefixes(rdf, prefixes))
        else:
            triples = store.query(_MERGED, use_default_graph_as_union=True)
            assert isinstance(triples, ox.QueryTriples)
            ox.serialize(triples, out, rdf, prefixes=_prefixes(rdf, prefixes))
    except OSError as e:
        raise StoreError(f"cannot write the {fmt} export: {_one_line(str(e))}") from None


def serialize_nquads(source: str | Path | bytes, out: IO[bytes], fmt: str,
                     prefixes: Mapping[str, str] | None = None) -> None:
    """Rewrite N-Quads (a file, ``.gz`` too, or bytes) in format ``fmt`` with pyoxigraph, streaming.

    What a build writes its RDF exports from: it holds the same quads as the store
    loaded from it, and pyoxigraph parses it several times faster than it reads an
    on-disk store back. Formats without named graphs get every triple, graphs merged
    (kg's graphs share no triple, so each is written once).
    """
    import gzip

    rdf = RDF_FORMATS[fmt]
    try:
        with contextlib.ExitStack() as stack:
            if isinstance(source, bytes):
                quads = ox.parse(source, format=ox.RdfFormat.N_QUADS)
            elif str(source).endswith(".gz"):
                f = stack.enter_context(gzip.open(source, "rb"))
                quads = ox.parse(f, format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
            else:
                quads = ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS)
            items: Iterable[ox.Quad] | Iterable[ox.Triple] = (
                quads if rdf.supports_datasets else (q.triple for q in quads))
            ox.serialize(items, out, rdf, prefixes=_prefixes(rdf, prefixes))
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot write the {fmt} export: {_one_line(str(e))}") from None


def _prefixes(rdf: ox.RdfFormat, prefixes: Mapping[str, str] | None) -> dict[str, str] | None:
    if rdf in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return None
    return dict(prefixes or {})


