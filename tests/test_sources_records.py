"""JSONL, JSON array and CSV paper records, validated against the schema."""

import json
from typing import Any

import jsonschema
import pytest

from kg.errors import InputError
from kg.sources import (
    paper_schema,
    parse_csv,
    parse_json,
    parse_jsonl,
    read_csv,
    read_json,
    read_jsonl_papers,
)


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(paper_schema())


def test_jsonl_records(fixtures):
    papers = list(read_jsonl_papers(fixtures / "sources" / "records.jsonl"))
    assert [p.id for p in papers][0] == "arxiv:2305.12345"
    first, latex, third = papers
    assert first.authors == ("Ada Lovelace", "Alan Turing") and first.n_authors == 2
    assert first.repos == ("https://github.com/example/graph-probes",) and first.upvotes == 4
    assert latex.title == "Records With LaTeX In The Title"
    assert latex.raw_title == "Records With \\textbf{LaTeX} In The Title"
    assert latex.abstract == "Up to 15% better, said the abstract."
    # a DOI holding digits like an arXiv id does not make one
    assert latex.arxiv_id is None and latex.id.startswith("title:")
    assert third.arxiv_id == "1706.03762"  # from the arxiv.org URL
    assert [s.line for p in papers for s in p.sources] == [1, 2, 4]


def test_json_array_records(fixtures):
    papers = list(read_json(fixtures / "sources" / "records.json"))
    assert [(p.title, p.arxiv_id, p.authors, p.upvotes) for p in papers] == [
        ("First Array Record", "2401.00001", ("One Author", "Two Author"), None),
        ("Second Array Record", None, (), 0)]
    assert [p.sources[0].line for p in papers] == [2, 4]


def test_csv_records(fixtures):
    papers = list(read_csv(fixtures / "sources" / "records.csv"))
    first, second = papers
    assert first.abstract == 'An abstract with a comma, and "quotes".'
    assert first.authors == ("A. Author", "B. Author", "C. Author") and first.upvotes == 7
    assert first.repos == ("https://github.com/example/csv-paper",) and first.date == "2020-01-02"
    assert second.title == "A Title: With a Colon"
    assert second.abstract == "An abstract that spans two lines inside quotes."
    assert [p.sources[0].line for p in papers] == [2, 3]


@pytest.mark.parametrize("record, field", [
    ({"abstract": "no title"}, "title"),
    ({"title": "No abstract"}, "abstract"),
    ({"title": "   ", "abstract": "blank title"}, "title"),
    ({"title": "T", "abstract": "A", "upvotes": "many"}, "upvotes"),
    ({"title": "T", "abstract": "A", "repo": "github.com/x/y"}, "repo"),
    ({"title": "T", "abstract": "A", "arxiv_id": "not-an-id"}, "arxiv_id"),
])
def test_bad_record_names_line_and_field(record, field):
    text = json.dumps({"title": "Good", "abstract": "Fine."}) + "\n" + json.dumps(record) + "\n"
    with pytest.raises(InputError) as e:
        list(parse_jsonl(text, path="in.jsonl"))
    assert e.value.line == 2
    assert str(e.value).startswith("in.jsonl:2: record 2")
    assert repr(field) in str(e.value)


def test_skip_bad_reports_and_goes_on():
    text = '{"title": "A", "abstract": "x"}\n{"title": "B"}\nnot json\n{"title": "C", "abstract": "z"}\n'
    skipped = []
    papers = list(parse_jsonl(text, path="in.jsonl", skip_bad=True, on_error=skipped.append))
    assert [p.title for p in papers] == ["A", "C"]
    assert [e.line for e in skipped] == [2, 3]
    assert "invalid JSON" in str(skipped[1])


def test_truncated_json_array_names_line():
    text = '[\n {"title": "A", "abstract": "x"},\n {"title": "B", "abstr'
    it = parse_json(text, path="in.json")
    assert next(it).title == "A"  # what came before the cut is read
    with pytest.raises(InputError) as e:
        next(it)
    assert e.value.line == 3 and "truncated JSON" in e.value.problem


