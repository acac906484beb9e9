"""A corpus as RDF, in the vocabulary of ``schemas/kg.ttl``.

Corpus-level triples (entities, paper links, repositories) go to the default
graph; each paper's own triples (the paper, what it proposes and uses, the
evidence sentences, the repositories it links) go to its named graph
``mint("graph", paper.id)``, so N-Quads and TriG keep where a statement comes
from. :func:`corpus_to_graph` merges everything for the triple formats.

Triples are made as N-Triples text (``<iri>``, ``"lexical"@lang``,
``"lexical"^^<datatype>``: the canonical form of :mod:`kg.rdf.terms`), not rdflib
terms: a build writes them straight into its N-Quads, and making a Python term
object per term was half the time of that. :func:`corpus_to_dataset` and
:func:`corpus_to_graph` read those N-Quads back with rdflib for the formats
rdflib writes (JSON-LD) and for tests.

The corpus is read through :class:`~kg.records.CorpusRecords` only (``papers``,
``extractions``, ``entities``, ``occurrences``, ``links``, ``settings``).
"""

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from decimal import Decimal

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, SDO, SKOS, XSD

from kg.keys import repo_iri_key
from kg.rdf.iri import external
from kg.rdf.terms import Iris, integer_nt, iri_nt, literal_nt, text_nt
from kg.rdf.vocab import ENTITY_CLASSES, KG, bind_prefixes
from kg.records import CorpusRecords, Entity, Link, Occurrence, Paper, Repo
from kg.settings import Settings
from kg.sources.dates import full_date

Triple = tuple[str, str, str]  # subject, predicate, object in N-Triples form

_REPO_CLASSES = {"code": iri_nt(SDO.SoftwareSourceCode), "dataset": iri_nt(SDO.Dataset)}
_XSD_DATE, _XSD_DECIMAL = str(XSD.date), str(XSD.decimal)
_TRUE = literal_nt("true", datatype=str(XSD.boolean))

# the predicates and classes, in N-Triples form once
A = iri_nt(RDF.type)
(D_ID, D_TITLE, D_ABSTRACT, D_DATE, D_SUBJECT) = map(iri_nt, (
    DCTERMS.identifier, DCTERMS.title, DCTERMS.abstract, DCTERMS.date, DCTERMS.subject))
(S_ARTICLE, S_AUTHOR, S_KEYWORDS, S_URL, S_SAME) = map(iri_nt, (
    SDO.ScholarlyArticle, SDO.author, SDO.keywords, SDO.url, SDO.sameAs))
(P_DERIVED, P_VALUE) = map(iri_nt, (PROV.wasDerivedFrom, PROV.value))
(K_CONCEPT, K_PREF, K_ALT, K_NOTATION, K_BROADER) = map(iri_nt, (
    SKOS.Concept, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SKOS.broader))
_KG = {name: iri_nt(KG[name]) for name in (
    "listingDate", "authorCount", "upvotes", "category", "proposes", "uses", "evidence", "Evidence",
    "start", "end", "surface", "confidence", "hasRepository", "Entity", "variantOf", "support",
    "derived", "PaperLink", "linkSource", "linkTarget", "weight", "linkRule", "linkSimilarity",
    "sharedEntity", "share", "LinkShare", "shareOf", "shareWeight", "shareKind", "relatedTo",
    "buildsOn", "Repository", "repositoryKind", "official")}
_CLASSES = {t: iri_nt(c) for t, c in ENTITY_CLASSES.items()}


def date_nt(text: str, listed: str | None = None) -> str:
    """An xsd:date when the full date of ``text`` is known, else the text as a plain string.

    A date shown without its year ("Oct 3") takes the year of the listing date ``listed``
    when that has one (:func:`kg.sources.dates.full_date`).

    >>> date_nt("Jan 31, 2024")
    '"2024-01-31"^^<http://www.w3.org/2001/XMLSchema#date>'
    >>> date_nt("Oct 3"), date_nt("Oct 3", "Nov 4, 2024")[:12]
    ('"Oct 3"', '"2024-10-03"')
    """
    text = " ".join(text.split())
    full = full_date(text, listed)
    return literal_nt(full.isoformat(), datatype=_XSD_DATE) if full is not None else literal_nt(text)


