"""Cross-validation folds: fixed by a seed, each group (a seed page) spread over all folds."""

import random
from collections import defaultdict
from collections.abc import Hashable, Sequence


def folds(groups: Sequence[Hashable], k: int = 5, seed: int = 0) -> list[int]:
    """The fold (0..k-1) of each item, given the group of each (its seed page).

    Within each group the items are shuffled by ``seed`` and dealt round-robin, the deal
    going on from group to group, so every group is spread over the folds and the folds
    differ in size by at most one.

    >>> folds(["a"] * 4 + ["b"] * 3, k=2, seed=1)
    [1, 1, 0, 0, 1, 0, 0]
    """
    rng = random.Random(seed)
    members: dict[Hashable, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    out = [0] * len(groups)
    turn = 0
    for g in sorted(members, key=str):
        items = members[g][:]
        rng.shuffle(items)
        for i in items:
            out[i] = turn % k
            turn += 1
    return out
