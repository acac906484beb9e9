"""A corpus as RDF, in the vocabulary of ``schemas/kg.ttl``.

Corpus-level triples (entities, paper links, repositories) go to the default
graph; each paper's own triples (the paper, what it proposes and uses, the
evidence sentences, the repositories it links) go to its named graph
``mint("graph", paper.id)``, so N-Quads and TriG keep where a statement comes
from. :func:`corpus_to_graph` merges everything for the triple formats.

The corpus is read through :class:`~kg.records.CorpusRecords` only (``papers``,
``extractions``, ``entities``, ``occurrences``, ``links``, ``settings``).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, RDF, SDO, SKOS, XSD

from kg.keys import repo_iri_key
from kg.rdf.iri import external, mint
from kg.rdf.vocab import ENTITY_CLASSES, KG, bind_prefixes
from kg.records import CorpusRecords, Entity, Link, Occurrence, Paper, Repo
from kg.settings import Settings
from kg.sources.dates import full_date

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_REPO_CLASSES = {"code": SDO.SoftwareSourceCode, "dataset": SDO.Dataset}


def date_literal(text: str, listed: str | None = None) -> Literal:
    """An xsd:date when the full date of ``text`` is known, else the text as a plain string.

    A date shown without its year ("Oct 3") takes the year of the listing date ``listed``
    when that has one (:func:`kg.sources.dates.full_date`).

    >>> date_literal("Jan 31, 2024").datatype == XSD.date
    True
    >>> date_literal("Oct 3").datatype is None, str(date_literal("Oct 3", "Nov 4, 2024"))
    (True, '2024-10-03')
    """
    text = " ".join(text.split())
    full = full_date(text, listed)
    return Literal(full, datatype=XSD.date) if full is not None else Literal(text)


def paper_triples(paper: Paper, occurrences: Iterable[Occurrence], repositories: Iterable[str],
                  entity_ids: set[str], base: str) -> Iterator[Triple]:
    """The triples of one paper's named graph; ``repositories`` are the ones it links."""
    p = mint("paper", paper.id, base)
    yield p, RDF.type, SDO.ScholarlyArticle
    yield p, DCTERMS.identifier, Literal(paper.id)
    yield p, DCTERMS.title, Literal(paper.title, lang="en")
    yield p, DCTERMS.abstract, Literal(paper.abstract, lang="en")
    if paper.date:
        yield p, DCTERMS.date, date_literal(paper.date, paper.page_date)
    if paper.page_date:
        yield p, KG.listingDate, date_literal(paper.page_date)
    for author in dict.fromkeys(paper.authors):
        yield p, SDO.author, Literal(author)
    n_authors = paper.n_authors if paper.n_authors is not None else len(paper.authors) or None
    if n_authors is not None:
        yield p, KG.authorCount, Literal(n_authors, datatype=XSD.integer)
    if paper.upvotes is not None:
        yield p, KG.upvotes, Literal(paper.upvotes, datatype=XSD.integer)
    for category in paper.categories:
        yield p, KG.category, Literal(category)
    for keyword in paper.keywords:
        yield p, SDO.keywords, Literal(keyword)
    url = external(paper.url) if paper.url else None
    if url is not None:
        yield p, SDO.url, url
    for prefix, ident in (("https://arxiv.org/abs/", paper.arxiv_id), ("https://doi.org/", paper.doi)):
        same = external(prefix + ident) if ident else None
        if same is not None:
            yield p, SDO.sameAs, same
    for occ in occurrences:
        if occ.entity not in entity_ids:
            continue  # resolution dropped it; a dangling IRI would break the shapes
        e = mint("entity", occ.entity, base)
        yield p, KG.proposes if occ.role == "proposed" else KG.uses, e
        confidence = Literal(Decimal(str(round(occ.mention.confidence, 3))), datatype=XSD.decimal)
        for ev in occ.mention.evidence:
            node = mint("evidence", (paper.id, occ.entity, str(ev.start), str(ev.end)), base)
            yield p, KG.evidence, node
            yield node, RDF.type, KG.Evidence
            yield node, PROV.wasDerivedFrom, p
            yield node, DCTERMS.subject, e
            yield node, PROV.value, Literal(ev.text, lang="en")
            yield node, KG.start, Literal(ev.start, datatype=XSD.integer)
            yield node, KG.end, Literal(ev.end, datatype=XSD.integer)
            if ev.surface:
                yield node, KG.surface, Literal(ev.surface)
            yield node, KG.confidence, confidence
    for repository in repositories:
        yield p, KG.hasRepository, mint("repo", repo_iri_key(repository), base)


