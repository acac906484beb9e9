"""kg.export.html: the views, the page data and the safety of the written document.

The browser tests (tests/test_html_browser.py) check the same page in Chromium.
"""

import html as htmllib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kg.errors import FormatError, KGError
from kg.export.graphs import cooccurrence_graph, knowledge_graph, paper_graph
from kg.export.html import build_view, render_html
from kg.export.html.layout import spring_layout
from kg.export.html.page import script_json
from kg.export.html.payload import safe_url
from kg.records import Entity, Evidence, Link, Mention, Occurrence, Paper, PaperEntities, Repo
from kg.settings import Settings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "html" / "corpus.json"


@dataclass
class FixtureCorpus:
    """The attributes of kg.corpus.Corpus that the HTML view reads, built from records."""

    papers: dict[str, Paper]
    extractions: dict[str, PaperEntities]
    entities: dict[str, Entity]
    occurrences: list[Occurrence]
    links: list[Link] = field(default_factory=list)


def load_corpus(path: Path = FIXTURE) -> FixtureCorpus:
    """Records from the fixture: evidence offsets found in Paper.text, links from shared entities."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    kinds = {e["id"]: e for e in raw["entities"]}
    papers, extractions, occurrences = {}, {}, []
    named: dict[str, list[str]] = defaultdict(list)
    proposed: dict[str, list[str]] = defaultdict(list)
    for d in raw["papers"]:
        paper = Paper.from_dict(d)
        papers[paper.id] = paper
        mentions = []
        for m in d["mentions"]:
            ev = tuple(Evidence(paper.text, x.start(), x.end(), s) for s in m["surfaces"]
                       for x in re.finditer(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", paper.text))
            assert ev, (paper.id, m)
            ent = kinds[m["entity"]]
            mention = Mention(ent["type"], ent["name"], tuple(m["surfaces"]), m["role"], ev)
            mentions.append(mention)
            occurrences.append(Occurrence(paper.id, ent["id"], m["role"], mention))
            named[ent["id"]].append(paper.id)
            if m["role"] == "proposed":
                proposed[ent["id"]].append(paper.id)
        extractions[paper.id] = PaperEntities(paper.id, paper.title, tuple(mentions),
                                              tuple(Repo(**r) for r in d.get("links", ())))
    entities = {e["id"]: Entity(e["id"], e["type"], e["name"], tuple(e["aliases"]), e.get("parent"),
                                tuple(named[e["id"]]), tuple(proposed[e["id"]]))
                for e in raw["entities"]}
    by_paper = defaultdict(set)
    for o in occurrences:
        by_paper[o.paper].add(o.entity)
    links = []
    for a, b in combinations(sorted(by_paper), 2):
        shared = sorted(by_paper[a] & by_paper[b], key=lambda e: (entities[e].support, e))
        if shared:
            links.append(Link(a, b, float(len(shared)), tuple(shared)))
    return FixtureCorpus(papers, extractions, entities, occurrences, links)


def page_data(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def corpus() -> FixtureCorpus:
    return load_corpus()


@pytest.fixture(scope="module")
def page(corpus: FixtureCorpus) -> str:
    return render_html(corpus, Settings(), view="papers")


# ---------------------------------------------------------------- views

def test_papers_view_has_papers_entities_and_repos(corpus):
    v = build_view(corpus, "papers")
    types = {a["type"] for _, a in v.graph.nodes(data=True)}
    assert types == {"paper", "model", "method", "dataset", "repo"}
    assert v.graph.has_edge("p:arxiv:2304.08485", "e:model/llava")
    assert v.graph.edges["p:arxiv:2304.08485", "e:model/llava"]["role"] == "proposed"
    assert v.graph.has_edge("e:model/llava-1.5", "e:model/llava")  # variant of its family
    assert v.graph.has_edge("p:arxiv:2310.03744", "r:https://github.com/haotian-liu/LLaVA")
    assert "r:javascript:window.__xss=7" in v.graph  # shown as text; never becomes a link


def test_links_view_carries_weight_and_shared(corpus):
    v = build_view(corpus, "links")
    assert all(a["type"] == "paper" for _, a in v.graph.nodes(data=True))
    e = v.graph.edges["p:arxiv:2304.08485", "p:arxiv:2310.03744"]
    assert e["weight"] == 3.0 and set(e["shared"]) == {"model/llava", "model/clip", "dataset/scienceqa"}


def test_entities_view_counts_cooccurrence(corpus):
    v = build_view(corpus, "entities")
    assert v.graph.edges["e:method/ppo", "e:dataset/atari"]["weight"] == 2.0
    assert not v.graph.has_edge("e:method/ppo", "e:model/clip")


def test_views_are_read_off_the_export_graphs(corpus):
    kg = knowledge_graph(corpus.papers, corpus.entities, corpus.occurrences, corpus.extractions)
    v = build_view(corpus, "papers", max_nodes=0).graph
    mentions = {(u, w) if u.startswith("p:") else (w, u): d["role"]
                for u, w, d in v.edges(data=True) if d["kind"] == "mentions"}
    assert mentions == {("p:" + p, "e:" + e): d["role"]
                        for p, e, k, d in kg.edges(keys=True, data=True) if k == "mentions"}
    assert {frozenset(e) for *e, d in v.edges(data=True) if d["kind"] == "variant"} == {
        frozenset(("e:" + a, "e:" + b)) for a, b, k in kg.edges(keys=True) if k == "variant_of"}
    assert all(v.nodes["e:" + e]["support"] == kg.nodes[e]["support"]
               for _, e, k in kg.edges(keys=True) if k == "mentions")
    links = build_view(corpus, "links", max_nodes=0).graph
    assert {frozenset(e): d["weight"] for *e, d in links.edges(data=True)} == {
        frozenset(("p:" + a, "p:" + b)): d["weight"]
        for a, b, d in paper_graph(corpus.papers, corpus.links).edges(data=True)}
    ents = build_view(corpus, "entities", max_nodes=0).graph
    assert {frozenset(e): d["weight"] for *e, d in ents.edges(data=True)} == {
        frozenset(("e:" + a, "e:" + b)): float(d["weight"])
        for a, b, d in cooccurrence_graph(corpus.occurrences, corpus.entities).edges(data=True)}


def test_links_view_keeps_the_order_of_the_links(corpus):
    # the page lists and lays out edges in networkx's neighbour order: a view rebuilt from
    # paper_graph in its g.edges order would list 2304.08485 first here
    links = [Link("arxiv:1707.06347", "arxiv:2310.03744", 1.0, ("model/clip",)),
             Link("arxiv:2304.08485", "arxiv:2310.03744", 1.0, ("model/clip",))]
    v = build_view(FixtureCorpus(corpus.papers, corpus.extractions, corpus.entities,
                                 corpus.occurrences, links), "links")
    assert list(v.graph.adj["p:arxiv:2310.03744"]) == ["p:arxiv:1707.06347", "p:arxiv:2304.08485"]


def test_type_filter_and_min_support(corpus):
    v = build_view(corpus, "papers", types=["model"])
    assert {a["type"] for _, a in v.graph.nodes(data=True)} == {"paper", "model"}
    v = build_view(corpus, "entities", min_support=2)
    assert {a["ref"] for _, a in v.graph.nodes(data=True)} == {
        "model/llava", "model/clip", "dataset/scienceqa", "method/ppo", "dataset/atari"}
    v = build_view(corpus, "links", types=["dataset"])  # a link needs a shared dataset
    assert not v.graph.has_edge("p:arxiv:1707.06347", "p:arxiv:2305.18290")  # only PPO shared
    assert v.graph.has_edge("p:arxiv:1707.06347", "p:paper:<script>alert(1)</script>")
    with pytest.raises(FormatError, match="unknown node type 'modle'.*dataset, method, model"):
        build_view(corpus, "papers", types=["modle"])


def test_focus_by_alias_and_depth(corpus):
    v = build_view(corpus, "papers", focus="proximal policy optimization", depth=1)
    assert v.seeds == ("e:method/ppo",)
    assert v.graph.nodes["e:method/ppo"]["hops"] == 0
    assert v.graph.nodes["p:arxiv:1707.06347"]["hops"] == 1
    assert {a["ref"] for _, a in v.graph.nodes(data=True)} == {
        "method/ppo", "arxiv:1707.06347", "arxiv:2305.18290", "paper:<script>alert(1)</script>"}
    deeper = build_view(corpus, "papers", focus="PPO", depth=2)
    assert "e:dataset/hh-rlhf" in deeper.graph and "e:dataset/hh-rlhf" not in v.graph
    # an entity in the links view: the papers naming it are the seeds
    v = build_view(corpus, "links", focus="Science QA", depth=0)
    assert set(v.seeds) == {"p:arxiv:2304.08485", "p:arxiv:2310.03744"}
    # a paper by title in the entities view: its entities
    v = build_view(corpus, "entities", focus="visual instruction tuning", depth=0)
    assert {a["ref"] for _, a in v.graph.nodes(data=True)} == {
        "model/llava", "model/clip", "model/vicuna", "dataset/scienceqa"}


def test_focus_that_names_nothing_suggests(corpus):
    with pytest.raises(KGError, match="no paper or entity named 'LLaVa-2'.*did you mean"):
        build_view(corpus, "papers", focus="LLaVa-2")


def test_max_nodes_keeps_highest_degree_and_says_so(corpus):
    full = build_view(corpus, "papers", max_nodes=0)
    v = build_view(corpus, "papers", max_nodes=5)
    assert v.shown_nodes == 5 and v.total_nodes == full.shown_nodes
    deg = dict(full.graph.degree())
    assert max(deg, key=lambda n: (deg[n], n)) in v.graph  # the best connected node stays
    assert sorted(deg[n] for n in v.graph) > sorted(deg.values())[:5]
    # nothing the cut left without neighbours, when a joined node could take its place
    assert all(v.graph.degree(n) > 0 for n in v.graph if deg[n] > 0)
    page = render_html(corpus, view="papers", max_nodes=5)
    note = re.search(r'<p id="kg-note"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert f"Showing 5 of {full.shown_nodes} nodes" in htmllib.unescape(note)
    assert "--max-nodes N" in note
    data = page_data(page)
    assert data["config"]["drawn"] == 5
    # what is not drawn is still listed, for search and to be brought in
    assert {n["id"] for n in data["nodes"]} == set(corpus.papers) | set(corpus.entities) | {
        n["id"] for n in data["nodes"][:5]}
    assert all("x" not in n for n in data["nodes"][5:])


def test_default_max_nodes_comes_from_settings(corpus):
    page = render_html(corpus, Settings().with_(html_max_nodes=3), view="papers")
    data = page_data(page)
    assert data["config"]["drawn"] == 3  # the rest is listed for search, not drawn
    assert {n["id"] for n in data["nodes"]} >= set(corpus.papers) | set(corpus.entities)


def test_bad_arguments_raise_kg_errors(corpus):
    with pytest.raises(FormatError, match="unknown view 'graph'"):
        render_html(corpus, view="graph")
    with pytest.raises(KGError, match="depth"):
        render_html(corpus, focus="PPO", depth=-1)
    with pytest.raises(KGError, match="max_nodes"):
        render_html(corpus, max_nodes=-2)


# ---------------------------------------------------------------- page data

def test_payload_nodes_edges_and_details(page, corpus):
    data = page_data(page)
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids)) == len(build_view(corpus, "papers").graph)
    i = ids.index("model/llava-1.5")
    assert "llava-v1.5-13b" in data["nodes"][i]["s"]  # every alias is searchable
    d = data["details"][i]
    assert d["parent"] == ["LLaVA", ids.index("model/llava")]
    assert data["details"][ids.index("model/llava")]["variants"] == [["LLaVA-1.5", i]]
    assert {n["t"] for n in data["nodes"]} == set(data["config"]["types"])
    assert all(np.isfinite([n["x"], n["y"]]).all() for n in data["nodes"])


def test_abstract_highlights_match_evidence(page, corpus):
    data = page_data(page)
    ids = [n["id"] for n in data["nodes"]]
    d = data["details"][ids.index("arxiv:2304.08485")]
    assert d["text"] == corpus.papers["arxiv:2304.08485"].text
    marked = [d["text"][s:e] for s, e, *_ in d["spans"]]
    assert marked == ["LLaVA", "Large Language and Vision Assistant", "CLIP", "Vicuna",
                      "LLaVA", "ScienceQA"]
    assert ["https://github.com/haotian-liu/LLaVA", True] not in d["links"]
    assert ["official code", "https://github.com/haotian-liu/LLaVA"] in d["links"]


def test_edge_tooltip_names_weight_and_shared_entities(corpus):
    data = page_data(render_html(corpus, view="links"))
    ids = [n["id"] for n in data["nodes"]]
    a, b = ids.index("arxiv:2304.08485"), ids.index("arxiv:2310.03744")
    (edge,) = [e for e in data["edges"] if {e[0], e[1]} == {a, b}]
    assert edge[3] == 3.0
    assert "weight 3" in edge[4] and all(n in edge[4] for n in ("LLaVA", "CLIP", "ScienceQA"))


def test_only_web_links_reach_the_page(page):
    data = page_data(page)
    hrefs = [u for d in data["details"] if d["kind"] == "paper" for _, u in d["links"]]
    hrefs += [d["url"] for d in data["details"] if d["kind"] == "repo" and d["url"]]
    assert "https://github.com/mallory/evil" in hrefs
    assert hrefs and all(u.startswith(("http://", "https://")) for u in hrefs)
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.org/a b") is None
    assert safe_url("HTTPS://example.org/x") == "HTTPS://example.org/x"


# ---------------------------------------------------------------- safety

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained(page):
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag != "link" and "src" not in attrs and "href" not in attrs, (tag, attrs)
    scripts = [a for t, a in parser.tags if t == "script"]
    # the data, vis-network, and the page's own script (the map's labels with it), all inline
    assert len(scripts) == 3 and scripts[0] == {"type": "application/json", "id": "kg-data"}
    assert all(a == {} for a in scripts[1:]) and "window.kgMapLabels = function" in page
    csp_scripts = re.search(r"script-src ([^;]+);", page).group(1).split()
    assert len(csp_scripts) == 2 and all(h.startswith("'sha256-") for h in csp_scripts)
    assert "vis-network" in page and "window.network" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]


def test_hostile_text_is_escaped_everywhere(page):
    parser = _Tags()
    parser.feed(page)
    assert [t for t, _ in parser.tags].count("img") == 0
    assert not any(t in ("svg", "b", "i") for t, _ in parser.tags)
    assert not any(k.startswith("on") for _, a in parser.tags for k in a)
    body = page_data(page)  # the data block still parses and holds the text verbatim
    titles = [d["title"] for d in body["details"]]
    assert '<img src=x onerror="window.__xss=1;alert(1)"> & PPO' in titles
    block = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block and "\u2028" not in block
    assert "</script><script>" not in page


def test_focus_name_in_heading_is_escaped(corpus):
    page = render_html(corpus, view="papers", focus='<img src=x onerror="window.__xss=1;alert(1)"> & PPO')
    assert "<title>kg: papers and their entities around &lt;img src=x" in page
    assert [t for t, _ in (lambda p: (p.feed(page), p.tags)[1])(_Tags())].count("img") == 0


def test_script_json_escapes_markup_and_line_separators():
    text = script_json({"a": "</script>&<!--\u2028\u2029"})
    assert json.loads(text) == {"a": "</script>&<!--\u2028\u2029"}
    assert not set("<>&\u2028\u2029") & set(text)


# ---------------------------------------------------------------- layout

def test_layout_is_repeatable_and_spreads_nodes():
    edges = np.array([[i, i + 1] for i in range(49)])
    a, b = spring_layout(50, edges, seed=3), spring_layout(50, edges, seed=3)
    assert np.array_equal(a, b)
    d = np.linalg.norm(a[:, None] - a[None, :], axis=-1)[np.triu_indices(50, 1)]
    assert d.min() > 1e-3
    linked = np.linalg.norm(a[edges[:, 0]] - a[edges[:, 1]], axis=1).mean()
    assert linked < d.mean()  # neighbours sit closer than average


def test_render_is_deterministic(corpus):
    assert render_html(corpus) == render_html(corpus)


def test_renders_a_real_resolved_corpus(corpus):
    corpus_mod = pytest.importorskip("kg.corpus")
    real = corpus_mod.Corpus.from_extractions(corpus.papers.values(), corpus.extractions.values(),
                                              Settings().with_(link_min_weight=0.1))
    data = page_data(render_html(real, view="papers", max_nodes=0))
    ids = {n["id"] for n in data["nodes"]}
    assert set(real.papers) <= ids and set(real.entities) <= ids
    links = page_data(render_html(real, view="links", max_nodes=0))
    assert len(links["edges"]) == len(real.links)


def test_focused_and_trimmed_views_do_not_depend_on_the_hash_seed():
    # regression: networkx's subgraph follows a set's order when it keeps few nodes, so the
    # same focus gave another page from one run to the next
    import os
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from test_html import load_corpus\n"
        "from kg.export.html import build_view\n"
        "c = load_corpus()\n"
        "for kw in ({'focus': 'PPO', 'depth': 1}, {'max_nodes': 4}, {'view': 'entities', 'max_nodes': 3}):\n"
        "    g = build_view(c, **kw).graph\n"
        "    print(list(g), [list(g.adj[n]) for n in g])\n")
    runs = {subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                           env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout
            for seed in range(1, 6)}
    assert len(runs) == 1, runs
