"""A VoID description of one build: what the dataset holds, counted from the data.

The same data gives the same ``void.ttl``, byte for byte: the partitions' blank
nodes are numbered in the order of their class or property IRIs, and ``dcterms:created`` is not the
time of the build but the one the build is told: ``build_info["created"]`` or, as
reproducible builds agree, the ``SOURCE_DATE_EPOCH`` environment variable (seconds
since 1970, UTC). Without either the description has no ``dcterms:created``
(``build.json`` says when a build ran).
"""

import os
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SDO, VOID, XSD
from rdflib.term import Node

from kg.rdf.convert import corpus_to_graph, dataset_to_graph
from kg.rdf.iri import mint
from kg.rdf.vocab import USED_VOCABULARIES, bind_prefixes
from kg.records import CorpusRecords
from kg.settings import Settings


def _as_graph(data: CorpusRecords | Graph, settings: Settings) -> Graph:
    if isinstance(data, Dataset):
        return dataset_to_graph(data)
    if isinstance(data, Graph):
        return data
    return corpus_to_graph(data, settings)


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


def void_description(data: CorpusRecords | Graph, settings: Settings | None = None,
                     build_info: Mapping[str, object] | None = None) -> Graph:
    """A void:Dataset for the build, counted from ``data`` (a corpus, Dataset or Graph).

    ``build_info`` may give ``id`` (names the build IRI, default ``"latest"``),
    ``created`` (ISO date-time; default ``SOURCE_DATE_EPOCH``, else none), ``title``, ``sparql_endpoint`` and
    ``data_dump`` (URLs). Counts: ``void:triples`` (distinct triples),
    ``void:entities`` (distinct IRI subjects), one ``void:classPartition`` per
    class and one ``void:propertyPartition`` per predicate.
    """
    settings = settings or (Settings() if isinstance(data, Graph) else data.settings)
    info = build_info or {}
    g = _as_graph(data, settings)
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

    out.add((d, VOID.triples, Literal(len(g), datatype=XSD.integer)))
    subjects = {s for s in g.subjects(unique=True) if isinstance(s, URIRef)}
    out.add((d, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))

    members: dict[URIRef, set[Node]] = {}
    for s, cls in g.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            members.setdefault(cls, set()).add(s)
    uses: Counter[URIRef] = Counter(p for _, p, _ in g if isinstance(p, URIRef))
    for n, cls in enumerate(sorted(members)):
        part = _part("class", n)
        out.add((d, VOID.classPartition, part))
        out.add((part, VOID["class"], cls))
        out.add((part, VOID.entities, Literal(len(members[cls]), datatype=XSD.integer)))
    for n, prop in enumerate(sorted(uses)):
        part = _part("property", n)
        out.add((d, VOID.propertyPartition, part))
        out.add((part, VOID.property, prop))
        out.add((part, VOID.triples, Literal(uses[prop], datatype=XSD.integer)))

    examples = sorted(str(s) for s in members.get(SDO.ScholarlyArticle, ()))
    if examples:
        out.add((d, VOID.exampleResource, URIRef(examples[0])))
    return out
