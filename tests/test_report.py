"""kg.export.report: dates, the figures on a hand-made corpus, the page and its safety, the build.

The browser test (tests/test_report_browser.py) checks the same page in Chromium.
"""

import html as htmllib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, load_fixture_module

from kg.errors import FormatError, KGError
from kg.export.registry import export, get_format
from kg.export.report import digest_of, render_report
from kg.export.report.dates import (
    ARXIV,
    INFERRED,
    LISTED,
    NO_YEAR,
    PUBLISHED,
    UNDATED,
    UNREADABLE,
    PartialDate,
    arxiv_month,
    paper_month,
    parse_date,
)
from kg.export.report.figures import FIGURE_NAMES, corpus_figures, timeline_rows
from kg.export.report.stored import read_digest
from kg.settings import DEFAULT_EXPORTS, Settings

FIXTURE = load_fixture_module("report/corpus.py")


@pytest.fixture(scope="module")
def corpus() -> Any:
    return FIXTURE.make_corpus()


@pytest.fixture(scope="module")
def figs(corpus: Any) -> Any:
    return corpus_figures(digest_of(corpus))


@pytest.fixture(scope="module")
def page(corpus: Any) -> str:
    return render_report(corpus)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("text,expected", [
    ("2024-01-31", (2024, 1, 31)), ("2024-01", (2024, 1, None)), ("2024-1-5", (2024, 1, 5)),
    ("2024-01-31T08:00:00.000Z", (2024, 1, 31)), ("2024/01/31", (2024, 1, 31)),
    ("Jan 31, 2024", (2024, 1, 31)), ("January 31 2024", (2024, 1, 31)),
    ("31 Jan 2024", (2024, 1, 31)), ("  jan  31,2024 ", (2024, 1, 31)), ("Sept. 3", (None, 9, 3)),
    ("Oct 3", (None, 10, 3)), ("March 2024", (2024, 3, None)), ("Feb 29", (None, 2, 29)),
])
def test_dates_are_read_in_every_form_the_sources_give(text: str, expected: tuple[Any, ...]) -> None:
    assert parse_date(text) == PartialDate(*expected)


@pytest.mark.parametrize("text", ["", None, "soon", "2024", "Feb 30, 2024", "2024-13-01",
                                  "Jan Feb 3", "3 4 2024", "Mar 5, 2024 extra words", "0000-01-01",
                                  "Feb 29, 2023", "January 32"])
def test_unreadable_dates_give_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_a_paper_month_comes_from_the_best_date_it_has() -> None:
    assert paper_month("Jan 31, 2024", "Nov 4", "2310.03744") == ("2024-01", PUBLISHED)
    assert paper_month("Oct 3", "Nov 4, 2024", None) == ("2024-10", INFERRED)
    assert paper_month("Dec 30", "Jan 2, 2025", None) == ("2024-12", INFERRED)  # the year before
    assert paper_month("Oct 3", "Nov 4", "2310.03744") == ("2023-10", ARXIV)
    assert paper_month(None, "Mar 20, 2024", None) == ("2024-03", LISTED)
    assert paper_month("Oct 3", "Nov 4", None) == (None, NO_YEAR)  # the seeds' pages
    assert paper_month("someday", None, None) == (None, UNREADABLE)
    assert paper_month(None, None, None) == (None, UNDATED)
    assert arxiv_month("arXiv:2403.01234v2") == "2024-03"
    assert arxiv_month("math/0703001") == "2007-03" and arxiv_month("0704.0001") == "2007-04"
    assert arxiv_month("2413.00001") is None and arxiv_month("not an id") is None


# ---------------------------------------------------------------- the digest

def test_the_store_gives_the_same_digest_as_the_corpus(corpus: Any, tmp_path: Path) -> None:
    FIXTURE.build_store(corpus, tmp_path)
    stored, direct = read_digest(tmp_path), digest_of(corpus)
    assert stored.papers == direct.papers
    assert stored.entities == direct.entities
    assert stored.links == direct.links
    assert stored.entities[FIXTURE.HOSTILE_ENTITY].name == FIXTURE.HOSTILE_NAME
    assert stored.papers[FIXTURE.HOSTILE_ID].title == FIXTURE.HOSTILE_TITLE


