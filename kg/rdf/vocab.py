"""The kg vocabulary as a closed namespace, and the standard ones we reuse.

``KG.typo`` raises: every term is listed here and in ``schemas/kg.ttl``, and a
test checks that the two agree.

>>> str(KG.proposes)
'https://w3id.org/kg/vocab#proposes'
"""

from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD, DefinedNamespace

KG_NS = "https://w3id.org/kg/vocab#"

# each entity type (``Entity.type``) and the local name of its class in the vocabulary
ENTITY_CLASS_NAMES: dict[str, str] = {"method": "Method", "model": "Model", "dataset": "Dataset"}
G = TypeVar("G", bound=Graph)  # a Dataset stays a Dataset through bind_prefixes


class KG(DefinedNamespace):
    """Terms of https://w3id.org/kg/vocab# (see ``schemas/README.md``)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Entity: URIRef  # a method, model or dataset named by papers (a skos:Concept)
    Method: URIRef
    Model: URIRef
    Dataset: URIRef
    Evidence: URIRef  # a sentence of a paper that names an entity
    PaperLink: URIRef  # two papers that share entities, with the link's weight
    LinkShare: URIRef  # one shared entity's part in a link: its weight and kind
    Repository: URIRef  # a code, model, dataset or project page linked by papers

    # paper -> entity
    mentions: URIRef
    proposes: URIRef
    uses: URIRef
    evidence: URIRef

    # paper -> paper
    relatedTo: URIRef
    linkSource: URIRef
    linkTarget: URIRef
    weight: URIRef
    sharedEntity: URIRef
    linkRule: URIRef
    linkSimilarity: URIRef
    buildsOn: URIRef
    share: URIRef
    shareOf: URIRef
    shareWeight: URIRef
    shareKind: URIRef

    # entity
    variantOf: URIRef
    support: URIRef
    derived: URIRef  # true on a family level no paper names: derived from its variants

    # evidence
    confidence: URIRef
    start: URIRef
    end: URIRef
    surface: URIRef

    # repositories
    hasRepository: URIRef
    official: URIRef
    repositoryKind: URIRef

    # paper metadata without a standard term
    authorCount: URIRef
    upvotes: URIRef
    category: URIRef
    listingDate: URIRef


# the class of each entity type; an entity of another type is only a kg:Entity
ENTITY_CLASSES: dict[str, URIRef] = {t: KG[name] for t, name in ENTITY_CLASS_NAMES.items()}

# prefixes bound in every graph we export, and the JSON-LD @context
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SDO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "void": str(VOID),
}

# vocabularies whose terms appear in an export (void:vocabulary)
USED_VOCABULARIES = (KG_NS, str(DCTERMS), str(SKOS), str(PROV), str(SDO))


def bind_prefixes(graph: G) -> G:
    """Bind our prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
