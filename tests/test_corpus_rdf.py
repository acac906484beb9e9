"""Corpus.to_rdf() and Corpus.query(): the RDF view and SPARQL over a corpus in memory."""

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import load_fixture_module
from rdflib import Dataset, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from kg.corpus import Corpus
from kg.errors import KGError, QueryError
from kg.rdf.convert import corpus_to_dataset
from kg.records import Paper, PaperEntities
from kg.settings import Settings
from kg.store.embedded import QueryResult

FIXTURES = Path(__file__).parent / "fixtures"
PREFIXES = f"""PREFIX kg: <https://w3id.org/kg/vocab#>
PREFIX dcterms: <{ns.DCTERMS}>
PREFIX schema: <{ns.SDO}>
"""


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]




tiny = load_fixture_module("rdf/tiny_corpus.py")


def graph_corpus(settings: Settings | None = None) -> Corpus:
    """The eight papers of tests/fixtures/graph, resolved and linked for real."""
    papers = [Paper.from_dict(d) for d in _read_jsonl(FIXTURES / "graph" / "papers.jsonl")]
    found = [PaperEntities.from_dict(d) for d in _read_jsonl(FIXTURES / "graph" / "extractions.jsonl")]
    settings = settings or Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)
    return Corpus.from_extractions(papers, found, settings)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return graph_corpus()


def _graphs(ds: Dataset) -> dict[Any, Any]:
    return {g.identifier: g for g in ds.graphs()}


def _same_dataset(a: Dataset, b: Dataset) -> bool:
    """Same named graphs, each isomorphic to its counterpart (and nothing but triples of them)."""
    ga, gb = _graphs(a), _graphs(b)
    non_empty = {k for k, g in ga.items() if len(g)} | {k for k, g in gb.items() if len(g)}
    return all(k in ga and k in gb and isomorphic(ga[k], gb[k]) for k in non_empty)


# ------------------------------------------------------------------ to_rdf

def test_to_rdf_is_the_converter_dataset(corpus: Corpus) -> None:
    ds = corpus.to_rdf()
    assert isinstance(ds, Dataset)
    ref = corpus_to_dataset(corpus, corpus.settings)
    quads = set(ds.quads((None, None, None, None)))
    assert len(quads) == len(set(ref.quads((None, None, None, None)))) > 0
    assert _same_dataset(ds, ref)
    # one named graph per paper, plus the default graph of entities and links
    named = {k for k, g in _graphs(ds).items() if len(g)}
    assert len(named) == len(corpus.papers) + 1


def test_to_rdf_holds_every_paper_and_entity(corpus: Corpus) -> None:
    ds = corpus.to_rdf()
    ids = {str(o) for s, _, o, _ in ds.quads((None, ns.DCTERMS.identifier, None, None))}
    assert ids == set(corpus.papers) | set(corpus.entities)
    articles = {s for s, _, _, _ in ds.quads((None, ns.RDF.type, ns.SDO.ScholarlyArticle, None))}
    assert len(articles) == len(corpus.papers)


def test_to_rdf_follows_the_corpus_settings() -> None:
    base = "https://example.org/other-kg/"
    corpus = graph_corpus(Settings(progress=False, link_max_df=1.0, link_min_weight=0.1,
                                   base_iri=base))
    ds = corpus.to_rdf()
    mine = {s for s, _, _, _ in ds.quads((None, ns.DCTERMS.identifier, None, None))}
    assert mine and all(isinstance(s, URIRef) and str(s).startswith(base) for s in mine)
    # the converter with default settings would mint other IRIs: to_rdf passed its own
    assert not _same_dataset(ds, corpus_to_dataset(corpus, Settings()))
    assert _same_dataset(ds, corpus_to_dataset(corpus, corpus.settings))


def test_to_rdf_of_the_hand_built_corpus() -> None:
    hand = tiny.build()
    assert isinstance(hand, Corpus)
    assert _same_dataset(hand.to_rdf(), corpus_to_dataset(hand, hand.settings))
    ids = {o for _, _, o, _ in hand.to_rdf().quads((None, ns.DCTERMS.identifier, None, None))}
    assert Literal(tiny.HOSTILE_ENTITY) in ids


# ------------------------------------------------------------------ query

def test_select_counts_the_papers(corpus: Corpus) -> None:
    r = corpus.query(PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:ScholarlyArticle }")
    assert isinstance(r, QueryResult)
    assert r.kind == "select" and r.columns == ("n",)
    assert r.rows == ((len(corpus.papers),),)
    assert r.records() == [{"n": len(corpus.papers)}]


def test_select_support_of_each_entity_matches_resolution(corpus: Corpus) -> None:
    """Papers live in named graphs and entities in the default one: the query sees both."""
    r = corpus.query(PREFIXES + """
        SELECT ?id (COUNT(DISTINCT ?paper) AS ?n) WHERE {
          ?paper kg:uses|kg:proposes ?e . ?e dcterms:identifier ?id
        } GROUP BY ?id""")
    got = dict(r.rows)
    expected = {e.id: e.support for e in corpus.entities.values() if e.support}
    assert got == expected and got


def test_ask(corpus: Corpus) -> None:
    pid = next(iter(corpus.papers))
    ask = PREFIXES + "ASK {{ ?p a schema:ScholarlyArticle ; dcterms:identifier {} }}"
    yes = corpus.query(ask.format(json.dumps(pid)))
    assert yes.kind == "ask" and yes.boolean is True
    assert yes.records() == [{"result": True}]
    no = corpus.query(ask.format(json.dumps("arxiv:0000.00000")))
    assert no.kind == "ask" and no.boolean is False


def test_ask_finds_hostile_identifier() -> None:
    hand = tiny.build()
    assert isinstance(hand, Corpus)
    literal = json.dumps(tiny.HOSTILE_ENTITY, ensure_ascii=False)  # \" and \n are SPARQL escapes too
    r = hand.query(PREFIXES + f"ASK {{ ?e a kg:Method ; dcterms:identifier {literal} }}")
    assert r.boolean is True


@pytest.mark.parametrize("sparql", [
    "SELEC ?x WHERE { ?x ?y ?z }",
    "SELECT ?x WHERE {\n  ?x ?y \n",
    "PREFIX kg: <https://w3id.org/kg/vocab#>\nSELECT * WHERE { ?x nope:p ?y }",
])
def test_malformed_query_raises_one_line_query_error(corpus: Corpus, sparql: str) -> None:
    with pytest.raises(QueryError) as info:
        corpus.query(sparql)
    message = str(info.value)
    assert isinstance(info.value, KGError)
    assert message.strip() and "\n" not in message
    assert "malformed" in message.lower()
