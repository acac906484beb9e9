"""Which pairs of papers linking examines: for each paper, the later papers that could pass
a rule with it (:func:`later_candidates`, a superset: :mod:`kg.resolve.links` checks each
exactly), found through the postings entity -> papers in a few array operations."""

from typing import TYPE_CHECKING

import numpy as np

from kg.resolve.similarity import spans

if TYPE_CHECKING:
    from kg.resolve.links import _Index


def later_candidates(ix: "_Index", p: int, postings: np.ndarray, keyed: np.ndarray,
                     start: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Papers after ``p`` that could pass a rule with it (a superset, checked exactly later):
    those sharing two evidence entities with it, or one that may do alone (a rare entity,
    one that ``p`` alone proposes), or the one proposer of an entity they share.

    ``keyed`` is ``_Index.keyed`` of ``postings`` (:mod:`kg.resolve.links`); ``scratch`` is
    an all-False array of one slot per paper, left so; the result is sorted.
    """
    ents = ix.ent[ix.row[p]:ix.row[p + 1]]
    ents = ents[ix.evidence[ents]]
    lo = np.searchsorted(keyed, ents * ix.n + p, side="right")  # papers after p only
    hi = start[ents + 1]
    idx = spans(lo, hi)
    if not len(idx):
        return np.zeros(0, dtype=np.int64)
    papers = postings[idx]
    others, counts = np.unique(papers, return_counts=True)  # a run holds each paper once
    single = ix.single[ents]
    alone = ix.rare[ents] | (single == p)  # one share may do
    sure = papers[np.repeat(alone, np.maximum(hi - lo, 0))]
    marked = single[~alone & (single > p) & (hi > lo)]
    scratch[sure] = True
    scratch[marked] = True
    ok: np.ndarray = others[(counts >= 2) | scratch[others]]
    scratch[sure] = False
    scratch[marked] = False
    return ok


def block_candidates(ix: "_Index", lo: int, hi: int, postings: np.ndarray, keyed: np.ndarray,
                     start: np.ndarray) -> np.ndarray:
    """:func:`later_candidates` of the papers ``lo .. hi - 1`` at once, as the sorted keys
    ``p * ix.n + q`` of the pairs ``(p, q)``: one sort of the block's keys instead of one
    per paper."""
    first, last = int(ix.row[lo]), int(ix.row[hi])
    ents, owner = ix.ent[first:last], ix.pap[first:last]
    evidence = ix.evidence[ents]
    ents, owner = ents[evidence], owner[evidence]
    after = np.searchsorted(keyed, ents * ix.n + owner, side="right")  # papers after p only
    end = start[ents + 1]
    lengths = np.maximum(end - after, 0)
    idx = spans(after, end)
    if not len(idx):
        return np.zeros(0, dtype=np.int64)
    keys = np.repeat(owner, lengths) * ix.n + postings[idx]
    pairs, counts = np.unique(keys, return_counts=True)  # a run holds each paper once
    single = ix.single[ents]
    alone = ix.rare[ents] | (single == owner)  # one share may do
    marked = ~alone & (single > owner) & (end > after)
    flagged = np.concatenate((keys[np.repeat(alone, lengths)], owner[marked] * ix.n + single[marked]))
    ok: np.ndarray = pairs[(counts >= 2) | np.isin(pairs, flagged)]
    return ok
