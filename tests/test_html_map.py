"""The map view of kg.export.html: its graph, communities, layout, trimming and panel data.

The browser checks (labels, search, bringing nodes in) are in tests/test_map_browser.py.
"""

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_html import FixtureCorpus, load_corpus, page_data

from kg.export.html import build_view, render_html
from kg.export.html.maplayout import map_layout, pack
from kg.export.html.mapview import communities, community_label, map_graph
from kg.records import Entity, Link, Mention, Occurrence, Paper, PaperEntities


@pytest.fixture(scope="module")
def corpus() -> FixtureCorpus:
    return load_corpus()


def clusters(k: int = 4, size: int = 6) -> FixtureCorpus:
    """``k`` groups of ``size`` papers; the papers of a group share its two entities, and
    one paper of each group also names a common entity; one paper names nothing."""
    papers, extractions, occurrences, named = {}, {}, [], {}
    links = []
    for g in range(k):
        pids = [f"p{g}-{i}" for i in range(size)]
        for i, pid in enumerate(pids):
            papers[pid] = Paper(pid, f"Paper {i} of group {g}", "An abstract.",
                                date=f"2024-0{1 + i % 9}-01")
            ents = [f"method/g{g}", f"model/g{g}"] + (["dataset/common"] if i == 0 else [])
            mentions = []
            for e in ents:
                m = Mention(e.split("/")[0], e, (), "proposed" if i == 1 and e.startswith("method")
                            else "used")
                mentions.append(m)
                occurrences.append(Occurrence(pid, e, m.role, m))
                named.setdefault(e, []).append(pid)
            extractions[pid] = PaperEntities(pid, papers[pid].title, tuple(mentions))
        for a in range(size):
            for b in range(a + 1, size):
                links.append(Link(pids[a], pids[b], 2.0, (f"method/g{g}", f"model/g{g}")))
    zeros = [f"p{g}-0" for g in range(k)]
    links += [Link(a, b, 0.3, ("dataset/common",)) for a, b in zip(zeros, zeros[1:], strict=False)]
    papers["lone"] = Paper("lone", "A lonely paper", "Nothing shared.")
    extractions["lone"] = PaperEntities("lone", "A lonely paper", ())
    entities = {e: Entity(e, e.split("/")[0], e.split("/")[1].upper(), (e.split("/")[1],),
                          None, tuple(ps)) for e, ps in named.items()}
    entities["model/g0-large"] = Entity("model/g0-large", "model", "G0-Large", (), "model/g0",
                                        ("p0-3",))
    return FixtureCorpus(papers, extractions, entities, occurrences, links)


def test_map_is_the_default_view_and_leaves_lone_papers_out(corpus: FixtureCorpus) -> None:
    data = page_data(render_html(corpus))
    cfg = data["config"]
    assert cfg["view"] == "map" and "map" in cfg
    ids = [n["id"] for n in data["nodes"]]
    lone = "arxiv:2401.00001"  # names nothing, so links to nothing
    assert ids.index(lone) >= cfg["drawn"] and ids.index(lone) in cfg["isolated"]
    assert set(corpus.papers) | set(corpus.entities) <= set(ids)
    assert all("x" in n for n in data["nodes"][:cfg["drawn"]])
    assert "1 paper has no related paper" in " ".join(cfg["notes"])


def test_map_graph_holds_linked_papers_and_shared_entities() -> None:
    c = clusters()
    g, isolated = map_graph(c, lambda t, s: True)
    assert isolated == ("lone",)
    assert {k for k in g if k.startswith("p:")} == {"p:" + p for p in c.papers if p != "lone"}
    # an entity named by one paper adds a leaf, not structure: left out
    assert "e:model/g0-large" not in g and "e:method/g0" in g
    assert g.edges["p:p0-0", "p:p0-1"]["kind"] == "link"
    assert g.edges["p:p0-0", "e:method/g0"]["kind"] == "mentions"


