"""Node positions computed before the page is written, so it opens without physics.

A Fruchterman-Reingold layout in numpy: repulsion between all pairs in row
blocks (memory stays small; above ``SAMPLE`` nodes, from a random sample each
iteration), attraction along edges, a little gravity so that separate components
stay in view. The number of iterations falls as the graph grows, which keeps
5,000 nodes within a few seconds; the seed makes it repeatable.
"""

import math

import numpy as np

BLOCK = 128  # rows of the pairwise repulsion computed at once
SAMPLE = 1500  # larger graphs feel repulsion from a fresh random sample of this many nodes
PAIR_BUDGET = 2.5e8  # iterations * pairs per iteration stays under this


def iterations_for(n: int, most: int = 60, least: int = 12) -> int:
    if n < 2:
        return 0
    return max(least, min(most, int(PAIR_BUDGET / (n * min(n, SAMPLE)))))


def spring_layout(n: int, edges: np.ndarray, weights: np.ndarray | None = None,
                  seed: int = 42, iterations: int | None = None) -> np.ndarray:
    """Positions (n x 2, roughly within [-1, 1]) for nodes 0..n-1 joined by ``edges`` (m x 2).

    >>> pos = spring_layout(3, np.array([[0, 1], [1, 2]]))
    >>> pos.shape
    (3, 2)
    """
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2)).astype(np.float32)
    if n < 2:
        return np.zeros((n, 2), dtype=np.float32)
    iters = iterations_for(n) if iterations is None else iterations
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    w = (np.ones(len(edges), dtype=np.float32) if weights is None
         else np.log1p(np.asarray(weights, dtype=np.float32)) + 0.5)
    k = np.float32(2.0 / math.sqrt(n))  # ideal edge length in a 2 x 2 box
    temp = 0.2
    for it in range(iters):
        disp = np.zeros_like(pos)
        x, y = pos[:, 0], pos[:, 1]
        sx, sy, strength = x, y, k * k
        if n > SAMPLE:  # an unbiased estimate of the all-pairs repulsion
            pick = rng.choice(n, size=SAMPLE, replace=False)
            sx, sy, strength = x[pick], y[pick], k * k * np.float32(n / SAMPLE)
        for lo in range(0, n, BLOCK):
            dx = x[lo:lo + BLOCK, None] - sx[None, :]
            dy = y[lo:lo + BLOCK, None] - sy[None, :]
            d2 = dx * dx
            d2 += dy * dy
            np.maximum(d2, np.float32(1e-6), out=d2)
            np.divide(strength, d2, out=d2)
            disp[lo:lo + BLOCK, 0] = np.einsum("ij,ij->i", dx, d2)
            disp[lo:lo + BLOCK, 1] = np.einsum("ij,ij->i", dy, d2)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.sqrt(np.einsum("ij,ij->i", delta, delta)) + 1e-6
            pull = delta * (dist * w / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(edges[:, 0], pull[:, axis], minlength=n)
                disp[:, axis] += np.bincount(edges[:, 1], pull[:, axis], minlength=n)
        disp -= pos * (k * 0.5 * n ** 0.5)  # gravity towards the centre
        length = np.sqrt(np.einsum("ij,ij->i", disp, disp)) + 1e-9
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp = 0.2 * (1 - (it + 1) / (iters + 1)) + 0.005
    pos -= pos.mean(axis=0)
    scale = float(np.abs(pos).max()) or 1.0
    return pos / scale


def canvas_positions(pos: np.ndarray) -> list[tuple[float, float]]:
    """Layout positions scaled to vis-network canvas units (nodes about 60 px apart)."""
    n = len(pos)
    scale = 60.0 * math.sqrt(max(n, 1)) + 100.0
    return [(round(float(x) * scale, 1), round(float(y) * scale, 1)) for x, y in pos]
