"""Property-based tests of the readers: random bytes and random records in every input format.

Whatever a file holds, a reader yields Papers or raises a KGError (an InputError naming the
file), never anything else; with ``skip_bad`` it never raises; the same input gives the same
output; every Paper it yields can be written as UTF-8 JSON, as ``kg papers`` does.

The default run is seeded (``derandomize``) and small. ``pytest -m fuzz tests/test_fuzz_sources.py``
runs the same properties with many more examples and a fixed seed (``KG_FUZZ_SEED`` changes it,
``KG_FUZZ_EXAMPLES`` the count).
"""

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from kg.errors import InputError, KGError
from kg.records import Paper
from kg.sources import (
    READERS,
    iter_records,
    parse_arxiv_atom,
    parse_arxiv_snapshot,
    parse_csv,
    parse_dailypapers,
    parse_hf_api,
    parse_json,
    parse_jsonl,
    read_papers,
)

QUICK = settings(max_examples=12, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG = settings(QUICK, max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "600")), derandomize=False)
FUZZ_SEED = int(os.environ.get("KG_FUZZ_SEED", "20240612"))
SUFFIX = {"dailypapers": ".txt", "jsonl": ".jsonl", "json": ".json", "csv": ".csv",
          "arxiv-atom": ".xml", "arxiv-snapshot": ".jsonl", "hf-api": ".json"}


@pytest.fixture(autouse=True)
def _long_runs_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("fuzz") and "fuzz" not in (request.config.option.markexpr or ""):
        pytest.skip("a long fuzz run: select it with -m fuzz")


# text and JSON values ---------------------------------------------------------------------

WORDS = ("graph", "neural", "Attention", "is", "all", "you", "need", "LLaVA-1.5", "ImageNet", "的",
         "模型", "α-Divergence", "Привет", "😀", "Déjà", "ß", "\\textbf{Bold}", "--", "15\\%", "e.g.", ":")
_SURROGATE = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
_odd_text = st.lists(st.one_of(st.text(max_size=8), _SURROGATE), max_size=4).map("".join)
TEXT = st.one_of(_words, _words, st.text(max_size=30), _odd_text)
XML_TEXT = st.one_of(_words, _words, st.text(max_size=30), st.just("&e;"))  # XML has no surrogates


class Raw(str):
    """A JSON fragment written as it is: numbers and nestings json.dumps will not write."""


RAW = st.sampled_from([Raw(x) for x in (
    "1" + "0" * 5000, "1e999", "-1e999", "NaN", "-Infinity", "1.0", "3.5", "-1", "true",
    '"\\ud800"', '"\\udfff x"', '"\\u0000"', "[" * 3000 + "]" * 3000, '{"a":' * 1500 + "1" + "}" * 1500,
)])
_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON = st.recursive(_scalar, lambda c: st.lists(c, max_size=3) | st.dictionaries(TEXT, c, max_size=3),
                    max_leaves=8)
ANY = st.one_of(JSON, RAW)


def dumps(value: Any) -> str:
    """JSON text of ``value``; Raw fragments inserted as they are, lone surrogates escaped."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def tidy_record(fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...],
                tidy: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A JSON object with good values (from ``tidy``, else from ``fields``), optional ones absent or not."""
    good = {k: tidy.get(k, v) for k, v in fields.items()}
    return st.fixed_dictionaries({k: good[k] for k in required},
                                 optional={k: v for k, v in good.items() if k not in required})


