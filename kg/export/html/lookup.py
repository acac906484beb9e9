"""Finding the node a user names: a paper by id or title, an entity by any alias."""

import difflib
from typing import Any

from kg.errors import KGError
from kg.keys import lookup_key


def resolve(corpus: Any, name: str) -> str:
    """The node key (``p:``, ``e:`` or ``r:``) that ``name`` names, any case.

    Exact ids win over titles and entity names, which win over aliases; among
    equals the entity with the most papers wins. Raises :class:`KGError` with
    close matches when nothing matches.
    """
    want = lookup_key(name)
    if not want:
        raise KGError("focus needs a paper id or title, or an entity name")
    best: tuple[int, int, str] | None = None  # (rank, -support, key): smaller is better

    def offer(rank: int, support: int, key: str) -> None:
        nonlocal best
        cand = (rank, -support, key)
        if best is None or cand < best:
            best = cand

    names: list[str] = []
    for pid, paper in corpus.papers.items():
        if lookup_key(pid) == want or lookup_key(paper.arxiv_id or "") == want:
            offer(0, 0, "p:" + pid)
        if lookup_key(paper.title) == want:
            offer(1, 0, "p:" + pid)
        names.append(paper.title)
    for eid, ent in corpus.entities.items():
        if lookup_key(eid) == want:
            offer(0, ent.support, "e:" + eid)
        if lookup_key(ent.name) == want:
            offer(1, ent.support, "e:" + eid)
        if any(lookup_key(a) == want for a in ent.aliases):
            offer(2, ent.support, "e:" + eid)
        names.append(ent.name)
        names.extend(ent.aliases)
    if best is None:
        from kg.export.html.views import paper_repos, repo_key

        for pid in corpus.papers:
            for url in paper_repos(corpus, pid):
                if lookup_key(url) == want.rstrip("/"):
                    return repo_key(url)
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
        raise KGError(f"no paper or entity named {name!r}{hint}")
    return best[2]

