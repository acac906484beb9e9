"""Acceptance on ../shared/seeds: one real ``kg build`` of every seed paper, every export read back.

The build runs once per module. Each RDF format of the registry is exported,
written, parsed again with rdflib and with pyoxigraph, counted and compared with
the corpus graph. pySHACL takes about 7 s per run on the seed graph (several
times the work of everything else per format), so the corpus graph is validated
once and an export isomorphic to it conforms with it; an export that is not
isomorphic is validated itself. The corpus graph has no blank nodes, so equal
sets of triples (or of quads, for formats with named graphs) are isomorphic graphs.
"""

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.parser import Parser
from rdflib.plugin import PluginException
from rdflib.plugin import get as get_plugin

from kg.build import BuildSummary, build, load_corpus
from kg.export.registry import FORMATS, TABLES, Format, export, get_format, write_output
from kg.rdf.convert import corpus_to_graph
from kg.settings import Settings
from kg.store.embedded import STORE_NAME, open_store, rdflib_to_quads

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    # rdflib's own parsers and serializers call its deprecated Dataset API (once per N-Quads line)
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

SEED_PAPERS = 520  # distinct papers of the seeds, counted without kg (see test_sources_seeds.py)


def _rdf_syntax(fmt: Format) -> ox.RdfFormat | None:
    """The pyoxigraph syntax of a registry format whose media type is an RDF syntax rdflib reads."""
    try:
        get_plugin(fmt.media_type, Parser)
    except PluginException:
        return None
    return ox.RdfFormat.from_media_type(fmt.media_type)


RDF_FORMATS = [f.name for f in FORMATS if _rdf_syntax(f) is not None]

# regression: weights were xsd:double, which Turtle/TriG shorthand writes with 6 significant
# digits ("4.056604e+00" for 4.056604234); they are xsd:decimal now and every format is exact
EXACT = RDF_FORMATS


@dataclass
class Seeds:
    out: Path
    summary: BuildSummary
    corpus: Any
    merged: Graph  # every triple of the corpus, graph names dropped
    quads: frozenset[ox.Quad]  # the corpus dataset: one named graph per paper
    triples: frozenset[ox.Triple]


@pytest.fixture(scope="module")
def cache() -> dict[str, Any]:
    return {}