def test_the_store_reader_spells_the_vocabulary_as_kg_rdf_does() -> None:
    from rdflib.namespace import DCTERMS, SDO, SKOS

    from kg.export.report import stored
    from kg.rdf.vocab import ENTITY_CLASSES, KG_NS

    assert (stored.KG_NS, stored.DCTERMS, stored.SCHEMA, stored.SKOS) == (
        KG_NS, str(DCTERMS), str(SDO), str(SKOS))
    assert stored.TYPE_OF_CLASS == {str(c): t for t, c in ENTITY_CLASSES.items()}


def test_no_store_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="no store at .*run `kg build` first"):
        read_digest(tmp_path)


# ---------------------------------------------------------------- figures

def rows(figs: Any, name: str) -> list[dict[str, Any]]:
    return figs[name].records()


def test_every_figure_is_there_in_order(figs: Any) -> None:
    assert figs.names() == FIGURE_NAMES
    with pytest.raises(FormatError, match="unknown figure 'top'.*communities"):
        figs["top"]
    assert corpus_figures(digest_of(FIXTURE.make_corpus()), names=["rising"]).names() == ("rising",)


def test_counts_and_coverage(figs: Any) -> None:
    counts = {r["what"]: r["count"] for r in rows(figs, "counts")}
    assert counts == {"papers": 11, "entities": 15, "methods": 4, "models": 6, "datasets": 5,
                      "mentions (paper, entity)": 28, "links between papers": 10,
                      "repositories and project pages": 7}
    cover = {r["papers with"]: (r["papers"], r["share"]) for r in rows(figs, "coverage")}
    assert cover["entities"] == (10, 0.9091)  # all but the isolated paper
    assert cover["a code repository"][0] == 4  # LLaVA, LAVIS, baselines, mamba
    assert cover["official code"][0] == 3  # LAVIS is not official; the project page is no code
    assert cover["any code or project link"][0] == 7  # + project page, two metadata links
    assert cover["a related paper"][0] == 9
    assert cover["a month (dated)"][0] == 8


def test_papers_without_a_date_are_counted_as_such(figs: Any) -> None:
    dating = {r["dated by"]: r["papers"] for r in rows(figs, "dating")}
    # "Mar 1" listed on "Mar 4, 2024" is a full date since issue 11 (typed xsd:date in the
    # store, so the corpus digest writes it so too): a publication date, no longer inferred
    assert dating == {PUBLISHED: 6, ARXIV: 1, LISTED: 1, NO_YEAR: 1, UNREADABLE: 1, UNDATED: 1}
    assert figs["dating"].note == "papers without a month, on no timeline: 3 of 11"
    assert sum(r["papers"] for r in rows(figs, "timeline")) == 8
    assert "3 papers without a month left out" in figs["timeline"].note


def test_top_entities_with_their_support(figs: Any) -> None:
    models = rows(figs, "top_models")
    assert [(r["name"], r["papers"], r["proposed by"]) for r in models[:3]] == [
        ("CLIP", 4, 0), ("Mamba", 3, 1), ("LLaVA", 2, 1)]
    assert [r["rank"] for r in models] == list(range(1, 7))
    assert rows(figs, "top_methods")[0]["name"] == "PPO"
    small = corpus_figures(digest_of(FIXTURE.make_corpus()), Settings().with_(report_top=2))
    assert len(small["top_models"]) == 2 and len(small["communities"]) == 2


