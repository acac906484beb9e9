"""arXiv API Atom responses and the arXiv metadata snapshot."""

import pytest

from kg.errors import InputError
from kg.sources import parse_arxiv_atom, parse_arxiv_snapshot, read_arxiv_atom, read_arxiv_snapshot


def test_atom_entries(fixtures):
    papers = list(read_arxiv_atom(fixtures / "sources" / "arxiv_atom.xml"))
    new, old = papers
    assert new.id == "arxiv:2305.12345" and new.arxiv_id == "2305.12345"
    assert new.title == "Graph Probes: What Message Passing Networks Remember"  # wrapped title joined
    assert new.abstract == "The arXiv version of the paper, with a summary wrapped over lines."
    assert new.authors == ("Ada Lovelace", "Alan Turing") and new.n_authors == 2
    assert new.doi == "10.1000/probe.2023" and new.date == "2023-05-20"
    assert new.categories == ("cs.LG", "cs.SI")
    assert new.url == "http://arxiv.org/abs/2305.12345v2"
    assert old.arxiv_id == "hep-th/9901001"
    assert old.doi == "10.1000/old.1999"  # from <link title="doi"> when <arxiv:doi> is absent
    assert [(s.format, s.position) for p in papers for s in p.sources] == [("arxiv-atom", 1), ("arxiv-atom", 2)]


def test_atom_entry_without_summary_is_bad():
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
            '<title>T</title></entry><entry><id>http://arxiv.org/abs/2401.00002v1</id><title>U</title>'
            '<summary>S</summary></entry></feed>')
    with pytest.raises(InputError, match="entry 1 .*summary"):
        list(parse_arxiv_atom(feed, path="q.xml"))
    skipped = []
    assert [p.title for p in parse_arxiv_atom(feed, skip_bad=True, on_error=skipped.append)] == ["U"]
    assert len(skipped) == 1


def test_atom_api_error_feed():
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#x</id>'
            '<title>Error</title><summary>incorrect id format for 1234</summary></entry></feed>')
    with pytest.raises(InputError, match="arXiv API error: incorrect id format"):
        list(parse_arxiv_atom(feed, path="q.xml", skip_bad=True))


def test_truncated_atom_names_line():
    feed = '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<id>x</id>\n<title>T'
    with pytest.raises(InputError) as e:
        list(parse_arxiv_atom(feed, path="q.xml"))
    assert e.value.line == 4 and "invalid XML" in e.value.problem


def test_snapshot_records(fixtures):
    old, new = read_arxiv_snapshot(fixtures / "sources" / "arxiv_snapshot.jsonl")
    assert old.id == "arxiv:0704.0001"
    assert old.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert old.abstract.startswith("A fully differential calculation")
    assert old.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert old.date == "2007-04-02" and old.doi == "10.1103/PhysRevD.76.013009"
    assert old.categories == ("hep-ph",) and old.sources[0].line == 1
    # no versions and no authors_parsed: update_date and the authors string are used
    assert new.date == "2023-06-01" and new.authors == ("Ada Lovelace", "Alan Turing")
    assert new.categories == ("cs.LG", "cs.SI")


def test_snapshot_record_without_abstract():
    text = '{"id": "0704.0002", "title": "T", "abstract": "A"}\n{"id": "0704.0003", "title": "T2"}\n'
    with pytest.raises(InputError) as e:
        list(parse_arxiv_snapshot(text, path="snap.jsonl"))
    assert e.value.line == 2 and "'abstract'" in e.value.problem


SNAPSHOT = {"id": "0704.0001", "title": "T", "abstract": "A.", "authors": "A. One and B. Two",
            "update_date": "2020-01-01", "categories": "cs.LG"}


@pytest.mark.parametrize("field, value, name", [
    ("authors", ["A. One"], "authors"),
    ("authors_parsed", 5, "authors_parsed"),
    ("authors_parsed", [5], "authors_parsed.0"),
    ("authors_parsed", [["One", 5]], "authors_parsed.0.1"),
    ("categories", ["cs.LG"], "categories"),
    ("versions", [5], "versions.0"),
    ("versions", [{"created": 5}], "versions.0.created"),
    ("update_date", 20200101, "update_date"),
    ("doi", ["10.1/x"], "doi"),
    ("title", ["T"], "title"),
    ("id", 704.0001, "id"),
])
def test_snapshot_field_of_the_wrong_type_is_a_bad_record(field, value, name):
    # issue 12, case 8: a list `authors`, an integer `authors_parsed` ... were tracebacks
    # (TypeError, AttributeError), even with --skip-bad
    import json

    bad = json.dumps({**SNAPSHOT, "id": "0704.0002", field: value})
    text = json.dumps(SNAPSHOT) + "\n" + bad + "\n"
    with pytest.raises(InputError) as e:
        list(parse_arxiv_snapshot(text, path="snap.jsonl"))
    assert str(e.value).startswith(f"snap.jsonl:2: record 2: field {name!r}")
    skipped = []
    assert [p.arxiv_id for p in parse_arxiv_snapshot(text, skip_bad=True, on_error=skipped.append)] == ["0704.0001"]
    assert len(skipped) == 1


def test_snapshot_authors_parsed_and_versions_are_read():
    import json

    record = {**SNAPSHOT, "authors_parsed": [["One", "A.", ""], ["Two", "B.", "Jr"], []],
              "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]}
    (p,) = parse_arxiv_snapshot(json.dumps(record))
    assert p.authors == ("A. One", "B. Two Jr") and p.date == "2007-04-02"
    record["versions"] = [{"created": "Mon, 2 Apr 99999 19:18:42 GMT"}]  # unreadable: update_date
    (p,) = parse_arxiv_snapshot(json.dumps(record))
    assert p.date == "2020-01-01"


def test_atom_errors_stay_on_one_line():
    # found by tests/test_fuzz_sources.py: an <id> or an API error's summary with a line break
    # made a two-line error message
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>0\n0</id><summary>S</summary></entry>'
            '<entry><id>http://arxiv.org/abs/2401.00002v1</id><title>U</title><summary>S</summary></entry></feed>')
    with pytest.raises(InputError) as e:
        list(parse_arxiv_atom(feed, path="q.xml"))
    assert str(e.value) == "q.xml: entry 1 (0 0): <title> is missing or empty"
    error_feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#x</id>'
                  '<title>Error</title><summary>incorrect id\nformat</summary></entry></feed>')
    with pytest.raises(InputError) as e:
        list(parse_arxiv_atom(error_feed, path="q.xml"))
    assert str(e.value) == "q.xml: arXiv API error: incorrect id format"


def test_atom_with_an_unknown_encoding_declaration():
    # found by tests/test_fuzz_sources.py (a long run): expat raised a raw LookupError
    feed = '<?xml version="1.0" encoding="AUTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n'
    with pytest.raises(InputError, match="invalid XML: unknown encoding: AUTF-8"):
        list(parse_arxiv_atom(feed, path="q.xml"))