def date_literal(text: str, listed: str | None = None) -> Literal:
    """:func:`date_nt` as an rdflib literal.

    >>> date_literal("Jan 31, 2024").datatype == XSD.date
    True
    >>> date_literal("Oct 3").datatype is None, str(date_literal("Oct 3", "Nov 4, 2024"))
    (True, '2024-10-03')
    """
    text = " ".join(text.split())
    full = full_date(text, listed)
    return Literal(full, datatype=XSD.date) if full is not None else Literal(text)


def _confidence(value: float) -> str:
    """A mention's confidence as xsd:decimal, rounded to 3 places, as the JSON records have it."""
    if type(value) is not float:  # an int or a Decimal from elsewhere: rdflib's lexical form
        return literal_nt(str(Literal(Decimal(str(round(value, 3))), datatype=XSD.decimal)),
                          datatype=_XSD_DECIMAL)
    return literal_nt(format(Decimal(str(round(value, 3))), "f"), datatype=_XSD_DECIMAL)


def _decimal(value: float) -> str:
    # xsd:decimal, rounded as in the JSON records: every RDF syntax writes it exactly, where
    # Turtle shorthand for xsd:double keeps only 6 significant digits
    # in the canonical lexical form ("3.48124", "2") that triple stores keep
    return literal_nt(format(Decimal(f"{value:.6f}").normalize(), "f"), datatype=_XSD_DECIMAL)


def paper_triples(paper: Paper, occurrences: Iterable[Occurrence], repositories: Iterable[str],
                  entity_ids: Container[str], iris: Iris) -> Iterator[Triple]:
    """The triples of one paper's named graph; ``repositories`` are the ones it links."""
    k = _KG
    p = iris.paper(paper.id)
    yield p, A, S_ARTICLE
    yield p, D_ID, text_nt(paper.id)
    yield p, D_TITLE, literal_nt(paper.title, "en")
    yield p, D_ABSTRACT, literal_nt(paper.abstract, "en")
    if paper.date:
        yield p, D_DATE, date_nt(paper.date, paper.page_date)
    if paper.page_date:
        yield p, k["listingDate"], date_nt(paper.page_date)
    for author in dict.fromkeys(paper.authors):
        yield p, S_AUTHOR, text_nt(author)
    n_authors = paper.n_authors if paper.n_authors is not None else len(paper.authors) or None
    if n_authors is not None:
        yield p, k["authorCount"], integer_nt(n_authors)
    if paper.upvotes is not None:
        yield p, k["upvotes"], integer_nt(paper.upvotes)
    for category in paper.categories:
        yield p, k["category"], text_nt(category)
    for keyword in paper.keywords:
        yield p, S_KEYWORDS, text_nt(keyword)
    url = external(paper.url) if paper.url else None
    if url is not None:
        yield p, S_URL, iri_nt(url)
    for prefix, ident in (("https://arxiv.org/abs/", paper.arxiv_id), ("https://doi.org/", paper.doi)):
        same = external(prefix + ident) if ident else None
        if same is not None:
            yield p, S_SAME, iri_nt(same)
    for occ in occurrences:
        if occ.entity not in entity_ids:
            continue  # resolution dropped it; a dangling IRI would break the shapes
        e = iris.entity(occ.entity)
        yield p, k["proposes"] if occ.role == "proposed" else k["uses"], e
        confidence = _confidence(occ.mention.confidence)
        for ev in occ.mention.evidence:
            node = iris.evidence(paper.id, occ.entity, ev.start, ev.end)
            yield p, k["evidence"], node
            yield node, A, k["Evidence"]
            yield node, P_DERIVED, p
            yield node, D_SUBJECT, e
            yield node, P_VALUE, literal_nt(ev.text, "en")
            yield node, k["start"], integer_nt(ev.start)
            yield node, k["end"], integer_nt(ev.end)
            if ev.surface:
                yield node, k["surface"], text_nt(ev.surface)
            yield node, k["confidence"], confidence
    for repository in repositories:
        yield p, k["hasRepository"], iris.repo(repo_iri_key(repository))