def messy_record(fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A JSON object with plausible values for ``fields``, often of another type or absent."""
    def messy(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(plausible, plausible, plausible, ANY)
    return st.fixed_dictionaries({k: messy(fields[k]) for k in required},
                                 optional={k: messy(v) for k, v in fields.items() if k not in required})


def record(fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...],
           tidy: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Half the time a tidy record, else a messy one."""
    return st.one_of(tidy_record(fields, required, tidy), messy_record(fields, required))


GOOD_IDS = st.sampled_from(["2305.12345", "arXiv:2305.12345v2", "hep-th/9901001", "2401.00001"])
ARXIV_IDS = st.one_of(GOOD_IDS, st.sampled_from(["10.48550/arXiv.2401.00001", "https://arxiv.org/abs/1706.03762",
                                                 "not-an-id", "", "2305.1234567"]))
GOOD_URLS = st.sampled_from(["https://github.com/a/b", "http://example.org/x", "https://huggingface.co/d/e"])
URLS = st.one_of(GOOD_URLS, st.sampled_from(["ftp://x", "https://a@b@c/x", "https://github.com:abc/a/b",
                                             "github.com/x/y"]))
COUNTS = st.integers(min_value=0, max_value=10**6)
INTS = st.one_of(st.integers(min_value=-2, max_value=10**6), st.integers())
TEXTS = st.lists(TEXT, max_size=3)
WORD_LISTS = st.lists(_words, max_size=3)
_SOURCE = {"path": TEXT, "format": TEXT, "position": INTS, "line": INTS}
_TIDY_SOURCE = {"path": _words, "format": _words, "position": COUNTS.map(lambda n: n + 1),
                "line": COUNTS.map(lambda n: n + 1)}
PAPER_FIELDS = {
    "title": TEXT, "abstract": TEXT, "id": ARXIV_IDS, "arxiv_id": ARXIV_IDS, "doi": TEXT, "url": URLS,
    "authors": st.one_of(TEXTS, TEXT), "n_authors": INTS, "date": TEXT, "page_date": TEXT, "repo": URLS,
    "repos": st.lists(URLS, max_size=2), "upvotes": INTS, "categories": TEXTS, "keywords": TEXTS,
    "raw_title": TEXT, "raw_abstract": TEXT,
    "sources": st.lists(record(_SOURCE, ("path", "format", "position"), _TIDY_SOURCE), max_size=2),
}
TIDY_PAPER = {"title": _words, "abstract": _words, "id": GOOD_IDS, "arxiv_id": GOOD_IDS, "doi": _words,
              "url": GOOD_URLS, "authors": st.one_of(WORD_LISTS, _words), "n_authors": COUNTS, "date": _words,
              "page_date": _words, "repo": GOOD_URLS, "repos": st.lists(GOOD_URLS, max_size=2),
              "upvotes": COUNTS, "categories": WORD_LISTS, "keywords": WORD_LISTS, "raw_title": _words,
              "raw_abstract": _words,
              "sources": st.lists(tidy_record(_SOURCE, ("path", "format", "position"), _TIDY_SOURCE), max_size=2)}
GOOD_DATES = st.sampled_from(["Mon, 2 Apr 2007 19:18:42 GMT", "2023-06-01", "2024-01-31T00:00:00.000Z"])
DATES = st.one_of(GOOD_DATES, st.sampled_from(["Tue, 31 Feb 2023 99:00:00 +9999", "",
                                               "Wed, 1 Jan 10000 00:00:00 GMT"]), TEXT)
SNAPSHOT_FIELDS = {
    "id": ARXIV_IDS, "title": TEXT, "abstract": TEXT, "authors": TEXT, "submitter": TEXT, "doi": TEXT,
    "authors_parsed": st.lists(st.lists(TEXT, max_size=4), max_size=3), "categories": TEXT,
    "versions": st.lists(record({"version": TEXT, "created": DATES}, (), {"version": _words, "created": GOOD_DATES}),
                         max_size=2),
    "update_date": DATES, "journal-ref": TEXT,
}
TIDY_SNAPSHOT = {"id": GOOD_IDS, "title": _words, "abstract": _words, "authors": _words, "submitter": _words,
                 "doi": _words, "authors_parsed": st.lists(st.lists(_words, max_size=3), max_size=3),
                 "categories": _words, "update_date": GOOD_DATES, "journal-ref": _words}
HF_PAPER_FIELDS = {
    "id": ARXIV_IDS, "title": TEXT, "summary": TEXT, "upvotes": INTS, "ai_keywords": TEXTS,
    "authors": st.lists(st.one_of(record({"name": TEXT, "_id": TEXT}, (), {"name": _words, "_id": _words}), TEXT),
                        max_size=3),
    "publishedAt": DATES, "githubRepo": URLS, "projectPage": URLS,
}
TIDY_HF = {"id": GOOD_IDS, "title": _words, "summary": _words, "upvotes": COUNTS, "ai_keywords": WORD_LISTS,
           "publishedAt": GOOD_DATES, "githubRepo": GOOD_URLS, "projectPage": GOOD_URLS}
HF_TIDY_ENTRY = st.one_of(
    tidy_record({"paper": tidy_record(HF_PAPER_FIELDS, ("id", "title", "summary"), TIDY_HF),
                 "publishedAt": GOOD_DATES}, ("paper",), {}),
    tidy_record(HF_PAPER_FIELDS, ("title", "summary"), TIDY_HF))
HF_ENTRY = st.one_of(record({"paper": record(HF_PAPER_FIELDS, ("id", "title", "summary"), TIDY_HF),
                             "publishedAt": DATES}, ("paper",), {"publishedAt": GOOD_DATES}),
                     record(HF_PAPER_FIELDS, ("title", "summary"), TIDY_HF), ANY)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


# files of each format ---------------------------------------------------------------------

@st.composite
def mutated(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """UTF-8 of a drawn text, now and then cut short or with a few random bytes spliced in."""
    data = draw(text).encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["as is"] * 8 + ["cut", "splice"]))
    if how == "cut" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "splice":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


