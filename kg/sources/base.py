"""What every reader shares: building a Paper, reading lines, reporting bad records."""

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.keys import clean_text, paper_id, parse_arxiv_id, plain_chars
from kg.records import Paper, Source

log = logging.getLogger("kg.sources")

ErrorCallback = Callable[[InputError], None]

# an arXiv id on its own, optionally prefixed and versioned: stricter than parse_arxiv_id,
# which also finds ids inside longer strings (a DOI like 10.1145/3292500.3330701 has one)
_BARE_ARXIV = re.compile(
    r"(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)",
                        re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^(?:https?://doi\.org/)?10\.48550/arxiv\.(.+)$", re.IGNORECASE)


class ErrorPolicy:
    """What a reader does with a bad record: raise it, or report it and go on.

    ``bad`` is for records that are wrong (raised unless ``skip_bad``);
    ``skip`` is for entries a page dump is known to truncate, always reported, never raised.
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
    """A Paper from one sighting: cleaned text, raw text kept, id from arXiv id or title."""
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


def iter_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 file, one line at a time, without line ends or BOM.

    Lines are decoded one by one so that a bad byte is reported on its own line.
    """
    with open(path, "rb") as f:
        yield from decode_lines(path, f)


def decode_lines(path: str | Path, raw_lines: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    for n, raw in enumerate(raw_lines, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at column {e.start + 1})",
                             n) from None
        if n == 1:
            line = line.removeprefix("\ufeff")
        if "\x00" in line:
            raise InputError(path, "binary data (NUL byte), not a text listing", n)
        yield n, line.rstrip("\r\n")


def text_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of an in-memory string, as :func:`iter_lines` gives them."""
    yield from enumerate(text.removeprefix("\ufeff").splitlines(), 1)


def to_int(value: object) -> object:
    """An int from an int or a string of digits; anything else unchanged (the schema reports it)."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return value
