"""The map (graph.html's default view) in a real headless Chromium.

On the page ``kg build`` writes for ../shared/seeds (marked shared) and on the tiny
fixture corpus (runs on any clone): labels at the starting zoom are many, drawn,
next to their nodes and never overlapping (boxes read from the page, positions from
vis-network); zooming in shows more; search finds a paper that is not drawn and
brings it in with its neighbourhood; a paper's panel lists its related papers with
the link's weight and shared entities; an entity's panel its family. Screenshots go
to test-output/ and to pytest's tmp path.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_html import load_corpus
from test_html_browser import CHROMIUM, LOCAL, OUT, Page

from kg.export.html import render_html

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
]

# where every node of the page is on screen, in CSS pixels of the canvas
NODE_SPOTS = """ids => {
    const pos = window.network.getPositions(ids), s = window.network.getScale(), out = {};
    for (const i of ids) {
        const d = window.network.canvasToDOM(pos[i]), bb = window.network.getBoundingBox(i);
        out[i] = [d.x, d.y, (bb.bottom - bb.top) / 2 * s];
    }
    return out;
}"""
# the width each label's text has in the page's font, measured apart from the page's code
WIDTHS = """texts => {
    const ctx = document.createElement('canvas').getContext('2d');
    return texts.map(t => { ctx.font = t[1]; return ctx.measureText(t[0]).width; });
}"""
# how many dark pixels the vis canvas has inside each box (the text is really drawn)
INK = """boxes => {
    const c = document.querySelector('#kg-graph canvas'), r = c.width / c.clientWidth;
    const copy = document.createElement('canvas');
    copy.width = c.width; copy.height = c.height;
    const ctx = copy.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(c, 0, 0);
    return boxes.map(b => {
        const img = ctx.getImageData(Math.round(b.x * r), Math.round(b.y * r),
                                     Math.max(1, Math.round(b.w * r)), Math.max(1, Math.round(b.h * r))).data;
        let dark = 0;
        for (let k = 0; k < img.length; k += 4) { if (img[k + 3] > 0 && img[k] + img[k + 1] + img[k + 2] < 300) dark++; }
        return dark;
    });
}"""
CFONT = 'bold 14px system-ui, -apple-system, "Segoe UI", sans-serif'


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of boxes that share any area."""
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                bad.append((a["text"], b["text"]))
    return bad


def gap(box: dict[str, Any], x: float, y: float) -> float:
    """Distance from the point (x, y) to the box (0 inside)."""
    dx = max(box["x"] - x, 0.0, x - box["x"] - box["w"])
    dy = max(box["y"] - y, 0.0, y - box["y"] - box["h"])
    return float((dx * dx + dy * dy) ** 0.5)


def check_labels(page: Page) -> list[dict[str, Any]]:
    """The labels drawn now, after checking each is where the network has its node, as wide
    as its text, really drawn, inside the canvas, and that no two overlap."""
    pg = page.page
    pg.evaluate("() => window.network.redraw()")
    pg.wait_for_timeout(100)
    labels: list[dict[str, Any]] = pg.evaluate("window.kg.labels()")
    assert overlapping(labels) == []
    size = pg.evaluate("() => { const c = document.querySelector('#kg-graph canvas');"
                       " return [c.clientWidth, c.clientHeight]; }")
    assert all(0 <= b["x"] and b["x"] + b["w"] <= size[0] and 0 <= b["y"]
               and b["y"] + b["h"] <= size[1] for b in labels)
    nodes = [b for b in labels if b["kind"] == "node"]
    spots = pg.evaluate(NODE_SPOTS, [b["i"] for b in nodes])
    for b in nodes:
        x, y, r = spots[str(b["i"])]
        assert gap(b, x, y) <= 1.5 * r + 4, (b, x, y, r)  # beside its node
    font = pg.evaluate("window.kg.font")
    widths = pg.evaluate(WIDTHS, [[b["text"], font if b["kind"] == "node" else CFONT]
                                  for b in labels])
    assert all(abs(w - b["w"]) < 0.5 for w, b in zip(widths, labels, strict=True))
    ink = pg.evaluate(INK, labels)
    assert all(k > 5 for k in ink), [b["text"] for b, k in zip(labels, ink, strict=True) if k <= 5]
    return labels


