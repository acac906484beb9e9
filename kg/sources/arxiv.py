"""arXiv: API responses (Atom feeds) and the metadata snapshot (JSON Lines).

Atom is read with ``xml.etree.ElementTree.iterparse``: each ``entry`` is
turned into a Paper and cleared, so a large feed is never held whole.
"""

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.keys import parse_arxiv_id
from kg.records import Paper, Source
from kg.sources.base import (
    ErrorCallback,
    ErrorPolicy,
    Fields,
    json_type,
    make_paper,
    papers_of_records,
    text_lines,
)
from kg.sources.jsonstream import iter_jsonl, read_jsonl

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)


def _text(el: ET.Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _entry_to_paper(entry: ET.Element, source: Source) -> Paper:
    where = f"entry {source.position}"
    ident = _text(entry.find(f"{ATOM}id")).strip()
    title = _text(entry.find(f"{ATOM}title"))
    summary = _text(entry.find(f"{ATOM}summary"))
    if "/api/errors" in ident:  # the API answers a bad query with a one-entry error feed
        raise InputError(source.path, f"arXiv API error: {' '.join((summary or title).split())}")
    for name, value in (("title", title), ("summary", summary)):
        if not value.strip():
            shown = " ".join(ident.split())[:80] or "no id"  # an error is one line
            raise InputError(source.path, f"{where} ({shown}): <{name}> is missing or empty")
    doi = _text(entry.find(f"{ARXIV}doi")).strip() or None
    for link in entry.findall(f"{ATOM}link"):
        if doi is None and link.get("title") == "doi" and link.get("href"):
            doi = _DOI_URL.sub("", link.get("href", "")).strip() or None
    categories = [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    primary = entry.find(f"{ARXIV}primary_category")
    if primary is not None and primary.get("term"):
        categories.insert(0, primary.get("term", ""))
    published = _text(entry.find(f"{ATOM}published")).strip()
    return make_paper(
        title, summary, source, arxiv_id=parse_arxiv_id(ident), doi=doi,
        url=ident if ident.startswith("http") else None,
        authors=[_text(a.find(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")],
        date=published[:10] or None, categories=categories)


def _atom(f: IO[bytes], path: str, policy: ErrorPolicy) -> Iterator[Paper]:
    position = 0
    root: ET.Element | None = None
    try:
        for event, el in ET.iterparse(f, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = el
                    if el.tag != f"{ATOM}feed":
                        raise InputError(path, f"not an Atom feed: root element is <{el.tag}>", 1)
                continue
            if el.tag != f"{ATOM}entry":
                continue
            position += 1
            try:
                yield _entry_to_paper(el, Source(path, "arxiv-atom", position))
            except InputError as e:
                if e.problem.startswith("arXiv API error"):
                    raise
                policy.bad(e)
            assert root is not None  # the first event was the root's start
            root.clear()  # entries done are dropped: memory stays flat
    except ET.ParseError as e:
        line = e.position[0] if e.position else None
        raise InputError(path, f"invalid XML: {e}", line) from None
    except LookupError as e:  # expat's answer to an encoding declaration it does not know
        raise InputError(path, f"invalid XML: {e}", 1) from None


def parse_arxiv_atom(text: str | bytes, path: str = "<string>", skip_bad: bool = False,
                     on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of an arXiv API response (Atom) held in a string."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return _atom(io.BytesIO(data), path, ErrorPolicy(skip_bad, on_error))


def read_arxiv_atom(path: str | Path, skip_bad: bool = False,
                    on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of an arXiv API response (Atom) file, entry by entry."""
    def gen() -> Iterator[Paper]:
        with open(path, "rb") as f:
            yield from _atom(f, str(path), ErrorPolicy(skip_bad, on_error))
    return gen()


def _snapshot_date(record: Fields) -> str | None:
    versions = record.items("versions")
    created = record.nested("versions.0", versions[0]).text("created") if versions else None
    if created:
        try:
            return parsedate_to_datetime(created).date().isoformat()
        except (TypeError, ValueError, OverflowError):
            pass
    return record.text("update_date") or None


def _snapshot_authors(record: Fields) -> list[str]:
    names = []
    for parts in record.text_lists("authors_parsed"):
        if parts:
            last, first, suffix = [*parts, "", ""][:3]
            names.append(" ".join(x for x in (first, last, suffix) if x))
    if names:
        return names
    authors = record.text("authors") or ""
    return [a for a in re.split(r",\s*|\s+and\s+", authors) if a.strip()]


def snapshot_to_paper(record: Any, source: Source) -> Paper:
    """A Paper from one record of the arXiv metadata snapshot."""
    where = f"record {source.position}"
    if not isinstance(record, dict):
        raise InputError(source.path, f"{where} is {json_type(record)}, expected a JSON object", source.line)
    fields = Fields(record, source, where)
    ident, title, abstract = (fields.required_text(k) for k in ("id", "title", "abstract"))
    arxiv_id = parse_arxiv_id(ident)
    return make_paper(
        title, abstract, source, arxiv_id=arxiv_id, doi=fields.text("doi") or None,
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        authors=_snapshot_authors(fields), date=_snapshot_date(fields),
        categories=(fields.text("categories") or "").split())


def _snapshot(items: Iterable[tuple[int, Any] | InputError], path: str,
              policy: ErrorPolicy) -> Iterator[Paper]:
    n = yield from papers_of_records(items, path, "arxiv-snapshot", snapshot_to_paper, policy)
    if n == 0:
        raise InputError(path, "no records found (empty file?)")


def parse_arxiv_snapshot(text: str, path: str = "<string>", skip_bad: bool = False,
                         on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from arXiv metadata snapshot lines held in a string."""
    return _snapshot(iter_jsonl(text_lines(text, universal=False), path), path, ErrorPolicy(skip_bad, on_error))


def read_arxiv_snapshot(path: str | Path, skip_bad: bool = False,
                        on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from the arXiv metadata snapshot (JSON Lines), one line at a time."""
    return _snapshot(read_jsonl(path), str(path), ErrorPolicy(skip_bad, on_error))
