"""Paper records as JSONL, a JSON array or CSV, checked against ``schemas/paper.schema.json``.

A record needs ``title`` and ``abstract``; ``id``, ``arxiv_id``, ``doi``, ``url``,
``authors`` (a list, or "A; B" in one string), ``date``, ``repo``/``repos``,
``upvotes`` and the other :class:`~kg.records.Paper` fields are optional, so the
JSONL that ``kg papers`` writes reads back as it was (its ``sources`` are kept).
"""

import csv
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from kg.errors import InputError
from kg.records import Paper, Source
from kg.sources.base import (
    ErrorCallback,
    ErrorPolicy,
    iter_lines,
    json_type,
    make_paper,
    strict_arxiv_id,
    text_lines,
    to_int,
)
from kg.sources.jsonstream import iter_array, iter_jsonl, read_array, read_jsonl

_CSV_LIST_SEP = ";"
_INT_FIELDS = ("upvotes", "n_authors")
_LIST_FIELDS = ("authors", "repos", "categories", "keywords")


@functools.cache
def paper_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one input paper record."""
    text = resources.files("kg.schemas").joinpath("paper.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(paper_schema())


# the schema's properties by kind, for plainly_valid; a test holds them to the schema
_NOT_BLANK = re.compile(r"\S")
_HTTP = re.compile(r"https?://")
_TEXT_OR_NULL = ("id", "arxiv_id", "doi", "date", "page_date")
_URL_OR_NULL = ("url", "repo")
_COUNT_OR_NULL = ("n_authors", "upvotes")
_TEXTS = ("categories", "keywords")
_TEXT = ("raw_title", "raw_abstract")
_SOURCE_KEYS = frozenset(("path", "format", "position", "line"))


def _count(value: object, least: int) -> bool:
    return type(value) is int and value >= least


def _plain_source(s: object) -> bool:
    return (type(s) is dict and _SOURCE_KEYS.issuperset(s) and type(s.get("path")) is str
            and type(s.get("format")) is str and _count(s.get("position"), 1)
            and (s.get("line") is None or _count(s["line"], 1)))


def plainly_valid(record: dict[str, Any]) -> bool:
    """True for a record that is valid in the plain way records are (exact JSON types,
    no integral floats); False means only that the schema validator has to decide.

    The validator takes about 30 times as long, and almost every record is plain.

    >>> plainly_valid({"title": "T", "abstract": "A.", "upvotes": 3}), plainly_valid({"title": " "})
    (True, False)
    """
    get = record.get
    title, abstract = get("title"), get("abstract")
    if not (type(title) is str and type(abstract) is str and _NOT_BLANK.search(title)
            and _NOT_BLANK.search(abstract)):
        return False
    for k in _TEXT_OR_NULL:
        if get(k) is not None and type(get(k)) is not str:
            return False
    for k in _URL_OR_NULL:
        v = get(k)
        if v is not None and not (type(v) is str and _HTTP.match(v)):
            return False
    for k in _COUNT_OR_NULL:
        if get(k) is not None and not _count(get(k), 0):
            return False
    for k in _TEXT:
        if k in record and type(record[k]) is not str:
            return False
    for k in _TEXTS:
        if k in record and not (type(record[k]) is list and all(type(x) is str for x in record[k])):
            return False
    if "authors" in record:
        authors = record["authors"]
        if not (type(authors) is str
                or type(authors) is list and all(type(x) is str for x in authors)):
            return False
    if "repos" in record and not (type(record["repos"]) is list and all(
            type(x) is str and _HTTP.match(x) for x in record["repos"])):
        return False
    return "sources" not in record or (type(record["sources"]) is list
                                       and all(map(_plain_source, record["sources"])))


def validation_problem(record: Any) -> str | None:
    """What is wrong with a record, naming the field, or None when it is valid."""
    if type(record) is dict and plainly_valid(record):
        return None
    errors = sorted(_validator().iter_errors(record), key=lambda e: (list(e.absolute_path), e.message))
    if not errors:
        return None
    e = errors[0]
    if e.validator == "required":
        missing = [k for k in e.validator_value if k not in e.instance]
        return f"field {missing[0]!r} is required"
    message = str(e.message) if len(e.message) <= 200 else e.message[:200] + "..."
    if not e.absolute_path:
        return message
    name = ".".join(str(p) for p in e.absolute_path)
    return f"field {name!r}: {message}"


def _integer(value: Any) -> Any:
    """An integer the schema accepted as such ("integer" admits 3.0) as an int."""
    return int(value) if isinstance(value, float) else value


def record_to_paper(record: Any, source: Source) -> Paper:
    """A Paper from one record; InputError (naming the record's line and field) when invalid."""
    where = f"record {source.position}"
    problem = validation_problem(record)
    if problem:
        raise InputError(source.path, f"{where}: {problem}", source.line)
    arxiv_id = None
    for key in ("arxiv_id", "id", "url", "doi"):
        arxiv_id = strict_arxiv_id(record.get(key))
        if arxiv_id:
            break
        if key == "arxiv_id" and record.get(key):
            raise InputError(source.path, f"{where}: field 'arxiv_id': {record[key]!r} is not an arXiv id",
                             source.line)
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = authors.split(_CSV_LIST_SEP)
    repos = list(record.get("repos") or ())
    if record.get("repo"):
        repos.insert(0, record["repo"])
    paper = make_paper(
        record["title"], record["abstract"], source, arxiv_id=arxiv_id, doi=record.get("doi"),
        url=record.get("url"), authors=authors, n_authors=_integer(record.get("n_authors")),
        date=record.get("date"), page_date=record.get("page_date"), upvotes=_integer(record.get("upvotes")),
        repos=repos, categories=record.get("categories"), keywords=record.get("keywords"))
    if record.get("sources"):  # a record kg wrote: its provenance and raw text are the original ones
        sources = tuple(Source(s["path"], s["format"], _integer(s["position"]), _integer(s.get("line")))
                        for s in record["sources"])
        paper = replace(paper, sources=sources,
                        raw_title=record.get("raw_title") or paper.raw_title,
                        raw_abstract=record.get("raw_abstract") or paper.raw_abstract)
    return paper


def _records(items: Iterable[tuple[int, Any] | InputError], path: str, fmt: str,
             policy: ErrorPolicy) -> Iterator[Paper]:
    position = 0
    found = False
    for item in items:
        found = True
        position += 1
        if isinstance(item, InputError):
            policy.bad(item)
            continue
        line, record = item
        source = Source(path, fmt, position, line)
        if not isinstance(record, dict):
            policy.bad(InputError(path, f"record {position} is {json_type(record)}, expected a JSON object",
                                  line))
            continue
        try:
            yield record_to_paper(record, source)
        except InputError as e:
            policy.bad(e)
    if not found:
        raise InputError(path, "no records found (empty file?)")


def parse_jsonl(text: str, path: str = "<string>", skip_bad: bool = False,
                on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from JSON Lines held in a string: one record object per line."""
    return _records(iter_jsonl(text_lines(text, universal=False), path), path, "jsonl",
                    ErrorPolicy(skip_bad, on_error))


def read_jsonl_papers(path: str | Path, skip_bad: bool = False,
                      on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from a JSON Lines file, one line at a time."""
    return _records(read_jsonl(path), str(path), "jsonl", ErrorPolicy(skip_bad, on_error))


def parse_json(text: str, path: str = "<string>", skip_bad: bool = False,
               on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from a JSON array of records held in a string.

    >>> [p.title for p in parse_json('[{"title": "A  title", "abstract": "Text."}]')]
    ['A title']
    """
    return _records(iter_array([text.removeprefix("\ufeff")], path), path, "json", ErrorPolicy(skip_bad, on_error))


def read_json(path: str | Path, skip_bad: bool = False,
              on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from a file holding a JSON array of records, one element at a time."""
    return _records(read_array(path), str(path), "json", ErrorPolicy(skip_bad, on_error))


def _csv_rows(lines: Iterable[tuple[int, str]], path: str, delimiter: str) -> Iterator[tuple[int, Any] | InputError]:
    """Records of CSV lines (already split at any line end, so a lone CR ends a row too)."""
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))
    feed = (text + "\n" for _, text in lines)
    reader = csv.reader(feed, delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as e:
        raise InputError(path, f"invalid CSV header: {e}", reader.line_num) from None
    missing = [c for c in ("title", "abstract") if c not in header]
    if missing:
        found = ", ".join(repr(h[:40]) for h in header)  # repr: a quoted cell may hold a line break
        raise InputError(path, f"CSV header lacks column(s): {', '.join(missing)} (found: {found})", 1)
    last = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield InputError(path, f"invalid CSV: {e}", reader.line_num)
            return
        start, last = last + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            yield InputError(path, f"row has {len(row)} cells, the header has {len(header)}", start)
            continue
        record: dict[str, Any] = {}
        for k, v in zip(header, row, strict=True):
            if k and v.strip():
                record[k] = v
        for k in _INT_FIELDS:
            if k in record:
                record[k] = to_int(record[k])
        for k in _LIST_FIELDS:
            if k in record:
                record[k] = [x.strip() for x in record[k].split(_CSV_LIST_SEP) if x.strip()]
        yield start, record


def parse_csv(text: str, path: str = "<string>", delimiter: str = ",", skip_bad: bool = False,
              on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from CSV held in a string: a header row naming at least title and abstract."""
    return _records(_csv_rows(text_lines(text), path, delimiter), path, "csv", ErrorPolicy(skip_bad, on_error))


def read_csv(path: str | Path, skip_bad: bool = False,
             on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from a CSV (or, by suffix, TSV) file, one row at a time."""
    delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else ","

    return _records(_csv_rows(iter_lines(path), str(path), delimiter), str(path), "csv",
                    ErrorPolicy(skip_bad, on_error))


__all__ = ["paper_schema", "validation_problem", "record_to_paper", "parse_jsonl", "read_jsonl_papers",
           "parse_json", "read_json", "parse_csv", "read_csv"]
