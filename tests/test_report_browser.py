"""report.html in a real headless Chromium (Debian's /usr/bin/chromium via playwright).

Never runs ``playwright install``: without /usr/bin/chromium these tests skip.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, load_fixture_module
from test_html_browser import ARGS, CHROMIUM, LOCAL, OUT, WatchedPage

from kg.export.report import render_report

FIXTURE = load_fixture_module("report/corpus.py")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium)"),
]

CHARTS = """() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    const drawn = [...svg.querySelectorAll('path, use')].filter(p => {
        const b = p.getBBox(); return b.width > 0 || b.height > 0; }).length;
    return {id: svg.closest('figure').id, width: box.width, height: box.height, drawn,
            texts: svg.querySelectorAll('text').length};
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Report(WatchedPage):
    """A loaded report, with everything it logged, requested or tried to pop up."""

    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser, path, width=1280)
        self.page.wait_for_load_state("load")

    def charts(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate(CHARTS))


@pytest.fixture(scope="module")
def hostile(browser: Any, tmp_path_factory: Any) -> Iterator[Report]:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(FIXTURE.make_corpus()), encoding="utf-8")
    report = Report(browser, path)
    yield report
    report.page.close()


@pytest.fixture(scope="module")
def example(browser: Any, tmp_path_factory: Any, nlp: Any) -> Iterator[Report]:
    """The report `kg build` writes for the example corpus."""
    from kg.build import build

    out = tmp_path_factory.mktemp("example")
    build([ROOT / "examples"], out, progress=False, nlp=nlp)
    report = Report(browser, out / "report.html")
    yield report
    report.page.close()


@pytest.mark.parametrize("which", ["hostile", "example"])
def test_loads_offline_with_every_chart_drawn(which: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(which)
    assert report.errors == [] and report.dialogs == []
    assert report.requests and all(u.startswith(LOCAL) for u in report.requests), report.requests
    charts = report.charts()
    assert len(charts) >= 8, charts  # coverage, 3 top entities, timelines, code share, communities
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 80, chart
        assert chart["drawn"] > 5 and chart["texts"] > 3, chart
    ids = {c["id"] for c in charts}
    assert {"fig-coverage", "fig-top", "fig-timeline", "fig-code-share", "fig-communities"} <= ids
    OUT.mkdir(exist_ok=True)
    shot = OUT / f"report-{which}-{os.getpid()}.png"
    report.page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 50_000


def test_each_chart_has_its_numbers_as_a_table(hostile: Report) -> None:
    pg = hostile.page
    pg.click("#fig-timeline summary")
    assert pg.is_visible("#table-timeline")
    cells = pg.locator("#table-timeline tbody tr").all_inner_texts()
    assert cells[0].split() == ["2017-07", "1"] and len(cells) == 7


def test_hostile_text_stays_inert(hostile: Report) -> None:
    pg = hostile.page
    for summary in pg.locator("summary").all():
        summary.click()  # unfold every table: the hostile titles are in them
    assert FIXTURE.HOSTILE_TITLE in pg.inner_text("#table-communities-about")
    labels = pg.evaluate("() => [...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert any(FIXTURE.HOSTILE_NAME[:20] in t for t in labels)
    pg.mouse.move(300, 300)
    pg.mouse.move(600, 500)
    pg.wait_for_timeout(200)
    assert pg.evaluate("window.__xss") is None
    assert pg.evaluate("document.querySelectorAll('img, script, iframe, b, i').length") == 0
    assert pg.evaluate("document.querySelectorAll('svg').length") == 9  # none from an alias
    assert hostile.dialogs == [] and hostile.errors == []
