"""The graph an HTML page shows: a view of the corpus, filtered, focused and trimmed.

Each view is read off a graph of :mod:`kg.export.graphs`: the papers view off
``knowledge_graph``, the links view off ``paper_graph``, the entities view off
``cooccurrence_graph``; the map (the default) off the corpus's links and
occurrences (:mod:`.mapview`), with its communities. Node keys are namespaced so a paper, an entity and a
repository never collide: ``p:<Paper.id>``, ``e:<Entity.id>``, ``r:<repository URL>``. Every node has the
attributes ``type`` (paper, method, model, dataset, repo, ...), ``ref`` (the id in
the corpus) and ``support`` (papers naming an entity or repo; 0 for papers).
Edges have ``kind`` (mentions, variant, code, link, cooccurs), ``weight`` and
``shared`` (entity ids a link shares, or paper ids two entities share). In a
focused view every node also has ``hops``, its distance from the nearest seed.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.errors import FormatError, KGError
from kg.export.graphs import cooccurrence_graph, knowledge_graph, paper_graph
from kg.export.html.lookup import resolve
from kg.export.html.mapview import CLUSTER_FACTOR, communities, map_graph, trim
from kg.keys import repo_address

VIEWS = ("map", "papers", "links", "entities")
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
    communities: tuple[tuple[str, ...], ...] = ()  # the map's, most important node first
    isolated: tuple[str, ...] = ()  # papers the map leaves out: no related paper


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


def repo_papers(corpus: Any) -> dict[str, list[str]]:
    """The papers of every repository URL (as :func:`paper_repos` spells it), in corpus order."""
    out: dict[str, list[str]] = defaultdict(list)
    for pid in corpus.papers:
        for url in paper_repos(corpus, pid):
            out[url].append(pid)
    return dict(out)


def _insertion_order(g: nx.Graph) -> list[tuple[str, str]]:
    """The edges of ``g`` in an order that, added to a graph with the same nodes, gives
    every node its neighbours in the order ``g`` has them.

    networkx keeps neighbours in insertion order, and the page's edge list and layout
    follow it, so a view copied edge by edge in ``g.edges`` order would come out
    different. An edge is added once it is the next neighbour at both its ends.

    >>> g = nx.Graph()
    >>> g.add_nodes_from("abc")
    >>> g.add_edges_from([("c", "b"), ("a", "b")])
    >>> list(g.adj["b"]), list(g.copy().adj["b"])
    (['c', 'a'], ['a', 'c'])
    >>> h = nx.Graph()
    >>> h.add_nodes_from(g)
    >>> h.add_edges_from(_insertion_order(g))
    >>> list(h.adj["b"])
    ['c', 'a']
    """
    rest = {n: iter(g.adj[n]) for n in g}
    head = {n: next(rest[n], None) for n in g}
    order, todo = [], list(g)
    while todo:
        u = todo.pop()
        v = head[u]
        if v is None or head[v] != u:
            continue
        order.append((u, v))
        head[u] = next(rest[u], None)
        if v != u:
            head[v] = next(rest[v], None)
        todo += (u, v)
    return order


def shown_entities(knowledge: nx.MultiDiGraph, keep: Keep) -> set[str]:
    """The entities of a :func:`~kg.export.graphs.knowledge_graph` that a paper names
    and ``keep`` accepts (by type and support)."""
    named = {e for _, e, key in knowledge.edges(keys=True) if key == "mentions"}
    return {e for e in named if keep(knowledge.nodes[e]["type"], knowledge.nodes[e]["support"])}


def _add_papers(view: nx.Graph, source: nx.Graph) -> list[str]:
    """Adds the papers of ``source`` to ``view``, in order, and returns their ids."""
    pids = [n for n, attrs in source.nodes(data=True) if attrs.get("kind") == "paper"]
    view.add_nodes_from(("p:" + pid, {"type": "paper", "ref": pid, "support": 0}) for pid in pids)
    return pids


def papers_view(knowledge: nx.MultiDiGraph, shown: set[str],
                repos: dict[str, list[str]]) -> nx.Graph:
    """Papers of a :func:`~kg.export.graphs.knowledge_graph` with the ``shown`` entities
    they name, an entity joined to its family, and ``repos`` (URL -> papers).

    Entities come in the order of the first paper naming them. The repositories are
    not the knowledge graph's: the page folds a trailing ``/`` and lists a paper's
    repositories as its text gives them (:func:`paper_repos`), where the knowledge
    graph keeps URLs as given and sorts them (graph.graphml has that order).
    """
    g = nx.Graph()
    for pid in _add_papers(g, knowledge):
        for eid, edges in knowledge.succ[pid].items():
            if "mentions" in edges and eid in shown:
                ent = knowledge.nodes[eid]
                g.add_node("e:" + eid, type=ent["type"], ref=eid, support=ent["support"])
                g.add_edge("p:" + pid, "e:" + eid, kind="mentions",
                           role=edges["mentions"]["role"], weight=1.0, shared=())
    for eid, parent, key in knowledge.edges(keys=True):
        if key == "variant_of" and "e:" + eid in g and "e:" + parent in g:
            g.add_edge("e:" + eid, "e:" + parent, kind="variant", weight=1.0, shared=())
    for url, pids in repos.items():
        g.add_node(repo_key(url), type="repo", ref=url, support=len(pids))
        for pid in pids:
            g.add_edge("p:" + pid, repo_key(url), kind="code", weight=1.0, shared=())
    return g


def links_view(papers: nx.Graph, shown: set[str]) -> nx.Graph:
    """The links of a :func:`~kg.export.graphs.paper_graph`; a link that shares entities
    needs a ``shown`` one, and lists only those."""
    g = nx.Graph()
    _add_papers(g, papers)
    for a, b in _insertion_order(papers):
        if "p:" + a not in g or "p:" + b not in g:
            continue
        link = papers.edges[a, b]
        shared = tuple(e for e in link["shared"] if e in shown)
        if link["shared"] and not shared:
            continue
        g.add_edge("p:" + a, "p:" + b, kind="link", weight=link["weight"], shared=shared)
    return g


def entities_view(cooccurrence: nx.Graph, shown: set[str]) -> nx.Graph:
    """The ``shown`` entities of a :func:`~kg.export.graphs.cooccurrence_graph` built
    with ``papers=True``: weight = papers naming both, ``shared`` = the first of them."""
    g = nx.Graph()
    for eid in sorted(e for e in cooccurrence if e in shown):
        ent = cooccurrence.nodes[eid]
        g.add_node("e:" + eid, type=ent["type"], ref=eid, support=ent["support"])
    # the order in which pairs first meet, papers taken by id: the page's edge list and
    # layout follow insertion, and this is the order they have always had
    pairs = sorted((d["papers"][0], *sorted((a, b))) for a, b, d in cooccurrence.edges(data=True)
                   if a in shown and b in shown)
    for _, a, b in pairs:
        d = cooccurrence.edges[a, b]
        g.add_edge("e:" + a, "e:" + b, kind="cooccurs", weight=float(d["weight"]),
                   shared=tuple(d["papers"][:MAX_SHARED]))
    return g


def view_graph(corpus: Any, view: str, keep: Keep) -> nx.Graph:
    """The graph of ``view`` (one of :data:`VIEWS`), read off the graphs of kg.export.graphs."""
    knowledge = knowledge_graph(corpus.papers, corpus.entities, corpus.occurrences,
                                corpus.extractions)
    shown = shown_entities(knowledge, keep)
    if view == "map":
        return map_graph(corpus, keep)[0]
    if view == "links":
        return links_view(paper_graph(corpus.papers, corpus.links), shown)
    if view == "entities":
        return entities_view(cooccurrence_graph(corpus.occurrences, corpus.entities,
                                                papers=True), shown)
    repos = {url: pids for url, pids in repo_papers(corpus).items() if keep("repo", len(pids))}
    return papers_view(knowledge, shown, repos)


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


def _hops(g: nx.Graph, seeds: Iterable[str], depth: int) -> dict[str, int]:
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


def _induced(g: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph of ``g`` on ``nodes``, its nodes and every neighbour list in ``g``'s order.

    ``g.subgraph(nodes).copy()`` follows the iteration order of ``nodes`` when it keeps
    few nodes, and a set's order depends on the hash seed: the page would change from
    run to run.
    """
    keep = set(nodes)
    out = g.__class__()
    out.graph.update(g.graph)
    out.add_nodes_from((n, g.nodes[n]) for n in g if n in keep)
    sub = nx.restricted_view(g, [n for n in g if n not in keep], [])
    out.add_edges_from((u, v, g.edges[u, v]) for u, v in _insertion_order(sub))
    return out