def test_timelines_of_papers_and_of_the_top_entities(figs: Any, corpus: Any) -> None:
    assert {r["month"]: r["papers"] for r in rows(figs, "timeline")} == {
        "2017-07": 1, "2023-04": 1, "2023-05": 1, "2023-10": 1, "2024-01": 1, "2024-02": 1,
        "2024-03": 2}
    mamba = {r["month"]: r["papers"] for r in rows(figs, "entity_timeline") if r["name"] == "Mamba"}
    assert mamba == {"2024-02": 1, "2024-03": 2}
    entities = list(dict.fromkeys(r["name"] for r in rows(figs, "entity_timeline")))
    assert entities[:2] == ["CLIP", "Mamba"]  # most dated papers first
    clip = dict(timeline_rows(digest_of(corpus), "contrastive language-image pre-training"))
    assert len(clip) == 81 and clip["2023-04"] == 1 and clip["2017-07"] == 0  # every month
    with pytest.raises(KGError, match="names a paper"):
        timeline_rows(digest_of(corpus), "Vision Mamba")


def test_rising_entities_in_the_latest_months(figs: Any) -> None:
    rising = rows(figs, "rising")
    assert figs["rising"].title == "Rising entities (2024-01 to 2024-03 against before)"
    assert [(r["name"], r["recent papers"], r["earlier papers"], r["rise"]) for r in rising] == [
        ("Mamba", 3, 0, 0.75), ("Long Range Arena", 2, 0, 0.5), ("Selective Scan", 2, 0, 0.5)]


def test_too_few_dated_papers_give_no_trend_and_say_why(corpus: Any) -> None:
    figs = corpus_figures(digest_of(corpus), Settings().with_(report_recent_months=1))
    assert rows(figs, "rising") == []
    assert "too few dated papers: 2 in 2024-03, 6 before" in figs["rising"].note


def test_share_of_papers_with_official_code_per_month(figs: Any) -> None:
    code = {r["month"]: (r["papers"], r["with official code"], r["share"])
            for r in rows(figs, "code_share")}
    assert code["2023-04"] == (1, 1, 1.0) and code["2023-10"] == (1, 0, 0.0)
    assert code["2024-03"] == (2, 0, 0.0) and code["2024-02"] == (1, 1, 1.0)


def test_communities_are_the_three_groups_with_their_top_entities(figs: Any) -> None:
    comms = rows(figs, "communities")
    assert [r["papers"] for r in comms] == [3, 3, 3]
    labels = {r["label"].split(" \u00b7 ")[0] for r in comms}
    assert labels == {"PPO", "CLIP", "Mamba"}
    mamba = next(r for r in comms if r["label"].startswith("Mamba"))
    assert mamba["top entities"].startswith("Mamba (3); Long Range Arena (2)")
    assert "2 papers are in none" in figs["communities"].note


@pytest.mark.slow
def test_communities_do_not_depend_on_the_hash_seed() -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from conftest import load_fixture_module\n"
              "from kg.export.report import digest_of\n"
              "from kg.export.report.communities import communities\n"
              "print(communities(digest_of(load_fixture_module('report/corpus.py').make_corpus())))\n")
    runs = {subprocess.run([sys.executable, "-c", script, str(ROOT / "tests")], check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}, capture_output=True,
                           text=True).stdout for seed in (1, 2, 3)}
    assert len(runs) == 1, runs


# ---------------------------------------------------------------- the page

class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.svgs: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "svg":
            self.svgs.append({"attrs": dict(attrs), "shapes": 0, "texts": []})
        elif self.svgs and "svg" in self.stack and tag in ("path", "rect", "use"):
            self.svgs[-1]["shapes"] += 1
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "text" and self.svgs:
            self.svgs[-1]["texts"].append(data)


