"""Names learnt from the training gold: how often each name was an entity of each kind.

A name annotated in other papers says much about a new mention of it ("Instruction Tuning"
was no entity in the papers that named it; "MIMIC-III" was a dataset). The counts are of
papers, per normalised name key, over KINDS; they ship inside the model. At training, each
group sees the counts of the *other* papers only (leave-one-paper-out), so the classifier
learns how far the counts can be trusted on a paper they were not made from.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from kg.extract.learn.model import KINDS

Counts = tuple[int, ...]


def learn_names(examples: Iterable[tuple[str, Sequence[str], str]]) -> dict[str, Counts]:
    """(paper, keys, kind) of each example -> per key, the papers in which it was each kind."""
    seen: set[tuple[str, str, str]] = set()
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(KINDS))
    for paper, keys, kind in examples:
        for key in keys:
            if (paper, key, kind) not in seen:
                seen.add((paper, key, kind))
                counts[key][KINDS.index(kind)] += 1
    return {k: tuple(v) for k, v in sorted(counts.items())}


def name_features(keys: Iterable[str], names: Mapping[str, Counts], minus: Counts | None = None) -> list[str]:
    """Features of what the learnt names say of a group with these keys (``minus``: its own paper's share)."""
    total = [0] * len(KINDS)
    for key in keys:
        c = names.get(key)
        if c:
            for i, v in enumerate(c):
                total[i] += v
    if minus:
        total = [max(0, t - m) for t, m in zip(total, minus, strict=True)]
    n = sum(total)
    if not n:
        return ["names=unseen"]
    best = max(range(len(KINDS)), key=lambda i: total[i])
    out = [f"names={KINDS[best]}", f"names={KINDS[best]}&n={min(n, 3)}"]
    if total[best] == n:
        out.append(f"names={KINDS[best]}&pure")
    return out
