"""How alike two papers' texts are: TF-IDF cosine over the words of title and abstract.

A word is a run of lowercase letters and digits holding a letter, at least two
characters (hyphens split: "chain-of-thought" is three words). It weighs
``(1 + log tf) * log(N / df)`` in a paper's vector, vectors have unit length, and
only words that at least two papers and at most ``link_cutoff(N)`` papers (and
``link_text_max_postings``) use count: function words ("the", "we", "model") fall
above the cut-off by their frequency alone, so no stop-word list is needed, and
every word's postings are bounded, which bounds the work of :func:`similar_pairs`
as the entity index is.
"""

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping

import numpy as np

from kg.records import Paper

# a word: a whole run of lowercase letters and digits holding a letter, two characters or more
# (the lookahead turns a one-character run down before it is matched)
_WORD = re.compile(r"(?=[a-z0-9]{2})[a-z0-9]*[a-z][a-z0-9]*")

Vector = dict[str, float]


class PaperTexts(Mapping[str, str]):
    r"""The text of each paper, title and abstract (``"{title}\n{abstract}"``), made when asked
    for rather than held: the text index reads each once.

    >>> from kg.records import Paper
    >>> texts = PaperTexts({"p": Paper("p", "A title", "An abstract.")})
    >>> dict(texts)
    {'p': 'A title\nAn abstract.'}
    """

    def __init__(self, papers: Mapping[str, Paper]) -> None:
        self._papers = papers

    def __getitem__(self, pid: str) -> str:
        p = self._papers[pid]
        return f"{p.title}\n{p.abstract}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._papers)

    def __len__(self) -> int:
        return len(self._papers)


def words(text: str) -> list[str]:
    """The words of ``text``, lowercase, in order.

    >>> words("Chain-of-Thought, GPT-4 and 3D")
    ['chain', 'of', 'thought', 'gpt', 'and', '3d']
    """
    found: list[str] = _WORD.findall(text.lower())
    return found


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


