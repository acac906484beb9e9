"""Weighted links between papers that share entities.

The rules (tests/test_graph.py checks them against a brute-force all-pairs
computation):

* **Weight.** A pair of papers weighs the sum, over the entities both name, of
  ``idf = log(N / df)`` (N papers in the corpus, df papers naming the entity).
  No smoothing: an entity every paper names adds 0.
* **Common entities.** An entity is *common* when it is in more than
  ``link_max_df`` of the papers (but an entity in only two papers never is, so
  that small corpora still link) or in more than ``link_max_postings`` papers.
  A common entity never creates a link on its own; it still adds its (small)
  idf to a pair that shares a rarer entity, and is listed in ``shared``.
* **Minimum weight.** Links lighter than ``link_min_weight`` are dropped.
* **Neighbour cap.** Each paper ranks its candidate links by weight (ties: the
  other paper's id) and keeps its ``link_max_neighbours`` best; a link survives
  when *either* end keeps it. So every paper keeps its own best links even when
  the other end is a hub, and a hub can have more than the cap.

The work never touches all pairs of papers: candidates come from an inverted
index entity -> papers, one paper at a time, and only through non-common
entities, so it is bounded by ``papers x entities per paper x
link_max_postings``. Pair weights are accumulated with numpy (a pandas
dependency) per paper, which keeps memory at O(occurrences + links).
"""

import math
from collections.abc import Iterable

import numpy as np

from kg.records import Link, Occurrence
from kg.settings import Settings

_DECIMALS = 9  # weights are compared rounded, so float summation order cannot break ties


def link_cutoff(n_papers: int, settings: Settings) -> int:
    """The largest document frequency at which an entity may still create links.

    >>> link_cutoff(1000, Settings())
    200
    >>> link_cutoff(5, Settings())  # an entity shared by two papers always links
    2
    """
    by_share = max(int(settings.link_max_df * n_papers), 2)
    return min(by_share, settings.link_max_postings)


def paper_links(occurrences: Iterable[Occurrence], n_papers: int,
                settings: Settings | None = None) -> list[Link]:
    """Links between papers sharing entities, sorted by (source, target).

    ``n_papers`` is the size of the corpus (papers without entities count);
    it is raised to the number of papers seen in ``occurrences`` if smaller.
    """
    settings = settings or Settings()
    pairs = {(o.paper, o.entity) for o in occurrences}
    if not pairs:
        return []
    paper_ids = sorted({p for p, _ in pairs})
    entity_ids = sorted({e for _, e in pairs})
    pidx = {p: i for i, p in enumerate(paper_ids)}
    eidx = {e: i for i, e in enumerate(entity_ids)}
    n = max(n_papers, len(paper_ids))
    coded = np.array(sorted((pidx[p], eidx[e]) for p, e in pairs), dtype=np.int64)
    pap, ent = coded[:, 0], coded[:, 1]
    df = np.bincount(ent, minlength=len(entity_ids))
    idf = np.log(n / df)
    cutoff = link_cutoff(n, settings)
    common = df > cutoff

    order = np.lexsort((pap, ent))  # postings: papers of each entity, sorted
    postings = pap[order]
    start = np.concatenate(([0], np.cumsum(df)))
    n_local = len(paper_ids)
    pstart = np.searchsorted(pap, np.arange(n_local + 1))  # coded is sorted by paper
    masks, bit = _common_masks(pap, ent, common, n_local)

    acc = np.zeros(n_local)  # weights towards the current paper, reset after each paper
    slot = np.zeros(n_local, dtype=np.int64)
    kept_lo: list[np.ndarray] = []
    kept_hi: list[np.ndarray] = []
    k = settings.link_max_neighbours
    for p in range(n_local):
        ents = ent[pstart[p]:pstart[p + 1]]
        ents = ents[df[ents] >= 2]
        rare, pop = ents[~common[ents]], ents[common[ents]]
        if not len(rare):
            continue
        for e in rare.tolist():
            acc[postings[start[e]:start[e + 1]]] += idf[e]
        cands = np.concatenate([postings[start[e]:start[e + 1]] for e in rare])
        slot[cands] = np.arange(len(cands))  # the last write per paper wins: one slot each
        others = cands[slot[cands] == np.arange(len(cands))]
        w = acc[others]
        acc[others] = 0.0
        for e in pop.tolist():
            w = w + idf[e] * ((masks[others, bit[e] >> 6] >> np.uint64(bit[e] & 63)) & np.uint64(1))
        w = np.round(w, _DECIMALS)
        keep = (others != p) & (w >= settings.link_min_weight)
        others, w = others[keep], w[keep]
        if len(others) > k:
            others = others[_top(others, w, k)]
        kept_lo.append(np.minimum(others, p))
        kept_hi.append(np.maximum(others, p))
    if not kept_lo:
        return []
    lo = np.concatenate(kept_lo)
    hi = np.concatenate(kept_hi)
    keys = np.unique(lo * n_local + hi)

    by_paper: list[list[int]] = [[] for _ in paper_ids]
    for p, e in coded.tolist():
        by_paper[p].append(e)
    sets = [frozenset(es) for es in by_paper]
    dfl, idfl = df.tolist(), idf.tolist()
    links = []
    for key in keys.tolist():
        a, b = divmod(key, n_local)
        shared = sorted(sets[a] & sets[b], key=lambda e: (dfl[e], e))
        links.append(Link(paper_ids[a], paper_ids[b], round(math.fsum(idfl[e] for e in shared), _DECIMALS),
                          tuple(entity_ids[e] for e in shared)))
    return links


def _common_masks(pap: np.ndarray, ent: np.ndarray, common: np.ndarray,
                  n_papers: int) -> tuple[np.ndarray, np.ndarray]:
    """One bit per (paper, common entity), packed in uint64 words: membership in O(1)."""
    bit = np.full(len(common), -1, dtype=np.int64)
    bit[common] = np.arange(int(common.sum()))
    words = max(1, -(-int(common.sum()) // 64))
    masks = np.zeros((n_papers, words), dtype=np.uint64)
    sel = common[ent]
    b = bit[ent[sel]]
    np.bitwise_or.at(masks, (pap[sel], b >> 6), np.left_shift(np.uint64(1), (b & 63).astype(np.uint64)))
    return masks, bit


def _top(others: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best candidates: highest weight, then smallest paper index."""
    kth = np.partition(w, len(w) - k)[len(w) - k]
    above = np.flatnonzero(w > kth)
    ties = np.flatnonzero(w == kth)
    ties = ties[np.argsort(others[ties], kind="stable")[:k - len(above)]]
    return np.concatenate([above, ties])
