"""How alike two papers' texts are: TF-IDF cosine over the words of title and abstract.

A word is a run of lowercase letters and digits holding a letter, at least two
characters (hyphens split: "chain-of-thought" is three words). It weighs
``(1 + log tf) * log(N / df)`` in a paper's vector, vectors have unit length, and
only words that at least two papers and at most ``link_cutoff(N)`` papers use
count: function words ("the", "we", "model") fall above the cut-off by their
frequency alone, so no stop-word list is needed, and every word's postings are
bounded, which bounds the work of :func:`similar_pairs` as the entity index is.
"""

import math
import re
from collections import Counter
from collections.abc import Mapping

_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")

Vector = dict[str, float]


def words(text: str) -> list[str]:
    """The words of ``text``, lowercase, in order.

    >>> words("Chain-of-Thought, GPT-4 and 3D")
    ['chain', 'of', 'thought', 'gpt', 'and', '3d']
    """
    return [w for w in _WORD.findall(text.lower()) if len(w) >= 2]


def text_vectors(texts: Mapping[str, str], max_df: int) -> dict[str, Vector]:
    """Unit TF-IDF vectors of ``texts`` (id -> text); words in 2..``max_df`` texts only."""
    counts = {pid: Counter(words(t)) for pid, t in texts.items()}
    df = Counter(w for c in counts.values() for w in c)
    n = max(len(texts), 1)
    vectors: dict[str, Vector] = {}
    for pid, c in counts.items():
        v = {w: (1 + math.log(k)) * math.log(n / df[w]) for w, k in sorted(c.items())
             if 2 <= df[w] <= max_df}
        norm = math.sqrt(math.fsum(x * x for x in v.values()))
        vectors[pid] = {w: x / norm for w, x in v.items()} if norm else {}
    return vectors


def cosine(u: Vector, v: Vector) -> float:
    """The dot product of two unit vectors.

    >>> round(cosine({"a": 0.6, "b": 0.8}, {"b": 1.0}), 3)
    0.8
    """
    if len(u) > len(v):
        u, v = v, u
    return math.fsum(x * v[w] for w, x in u.items() if w in v)


def similar_pairs(vectors: Mapping[str, Vector], min_cosine: float) -> dict[tuple[str, str], float]:
    """Pairs ``(a, b)``, ``a < b``, whose cosine is at least ``min_cosine``, with it.

    Dot products are gathered through an inverted index word -> papers, so only
    pairs sharing a word are touched; each is then computed exactly with
    :func:`cosine` (the same summation as a direct comparison).
    """
    postings: dict[str, list[str]] = {}
    for pid in sorted(vectors):
        for w in vectors[pid]:
            postings.setdefault(w, []).append(pid)
    found: dict[tuple[str, str], float] = {}
    for a in sorted(vectors):
        partial: dict[str, float] = {}
        va = vectors[a]
        for w, x in va.items():
            for b in postings[w]:
                if b > a:
                    partial[b] = partial.get(b, 0.0) + x * vectors[b][w]
        for b, approx in partial.items():
            if approx >= min_cosine - 1e-9:
                exact = cosine(va, vectors[b])
                if exact >= min_cosine:
                    found[a, b] = exact
    return found