def entity_triples(entity: Entity, iris: Iris) -> Iterator[Triple]:
    """The triples of one canonical entity (default graph)."""
    e = iris.entity(entity.id)
    yield e, A, _CLASSES.get(entity.type, _KG["Entity"])
    yield e, A, K_CONCEPT
    yield e, D_ID, text_nt(entity.id)
    yield e, K_PREF, text_nt(entity.name)
    for alias in dict.fromkeys(entity.aliases):
        if alias != entity.name:
            yield e, K_ALT, text_nt(alias)
    if entity.kb_id:
        yield e, K_NOTATION, text_nt(entity.kb_id)
    if entity.parent and entity.parent != entity.id:
        family = iris.entity(entity.parent)
        yield e, _KG["variantOf"], family
        yield e, K_BROADER, family
    yield e, _KG["support"], integer_nt(entity.support)
    if not entity.papers:  # only a family level is named by no paper (kg.resolve.families)
        yield e, _KG["derived"], _TRUE


def link_triples(link: Link, iris: Iris) -> Iterator[Triple]:
    """A link node with its weight, rule and shares, and the direct kg:relatedTo.

    Each share (one entity's part in the link) is a ``kg:LinkShare`` node with the
    entity, its weight and its kind; a builds-on link also says which paper builds
    on which (``kg:buildsOn``, from the user to the proposer).
    """
    k = _KG
    a, b = sorted((link.source, link.target))
    node = iris.link(a, b)
    pa, pb = iris.paper(a), iris.paper(b)
    yield node, A, k["PaperLink"]
    yield node, k["linkSource"], pa
    yield node, k["linkTarget"], pb
    yield node, k["weight"], _decimal(link.weight)
    if link.rule is not None:
        yield node, k["linkRule"], text_nt(link.rule)
    if link.similarity is not None:
        yield node, k["linkSimilarity"], _decimal(link.similarity)
    for entity_id in link.shared:
        yield node, k["sharedEntity"], iris.entity(entity_id)
    for share in link.shares:
        s = iris.share(a, b, share.entity)
        yield node, k["share"], s
        yield s, A, k["LinkShare"]
        yield s, k["shareOf"], iris.entity(share.entity)
        yield s, k["shareWeight"], _decimal(share.weight)
        yield s, k["shareKind"], text_nt(share.kind)
    yield pa, k["relatedTo"], pb
    if link.proposer in (a, b):
        user, proposer = (pb, pa) if link.proposer == a else (pa, pb)
        yield user, k["buildsOn"], proposer


def repo_triples(repository: str, seen: list[Repo], iris: Iris) -> Iterator[Triple]:
    """One repository node; ``seen`` are its Repo records (empty for metadata-only links)."""
    r = iris.repo(repo_iri_key(repository))
    yield r, A, _KG["Repository"]
    url = external(repository)
    if url is not None:
        yield r, S_URL, iri_nt(url)
    if seen:
        kind = seen[0].kind
        yield r, _KG["repositoryKind"], text_nt(kind)
        if kind in _REPO_CLASSES:
            yield r, A, _REPO_CLASSES[kind]
        yield r, _KG["official"], text_nt(any(x.official for x in seen))  # an xsd:boolean


