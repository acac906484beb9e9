"""The embedded on-disk RDF store (pyoxigraph): open, load, count, query.

A build writes a fresh store in a new generation of the output directory and
swaps it in (:mod:`kg.build.swap`); readers hold the generation they found
(:mod:`kg.store.generation`) and open its store read-only, so a query never waits
for a build, never changes the data and always answers from one build. Queries
are read-only and local: updates and SERVICE clauses are refused
(:mod:`kg.store.checks`); :mod:`kg.store.bounded` runs one under a deadline.
"""

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.records import CorpusRecords
from kg.settings import Settings
from kg.store.generation import STORE_NAME, reading, resolve
from kg.store.terms import Plain, Value, ntriples, plain, python_value

if TYPE_CHECKING:  # rdflib loads only when a conversion needs it
    from rdflib import Graph
    from rdflib.term import Node


# what an update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is told
READ_ONLY = "kg query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)"

QueryKind = Literal["select", "ask", "graph"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


# ---------------------------------------------------------------- opening and loading

def store_path(output_dir: str | Path) -> Path:
    """The live store of a build's output directory, its symlink read once, or ``DIR``
    if it is a store itself; ``DIR/store`` when there is none.

    It is not held: a build may delete it once it is no longer live. To read a store
    while builds may run, use :func:`kg.store.generation.reading` (as :func:`query_output` does).
    """
    gen = resolve(output_dir)
    return gen.store if gen is not None else Path(output_dir) / STORE_NAME


def open_store(path: str | Path, read_only: bool = False) -> ox.Store:
    """Open (or, unless ``read_only``, create) the pyoxigraph store in ``path``.

    Read-only, symlinks in ``path`` are resolved once, before the store opens: RocksDB
    opens its files one by one, and through a symlink a build switches meanwhile it
    would mix two stores ("Sst file size mismatch").
    """
    path = Path(path)
    if read_only and not path.is_dir():
        raise StoreError(f"no store at {path}; run `kg build` first (or pass --store DIR)")
    if read_only:
        path = Path(os.path.realpath(path))
    try:
        if not read_only:
            path.mkdir(parents=True, exist_ok=True)
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        raise StoreError(f"cannot open store {path}: {_one_line(str(e))}") from None


def rdflib_to_quads(dataset: "Graph") -> Iterator[ox.Quad]:
    """The quads of an rdflib Dataset/ConjunctiveGraph (or triples of a Graph) as pyoxigraph quads."""
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    if hasattr(dataset, "quads"):
        items: Iterable[tuple[Node, Node, Node, object]] = dataset.quads((None, None, None, None))
    else:
        items = ((s, p, o, None) for s, p, o in dataset)
    for s, p, o, g in items:
        gid = g.identifier if isinstance(g, Graph) else g
        graph = (ox.DefaultGraph() if gid is None or gid == DATASET_DEFAULT_GRAPH_ID
                 else _ox_resource(gid))
        yield ox.Quad(_ox_resource(s), _ox_iri(p), _ox_term(o), graph)


def _ox_iri(term: object) -> ox.NamedNode:
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    raise TypeError(f"not an RDF IRI: {term!r}")


def _ox_resource(term: object) -> ox.NamedNode | ox.BlankNode:
    from rdflib import BNode

    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return _ox_iri(term)


def _ox_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    from rdflib import Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    try:
        return _ox_resource(term)
    except TypeError:
        raise TypeError(f"not an RDF term: {term!r}") from None


def to_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads bytes of ``quads``."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def load_dataset(store: ox.Store, data: bytes | Iterable[ox.Quad]) -> int:
    """Bulk-load N-Quads bytes (or pyoxigraph quads) into ``store``; the store's size after."""
    try:
        if isinstance(data, (bytes, bytearray)):
            store.bulk_load(input=bytes(data), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_extend(data)
        store.flush()
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot load the store: {_one_line(str(e))}") from None
    return len(store)


def count_triples(store: ox.Store) -> int:
    """Number of quads in all graphs (a triple stated in two graphs counts twice)."""
    return len(store)


def dump_nquads(store: ox.Store) -> bytes:
    """The whole store as sorted N-Quads lines (for comparisons and backups)."""
    lines = to_nquads(store).splitlines()
    return b"".join(line + b"\n" for line in sorted(lines) if line)


# ---------------------------------------------------------------- querying

@dataclass(frozen=True)
class QueryResult:
    """What a SPARQL query gave: rows for SELECT, a bool for ASK, triples for CONSTRUCT/DESCRIBE.

    SELECT values are plain Python values (IRIs as strings, numbers as int/float,
    booleans as bool, unbound as None); CONSTRUCT/DESCRIBE triples are N-Triples terms.
    ``terms`` holds the same as RDF terms (plain data, :mod:`kg.store.terms`; None where
    unbound): the rows of a SELECT, the (subject, predicate, object) of each triple.
    :meth:`serialize` writes them in the W3C formats (:mod:`kg.store.results`).
    """

    kind: QueryKind
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Value, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    terms: tuple[tuple[Plain | None, ...], ...] = field(default_factory=tuple, repr=False)

    @classmethod
    def of(cls, kind: QueryKind, columns: tuple[str, ...] = (), boolean: bool | None = None,
           terms: Iterable[tuple[Plain | None, ...]] = ()) -> "QueryResult":
        """The result of ``kind`` holding ``terms`` (SELECT rows or graph triples), values derived."""
        if kind == "ask":
            return cls("ask", boolean=boolean)
        terms = tuple(terms)
        if kind == "graph":
            return cls("graph", terms=terms, triples=tuple(
                (ntriples(s), ntriples(p), ntriples(o)) for s, p, o in terms))  # type: ignore[arg-type]
        return cls("select", columns=columns, rows=tuple(tuple(python_value(t) for t in row)
                                                          for row in terms), terms=terms)

    def records(self) -> list[dict[str, Value]]:
        """Rows as dicts, ready for :func:`kg.cli.render.render`."""
        if self.kind == "ask":
            return [{"result": self.boolean}]
        if self.kind == "graph":
            return [dict(zip(("subject", "predicate", "object"), t, strict=True)) for t in self.triples]
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def header(self) -> list[str]:
        if self.kind == "ask":
            return ["result"]
        if self.kind == "graph":
            return ["subject", "predicate", "object"]
        return list(self.columns)

    def serialize(self, fmt: str) -> str:
        """The result in a W3C format: ``json``, ``csv``, ``tsv`` (SPARQL 1.1 Query Results;
        a graph as rows of ?subject ?predicate ?object), or ``turtle`` / ``nt`` (a graph)."""
        from kg.store.results import serialize

        return serialize(self, fmt)


@dataclass(frozen=True)
class QueryStream:
    """A query under way: its kind and columns, and its rows (or triples) of RDF terms as they come."""

    kind: QueryKind
    columns: tuple[str, ...] = ()
    boolean: bool | None = None
    items: Iterator[tuple[Plain | None, ...]] = field(default_factory=lambda: iter(()))

    def collect(self) -> QueryResult:
        """All of it, as a :class:`QueryResult`."""
        return QueryResult.of(self.kind, self.columns, self.boolean, self.items)


def start_query(store: ox.Store, sparql: str, substitutions: Mapping[str, Term | str] | None = None,
                union_default_graph: bool = True, allow_service: bool = False) -> QueryStream:
    """Start a read-only SPARQL query; its rows come lazily, as pyoxigraph evaluates them.

    Refused with a one-line :class:`QueryError`: malformed SPARQL, updates, and
    SERVICE clauses (requests to other servers) unless ``allow_service``.
    """
    from kg.store.checks import is_update, service_clauses

    if not allow_service and (endpoints := service_clauses(sparql)):
        raise QueryError(f"the query has a SERVICE clause ({', '.join(endpoints)}): federated queries "
                         "send requests to other servers and are refused; pass --allow-service "
                         "to allow them")
    subs = {ox.Variable(k): (v if not isinstance(v, str) else ox.Literal(v))
            for k, v in (substitutions or {}).items()}
    try:
        result = store.query(sparql, use_default_graph_as_union=union_default_graph,
                             substitutions=subs or None)
    except SyntaxError as e:
        if is_update(sparql):
            raise QueryError(READ_ONLY) from None
        raise QueryError(f"malformed SPARQL query: {_one_line(str(e))}") from None
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"query failed: {_one_line(str(e))}") from None
    if isinstance(result, ox.QueryBoolean):
        return QueryStream("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return QueryStream("graph", items=_failing_as_query_errors(
            (plain(t.subject), plain(t.predicate), plain(t.object)) for t in result))
    columns = tuple(v.value for v in result.variables)
    return QueryStream("select", columns=columns, items=_failing_as_query_errors(
        tuple(plain(sol[c]) for c in columns) for sol in result))