def test_json_that_is_not_an_array():
    with pytest.raises(InputError, match="expected a JSON array"):
        list(parse_json('{"title": "A", "abstract": "x"}', path="in.json"))


def test_csv_without_required_columns():
    with pytest.raises(InputError) as e:
        list(parse_csv("name,summary\nA,B\n", path="in.csv"))
    assert e.value.line == 1 and "title, abstract" in e.value.problem


def test_csv_ragged_row():
    text = "title,abstract\nA,x\nB,y,extra\n"
    with pytest.raises(InputError) as e:
        list(parse_csv(text, path="in.csv"))
    assert e.value.line == 3 and "3 cells" in e.value.problem


def test_kg_output_reads_back_unchanged(fixtures, tmp_path):
    papers = list(read_csv(fixtures / "sources" / "records.csv"))
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in papers), encoding="utf-8")
    assert list(read_jsonl_papers(out)) == papers


def test_csv_with_cr_only_line_ends(fixtures, tmp_path):
    # issue 12, case 8: a raw csv.Error ("new-line character seen in unquoted field") traceback
    text = (fixtures / "sources" / "records.csv").read_text(encoding="utf-8")
    odd = tmp_path / "mac.csv"
    odd.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r").encode())
    plain = list(read_csv(fixtures / "sources" / "records.csv"))
    got = list(read_csv(odd))
    assert [(p.title, p.abstract, p.authors, p.sources[0].line) for p in got] == \
        [(p.title, p.abstract, p.authors, p.sources[0].line) for p in plain]


def test_csv_with_a_line_break_in_an_unquoted_field(tmp_path):
    # issue 12, case 8: a CR inside an unquoted field was a raw csv.Error; it ends the row
    f = tmp_path / "in.csv"
    f.write_bytes(b"title,abstract\nA,x\ry\nB,z\n")
    with pytest.raises(InputError) as e:
        list(read_csv(f))
    assert (e.value.path, e.value.line) == (str(f), 3) and "1 cells" in e.value.problem
    skipped = []
    assert [p.title for p in read_csv(f, skip_bad=True, on_error=skipped.append)] == ["A", "B"]
    assert len(skipped) == 1


@pytest.mark.parametrize("where, line", [("header", 1), ("row", 2)])
def test_csv_error_is_a_one_line_input_error(tmp_path, where, line):
    huge = "x" * ((1 << 24) + 1)  # past the csv module's field limit: csv.Error
    f = tmp_path / "in.csv"
    f.write_text(f"title,{huge}\nA,x\n" if where == "header" else f"title,abstract\nA,{huge}\n")
    with pytest.raises(InputError) as e:
        list(read_csv(f))
    assert (e.value.path, e.value.line) == (str(f), line) and "invalid CSV" in e.value.problem
    assert "field larger than field limit" in str(e.value)


def test_csv_number_with_too_many_digits():
    # found by tests/test_fuzz_sources.py: int() refused the cell with a raw ValueError
    with pytest.raises(InputError) as e:
        list(parse_csv(f"title,abstract,upvotes\nA,x,{'9' * 5000}\n", path="in.csv"))
    assert e.value.line == 2 and "'upvotes'" in e.value.problem and len(str(e.value)) < 300


def test_integral_floats_are_read_as_integers():
    # the schema's "integer" admits 3.0: the Paper gets an int, as it would from 3
    (p,) = parse_jsonl('{"title": "T", "abstract": "A", "upvotes": 3.0, "n_authors": 2.0, '
                       '"sources": [{"path": "a.txt", "format": "dailypapers", "position": 1.0, "line": 4.0}]}')
    assert (p.upvotes, p.n_authors, p.sources[0].position, p.sources[0].line) == (3, 2, 1, 4)
    assert all(type(v) is int for v in (p.upvotes, p.n_authors, p.sources[0].position, p.sources[0].line))


