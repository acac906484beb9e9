"""The map: related papers and the entities they share, grouped into communities.

The graph holds every paper with a related paper (a :class:`~kg.records.Link`),
the entities that two or more of them name, the links between papers and the
family edges between entities. Papers with no related paper are left out of the
drawing (listed apart by the page, never drawn as a ring). Communities are found
by Louvain with a fixed seed on nodes numbered in key order, so a build gives the
same map whatever the hash seed. Within a community nodes are ranked by
importance (an entity by its support, a paper by its degree); a community is
named by its most characteristic entities: those many of its papers name and
few papers elsewhere.
"""

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx

SEED = 13
MIN_SUPPORT = 2  # an entity named by fewer drawn papers adds a leaf, not structure
LABEL_ENTITIES = 2
MIN_QUOTA = 3  # nodes each community keeps when the map is trimmed
STRONGEST = 6  # links each paper keeps on the map (its heaviest)
CLUSTER_FACTOR = 2  # a large map clusters this many times max_nodes of its most important nodes

Keep = Callable[[str, int], bool]


def map_graph(corpus: Any, keep: Keep, limit: int = 0) -> tuple[nx.Graph, tuple[str, ...]]:
    """The map's graph and the ids of the papers left out for having no related paper.

    A link counts when it shares an entity ``keep`` accepts (or shares none listed);
    each paper keeps its :data:`STRONGEST` heaviest links (a link stays when either
    end keeps it). With ``limit`` (0 = none) and more nodes than that, only the
    ``limit`` most important are kept, papers and entities in proportion: what
    Louvain and the layout then work on. ``graph["total_nodes"]`` and
    ``graph["total_edges"]`` count the map before that cut.
    """
    memo: dict[str, bool] = {}

    def shown(eid: str) -> bool:
        got = memo.get(eid)
        if got is None:
            ent = corpus.entities.get(eid)
            got = memo[eid] = ent is not None and keep(ent.type, ent.support)
        return got

    by_paper: dict[str, list[tuple[float, int]]] = {}
    links: list[tuple[Any, tuple[str, ...]]] = []
    for link in corpus.links:
        if link.source not in corpus.papers or link.target not in corpus.papers:
            continue
        shared = tuple(e for e in link.shared if shown(e))
        if link.shared and not shared:
            continue
        n = len(links)
        links.append((link, shared))
        by_paper.setdefault(link.source, []).append((-link.weight, n))
        by_paper.setdefault(link.target, []).append((-link.weight, n))
    strong: set[int] = set()
    for ranked in by_paper.values():
        ranked.sort()
        strong.update(n for _, n in ranked[:STRONGEST])
    links = [links[n] for n in sorted(strong)]
    degree: Counter[str] = Counter()
    for lk, _ in links:
        degree[lk.source] += 1
        degree[lk.target] += 1
    named: dict[str, list[tuple[str, str]]] = {}
    for occ in corpus.occurrences:
        if occ.paper in degree and shown(occ.entity):
            named.setdefault(occ.entity, []).append((occ.paper, occ.role))
    ents = {eid: uses for eid, uses in named.items() if len({p for p, _ in uses}) >= MIN_SUPPORT}
    papers = [pid for pid in corpus.papers if pid in degree]
    total_nodes = len(papers) + len(ents)
    total_edges = len(links) + sum(len({p for p, _ in u}) for u in ents.values()) + sum(
        1 for e in ents if corpus.entities[e].parent in ents and corpus.entities[e].parent != e)
    if limit and total_nodes > limit:
        share = round(limit * len(papers) / total_nodes)
        top = set(sorted(papers, key=lambda p: (-degree[p], p))[:share])
        papers = [p for p in papers if p in top]
        kept = set(papers)
        best = sorted(ents, key=lambda e: (-corpus.entities[e].support, e))[:limit - share]
        ents = {e: [(p, r) for p, r in ents[e] if p in kept] for e in best}
        ents = {e: u for e, u in ents.items() if u}
        links = [(lk, sh) for lk, sh in links if lk.source in kept and lk.target in kept]
    g = nx.Graph(total_nodes=total_nodes, total_edges=total_edges)
    g.add_nodes_from(("p:" + pid, {"type": "paper", "ref": pid, "support": 0}) for pid in papers)
    for eid, uses in ents.items():
        ent = corpus.entities[eid]
        g.add_node("e:" + eid, type=ent.type, ref=eid, support=ent.support)
        for pid, role in uses:
            if not g.has_edge("p:" + pid, "e:" + eid):
                g.add_edge("p:" + pid, "e:" + eid, kind="mentions", role=role, weight=1.0,
                           shared=())
    for link, shared in links:
        g.add_edge("p:" + link.source, "p:" + link.target, kind="link",
                   weight=float(link.weight), shared=shared)
    for eid in ents:
        parent = corpus.entities[eid].parent
        if parent and parent in ents and parent != eid:
            g.add_edge("e:" + eid, "e:" + parent, kind="variant", weight=1.0, shared=())
    isolated = tuple(pid for pid in corpus.papers if pid not in degree)
    return g, isolated