def _failing_as_query_errors(items: Iterator[tuple[Plain | None, ...]]) -> Iterator[tuple[Plain | None, ...]]:
    try:
        yield from items
    except (OSError, RuntimeError, ValueError) as e:  # evaluation errors surface while iterating
        raise QueryError(f"query failed: {_one_line(str(e))}") from None


def query_store(store: ox.Store, sparql: str, substitutions: Mapping[str, Term | str] | None = None,
                union_default_graph: bool = True, allow_service: bool = False) -> QueryResult:
    """Run a read-only SPARQL query; malformed SPARQL raises a one-line :class:`QueryError`.

    ``substitutions`` binds variables (name -> pyoxigraph term or str) without
    touching the query text, so values can never change the query. With
    ``union_default_graph`` the default graph is the union of all graphs: papers
    live in one named graph each, and a plain ``{ ?s ?p ?o }`` sees them all.
    Updates are refused, and SERVICE clauses unless ``allow_service``.
    """
    return start_query(store, sparql, substitutions, union_default_graph, allow_service).collect()


def query_output(output_dir: str | Path, sparql: str, substitutions: Mapping[str, Term | str] | None = None,
                 union_default_graph: bool = True, allow_service: bool = False,
                 timeout: float | None = None) -> QueryResult:
    """Run ``sparql`` on the live store of a build's output directory, opened read-only.

    The generation is held while the query runs, so a build that swaps meanwhile
    deletes nothing this query reads. With a ``timeout`` (seconds; 0 = none) the
    query runs in a child process that the deadline or Ctrl-C stops
    (:func:`kg.store.bounded.run_bounded`); without, in this process.
    """
    with reading(output_dir) as gen:
        if timeout is not None:
            from kg.store.bounded import run_bounded

            return run_bounded(gen.store, sparql, substitutions, union_default_graph, allow_service,
                               timeout or None)
        store = open_store(gen.store, read_only=True)
        try:
            return query_store(store, sparql, substitutions, union_default_graph, allow_service)
        finally:
            del store


def memory_store(dataset: "Graph") -> ox.Store:
    """An in-memory store holding an rdflib Dataset."""
    store = ox.Store()
    store.bulk_extend(rdflib_to_quads(dataset))
    return store


def query_corpus(corpus: CorpusRecords, sparql: str, settings: Settings | None = None,
                 substitutions: Mapping[str, Term | str] | None = None) -> QueryResult:
    """Run ``sparql`` on a Corpus, converted to RDF in memory (``Corpus.query`` uses this)."""
    from kg.rdf.convert import corpus_to_dataset

    settings = settings or corpus.settings
    return query_store(memory_store(corpus_to_dataset(corpus, settings)), sparql, substitutions)


def _one_line(text: str) -> str:
    return " ".join(text.split())