def parse(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    p.close()
    return p


def test_the_page_parses_and_every_chart_is_a_drawn_svg(page: str) -> None:
    p = parse(page)
    assert p.stack == [], p.stack[-5:]  # every element closed
    charts = [a for t, a in p.tags if t == "figure"]
    assert [a["id"] for a in charts] == ["fig-coverage", "fig-top", "fig-timeline",
                                         "fig-entity-timeline", "fig-rising", "fig-code-share",
                                         "fig-communities"]
    assert len(p.svgs) == 9  # the top entities are three charts
    for svg in p.svgs:
        attrs = svg["attrs"]
        assert float(attrs["width"].removesuffix("pt")) > 100 and float(attrs["height"].removesuffix("pt")) > 50
        assert svg["shapes"] > 5 and svg["texts"], attrs
    assert page.count("<figcaption") == 7 and page.count("<details>") == 7
    assert "<table id=\"table-timeline\">" in page  # each chart's numbers, as a table


def test_the_page_is_self_contained_and_runs_no_script(page: str) -> None:
    p = parse(page)
    assert not any(t in ("script", "img", "iframe", "object", "embed", "link", "image")
                   for t, _ in p.tags)
    for tag, attrs in p.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
        for key in ("href", "xlink:href"):
            assert attrs.get(key) is None or attrs[key].startswith("#"), (tag, attrs)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "script-src" not in csp
    ids = [a["id"] for _, a in p.tags if a.get("id")]
    assert len(ids) == len(set(ids))  # charts prefix their ids: no clash between two charts
    refs = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', page))
    assert {r for pair in refs for r in pair if r} <= set(ids)


def test_hostile_text_stays_inert(page: str) -> None:
    p = parse(page)
    assert not any(t in ("b", "i", "img", "script") for t, _ in p.tags)
    assert [t for t, _ in p.tags].count("svg") == 9  # no svg from an alias
    texts = [t for svg in p.svgs for t in svg["texts"]]
    assert any("<b onmouseover=" in t for t in texts)  # the name, drawn as text
    assert htmllib.escape(FIXTURE.HOSTILE_TITLE) in page
    assert FIXTURE.HOSTILE_TITLE not in page and FIXTURE.HOSTILE_NAME not in page
    assert "window.__xss" in htmllib.unescape(page)


def test_a_dollar_in_a_name_is_no_math(corpus: Any) -> None:
    from kg.export.report import plots
    from kg.export.report.tables import table

    svg = plots.top_chart(table("top_methods", "Top methods", ("rank", "entity", "name", "papers",
                                                                "proposed by"),
                                [(1, "m/x", "$\\alpha$-Net}", 3, 0), (2, "m/y", "$x^2$", 2, 0)]),
                          "method")
    assert svg is not None and "$\\alpha$-Net}" in svg and "$x^2$" in svg


def test_charts_leave_matplotlib_as_they_found_it(corpus: Any) -> None:
    import matplotlib

    before = matplotlib.rcParams.copy()  # not dict(): reading "backend" would load pyplot
    render_report(corpus)
    assert matplotlib.rcParams.copy() == before
    assert "matplotlib.pyplot" not in sys.modules


def test_the_report_is_repeatable(corpus: Any, page: str) -> None:
    assert render_report(FIXTURE.make_corpus()) == page


def test_an_empty_corpus_gives_a_page_that_says_so() -> None:
    from kg.corpus import Corpus

    page = render_report(Corpus({}, {}, {}, [], []))
    p = parse(page)
    assert p.svgs == [] and "Nothing to draw" in page and p.stack == []


# ---------------------------------------------------------------- registry and build

def test_report_is_a_format_and_a_default_export(corpus: Any, page: str) -> None:
    assert ("report.html", "report") in DEFAULT_EXPORTS
    fmt = get_format("report")
    assert fmt.media_type == "text/html" and not fmt.directory
    assert export(corpus, "report") == page


@pytest.mark.slow
def test_kg_build_writes_the_report_beside_the_graph(tmp_path: Path, nlp: Any) -> None:
    from kg.build import build

    summary = build([ROOT / "examples"], tmp_path / "out", progress=False, nlp=nlp)
    assert "report.html" in summary.outputs and "graph.html" in summary.outputs
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    p = parse(page)
    assert len(p.svgs) >= 8 and all(s["shapes"] > 5 for s in p.svgs)
    assert "31 papers" in page
    info = json.loads((tmp_path / "out" / "build.json").read_text(encoding="utf-8"))
    assert info["settings"]["report_top"] == 10