def _paper_repos(corpus: CorpusRecords) -> dict[str, dict[str, Repo | None]]:
    """Per paper, its repositories in order, each with its Repo record.

    Extraction links come first, then the metadata URLs not among them: those have
    no record, since nothing says what kind of repository they are. A repository
    whose URL is not a valid IRI is left out (:func:`external` warns): its node
    could not have the one ``schema:url`` the shapes require.
    """
    out: dict[str, dict[str, Repo | None]] = {}
    for pid, paper in corpus.papers.items():
        pe = corpus.extractions.get(pid)
        repos: dict[str, Repo | None] = {r.repository: r for r in (pe.links if pe is not None else ())}
        for url in paper.repos:
            repos.setdefault(url, None)
        out[pid] = {url: r for url, r in repos.items() if external(url) is not None}
    return out


def partitions(corpus: CorpusRecords, settings: Settings | None = None
               ) -> Iterator[tuple[str | None, list[Triple]]]:
    """The triples of the corpus in partitions: (paper id, or None for the default graph, triples).

    One partition per paper (its named graph), in id order, then the default graph in
    small partitions: one per entity (by id), per link (in the corpus' order) and per
    repository (by URL). A triple belongs to one partition only, so a consumer holds one
    partition at a time (:mod:`kg.rdf.nquads` streams them) and the order is the same
    for the same corpus.
    """
    for pid, triples in partitions_skipping(corpus, settings):
        assert triples is not None
        yield pid, triples


Skip = Callable[[str, Sequence[Occurrence], Sequence[str]], bool]


def partitions_skipping(corpus: CorpusRecords, settings: Settings | None = None,
                        skip: Skip | None = None
                        ) -> Iterator[tuple[str | None, list[Triple] | None]]:
    """:func:`partitions`, but a paper's partition for which ``skip(paper id, its
    occurrences, its repositories)`` is true comes as ``(paper id, None)``, not converted
    (:mod:`kg.rdf.reuse` copies it)."""
    iris = Iris((settings or corpus.settings).base_iri)
    by_paper: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in corpus.occurrences:
        by_paper[occ.paper].append(occ)
    repos = _paper_repos(corpus)
    entities = corpus.entities
    for pid in sorted(corpus.papers):
        occurrences = by_paper.get(pid, [])
        if skip is not None and skip(pid, occurrences, tuple(repos[pid])):
            yield pid, None
            continue
        yield pid, list(paper_triples(corpus.papers[pid], occurrences, repos[pid], entities, iris))
    for eid in sorted(entities):
        yield None, list(entity_triples(entities[eid], iris))
    for link in corpus.links:
        if link.source in corpus.papers and link.target in corpus.papers:
            yield None, list(link_triples(link, iris))
    records: dict[str, list[Repo]] = defaultdict(list)
    for seen in repos.values():
        for repository, r in seen.items():
            records[repository].extend([r] if r is not None else [])
    for repository in sorted(records):
        yield None, list(repo_triples(repository, records[repository], iris))


def corpus_to_dataset(corpus: CorpusRecords, settings: Settings | None = None) -> Dataset:
    """The corpus as an RDF dataset: one named graph per paper, the rest in the default graph."""
    from kg.rdf.nquads import nquads_bytes

    ds = bind_prefixes(Dataset())
    ds.parse(data=nquads_bytes(corpus, settings), format="nquads")
    return ds


def corpus_to_graph(corpus: CorpusRecords, settings: Settings | None = None) -> Graph:
    """Every triple of :func:`corpus_to_dataset` in one graph (Turtle, N-Triples, RDF/XML)."""
    from kg.rdf.nquads import partition_lines

    g = bind_prefixes(Graph())
    text = "".join(line for _, triples in partitions(corpus, settings)
                   for line in partition_lines(triples, None))
    g.parse(data=text, format="nt")
    return g


def dataset_to_graph(ds: Dataset) -> Graph:
    """All the triples of a dataset, its graph names dropped."""
    g = bind_prefixes(Graph())
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
