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
from kg.sources.base import ErrorCallback, ErrorPolicy, make_paper, text_lines
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
        raise InputError(source.path, f"arXiv API error: {summary.strip() or title.strip()}")
    for name, value in (("title", title), ("summary", summary)):
        if not value.strip():
            raise InputError(source.path, f"{where} ({ident or 'no id'}): <{name}> is missing or empty")
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


def _snapshot_date(record: dict[str, Any]) -> str | None:
    versions = record.get("versions") or []
    if versions and isinstance(versions[0], dict) and versions[0].get("created"):
        try:
            return parsedate_to_datetime(versions[0]["created"]).date().isoformat()
        except (TypeError, ValueError):
            pass
    return record.get("update_date") or None


def _snapshot_authors(record: dict[str, Any]) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for p in parsed:
            if isinstance(p, list) and p:
                last, first = p[0], p[1] if len(p) > 1 else ""
                suffix = p[2] if len(p) > 2 else ""
                names.append(" ".join(x for x in (first, last, suffix) if x))
        return names
    authors = record.get("authors") or ""
    return [a for a in re.split(r",\s*|\s+and\s+", authors) if a.strip()]


def snapshot_to_paper(record: Any, source: Source) -> Paper:
    """A Paper from one record of the arXiv metadata snapshot."""
    where = f"record {source.position}"
    if not isinstance(record, dict):
        raise InputError(source.path, f"{where}: expected a JSON object", source.line)
    for key in ("id", "title", "abstract"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise InputError(source.path, f"{where}: field {key!r} is missing or empty", source.line)
    arxiv_id = parse_arxiv_id(record["id"])
    return make_paper(
        record["title"], record["abstract"], source, arxiv_id=arxiv_id, doi=record.get("doi") or None,
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        authors=_snapshot_authors(record), date=_snapshot_date(record),
        categories=(record.get("categories") or "").split())


def _snapshot(items: Iterable[tuple[int, Any] | InputError], path: str,
              policy: ErrorPolicy) -> Iterator[Paper]:
    position = 0
    for item in items:
        position += 1
        if isinstance(item, InputError):
            policy.bad(item)
            continue
        line, record = item
        try:
            yield snapshot_to_paper(record, Source(path, "arxiv-snapshot", position, line))
        except InputError as e:
            policy.bad(e)
    if position == 0:
        raise InputError(path, "no records found (empty file?)")


def parse_arxiv_snapshot(text: str, path: str = "<string>", skip_bad: bool = False,
                         on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from arXiv metadata snapshot lines held in a string."""
    return _snapshot(iter_jsonl(text_lines(text), path), path, ErrorPolicy(skip_bad, on_error))


def read_arxiv_snapshot(path: str | Path, skip_bad: bool = False,
                        on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers from the arXiv metadata snapshot (JSON Lines), one line at a time."""
    return _snapshot(read_jsonl(path), str(path), ErrorPolicy(skip_bad, on_error))