def focus_view(g: nx.Graph, seeds: Iterable[str], depth: int) -> nx.Graph:
    """The nodes within ``depth`` hops of a seed, each with ``hops``, its distance."""
    dist = _hops(g, seeds, depth)
    out = _induced(g, dist)
    nx.set_node_attributes(out, dist, "hops")
    return out


def _bipartite_neighbours(full: nx.Graph, key: str) -> list[str]:
    """A node's papers, entities and repositories in the unfiltered papers view."""
    if key not in full:
        return []
    return sorted(k for k, e in full.adj[key].items() if e["kind"] != "variant")


def _seeds(corpus: Any, g: nx.Graph, key: str, view: str, name: str) -> list[str]:
    if key in g:
        return [key]
    full = view_graph(corpus, "papers", lambda node_type, support: True)
    near = _bipartite_neighbours(full, key)
    seeds = [k for k in near if k in g]
    if not seeds:  # a repo in the entities view: through its papers
        seeds = sorted({k2 for k in near for k2 in _bipartite_neighbours(full, k) if k2 in g})
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


def top_view(g: nx.Graph, max_nodes: int, seeds: Iterable[str] = ()) -> nx.Graph:
    """At most ``max_nodes`` nodes: the nearest a seed first (``hops``), then those of
    highest degree and support; the cut never swaps a seed out."""
    deg = dict(g.degree())
    order = sorted(g.nodes, key=lambda n: (g.nodes[n].get("hops", 0), -deg[n],
                                           -g.nodes[n]["support"], n))
    return _induced(g, _connected_top(g, order, max_nodes, set(seeds)))


