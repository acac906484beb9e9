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
