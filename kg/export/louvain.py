"""Louvain communities: networkx's algorithm, step for step, on plain dicts of floats.

The report (communities of related papers) and the map of graph.html group nodes with
``networkx.community.louvain_communities(g, weight="weight", seed=SEED)`` on a graph
of nodes ``0..n-1``. On 100,000 papers most of that time goes into networkx's graph
classes (edge attribute dicts, views, two copies of the graph), not into the algorithm.
:func:`louvain_communities` does what networkx 3.x does (same random shuffles, same
floating-point sums in the same order, same sets, so the same communities; the tests
compare the two on many graphs) on an adjacency of ``{neighbour: weight}`` dicts.

>>> sorted(sorted(c) for c in louvain_communities(4, [(0, 1, 1.0), (2, 3, 1.0)], seed=13))
[[0, 1], [2, 3]]
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator

Adjacency = list[dict[int, float]]

THRESHOLD = 0.0000001  # networkx's default: a level must add this much modularity


def _graph(n: int, edges: Iterable[tuple[int, int, float]]) -> Adjacency:
    """An undirected graph on nodes ``0..n-1`` as networkx holds it: each node's neighbours
    in the order their first edge came; an edge given twice keeps its place, the last weight."""
    adj: Adjacency = [{} for _ in range(n)]
    for u, v, w in edges:
        adj[u][v] = w
        adj[v][u] = w
    return adj


def _edges(adj: Adjacency, nodes: Iterable[int] | None = None) -> Iterator[tuple[int, int, float]]:
    """Each edge once, as ``Graph.edges(nbunch, data="weight")`` lists them."""
    seen: set[int] = set()
    for u in range(len(adj)) if nodes is None else nodes:
        for v, w in adj[u].items():
            if v not in seen:
                yield u, v, w
        seen.add(u)


def _degrees(adj: Adjacency) -> list[float]:
    """Weighted degrees (a self-loop counts twice), summed as ``Graph.degree`` sums them."""
    out = []
    for u, nbrs in enumerate(adj):
        d = sum(nbrs.values())
        out.append(d + (nbrs[u] if u in nbrs else False))
    return out


def modularity(adj: Adjacency, communities: list[set[int]], resolution: float = 1) -> float:
    """``networkx.community.modularity`` of a partition of ``adj`` (same sums, same order)."""
    degree = _degrees(adj)
    deg_sum = sum(degree)
    m = deg_sum / 2
    norm = 1 / deg_sum**2

    def contribution(community: set[int]) -> float:
        comm = set(community)
        inner = sum(w for _, v, w in _edges(adj, comm) if v in comm)
        degree_sum = sum(degree[u] for u in comm)
        return inner / m - resolution * degree_sum * degree_sum * norm

    return sum(map(contribution, communities))


def _one_level(adj: Adjacency, members: list[set[int]] | None, m: float,
               partition: list[set[int]], resolution: float, rng: random.Random
               ) -> tuple[list[set[int]], list[set[int]], bool]:
    """One level of moves; ``members`` are the original nodes of each node (None: itself)."""
    n = len(adj)
    node2com = list(range(n))
    inner_partition = [{u} for u in range(n)]
    degrees = _degrees(adj)
    stot = list(degrees)
    nbrs = [{v: w for v, w in a.items() if v != u} for u, a in enumerate(adj)]
    rand_nodes = list(range(n))
    rng.shuffle(rand_nodes)
    twice_m2 = 2 * m**2
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in rand_nodes:
            best_mod: float = 0
            best_com = node2com[u]
            weights2com: defaultdict[int, float] = defaultdict(float)
            for nbr, wt in nbrs[u].items():
                weights2com[node2com[nbr]] += wt
            degree = degrees[u]
            stot[best_com] -= degree
            remove_cost = -weights2com[best_com] / m + resolution * (stot[best_com] * degree) / twice_m2
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - resolution * (stot[nbr_com] * degree) / twice_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != node2com[u]:
                com = members[u] if members is not None else {u}
                partition[node2com[u]].difference_update(com)
                inner_partition[node2com[u]].remove(u)
                partition[best_com].update(com)
                inner_partition[best_com].add(u)
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return ([p for p in partition if p], [p for p in inner_partition if p], improvement)


def _gen_graph(adj: Adjacency, members: list[set[int]] | None,
               partition: list[set[int]]) -> tuple[Adjacency, list[set[int]]]:
    """The graph of the communities: one node per community, edge weights summed."""
    node2com: dict[int, int] = {}
    grouped = []
    for i, part in enumerate(partition):
        nodes: set[int] = set()
        for node in part:
            node2com[node] = i
            nodes.update(members[node] if members is not None else {node})
        grouped.append(nodes)
    out: Adjacency = [{} for _ in partition]
    for u, v, w in _edges(adj):
        a, b = node2com[u], node2com[v]
        total = w + out[a].get(b, 0)
        out[a][b] = total
        out[b][a] = total
    return out, grouped


def louvain_communities(n: int, edges: Iterable[tuple[int, int, float]], seed: int,
                        resolution: float = 1, threshold: float = THRESHOLD) -> list[set[int]]:
    """The communities ``networkx.community.louvain_communities`` finds on the graph of nodes
    ``0..n-1`` (added in that order) and weighted ``edges`` (added in that order)."""
    rng = random.Random(seed)
    given = _graph(n, edges)
    partition = [{u} for u in range(n)]
    if not any(given):
        return partition
    mod = modularity(given, partition, resolution)
    adj = _graph(n, _edges(given))  # networkx's copy: neighbours in its edge order
    m = sum(_degrees(adj)) / 2
    members: list[set[int]] | None = None
    partition, inner, improvement = _one_level(adj, members, m, partition, resolution, rng)
    improvement = True
    found = partition
    while improvement:
        found = [s.copy() for s in partition]
        new_mod = modularity(adj, inner, resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        adj, members = _gen_graph(adj, members, inner)
        partition, inner, improvement = _one_level(adj, members, m, partition, resolution, rng)
    return found
