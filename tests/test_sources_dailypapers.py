"""Daily Papers page dumps: both layouts and their edge cases."""

import pytest

from kg.errors import InputError
from kg.sources import parse_dailypapers, read_dailypapers


def _read(path, **kw):
    skipped = []
    papers = list(read_dailypapers(path, on_error=skipped.append, **kw))
    return papers, skipped


def test_line_layout_titles_abstracts_and_positions(fixtures):
    papers, skipped = _read(fixtures / "sources" / "daily_lines.txt")
    assert [p.title for p in papers] == [
        "Sparse Routing: Mixture Models Without the Load Balancing Loss",  # "Subscribe" glued on
        "Attention is all you need for tiny tables.",  # reads like a sentence, still a title
        "Counting Tokens in Long Contexts",  # stray spaces trimmed
    ]
    assert papers[0].abstract.startswith("We study sparse mixture-of-experts layers")
    assert papers[2].abstract.endswith("propose a probe for it.")
    assert [(s.format, s.position, s.line) for p in papers for s in p.sources] == [
        ("dailypapers", 1, 3), ("dailypapers", 2, 5), ("dailypapers", 3, 7)]
    assert all(p.page_date is None and p.n_authors is None for p in papers)


def test_truncated_last_entry_is_reported_not_raised(fixtures):
    path = fixtures / "sources" / "daily_lines.txt"
    papers, skipped = _read(path)
    assert len(papers) == 3
    assert len(skipped) == 1
    assert skipped[0].line == 9 and "A Truncated Final Entry" in str(skipped[0])
    assert str(skipped[0]).startswith(f"{path}:9: ")


def test_block_layout_metadata(fixtures):
    papers, skipped = _read(fixtures / "sources" / "daily_blocks.txt")
    got = [(p.title, p.n_authors, p.date, p.upvotes, p.page_date) for p in papers]
    assert got == [
        ("Graph Probes: What Message Passing Networks Remember", 6, "Oct 3", None, "Nov 4"),
        ("Wrapped Abstracts Are Joined Into One Paragraph", 1, "May 2", 1, "Nov 4"),
        ("A Paper Without Any Metadata Block", None, None, None, "Nov 4"),
        ("Long Ago: A Paper From Another Year", 12, "Jan 31, 2024", 17, "Nov 4"),
    ]
    assert papers[1].abstract == ("This abstract was saved with hard line breaks, so its lines must be "
                                  "joined with single spaces before it is used as one paragraph of text.")
    assert [p.sources[0].line for p in papers] == [13, 21, 31, 35]
    assert len(skipped) == 1 and skipped[0].line == 43


def test_crlf_and_bom_read_like_plain_text(fixtures, tmp_path):
    for name in ("daily_lines.txt", "daily_blocks.txt"):
        text = (fixtures / "sources" / name).read_text(encoding="utf-8")
        odd = tmp_path / name
        odd.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
        plain = [(p.title, p.abstract, p.date, p.upvotes) for p in _read(fixtures / "sources" / name)[0]]
        assert [(p.title, p.abstract, p.date, p.upvotes) for p in _read(odd)[0]] == plain
        assert all("\r" not in p.raw_abstract and "\ufeff" not in p.raw_title for p in _read(odd)[0])


def test_parse_and_read_agree(fixtures):
    path = fixtures / "sources" / "daily_blocks.txt"
    text = path.read_text(encoding="utf-8")
    parsed = list(parse_dailypapers(text, path=str(path), on_error=lambda e: None))
    assert parsed == _read(path)[0]


def test_title_without_abstract_in_the_middle_is_a_bad_entry():
    text = "Daily Papers\n\nNov 4\n\nLonely Title\n\n  • 3 authors\n·\nOct 3\n\nNext Title\n\nIts abstract.\n"
    with pytest.raises(InputError) as e:
        list(parse_dailypapers(text, path="page.txt"))
    assert e.value.line == 5 and "Lonely Title" in str(e.value) and "no abstract" in str(e.value)
    skipped = []
    papers = list(parse_dailypapers(text, path="page.txt", skip_bad=True, on_error=skipped.append))
    assert [p.title for p in papers] == ["Next Title"] and len(skipped) == 1


