"""The networkx views of a corpus and their GraphML/GEXF exports (the link rules: test_links.py)."""

import io

import networkx as nx
import pytest

from kg.errors import KGError
from kg.export.graphs import (
    cooccurrence_graph,
    knowledge_graph,
    neighbourhood,
    paper_graph,
    paper_links,
    to_gexf,
    to_graphml,
)
from kg.records import Entity, Evidence, Mention, Occurrence, Paper, PaperEntities, Repo
from kg.settings import Settings

LOOSE = Settings().with_(link_min_weight=0.0, link_max_neighbours=100, link_max_df=1.0)


def occ(table: dict[str, list[str]]) -> list[Occurrence]:
    """Occurrences from {paper: [entity, ...]}."""
    return [Occurrence(p, e, "used", Mention("method", e)) for p, es in table.items() for e in es]


# graphs ---------------------------------------------------------------------------------------

def small_corpus():
    papers = [Paper("p1", "LLaVA paper", "x", authors=("A. B.",), upvotes=3),
              Paper("p2", "Other paper", "y", repos=("https://github.com/o/r2",))]
    ents = {
        "model/llava": Entity("model/llava", "model", "LLaVA", ("LLaVA",), None, ("p1",), ("p1",)),
        "model/llava-1.5": Entity("model/llava-1.5", "model", "LLaVA-1.5", ("LLaVA-1.5",),
                                  "model/llava", ("p1", "p2")),
        "dataset/coco": Entity("dataset/coco", "dataset", "COCO", ("COCO", "MS-COCO"), None,
                               ("p2",), kb_id="coco"),
    }
    ev = Evidence("We propose LLaVA.", 11, 16, "LLaVA")
    occurrences = [
        Occurrence("p1", "model/llava", "proposed", Mention("model", "LLaVA", evidence=(ev,))),
        Occurrence("p1", "model/llava-1.5", "used", Mention("model", "LLaVA-1.5")),
        Occurrence("p2", "model/llava-1.5", "used", Mention("model", "LLaVA-1.5")),
        Occurrence("p2", "dataset/coco", "used", Mention("dataset", "COCO")),
    ]
    extractions = [PaperEntities("p1", "LLaVA paper", (), (
        Repo("github.com/o/r", "https://github.com/o/r", "code", "github.com", True),))]
    return papers, ents, occurrences, extractions


def plain(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or (
        isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value))


def test_knowledge_graph_nodes_edges_and_plain_attributes():
    g = knowledge_graph(*small_corpus())
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "paper"} == {"p1", "p2"}
    assert g.nodes["dataset/coco"]["aliases"] == ["COCO", "MS-COCO"]
    assert g.nodes["model/llava-1.5"]["support"] == 2
    assert g.has_edge("model/llava-1.5", "model/llava", key="variant_of")
    assert g.edges["p1", "model/llava", "mentions"]["role"] == "proposed"
    assert g.edges["p1", "model/llava", "mentions"]["evidence"] == 1
    assert g.edges["p1", "https://github.com/o/r", "code"]["official"] is True
    assert g.edges["p2", "https://github.com/o/r2", "code"]["official"] is False
    for _, d in g.nodes(data=True):
        assert all(plain(v) for v in d.values()), d
    for *_, d in g.edges(keys=True, data=True):
        assert all(plain(v) for v in d.values()), d


def test_paper_and_cooccurrence_graphs():
    papers, ents, occurrences, _ = small_corpus()
    links = paper_links(occurrences, 2, LOOSE)
    pg = paper_graph(papers, links)
    assert pg.edges["p1", "p2"]["shared"] == ["model/llava-1.5"]
    cg = cooccurrence_graph(occurrences + [Occurrence("p2", "model/llava", "used",
                                                      Mention("model", "LLaVA"))], ents)
    assert cg.edges["model/llava", "model/llava-1.5"]["weight"] == 2
    assert cg.edges["model/llava-1.5", "dataset/coco"]["weight"] == 1
    assert cg.nodes["dataset/coco"]["type"] == "dataset"


