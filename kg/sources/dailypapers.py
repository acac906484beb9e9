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

A page saved from a browser as HTML is read through its visible text
(:mod:`kg.sources.htmlpage`) in layout (b).

A title followed by no abstract at the very end of a page is the page dump
being cut off: that entry is skipped and reported (never raised); a last
abstract that stops mid-sentence is kept and reported as cut off. A title with
no abstract elsewhere is a bad entry (raised unless ``skip_bad``). A file in
another format (CSV, JSON, XML), or text with no page header whose "abstracts"
are not longer than its "titles", is refused as a whole.
"""

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from kg.errors import InputError
from kg.records import Paper, Source
from kg.sources.base import (
    ErrorCallback,
    ErrorPolicy,
    csv_delimiter,
    iter_lines,
    make_paper,
    text_lines,
)
from kg.sources.dates import parse_shown
from kg.sources.htmlpage import looks_like_html, saved_day, visible_text

FORMAT = "dailypapers"

_HEADER = re.compile(
    r"(?:new|subscribe|daily papers|get trending papers\b.*|by\s*ak\b.*|trending papers)", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)(?:\s+(?P<upvotes>\d+))?", re.IGNORECASE)
_AUTHORS = re.compile(r"[•·*\-]?\s*(?P<n>\d+)\s+authors?", re.IGNORECASE)
_SEPARATOR = re.compile(r"[·•|]+")
_SUBSCRIBE = "Subscribe"
_SNIFF_LINES = 200
_SNIFF_UNITS = 40
_MIN_ABSTRACT = 100  # mean characters of the abstracts of a page without its header
# how an abstract ends when the page was not cut in the middle of it
_ENDED = re.compile(r"""(?:[.!?)\]"'\u201d\u2019]|https?://\S+|\b[\w-]+\.[a-z]{2,}/\S*)\s*$""", re.IGNORECASE)


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


def _units(lines: Iterable[tuple[int, str]], block: bool | None = None) -> Iterator[_Unit]:
    it = iter(lines)
    head = list(itertools.islice(it, _SNIFF_LINES))
    block = _is_block_layout(head) if block is None else block
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


def _other_format(first: str) -> str | None:
    """What a file starting with line ``first`` is when it is no Daily Papers page."""
    s = first.strip()
    if s.startswith(("{", "[")):
        return "JSON (use --input-format json, jsonl or hf-api)"
    if s.startswith("<"):
        return "XML (use --input-format arxiv-atom)"
    if csv_delimiter(s):
        return "a CSV file with a header row (use --input-format csv)"
    return None


def _checked(lines: Iterable[tuple[int, str]], path: str) -> Iterator[tuple[int, str]]:
    """The lines, after refusing a file whose first line shows it is in another format."""
    it = iter(lines)
    for n, text in it:
        if text.strip():
            other = _other_format(text)
            if other:
                raise InputError(path, f"not a Daily Papers page: this is {other}", n)
            yield n, text
            break
        yield n, text
    yield from it


def _looks_like_papers(units: list[_Unit]) -> bool:
    """Whether the first units read as a page: a page header, or titles with longer abstracts."""
    if any(u.kind == "header" for u in units[:12]):
        return True
    texts = [u.text for u in units if u.kind == "text"][:20]
    titles, abstracts = texts[0::2], texts[1::2]
    if not abstracts:
        return False
    mean = _mean_length(abstracts)
    return max(map(len, titles)) <= 300 and mean >= 2 * _mean_length(titles) and mean >= _MIN_ABSTRACT


@dataclass(frozen=True)
class _Html:
    """What a saved HTML page tells beyond its text: the listing's day, each title's arXiv id."""

    day: date | None = None
    ids: Mapping[str, str] = field(default_factory=dict)


def _parse(lines: Iterable[tuple[int, str]], path: str, policy: ErrorPolicy,
           block: bool | None = None, html: _Html | None = None) -> Iterator[Paper]:
    units = _units(_checked(lines, path), block)
    head = list(itertools.islice(units, _SNIFF_UNITS))
    if head and not _looks_like_papers(head):
        raise InputError(path, "not a Daily Papers page: no page header, and its paragraphs do not read as "
                               "titles each followed by a longer abstract", head[0].line)
    yield from _entries(itertools.chain(head, units), path, policy, html or _Html())


def _with_year(shown: str, day: date | None) -> str:
    """A year-less page date with the year of ``day``, the day the page was saved from,
    when both are the same day ("Nov 4" saved from ...?date=2024-11-04 is "Nov 4, 2024")."""
    d = parse_shown(shown)
    if day is None or d is None or d[0] is not None or (d[1], d[2]) != (day.month, day.day):
        return shown
    return f"{shown}, {day.year}"