def entity_triples(entity: Entity, base: str) -> Iterator[Triple]:
    """The triples of one canonical entity (default graph)."""
    e = mint("entity", entity.id, base)
    yield e, RDF.type, ENTITY_CLASSES.get(entity.type, KG.Entity)
    yield e, RDF.type, SKOS.Concept
    yield e, DCTERMS.identifier, Literal(entity.id)
    yield e, SKOS.prefLabel, Literal(entity.name)
    for alias in dict.fromkeys(entity.aliases):
        if alias != entity.name:
            yield e, SKOS.altLabel, Literal(alias)
    if entity.kb_id:
        yield e, SKOS.notation, Literal(entity.kb_id)
    if entity.parent and entity.parent != entity.id:
        family = mint("entity", entity.parent, base)
        yield e, KG.variantOf, family
        yield e, SKOS.broader, family
    yield e, KG.support, Literal(entity.support, datatype=XSD.integer)
    if not entity.papers:  # only a family level is named by no paper (kg.resolve.families)
        yield e, KG.derived, Literal(True)


def _decimal(value: float) -> Literal:
    # xsd:decimal, rounded as in the JSON records: every RDF syntax writes it exactly, where
    # Turtle shorthand for xsd:double keeps only 6 significant digits
    # in the canonical lexical form ("3.48124", "2") that triple stores keep
    return Literal(format(Decimal(f"{value:.6f}").normalize(), "f"), datatype=XSD.decimal)


def link_triples(link: Link, base: str) -> Iterator[Triple]:
    """A link node with its weight, rule and shares, and the direct kg:relatedTo.

    Each share (one entity's part in the link) is a ``kg:LinkShare`` node with the
    entity, its weight and its kind; a builds-on link also says which paper builds
    on which (``kg:buildsOn``, from the user to the proposer).
    """
    a, b = sorted((link.source, link.target))
    node = mint("link", (a, b), base)
    pa, pb = mint("paper", a, base), mint("paper", b, base)
    yield node, RDF.type, KG.PaperLink
    yield node, KG.linkSource, pa
    yield node, KG.linkTarget, pb
    yield node, KG.weight, _decimal(link.weight)
    if link.rule is not None:
        yield node, KG.linkRule, Literal(link.rule)
    if link.similarity is not None:
        yield node, KG.linkSimilarity, _decimal(link.similarity)
    for entity_id in link.shared:
        yield node, KG.sharedEntity, mint("entity", entity_id, base)
    for share in link.shares:
        s = mint("share", (a, b, share.entity), base)
        yield node, KG.share, s
        yield s, RDF.type, KG.LinkShare
        yield s, KG.shareOf, mint("entity", share.entity, base)
        yield s, KG.shareWeight, _decimal(share.weight)
        yield s, KG.shareKind, Literal(share.kind)
    yield pa, KG.relatedTo, pb
    if link.proposer in (a, b):
        user, proposer = (pb, pa) if link.proposer == a else (pa, pb)
        yield user, KG.buildsOn, proposer


def repo_triples(repository: str, seen: list[Repo], base: str) -> Iterator[Triple]:
    """One repository node; ``seen`` are its Repo records (empty for metadata-only links)."""
    r = mint("repo", repo_iri_key(repository), base)
    yield r, RDF.type, KG.Repository
    url = external(repository)
    if url is not None:
        yield r, SDO.url, url
    if seen:
        kind = seen[0].kind
        yield r, KG.repositoryKind, Literal(kind)
        if kind in _REPO_CLASSES:
            yield r, RDF.type, _REPO_CLASSES[kind]
        yield r, KG.official, Literal(any(x.official for x in seen))


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
    base = (settings or corpus.settings).base_iri
    by_paper: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in corpus.occurrences:
        by_paper[occ.paper].append(occ)
    repos = _paper_repos(corpus)
    entity_ids = set(corpus.entities)
    for pid in sorted(corpus.papers):
        yield pid, list(paper_triples(corpus.papers[pid], by_paper.get(pid, ()), repos[pid],
                                      entity_ids, base))
    for eid in sorted(corpus.entities):
        yield None, list(entity_triples(corpus.entities[eid], base))
    for link in corpus.links:
        if link.source in corpus.papers and link.target in corpus.papers:
            yield None, list(link_triples(link, base))
    records: dict[str, list[Repo]] = defaultdict(list)
    for seen in repos.values():
        for repository, r in seen.items():
            records[repository].extend([r] if r is not None else [])
    for repository in sorted(records):
        yield None, list(repo_triples(repository, records[repository], base))


def corpus_to_dataset(corpus: CorpusRecords, settings: Settings | None = None) -> Dataset:
    """The corpus as an RDF dataset: one named graph per paper, the rest in the default graph."""
    base = (settings or corpus.settings).base_iri
    ds = bind_prefixes(Dataset())
    for pid, triples in partitions(corpus, settings):
        g = ds.graph(DATASET_DEFAULT_GRAPH_ID if pid is None else mint("graph", pid, base))
        for t in triples:
            g.add(t)
    return ds


def corpus_to_graph(corpus: CorpusRecords, settings: Settings | None = None) -> Graph:
    """Every triple of :func:`corpus_to_dataset` in one graph (Turtle, N-Triples, RDF/XML)."""
    g = bind_prefixes(Graph())
    for _, triples in partitions(corpus, settings):
        for t in triples:
            g.add(t)
    return g


def dataset_to_graph(ds: Dataset) -> Graph:
    """All the triples of a dataset, its graph names dropped."""
    g = bind_prefixes(Graph())
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
