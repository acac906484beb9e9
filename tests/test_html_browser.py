"""The HTML view in a real headless Chromium (Debian's /usr/bin/chromium via playwright).

Never runs ``playwright install``: without /usr/bin/chromium these tests skip.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_html import load_corpus  # tests/ is on sys.path under pytest

from kg.export.html import build_view, render_html
from kg.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "test-output"
LOCAL = ("file:", "data:", "about:")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus()


class WatchedPage:
    """A page loaded from a file, with everything it logged, requested or tried to pop up
    (the report's browser test uses it too)."""

    def __init__(self, browser: Any, path: Path, width: int = 1400) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        pg = self.page
        pg.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        pg.on("pageerror", lambda e: self.errors.append(str(e)))
        pg.on("request", lambda r: self.requests.append(r.url))
        pg.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        pg.goto(path.resolve().as_uri())


class Page(WatchedPage):
    """A loaded kg page: ready once its script says so."""

    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser, path)
        pg = self.page
        pg.wait_for_function("window.kgReady === true", timeout=20000)

    def index_of(self, node_id: str) -> int:
        return int(self.page.evaluate(
            "id => window.kg.data.nodes.findIndex(n => n.id === id)", node_id))

    def click_node(self, i: int) -> None:
        """A real mouse click on node ``i``, after centring the view on it."""
        pg = self.page
        pg.evaluate("i => window.network.focus(i, {scale: 1.5, animation: false})", i)
        pg.evaluate("() => window.network.redraw()")
        xy = pg.evaluate("""i => {
            const p = window.network.getPositions([i])[i];
            const d = window.network.canvasToDOM(p);
            const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""", i)
        pg.mouse.click(xy[0], xy[1])

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def papers_page(browser: Any, corpus: Any, tmp_path_factory: Any) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("html") / "graph.html"
    path.write_text(render_html(corpus, Settings(), view="papers"), encoding="utf-8")
    page = Page(browser, path)
    yield page
    page.close()


def test_loads_offline_without_errors(papers_page: Page) -> None:
    assert papers_page.errors == []
    assert papers_page.requests and all(u.startswith(LOCAL) for u in papers_page.requests), \
        papers_page.requests
    assert papers_page.page.evaluate("typeof window.network.getPositions") == "function"


def test_datasets_match_the_graph(papers_page: Page, corpus: Any) -> None:
    g = build_view(corpus, "papers").graph
    assert papers_page.page.evaluate("window.nodes.length") == g.number_of_nodes()
    assert papers_page.page.evaluate("window.edges.length") == g.number_of_edges()


def test_search_finds_a_node_by_alias(papers_page: Page) -> None:
    pg = papers_page.page
    pg.fill("#kg-search", "")
    pg.type("#kg-search", "contrastive language-image")
    assert pg.inner_text("#kg-results li:first-child").strip().startswith("\u25b2 CLIP")
    pg.press("#kg-search", "Enter")
    assert pg.evaluate("window.network.getSelectedNodes()") == [papers_page.index_of("model/clip")]
    assert pg.inner_text("#kg-panel-title") == "CLIP"
    aliases = pg.locator("#kg-panel-body .kg-alias").all_inner_texts()
    assert "Contrastive Language-Image Pre-training" in aliases


def test_click_on_a_paper_opens_its_panel(papers_page: Page, corpus: Any) -> None:
    pg = papers_page.page
    i = papers_page.index_of("arxiv:2304.08485")
    papers_page.click_node(i)
    pg.wait_for_selector("#kg-panel:not([hidden])")
    assert pg.inner_text("#kg-panel-title") == "Visual Instruction Tuning"
    assert pg.get_attribute("#kg-panel", "data-node") == str(i)
    marks = pg.locator("#kg-panel-abstract mark").all_inner_texts()
    assert marks == ["LLaVA", "Large Language and Vision Assistant", "CLIP", "Vicuna", "LLaVA",
                     "ScienceQA"]
    assert pg.inner_text("#kg-panel-abstract") == corpus.papers["arxiv:2304.08485"].abstract
    hrefs = pg.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.href)")
    assert "https://github.com/haotian-liu/LLaVA" in hrefs
    neighbours = pg.locator("#kg-panel-body .kg-link").all_inner_texts()
    assert any("Vicuna" in n for n in neighbours)


def test_entity_panel_lists_variants_and_papers(papers_page: Page) -> None:
    pg = papers_page.page
    papers_page.click_node(papers_page.index_of("model/llava"))
    pg.wait_for_function("document.getElementById('kg-panel-title').textContent === 'LLaVA'")
    body = pg.inner_text("#kg-panel-body")
    assert "LLaVA-1.5" in body and "Improved Baselines with Visual Instruction Tuning" in body
    pg.get_by_role("button", name="\u25b2 LLaVA-1.5").first.click()  # follow the variant
    assert pg.inner_text("#kg-panel-title") == "LLaVA-1.5"


