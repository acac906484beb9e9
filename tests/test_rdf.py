"""A corpus as ns.RDF: graphs, typed literals, SHACL conformance, VoID counts."""

from decimal import Decimal
from importlib.resources import files
from typing import Any

import pyshacl
import pytest
from conftest import load_fixture_module
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.rdf.convert import corpus_to_dataset, corpus_to_graph, dataset_to_graph, date_literal
from kg.rdf.iri import mint
from kg.rdf.vocab import KG
from kg.rdf.void import void_description
from kg.settings import Settings

BASE = Settings().base_iri




tiny = load_fixture_module("rdf/tiny_corpus.py")


@pytest.fixture(scope="module")
def corpus() -> Any:
    return tiny.build()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(data=files("kg.schemas").joinpath("kg.shapes.ttl").read_text("utf-8"),
                         format="turtle")


def _conforms(g: Graph, shapes: Graph) -> tuple[bool, str]:
    ok, _, text = pyshacl.validate(g, shacl_graph=shapes)
    return bool(ok), str(text)


def test_each_paper_has_its_own_named_graph(corpus: Any) -> None:
    ds = corpus_to_dataset(corpus)
    names = {g.identifier for g in ds.graphs()} - {DATASET_DEFAULT_GRAPH_ID}
    assert names == {mint("graph", pid, BASE) for pid in corpus.papers}
    p1 = mint("paper", "arxiv:2401.00001", BASE)
    own = ds.graph(mint("graph", "arxiv:2401.00001", BASE))
    assert (p1, ns.DCTERMS.title, Literal("LLaVA-Next: better vision", lang="en")) in own
    assert (p1, KG.proposes, mint("entity", "model/llava-next", BASE)) in own
    assert len(list(own.subjects(ns.RDF.type, KG.Evidence))) == 3
    # the paper's statements are in its graph only; entities and links are in the default graph
    default = ds.graph(DATASET_DEFAULT_GRAPH_ID)
    assert not list(default.triples((p1, ns.DCTERMS.title, None)))
    assert (mint("entity", "method/lora", BASE), ns.SKOS.prefLabel, Literal("LoRA")) in default
    assert (None, ns.RDF.type, KG.PaperLink) in default
    other = ds.graph(mint("graph", "arxiv:2401.00002", BASE))
    assert (p1, None, None) not in other


def test_merged_graph_holds_every_quad_of_the_dataset(corpus: Any) -> None:
    ds = corpus_to_dataset(corpus)
    g = corpus_to_graph(corpus)
    assert isomorphic(g, dataset_to_graph(ds))
    assert len(g) == len(list(ds.quads((None, None, None, None))))


def test_literals_are_typed(corpus: Any) -> None:
    g = corpus_to_graph(corpus)
    p1 = mint("paper", "arxiv:2401.00001", BASE)
    p2 = mint("paper", "arxiv:2401.00002", BASE)
    assert g.value(p1, ns.DCTERMS.date) == Literal("2024-01-31", datatype=ns.XSD.date)
    assert g.value(p2, ns.DCTERMS.date) == Literal("Oct 3")  # no year: kept as written
    assert g.value(p1, KG.listingDate) == Literal("2024-02-01", datatype=ns.XSD.date)
    assert g.value(p1, KG.upvotes) == Literal(12, datatype=ns.XSD.integer)
    assert g.value(p1, KG.authorCount) == Literal(3, datatype=ns.XSD.integer)
    assert g.value(p1, ns.DCTERMS.abstract).language == "en"
    lora = mint("entity", "method/lora", BASE)
    assert g.value(lora, KG.support) == Literal(2, datatype=ns.XSD.integer)
    assert set(g.objects(lora, ns.SKOS.altLabel)) == {Literal("low-rank adaptation")}  # name not repeated
    link = mint("link", ("arxiv:2401.00001", "arxiv:2401.00002"), BASE)
    assert str(g.value(link, KG.weight)) == "1.75" and g.value(link, KG.weight).toPython() == Decimal("1.75")
    assert g.value(link, KG.weight).datatype == ns.XSD.decimal
    assert set(g.objects(link, KG.sharedEntity)) == {lora, mint("entity", "dataset/mmlu", BASE)}
    assert (p1, KG.relatedTo, p2) in g
    ev = next(iter(g.subjects(ns.DCTERMS.subject, mint("entity", "model/llava-next", BASE))))
    assert g.value(ev, KG.start).datatype == ns.XSD.integer
    assert g.value(ev, KG.confidence).datatype == ns.XSD.decimal
    assert g.value(ev, ns.PROV.value) == Literal("We propose LLaVA-Next.", lang="en")
    assert g.value(ev, ns.PROV.wasDerivedFrom) == p1


def test_families_variants_and_repositories(corpus: Any) -> None:
    g = corpus_to_graph(corpus)
    variant, family = mint("entity", "model/llava-next", BASE), mint("entity", "model/llava", BASE)
    assert (variant, KG.variantOf, family) in g and (variant, ns.SKOS.broader, family) in g
    assert g.value(variant, ns.SKOS.notation) == Literal("llava-next")
    p1 = mint("paper", "arxiv:2401.00001", BASE)
    repos = set(g.objects(p1, KG.hasRepository))
    # the metadata URL and the extracted link are the same repository: one node
    assert len(repos) == 2
    code = next(r for r in repos if (r, ns.RDF.type, ns.SDO.SoftwareSourceCode) in g)
    assert g.value(code, ns.SDO.url) == URIRef("https://github.com/org/llava-next")
    assert g.value(code, KG.official) == Literal(True)
    assert (p1, ns.SDO.sameAs, URIRef("https://arxiv.org/abs/2401.00001")) in g


