"""networkx views of a resolved corpus, and their GraphML/GEXF text.

Functions take records and return new graphs. Node ids are the record ids
(``Paper.id``, ``Entity.id``, the canonical repository URL); attribute values are
plain ``str``/``int``/``float``/``bool``/``list`` and never ``None`` (a missing
value is left out). Lists are joined with ``"; "`` only by the exporters, since
GraphML and GEXF cannot hold them.
"""

import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import IO, Any, TypeVar

import networkx as nx

from kg.errors import KGError
from kg.export.graphml import flat, write_graph
from kg.records import Entity, Link, Occurrence, Paper, PaperEntities
from kg.resolve.links import link_cutoff, paper_links

__all__ = ["knowledge_graph", "paper_links", "link_cutoff", "paper_graph", "link_attrs",
           "cooccurrence_graph",
           "neighbourhood", "to_graphml", "to_gexf", "write_knowledge_graphml", "LIST_SEPARATOR"]

LIST_SEPARATOR = "; "
T = TypeVar("T")


def _values(items: Mapping[str, T] | Iterable[T]) -> list[T]:
    return list(items.values()) if isinstance(items, Mapping) else list(items)


def _plain(**attrs: Any) -> dict[str, Any]:
    """Attributes without ``None``, tuples turned into lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items() if v is not None}


def paper_attrs(paper: Paper) -> dict[str, Any]:
    """The node attributes of a paper."""
    return _plain(kind="paper", label=paper.title, title=paper.title, arxiv_id=paper.arxiv_id,
                  doi=paper.doi, url=paper.url, date=paper.date, upvotes=paper.upvotes,
                  authors=paper.authors, n_authors=paper.n_authors)


def entity_attrs(entity: Entity) -> dict[str, Any]:
    """The node attributes of an entity."""
    return _plain(kind="entity", label=entity.name, type=entity.type, name=entity.name,
                  aliases=entity.aliases, support=entity.support,
                  proposed_by=entity.proposed_by, kb_id=entity.kb_id)


def knowledge_graph(papers: Mapping[str, Paper] | Iterable[Paper],
                    entities: Mapping[str, Entity] | Iterable[Entity],
                    occurrences: Iterable[Occurrence],
                    extractions: Mapping[str, PaperEntities] | Iterable[PaperEntities] = (),
                    links: Iterable[Link] = (),
                    ) -> nx.MultiDiGraph:
    """Papers, entities and repositories with the edges between them.

    Edges (the edge key is the relation): paper -> entity ``mentions`` (role,
    evidence count, confidence); entity -> family ``variant_of``; paper -> repo
    ``code`` (official, kind); paper -> paper ``related_to`` for each of ``links``
    (:func:`link_attrs`), from source to target, or for a builds-on link from the
    paper that builds on the other to the other (its ``proposer``). Repositories
    come from ``extractions`` and from ``Paper.repos``.
    """
    g = nx.MultiDiGraph()
    for paper in _values(papers):
        g.add_node(paper.id, **paper_attrs(paper))
    ents = _values(entities)
    for entity in ents:
        g.add_node(entity.id, **entity_attrs(entity))
    for entity in ents:
        if entity.parent and entity.parent in g:
            g.add_edge(entity.id, entity.parent, key="variant_of", relation="variant_of")
    for o in occurrences:
        if o.paper in g and o.entity in g:
            g.add_edge(o.paper, o.entity, key="mentions", relation="mentions", role=o.role,
                       evidence=len(o.mention.evidence),
                       confidence=round(float(o.mention.confidence), 3))
    repos: dict[tuple[str, str], dict[str, Any]] = {}
    for pe in _values(extractions):
        for r in pe.links:
            seen = repos.setdefault((pe.id, r.repository), {"official": False, "kind": r.kind,
                                                            "host": r.host})
            seen["official"] = seen["official"] or r.official
    for paper in _values(papers):
        for url in paper.repos:
            repos.setdefault((paper.id, url), {"official": False, "kind": "code", "host": ""})
    for (pid, url), info in sorted(repos.items()):
        if pid not in g:
            continue
        if url not in g:
            g.add_node(url, **_plain(kind="repo", label=url, url=url, host=info["host"] or None,
                                     repo_kind=info["kind"]))
        g.add_edge(pid, url, key="code", relation="code", official=info["official"],
                   repo_kind=info["kind"])
    for link in links:
        if link.source in g and link.target in g:
            a, b = ((link.target, link.source) if link.proposer == link.source
                    else (link.source, link.target))
            g.add_edge(a, b, key="related_to", relation="related_to", **link_attrs(link))
    return g


def link_attrs(link: Link) -> dict[str, Any]:
    """The edge attributes of a paper-paper link: weight, rule and its shares, aligned.

    ``shared``, ``share_weights`` and ``share_kinds`` list the shared entities, heaviest
    first, with what each adds and how it is shared; ``proposer`` is set on a
    builds-on link (the paper the other builds on).
    """
    return _plain(weight=float(link.weight), rule=link.rule, proposer=link.proposer,
                  shared=list(link.shared), n_shared=len(link.shared),
                  share_weights=[round(s.weight, 6) for s in link.shares] or None,
                  share_kinds=[s.kind for s in link.shares] or None, similarity=link.similarity)


def paper_graph(papers: Mapping[str, Paper] | Iterable[Paper], links: Iterable[Link]) -> nx.Graph:
    """Papers linked by shared entities; edges carry :func:`link_attrs`."""
    g = nx.Graph()
    for paper in _values(papers):
        g.add_node(paper.id, **paper_attrs(paper))
    for link in links:
        g.add_edge(link.source, link.target, **link_attrs(link))
    return g


def cooccurrence_graph(occurrences: Iterable[Occurrence],
                       entities: Mapping[str, Entity] | Iterable[Entity] = (),
                       min_count: int = 1, papers: bool = False) -> nx.Graph:
    """Entities named in the same paper; ``weight`` is the number of such papers.

    With ``papers`` each edge also lists those papers' ids, sorted, as ``papers``
    (off by default, so that GraphML and GEXF of the graph stay small).

    >>> from kg.records import Mention
    >>> occ = [Occurrence(p, e, "used", Mention("model", e)) for p, e in
    ...        [("p2", "a"), ("p2", "b"), ("p1", "a"), ("p1", "b"), ("p1", "c")]]
    >>> cooccurrence_graph(occ, papers=True).edges["a", "b"]
    {'weight': 2, 'papers': ['p1', 'p2']}
    """
    by_paper: dict[str, set[str]] = {}
    for o in occurrences:
        by_paper.setdefault(o.paper, set()).add(o.entity)
    counts: Counter[tuple[str, str]] = Counter()
    together: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, ents in by_paper.items():
        pairs = list(combinations(sorted(ents), 2))
        counts.update(pairs)
        if papers:
            for pair in pairs:
                together[pair].append(pid)
    g = nx.Graph()
    for entity in _values(entities):
        g.add_node(entity.id, **entity_attrs(entity))
    for ents in by_paper.values():
        g.add_nodes_from(e for e in ents if e not in g)
    for (a, b), n in sorted(counts.items()):
        if n >= min_count:
            g.add_edge(a, b, weight=n)
            if papers:
                g.edges[a, b]["papers"] = sorted(together[a, b])
    return g


def neighbourhood(graph: nx.Graph, node: str, depth: int = 1) -> nx.Graph:
    """The nodes within ``depth`` hops of ``node`` (either direction), as a new graph.

    >>> g = nx.path_graph(["a", "b", "c", "d"])
    >>> sorted(neighbourhood(g, "b", 1))
    ['a', 'b', 'c']
    """
    if node not in graph:
        raise KGError(f"node {node!r} is not in the graph")
    if depth < 0:
        raise KGError(f"depth must be 0 or more, not {depth}")
    return nx.ego_graph(graph, node, radius=depth, undirected=True).copy()


def _flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose list attributes are joined strings and without ``None`` values."""
    g = graph.__class__()
    g.graph.update(flat(graph.graph))
    g.add_nodes_from((n, flat(d)) for n, d in graph.nodes(data=True))
    if graph.is_multigraph():
        g.add_edges_from((u, v, k, flat(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    else:
        g.add_edges_from((u, v, flat(d)) for u, v, d in graph.edges(data=True))
    return g


def to_graphml(graph: nx.Graph) -> str:
    """GraphML text of ``graph``; list attributes become ``"; "``-joined strings.

    The text of ``networkx.write_graphml`` (its ElementTree writer), written by
    :mod:`kg.export.graphml` without networkx's copies of the graph.
    """
    buf = io.BytesIO()
    write_graph(graph, buf)
    return buf.getvalue().decode("utf-8")


def write_knowledge_graphml(out: IO[bytes], papers: Mapping[str, Paper] | Iterable[Paper],
                            entities: Mapping[str, Entity] | Iterable[Entity],
                            occurrences: Iterable[Occurrence],
                            extractions: Mapping[str, PaperEntities] | Iterable[PaperEntities] = (),
                            links: Iterable[Link] = ()) -> None:
    """Write ``to_graphml(knowledge_graph(...))`` of these records to ``out``, the same bytes,
    streaming, without building the graph (:mod:`kg.export.knowledge`)."""
    from kg.export.graphml import write_parts
    from kg.export.knowledge import KnowledgeStream

    stream = KnowledgeStream(papers, entities, occurrences, extractions, links)
    write_parts(out, stream.nodes(), stream.edges(), directed=True)


def to_gexf(graph: nx.Graph) -> str:
    """GEXF 1.2 text of ``graph``; list attributes become ``"; "``-joined strings."""
    buf = io.BytesIO()
    nx.write_gexf(_flat(graph), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")
