"""Streaming over a JSON array: elements cut by chunk boundaries, line numbers."""

import json

import pytest

from kg.errors import InputError
from kg.sources import iter_records
from kg.sources.jsonstream import iter_array


def _chunked(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_elements_and_lines_survive_any_chunking(size):
    items = [{"title": f"T{i}", "n": i * 1234567} for i in range(5)] + [12345678, "x", [1, 2]]
    text = "[\n" + ",\n\n".join(json.dumps(x) for x in items) + "\n]\n"
    got = list(iter_array(_chunked(text, size), "a.json"))
    assert [v for _, v in got] == items
    assert [n for n, _ in got] == [2, 4, 6, 8, 10, 12, 14, 16]


@pytest.mark.parametrize("text, problem", [
    ("[1, 2", "truncated JSON"),
    ('[{"a": 1} {"b": 2}]', "expected ','"),
    ("[1] 2", "extra data"),
    ("[1, @]", "invalid JSON"),
])
def test_malformed_arrays(text, problem):
    with pytest.raises(InputError, match=problem):
        list(iter_array(_chunked(text, 3), "a.json"))


def test_large_array_file_streams(tmp_path):
    # more than one read chunk (64 KiB): elements straddle the boundaries
    records = [{"title": f"Paper {i}", "abstract": "word " * 50} for i in range(800)]
    f = tmp_path / "big.json"
    f.write_text(json.dumps(records, indent=1))
    papers = iter_records(f)
    assert next(papers).title == "Paper 0"
    assert sum(1 for _ in papers) == 799


GOOD = {"jsonl": '{"title": "Good", "abstract": "Fine."}',
        "json": '{"title": "Good", "abstract": "Fine."}',
        "arxiv-snapshot": '{"id": "0704.0001", "title": "Good", "abstract": "Fine."}',
        "hf-api": '{"paper": {"id": "2401.00001", "title": "Good", "summary": "Fine."}}'}
BAD_SURROGATE = {"jsonl": '{"title": "Bad \\ud800", "abstract": "x"}',
                 "json": '{"title": "T", "abstract": "x", "authors": ["A \\udfff"]}',
                 "arxiv-snapshot": '{"id": "0704.0002", "title": "T", "abstract": "\\ud800"}',
                 "hf-api": '{"paper": {"id": "2401.00002", "title": "T", "summary": "S", '
                           '"authors": [{"name": "\\udc00"}]}}'}
FIELD = {"jsonl": "title", "json": "authors.0", "arxiv-snapshot": "abstract", "hf-api": "paper.authors.0.name"}


def _write(tmp_path, fmt, records):
    if fmt in ("json", "hf-api"):
        text = "[\n" + ",\n".join(records) + "\n]\n"
    else:
        text = "\n".join(records) + "\n"
    path = tmp_path / ("in.json" if fmt in ("json", "hf-api") else "in.jsonl")
    path.write_text(text, encoding="ascii")
    return path


@pytest.mark.parametrize("fmt", list(GOOD))
def test_lone_surrogate_is_a_bad_record(tmp_path, fmt):
    # issue 12, case 6: "\ud800" decoded into a str no UTF-8 file can hold: papers, extract
    # and build crashed writing it, and --skip-bad could not skip the record
    path = _write(tmp_path, fmt, [GOOD[fmt], BAD_SURROGATE[fmt], GOOD[fmt].replace("Good", "Also good")
                                  .replace("0001", "0003")])
    with pytest.raises(InputError) as e:
        list(iter_records(path, fmt))
    assert e.value.path == str(path) and e.value.line == 3 - (fmt not in ("json", "hf-api"))
    assert repr(FIELD[fmt]) in e.value.problem and "surrogate" in e.value.problem
    assert "\n" not in str(e.value)
    skipped = []
    papers = list(iter_records(path, fmt, skip_bad=True, on_error=skipped.append))
    assert [p.title for p in papers] == ["Good", "Also good"] and len(skipped) == 1
    for p in papers:
        json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8")


def test_lone_surrogate_record_is_skipped_by_the_cli(tmp_path, capsys):
    from kg.cli.main import main

    path = _write(tmp_path, "jsonl", [BAD_SURROGATE["jsonl"], GOOD["jsonl"]])
    out = tmp_path / "papers.jsonl"
    assert main(["papers", str(path), "-o", str(out)]) == 2
    assert "field 'title' holds a lone surrogate" in capsys.readouterr().err and not out.exists()
    assert main(["papers", str(path), "--skip-bad", "-o", str(out)]) == 0
    assert [json.loads(line)["title"] for line in out.read_text().splitlines()] == ["Good"]


HUGE = "1" + "0" * 5000  # json.loads hands it to int(), which refuses more than 4300 digits
DEEP = "[" * 5000 + "]" * 5000  # deeper than json's recursion limit


@pytest.mark.parametrize("fmt", list(GOOD))
@pytest.mark.parametrize("value, problem", [(HUGE, "too many digits"), (DEEP, "nested too deeply")])
def test_huge_numbers_and_deep_nesting_are_bad_records(tmp_path, fmt, value, problem):
    # found by tests/test_fuzz_sources.py: a raw ValueError (or a RecursionError that lost the
    # whole file) from json, in the readers and in format detection
    bad = GOOD[fmt].replace('"Good"', value)
    path = _write(tmp_path, fmt, [bad, GOOD[fmt]])
    with pytest.raises(InputError) as e:
        list(iter_records(path))  # detected: detection reads the first line too
    assert e.value.line == 1 + (fmt in ("json", "hf-api")) and problem in e.value.problem
    if fmt in ("jsonl", "arxiv-snapshot"):  # a line is skipped; an array cannot be followed past it
        skipped = []
        assert [p.title for p in iter_records(path, fmt, skip_bad=True, on_error=skipped.append)] == ["Good"]
        assert len(skipped) == 1


def test_parsed_lines_split_where_file_lines_do():
    # U+2028 is a line separator to str.splitlines but a plain character inside a JSON string
    from kg.sources import parse_jsonl

    (p,) = parse_jsonl('{"title": "A\u2028B", "abstract": "x"}\n')
    assert p.raw_title == "A\u2028B"
