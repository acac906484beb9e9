"""Where the map puts each community and each node: communities apart, as discs.

Each community is laid out on its own (the seeded spring layout of
:mod:`.layout`) inside a disc whose area grows with its size; the discs are then
packed largest first, each on the first free spot of a spiral around the centre,
with a margin that leaves room for the community's name above it. Everything is
computed here, before the page is written: the page draws it without physics, so
positions (and the label boxes checked in the browser tests) are known.
"""

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np

from kg.export.html.layout import spring_layout

SPACING = 34.0  # canvas units per node along a disc's radius, about
MARGIN = 80.0  # between two discs, room for a community name


def disc_radius(n: int) -> float:
    return SPACING * math.sqrt(max(n, 1)) * 1.1 + 12.0


def community_positions(g: nx.Graph, members: Sequence[str], seed: int) -> np.ndarray:
    """Positions (len(members) x 2) inside the unit disc for one community."""
    index = {k: i for i, k in enumerate(members)}
    sub = [(index[u], index[v], g.edges[u, v]["weight"]) for u in members for v in g.adj[u]
           if v in index and index[u] < index[v]]
    edges = np.array([(a, b) for a, b, _ in sub], dtype=np.int64).reshape(-1, 2)
    weights = np.array([w for _, _, w in sub], dtype=np.float32)
    pos = spring_layout(len(members), edges, weights, seed=seed).astype(np.float64)
    if len(members) == 1:
        return np.zeros((1, 2))
    # a spring layout packs most nodes near the middle and flings a few out: keep each
    # node's direction and its rank in distance, but spread the ranks evenly over the
    # disc's area, so that nodes (and their labels) use the room the disc has
    pos -= pos.mean(axis=0)
    dist = np.sqrt((pos ** 2).sum(axis=1))
    rank = np.empty(len(members))
    rank[np.argsort(dist, kind="stable")] = np.arange(len(members))
    spread = np.sqrt((rank + 0.5) / len(members))
    unit: np.ndarray = pos / np.maximum(dist, 1e-9)[:, None]
    return unit * spread[:, None]


def pack(radii: Sequence[float]) -> list[tuple[float, float]]:
    """Centres of discs of ``radii`` (largest first is best), none overlapping: each on the
    first free point of an outward spiral.

    >>> c = pack([10.0, 10.0])
    >>> math.dist(c[0], c[1]) >= 20.0
    True
    """
    placed: list[tuple[float, float, float]] = []
    out = []
    for r in radii:
        if not placed:
            spot = (0.0, 0.0)
        else:
            step = max(6.0, r * 0.5)  # arc length and pitch of the spiral
            angle, dist = 0.0, 0.0
            blocker = placed[0]  # the disc that last stood in the way: most likely to again
            while True:
                x, y = dist * math.cos(angle), dist * math.sin(angle) * 0.75  # a wide map
                bx, by, br = blocker
                if math.hypot(x - bx, y - by) >= r + br + MARGIN:
                    # the same test as before over every disc (in any order: the same answer)
                    hit = next((d for d in placed
                                if math.hypot(x - d[0], y - d[1]) < r + d[2] + MARGIN), None)
                    if hit is None:
                        spot = (x, y)
                        break
                    blocker = hit
                turn = step / max(dist, step)
                angle += turn
                dist += step * turn / (2 * math.pi)
        placed.append((spot[0], spot[1], r))
        out.append(spot)
    return out


def map_layout(g: nx.Graph, groups: Sequence[Sequence[str]], seed: int = 42
               ) -> tuple[dict[str, tuple[float, float]], list[tuple[float, float, float]]]:
    """Canvas positions of every node of ``groups`` and each community's disc (x, y, r)."""
    radii = [disc_radius(len(c)) for c in groups]
    order = sorted(range(len(groups)), key=lambda i: (-radii[i], i))
    centres = dict(zip(order, pack([radii[i] for i in order]), strict=True))
    pos: dict[str, tuple[float, float]] = {}
    discs = []
    for i, members in enumerate(groups):
        cx, cy = centres[i]
        r = radii[i]
        inner = community_positions(g, list(members), seed) * (r - 10.0)
        for k, (x, y) in zip(members, inner, strict=True):
            pos[k] = (round(cx + float(x), 1), round(cy + float(y), 1))
        discs.append((round(cx, 1), round(cy, 1), round(r, 1)))
    return pos, discs