def test_type_checkbox_hides_that_type(papers_page: Page) -> None:
    pg = papers_page.page
    box = pg.locator("#kg-types input[value=model]")
    box.uncheck()
    hidden = pg.evaluate("window.nodes.get({filter: n => n.hidden}).map(n => n.group)")
    assert hidden and set(hidden) == {"model"}
    box.check()
    assert pg.evaluate("window.nodes.get({filter: n => n.hidden}).length") == 0


def test_hostile_text_stays_inert(papers_page: Page) -> None:
    pg = papers_page.page
    papers_page.click_node(papers_page.index_of("paper:<script>alert(1)</script>"))
    pg.wait_for_selector("#kg-panel:not([hidden])")
    assert pg.inner_text("#kg-panel-title") == '<img src=x onerror="window.__xss=1;alert(1)"> & PPO'
    assert "</script><script>window.__xss=2</script>" in pg.inner_text("#kg-panel-abstract")
    assert "<i>Mallory</i>" in pg.inner_text("#kg-panel-body")
    hrefs = pg.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["https://github.com/mallory/evil"]
    pg.fill("#kg-search", "")
    pg.type("#kg-search", "EvilNet")
    pg.press("#kg-search", "Enter")
    assert pg.inner_text("#kg-panel-title") == '<b onmouseover="window.__xss=3">Evil</b>'
    assert '"><svg onload="window.__xss=4">' in pg.inner_text("#kg-panel-body")
    pg.mouse.move(5, 300)
    pg.wait_for_timeout(200)
    assert pg.evaluate("window.__xss") is None
    assert pg.evaluate("document.querySelectorAll('img, svg, b, i, iframe').length") == 0
    assert papers_page.dialogs == [] and papers_page.errors == []


def test_edge_tooltip_shows_weight_and_shared(browser: Any, corpus: Any, tmp_path: Path) -> None:
    path = tmp_path / "links.html"
    path.write_text(render_html(corpus, view="links"), encoding="utf-8")
    page = Page(browser, path)
    pg = page.page
    a, b = page.index_of("arxiv:2304.08485"), page.index_of("arxiv:2310.03744")
    pg.evaluate("ab => window.network.fit({nodes: ab, animation: false})", [a, b])
    xy = pg.evaluate("""ab => {
        const p = window.network.getPositions(ab);
        const mid = {x: (p[ab[0]].x + p[ab[1]].x) / 2, y: (p[ab[0]].y + p[ab[1]].y) / 2};
        const d = window.network.canvasToDOM(mid);
        const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y];
    }""", [a, b])
    pg.mouse.move(xy[0] - 3, xy[1] - 3)
    pg.mouse.move(xy[0], xy[1], steps=3)
    tip = pg.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    text = tip.inner_text()
    assert "weight 3" in text and "LLaVA" in text and "CLIP" in text and "ScienceQA" in text
    page.close()


def test_truncation_note_and_heading_are_visible(browser: Any, corpus: Any, tmp_path: Path) -> None:
    path = tmp_path / "small.html"
    name = '<img src=x onerror="window.__xss=1">'
    hostile_focus = "paper:<script>alert(1)</script>"
    path.write_text(render_html(corpus, view="papers", focus=hostile_focus, depth=2, max_nodes=4), encoding="utf-8")
    page = Page(browser, path)
    pg = page.page
    assert pg.is_visible("#kg-note .kg-warn")
    assert "Showing 4 of" in pg.inner_text("#kg-note") and "--max-nodes N" in pg.inner_text("#kg-note")
    assert pg.inner_text("#kg-title").endswith("around " + hostile_focus)
    assert pg.evaluate("window.nodes.length") == 4
    assert name not in pg.content() and page.errors == [] and page.dialogs == []
    page.close()


def test_screenshot(papers_page: Page) -> None:
    OUT.mkdir(exist_ok=True)
    shot = OUT / f"html-papers-{os.getpid()}.png"
    papers_page.page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def test_search_brings_in_a_node_the_trimmed_view_left_out(browser: Any, corpus: Any,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "trimmed.html"
    path.write_text(render_html(corpus, view="papers", max_nodes=4), encoding="utf-8")
    page = Page(browser, path)
    pg = page.page
    i = page.index_of("arxiv:2401.00001")
    assert i >= pg.evaluate("window.kg.data.config.drawn") and pg.evaluate("window.nodes.length") == 4
    pg.fill("#kg-search", "names nothing")
    assert "not drawn yet" in pg.inner_text("#kg-results li:first-child")
    pg.press("#kg-search", "Enter")
    assert pg.evaluate("i => window.nodes.get(i) !== null", i)
    assert pg.inner_text("#kg-panel-title") == "A Paper That Names Nothing"
    vicuna = page.index_of("model/vicuna")  # an entity left out comes in with its papers
    assert vicuna >= 4 and pg.evaluate("i => window.nodes.get(i)", vicuna) is None
    pg.evaluate("i => window.kg.select(i)", vicuna)
    joined = pg.evaluate("i => window.network.getConnectedNodes(i)", vicuna)
    assert page.index_of("arxiv:2304.08485") in joined
    assert page.errors == []
    page.close()
