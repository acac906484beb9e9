"""The same paper met several times is one record."""

import itertools
from dataclasses import replace
from pathlib import Path

from kg.keys import paper_id
from kg.records import Paper, Source
from kg.sources import merge_papers, read_jsonl_papers, read_papers

SIGHTINGS = Path(__file__).parent / "fixtures" / "merge" / "sightings.jsonl"


def _p(title, arxiv=None, n=0, **kw):
    return Paper(id=paper_id(title, arxiv), title=title, abstract=kw.pop("abstract", f"abs {n}"),
                 arxiv_id=arxiv, sources=(Source(f"f{n}", "jsonl", 1),), **kw)


def test_title_only_then_arxiv_sighting_merge_under_the_arxiv_id():
    a = _p("Deep Residual Learning", n=1, page_date="Dec 10", upvotes=5, abstract="abs 1, the longer")
    b = _p("deep residual learning!", "1512.03385", n=2, doi="10.1109/x", repos=("https://github.com/k/r",))
    (m,) = merge_papers([a, b])
    assert m.id == "arxiv:1512.03385" and m.title == "Deep Residual Learning"
    assert m.abstract == "abs 1, the longer" and m.page_date == "Dec 10" and m.upvotes == 5 and m.doi == "10.1109/x"
    assert [s.path for s in m.sources] == ["f1", "f2"]


def test_arxiv_groups_absorb_a_title_group_seen_earlier():
    a = _p("Old Title Only", n=1)
    b = _p("A Renamed Version", "2001.00001", n=2)
    c = _p("Old Title Only", "2001.00001", n=3)  # links the two
    d = _p("Unrelated", n=4)
    merged = list(merge_papers([a, b, c, d]))
    assert [m.id for m in merged] == ["arxiv:2001.00001", paper_id("Unrelated")]
    assert [s.path for s in merged[0].sources] == ["f1", "f2", "f3"]
    assert merged[0].title == "Old Title Only"  # first seen


def test_different_arxiv_ids_with_one_title_stay_apart():
    merged = list(merge_papers([_p("Same Title", "2001.00001", 1), _p("Same Title", "2002.00002", 2),
                                _p("Same Title", None, 3)]))
    assert [m.id for m in merged] == ["arxiv:2001.00001", "arxiv:2002.00002"]
    assert [s.path for s in merged[0].sources] == ["f1", "f3"]


def test_unions_and_first_filled_values():
    a = _p("T", n=1, abstract="", repos=("https://a",), keywords=("x",))
    b = _p("T", n=2, abstract="filled", repos=("https://b", "https://a"), keywords=("y",), authors=("P", "Q"))
    (m,) = merge_papers([a, b])
    assert m.abstract == "filled" and m.repos == ("https://a", "https://b") and m.keywords == ("x", "y")
    assert m.authors == ("P", "Q")


def test_fixture_directory_merges_across_formats(fixtures):
    papers = list(read_papers(fixtures / "sources", on_error=lambda e: None))
    probe = [p for p in papers if p.arxiv_id == "2305.12345"]
    assert len(probe) == 1
    (p,) = probe
    assert sorted(s.format for s in p.sources) == ["arxiv-atom", "arxiv-snapshot", "dailypapers", "hf-api", "jsonl"]
    # the API's full listing date; the page's "• 6 authors" is the largest count
    assert p.page_date == "2023-05-22" and p.n_authors == 6 and p.upvotes == 42
    assert len({q.id for q in papers}) == len(papers)
    again = list(read_papers(fixtures / "sources", on_error=lambda e: None))
    assert again == papers  # deterministic


def _fail(error):
    raise AssertionError(error)


def test_best_value_wins_in_every_order_of_the_sightings():
    """Five sightings of one paper, each best at something (tests/fixtures/merge/sightings.jsonl)."""
    sightings = list(read_jsonl_papers(SIGHTINGS, on_error=_fail))
    merged = set()
    sources = set()
    for order in itertools.permutations(sightings):
        (m,) = merge_papers(order)
        merged.add(replace(m, sources=()))
        sources.add(frozenset(m.sources))
        assert list(m.sources) == [s for p in order for s in p.sources]  # input order, all kept
    assert len(merged) == 1 and len(sources) == 1 and len(next(iter(sources))) == 5
    (m,) = merged
    assert m.id == "arxiv:2401.01234" and m.title == "Glimmer: Sparse Probes for Dense Models"
    assert m.abstract.startswith("We present Glimmer") and m.abstract.endswith("release the probes.")
    assert m.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")  # the fullest list
    assert m.n_authors == 4  # the page counts one more author than any list names
    assert m.url == "https://arxiv.org/abs/2401.01234"  # canonical: https, abs, no version
    assert (m.date, m.page_date, m.upvotes) == ("2024-01-02", "Jan 5, 2024", 17)
    assert m.doi == "10.1000/journal.5"  # a journal DOI before arXiv's own
    assert m.repos == ("https://github.com/glimmer/probes",) and m.categories == ("cs.LG", "cs.CL")
