"""kg.export.louvain finds exactly the communities networkx's Louvain finds (same sets, same order)."""

import random

import networkx as nx
import pytest

from kg.export.louvain import louvain_communities, modularity


def networkx_louvain(n: int, edges: list[tuple[int, int, float]], seed: int) -> list[set[int]]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(edges)
    found: list[set[int]] = nx.community.louvain_communities(g, weight="weight", seed=seed)
    return found


def random_graph(rng: random.Random) -> tuple[int, list[tuple[int, int, float]]]:
    """Nodes with no edge, self-loops, an edge given twice, integer and float weights."""
    n = rng.randint(1, 150)
    edges = []
    for _ in range(rng.randint(0, 5 * n)):
        u = rng.randrange(n)
        v = u if rng.random() < 0.03 else rng.randrange(n)
        edges.append((u, v, rng.choice([1, 3, rng.random(), 0.1 + 9 * rng.random()])))
    return n, edges


@pytest.mark.parametrize("case", range(40))
def test_same_communities_as_networkx(case: int) -> None:
    rng = random.Random(case)
    for _ in range(5):
        n, edges = random_graph(rng)
        seed = rng.randint(0, 1000)
        assert louvain_communities(n, edges, seed) == networkx_louvain(n, edges, seed)


def test_clustered_graph_with_several_levels() -> None:
    rng = random.Random(7)
    groups = [list(range(i * 30, i * 30 + 30)) for i in range(20)]
    edges = [(rng.choice(g), rng.choice(g), 1 + rng.random()) for g in groups for _ in range(90)]
    edges += [(rng.randrange(600), rng.randrange(600), rng.random()) for _ in range(300)]
    found = louvain_communities(600, edges, 13)
    assert found == networkx_louvain(600, edges, 13)
    assert 5 <= len(found) < 100


def test_graph_without_edges_is_all_singletons() -> None:
    assert louvain_communities(3, [], 13) == [{0}, {1}, {2}] == networkx_louvain(3, [], 13)
    assert louvain_communities(0, [], 13) == []


def test_modularity_is_networkx_s() -> None:
    rng = random.Random(3)
    n, edges = random_graph(rng)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(edges)
    parts = networkx_louvain(n, edges, 1)
    adj: list[dict[int, float]] = [dict() for _ in range(n)]
    for u, v, w in edges:
        adj[u][v] = adj[v][u] = w
    assert modularity(adj, parts) == nx.community.modularity(g, parts, weight="weight")