def spans(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The positions ``lo[0] .. hi[0] - 1``, then ``lo[1] .. hi[1] - 1`` ... in one array
    (an empty span where ``hi <= lo``).

    >>> spans(np.array([3, 0, 7]), np.array([5, 0, 9])).tolist()
    [3, 4, 7, 8]
    """
    lengths = np.maximum(hi - lo, 0)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    out: np.ndarray = np.arange(total, dtype=np.int64) + np.repeat(lo - (ends - lengths), lengths)
    return out


def cosine(u: Vector, v: Vector) -> float:
    """The dot product of two unit vectors.

    >>> round(cosine({"a": 0.6, "b": 0.8}, {"b": 1.0}), 3)
    0.8
    """
    if len(u) > len(v):
        u, v = v, u
    return math.fsum(x * v[w] for w, x in u.items() if w in v)


def similar_pairs(vectors: Mapping[str, Vector], min_cosine: float,
                  min_words: int = 1) -> dict[tuple[str, str], float]:
    """Pairs ``(a, b)``, ``a < b``, whose cosine is at least ``min_cosine``, with it.

    The two vectors must share at least ``min_words`` words: in a small corpus one
    word alone can make two short vectors alike, which is chance, not a topic.

    Dot products are gathered through an inverted index word -> papers (numpy arrays,
    :class:`TextIndex`), one paper at a time against the later papers sharing a word
    with it, so the work is bounded by ``papers x words per paper x the largest
    posting``; the pairs that reach ``min_cosine`` are then computed exactly with
    :func:`cosine` (the same summation as a direct comparison).
    """
    index = TextIndex(vectors)
    found: dict[tuple[str, str], float] = {}
    for pid in index.ids:
        for other, sim in index.later_alike(pid, min_cosine, min_words).items():
            found[pid, other] = sim
    return found


class TextIndex:
    """The inverted index word -> papers of unit vectors, and the vectors, as numpy arrays.

    :meth:`later_alike` of one paper does not depend on any other paper's call, so the
    papers can be split in parts computed anywhere (the pair counting of linking on a
    Dask cluster), and their results are those of one pass. Arrays rather than dicts:
    16 bytes a word of a paper, twice (by paper and by word), where a dict of floats
    costs some hundred, so the index of a large corpus travels and fits on each worker.
    """

    def __init__(self, vectors: Mapping[str, Vector]) -> None:
        ids = sorted(vectors)
        vocab = sorted({w for v in vectors.values() for w in v})
        widx = {w: i for i, w in enumerate(vocab)}
        sizes = np.array([len(vectors[pid]) for pid in ids], dtype=np.int64)
        total = int(sizes.sum())
        self._arrays(ids, sizes, len(vocab),
                     np.fromiter((widx[w] for pid in ids for w in vectors[pid]), dtype=np.int64,
                                 count=total),
                     np.fromiter((x for pid in ids for x in vectors[pid].values()),
                                 dtype=np.float64, count=total))

    @classmethod
    def of_texts(cls, texts: Mapping[str, str], max_df: int) -> "TextIndex":
        """``TextIndex(text_vectors(texts, max_df))``, made without the vectors.

        The same weights, computed with the same float operations as :func:`text_vectors`,
        go straight into arrays: a paper's words are held as small integers (4 bytes each,
        and 4 for the count) between the two passes, never as a dict of floats per paper.
        """
        ids = sorted(texts)
        known: dict[str, int] = {}  # word -> its number, in the order first met
        numbers, counts, lengths = array("i"), array("i"), array("q")  # each paper's distinct words
        for pid in ids:
            c = Counter(words(texts[pid]))
            for w in sorted(set(c).difference(known)):  # (sorted: numbers the same on every run)
                known[w] = len(known)
            numbers.extend(map(known.__getitem__, c))
            counts.extend(c.values())
            lengths.append(len(c))
        n = max(len(texts), 1)
        numbered = np.frombuffer(numbers, dtype=np.int32) if numbers else np.zeros(0, dtype=np.int32)
        df = np.bincount(numbered, minlength=len(known))  # a paper holds each of its words once
        spelling = list(known)
        kept = sorted(np.flatnonzero((df >= 2) & (df <= max_df)).tolist(), key=spelling.__getitem__)
        rank = np.full(len(known), -1, dtype=np.int64)  # word number -> place by spelling
        rank[kept] = np.arange(len(kept))
        # the same floats as text_vectors: 1 + log tf and log(N / df) by math, each product,
        # square and quotient one IEEE operation (numpy's are the same), fsum per paper
        idf = np.array([math.log(n / d) for d in df[kept].tolist()], dtype=np.float64)
        del known, df, spelling
        paper = np.repeat(np.arange(len(ids), dtype=np.int64),
                          np.frombuffer(lengths, dtype=np.int64) if lengths else 0)
        word = rank[numbered]
        tf = np.frombuffer(counts, dtype=np.int32) if counts else np.zeros(0, dtype=np.int32)
        del numbers, counts
        keep = word >= 0
        paper, word, tf = paper[keep], word[keep], tf[keep]
        order = np.lexsort((word, paper))  # each paper's words in spelling order
        paper, word, tf = paper[order], word[order], tf[order]
        top = int(tf.max()) if len(tf) else 0
        log_tf = np.array([0.0] + [1 + math.log(k) for k in range(1, top + 1)], dtype=np.float64)
        x = log_tf[tf] * idf[word]
        squares = x * x
        row = np.searchsorted(paper, np.arange(len(ids) + 1))
        sq, bounds = squares.tolist(), row.tolist()
        norms = np.array([math.sqrt(math.fsum(sq[i:j])) for i, j in zip(bounds[:-1], bounds[1:], strict=True)],
                         dtype=np.float64)
        sizes = np.where(norms > 0, np.diff(row), 0)  # a vector of norm 0 is empty
        live = norms[paper] > 0
        all_words = word[live]
        all_values = x[live] / norms[paper][live]
        index = cls.__new__(cls)
        index._arrays(ids, sizes, len(kept), all_words, all_values)
        return index

    def _arrays(self, ids: list[str], sizes: np.ndarray, n_words: int, words: np.ndarray,
                values: np.ndarray) -> None:
        """The index of papers ``ids`` holding ``sizes`` words each: ``words`` (numbers in
        spelling order, ``n_words`` of them, each paper's in that order) and their weights."""
        self.ids = ids
        self.position = {pid: i for i, pid in enumerate(ids)}
        # by paper: each vector's words (ids in word order, as the vectors hold them) and weights
        self.row = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.words, self.values = words, values
        # by word: the papers using it, in paper order, and their weights
        papers = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)
        order = np.lexsort((papers, self.words))
        self.paper, self.weight = papers[order], self.values[order]
        self.start = np.searchsorted(self.words[order], np.arange(n_words + 1))
        # (word, paper) of each posting as one sorted number
        self._keyed = np.repeat(np.arange(n_words, dtype=np.int64), np.diff(self.start)) \
            * len(ids) + self.paper

    def later_alike(self, pid: str, min_cosine: float, min_words: int = 1) -> dict[str, float]:
        """Papers after ``pid`` (in id order) at least ``min_cosine`` alike, sharing
        ``min_words`` words, with their cosine."""
        a = self.position[pid]
        _, others, sims = self.alike_block(a, a + 1, min_cosine, min_words)
        return {self.ids[b]: sim for b, sim in zip(others.tolist(), sims, strict=True)}

    def alike_block(self, lo: int, hi: int, min_cosine: float,
                    min_words: int = 1) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """:meth:`later_alike` of the papers at positions ``lo .. hi - 1`` at once: the pairs
        ``(a, b)``, ``b > a``, as two arrays of positions sorted by ``a`` then ``b``, and
        their cosines.

        The dot products of every pair of the block come from one sort of the pairs' keys
        (``a * N + b``); each pair's products are summed in the order one paper's call would
        sum them (``np.bincount`` adds in input order), and the cosine kept is their
        :func:`math.fsum`, exactly rounded, so the same float as :meth:`cosine`.
        """
        n = len(self.ids)
        empty = np.zeros(0, dtype=np.int64)
        first, last = int(self.row[lo]), int(self.row[hi])
        mine, xs = self.words[first:last], self.values[first:last]
        owner = np.repeat(np.arange(lo, hi, dtype=np.int64), np.diff(self.row[lo:hi + 1]))
        start = np.searchsorted(self._keyed, mine * n + owner, side="right")  # later papers only
        end = self.start[mine + 1]
        lengths = np.maximum(end - start, 0)
        at = spans(start, end)
        if not len(at):
            return empty, empty, []
        keys = np.repeat(owner, lengths) * n + self.paper[at]
        products = self.weight[at] * np.repeat(xs, lengths)
        pairs, inverse, shared = np.unique(keys, return_inverse=True, return_counts=True)
        dots = np.bincount(inverse, weights=products)
        chosen = (dots >= min_cosine - 1e-9) & (shared >= min_words)
        if not chosen.any():
            return empty, empty, []
        # each chosen pair's products, together (a stable sort keeps their order)
        keep = chosen[inverse]
        order = np.argsort(inverse[keep], kind="stable")
        grouped: list[float] = products[keep][order].tolist()
        ends = np.cumsum(shared[chosen]).tolist()
        exact = np.array([math.fsum(grouped[i:j]) for i, j in zip([0, *ends[:-1]], ends,
                                                                   strict=True)])
        ok = exact >= min_cosine
        picked = pairs[chosen][ok]
        return picked // n, picked % n, exact[ok].tolist()

    def cosine(self, a: int, b: int) -> float:
        """:func:`cosine` of papers ``a`` and ``b`` (positions): the same products, summed exactly."""
        wa, wb = self.words[self.row[a]:self.row[a + 1]], self.words[self.row[b]:self.row[b + 1]]
        _, ia, ib = np.intersect1d(wa, wb, assume_unique=True, return_indices=True)
        products = self.values[self.row[a] + ia] * self.values[self.row[b] + ib]
        return math.fsum(products.tolist())