def importance(g: nx.Graph, key: str) -> float:
    """An entity's support, a paper's degree: what decides which labels come first."""
    attrs = g.nodes[key]
    return float(attrs["support"] if attrs["type"] != "paper" else g.degree(key))


def communities(g: nx.Graph, seed: int = SEED) -> list[list[str]]:
    """Node keys of each community, largest first, each ordered most important first."""
    keys = sorted(g.nodes)
    if not keys:
        return []
    from kg.export.louvain import louvain_communities  # networkx's Louvain, without its graphs

    index = {k: i for i, k in enumerate(keys)}
    found = louvain_communities(len(keys), ((index[u], index[v], d["weight"])
                                            for u, v, d in g.edges(data=True)), seed)
    groups = []
    for c in found:
        members = [keys[i] for i in c]
        members.sort(key=lambda k: (-importance(g, k), k))
        groups.append(members)
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def community_label(corpus: Any, g: nx.Graph, members: Sequence[str]) -> str:
    """The names of the entities most characteristic of the community (many of its papers
    name them, few papers elsewhere), or its best connected paper's title."""
    inside = set(members)
    papers = [k for k in members if k.startswith("p:")]
    count: Counter[str] = Counter()
    for p in papers:
        count.update(v for v in g.adj[p] if v.startswith("e:"))
    for k in members:  # a community of entities alone still has its own
        if k.startswith("e:") and k not in count:
            count[k] = sum(1 for v in g.adj[k] if v in inside) or 1
    total = max(len(corpus.papers), 1)

    def score(k: str) -> tuple[float, str]:
        support = max(g.nodes[k]["support"], 1)
        return (-count[k] * math.log(1 + total / support), k)

    best = sorted(count, key=score)[:LABEL_ENTITIES]
    if best:
        return " \u00b7 ".join(corpus.entities[k[2:]].name for k in best)
    if papers:
        return str(corpus.papers[papers[0][2:]].title)
    return members[0][2:] if members else ""


def trim(groups: list[list[str]], max_nodes: int, keep: set[str]) -> set[str]:
    """At most ``max_nodes`` keys: each community keeps its most important nodes, in
    proportion to its size (at least :data:`MIN_QUOTA`, largest communities first);
    ``keep`` (the focused nodes) always stays."""
    total = sum(len(c) for c in groups)
    chosen = set(keep)
    quotas = [max(MIN_QUOTA, math.floor(max_nodes * len(c) / max(total, 1))) for c in groups]
    for c, quota in zip(groups, quotas, strict=True):
        room = max_nodes - len(chosen)
        if room <= 0:
            break
        chosen.update([k for k in c if k not in chosen][:min(quota, room)])
    rest = iter(k for c in groups for k in c if k not in chosen)
    while len(chosen) < max_nodes:  # quotas rounded down: fill up in community order
        nxt = next(rest, None)
        if nxt is None:
            break
        chosen.add(nxt)
    return chosen
