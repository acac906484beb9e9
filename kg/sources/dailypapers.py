"""Hugging Face "Daily Papers" pages saved as text.

Two layouts are read, told apart by how often blank lines occur near the top:

(a) *line layout*: title and abstract on alternating lines; the page's header
    lines ("Get trending papers in your email inbox once a day!") come first and
    the first title is glued to the "Subscribe" button text
    ("SubscribeIterative Forward Tuning ...").
(b) *block layout*: blank-line separated blocks; a header ("new", "Subscribe",
    "Daily Papers", "byAK and the research community"), the page date ("Nov 4"),
    then per paper a title block, an abstract block (wrapped lines are joined)
    and an optional metadata block: "• 6 authors", "·", and the publication date
    as shown ("Oct 3", "Jan 31, 2024"), optionally followed by the upvote count
    ("May 2 1" is May 2 with 1 upvote).

A title followed by no abstract at the very end of a page is the page dump
being cut off: that entry is skipped and reported (never raised); a title with
no abstract elsewhere is a bad entry (raised unless ``skip_bad``).
"""

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kg.errors import InputError
from kg.records import Paper, Source
from kg.sources.base import ErrorCallback, ErrorPolicy, iter_lines, make_paper, text_lines

FORMAT = "dailypapers"

_HEADER = re.compile(
    r"(?:new|subscribe|daily papers|get trending papers\b.*|by\s*ak\b.*|trending papers)", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)(?:\s+(?P<upvotes>\d+))?", re.IGNORECASE)
_AUTHORS = re.compile(r"[•·*\-]?\s*(?P<n>\d+)\s+authors?", re.IGNORECASE)
_SEPARATOR = re.compile(r"[·•|]+")
_SUBSCRIBE = "Subscribe"
_SNIFF_LINES = 200


@dataclass
class _Unit:
    line: int
    kind: Literal["header", "date", "authors", "separator", "text"]
    text: str
    date: str = ""  # of a "date" unit, spaces normalised
    number: int | None = None  # the author count of an "authors" unit, the upvotes of a "date"


@dataclass
class _Entry:
    position: int
    line: int
    title: str
    abstract: str | None = None
    meta: dict[str, str | int | None] = field(default_factory=dict)


def _count(digits: str | None) -> int | None:
    """A count as shown; None past 18 digits, which no page shows (and int() may refuse)."""
    return int(digits) if digits and len(digits) <= 18 else None


def _classify(line_no: int, text: str) -> _Unit:
    s = text.strip()
    if _HEADER.fullmatch(s):
        return _Unit(line_no, "header", s)
    m = _AUTHORS.fullmatch(s)
    if m:
        return _Unit(line_no, "authors", s, number=_count(m.group("n")))
    if _SEPARATOR.fullmatch(s):
        return _Unit(line_no, "separator", s)
    m = _DATE.fullmatch(s)
    if m:
        return _Unit(line_no, "date", s, re.sub(r"\s+", " ", m.group("date")), _count(m.group("upvotes")))
    return _Unit(line_no, "text", s)


def _is_block_layout(head: list[tuple[int, str]]) -> bool:
    """Blank lines between most units mean layout (b); a stray one in layout (a) does not."""
    blank = sum(1 for _, t in head if not t.strip())
    content = len(head) - blank
    return content > 0 and blank >= 0.2 * content


def _units(lines: Iterable[tuple[int, str]]) -> Iterator[_Unit]:
    it = iter(lines)
    head = list(itertools.islice(it, _SNIFF_LINES))
    block = _is_block_layout(head)
    seen_text = False
    pending: list[tuple[int, str]] = []  # text lines of the current block, joined when it ends

    def flush() -> Iterator[_Unit]:
        if pending:
            yield _Unit(pending[0][0], "text", " ".join(t for _, t in pending))
            pending.clear()

    for n, raw in itertools.chain(head, it):
        if not raw.strip():
            yield from flush()
            continue
        if not seen_text and raw.startswith(_SUBSCRIBE) and raw[len(_SUBSCRIBE):].strip():
            raw = raw[len(_SUBSCRIBE):]  # the first title glued to the button text
        unit = _classify(n, raw)
        if unit.kind != "text":
            yield from flush()
            yield unit
            continue
        seen_text = True
        if block:
            pending.append((n, unit.text))
        else:
            yield unit
    yield from flush()


