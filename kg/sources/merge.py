"""Sightings of the same paper, within or across inputs, become one Paper.

Two sightings are the same paper when they share an arXiv id, or when their
titles have the same :func:`~kg.keys.title_key` and they do not carry two
different arXiv ids. A title-only group that later meets its arXiv id joins the
group of that id. Output keeps first-seen order; sources are kept in input
order; each other field comes from the first sighting that has it, and link
lists (repos, categories, keywords) are unions.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from kg.keys import UnionFind, paper_id, title_key
from kg.records import Paper

_SCALARS = ("abstract", "raw_abstract", "doi", "url", "n_authors", "date", "page_date", "upvotes")
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
        elif titled_root is not None:
            self.union(titled_root, i)
        self.by_title.setdefault(key, i)


def merge_group(sightings: list[Paper]) -> Paper:
    """One Paper from the sightings of one paper, given in input order."""
    first = sightings[0]
    arxiv_id = next((p.arxiv_id for p in sightings if p.arxiv_id), None)
    values: dict[str, Any] = {k: next((getattr(p, k) for p in sightings if getattr(p, k) not in (None, "")), None)
              for k in _SCALARS}
    values["abstract"] = values["abstract"] or ""
    values["raw_abstract"] = values["raw_abstract"] or ""
    for k in _UNIONS:
        values[k] = tuple(dict.fromkeys(x for p in sightings for x in getattr(p, k)))
    authors = next((p.authors for p in sightings if p.authors), ())
    return Paper(
        id=paper_id(first.title, arxiv_id), title=first.title, raw_title=first.raw_title,
        arxiv_id=arxiv_id, authors=authors,
        sources=tuple(s for p in sightings for s in p.sources), **values)


def merge_papers(sightings: Iterable[Paper]) -> Iterator[Paper]:
    """Merged papers in first-seen order; holds one record per sighting until the input ends."""
    seen: list[Paper] = []
    groups = _Groups()
    for p in sightings:
        seen.append(p)
        groups.add(p)
    members: dict[int, list[Paper]] = {}
    for i, p in enumerate(seen):
        members.setdefault(groups.find(i), []).append(p)
    for root in sorted(members):
        yield merge_group(members[root])
