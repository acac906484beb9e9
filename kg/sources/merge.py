"""Sightings of the same paper, within or across inputs, become one Paper.

Two sightings are the same paper when they share an arXiv id, or when their
titles have the same :func:`~kg.keys.title_key` and they do not carry two
different arXiv ids. A title-only group that later meets its arXiv id joins the
group of that id. Output keeps first-seen order; sources are kept in input
order. Every other field takes the best value of the group, whatever the order
the sightings came in (:func:`merge_group`), and link lists (repos, categories,
keywords) are unions.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kg.keys import UnionFind, paper_id, title_key
from kg.records import Paper
from kg.sources.dates import completeness, parse_shown

T = TypeVar("T")
_UNIONS = ("repos", "categories", "keywords")


class _Groups(UnionFind[int]):
    """Sightings by input position, joined by arXiv id and title key.

    A group's root is its earliest sighting, so first-seen order holds.
    """

    def __init__(self) -> None:
        super().__init__()
        self.arxiv: list[str | None] = []  # per sighting; a root's is its group's
        self.by_arxiv: dict[str, int] = {}
        self.by_title: dict[str, int] = {}
        self.loose: set[str] = set()  # the title keys of sightings without an arXiv id

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        root = super().union(ra, rb)
        if ra != rb:
            self.arxiv[root] = self.arxiv[root] or self.arxiv[max(ra, rb)]
        return root

    def add(self, paper: Paper) -> None:
        i = len(self.arxiv)
        self.arxiv.append(paper.arxiv_id)
        key = title_key(paper.title) or paper.id
        titled = self.by_title.get(key)
        titled_root = self.find(titled) if titled is not None else None
        if paper.arxiv_id:
            same = self.by_arxiv.get(paper.arxiv_id)
            if same is not None:
                self.union(same, i)
            if titled_root is not None and self.arxiv[titled_root] in (None, paper.arxiv_id):
                self.union(titled_root, i)
            self.by_arxiv.setdefault(paper.arxiv_id, self.find(i))
        else:
            self.loose.add(key)
            if titled_root is not None:
                self.union(titled_root, i)
        self.by_title.setdefault(key, i)


_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_CUT = re.compile(r"(?:\.\.\.|\u2026|\[\.\.\.\])\s*$")  # an abstract a listing cut short


def _best(values: Iterable[T], key: Callable[[T], Any]) -> T | None:
    """The value with the highest key; equal keys are settled by the value itself."""
    if isinstance(values, list) and len(values) == 1:
        only: T = values[0]  # most papers are seen once: no key to compute
        return only
    ranked = [(key(v), v) for v in values]
    return max(ranked, key=lambda kv: (kv[0], _order(kv[1])))[1] if ranked else None


def _order(value: Any) -> Any:
    return tuple(map(_order, value)) if isinstance(value, tuple) else str(value)


def _date_rank(shown: str) -> tuple[int, tuple[int, int, int]]:
    """More of the date shown first, then the earlier date (the first version, the first listing)."""
    d = parse_shown(shown)
    if d is None:
        return 0, (0, 0, 0)
    year, month, day = d
    return completeness(shown), (-(year or 0), -month, -day)


def _url(urls: list[str], arxiv_id: str | None) -> str | None:
    """An arXiv page of the paper, in its canonical form, else the most often given URL."""
    if arxiv_id and any(_ARXIV_URL.match(u) for u in urls):
        return f"https://arxiv.org/abs/{arxiv_id}"
    return _best(urls, lambda u: (urls.count(u), u.startswith("https://")))


def merge_group(sightings: list[Paper]) -> Paper:
    """One Paper from the sightings of one paper, given in input order.

    The same sightings in any order give the same paper but for the order of its
    sources: the title most often given (properly cased first), the longest abstract
    not cut short ("..."), the fullest author list and the largest author count, the
    date showing most (the earliest of equals), the most upvotes, a journal DOI before
    an arXiv one, and a canonical ``https://arxiv.org/abs/ID`` (no version) when a
    sighting gives an arXiv page.
    """
    arxiv_id = next((p.arxiv_id for p in sightings if p.arxiv_id), None)
    titles = [p.title for p in sightings]
    title = _best(titles, lambda t: (t not in (t.lower(), t.upper()), titles.count(t))) or sightings[0].title
    abstracts = [p.abstract for p in sightings if p.abstract]
    abstract = _best(abstracts, lambda a: (not _CUT.search(a), len(a))) or ""
    authors = _best([p.authors for p in sightings if p.authors],
                    lambda a: (len(a), sum(map(len, a)))) or ()
    dois = [p.doi for p in sightings if p.doi]
    counts = [p.n_authors for p in sightings if p.n_authors is not None]
    upvotes = [p.upvotes for p in sightings if p.upvotes is not None]
    canonical = sightings if len(sightings) == 1 else sorted(
        sightings, key=lambda p: _order(tuple((s.path, s.position, s.line or 0) for s in p.sources)))
    unions = {k: tuple(dict.fromkeys(x for p in canonical for x in getattr(p, k))) for k in _UNIONS}
    return Paper(
        id=paper_id(title, arxiv_id), title=title,
        raw_title=_best([p.raw_title for p in sightings if p.title == title], len) or "",
        abstract=abstract,
        raw_abstract=_best([p.raw_abstract for p in sightings if p.abstract == abstract], len) or "",
        arxiv_id=arxiv_id, authors=authors,
        n_authors=max([*counts, len(authors)]) if counts or authors else None,
        doi=_best(dois, lambda d: (not d.lower().startswith("10.48550/"), dois.count(d))),
        url=_url([p.url for p in sightings if p.url], arxiv_id),
        date=_best([p.date for p in sightings if p.date], _date_rank),
        page_date=_best([p.page_date for p in sightings if p.page_date], _date_rank),
        upvotes=max(upvotes) if upvotes else None,
        sources=tuple(s for p in sightings for s in p.sources), **unions)


@dataclass
class SeenKeys:
    """What sightings were matched by: their title keys (or ids, for a title without one),
    the keys of the sightings without an arXiv id (``loose``), the keys whose group has no
    arXiv id (``bare``) and the arXiv ids.

    A batch of sightings merged after another that it does not meet (:meth:`meets`) joins
    none of its groups: merging both gives the first batch's papers, then the second's.
    """

    titles: set[str] = field(default_factory=set)
    arxiv: set[str] = field(default_factory=set)
    loose: set[str] = field(default_factory=set)
    bare: set[str] = field(default_factory=set)

    def meets(self, then: "SeenKeys") -> bool:
        """Whether a sighting of ``then``, merged after these, could join one of these: by
        arXiv id, or by title key when it has no arXiv id or the group of that key has none
        (a title key shared by two arXiv ids joins nothing)."""
        return not (self.arxiv.isdisjoint(then.arxiv) and self.titles.isdisjoint(then.loose)
                    and self.bare.isdisjoint(then.titles))

    def __or__(self, then: "SeenKeys") -> "SeenKeys":
        """The keys of both batches merged together, ``then`` after these (when they do not meet)."""
        return SeenKeys(self.titles | then.titles, self.arxiv | then.arxiv, self.loose | then.loose,
                        self.bare | then.bare)


def merge_papers(sightings: Iterable[Paper], keys: SeenKeys | None = None) -> Iterator[Paper]:
    """Merged papers in first-seen order; holds one record per sighting until the input ends.

    ``keys``, when given, gets the keys of every sighting (:class:`SeenKeys`) once the
    first paper is asked for (the sightings are all read then).
    """
    seen: list[Paper] = []
    groups = _Groups()
    for p in sightings:
        seen.append(p)
        groups.add(p)
    if keys is not None:
        keys.titles.update(groups.by_title)
        keys.arxiv.update(groups.by_arxiv)
        keys.loose.update(groups.loose)
        keys.bare.update(k for k, i in groups.by_title.items() if not groups.arxiv[groups.find(i)])
    members: dict[int, list[Paper]] = {}
    for i, p in enumerate(seen):
        members.setdefault(groups.find(i), []).append(p)
    del seen
    for root in sorted(members):  # a group's sightings go once merged: one copy of the corpus held
        group = members.pop(root)
        merged = merge_group(group)
        yield group[0] if len(group) == 1 and merged == group[0] else merged
