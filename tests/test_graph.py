"""Paper links (against a brute-force reference) and the networkx views and exporters."""

import io
import math
import random
from itertools import combinations

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


def as_tuples(links):
    return [(k.source, k.target, round(k.weight, 6), k.shared) for k in links]


def brute_force(table: dict[str, list[str]], n: int, s: Settings):
    """Every pair of papers, the documented rules applied literally."""
    df: dict[str, int] = {}
    for es in table.values():
        for e in set(es):
            df[e] = df.get(e, 0) + 1
    cutoff = min(max(int(s.link_max_df * n), 2), s.link_max_postings)
    cand = {}
    for a, b in combinations(sorted(table), 2):
        shared = set(table[a]) & set(table[b])
        if not any(df[e] <= cutoff for e in shared):
            continue
        shared_sorted = tuple(sorted(shared, key=lambda e: (df[e], e)))
        w = round(math.fsum(math.log(n / df[e]) for e in shared_sorted), 9)
        if w >= s.link_min_weight:
            cand[(a, b)] = (w, shared_sorted)
    keep = set()
    for p in table:
        mine = [(w, q, pair) for pair, (w, _) in cand.items() if p in pair
                for q in pair if q != p]
        mine.sort(key=lambda t: (-t[0], t[1]))
        keep.update(pair for _, _, pair in mine[:s.link_max_neighbours])
    return [(a, b, round(cand[(a, b)][0], 6), cand[(a, b)][1]) for a, b in sorted(keep)]


def test_rare_entity_weighs_more_than_common_one():
    table = {"p0": ["rare", "common"], "p1": ["rare"], "p2": ["common"], "p3": ["common"],
             "p4": [], "p5": []}
    links = {(k.source, k.target): k for k in paper_links(occ(table), 6, LOOSE)}
    assert links[("p0", "p1")].weight == pytest.approx(math.log(6 / 2))
    assert links[("p0", "p2")].weight == pytest.approx(math.log(6 / 3))
    assert links[("p0", "p1")].weight > links[("p0", "p2")].weight


def test_too_common_entity_creates_no_link_alone_but_adds_weight():
    s = LOOSE.with_(link_max_df=0.2)
    # 20 papers: "x" is in 10 (50% > 20%), "r" in 2
    table = {f"p{i:02d}": ["x"] for i in range(10)} | {f"p{i:02d}": [] for i in range(10, 20)}
    table["p00"].append("r")
    table["p01"].append("r")
    links = paper_links(occ(table), 20, s)
    assert [(k.source, k.target) for k in links] == [("p00", "p01")]
    assert links[0].shared == ("r", "x")  # rarest first
    assert links[0].weight == pytest.approx(math.log(20 / 2) + math.log(20 / 10))


def test_entity_above_max_postings_creates_no_link():
    table = {f"p{i}": ["pop"] for i in range(6)} | {"p6": ["r"], "p7": ["r"]}
    s = LOOSE.with_(link_max_postings=5)
    assert [(k.source, k.target) for k in paper_links(occ(table), 8, s)] == [("p6", "p7")]


def test_min_weight_drops_light_links():
    table = {"a": ["e1", "e2"], "b": ["e1", "e2"], "c": ["e1"], "d": ["e2"], "e": [], "f": []}
    n = 6
    light = math.log(n / 3)  # one shared entity
    s = LOOSE.with_(link_min_weight=light + 0.01)
    assert [(k.source, k.target) for k in paper_links(occ(table), n, s)] == [("a", "b")]
    s = LOOSE.with_(link_min_weight=light - 0.01)
    assert len(paper_links(occ(table), n, s)) == 5  # a-b, and a/b with c (e1) and d (e2)


def test_neighbour_cap_keeps_link_when_either_end_keeps_it():
    # a hub sharing one equally rare entity with each of three leaves
    table = {"h": ["a", "b", "c"], "la": ["a"], "lb": ["b"], "lc": ["c"], "x": [], "y": []}
    s = LOOSE.with_(link_max_neighbours=1)
    got = [(k.source, k.target) for k in paper_links(occ(table), 6, s)]
    # h keeps only la (tie broken by id) but every leaf keeps h
    assert got == [("h", "la"), ("h", "lb"), ("h", "lc")]


def test_neighbour_cap_drops_link_neither_end_keeps():
    # p-q2 (through e, df 3) is second best for p (q1 via r, df 2) and for q2 (q3 via s, df 2)
    table = {"p": ["r", "e"], "q1": ["r"], "q2": ["e", "s"], "q3": ["s"], "q4": ["e"],
             "z1": [], "z2": [], "z3": []}
    got = [(k.source, k.target) for k in paper_links(occ(table), 8, LOOSE.with_(link_max_neighbours=1))]
    assert got == [("p", "q1"), ("p", "q4"), ("q2", "q3")]
    wide = [(k.source, k.target) for k in paper_links(occ(table), 8, LOOSE)]
    assert ("p", "q2") in wide
    assert got == [t[:2] for t in brute_force(table, 8, LOOSE.with_(link_max_neighbours=1))]


def test_links_list_shared_entities_and_are_ordered():
    table = {"a": ["e1", "e2", "e3"], "b": ["e1", "e2"], "c": ["e2", "e3"], "d": [], "e": []}
    links = paper_links(occ(table), 5, LOOSE)
    assert [(k.source, k.target) for k in links] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert links[0].shared == ("e1", "e2")
    assert all(k.source < k.target for k in links)


@pytest.mark.parametrize("seed", range(8))
def test_equals_brute_force_on_random_corpus(seed):
    rng = random.Random(seed)
    n = rng.randint(20, 60)
    n_entities = rng.randint(5, 40)
    weights = [1 / (r + 1) ** 1.1 for r in range(n_entities)]
    table = {f"p{i:03d}": sorted(set(rng.choices(range(n_entities), weights, k=rng.randint(0, 6))))
             for i in range(n)}
    table = {p: [f"e{e:02d}" for e in es] for p, es in table.items()}
    s = Settings().with_(link_max_df=rng.choice([0.1, 0.2, 0.5]),
                         link_min_weight=rng.choice([0.0, 1.0, 2.5]),
                         link_max_neighbours=rng.choice([1, 3, 10]),
                         link_max_postings=rng.choice([5, 1000]))
    n_total = n + rng.randint(0, 10)  # papers without entities still count in N
    assert as_tuples(paper_links(occ(table), n_total, s)) == brute_force(table, n_total, s)


def test_no_occurrences_no_links():
    assert paper_links([], 10, Settings()) == []


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