def _parse(lines: Iterable[tuple[int, str]], path: str, policy: ErrorPolicy) -> Iterator[Paper]:
    page_date: str | None = None
    cur: _Entry | None = None
    count = 0
    read = 0
    orphan = False  # metadata now belongs to an entry dropped as bad: ignore it

    def finish(entry: _Entry) -> Iterator[Paper]:
        nonlocal read
        try:
            paper = make_paper(entry.title, entry.abstract or "", Source(path, FORMAT, entry.position, entry.line),
                               page_date=entry.meta.get("page_date"), date=entry.meta.get("date"),
                               upvotes=entry.meta.get("upvotes"), n_authors=entry.meta.get("n_authors"))
        except InputError as e:
            policy.bad(e)
            return
        read += 1
        yield paper

    def no_abstract(entry: _Entry, unit: _Unit) -> None:
        policy.bad(InputError(path, f"entry {entry.position} {entry.title[:60]!r} has no abstract "
                                    f"(found {unit.kind} {unit.text[:30]!r} instead)", entry.line))

    for unit in _units(lines):
        if cur is not None and cur.abstract is None and unit.kind != "text":
            no_abstract(cur, unit)
            cur, orphan = None, True
        if unit.kind in ("header", "text"):
            orphan = False
        elif orphan:
            continue
        if unit.kind == "header":
            if cur is not None:
                yield from finish(cur)
                cur = None
        elif unit.kind == "date":
            date, upvotes = unit.date, unit.number
            if cur is not None and "date" not in cur.meta:
                cur.meta.update(date=date, upvotes=upvotes)
            else:  # a date where a title is due heads a (new) page
                if cur is not None:
                    yield from finish(cur)
                    cur = None
                page_date = date
        elif unit.kind == "authors":
            if cur is None:
                policy.bad(InputError(path, f"author count {unit.text!r} follows no paper", unit.line))
            else:
                cur.meta["n_authors"] = unit.number
        elif unit.kind == "text":
            if cur is not None and cur.abstract is None:
                cur.abstract = unit.text
                continue
            if cur is not None:
                yield from finish(cur)
            count += 1
            cur = _Entry(count, unit.line, unit.text, meta={"page_date": page_date})
    if cur is not None:
        if cur.abstract is None:
            policy.skip(InputError(path, f"last entry {cur.position} {cur.title[:60]!r} has no abstract "
                                         "(page cut off?)", cur.line))
        else:
            yield from finish(cur)
    if count == 0:
        raise InputError(path, "no papers found: not a Daily Papers page (unknown layout)")
    if read == 0:  # every entry was skipped: say so, a page that gives nothing is not a success
        found = "1 entry" if count == 1 else f"{count} entries"
        raise InputError(path, f"no papers read: {found} found, none with both a title and an abstract")


def parse_dailypapers(text: str, path: str = "<string>", skip_bad: bool = False,
                      on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a Daily Papers page held in a string.

    >>> text = "Daily Papers\\n\\nNov 4\\n\\nA Title\\n\\nAn abstract.\\n\\n  • 2 authors\\n·\\nMay 2 1\\n"
    >>> p = next(parse_dailypapers(text))
    >>> p.title, p.page_date, p.date, p.upvotes, p.n_authors
    ('A Title', 'Nov 4', 'May 2', 1, 2)
    """
    return _parse(text_lines(text), path, ErrorPolicy(skip_bad, on_error))


def read_dailypapers(path: str | Path, skip_bad: bool = False,
                     on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a Daily Papers page dump, read line by line."""
    return _parse(iter_lines(path), str(path), ErrorPolicy(skip_bad, on_error))


def looks_like_dailypapers(lines: list[str]) -> bool:
    """Whether the first lines of a text look like a Daily Papers page (used by detection)."""
    units = list(_units(enumerate(lines, 1)))
    if any(u.kind == "header" for u in units[:12]):
        return True
    texts = [u.text for u in units if u.kind == "text"][:20]
    titles, abstracts = texts[0::2], texts[1::2]
    if not abstracts:
        return False
    return max(map(len, titles)) <= 300 and _mean_length(abstracts) >= 2 * _mean_length(titles)


def _mean_length(texts: list[str]) -> float:
    return sum(map(len, texts)) / len(texts)