@st.composite
def json_lines(draw: st.DrawFn, item: st.SearchStrategy[Any]) -> str:
    line = item.map(dumps)
    if draw(st.booleans()):  # tidy: JSON on every line, each ending in LF or CRLF (not CR alone)
        lines = draw(st.lists(line, min_size=1, max_size=5))
        end = draw(st.sampled_from(["\n", "\r\n"]))
        return end.join(lines) + end
    lines = draw(st.lists(st.one_of(line, line, TEXT), min_size=1, max_size=5))
    return draw(LINE_ENDS).join(lines) + draw(st.sampled_from(["", "\n"]))


@st.composite
def json_array(draw: st.DrawFn, tidy: st.SearchStrategy[Any], item: st.SearchStrategy[Any]) -> str:
    items = draw(st.lists(tidy if draw(st.booleans()) else item, max_size=5))
    return "[" + draw(st.sampled_from([",", ",\n", " ,\r\n"])).join(map(dumps, items)) + "]\n"


CSV_COLUMNS = ("title", "abstract", "authors", "upvotes", "n_authors", "repos", "repo", "date", "url", "id")
CSV_CELLS = {"title": _words, "abstract": _words, "authors": WORD_LISTS.map("; ".join),
             "upvotes": COUNTS.map(str), "n_authors": COUNTS.map(str), "repos": GOOD_URLS, "repo": GOOD_URLS,
             "date": _words, "url": GOOD_URLS, "id": GOOD_IDS}


@st.composite
def csv_file(draw: st.DrawFn) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(LINE_ENDS))
    if draw(st.booleans()):  # tidy: written as a spreadsheet would
        extra = draw(st.lists(st.sampled_from(CSV_COLUMNS[2:]), unique=True, max_size=4))
        columns = draw(st.permutations(["title", "abstract", *extra]))
        rows = draw(st.lists(st.tuples(*(CSV_CELLS[c] for c in columns)), max_size=4))
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue()
    columns = draw(st.lists(st.one_of(st.sampled_from(CSV_COLUMNS), TEXT), min_size=1, max_size=5))
    cell = st.one_of(TEXT, INTS.map(str), URLS, st.sampled_from(["", '"', 'a"b', "x,y", "a\nb", "a\rb", "1" * 5000]))
    rows = draw(st.lists(st.lists(cell, min_size=len(columns) - 1, max_size=len(columns) + 1), max_size=4))
    if draw(st.booleans()):
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue()
    end = draw(LINE_ENDS)  # written by hand: nothing quoted
    return end.join(",".join(r) for r in [columns, *rows]) + end


DAILY_UNITS = st.one_of(
    st.sampled_from(["Daily Papers", "Subscribe", "new", "byAK and the research community", "Nov 4", "Oct 3 12",
                     "Jan 31, 2024", "May 2 1", "• 6 authors", "· 1 author", "·", "•", "|",
                     "Nov 4 " + "9" * 5000, "• " + "9" * 5000 + " authors", "Subscribe\u00a0", "Subscribe" + "x" * 3]),
    _words.map(lambda t: "Subscribe" + t), _words, _words, _words,
    st.lists(_words, min_size=4, max_size=12).map(". ".join), TEXT)
ABSTRACTS = st.lists(_words, min_size=4, max_size=12).map(lambda ws: ". ".join(ws) + ".")
META = st.lists(st.sampled_from(["  • 6 authors", "·", "Oct 3", "May 2 1", "Jan 31, 2024 17"]), max_size=3)