def test_second_page_date_heads_later_entries():
    text = ("Daily Papers\n\nNov 4\n\nT1\n\nA1 is long enough.\n\n  • 2 authors\n·\nOct 3\n\n"
            "Subscribe\n\nNov 5\n\nT2\n\nA2 is long enough.\n")
    papers = list(parse_dailypapers(text))
    assert [(p.title, p.page_date, p.date) for p in papers] == [("T1", "Nov 4", "Oct 3"), ("T2", "Nov 5", None)]


def test_text_with_no_entries_is_an_error():
    with pytest.raises(InputError, match="no papers found"):
        list(parse_dailypapers("Daily Papers\n\nSubscribe\n", path="x.txt"))


def test_example_corpus(examples):
    from kg.sources import iter_records, read_papers

    sightings = list(iter_records(examples / "papers.txt", on_error=_no_skip))
    papers = list(read_papers(examples / "papers.txt", on_error=_no_skip))
    assert len(sightings) == 32 and len(papers) == 31
    (bert,) = [p for p in papers if p.title.startswith("BERT:")]
    assert [s.position for s in bert.sources] == [2, 32]
    assert bert.abstract == sightings[1].abstract  # the first sighting's text is kept
    assert all(p.page_date == "Mar 1" and p.abstract.count(". ") >= 2 for p in papers)
    assert [p.title for p in papers if p.n_authors is None] == [
        "Highly accurate protein structure prediction with AlphaFold"]


def _no_skip(error):
    raise AssertionError(f"unexpected skip: {error}")


def test_cr_only_line_ends_read_like_plain_text(fixtures, tmp_path):
    # issue 12, case 4: a page saved with CR-only line ends was one line: 0 papers, exit 0
    for name in ("daily_lines.txt", "daily_blocks.txt"):
        text = (fixtures / "sources" / name).read_text(encoding="utf-8")
        odd = tmp_path / name
        odd.write_bytes(text.replace("\n", "\r").encode())
        plain = [(p.title, p.abstract, p.date, p.upvotes) for p in _read(fixtures / "sources" / name)[0]]
        assert len(plain) >= 3
        assert [(p.title, p.abstract, p.date, p.upvotes) for p in _read(odd)[0]] == plain
        assert [p.sources[0].line for p in _read(odd)[0]] == [p.sources[0].line for p in
                                                               _read(fixtures / "sources" / name)[0]]


def test_page_giving_no_paper_is_an_error_naming_the_file(tmp_path):
    # issue 12, case 4: entries found but none read (here: one cut off) was silence and exit 0
    from kg.sources import iter_records

    page = tmp_path / "page.txt"
    page.write_text("Daily Papers\n\nNov 4\n\nA Title Whose Abstract Was Cut Off\n")
    with pytest.raises(InputError) as e:
        list(read_dailypapers(page, on_error=lambda e: None))
    assert e.value.path == str(page) and "no papers read" in e.value.problem
    skipped = []
    assert list(iter_records(page, skip_bad=True, on_error=skipped.append)) == []
    assert [("cut off" in s.problem, "no papers read" in s.problem) for s in skipped] == [
        (True, False), (False, True)]


def test_huge_counts_do_not_crash():
    # found by tests/test_fuzz_sources.py: int() refuses more than 4300 digits (ValueError)
    text = ("Daily Papers\n\nNov 4\n\nA Title\n\nAn abstract that is long enough.\n\n"
            f"  • {'9' * 5000} authors\n·\nOct 3 {'1' * 5000}\n")
    (p,) = parse_dailypapers(text, path="page.txt")
    assert (p.title, p.n_authors, p.date, p.upvotes) == ("A Title", None, "Oct 3", None)


def test_title_that_cleaning_empties_is_a_bad_entry():
    # "\emph{}" cleans to "": such titles all got the id of the empty title key
    text = "Daily Papers\n\nNov 4\n\n\\emph{}\n\nAn abstract.\n\nNext Title\n\nIts abstract.\n"
    with pytest.raises(InputError, match="has no text once LaTeX"):
        list(parse_dailypapers(text, path="page.txt"))
    skipped = []
    papers = list(parse_dailypapers(text, path="page.txt", skip_bad=True, on_error=skipped.append))
    assert [p.title for p in papers] == ["Next Title"] and skipped[0].line == 5