def test_communities_follow_the_groups_and_are_named_by_their_entities() -> None:
    c = clusters()
    g, _ = map_graph(c, lambda t, s: True)
    found = communities(g)
    for grp in range(4):
        (home,) = [m for m in found if f"p:p{grp}-2" in m]
        assert {f"p:p{grp}-{i}" for i in range(6)} <= set(home)
        assert f"e:method/g{grp}" in home
        assert set(community_label(c, g, home).split(" \u00b7 ")) == {f"G{grp}"}
        assert home[0].startswith("e:g") or g.nodes[home[0]]["support"] >= 6 or \
            g.degree(home[0]) == max(g.degree(k) for k in home)  # most important first


def test_layout_puts_communities_apart_and_each_node_in_its_disc() -> None:
    c = clusters()
    g, _ = map_graph(c, lambda t, s: True)
    found = communities(g)
    pos, discs = map_layout(g, found)
    for i, (x1, y1, r1) in enumerate(discs):
        for x2, y2, r2 in discs[i + 1:]:
            assert math.dist((x1, y1), (x2, y2)) >= r1 + r2
    for members, (x, y, r) in zip(found, discs, strict=True):
        assert all(math.dist(pos[k], (x, y)) <= r for k in members)
    assert map_layout(g, found) == (pos, discs)  # the same build, the same map
    assert len(set(pos.values())) == len(pos)


def test_pack_never_overlaps_many_discs() -> None:
    radii = [60.0 - i for i in range(40)]
    centres = pack(radii)
    for i in range(40):
        for j in range(i + 1, 40):
            assert math.dist(centres[i], centres[j]) >= radii[i] + radii[j]


def test_trimmed_map_keeps_the_top_of_every_community() -> None:
    c = clusters(k=5, size=8)
    full = build_view(c, "map", max_nodes=0)
    v = build_view(c, "map", max_nodes=20)
    assert v.shown_nodes <= 20 and v.total_nodes == full.shown_nodes
    assert len(v.communities) == len(full.communities)
    assert all(big[0] in v.graph for big in full.communities)  # each one's most important
    assert {k for c in v.communities for k in c} == set(v.graph)
    assert "the most important of each community" in " ".join(v.notes)


def test_focus_on_the_map_keeps_communities(corpus: FixtureCorpus) -> None:
    v = build_view(corpus, "map", focus="LLaVA", depth=1)
    assert v.seeds == ("e:model/llava",)
    assert {k for c in v.communities for k in c} == set(v.graph)


def test_a_corpus_without_links_gives_an_empty_map_that_still_searches() -> None:
    c = clusters()
    bare = FixtureCorpus(c.papers, c.extractions, c.entities, c.occurrences, [])
    data = page_data(render_html(bare))
    assert data["config"]["drawn"] == 0 and data["config"]["map"]["communities"] == []
    assert len(data["config"]["isolated"]) == len(c.papers)
    assert {n["id"] for n in data["nodes"]} == set(c.papers) | set(c.entities)


