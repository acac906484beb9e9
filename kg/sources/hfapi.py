"""The Hugging Face daily-papers API: a JSON array of ``{"paper": {...}, "publishedAt": ...}``.

``paper.id`` is the arXiv id; ``publishedAt`` of the entry is the day the paper
was listed (kept as ``page_date``), ``paper.publishedAt`` its publication date.
An element without the ``paper`` wrapper (``/api/papers/<id>``) is read as the paper itself.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.records import Paper, Source
from kg.sources.base import ErrorCallback, ErrorPolicy, make_paper, strict_arxiv_id
from kg.sources.jsonstream import iter_array, read_array

FORMAT = "hf-api"


def _day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and value.strip() else None


def entry_to_paper(entry: Any, source: Source) -> Paper:
    """A Paper from one element of a daily-papers API response."""
    where = f"entry {source.position}"
    if not isinstance(entry, dict):
        raise InputError(source.path, f"{where}: expected a JSON object", source.line)
    paper = entry.get("paper", entry)
    if not isinstance(paper, dict):
        raise InputError(source.path, f"{where}: field 'paper' is not an object", source.line)
    title = paper.get("title") or entry.get("title")
    abstract = paper.get("summary") or entry.get("summary")
    for name, value in (("paper.title", title), ("paper.summary", abstract)):
        if not isinstance(value, str) or not value.strip():
            raise InputError(source.path, f"{where}: field {name!r} is missing or empty", source.line)
    assert isinstance(title, str) and isinstance(abstract, str)
    arxiv_id = strict_arxiv_id(paper.get("id"))
    authors = [a.get("name", "") if isinstance(a, dict) else str(a) for a in paper.get("authors") or ()]
    upvotes = paper.get("upvotes")
    keywords = paper.get("ai_keywords") or ()
    return make_paper(
        title, abstract, source, arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{arxiv_id}" if arxiv_id else None,
        authors=authors, date=_day(paper.get("publishedAt")),
        page_date=_day(entry.get("publishedAt")) if "paper" in entry else None,
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        repos=[u for u in (paper.get("githubRepo"), paper.get("projectPage")) if isinstance(u, str)],
        keywords=[k for k in keywords if isinstance(k, str)])


def _entries(items: Iterable[tuple[int, Any]], path: str, policy: ErrorPolicy) -> Iterator[Paper]:
    position = 0
    for line, entry in items:
        position += 1
        try:
            yield entry_to_paper(entry, Source(path, FORMAT, position, line))
        except InputError as e:
            policy.bad(e)


def parse_hf_api(text: str, path: str = "<string>", skip_bad: bool = False,
                 on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a daily-papers API response held in a string."""
    return _entries(iter_array([text], path), path, ErrorPolicy(skip_bad, on_error))


def read_hf_api(path: str | Path, skip_bad: bool = False,
                on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a daily-papers API response file, one element at a time."""
    return _entries(read_array(path), str(path), ErrorPolicy(skip_bad, on_error))