def build_view(corpus: Any, view: str = "map", focus: str | None = None, depth: int = 1,
               types: Iterable[str] | None = None, min_support: int = 1,
               max_nodes: int = 1500) -> View:
    """The graph of ``view``, filtered by type and support, focused, trimmed to ``max_nodes``.

    ``types`` limits entities and repositories (papers stay in the papers and links
    views; in the links view a link needs a shared entity of a chosen type).
    ``max_nodes`` 0 means no limit; otherwise the nodes nearest the focus, then the
    highest degree and support, are kept (on the map: the most important nodes of
    every community, in proportion to its size; a map of more than
    ``CLUSTER_FACTOR * max_nodes`` nodes is clustered on that many of its most
    important ones). The map's view also lists its communities and the papers it
    leaves out for having no related paper.
    """
    if view not in VIEWS:
        raise FormatError("view", view, list(VIEWS))
    if depth < 0:
        raise KGError(f"depth must be 0 or more, not {depth}")
    if max_nodes < 0:
        raise KGError(f"max_nodes must be 0 (no limit) or more, not {max_nodes}")
    keep = _keep(corpus, types, min_support)
    isolated: tuple[str, ...] = ()
    if view == "map":  # a focus needs the whole map; else cluster what can be shown
        limit = 0 if focus is not None or not max_nodes else CLUSTER_FACTOR * max_nodes
        g, isolated = map_graph(corpus, keep, limit)
    else:
        g = view_graph(corpus, view, keep)
    notes = []
    if types is not None or min_support > 1:
        what = []
        if types is not None:
            what.append("types " + ", ".join(sorted({t.strip().lower() for t in types})))
        if min_support > 1:
            what.append(f"support at least {min_support}")
        notes.append("Filtered: " + "; ".join(what) + ".")
    seeds: list[str] = []
    if focus is not None:
        seeds = _seeds(corpus, g, resolve(corpus, focus), view, focus)
        g = focus_view(g, seeds, depth)
        notes.append(f"Neighbourhood of {focus!r}, depth {depth}.")
    total_nodes = g.graph.get("total_nodes", g.number_of_nodes()) if focus is None else len(g)
    total_edges = g.graph.get("total_edges", g.number_of_edges()) if focus is None else \
        g.number_of_edges()
    groups = communities(g) if view == "map" else []
    if max_nodes and total_nodes > max_nodes:
        if view == "map":
            kept = trim(groups, max_nodes, set(seeds))
            g = _induced(g, kept)
            groups = [[k for k in c if k in kept] for c in groups]
            groups = [c for c in groups if c]
            rank = "the most important of each community"
        else:
            g = top_view(g, max_nodes, seeds)
            rank = "nearest the focus, then highest degree" if seeds else "highest degree and support"
        notes.append(f"Showing {g.number_of_nodes()} of {total_nodes} nodes and "
                     f"{g.number_of_edges()} of {total_edges} edges ({rank}). "
                     f"Use --focus NAME or --max-nodes N to see more.")
    if isolated and focus is None:
        lone = "1 paper has" if len(isolated) == 1 else f"{len(isolated)} papers have"
        notes.append(f"{lone} no related paper: not drawn, but listed apart and found by search.")
    return View(view, g, tuple(seeds), g.number_of_nodes(), total_nodes,
                g.number_of_edges(), total_edges, tuple(notes),
                tuple(tuple(c) for c in groups), isolated)
