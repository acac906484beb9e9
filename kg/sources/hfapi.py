"""The Hugging Face daily-papers API: a JSON array of ``{"paper": {...}, "publishedAt": ...}``.

``paper.id`` is the arXiv id; ``publishedAt`` of the entry is the day the paper
was listed (kept as ``page_date``), ``paper.publishedAt`` its publication date.
An element without the ``paper`` wrapper (``/api/papers/<id>``) is read as the paper
itself, and so is a file holding one such object rather than an array of them.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.records import Paper, Source
from kg.sources.base import (
    ErrorCallback,
    ErrorPolicy,
    Fields,
    json_type,
    make_paper,
    papers_of_records,
    strict_arxiv_id,
)
from kg.sources.jsonstream import Item, iter_array_or_object, read_array_or_object

FORMAT = "hf-api"


def _day(value: str | None) -> str | None:
    return value[:10] if value and value.strip() else None


def _authors(paper: Fields) -> list[str]:
    """Author names: objects with a ``name`` (the API's form) or plain strings."""
    names = []
    for i, a in enumerate(paper.items("authors")):
        if isinstance(a, str):
            names.append(a)
        else:
            names.append(paper.nested(f"authors.{i}", a).text("name") or "")
    return names


def entry_to_paper(entry: Any, source: Source) -> Paper:
    """A Paper from one element of a daily-papers API response."""
    where = f"entry {source.position}"
    if not isinstance(entry, dict):
        raise InputError(source.path, f"{where} is {json_type(entry)}, expected a JSON object", source.line)
    outer = Fields(entry, source, where)
    wrapped = "paper" in entry
    paper = outer.nested("paper", entry["paper"]) if wrapped else Fields(entry, source, where, "paper.")
    texts = []
    for key in ("title", "summary"):  # the entry's own stand in for the paper's
        value = paper.text(key) or (outer.text(key) if wrapped else None)
        if value is None or not value.strip():
            raise paper.error(key, "is missing or empty")
        texts.append(value)
    title, abstract = texts
    arxiv_id = strict_arxiv_id(paper.text("id"))
    return make_paper(
        title, abstract, source, arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{arxiv_id}" if arxiv_id else None,
        authors=_authors(paper), date=_day(paper.text("publishedAt")),
        page_date=_day(outer.text("publishedAt")) if wrapped else None,
        upvotes=paper.integer("upvotes"),
        repos=[u for u in (paper.text("githubRepo"), paper.text("projectPage")) if u],
        keywords=paper.texts("ai_keywords"))


def _entries(items: Iterable[Item], path: str, policy: ErrorPolicy) -> Iterator[Paper]:
    yield from papers_of_records(items, path, FORMAT, entry_to_paper, policy)


def parse_hf_api(text: str, path: str = "<string>", skip_bad: bool = False,
                 on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a daily-papers API response (an array, or one paper object) held in a string."""
    return _entries(iter_array_or_object([text.removeprefix("\ufeff")], path), path,
                    ErrorPolicy(skip_bad, on_error))


def read_hf_api(path: str | Path, skip_bad: bool = False,
                on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """Papers of a daily-papers API response file, one element at a time (or its one object)."""
    return _entries(read_array_or_object(path), str(path), ErrorPolicy(skip_bad, on_error))