@pytest.fixture
def seeds(shared: Path, tmp_path_factory: pytest.TempPathFactory, cache: dict[str, Any],
          nlp: Any) -> Seeds:
    """``kg build`` of all of ../shared/seeds, made once for the module."""
    if "seeds" not in cache:
        out = tmp_path_factory.mktemp("seeds") / "out"
        summary = build([shared / "seeds"], out, settings=Settings(progress=False), progress=False,
                        nlp=nlp)
        corpus = load_corpus(out)  # what `kg export` and `kg query` use
        quads = frozenset(rdflib_to_quads(corpus.to_rdf()))
        triples = frozenset(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        cache["seeds"] = Seeds(out, summary, corpus, corpus_to_graph(corpus), quads, triples)
    seeds: Seeds = cache["seeds"]
    return seeds


@pytest.fixture(scope="module")
def shapes() -> Graph:
    text = files("kg.schemas").joinpath("kg.shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _ox_parse(path: Path, name: str) -> list[ox.Quad]:
    syntax = _rdf_syntax(get_format(name))
    assert syntax is not None
    return list(ox.parse(path=str(path), format=syntax))


_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")


def _by_value(q: ox.Quad, with_graph: bool) -> Any:
    """A quad (or triple) whose xsd:double object is in one lexical form.

    JSON-LD writes doubles as JSON numbers, which read back as "4.05E0": the same
    value in another lexical form; only a changed value is a loss.
    """
    o = q.object
    if isinstance(o, ox.Literal) and o.datatype == _DOUBLE:
        o = ox.Literal(repr(float(o.value)), datatype=_DOUBLE)
    return ox.Quad(q.subject, q.predicate, o, q.graph_name) if with_graph else \
        ox.Triple(q.subject, q.predicate, o)


@dataclass
class Reading:
    """One RDF export of the seed corpus, read back by both parsers."""

    quads: list[ox.Quad]  # pyoxigraph
    n_rdflib: int  # quads (or triples) rdflib read
    union: Graph  # rdflib, graph names dropped
    isomorphic: bool  # union is isomorphic to the corpus graph


def read_back(seeds: Seeds, name: str, cache: dict[str, Any],
              tmp_path_factory: pytest.TempPathFactory) -> Reading:
    """Export format ``name``, write it, read it back (once per module)."""
    key = f"reading:{name}"
    if key not in cache:
        fmt = get_format(name)
        path = tmp_path_factory.mktemp("export") / f"graph{fmt.suffixes[0] if fmt.suffixes else ''}"
        write_output(export(seeds.corpus, name, seeds.corpus.settings), path)
        ds = Dataset()
        ds.parse(str(path), format=fmt.media_type)
        union = Graph()
        n = 0
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
            n += 1
        cache[key] = Reading(_ox_parse(path, name), n, union, isomorphic(union, seeds.merged))
    reading: Reading = cache[key]
    return reading


def _sample(items: set[Any], k: int = 3) -> list[str]:
    return sorted(str(x) for x in items)[:k]


# ------------------------------------------------------------------ the build

def test_registry_has_the_rdf_formats_this_module_reads() -> None:
    assert {"turtle", "nt", "nquads", "trig", "jsonld", "xml"} <= set(RDF_FORMATS)


def test_build_store_and_dumps_hold_the_corpus(seeds: Seeds) -> None:
    corpus, summary = seeds.corpus, seeds.summary
    assert summary.papers == len(corpus.papers) == SEED_PAPERS
    assert summary.links == len(corpus.links) > 0
    assert sum(summary.entities.values()) == len(corpus.entities) > 0
    assert summary.occurrences == len(corpus.occurrences) > 0
    assert not any(isinstance(t, ox.BlankNode) for q in seeds.quads for t in (q.subject, q.object))
    assert summary.triples == len(seeds.quads) == len(seeds.merged)

    store = open_store(seeds.out / STORE_NAME, read_only=True)
    try:
        assert set(store) == seeds.quads
    finally:
        del store
    assert set(_ox_parse(seeds.out / "graph.nq", "nquads")) == seeds.quads
    ttl = _ox_parse(seeds.out / "graph.ttl", "turtle")
    assert len(set(ttl)) == len(seeds.triples)


def reference_conforms(seeds: Seeds, shapes: Graph, cache: dict[str, Any]) -> tuple[bool, str]:
    """pySHACL on the corpus graph, run once per module."""
    if "conforms" not in cache:
        conforms, _, report = pyshacl.validate(seeds.merged, shacl_graph=shapes)
        cache["conforms"] = (bool(conforms), str(report)[:2000])
    result: tuple[bool, str] = cache["conforms"]
    return result


def test_corpus_graph_conforms_to_the_shapes(seeds: Seeds, shapes: Graph,
                                             cache: dict[str, Any]) -> None:
    conforms, report = reference_conforms(seeds, shapes, cache)
    assert conforms, report


# ------------------------------------------------------------------ every RDF format

@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_export_reads_back_with_every_triple(seeds: Seeds, name: str, cache: dict[str, Any],
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    reading = read_back(seeds, name, cache, tmp_path_factory)
    syntax = _rdf_syntax(get_format(name))
    assert syntax is not None
    expected = len(seeds.quads) if syntax.supports_datasets else len(seeds.merged)
    assert len(reading.quads) == len(set(reading.quads)) == expected
    assert reading.n_rdflib == expected
    assert len(reading.union) == len(seeds.merged)
    if syntax.supports_datasets:
        assert {q.graph_name for q in reading.quads} == {q.graph_name for q in seeds.quads}


@pytest.mark.parametrize("name", EXACT)
def test_rdf_export_keeps_every_value(seeds: Seeds, name: str, cache: dict[str, Any],
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    """pyoxigraph: every quad in its own graph; rdflib: isomorphic to the corpus graph."""
    reading = read_back(seeds, name, cache, tmp_path_factory)
    syntax = _rdf_syntax(get_format(name))
    assert syntax is not None
    quads = syntax.supports_datasets
    got = {_by_value(q, quads) for q in reading.quads}
    want = {_by_value(q, quads) for q in seeds.quads}
    assert got == want, f"missing {_sample(want - got)}, unexpected {_sample(got - want)}"
    assert reading.isomorphic


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_export_conforms_to_the_shapes(seeds: Seeds, shapes: Graph, name: str,
                                           cache: dict[str, Any],
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """An export isomorphic to the corpus graph conforms when the corpus graph does (validated
    once: about 7 s per run of pySHACL here); any other export is validated itself."""
    reading = read_back(seeds, name, cache, tmp_path_factory)
    if reading.isomorphic:
        conforms, report = reference_conforms(seeds, shapes, cache)
    else:
        ok, _, text = pyshacl.validate(reading.union, shacl_graph=shapes, inplace=True)
        conforms, report = bool(ok), str(text)[:2000]
    assert conforms, report


# ------------------------------------------------------------------ graphs, tables, JSONL

def _knowledge_graph_expectations(corpus: Any) -> tuple[set[str], int]:
    """Node ids and edge count of the paper/entity/repository graph with the paper links."""
    repos = {(pid, r.repository) for pid, pe in corpus.extractions.items() for r in pe.links}
    repos |= {(p.id, url) for p in corpus.papers.values() for url in p.repos}
    nodes = set(corpus.papers) | set(corpus.entities) | {url for _, url in repos}
    mentions = {(o.paper, o.entity) for o in corpus.occurrences if o.entity in corpus.entities}
    variants = [e for e in corpus.entities.values() if e.parent and e.parent in nodes]
    return nodes, len(mentions) + len(variants) + len(repos) + len(corpus.links)


@pytest.mark.parametrize("name, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_exports_read_back_with_networkx(seeds: Seeds, name: str, read: Any,
                                               tmp_path: Path) -> None:
    path = tmp_path / f"graph.{name}"
    write_output(export(seeds.corpus, name), path)
    g = read(path)
    nodes, n_edges = _knowledge_graph_expectations(seeds.corpus)
    assert g.number_of_nodes() == len(nodes)
    assert {str(n) for n in g.nodes} == nodes
    assert g.number_of_edges() == n_edges
    # the related-papers network is there too, each edge with its weight and shared entities
    related = [d for u, v, d in g.edges(data=True) if d.get("relation") == "related_to"]
    assert len(related) == len(seeds.corpus.links) > 0
    # (a link rests on shared entities, or on alike texts: its similarity is on the edge)
    assert all(float(d["weight"]) > 0 and d["rule"]
               and (d.get("shared") or float(d.get("similarity", 0)) > 0) for d in related)
    assert any(d["rule"] == "text" and float(d["similarity"]) > 0 for d in related)


@pytest.mark.parametrize("name", ["csv", "parquet"])
def test_tables_read_back_with_pandas(seeds: Seeds, name: str, tmp_path: Path) -> None:
    corpus = seeds.corpus
    written = write_output(export(corpus, name), tmp_path / "tables")
    assert sorted(p.name for p in written) == sorted(f"{t}.{name}" for t in TABLES)

    def read(table: str) -> pd.DataFrame:
        path = tmp_path / "tables" / f"{table}.{name}"
        return pd.read_csv(path, dtype=str, keep_default_na=False) if name == "csv" else pd.read_parquet(path)

    repos = {(pid, r.repository) for pid, pe in corpus.extractions.items() for r in pe.links}
    expected = {"papers": len(corpus.papers), "entities": len(corpus.entities),
                "mentions": len(corpus.occurrences), "links": len(corpus.links), "repos": len(repos)}
    assert set(expected) == set(TABLES)
    frames = {table: read(table) for table in TABLES}
    assert {t: len(df) for t, df in frames.items()} == expected
    assert set(frames["papers"]["id"]) == set(corpus.papers)
    assert set(frames["entities"]["id"]) == set(corpus.entities)


def test_jsonl_has_one_valid_line_per_paper(seeds: Seeds, tmp_path: Path) -> None:
    path = tmp_path / "extractions.jsonl"
    write_output(export(seeds.corpus, "jsonl"), path)
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == len(seeds.corpus.papers) == SEED_PAPERS
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == list(seeds.corpus.papers)
    schema = json.loads(files("kg.schemas").joinpath("extraction.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{r['id']}: {e.message}" for r in rows for e in validator.iter_errors(r)]
    assert not errors, errors[:5]