def _entries(units: Iterable[_Unit], path: str, policy: ErrorPolicy, html: _Html) -> Iterator[Paper]:
    page_date: str | None = None
    cur: _Entry | None = None
    count = 0
    read = 0
    orphan = False  # metadata now belongs to an entry dropped as bad: ignore it

    def finish(entry: _Entry) -> Iterator[Paper]:
        nonlocal read
        arxiv_id = html.ids.get(entry.title)
        try:
            paper = make_paper(entry.title, entry.abstract or "", Source(path, FORMAT, entry.position, entry.line),
                               page_date=entry.meta.get("page_date"), date=entry.meta.get("date"),
                               upvotes=entry.meta.get("upvotes"), n_authors=entry.meta.get("n_authors"),
                               arxiv_id=arxiv_id,
                               url=f"https://huggingface.co/papers/{arxiv_id}" if arxiv_id else None)
        except InputError as e:
            policy.bad(e)
            return
        read += 1
        yield paper

    def no_abstract(entry: _Entry, unit: _Unit) -> None:
        policy.bad(InputError(path, f"entry {entry.position} {entry.title[:60]!r} has no abstract "
                                    f"(found {unit.kind} {unit.text[:30]!r} instead)", entry.line))

    for unit in units:
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
            shown, upvotes = unit.date, unit.number
            if cur is not None and "date" not in cur.meta:
                cur.meta.update(date=shown, upvotes=upvotes)
            else:  # a date where a title is due heads a (new) page
                if cur is not None:
                    yield from finish(cur)
                    cur = None
                page_date = _with_year(shown, html.day)
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
            if not _ENDED.search(cur.abstract):
                policy.warn(InputError(path, f"last entry {cur.position} {cur.title[:60]!r}: its abstract stops "
                                             f"mid-sentence ({cur.abstract[-30:]!r}): page cut off? "
                                             "The entry is kept as it is", cur.line))
            yield from finish(cur)
    if count == 0:
        raise InputError(path, "no papers found: not a Daily Papers page (unknown layout)")
    if read == 0:  # every entry was skipped: say so, a page that gives nothing is not a success
        found = "1 entry" if count == 1 else f"{count} entries"
        raise InputError(path, f"no papers read: {found} found, none with both a title and an abstract")


def parse_dailypapers(text: str, path: str = "<string>", skip_bad: bool = False,
                      on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a Daily Papers page (text, or HTML saved from a browser) held in a string.

    >>> text = "Daily Papers\\n\\nNov 4\\n\\nA Title\\n\\nAn abstract.\\n\\n  • 2 authors\\n·\\nMay 2 1\\n"
    >>> p = next(parse_dailypapers(text))
    >>> p.title, p.page_date, p.date, p.upvotes, p.n_authors
    ('A Title', 'Nov 4', 'May 2', 1, 2)
    """
    policy = ErrorPolicy(skip_bad, on_error)
    if looks_like_html(text[:4096]):
        page = visible_text(text)
        return _parse(page.lines, path, policy, block=True, html=_Html(saved_day(text), page.paper_ids))
    return _parse(text_lines(text), path, policy)


def read_dailypapers(path: str | Path, skip_bad: bool = False,
                     on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a Daily Papers page dump, read line by line (an HTML page is read whole)."""
    def gen() -> Iterator[Paper]:
        policy = ErrorPolicy(skip_bad, on_error)
        lines = iter_lines(path)
        head = list(itertools.islice(lines, 50))
        if looks_like_html("\n".join(t for _, t in head)):
            html = "\n".join(t for _, t in itertools.chain(head, lines))  # line numbers kept
            page = visible_text(html)
            yield from _parse(page.lines, str(path), policy, block=True, html=_Html(saved_day(html), page.paper_ids))
        else:
            yield from _parse(itertools.chain(head, lines), str(path), policy)
    return gen()


def looks_like_dailypapers(lines: list[str]) -> bool:
    """Whether the first lines of a text look like a Daily Papers page (used by detection)."""
    if lines and _other_format(next((t for t in lines if t.strip()), "")):
        return False
    return _looks_like_papers(list(itertools.islice(_units(enumerate(lines, 1)), _SNIFF_UNITS)))


def html_is_dailypapers(head: str) -> bool:
    """Whether the start of an HTML file is a saved Daily Papers page (used by detection)."""
    return bool(re.search(r"Daily Papers|huggingface\.co/papers|data-target=\"DailyPapers\"", head))


def _mean_length(texts: list[str]) -> float:
    return sum(map(len, texts)) / len(texts)