def test_title_that_cleaning_empties_is_a_bad_record():
    # "\textbf{}" passes the schema's "not blank" but cleans to "": every such title had one id
    text = '{"title": "\\\\textbf{}", "abstract": "A"}\n{"title": "B", "abstract": "b"}\n'
    with pytest.raises(InputError) as e:
        list(parse_jsonl(text, path="in.jsonl"))
    assert e.value.line == 1 and "has no text" in e.value.problem
    assert [p.title for p in parse_jsonl(text, skip_bad=True, on_error=lambda e: None)] == ["B"]


def test_csv_header_with_a_line_break_gives_a_one_line_error():
    # found by tests/test_fuzz_sources.py: the quoted header cell was printed as it was
    with pytest.raises(InputError) as e:
        list(parse_csv('"ti\ntle",abstract\nA,x\n', path="in.csv"))
    assert "\n" not in str(e.value) and "'ti\\ntle'" in str(e.value)


def test_parse_json_takes_a_bom_as_read_json_does(tmp_path):
    # found by tests/test_fuzz_sources.py: read_json skipped a BOM, parse_json refused the text
    text = '\ufeff[{"title": "A", "abstract": "x"}]'
    f = tmp_path / "in.json"
    f.write_text(text, encoding="utf-8")
    assert [p.title for p in parse_json(text)] == [p.title for p in read_json(f)] == ["A"]


# ---------------------------------------------------------------- the validator's fast path

_VALUES = [None, "", " ", "x", "http://a", "https://b/c", "ftp://d", "x http://e", 0, 3, -1, 3.0, 2.5,
           True, False, [], ["a"], ["http://a", "https://b"], ["a", 1], [None], {}, {"a": 1},
           [{"path": "p", "format": "jsonl", "position": 1}],
           [{"path": "p", "format": "jsonl", "position": 2, "line": None}],
           [{"path": "p", "format": "jsonl", "position": 0}],
           [{"path": "p", "format": "jsonl", "position": 1, "line": 0}],
           [{"path": "p", "format": "jsonl", "position": 1, "extra": 1}],
           [{"path": "p", "position": 1}], [{"path": 1, "format": "f", "position": True}], ["p"]]


def _records() -> Any:
    from hypothesis import strategies as st

    keys = [*paper_schema()["properties"], "other"]
    return st.dictionaries(st.sampled_from(keys), st.sampled_from(_VALUES), max_size=8).map(
        lambda d: {"title": "A title", "abstract": "Text.", **d})


def test_plainly_valid_records_are_valid_by_the_schema():
    """The fast path only ever says valid what the validator says valid (hypothesis over the
    schema's fields and values of every JSON type), and says so of plain records."""
    from hypothesis import given, settings

    from kg.sources.records import _validator, plainly_valid

    validator = _validator()

    @settings(max_examples=3000, derandomize=True, deadline=None)
    @given(_records())
    def check(record: dict[str, Any]) -> None:
        if plainly_valid(record):
            assert validator.is_valid(record), record

    check()
    plain = {"id": "2401.00001", "title": "T", "abstract": "A.", "authors": ["A B"], "upvotes": 0,
             "url": "https://arxiv.org/abs/2401.00001", "date": None, "repos": ["https://github.com/a/b"],
             "categories": ["cs.CL"], "keywords": [], "raw_title": "T", "raw_abstract": "A.",
             "sources": [{"path": "p", "format": "jsonl", "position": 1, "line": 1}], "other": [1.5]}
    assert plainly_valid(plain) and plainly_valid({**plain, "authors": "A; B", "n_authors": None})


def test_the_fast_path_knows_every_field_of_the_schema():
    """A field added to the schema must be added to plainly_valid (else it would pass unchecked)."""
    from kg.sources import records

    known = {"title", "abstract", "authors", "repos", "sources", *records._TEXT_OR_NULL,
             *records._URL_OR_NULL, *records._COUNT_OR_NULL, *records._TEXTS, *records._TEXT}
    schema = paper_schema()
    assert set(schema["properties"]) == known
    assert schema["required"] == ["title", "abstract"] and schema["additionalProperties"] is True
    assert set(schema["properties"]["sources"]["items"]["properties"]) == records._SOURCE_KEYS
