"""What every reader shares: building a Paper, reading lines, reporting bad records."""

import io
import logging
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import InputError, InputWarning
from kg.keys import clean_text, paper_id, parse_arxiv_id, plain_chars
from kg.records import Paper, Source

log = logging.getLogger("kg.sources")

ErrorCallback = Callable[[InputError], None]
T = TypeVar("T")

# an arXiv id on its own, optionally prefixed and versioned: stricter than parse_arxiv_id,
# which also finds ids inside longer strings (a DOI like 10.1145/3292500.3330701 has one)
_BARE_ARXIV = re.compile(
    r"(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)",
                        re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^(?:https?://doi\.org/)?10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class ErrorPolicy:
    """What a reader does with a bad record: raise it, or report it and go on.

    ``bad`` is for records that are wrong (raised unless ``skip_bad``);
    ``skip`` is for entries a page dump is known to truncate, always reported, never raised;
    ``warn`` reports a record that is kept although it looks damaged.
    With no ``on_error`` the report goes to the ``kg.sources`` logger.
    """

    def __init__(self, skip_bad: bool = False, on_error: ErrorCallback | None = None) -> None:
        self.skip_bad = skip_bad
        self.on_error = on_error
        self.skipped = 0

    def bad(self, error: InputError) -> None:
        if not self.skip_bad:
            raise error
        self.skip(error)

    def skip(self, error: InputError) -> None:
        self.skipped += 1
        if self.on_error is not None:
            self.on_error(error)
        else:
            log.warning("skipped: %s", error)

    def warn(self, error: InputError) -> None:
        """Report a record that is kept but may be damaged (a page cut in its last abstract)."""
        if not isinstance(error, InputWarning):
            error = InputWarning(error.path, error.problem, error.line)
        if self.on_error is not None:
            self.on_error(error)
        else:
            log.warning("%s", error)


_JSON_TYPES: dict[type, str] = {type(None): "null", bool: "a boolean", int: "an integer",
                                float: "a number", str: "a string", list: "an array", dict: "an object"}


def json_type(value: object) -> str:
    """What a decoded JSON value is, as an error message says it: "an array", "null"."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


class Fields:
    """The fields of one JSON object, each read with its type checked: the readers' one checker.

    A field that is present with another type is an InputError naming the file, the line,
    the record (``where``) and the field; a field that is absent or null reads as None.

    >>> f = Fields({"n": 5, "tags": ["a", 3]}, Source("in.json", "json", 1, 2), "entry 1")
    >>> f.integer("n"), f.text("missing")
    (5, None)
    >>> f.texts("tags")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: in.json:2: entry 1: field 'tags.1' is an integer, expected a string
    """

    def __init__(self, obj: Mapping[str, Any], source: Source, where: str, prefix: str = "") -> None:
        self.obj, self.source, self.where, self.prefix = obj, source, where, prefix

    def error(self, key: str, problem: str) -> InputError:
        """The error of field ``key`` of this object: "entry 2: field 'paper.id' {problem}"."""
        return InputError(self.source.path, f"{self.where}: field {self.prefix + key!r} {problem}",
                          self.source.line)

    def _typed(self, key: str, value: object, kind: type[T], what: str) -> T:
        if isinstance(value, kind) and not isinstance(value, bool):  # JSON true is no integer
            return value
        raise self.error(key, f"is {json_type(value)}, expected {what}")

    def _get(self, key: str, kind: type[T], what: str) -> T | None:
        value = self.obj.get(key)
        return None if value is None else self._typed(key, value, kind, what)

    def text(self, key: str) -> str | None:
        return self._get(key, str, "a string")

    def required_text(self, key: str) -> str:
        """A string field that must be there and not blank."""
        value = self.text(key)
        if value is None or not value.strip():
            raise self.error(key, "is missing or empty")
        return value

    def integer(self, key: str) -> int | None:
        return self._get(key, int, "an integer")

    def items(self, key: str) -> list[Any]:
        """An array field, [] when absent."""
        return self._get(key, list, "an array") or []

    def texts(self, key: str) -> list[str]:
        """An array of strings, [] when absent."""
        return [self._typed(f"{key}.{i}", v, str, "a string") for i, v in enumerate(self.items(key))]

    def text_lists(self, key: str) -> list[list[str]]:
        """An array of arrays of strings, [] when absent."""
        out = []
        for i, inner in enumerate(self.items(key)):
            name = f"{key}.{i}"
            out.append([self._typed(f"{name}.{j}", x, str, "a string")
                        for j, x in enumerate(self._typed(name, inner, list, "an array"))])
        return out

    def nested(self, key: str, value: object) -> "Fields":
        """An object found in field ``key`` (an array's element: ``"authors.0"``), checked too."""
        return Fields(self._typed(key, value, dict, "an object"), self.source, self.where,
                      f"{self.prefix}{key}.")


def strict_arxiv_id(value: object) -> str | None:
    """The arXiv id in a value that is only an id, an arXiv/HF paper URL or an arXiv DOI.

    >>> strict_arxiv_id("arXiv:2305.12345v2"), strict_arxiv_id("10.1145/3292500.3330701")
    ('2305.12345', None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    m = _ARXIV_DOI.match(v)
    if m:
        v = m.group(1)
    elif _ARXIV_URL.match(v):
        return parse_arxiv_id(v)
    m = _BARE_ARXIV.fullmatch(v)
    return m.group(1) if m else None


def make_paper(title: str, abstract: str, source: Source, **meta: Any) -> Paper:
    """A Paper from one sighting: cleaned text, raw text kept, id from arXiv id or title.

    A title that cleaning leaves empty (``\\emph{}``, control characters) is an InputError:
    such papers would all get the same id.
    """
    authors = tuple(a for a in (clean_text(x) for x in meta.pop("authors", ()) or ()) if a)
    if authors and meta.get("n_authors") is None:
        meta["n_authors"] = len(authors)
    for k in ("repos", "categories", "keywords"):
        values = (plain_chars(x).strip() for x in meta.get(k) or () if x)
        meta[k] = tuple(dict.fromkeys(x for x in values if x))
    for k in ("doi", "url", "date", "page_date"):  # what clean_text does not see reaches XML too
        if isinstance(meta.get(k), str):
            meta[k] = plain_chars(meta[k])
    clean_title = clean_text(title)
    if not clean_title:
        raise InputError(source.path, f"entry {source.position}: title {title[:60]!r} "
                                      "has no text once LaTeX and control characters are removed", source.line)
    arxiv_id = meta.pop("arxiv_id", None) or None
    return Paper(
        id=paper_id(clean_title, arxiv_id),
        title=clean_title,
        abstract=clean_text(abstract),
        raw_title=title,
        raw_abstract=abstract,
        arxiv_id=arxiv_id,
        authors=authors,
        sources=(source,),
        **meta,
    )


def iter_lines(path: str | Path, universal: bool = True) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 file, one line at a time, without line ends or BOM.

    ``universal``: a line ends at LF, CRLF or a lone CR (old Mac files, some exports);
    otherwise only at LF (JSON Lines, where a CR is whitespace within a line).
    Bytes that are not UTF-8 are an InputError naming their line and column.
    """
    with open(path, encoding="utf-8-sig", errors="surrogateescape",
              newline=None if universal else "\n") as f:
        yield from _checked_lines(path, f)


def text_lines(text: str, universal: bool = True) -> Iterator[tuple[int, str]]:
    """(line number, text) of an in-memory string, split as :func:`iter_lines` splits a file.

    >>> list(text_lines("a\\rb\\r\\nc\\u2028d")), list(text_lines("a\\rb\\n", universal=False))
    ([(1, 'a'), (2, 'b'), (3, 'c\\u2028d')], [(1, 'a\\rb')])
    """
    lines = io.StringIO(text.removeprefix("\ufeff"), newline=None if universal else "\n")
    for n, line in enumerate(lines, 1):
        yield n, line.rstrip("\r\n")


def _checked_lines(path: str | Path, lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(lines, 1):
        bad = _ESCAPED_BYTE.search(line)
        if bad:  # a byte that is not UTF-8, kept by errors="surrogateescape"
            raise InputError(path, f"not UTF-8 text (byte 0x{ord(bad.group()) - 0xDC00:02x} "
                                   f"at column {bad.start() + 1})", n)
        if "\x00" in line:
            raise InputError(path, "binary data (NUL byte), not a text listing", n)
        yield n, line.rstrip("\r\n")


def csv_delimiter(first_line: str) -> str | None:
    """The delimiter of a CSV header row naming title and abstract columns, else None.

    >>> csv_delimiter('"Title","Abstract",upvotes'), csv_delimiter("A title, with a comma")
    (',', None)
    """
    for delim in (",", "\t"):
        cells = {c.strip().strip('"').lower() for c in first_line.split(delim)}
        if {"title", "abstract"} <= cells:
            return delim
    return None


def to_int(value: object) -> object:
    """An int from an int or a string of digits; anything else unchanged (the schema reports it).

    >>> to_int(" 12 "), to_int("x"), len(to_int("9" * 5000))
    (12, 'x', 5000)
    """
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        try:
            return int(value)
        except ValueError:  # more digits than int() converts: left for the schema to refuse
            return value
    return value


def papers_of_records(items: Iterable[tuple[int, Any] | InputError], path: str, fmt: str,
                      convert: Callable[[Any, Source], Paper],
                      policy: "ErrorPolicy") -> Generator[Paper, None, int]:
    """The Papers of numbered records (line, record), an unreadable one given as its
    InputError; bad records go to ``policy``. Returns how many records there were."""
    position = 0
    for item in items:
        position += 1
        if isinstance(item, InputError):
            policy.bad(item)
            continue
        line, record = item
        try:
            yield convert(record, Source(path, fmt, position, line))
        except InputError as e:
            policy.bad(e)
    return position