def shoot(page: Page, name: str, tmp: Path) -> Path:
    shot = tmp / f"{name}.png"
    page.page.screenshot(path=str(shot))
    OUT.mkdir(exist_ok=True)
    shutil.copy(shot, OUT / f"{name}-{os.getpid()}.png")
    assert shot.stat().st_size > 10_000
    return shot


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


# ---------------------------------------------------------------- the seeds, as kg build writes them

@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory: Any) -> tuple[Path, Any]:
    from conftest import SHARED

    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent (only CI and the team have ../shared)")
    from kg.build import build, load_corpus
    from kg.settings import Settings

    out = tmp_path_factory.mktemp("seeds") / "out"
    build([SHARED / "seeds"], out, settings=Settings(progress=False), progress=False)
    return out, load_corpus(out)


@pytest.fixture
def seeds_map(browser: Any, seeds_build: tuple[Path, Any]) -> Iterator[Page]:
    page = Page(browser, seeds_build[0] / "graph.html")
    page.page.wait_for_timeout(200)
    yield page
    page.close()


@pytest.mark.shared
def test_seed_map_starts_with_many_labels_none_overlapping(seeds_map: Page, tmp_path: Path) -> None:
    pg = seeds_map.page
    assert seeds_map.errors == [] and seeds_map.dialogs == []
    assert seeds_map.requests and all(u.startswith(LOCAL) for u in seeds_map.requests)
    cfg = pg.evaluate("window.kg.data.config")
    assert cfg["view"] == "map" and len(cfg["map"]["communities"]) >= 5
    labels = check_labels(seeds_map)
    named = [b for b in labels if b["kind"] == "node"]
    assert len(named) >= 30
    # the most important node of each large community has its label
    shown = {b["i"] for b in named}
    big = [c for c in cfg["map"]["communities"] if c["n"] >= 10]
    assert big and all(c["top"][0] in shown for c in big)
    assert {b["c"] for b in labels if b["kind"] == "community"} >= set(range(len(big)))
    shoot(seeds_map, "map-seeds", tmp_path)


@pytest.mark.shared
def test_zooming_in_shows_more_labels(seeds_map: Page, tmp_path: Path) -> None:
    pg = seeds_map.page
    before = {b["i"] for b in check_labels(seeds_map) if b["kind"] == "node"}
    c = pg.evaluate("window.kg.data.config.map.communities[0]")
    pg.evaluate("c => window.network.moveTo({position: {x: c.x, y: c.y}, scale: "
                "window.network.getScale() * 4, animation: false})", c)
    after = {b["i"] for b in check_labels(seeds_map) if b["kind"] == "node"}
    assert after - before, "zooming in labelled nothing new"
    shoot(seeds_map, "map-seeds-zoomed", tmp_path)


@pytest.mark.shared
def test_search_brings_in_a_paper_that_is_not_drawn(seeds_map: Page,
                                                    seeds_build: tuple[Path, Any]) -> None:
    pg, corpus = seeds_map.page, seeds_build[1]
    drawn = pg.evaluate("window.kg.data.config.drawn")
    ids = pg.evaluate("window.kg.data.nodes.map(n => n.id)")
    assert set(corpus.papers) | set(corpus.entities) <= set(ids)  # all found by search
    lone = [ids[i] for i in pg.evaluate("window.kg.data.config.isolated")]
    assert lone and all(ids.index(p) >= drawn for p in lone)
    named = {o.paper for o in corpus.occurrences}
    pid = next(p for p in lone if p in named and len(corpus.papers[p].title) > 20)
    i = ids.index(pid)
    assert pg.evaluate("i => window.nodes.get(i)", i) is None
    pg.fill("#kg-search", corpus.papers[pid].title[:40])
    hit = pg.locator("#kg-results li", has_text="not drawn yet").first
    assert corpus.papers[pid].title[:30] in hit.inner_text()
    hit.locator("button").click()
    assert pg.evaluate("i => window.nodes.get(i) !== null", i)
    assert pg.evaluate("window.network.getSelectedNodes()") == [i]
    assert pg.inner_text("#kg-panel-title") == corpus.papers[pid].title
    # with its neighbourhood: its entities are drawn and joined to it
    ents = {o.entity for o in corpus.occurrences if o.paper == pid}
    joined = {ids[j] for j in pg.evaluate("i => window.network.getConnectedNodes(i)", i)}
    assert joined and joined <= ents | set(corpus.papers) and joined & ents
    xy = pg.evaluate("i => { const d = window.network.canvasToDOM(window.network.getPositions([i])[i]);"
                     " const c = document.querySelector('#kg-graph canvas');"
                     " return [d.x, d.y, c.clientWidth, c.clientHeight]; }", i)
    assert 0 <= xy[0] <= xy[2] and 0 <= xy[1] <= xy[3]  # and in view
    assert seeds_map.errors == []


