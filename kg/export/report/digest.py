"""What the report, ``kg stats`` and ``kg show`` read of a corpus: a small, canonical digest.

A :class:`Digest` holds the papers (title, dates, links to code), the entities (type,
names, family, the papers naming them) and the links between papers, and nothing
else: no abstracts, no evidence. It is made from a resolved corpus by
:func:`digest_of`, or from the store of a build by :func:`kg.export.report.stored.read_digest`,
and both give the same digest for the same build, so that the figures of ``kg stats``
are those of ``report.html``. To that end it keeps only what the store keeps, in one
order: ids sorted, aliases without the name, shared entities rarest first, and
repositories with the kind and ``official`` flag of the repository (official when a
paper linking it says it is its own code), as ``kg:official`` has them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from kg.records import CorpusRecords, Entity, Link, Repo

WEIGHT_DECIMALS = 6  # as the store keeps a link's weight (xsd:decimal)


@dataclass(frozen=True)
class RepoInfo:
    """A repository a paper links; ``kind`` is None for a metadata link nothing typed."""

    url: str
    kind: str | None = None
    official: bool = False

    @property
    def is_code(self) -> bool:
        return self.kind == "code"


@dataclass(frozen=True)
class PaperInfo:
    """What the digest keeps of a paper."""

    id: str
    title: str
    date: str | None = None
    page_date: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    repos: tuple[RepoInfo, ...] = ()


@dataclass(frozen=True)
class Digest:
    """Papers, entities and links by id, in the canonical form described above.

    ``entities`` are :class:`kg.records.Entity` records whose ``papers`` and
    ``proposed_by`` come from the corpus' occurrences (sorted), without ``kb_id``.
    """

    papers: Mapping[str, PaperInfo]
    entities: Mapping[str, Entity]
    links: tuple[Link, ...] = field(default_factory=tuple)

    @cached_property
    def paper_entities(self) -> dict[str, list[tuple[str, str]]]:
        """Per paper id, its (entity id, role) pairs, by entity id."""
        out: dict[str, list[tuple[str, str]]] = {pid: [] for pid in self.papers}
        for eid, ent in self.entities.items():
            proposed = set(ent.proposed_by)
            for pid in ent.papers:
                out.setdefault(pid, []).append((eid, "proposed" if pid in proposed else "used"))
        return out

    @cached_property
    def neighbours(self) -> dict[str, list[Link]]:
        """Per paper id, its links, heaviest first."""
        out: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            out[link.source].append(link)
            out[link.target].append(link)
        for links in out.values():
            links.sort(key=lambda k: (-k.weight, k.source, k.target))
        return dict(out)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Per entity id, the ids of its direct variants, sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for eid, ent in self.entities.items():
            if ent.parent is not None:
                out[ent.parent].append(eid)
        return {k: sorted(v) for k, v in out.items()}

    @cached_property
    def months(self) -> dict[str, tuple[str | None, str]]:
        """Per paper id, ``(YYYY-MM or None, how it was dated)`` (:func:`.dates.paper_month`)."""
        from kg.export.report.dates import paper_month

        return {pid: paper_month(p.date, p.page_date, p.arxiv_id) for pid, p in self.papers.items()}

    @cached_property
    def dated(self) -> dict[str, str]:
        """Paper id -> month, for the papers that have one (read by most figures: made once)."""
        return {pid: m for pid, (m, _) in self.months.items() if m is not None}


@lru_cache(maxsize=1 << 16)  # a corpus shows a few thousand dates, each on many papers
def canonical_date(text: str | None, listed: str | None = None) -> str | None:
    """A full date as ``YYYY-MM-DD`` (as the store has it, an xsd:date), anything else as given;
    a year-less date takes the year of the listing date ``listed``, as kg.rdf writes it.

    >>> canonical_date("Sep 8, 2021"), canonical_date("Oct 3"), canonical_date(""), canonical_date("Oct 3", "Nov 4, 2024")
    ('2021-09-08', 'Oct 3', None, '2024-10-03')
    """
    from kg.sources.dates import full_date

    d = full_date(" ".join(text.split()), listed) if text else None
    return d.isoformat() if d is not None else text or None


def canonical(papers: Iterable[PaperInfo], entities: Iterable[Entity],
              links: Iterable[Link]) -> Digest:
    """A digest in canonical order: what both makers of a digest end with."""
    by_id = {p.id: replace(p, date=canonical_date(p.date, p.page_date), page_date=canonical_date(p.page_date))
             for p in sorted(papers, key=lambda p: p.id)}
    given = sorted(entities, key=lambda e: e.id)
    ids = {e.id for e in given}
    paper_ids = set(by_id)
    ents: dict[str, Entity] = {}
    for e in given:
        # a family that is not an entity of the corpus is no family (the store has no name for it)
        parent = e.parent if e.parent is not None and e.parent != e.id and e.parent in ids else None
        ents[e.id] = Entity(e.id, e.type, e.name,
                            tuple(sorted(set(e.aliases) - {e.name}, key=lambda a: (a.casefold(), a))),
                            parent, tuple(sorted(paper_ids.intersection(e.papers))),
                            tuple(sorted(paper_ids.intersection(e.proposed_by))))
    support = {eid: e.support for eid, e in ents.items()}
    kept = []
    for k in links:
        a, b = sorted((k.source, k.target))
        if a in by_id and b in by_id:
            shared = tuple(sorted({e for e in k.shared if e in ents}, key=lambda e: (support[e], e)))
            kept.append(Link(a, b, round(float(k.weight), WEIGHT_DECIMALS), shared))
    kept.sort(key=lambda k: (k.source, k.target))
    return Digest(by_id, ents, tuple(kept))


def digest_of(corpus: CorpusRecords) -> Digest:
    """The digest of a resolved corpus (a :class:`kg.corpus.Corpus` or any CorpusRecords)."""
    seen: dict[str, list[Repo]] = defaultdict(list)
    per_paper: dict[str, list[str]] = {}
    for pid, paper in corpus.papers.items():
        pe = corpus.extractions.get(pid)
        urls: dict[str, None] = {}
        for r in pe.links if pe is not None else ():
            urls[r.repository] = None
            seen[r.repository].append(r)
        for url in paper.repos:  # metadata links: no record says what they are
            urls.setdefault(url, None)
        per_paper[pid] = list(urls)

    def info(url: str) -> RepoInfo:
        records = seen.get(url, [])
        return RepoInfo(url, records[0].kind if records else None, any(r.official for r in records))

    papers = [PaperInfo(pid, p.title, p.date or None, p.page_date or None, p.arxiv_id, p.url or None,
                        tuple(sorted((info(u) for u in per_paper[pid]), key=lambda r: r.url)))
              for pid, p in corpus.papers.items()]
    naming: dict[str, set[str]] = defaultdict(set)
    proposing: dict[str, set[str]] = defaultdict(set)
    for occ in corpus.occurrences:
        naming[occ.entity].add(occ.paper)
        if occ.role == "proposed":
            proposing[occ.entity].add(occ.paper)
    entities = [Entity(eid, e.type, e.name, e.aliases, e.parent, tuple(naming[eid]),
                       tuple(proposing[eid])) for eid, e in corpus.entities.items()]
    return canonical(papers, entities, corpus.links)
