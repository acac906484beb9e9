"""Corpus: resolution and linking run together over a small hand-made corpus."""

import json

import pytest

from kg.corpus import Corpus
from kg.errors import KGError
from kg.export.graphs import to_graphml
from kg.records import Mention, Paper, PaperEntities
from kg.settings import Settings


def load(fixtures):
    d = fixtures / "graph"
    papers = [Paper.from_dict(json.loads(x)) for x in (d / "papers.jsonl").read_text().splitlines()]
    found = [PaperEntities.from_dict(json.loads(x))
             for x in (d / "extractions.jsonl").read_text().splitlines()]
    return papers, found


def test_from_extractions_resolves_and_links(fixtures):
    papers, found = load(fixtures)
    c = Corpus.from_extractions(papers, found)
    assert set(c.papers) == {p.id for p in papers}
    assert set(c.extractions) == {f.id for f in found}
    # spellings of ImageNet-1K from three papers are one entity
    assert c.entities["dataset/imagenet-1k"].support == 3
    # MIM has two long forms in this corpus, so the bare "MIM" stays apart
    assert "method/mim" in c.entities
    assert c.entities["model/llava-1.5-7b"].parent == "model/llava-1.5"
    assert c.entities["model/llava-1.5"].parent == "model/llava"
    assert c.entities["model/vit"].name == "ViT"  # family created from the gazetteer parent
    # in 8 papers an entity reached by 3 is common (link_max_df 0.2): LLaVA's family is
    # reached by the three papers naming LLaVA or a variant, so nothing links here ...
    assert c.links == []
    # ... until fewer entities are common: LLaVA and COCO are then two shared entities
    c = Corpus.from_extractions(papers, found, Settings().with_(link_max_df=0.5))
    pairs = {(k.source, k.target): k for k in c.links}
    llava = pairs[("arxiv:2304.08485", "arxiv:2310.03744")]
    assert set(llava.shared) == {"model/llava", "dataset/coco"} and llava.rule == "several"
    assert all(k.source < k.target for k in c.links)


def test_views_agree_with_records(fixtures):
    c = Corpus.from_extractions(*load(fixtures))
    g = c.to_networkx()
    assert g.number_of_nodes() == len(c.papers) + len(c.entities) + len(c.repos_df().repository.unique())
    assert sum(1 for *_, k in g.edges(keys=True) if k == "mentions") == len(c.occurrences)
    pg = c.paper_graph()
    assert pg.number_of_nodes() == len(c.papers) and pg.number_of_edges() == len(c.links)
    cg = c.cooccurrence_graph()
    assert cg.edges["model/llava", "dataset/coco"]["weight"] == 2
    assert "<graphml" in to_graphml(g)
    assert len(c.links_df()) == len(c.links)
    assert "8 papers" in repr(c)


def test_settings_reach_linking(fixtures):
    papers, found = load(fixtures)
    strict = Corpus.from_extractions(papers, found, Settings().with_(link_min_weight=100.0))
    assert strict.links == []
    assert strict.settings.link_min_weight == 100.0


def test_extraction_for_unknown_paper_is_an_error():
    with pytest.raises(KGError, match="unknown paper 'p9'"):
        Corpus.from_extractions([Paper("p1", "T", "")], [PaperEntities("p9", "X")])


def test_two_extractions_of_one_paper_are_merged():
    papers = [Paper("p1", "T", ""), Paper("p2", "U", "")] + [Paper(f"z{i}", "Z", "") for i in range(4)]
    found = [PaperEntities("p1", "T", (Mention("model", "BERT"),)),
             PaperEntities("p1", "T", (Mention("dataset", "SQuAD"),)),
             PaperEntities("p2", "U", (Mention("dataset", "SQuAD"),))]
    c = Corpus.from_extractions(papers, found)
    assert {o.entity for o in c.occurrences if o.paper == "p1"} == {"model/bert", "dataset/squad"}
    assert [(k.source, k.target) for k in c.links] == [("p1", "p2")]