@pytest.mark.parametrize("text,typed", [
    ("2024-01-31", True), ("Jan 31, 2024", True), ("January 31, 2024", True), ("31 Jan 2024", True),
    ("Oct 3", False), ("2024", False), ("soon", False),
])
def test_date_literal(text: str, typed: bool) -> None:
    assert (date_literal(text).datatype == ns.XSD.date) is typed


def test_hand_built_corpus_conforms_to_the_shapes(corpus: Any, shapes: Graph) -> None:
    ok, report = _conforms(corpus_to_graph(corpus), shapes)
    assert ok, report


@pytest.mark.parametrize("damage", ["no title", "start after end", "zero weight", "two types",
                                    "no shared entity", "support zero",
                                    "family without variants"])
def test_shapes_reject_broken_graphs(corpus: Any, shapes: Graph, damage: str) -> None:
    g = corpus_to_graph(corpus)
    p1 = mint("paper", "arxiv:2401.00001", BASE)
    link = mint("link", ("arxiv:2401.00001", "arxiv:2401.00002"), BASE)
    lora = mint("entity", "method/lora", BASE)
    if damage == "no title":
        g.remove((p1, ns.DCTERMS.title, None))
    elif damage == "start after end":
        ev = next(iter(g.subjects(ns.RDF.type, KG.Evidence)))
        g.set((ev, KG.start, Literal(10_000)))
    elif damage == "zero weight":
        g.set((link, KG.weight, Literal(0.0)))
    elif damage == "two types":
        g.add((lora, ns.RDF.type, KG.Dataset))
    elif damage == "no shared entity":
        g.remove((link, KG.sharedEntity, None))
    elif damage == "support zero":
        g.set((lora, KG.support, Literal(0)))
    elif damage == "family without variants":  # support 0 is allowed only for a family
        g.remove((None, KG.variantOf, mint("entity", "model/llava", BASE)))
    ok, _ = _conforms(g, shapes)
    assert not ok


def test_converter_uses_the_base_iri_of_the_settings(corpus: Any) -> None:
    g = corpus_to_graph(corpus, Settings(base_iri="http://example.org/x/"))
    subjects = {str(s) for s in g.subjects()}
    assert subjects and all(s.startswith("http://example.org/x/") for s in subjects)


def _count(void: Graph, node: Any, prop: URIRef) -> int:
    value = void.value(node, prop)
    assert value is not None
    return int(value)


def test_void_counts_equal_the_real_counts(corpus: Any) -> None:
    ds = corpus_to_dataset(corpus)
    g = dataset_to_graph(ds)
    void = void_description(ds, Settings(), {"id": "b1", "created": "2024-05-01T10:00:00"})
    d = mint("build", "b1", BASE)
    assert (d, ns.RDF.type, ns.VOID.Dataset) in void
    assert _count(void, d, ns.VOID.triples) == len(g)
    assert _count(void, d, ns.VOID.entities) == len({s for s in g.subjects() if isinstance(s, URIRef)})
    by_class = {void.value(part, ns.VOID["class"]): int(void.value(part, ns.VOID.entities))
                for part in void.objects(d, ns.VOID.classPartition)}
    assert by_class[ns.SDO.ScholarlyArticle] == len(corpus.papers)
    assert by_class[KG.PaperLink] == len(corpus.links)
    assert by_class[ns.SKOS.Concept] == len(corpus.entities)
    assert by_class[KG.Evidence] == sum(len(o.mention.evidence) for o in corpus.occurrences)
    by_prop = {void.value(part, ns.VOID.property): int(void.value(part, ns.VOID.triples))
               for part in void.objects(d, ns.VOID.propertyPartition)}
    assert sum(by_prop.values()) == len(g)
    assert void.value(d, ns.DCTERMS.created) == Literal("2024-05-01T10:00:00", datatype=ns.XSD.dateTime)
    assert void.value(d, ns.VOID.exampleResource) in set(g.subjects(ns.RDF.type, ns.SDO.ScholarlyArticle))
    assert URIRef(str(KG)) in set(void.objects(d, ns.VOID.vocabulary))


def test_void_of_a_corpus_equals_void_of_its_dataset(corpus: Any) -> None:
    info = {"id": "b2", "created": "2024-05-01T10:00:00"}
    a = void_description(corpus, Settings(), info)
    b = void_description(corpus_to_dataset(corpus), Settings(), info)
    assert isomorphic(a, b)


def test_empty_corpus_converts_to_an_empty_dataset() -> None:
    from types import SimpleNamespace

    empty = SimpleNamespace(papers={}, extractions={}, entities={}, occurrences=[], links=[],
                            settings=Settings())
    ds = corpus_to_dataset(empty)
    assert isinstance(ds, Dataset)
    assert len(list(ds.quads((None, None, None, None)))) == 0
    void = void_description(empty, Settings(), {})
    assert int(void.value(mint("build", "latest", BASE), ns.VOID.triples)) == 0


def test_conversion_is_stable_across_runs(corpus: Any) -> None:
    a = set(corpus_to_dataset(corpus).quads((None, None, None, None)))
    b = set(corpus_to_dataset(tiny.build()).quads((None, None, None, None)))
    key = {(s, p, o, g.identifier if isinstance(g, Graph) else g) for s, p, o, g in a}
    assert key == {(s, p, o, g.identifier if isinstance(g, Graph) else g) for s, p, o, g in b}