@pytest.mark.shared
def test_paper_panel_lists_related_papers_with_shared_entities(
        seeds_map: Page, seeds_build: tuple[Path, Any], tmp_path: Path) -> None:
    pg, corpus = seeds_map.page, seeds_build[1]
    best = max(corpus.links, key=lambda k: (k.weight, k.source))
    i = seeds_map.index_of(best.source)
    assert i < pg.evaluate("window.kg.data.config.drawn")
    seeds_map.click_node(i)
    pg.wait_for_selector("#kg-panel:not([hidden])")
    assert pg.inner_text("#kg-panel-title") == corpus.papers[best.source].title
    heads = pg.locator("#kg-panel-body h3").all_inner_texts()
    assert any(h.upper().startswith("RELATED PAPERS") for h in heads)
    rows = pg.locator("#kg-panel-body .kg-row").all_inner_texts()
    other = corpus.papers[best.target].title
    (row,) = [r for r in rows if other in r]
    assert f"weight {round(best.weight, 3)}" in row
    assert all(corpus.entities[e].name in row for e in best.shared[:6])
    shoot(seeds_map, "map-seeds-paper-panel", tmp_path)


@pytest.mark.shared
def test_entity_panel_shows_its_family_papers_and_company(
        seeds_map: Page, seeds_build: tuple[Path, Any]) -> None:
    pg, corpus = seeds_map.page, seeds_build[1]
    child = max((e for e in corpus.entities.values() if e.parent in corpus.entities),
                key=lambda e: (e.support, e.id))
    parent = corpus.entities[child.parent]
    pg.evaluate("i => window.kg.select(i)", seeds_map.index_of(child.id))
    assert pg.inner_text("#kg-panel-title") == child.name
    body = pg.inner_text("#kg-panel-body")
    assert "FAMILY" in body.upper() and parent.name in body
    pg.evaluate("i => window.kg.select(i)", seeds_map.index_of(parent.id))
    assert child.name in pg.locator("#kg-panel-body .kg-list").first.inner_text() or \
        child.name in pg.inner_text("#kg-panel-body")
    assert "PAPERS, NEWEST FIRST" in pg.inner_text("#kg-panel-body").upper()


@pytest.mark.shared
def test_llava_panel_lists_the_papers_naming_only_a_variant(
        seeds_map: Page, seeds_build: tuple[Path, Any]) -> None:
    pg, corpus = seeds_map.page, seeds_build[1]
    (llava,) = [e for e in corpus.entities.values() if e.name == "LLaVA"]
    below, todo = set(), [llava.id]
    while todo:
        cur = todo.pop()
        for e in corpus.entities.values():
            if e.parent == cur and e.id not in below:
                below.add(e.id)
                todo.append(e.id)
    only_variant = {p for e in below for p in corpus.entities[e].papers} - set(llava.papers)
    assert only_variant  # the seeds have papers naming only LLaVA-1.5-7B and the like
    pg.evaluate("i => window.kg.select(i)", seeds_map.index_of(llava.id))
    assert pg.inner_text("#kg-panel-title") == "LLaVA"
    heads = [h.upper() for h in pg.locator("#kg-panel-body h3").all_inner_texts()]
    assert "PAPERS NAMING ONE OF ITS VARIANTS" in heads
    body = pg.inner_text("#kg-panel-body")
    assert any(corpus.papers[p].title[:40] in body for p in only_variant)


