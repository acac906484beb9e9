"""The knowledge graph of a corpus as a stream of nodes and edges, in networkx's order.

:func:`kg.export.graphs.knowledge_graph` builds a ``MultiDiGraph``; for 100,000 papers
that graph alone takes gigabytes. :class:`KnowledgeStream` gives the same nodes and
edges, with the same attributes, in the order that graph would list them (nodes in
the order they were added; edges by source node, then by target in the order the
source first met it, then by key), holding only indices into the records: what
:mod:`kg.export.graphml` needs to write graph.graphml without the graph.

The order follows from how ``knowledge_graph`` adds things: papers, entities (an
entity whose id is already a node updates that node's attributes), then variant
edges, mentions, repositories with their code edges, and paper links; adding an
edge that exists updates its attributes and keeps its place.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from kg.export.graphml import Edge, Node, flat
from kg.records import Entity, Link, Occurrence, Paper, PaperEntities

T = TypeVar("T")


def _seq(items: Mapping[str, T] | Iterable[T]) -> Sequence[T]:
    if isinstance(items, Mapping):
        return list(items.values())
    return items if isinstance(items, Sequence) else list(items)


def _grouped(sources: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(record indices ordered by source, start of each source's run): records of source
    ``s`` are ``order[starts[s]:starts[s + 1]]``, in record order; a negative source is left out."""
    keep = np.flatnonzero(sources >= 0)
    order = keep[np.argsort(sources[keep], kind="stable")]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sources[keep], minlength=n), out=starts[1:])
    return order, starts


class KnowledgeStream:
    """The nodes and edges of ``knowledge_graph(papers, entities, occurrences, extractions,
    links)``; :meth:`nodes` and :meth:`edges` can be iterated any number of times."""

    def __init__(self, papers: Mapping[str, Paper] | Iterable[Paper],
                 entities: Mapping[str, Entity] | Iterable[Entity],
                 occurrences: Iterable[Occurrence],
                 extractions: Mapping[str, PaperEntities] | Iterable[PaperEntities] = (),
                 links: Iterable[Link] = ()) -> None:
        self.papers, self.entities = _seq(papers), _seq(entities)
        self.occurrences, self.links = _seq(occurrences), _seq(links)
        # node id -> its records (Paper, Entity or repository attributes), in the order added
        self.records: dict[str, list[Any]] = {}
        for paper in self.papers:
            self.records.setdefault(paper.id, []).append(paper)
        for entity in self.entities:
            self.records.setdefault(entity.id, []).append(entity)
        self.n_early = len(self.records)  # the nodes there before any repository
        self.pos = {nid: i for i, nid in enumerate(self.records)}
        self.variants: dict[int, list[str]] = {}
        for e in self.entities:
            if e.parent and e.parent in self.pos:
                self.variants.setdefault(self.pos[e.id], []).append(e.parent)
        self.code = self._code(_seq(extractions))
        n = len(self.records)
        early = self.n_early
        occ_src = np.fromiter((self._early(o.paper, early) if self._early(o.entity, early) >= 0
                               else -1 for o in self.occurrences), dtype=np.int64,
                              count=len(self.occurrences))
        self.occ_order, self.occ_starts = _grouped(occ_src, n)
        link_src = np.full(len(self.links), -1, dtype=np.int64)
        for i, link in enumerate(self.links):
            if link.source in self.pos and link.target in self.pos:
                a, b = ((link.target, link.source) if link.proposer == link.source
                        else (link.source, link.target))
                link_src[i] = self.pos[a]
        self.link_order, self.link_starts = _grouped(link_src, n)

    def _early(self, nid: str, early: int) -> int:
        """The place of a paper or entity node, else -1 (a repository is not there yet)."""
        i = self.pos.get(nid, -1)
        return i if i < early else -1

    def _code(self, extractions: Sequence[PaperEntities]) -> dict[int, list[tuple[str, dict[str, Any]]]]:
        """Code edges by source place; adds the repository nodes, in knowledge_graph's order."""
        repos: dict[tuple[str, str], dict[str, Any]] = {}
        for pe in extractions:
            for r in pe.links:
                seen = repos.setdefault((pe.id, r.repository), {"official": False, "kind": r.kind,
                                                                "host": r.host})
                seen["official"] = seen["official"] or r.official
        for paper in self.papers:
            for url in paper.repos:
                repos.setdefault((paper.id, url), {"official": False, "kind": "code", "host": ""})
        code: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for (pid, url), info in sorted(repos.items()):
            if pid not in self.records:  # neither a paper, an entity nor a repository before it
                continue
            if url not in self.records:
                self.records[url] = [{"kind": "repo", "label": url, "url": url,
                                      "host": info["host"] or None, "repo_kind": info["kind"]}]
                self.pos[url] = len(self.records) - 1
            src = self.pos[pid]
            code.setdefault(src, []).append((url, {"relation": "code", "official": info["official"],
                                                   "repo_kind": info["kind"]}))
        return code

    def nodes(self) -> Iterator[Node]:
        from kg.export.graphs import entity_attrs, paper_attrs

        for nid, recs in self.records.items():
            attrs: dict[str, Any] = {}
            for rec in recs:
                if isinstance(rec, Paper):
                    attrs.update(paper_attrs(rec))
                elif isinstance(rec, Entity):
                    attrs.update(entity_attrs(rec))
                else:
                    attrs.update(rec)
            yield nid, flat(attrs)

    def edges(self) -> Iterator[Edge]:
        from kg.export.graphs import link_attrs

        occ, links = self.occurrences, self.links
        occ_order, occ_starts = self.occ_order.tolist(), self.occ_starts.tolist()
        link_order, link_starts = self.link_order.tolist(), self.link_starts.tolist()
        for src, nid in enumerate(self.records):
            events: list[tuple[str, str, dict[str, Any]]] = [
                (parent, "variant_of", {"relation": "variant_of"})
                for parent in self.variants.get(src, ())]
            for i in occ_order[occ_starts[src]:occ_starts[src + 1]]:
                o = occ[i]
                events.append((o.entity, "mentions", {
                    "relation": "mentions", "role": o.role, "evidence": len(o.mention.evidence),
                    "confidence": round(float(o.mention.confidence), 3)}))
            events += [(url, "code", attrs) for url, attrs in self.code.get(src, ())]
            for i in link_order[link_starts[src]:link_starts[src + 1]]:
                link = links[i]
                other = link.source if link.proposer == link.source else link.target
                events.append((other, "related_to", {"relation": "related_to", **link_attrs(link)}))
            if not events:
                continue
            adj: dict[str, dict[str, dict[str, Any]]] = {}
            for v, key, attrs in events:
                keyed = adj.setdefault(v, {})
                if key in keyed:
                    keyed[key].update(attrs)
                else:
                    keyed[key] = attrs
            for v, keyed in adj.items():
                for key, attrs in keyed.items():
                    yield nid, v, key, flat(attrs)