def test_cooccurrence_papers_are_listed_only_when_asked():
    occurrences = occ({"p3": ["a", "b"], "p1": ["a", "b", "c"], "p2": ["b", "c"]})
    g = cooccurrence_graph(occurrences, papers=True)
    assert g.edges["a", "b"] == {"weight": 2, "papers": ["p1", "p3"]}
    assert g.edges["b", "c"]["papers"] == ["p1", "p2"]
    plain = cooccurrence_graph(occurrences)
    assert all(set(d) == {"weight"} for *_, d in plain.edges(data=True))
    assert "papers" not in to_graphml(plain)


def test_neighbourhood_follows_edges_both_ways():
    g = knowledge_graph(*small_corpus())
    near = neighbourhood(g, "model/llava", 1)
    assert set(near) == {"model/llava", "p1", "model/llava-1.5"}
    assert "dataset/coco" in neighbourhood(g, "model/llava", 3)
    with pytest.raises(KGError, match="not in the graph"):
        neighbourhood(g, "nope", 1)


@pytest.mark.parametrize("export,read", [
    (to_graphml, lambda text: nx.read_graphml(io.BytesIO(text.encode()))),
    (to_gexf, lambda text: nx.read_gexf(io.BytesIO(text.encode()))),
])
def test_exports_parse_back(export, read):
    g = knowledge_graph(*small_corpus())
    back = read(export(g))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["dataset/coco"]["aliases"] == "COCO; MS-COCO"
    assert int(back.nodes["model/llava-1.5"]["support"]) == 2
    pg = paper_graph(small_corpus()[0], paper_links(small_corpus()[2], 2, LOOSE))
    back = read(export(pg))
    assert back.edges["p1", "p2"]["shared"] == "model/llava-1.5"


def linked_corpus():
    """small_corpus plus a third paper on LLaVA-NeXT: it reaches p1's LLaVA through its family."""
    papers, ents, occurrences, extractions = small_corpus()
    papers.append(Paper("p3", "NeXT paper", "z"))
    ents["model/llava-next"] = Entity("model/llava-next", "model", "LLaVA-NeXT", (), "model/llava",
                                      ("p3",))
    occurrences.append(Occurrence("p3", "model/llava-next", "used", Mention("model", "LLaVA-NeXT")))
    links = paper_links(occurrences, 10, LOOSE, ents)
    return papers, ents, occurrences, extractions, links


def test_knowledge_graph_holds_the_paper_links_directed_when_one_builds_on_the_other():
    *records, links = linked_corpus()
    # p1 and p2 both name LLaVA-1.5; p3 uses a variant of the LLaVA p1 proposes
    assert {(k.source, k.target, k.rule, k.proposer) for k in links} == {
        ("p1", "p2", "rare", None), ("p1", "p3", "builds-on", "p1"), ("p2", "p3", "rare", None)}
    g = knowledge_graph(*records, links)
    related = {(u, v): d for u, v, k, d in g.edges(keys=True, data=True) if k == "related_to"}
    assert len(related) == len(links) > 0
    for link in links:
        u, v = (link.target, link.source) if link.proposer == link.source else (link.source, link.target)
        d = related[u, v]
        assert d["weight"] == link.weight and d["shared"] == list(link.shared)
        assert d["rule"] == link.rule and len(d["share_weights"]) == len(link.shared)
    # p3 uses what p1 proposes (LLaVA, through a variant): the edge points at p1
    assert ("p3", "p1") in related and ("p1", "p2") in related
    assert related["p3", "p1"]["share_kinds"] == ["builds-on"]


@pytest.mark.parametrize("export,read", [
    (to_graphml, lambda text: nx.read_graphml(io.BytesIO(text.encode()))),
    (to_gexf, lambda text: nx.read_gexf(io.BytesIO(text.encode()))),
])
def test_exports_hold_the_paper_paper_edges(export, read):
    *records, links = linked_corpus()
    back = read(export(knowledge_graph(*records, links)))
    paper_edges = [(u, v, d) for u, v, d in back.edges(data=True)
                   if back.nodes[u]["kind"] == back.nodes[v]["kind"] == "paper"]
    assert len(paper_edges) == len(links) > 0
    for u, v, d in paper_edges:
        link = next(k for k in links if {k.source, k.target} == {u, v})
        assert float(d["weight"]) == pytest.approx(link.weight)
        assert d["shared"] == "; ".join(link.shared) and d["rule"] == link.rule
        assert [float(w) for w in str(d["share_weights"]).split("; ")] == pytest.approx(
            [s.weight for s in link.shares])
