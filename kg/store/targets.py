"""What a push writes where: the target graph or kg's graphs, their staging graphs, the
lines sent, and the SPARQL that counts them and swaps the staged ones in.

kg owns the graph ``--graph`` names, the default graph with ``--default-graph``,
or, for a dataset push, the named graphs under the build's graph namespace
``{base}graph/``: one per paper, and ``{base}graph/corpus`` for the corpus-level
triples the build keeps in its default graph (a remote's default graph is shared,
so a dataset push leaves it alone). Staging graphs are ``urn:kg:staging:<hash>``,
the same on every run for one target, so a rerun clears what a failed one left.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import EndpointError

STAGING = "urn:kg:staging:"
CORPUS_GRAPH_KEY = "corpus"  # paper ids always hold a ":", so no paper's graph has this name


def iri_term(iri: str) -> str:
    """``<iri>``, escaped by pyoxigraph; a relative or malformed IRI is an EndpointError."""
    import pyoxigraph as ox

    try:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            raise ValueError("not absolute")
        return str(ox.NamedNode(iri))
    except ValueError as e:
        raise EndpointError(f"bad graph IRI {iri!r}: {e}; expected an absolute IRI") from None


def staging_iri(key: str) -> str:
    """The staging graph of one push target.

    >>> staging_iri("https://example.org/g")
    'urn:kg:staging:17a9812f3fddc015'
    """
    return f"{STAGING}{hashlib.sha256(key.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Target:
    """One graph (``graph``: an IRI, or None for the default graph), or kg's graphs in the
    dataset (``namespace``, with ``graphs`` the build's and ``corpus`` the one its
    default-graph triples go to)."""

    graph: str | None = None
    namespace: str | None = None
    graphs: tuple[str, ...] = ()
    corpus: str | None = None

    @property
    def dataset(self) -> bool:
        return self.namespace is not None

    @property
    def staging(self) -> str:
        return staging_iri(self.namespace if self.namespace is not None else self.graph or "default")

    def staged(self, graph: str) -> str:
        """The staging graph of one of kg's graphs in a dataset push."""
        return f"{self.staging}:{graph}"

    def describe(self, staged: bool = False) -> str:
        if staged:
            return (f"the staging graphs <{self.staging}:...>" if self.dataset
                    else f"the staging graph <{self.staging}>")
        if self.namespace is not None:
            return f"kg's graphs under <{self.namespace}>"
        return f"graph <{self.graph}>" if self.graph else "the default graph"

    def as_it_was(self) -> str:
        return f"{self.describe()} {'are as they were' if self.dataset else 'is as it was'}"

    def pattern(self, staged: bool = False) -> str:
        """A SPARQL pattern matching the triples of the target (or of its staging graphs)."""
        if self.namespace is not None:
            prefix = f"{self.staging}:" if staged else self.namespace
            return f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {json.dumps(prefix)}))"
        if staged:
            return f"GRAPH <{self.staging}> {{ ?s ?p ?o }}"
        return f"GRAPH {iri_term(self.graph)} {{ ?s ?p ?o }}" if self.graph else "?s ?p ?o"

    def swap_update(self) -> str:
        """One SPARQL update that puts the staged triples in place of the target's."""
        if self.namespace is not None:
            ops = [f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {self.pattern()} }}"]
            ops += [f"MOVE SILENT GRAPH <{self.staged(g)}> TO GRAPH <{g}>" for g in self.graphs]
            return " ;\n".join(ops)
        # DROP + ADD + DROP rather than MOVE: MOVE SILENT from a missing (empty) graph keeps the target
        into = f"GRAPH <{self.graph}>" if self.graph else "DEFAULT"
        clear = f"DROP SILENT {into}" if self.graph else "CLEAR SILENT DEFAULT"
        return f"{clear} ;\nADD SILENT GRAPH <{self.staging}> TO {into} ;\nDROP SILENT GRAPH <{self.staging}>"

    def clear_staging(self) -> str:
        """A SPARQL update that empties the staging graph(s)."""
        if self.namespace is not None:
            return f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {self.pattern(staged=True)} }}"
        return f"DROP SILENT GRAPH <{self.staging}>"


def plan(output_dir: str | Path, graph: str | None, default_graph: bool, base_iri: str | None) -> Target:
    """The target of a push; for a dataset push, the build's graphs, all under its namespace."""
    import pyoxigraph as ox

    from kg.rdf.iri import mint
    from kg.store.embedded import open_store, store_path

    if graph:
        iri_term(graph)  # refuses a relative or malformed IRI before anything is sent
    if graph or default_graph:
        return Target(graph=graph)
    corpus = str(mint("graph", CORPUS_GRAPH_KEY, base_iri))
    namespace = corpus[: -len(CORPUS_GRAPH_KEY)]
    store = open_store(store_path(output_dir), read_only=True)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    stray = [g for g in graphs if not g.startswith(namespace) or g == corpus]
    if stray:
        raise EndpointError(f"the build's graph <{stray[0]}> is not one of kg's paper graphs under "
                            f"<{namespace}>: push it with --graph IRI, or give the base IRI the build used")
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
        graphs.append(corpus)
    return Target(namespace=namespace, graphs=tuple(graphs), corpus=corpus)


def lines(output_dir: str | Path, target: Target, staged: bool) -> Iterator[tuple[bytes, bool]]:
    """N-Triples (one graph: the build's distinct triples) or N-Quads (kg's graphs) lines,
    each with whether it holds a blank node."""
    import pyoxigraph as ox

    from kg.store.embedded import open_store, store_path

    store = open_store(store_path(output_dir), read_only=True)
    if target.corpus is not None:
        for q in store:
            g = target.corpus if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name.value)
            name = ox.NamedNode(target.staged(g) if staged else g)
            blank = isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
            yield f"{q.subject} {q.predicate} {q.object} {name} .\n".encode(), blank
        return
    solutions = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for sol in solutions:
        blank = isinstance(sol["s"], ox.BlankNode) or isinstance(sol["o"], ox.BlankNode)
        yield f"{sol['s']} {sol['p']} {sol['o']} .\n".encode(), blank


def chunks(rows: Iterator[tuple[bytes, bool]], size: int) -> Iterator[tuple[bytes, int, bool]]:
    """Chunks of ``size`` lines: the bytes, the number of lines, and whether none holds a
    blank node (then sending the chunk twice adds nothing the first did not)."""
    buf: list[bytes] = []
    ground = True
    for line, blank in rows:
        buf.append(line)
        ground = ground and not blank
        if len(buf) >= size:
            yield b"".join(buf), len(buf), ground
            buf, ground = [], True
    if buf:
        yield b"".join(buf), len(buf), ground
