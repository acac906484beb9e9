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


class BackgroundLoader:
    """Bulk-loads N-Quads into ``store`` on a thread while the caller writes the next lines.

    pyoxigraph's loader releases the GIL, so a build makes its N-Quads (Python) on one core
    while the store loads them on the other. :meth:`feed` takes whole lines; they go to
    the store ``chunk`` lines at a time (as :func:`load_nquads_file` loads them), at most
    two chunks waiting, so memory stays bounded. The lines are kg's own, made valid where
    their terms were made (:mod:`kg.rdf.iri`), so they load leniently: IRIs and language
    tags are not checked again, which is a fifth of the loader's time.
    """

    def __init__(self, store: ox.Store, chunk: int = LOAD_CHUNK) -> None:
        import queue
        import threading

        self.store: ox.Store | None = store
        self._chunk = chunk
        self._pending: list[bytes] = []
        self._lines = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, args=(store,), name="kg-store-load",
                                        daemon=True)
        self._thread.start()

    def _run(self, store: ox.Store) -> None:
        while (block := self._queue.get()) is not None:
            if self._error is None and not self._stopped:
                try:
                    store.bulk_load(input=block, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException as e:  # told to the writer at its next feed or finish
                    self._error = e

    def _check(self) -> None:
        if self._error is not None:
            raise StoreError(f"cannot load the store: {_one_line(str(self._error))}") from None

    def _put(self, block: bytes | None) -> None:
        import queue

        while True:
            self._check()
            try:
                self._queue.put(block, timeout=0.5)
                return
            except queue.Full:
                if not self._thread.is_alive():
                    raise StoreError("cannot load the store: its loader stopped") from None

    def feed(self, data: bytes, lines: int) -> None:
        """Queue ``lines`` whole N-Quads lines (``data``) for the store."""
        self._pending.append(data)
        self._lines += lines
        if self._lines >= self._chunk:
            self._put(b"".join(self._pending))
            self._pending.clear()
            self._lines = 0

    def finish(self) -> int:
        """Load what is left, wait for the loader and flush the store; the store's size."""
        if self._pending:
            self._put(b"".join(self._pending))
            self._pending.clear()
        self._put(None)
        self._thread.join()
        self._check()
        store, self.store = self.store, None
        assert store is not None
        try:
            store.flush()
        except OSError as e:
            raise StoreError(f"cannot load the store: {_one_line(str(e))}") from None
        return len(store)

    def abort(self) -> None:
        """Stop loading (the build failed): the chunks waiting are dropped, the current one ends."""
        import queue

        self._pending.clear()
        self._stopped = True
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.1)
                break
            except queue.Full:
                continue
        self._thread.join()
        self.store = None


def copy_store(source: str | Path, target: str | Path) -> None:
    """A copy of the store at ``source`` in the new directory ``target``, opened read-only
    (a RocksDB checkpoint: hard links to its immutable files, so it takes a moment and
    no space; writing the copy never changes ``source``)."""
    import os

    try:
        ox.Store.read_only(os.path.realpath(source)).backup(str(target))
    except OSError as e:
        raise StoreError(f"cannot copy the store {source}: {_one_line(str(e))}") from None


def store_files(path: str | Path) -> list[list[str | int]]:
    """The files of the store directory ``path``: ``[name, size, mtime in ns]`` each, sorted.
    Anything that writes to the store changes them (its write-ahead log grows, new table
    files replace old ones)."""
    import os

    return sorted([e.name, st.st_size, st.st_mtime_ns]
                  for e in os.scandir(path) if e.is_file(follow_symlinks=False)
                  for st in (e.stat(follow_symlinks=False),))


def apply_nquads_diff(store: ox.Store, deleted: Iterable[bytes], added: Iterable[bytes]) -> int:
    """:func:`update_store`, then the store's size."""
    update_store(store, deleted, added)
    return len(store)


def update_store(store: ox.Store, deleted: Iterable[bytes], added: Iterable[bytes]) -> None:
    """Remove the quads of ``deleted`` from ``store`` and add those of ``added`` (N-Quads
    bytes).

    The quads added are bulk-loaded in one call: each call writes and ingests files for
    every index of the store, whatever it loads (an add of 1,000 papers to 100,000 gives
    1,200 blocks: 48 CPU s a block at a time, 3.5 s at once).
    """
    try:
        for block in deleted:
            if block:
                for quad in ox.parse(block, format=ox.RdfFormat.N_QUADS, lenient=True):
                    store.remove(quad)
        data = b"".join(added)
        if data:
            store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)
        del data
        store.flush()
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot update the store: {_one_line(str(e))}") from None


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


def serialize_nquads(source: str | Path | bytes | IO[bytes], out: IO[bytes], fmt: str,
                     prefixes: Mapping[str, str] | None = None) -> None:
    """Rewrite N-Quads (a file, ``.gz`` too, bytes or a binary stream) in format ``fmt`` with
    pyoxigraph, streaming.

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
            elif not isinstance(source, str | Path):
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