@st.composite
def daily_page(draw: st.DrawFn, blocks: bool) -> str:
    end = draw(LINE_ENDS)
    if draw(st.booleans()):  # messy: any units in any order
        units = draw(st.lists(DAILY_UNITS, min_size=1, max_size=14))
    elif blocks:  # tidy block layout: header, page date, then title, abstract, metadata
        units = ["Daily Papers", "byAK and the research community", draw(st.sampled_from(["Nov 4", "Mar 1"]))]
        for title, abstract, meta in draw(st.lists(st.tuples(_words, ABSTRACTS, META), min_size=1, max_size=4)):
            units += [title, abstract, *meta]
    else:  # tidy line layout: the first title glued to "Subscribe", then title and abstract lines
        pairs = draw(st.lists(st.tuples(_words, ABSTRACTS), min_size=1, max_size=4))
        units = ["Get trending papers in your email inbox once a day!"]
        for i, (title, abstract) in enumerate(pairs):
            units += ["Subscribe" * (i == 0) + title, abstract]
    return (end * 2 if blocks else end).join(units) + end


ATOM_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<feed xmlns="http://www.w3.org/2005/Atom" '
             'xmlns:arxiv="http://arxiv.org/schemas/atom">\n')


@st.composite
def atom_feed(draw: st.DrawFn) -> str:
    def el(tag: str, text: str, **attrs: str) -> str:
        a = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        return f"<{tag}{a}>{escape(text)}</{tag}>"

    text = XML_TEXT
    child = st.one_of(
        st.tuples(st.just("id"), st.one_of(ARXIV_IDS.map(lambda i: f"http://arxiv.org/abs/{i}v1"),
                                           st.just("http://arxiv.org/api/errors#x"), text)),
        st.tuples(st.sampled_from(["title", "summary", "published", "arxiv:doi"]), text),
        st.tuples(st.just("author"), text.map(lambda t: el("name", t))),
        st.tuples(st.sampled_from(["category", "arxiv:primary_category", "link"]), text))
    tidy = st.tuples(st.tuples(st.just("id"), GOOD_IDS.map(lambda i: f"http://arxiv.org/abs/{i}v1")),
                     st.tuples(st.just("title"), _words), st.tuples(st.just("summary"), ABSTRACTS)).map(list)
    entries = []
    for children in draw(st.lists(st.one_of(tidy, st.lists(child, max_size=7)), max_size=3)):
        parts = []
        for tag, value in children:
            if tag == "author":
                parts.append(f"<author>{value}</author>")
            elif tag in ("category", "arxiv:primary_category"):
                parts.append(f"<{tag} term={quoteattr(value)}/>")
            elif tag == "link":
                parts.append(f'<link title="doi" href={quoteattr(value)}/>')
            else:
                parts.append(el(tag, value))
        entries.append("<entry>" + "".join(parts) + "</entry>")
    doctype = draw(st.sampled_from(["", '<!DOCTYPE feed [<!ENTITY e "an entity">]>\n']))
    return ATOM_HEAD.format(doctype=doctype) + "\n".join(entries) + "\n</feed>\n"


FILES: dict[str, tuple[str, st.SearchStrategy[bytes]]] = {
    "dailypapers-lines": ("dailypapers", mutated(daily_page(blocks=False))),
    "dailypapers-blocks": ("dailypapers", mutated(daily_page(blocks=True))),
    "jsonl": ("jsonl", mutated(json_lines(record(PAPER_FIELDS, ("title", "abstract"), TIDY_PAPER)))),
    "json": ("json", mutated(json_array(tidy_record(PAPER_FIELDS, ("title", "abstract"), TIDY_PAPER),
                                        st.one_of(record(PAPER_FIELDS, ("title", "abstract"), TIDY_PAPER), ANY)))),
    "csv": ("csv", mutated(csv_file())),
    "arxiv-atom": ("arxiv-atom", mutated(atom_feed())),
    "arxiv-snapshot": ("arxiv-snapshot",
                       mutated(json_lines(record(SNAPSHOT_FIELDS, ("id", "title", "abstract"), TIDY_SNAPSHOT)))),
    "hf-api": ("hf-api", mutated(json_array(HF_TIDY_ENTRY, HF_ENTRY))),
}
assert {fmt for fmt, _ in FILES.values()} == set(READERS)


