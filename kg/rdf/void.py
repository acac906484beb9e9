"""A VoID description of one build: what the dataset holds, counted from the data.

The same data gives the same ``void.ttl``, byte for byte: the partitions' blank
nodes are numbered in the order of their class or property IRIs, and ``dcterms:created`` is not the
time of the build but the one the build is told: ``build_info["created"]`` or, as
reproducible builds agree, the ``SOURCE_DATE_EPOCH`` environment variable (seconds
since 1970, UTC). Without either the description has no ``dcterms:created``
(``build.json`` says when a build ran).
"""

import os
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SDO, VOID, XSD

from kg.rdf.iri import mint
from kg.rdf.vocab import USED_VOCABULARIES, bind_prefixes
from kg.records import CorpusRecords
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.rdf.reuse import Summary

_RDF_TYPE = f"<{RDF.type}>"
_ARTICLE = f"<{SDO.ScholarlyArticle}>"


class VoidCounts:
    """What a VoID description counts, gathered triple by triple in bounded memory.

    Told each triple (N-Triples terms) once per partition it is in; counts distinct
    triples, distinct IRI subjects, distinct members per class and triples per
    predicate. It keeps hashes in arrays, not the terms: about 18 bytes per triple
    (20 MB a million triples); two different triples would have to share a 64-bit
    hash to be miscounted. At most 65,535 predicates and as many classes.
    """

    def __init__(self) -> None:
        self._triples = array("q")
        self._predicate_of = array("H")  # index into self._predicates, per triple
        self._subjects = array("q")
        self._members = array("q")  # hash of (class, subject) per rdf:type triple
        self._class_of = array("H")
        self._predicates: dict[str, int] = {}
        self._classes: dict[str, int] = {}
        self.example: str | None = None  # the first paper (schema:ScholarlyArticle) by IRI
        # partitions copied from a live build (kg.rdf.reuse): counted, not hashed
        # papers of one shape have one Summary (a few thousand in 100,000 papers): counted by
        # summary, summed at the end
        self._copied: Counter[Summary] = Counter()

    def add(self, s: str, p: str, o: str) -> None:
        """One distinct triple, its terms in N-Triples form."""
        self.add_partition(((s, p, o),))

    def add_partition(self, spo: Sequence[tuple[str, str, str]]) -> None:
        """:meth:`add` for each of the distinct triples ``spo`` of one partition, at once."""
        self._triples.extend([hash(t) for t in spo])
        preds = self._predicates
        self._predicate_of.extend([preds.setdefault(p, len(preds)) for _, p, _ in spo])
        # a partition names its subjects many times: each once is enough (counted distinct)
        self._subjects.extend([hash(s) for s in {s for s, _, _ in spo} if s[0] == "<"])
        for s, p, o in spo:
            if p == _RDF_TYPE and o[0] == "<":
                ci = self._classes.setdefault(o, len(self._classes))
                self._members.append(hash((o, s)))
                self._class_of.append(ci)
                if o == _ARTICLE and (self.example is None or s[1:-1] < self.example):
                    self.example = s[1:-1]

    def add_copied(self, paper: str, summary: "Summary") -> None:
        """Count a paper's partition from its record (:class:`kg.rdf.reuse.Summary`) instead
        of its triples: no triple of it is in any other partition, nor any subject but the
        paper (``paper``, in N-Triples form), which is counted as :meth:`add_partition` does."""
        self._subjects.append(hash(paper))
        self._copied[summary] += 1
        if summary.classes and any(c == _ARTICLE for c, _ in summary.classes) \
                and (self.example is None or paper[1:-1] < self.example):
            self.example = paper[1:-1]

    def add_graph(self, graph: Graph) -> "VoidCounts":
        """Count every triple of an rdflib graph (a Dataset's quads merged)."""
        from kg.rdf.terms import term_nt

        triples = ((s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))) \
            if isinstance(graph, Dataset) else iter(graph)
        for s, p, o in triples:
            self.add(term_nt(s), term_nt(p), term_nt(o))
        return self

    def totals(self) -> tuple[int, int, dict[str, int], dict[str, int]]:
        """(triples, IRI subjects, members by class IRI, triples by predicate IRI)."""
        triples, first = np.unique(np.frombuffer(self._triples, dtype=np.int64), return_index=True)
        by_pred = np.bincount(np.frombuffer(self._predicate_of, dtype=np.uint16)[first],
                              minlength=len(self._predicates))
        subjects = np.unique(np.frombuffer(self._subjects, dtype=np.int64)).size
        members, mfirst = np.unique(np.frombuffer(self._members, dtype=np.int64), return_index=True)
        by_class = np.bincount(np.frombuffer(self._class_of, dtype=np.uint16)[mfirst],
                               minlength=len(self._classes))
        classes = Counter({c: int(by_class[i]) for c, i in self._classes.items()})
        predicates = Counter({p: int(by_pred[i]) for p, i in self._predicates.items()})
        copied_triples = copied_subjects = 0
        for summary, times in self._copied.items():
            copied_triples += summary.triples * times
            copied_subjects += summary.subjects * times
            for c, n in summary.classes:
                classes[c] += n * times
            for p, n in summary.predicates:
                predicates[p] += n * times
        return (int(triples.size) + copied_triples, int(subjects) + copied_subjects,
                {c[1:-1]: n for c, n in classes.items() if n},
                {p[1:-1]: n for p, n in predicates.items() if n})