@pytest.mark.shared
def test_isolated_papers_are_counted_and_listed(seeds_map: Page) -> None:
    pg = seeds_map.page
    n = len(pg.evaluate("window.kg.data.config.isolated"))
    assert n and pg.inner_text("#kg-isolated") == f"{n} papers with no related paper"
    pg.click("#kg-isolated")
    assert len(pg.locator("#kg-panel-body .kg-list li").all()) == n
    pg.locator("#kg-panel-body .kg-list li button").first.click()
    i = int(pg.get_attribute("#kg-panel", "data-node") or -1)
    assert pg.evaluate("i => window.nodes.get(i) !== null", i)


# ---------------------------------------------------------------- a tiny corpus, on any clone

@pytest.fixture
def tiny_map(browser: Any, tmp_path: Path) -> Iterator[tuple[Page, Any]]:
    corpus = load_corpus()
    path = tmp_path / "map.html"
    path.write_text(render_html(corpus), encoding="utf-8")
    page = Page(browser, path)
    yield page, corpus
    page.close()


def test_tiny_map_labels_search_and_panel(tiny_map: tuple[Page, Any], tmp_path: Path) -> None:
    page, corpus = tiny_map
    pg = page.page
    assert page.errors == [] and all(u.startswith(LOCAL) for u in page.requests)
    labels = check_labels(page)
    assert len([b for b in labels if b["kind"] == "node"]) >= 5
    shoot(page, "map-tiny", tmp_path)
    # the paper with no related paper: not drawn, counted, found and brought in
    lone = "arxiv:2401.00001"
    i = page.index_of(lone)
    assert i >= pg.evaluate("window.kg.data.config.drawn")
    assert pg.inner_text("#kg-isolated").startswith("1 paper")
    pg.fill("#kg-search", "names nothing")
    pg.press("#kg-search", "Enter")
    assert pg.evaluate("i => window.nodes.get(i) !== null", i)
    assert pg.inner_text("#kg-panel-title") == corpus.papers[lone].title
    # a paper's panel: related papers with the link's weight and shared entities
    page.click_node(page.index_of("arxiv:2304.08485"))
    pg.wait_for_function("document.getElementById('kg-panel-title').textContent"
                         " === 'Visual Instruction Tuning'")
    (row,) = [r for r in pg.locator("#kg-panel-body .kg-row").all_inner_texts()
              if "Improved Baselines" in r]
    assert "weight 3" in row and all(n in row for n in ("LLaVA", "CLIP", "ScienceQA"))
    uses = pg.locator("#kg-panel-body h3").all_inner_texts()
    assert any(h.upper() == "PROPOSED HERE" for h in uses)
    check_labels(page)  # still none overlapping with the panel open and a node brought in


def test_light_panels_of_a_large_corpus_still_bring_nodes_in(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_html_map import clusters

    import kg.export.html.payload as payload

    monkeypatch.setattr(payload, "FULL_DETAILS", 0)  # what a corpus of 100,000 papers gets
    corpus = clusters()
    path = tmp_path / "map.html"
    path.write_text(render_html(corpus, max_nodes=8), encoding="utf-8")
    page = Page(browser, path)
    pg = page.page
    ids = pg.evaluate("window.kg.data.nodes.map(n => n.id)")
    drawn = pg.evaluate("window.kg.data.config.drawn")
    pid = next(p for p in ids[drawn:] if p in corpus.papers and p != "lone")
    pg.fill("#kg-search", corpus.papers[pid].title)
    pg.press("#kg-search", "Enter")
    i = ids.index(pid)
    assert pg.evaluate("i => window.nodes.get(i) !== null", i)
    assert pg.inner_text("#kg-panel-title") == corpus.papers[pid].title
    rows = pg.locator("#kg-panel-body .kg-row").all_inner_texts()
    assert rows and all("weight" in r and "shared" in r for r in rows)
    assert pg.evaluate("i => window.network.getConnectedNodes(i).length", i) > 0
    pg.evaluate("i => window.kg.select(i)", ids.index("model/g0-large"))
    assert "G0" in pg.inner_text("#kg-panel-body") and "FAMILY" in pg.inner_text("#kg-panel-body").upper()
    check_labels(page)
    assert page.errors == []
    page.close()
