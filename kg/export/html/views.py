"""The graph an HTML page shows: a view of the corpus, filtered, focused and trimmed.

Node keys are namespaced so a paper, an entity and a repository never collide:
``p:<Paper.id>``, ``e:<Entity.id>``, ``r:<repository URL>``. Every node has the
attributes ``type`` (paper, method, model, dataset, repo, ...), ``ref`` (the id in
the corpus) and ``support`` (papers naming an entity or repo; 0 for papers).
Edges have ``kind`` (mentions, variant, code, link, cooccurs), ``weight`` and
``shared`` (entity ids a link shares, or paper ids two entities share).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.errors import FormatError, KGError
from kg.export.html.lookup import bipartite_neighbours, resolve
from kg.keys import repo_address

VIEWS = ("papers", "links", "entities")
BASE_TYPES = ("paper", "method", "model", "dataset", "repo")
MAX_SHARED = 12  # co-occurring papers kept per entity pair (the count is exact)

Keep = Callable[[str, int], bool]


@dataclass(frozen=True)
class View:
    """A graph ready to lay out, and what was left out of it."""

    name: str
    graph: nx.Graph
    seeds: tuple[str, ...]  # the focused nodes (empty without a focus)
    shown_nodes: int
    total_nodes: int  # after filters and focus, before max_nodes
    shown_edges: int
    total_edges: int
    notes: tuple[str, ...]  # sentences for the page, plain text


def repo_key(url: str) -> str:
    return "r:" + repo_address(url)


def paper_repos(corpus: Any, pid: str) -> list[str]:
    """Repository URLs of one paper: extracted links first, then metadata."""
    seen: dict[str, None] = {}
    ext = corpus.extractions.get(pid)
    for r in getattr(ext, "links", ()) or ():
        seen[repo_address(r.repository)] = None
    for url in getattr(corpus.papers.get(pid), "repos", ()) or ():
        seen[repo_address(url)] = None
    return [u for u in seen if u]


def _paper_node(g: nx.Graph, corpus: Any, pid: str) -> None:
    g.add_node("p:" + pid, type="paper", ref=pid, support=0)


def papers_graph(corpus: Any, keep: Keep) -> nx.Graph:
    """Papers, their entities and repositories; an entity is joined to its family."""
    g = nx.Graph()
    for pid in corpus.papers:
        _paper_node(g, corpus, pid)
    ents = corpus.entities
    for occ in corpus.occurrences:
        ent = ents.get(occ.entity)
        if ent is None or occ.paper not in corpus.papers or not keep(ent.type, ent.support):
            continue
        ekey = "e:" + ent.id
        if ekey not in g:
            g.add_node(ekey, type=ent.type, ref=ent.id, support=ent.support)
        pkey = "p:" + occ.paper
        old = g.edges[pkey, ekey]["role"] if g.has_edge(pkey, ekey) else None
        role = "proposed" if "proposed" in (old, occ.role) else occ.role
        g.add_edge(pkey, ekey, kind="mentions", role=role, weight=1.0, shared=())
    for ent in ents.values():
        if ent.parent and "e:" + ent.id in g and "e:" + ent.parent in g:
            g.add_edge("e:" + ent.id, "e:" + ent.parent, kind="variant", weight=1.0, shared=())
    repo_papers: dict[str, list[str]] = defaultdict(list)
    for pid in corpus.papers:
        for url in paper_repos(corpus, pid):
            repo_papers[url].append(pid)
    for url, pids in repo_papers.items():
        if not keep("repo", len(pids)):
            continue
        g.add_node(repo_key(url), type="repo", ref=url, support=len(pids))
        for pid in pids:
            g.add_edge("p:" + pid, repo_key(url), kind="code", weight=1.0, shared=())
    return g


def links_graph(corpus: Any, keep: Keep) -> nx.Graph:
    """Papers joined by the links the corpus computed; a link needs a kept shared entity."""
    g = nx.Graph()
    for pid in corpus.papers:
        _paper_node(g, corpus, pid)
    ents = corpus.entities
    for link in corpus.links:
        if link.source not in corpus.papers or link.target not in corpus.papers:
            continue
        shared = tuple(e for e in link.shared
                       if e in ents and keep(ents[e].type, ents[e].support))
        if link.shared and not shared:
            continue
        g.add_edge("p:" + link.source, "p:" + link.target, kind="link",
                   weight=float(link.weight), shared=shared)
    return g


def entities_graph(corpus: Any, keep: Keep) -> nx.Graph:
    """Entities joined when a paper names both; weight = number of such papers."""
    g = nx.Graph()
    ents = corpus.entities
    by_paper: dict[str, set[str]] = defaultdict(set)
    for occ in corpus.occurrences:
        ent = ents.get(occ.entity)
        if ent is not None and keep(ent.type, ent.support):
            by_paper[occ.paper].add(ent.id)
    for eid in sorted({e for es in by_paper.values() for e in es}):
        ent = ents[eid]
        g.add_node("e:" + eid, type=ent.type, ref=eid, support=ent.support)
    count: dict[tuple[str, str], int] = defaultdict(int)
    papers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid in sorted(by_paper):
        es = sorted(by_paper[pid])
        for i, a in enumerate(es):
            for b in es[i + 1:]:
                count[a, b] += 1
                if len(papers[a, b]) < MAX_SHARED:
                    papers[a, b].append(pid)
    for (a, b), n in count.items():
        g.add_edge("e:" + a, "e:" + b, kind="cooccurs", weight=float(n), shared=tuple(papers[a, b]))
    return g


BUILDERS: dict[str, Callable[[Any, Keep], nx.Graph]] = {
    "papers": papers_graph, "links": links_graph, "entities": entities_graph}


def known_types(corpus: Any) -> list[str]:
    return sorted(set(BASE_TYPES) | {e.type for e in corpus.entities.values()})


def _keep(corpus: Any, types: Iterable[str] | None, min_support: int) -> Keep:
    chosen = None
    if types is not None:
        valid = known_types(corpus)
        chosen = {t.strip().lower() for t in types if t.strip()}
        for t in sorted(chosen):
            if t not in valid:
                raise FormatError("node type", t, valid)

    def keep(node_type: str, support: int) -> bool:
        return (chosen is None or node_type in chosen) and support >= min_support
    return keep


def neighbourhood(g: nx.Graph, seeds: Iterable[str], depth: int) -> dict[str, int]:
    """Distance from the nearest seed of every node within ``depth`` hops."""
    dist = {s: 0 for s in seeds}
    frontier = list(dist)
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in g.adj[u]:
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    return dist


def _seeds(corpus: Any, g: nx.Graph, key: str, view: str, name: str) -> list[str]:
    if key in g:
        return [key]
    near = bipartite_neighbours(corpus, key)
    seeds = [k for k in near if k in g]
    if not seeds:  # a repo in the entities view: through its papers
        seeds = sorted({k2 for k in near for k2 in bipartite_neighbours(corpus, k) if k2 in g})
    if not seeds:
        raise KGError(f"{name!r} has nothing to show in the {view} view with these filters; "
                      f"try --view papers or fewer filters")
    return seeds


def _connected_top(g: nx.Graph, order: list[str], size: int, keep: set[str]) -> set[str]:
    """The first ``size`` nodes of ``order``, swapping nodes that the cut left without
    any neighbour for the next nodes joined to the selection."""
    chosen, dropped = set(order[:size]), set()
    rank = {n: i for i, n in enumerate(order)}
    for _ in range(3):
        orphans = sorted((n for n in chosen if n not in keep and g.adj[n]
                          and not any(v in chosen for v in g.adj[n])), key=rank.__getitem__,
                         reverse=True)  # the least important first
        core = chosen.difference(orphans)
        fresh = [n for n in order[size:] if n not in chosen and n not in dropped
                 and any(v in core for v in g.adj[n])][:len(orphans)]
        if not fresh:
            break
        out = set(orphans[:len(fresh)])
        chosen = (chosen - out) | set(fresh)
        dropped |= out
    return chosen


def build_view(corpus: Any, view: str = "papers", focus: str | None = None, depth: int = 1,
               types: Iterable[str] | None = None, min_support: int = 1,
               max_nodes: int = 1500) -> View:
    """The graph of ``view``, filtered by type and support, focused, trimmed to ``max_nodes``.

    ``types`` limits entities and repositories (papers stay in the papers and links
    views; in the links view a link needs a shared entity of a chosen type).
    ``max_nodes`` 0 means no limit; otherwise the nodes nearest the focus, then the
    highest degree and support, are kept.
    """
    if view not in BUILDERS:
        raise FormatError("view", view, list(VIEWS))
    if depth < 0:
        raise KGError(f"depth must be 0 or more, not {depth}")
    if max_nodes < 0:
        raise KGError(f"max_nodes must be 0 (no limit) or more, not {max_nodes}")
    keep = _keep(corpus, types, min_support)
    g = BUILDERS[view](corpus, keep)
    notes = []
    if types is not None or min_support > 1:
        what = []
        if types is not None:
            what.append("types " + ", ".join(sorted({t.strip().lower() for t in types})))
        if min_support > 1:
            what.append(f"support at least {min_support}")
        notes.append("Filtered: " + "; ".join(what) + ".")
    seeds: list[str] = []
    dist: dict[str, int] = {}
    if focus is not None:
        key = resolve(corpus, focus)
        seeds = _seeds(corpus, g, key, view, focus)
        dist = neighbourhood(g, seeds, depth)
        g = g.subgraph(dist).copy()
        notes.append(f"Neighbourhood of {focus!r}, depth {depth}.")
    total_nodes, total_edges = g.number_of_nodes(), g.number_of_edges()
    if max_nodes and total_nodes > max_nodes:
        deg = dict(g.degree())
        order = sorted(g.nodes, key=lambda n: (dist.get(n, 0), -deg[n],
                                               -g.nodes[n]["support"], n))
        g = g.subgraph(_connected_top(g, order, max_nodes, set(seeds))).copy()
        rank = "nearest the focus, then highest degree" if seeds else "highest degree and support"
        notes.append(f"Showing {g.number_of_nodes()} of {total_nodes} nodes and "
                     f"{g.number_of_edges()} of {total_edges} edges ({rank}). "
                     f"Use --focus NAME or --max-nodes N to see more.")
    return View(view, g, tuple(seeds), g.number_of_nodes(), total_nodes,
                g.number_of_edges(), total_edges, tuple(notes))