# the properties ---------------------------------------------------------------------------

def _outcome(papers: Iterator[Paper]) -> tuple[list[Paper], str | None]:
    """The papers read before the first error, and that error."""
    got: list[Paper] = []
    try:
        for p in papers:
            got.append(p)
    except KGError as e:  # anything else is a crash and fails the test
        assert "\n" not in str(e), f"error not on one line: {e!r}"
        str(e).encode("utf-8")  # printable on stderr
        return got, f"{type(e).__name__}: {e}"
    return got, None


def _writable(paper: Paper) -> None:
    assert isinstance(paper, Paper) and paper.title.strip() and paper.id
    json.dumps(paper.to_dict(), ensure_ascii=False).encode("utf-8")  # as kg papers writes it


PARSERS: dict[str, Callable[..., Iterator[Paper]]] = {
    "dailypapers": parse_dailypapers, "jsonl": parse_jsonl, "json": parse_json, "csv": parse_csv,
    "arxiv-atom": parse_arxiv_atom, "arxiv-snapshot": parse_arxiv_snapshot, "hf-api": parse_hf_api}


def check_file(data: bytes, fmt: str | None) -> None:
    """Every property on one file's bytes, read with ``fmt`` (None: detected)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{SUFFIX.get(fmt or '', '.dat')}"
        path.write_bytes(data)
        if fmt is not None:
            check_parse_agrees(data, path, fmt)
        strict = _outcome(iter_records(path, fmt))
        event(f"{fmt or 'detected'}: {'papers' if strict[0] else 'no paper'}, "
              f"{strict[1].split(':')[0] if strict[1] else 'no error'}")
        assert _outcome(iter_records(path, fmt)) == strict  # same input, same output
        for paper in strict[0]:
            _writable(paper)
        if strict[1] is not None:
            assert strict[1].startswith("InputError") or strict[1].startswith("FormatError")
        skipped: list[InputError] = []
        lenient = list(iter_records(path, fmt, skip_bad=True, on_error=skipped.append))  # never raises
        for paper in lenient:
            _writable(paper)
        assert all(isinstance(e, InputError) and "\n" not in str(e) for e in skipped)
        assert all(str(e).encode("utf-8") for e in skipped)
        assert strict[0] == lenient[: len(strict[0])]  # skipping changes nothing before the first error
        if strict[1] is None:
            assert lenient == strict[0]
        merged = list(read_papers(path, fmt, skip_bad=True, on_error=lambda e: None))
        assert len(merged) <= len(lenient)


def check_parse_agrees(data: bytes, path: Path, fmt: str) -> None:
    """parse_x(text) reads what read_x(path) reads, when the bytes are UTF-8 text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if "\x00" in text:  # refused by the file readers only: a string has no "binary" to refuse
        return
    read = _outcome(READERS[fmt](path))
    parsed = _outcome(PARSERS[fmt](data if fmt == "arxiv-atom" else text, path=str(path)))
    assert parsed == read


CASES = sorted(FILES)


@pytest.mark.parametrize("case", CASES)
@QUICK
@given(data=st.data())
def test_random_records_in_every_format(case: str, data: st.DataObject) -> None:
    fmt, files = FILES[case]
    drawn = data.draw(files)
    check_file(drawn, fmt)
    check_file(drawn, None)


@pytest.mark.parametrize("fmt", [*READERS, None])
@QUICK
@given(data=st.binary(max_size=300))
def test_random_bytes_in_every_format(fmt: str | None, data: bytes) -> None:
    check_file(data, fmt)


@pytest.mark.fuzz
@pytest.mark.parametrize("case", CASES)
@seed(FUZZ_SEED)
@LONG
@given(data=st.data())
def test_random_records_long(case: str, data: st.DataObject) -> None:
    fmt, files = FILES[case]
    drawn = data.draw(files)
    check_file(drawn, fmt)
    check_file(drawn, None)


@pytest.mark.fuzz
@pytest.mark.parametrize("fmt", [*READERS, None])
@seed(FUZZ_SEED)
@LONG
@given(data=st.binary(max_size=2000))
def test_random_bytes_long(fmt: str | None, data: bytes) -> None:
    check_file(data, fmt)