def _details(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    ids = [n["id"] for n in data["nodes"]]
    return dict(data["details"][ids.index(node_id)])


def test_paper_details_list_related_papers_with_weight_and_shared() -> None:
    c = clusters()
    data = page_data(render_html(c))
    ids = [n["id"] for n in data["nodes"]]
    d = _details(data, "p0-0")
    rows = d["related"]["rows"]
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    first = rows[0]
    assert first[2] == 2.0 and ids[first[1]].startswith("p0-")
    assert [s[0] for s in first[3]] == ["G0", "G0"] and all(ids[s[1]] in c.entities
                                                            for s in first[3])
    assert any(r[2] == 0.3 and r[3][0][0] == "COMMON" for r in rows)
    assert {e[3] for e in _details(data, "p0-1")["entities"]} == {"proposed", "used"}


def test_entity_details_give_family_papers_by_date_and_company() -> None:
    c = clusters()
    data = page_data(render_html(c))
    ids = [n["id"] for n in data["nodes"]]
    child = _details(data, "model/g0-large")
    assert [u[0] for u in child["up"]] == ["G0"] and child["parent"][0] == "G0"
    parent = _details(data, "model/g0")
    assert [(v[0], v[2]) for v in parent["down"]] == [("G0-Large", 1)]
    dates = [r[3] for r in parent["papers"]["rows"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2024-06-01"
    together = {ids[t[1]]: t[2] for t in parent["together"]}
    assert together["method/g0"] == 6 and together["dataset/common"] == 1


def test_hostile_names_stay_inert_on_the_map(corpus: FixtureCorpus) -> None:
    page = render_html(corpus)
    block = page.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    labels = [c["label"] for c in page_data(page)["config"]["map"]["communities"]]
    assert labels and all(isinstance(x, str) for x in labels)


def test_map_does_not_depend_on_the_hash_seed() -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from test_html_map import clusters\n"
              "from kg.export.html import render_html\n"
              "import hashlib; print(hashlib.sha256(render_html(clusters()).encode()).hexdigest())\n")
    runs = {subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                           env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout
            for seed in (1, 2, 3)}
    assert len(runs) == 1, runs


def test_nodes_far_from_the_drawing_get_a_light_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.export.html.payload as payload

    monkeypatch.setattr(payload, "FULL_DETAILS", 0)
    c = clusters()
    data = page_data(render_html(c, max_nodes=8))
    drawn = data["config"]["drawn"]
    assert drawn == 8
    assert {d["kind"] for d in data["details"][drawn:]} == {"paper-lite", "entity-lite"}
    assert all(d["kind"] in ("paper", "entity") for d in data["details"][:drawn])
    ids = [n["id"] for n in data["nodes"]]
    undrawn = [p for p in c.papers if p != "lone" and ids.index(p) >= drawn]
    d = _details(data, undrawn[0])
    assert d["rel"] and all(ids[r[0]] in c.papers and ids[r[0]] != undrawn[0] for r in d["rel"])
    assert {ids[e] for r in d["rel"] for e in r[2]} <= set(c.entities)
    assert {ids[e[0]] for e in d["ents"]} == {o.entity for o in c.occurrences
                                              if o.paper == undrawn[0]}
    large = _details(data, "model/g0-large")
    assert ids[large["up"]] == "model/g0" and ids[large["papers"][0]] == "p0-3"
    assert all("tip" not in n for n in data["nodes"][drawn:])


def test_an_entity_panel_lists_the_papers_naming_only_its_variants() -> None:
    # "papers using LLaVA" includes the papers naming only LLaVA-1.5-7B (skos:broader+)
    from kg.corpus import Corpus

    names = {"a": ["LLaVA"], "b": ["LLaVA-1.5-7B"], "c": ["LLaVA-1.5-13B", "LLaVA"], "d": ["GPT-4"]}
    papers = [Paper(pid, f"Paper {pid}", "An abstract.", date=f"2024-0{n + 1}-01")
              for n, pid in enumerate(names)]
    found = [PaperEntities(pid, f"Paper {pid}", tuple(Mention("model", m, (), "used") for m in ms))
             for pid, ms in names.items()]
    c = Corpus.from_extractions(papers, found)
    llava = next(e.id for e in c.entities.values() if e.name == "LLaVA")
    assert c.entities[llava].papers == ("a", "c")
    data = page_data(render_html(c))
    ids = [n["id"] for n in data["nodes"]]
    d = _details(data, llava)
    assert [ids[r[1]] for r in d["papers"]["rows"]] == ["c", "a"]  # newest first
    assert [ids[r[1]] for r in d["familyPapers"]["rows"]] == ["b"]
    gpt = next(e.id for e in c.entities.values() if e.name == "GPT-4")
    assert _details(data, gpt)["familyPapers"]["rows"] == []
