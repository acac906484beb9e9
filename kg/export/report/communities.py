"""Communities of related papers: Louvain on the links graph, with a fixed seed.

Louvain is networkx's, run by :mod:`kg.export.louvain` (the same communities, without
networkx's graph classes).

The graph is the one of related papers (an edge per :class:`~kg.records.Link`,
weighted by it), whose weights already discount the entities every paper names;
papers without a related paper are in no community and are counted apart. Nodes
are numbered in id order before Louvain sees them, so the same corpus gives the
same communities whatever the hash seed. Each community is described by the
entities most of its papers name (ties: the rarer in the corpus first) and by its
best connected papers.
"""

from collections import Counter

from kg.export.report.digest import Digest
from kg.export.report.tables import Table, table

SEED = 13  # Louvain's random order: fixed, so that a build is repeatable
TOP_ENTITIES = 5
EXAMPLES = 3
MIN_SIZE = 2


def communities(d: Digest) -> list[list[str]]:
    """Paper ids of each community of two papers or more, largest first (ties: first id)."""
    from kg.export.louvain import louvain_communities

    linked = sorted({k.source for k in d.links} | {k.target for k in d.links})
    index = {pid: i for i, pid in enumerate(linked)}
    found = louvain_communities(len(linked), ((index[k.source], index[k.target], k.weight)
                                              for k in d.links), SEED)
    groups = [sorted(linked[i] for i in c) for c in found if len(c) >= MIN_SIZE]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def top_entities(d: Digest, papers: list[str], n: int = TOP_ENTITIES) -> list[tuple[str, int]]:
    """(entity id, papers of the community naming it), most first; ties: rarer overall first."""
    count: Counter[str] = Counter(eid for p in papers for eid, _ in d.paper_entities.get(p, ()))
    ranked = sorted((eid for eid, k in count.items() if k >= 2 or len(papers) < 4),
                    key=lambda eid: (-count[eid], d.entities[eid].support,
                                     d.entities[eid].name.casefold(), eid))
    return [(eid, count[eid]) for eid in ranked[:n]]


def central_papers(d: Digest, papers: list[str], n: int = EXAMPLES) -> list[str]:
    """The ``n`` papers with the most link weight inside the community."""
    members = set(papers)
    strength = {p: sum(k.weight for k in d.neighbours.get(p, ())
                       if k.source in members and k.target in members) for p in papers}
    return sorted(papers, key=lambda p: (-strength[p], p))[:n]


def communities_table(d: Digest, n: int) -> Table:
    """The ``n`` largest communities with their top entities and central papers."""
    found = communities(d)
    in_none = len(d.papers) - sum(len(c) for c in found)
    rows = []
    for i, members in enumerate(found[:n], 1):
        ents = top_entities(d, members)
        names = [d.entities[eid].name for eid, _ in ents]
        rows.append((i, len(members), " \u00b7 ".join(names[:3]),
                     "; ".join(f"{d.entities[eid].name} ({k})" for eid, k in ents),
                     "; ".join(d.papers[p].title for p in central_papers(d, members))))
    note = (f"{len(found)} communities of {MIN_SIZE} papers or more; {in_none} papers are in "
            "none (no related paper, or alone in theirs)")
    return table("communities", "Largest communities of related papers",
                 ("community", "papers", "label", "top entities", "central papers"), rows, note)
