"""Daily Papers pages saved from a browser as HTML ("Save page as") read like the text layouts."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import DCTERMS, XSD

from kg.cli.main import main
from kg.corpus import Corpus
from kg.errors import InputError, KGError
from kg.rdf.convert import corpus_to_graph
from kg.sources import detect_format, iter_records, parse_dailypapers, read_dailypapers
from kg.sources.htmlpage import looks_like_html, saved_day, visible_lines, visible_text


def _fields(papers):
    return [(p.title, p.n_authors, p.date, p.upvotes, p.page_date) for p in papers]


@pytest.fixture
def saved(fixtures):
    return fixtures / "pages" / "daily_papers_saved.html"


def test_saved_page_is_detected_and_read_with_the_block_layout(saved, fixtures):
    assert detect_format(saved) == "dailypapers"
    skipped = []
    papers = list(iter_records(saved, on_error=skipped.append))
    assert skipped == []
    # the same entries as the text dump of tests/fixtures/sources/daily_blocks.txt; the page
    # was saved from ...?date=2024-11-04, which gives its "Nov 4" a year
    assert _fields(papers) == [
        ("Graph Probes: What Message Passing Networks Remember", 6, "Oct 3", None, "Nov 4, 2024"),
        ("Wrapped Abstracts Are Joined Into One Paragraph", 1, "May 2", 1, "Nov 4, 2024"),
        ("A Paper Without Any Metadata Block", None, None, None, "Nov 4, 2024"),
        ("Long Ago: A Paper From Another Year", 12, "Jan 31, 2024", 17, "Nov 4, 2024"),
    ]
    text = list(read_dailypapers(fixtures / "sources" / "daily_blocks.txt", on_error=lambda e: None))
    assert [p.abstract for p in papers[1:2]] == [p.abstract for p in text[1:2]]  # wrapped lines joined
    assert papers[0].abstract == ("We probe message passing networks & find that they remember which neighbours "
                                  "they read, not only what they read. Code is available at "
                                  "https://github.com/example/graph-probes.")  # entities decoded, tags dropped
    assert [p.sources[0].line for p in papers] == [33, 43, 51, 56]  # where each title is in the HTML
    # each title links to the paper's page on the Hub, named by its arXiv id
    assert [p.id for p in papers] == ["arxiv:2411.00001", "arxiv:2411.00002", "arxiv:2411.00003",
                                      "arxiv:2401.00004"]
    assert papers[0].url == "https://huggingface.co/papers/2411.00001"


def test_only_a_block_that_is_one_paper_link_gives_an_arxiv_id():
    page = visible_text('<h3>\n <a href="/papers/2401.00001">A <b>Title</b></a>\n</h3>'
                        '<p>See <a href="/papers/2401.00002">this</a> paper.</p>'
                        '<h3><a href="https://huggingface.co/papers/2401.00003v2">X</a> and more</h3>'
                        '<h3><a href="https://huggingface.co/papers/2401.00004v2">Versioned</a></h3>'
                        '<h3><a href="/models/2401.00005">Not a paper page</a></h3>')
    assert page.paper_ids == {"A Title": "2401.00001", "Versioned": "2401.00004"}


def test_what_a_reader_does_not_see_is_left_out(saved):
    shown = " ".join(t for _, t in visible_lines(saved.read_text(encoding="utf-8")))
    for hidden in ("Models", "Sign Up", "Search models", "Loading papers", "Not visible text", "template",
                   "hubConfig", "moonSha", "System theme", "Privacy", "schema.org", "Previous day"):
        assert hidden not in shown, hidden


def test_a_page_without_main_drops_the_site_header_and_footer(fixtures):
    papers = list(iter_records(fixtures / "pages" / "daily_papers_no_main.html"))
    assert _fields(papers) == [
        ("Counting Tokens in Long Contexts", 2, "Dec 30", 4, "Dec 31, 2024"),
        ("Sparse Routing: Mixture Models Without the Load Balancing Loss", None, None, None, "Dec 31, 2024")]
    assert papers[1].abstract.startswith("We study sparse")  # the display:none teaser is not its abstract


def test_a_page_saved_on_one_line_reads_the_same(saved, tmp_path):
    flat = tmp_path / "flat.html"
    flat.write_text(saved.read_text(encoding="utf-8").replace("\n", " "), encoding="utf-8")
    assert _fields(iter_records(flat)) == _fields(iter_records(saved))
    assert {p.sources[0].line for p in iter_records(flat)} == {1}


def test_parse_and_read_agree_and_a_forced_format_reads_html_too(saved):
    text = saved.read_text(encoding="utf-8")
    assert list(parse_dailypapers(text, path=str(saved))) == list(read_dailypapers(saved))
    assert _fields(iter_records(saved, input_format="dailypapers")) == _fields(iter_records(saved))


def test_saved_listing_day_types_the_dates_in_rdf(saved):
    g = corpus_to_graph(Corpus.from_extractions(list(iter_records(saved)), []))
    dates = sorted(str(o) for o in g.objects(None, DCTERMS.date))
    assert dates == ["2024-01-31", "2024-05-02", "2024-10-03"]
    assert all(o.datatype == XSD.date for o in g.objects(None, DCTERMS.date))
    assert Literal(date(2024, 11, 4), datatype=XSD.date) in set(g.objects())


def test_html_detection():
    assert looks_like_html("<!DOCTYPE html>\n<html>") and looks_like_html("\ufeff<!-- c -->\n<html lang=en>")
    assert not looks_like_html('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')
    assert saved_day("<!-- saved from url=(0029)https://huggingface.co/papers -->") is None
    assert saved_day("<!-- saved from url=(0043)https://huggingface.co/papers?date=2024-02-30 -->") is None


def test_other_html_pages_are_refused_naming_the_file(tmp_path):
    page = tmp_path / "blog.html"
    page.write_text("<!DOCTYPE html><html><head><title>My blog</title></head><body><p>Hi</p></body></html>")
    with pytest.raises(InputError) as e:
        list(iter_records(page))
    assert e.value.path == str(page) and "an HTML page, but not a saved Daily Papers page" in e.value.problem


def test_kg_papers_reads_a_saved_page(saved, tmp_path, capsys):
    out = tmp_path / "papers.jsonl"
    assert main(["papers", str(saved), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    assert "4 entries from 1 file" in capsys.readouterr().err


_FRAGMENTS = st.one_of(
    st.sampled_from(["<main>", "</main>", "<h3>", "</h3>", "<p>", "</p>", "<div>", "</div>", "<br>", "<script>",
                     "</script>", "<svg>", "</svg>", "<nav>", "</nav>", '<a href="/papers/2401.00001">', "</a>",
                     "<div hidden>", '<p style="display:none">', "&amp;", "&#xd800;", "&bogus;", "<!-- c -->",
                     "<", ">", "</", "Daily Papers", "Nov 4", "Oct 3 12", "• 6 authors", "·", "</article>"]),
    st.text(max_size=30))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=40))
def test_any_html_gives_papers_or_one_line_errors(fragments):
    text = "<!DOCTYPE html><html><body>" + "".join(fragments)
    try:
        papers = list(parse_dailypapers(text, path="page.html", skip_bad=True, on_error=lambda e: None))
    except KGError as e:
        assert "\n" not in str(e) and str(e).startswith("page.html")
        return
    for p in papers:
        assert p.title.strip() and p.sources[0].line >= 1
        json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8")