def _counts(data: "VoidCounts | CorpusRecords | Graph", settings: Settings) -> VoidCounts:
    if isinstance(data, VoidCounts):
        return data
    if isinstance(data, Graph):
        return VoidCounts().add_graph(data)
    from kg.rdf.nquads import corpus_lines

    counts = VoidCounts()
    for _ in corpus_lines(data, settings, counts):
        pass
    return counts


def _created(value: object) -> Literal | None:
    if isinstance(value, datetime):
        return Literal(value, datatype=XSD.dateTime)
    if isinstance(value, str) and value:
        try:
            return Literal(datetime.fromisoformat(value), datatype=XSD.dateTime)
        except ValueError:
            return Literal(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return Literal(datetime.fromtimestamp(int(epoch), UTC), datatype=XSD.dateTime)
    return None


def _part(kind: str, n: int) -> BNode:
    """The blank node of the n-th partition (in IRI order): the same data, the same names."""
    return BNode(f"{kind}{n:05d}")


def void_description(data: VoidCounts | CorpusRecords | Graph, settings: Settings | None = None,
                     build_info: Mapping[str, object] | None = None) -> Graph:
    """A void:Dataset for the build, counted from ``data`` (counts, a corpus, Dataset or Graph).

    A build passes the :class:`VoidCounts` it gathered while it wrote the N-Quads
    (:func:`kg.rdf.nquads.write_nquads`), so nothing is converted twice.
    ``build_info`` may give ``id`` (names the build IRI, default ``"latest"``),
    ``created`` (ISO date-time; default ``SOURCE_DATE_EPOCH``, else none), ``title``, ``sparql_endpoint`` and
    ``data_dump`` (URLs). Counts: ``void:triples`` (distinct triples),
    ``void:entities`` (distinct IRI subjects), one ``void:classPartition`` per
    class and one ``void:propertyPartition`` per predicate.
    """
    settings = settings or (Settings() if isinstance(data, VoidCounts | Graph) else data.settings)
    info = build_info or {}
    n_triples, n_subjects, members, uses = _counts(data, settings).totals()
    out = bind_prefixes(Graph())
    d = mint("build", str(info.get("id") or "latest"), settings.base_iri)
    out.add((d, RDF.type, VOID.Dataset))
    out.add((d, DCTERMS.title, Literal(str(info.get("title") or "kg knowledge graph"), lang="en")))
    created = _created(info.get("created"))
    if created is not None:
        out.add((d, DCTERMS.created, created))
    out.add((d, VOID.uriSpace, Literal(settings.base_iri)))
    for ns in USED_VOCABULARIES:
        out.add((d, VOID.vocabulary, URIRef(ns)))
    for key, prop in (("sparql_endpoint", VOID.sparqlEndpoint), ("data_dump", VOID.dataDump)):
        if info.get(key):
            out.add((d, prop, URIRef(str(info[key]))))

    out.add((d, VOID.triples, Literal(n_triples, datatype=XSD.integer)))
    out.add((d, VOID.entities, Literal(n_subjects, datatype=XSD.integer)))
    for n, cls_iri in enumerate(sorted(members)):
        part = _part("class", n)
        out.add((d, VOID.classPartition, part))
        out.add((part, VOID["class"], URIRef(cls_iri)))
        out.add((part, VOID.entities, Literal(members[cls_iri], datatype=XSD.integer)))
    for n, prop_iri in enumerate(sorted(uses)):
        part = _part("property", n)
        out.add((d, VOID.propertyPartition, part))
        out.add((part, VOID.property, URIRef(prop_iri)))
        out.add((part, VOID.triples, Literal(uses[prop_iri], datatype=XSD.integer)))
    # the first paper in IRI order (the corpus' papers are its only schema:ScholarlyArticle)
    example = _first_paper(data, settings)
    if example:
        out.add((d, VOID.exampleResource, URIRef(example)))
    return out


def _first_paper(data: VoidCounts | CorpusRecords | Graph, settings: Settings) -> str | None:
    if isinstance(data, VoidCounts):
        return data.example
    if isinstance(data, Graph):
        triples = ((s, p, o) for s, p, o, _ in data.quads((None, RDF.type, SDO.ScholarlyArticle, None))) \
            if isinstance(data, Dataset) else data.triples((None, RDF.type, SDO.ScholarlyArticle))
        return min((str(s) for s, _, _ in triples), default=None)
    return min((str(mint("paper", pid, settings.base_iri)) for pid in data.papers), default=None)
