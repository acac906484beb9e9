"""The same paper met several times is one record."""

from kg.keys import paper_id
from kg.records import Paper, Source
from kg.sources import merge_papers, read_papers


def _p(title, arxiv=None, n=0, **kw):
    return Paper(id=paper_id(title, arxiv), title=title, abstract=kw.pop("abstract", f"abs {n}"),
                 arxiv_id=arxiv, sources=(Source(f"f{n}", "jsonl", 1),), **kw)


def test_title_only_then_arxiv_sighting_merge_under_the_arxiv_id():
    a = _p("Deep Residual Learning", n=1, page_date="Dec 10", upvotes=5)
    b = _p("deep residual learning!", "1512.03385", n=2, doi="10.1109/x", repos=("https://github.com/k/r",))
    (m,) = merge_papers([a, b])
    assert m.id == "arxiv:1512.03385" and m.title == "Deep Residual Learning"
    assert m.abstract == "abs 1" and m.page_date == "Dec 10" and m.upvotes == 5 and m.doi == "10.1109/x"
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
    assert p.page_date == "Nov 4" and p.n_authors == 2 and p.upvotes == 42
    assert len({q.id for q in papers}) == len(papers)
    again = list(read_papers(fixtures / "sources", on_error=lambda e: None))
    assert again == papers  # deterministic
