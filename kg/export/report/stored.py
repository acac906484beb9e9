"""The digest of a build read back from its store: what ``kg stats`` and ``kg show`` read.

Reading the store (a few SPARQL queries on the read-only pyoxigraph store) takes a
fraction of a second where rebuilding the corpus from the state files resolves every
entity again. The vocabulary's IRIs are spelled out here rather than imported from
:mod:`kg.rdf.vocab`, which loads rdflib; ``tests/test_report.py`` checks they agree.
"""

import json
from collections import defaultdict
from dataclasses import fields
from pathlib import Path

from kg.export.report.digest import Digest, PaperInfo, RepoInfo, canonical
from kg.records import ENTITY_TYPES, Entity, EntityType, Link
from kg.settings import Settings
from kg.store.embedded import open_store, query_store, store_path

KG_NS = "https://w3id.org/kg/vocab#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ARXIV_ABS = "https://arxiv.org/abs/"
# the class of each entity type, as kg.rdf.vocab.ENTITY_CLASSES has it
TYPE_OF_CLASS: dict[str, EntityType] = {f"{KG_NS}{t.capitalize()}": t for t in ENTITY_TYPES}

PREFIXES = (f"PREFIX kg: <{KG_NS}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX schema: <{SCHEMA}>\n"
            f"PREFIX skos: <{SKOS}>\n")
QUERIES = {
    "papers": """SELECT ?p ?id ?title ?date ?listing ?url WHERE {
        ?p a schema:ScholarlyArticle ; dcterms:identifier ?id ; dcterms:title ?title .
        OPTIONAL { ?p dcterms:date ?date } OPTIONAL { ?p kg:listingDate ?listing }
        OPTIONAL { ?p schema:url ?url } }""",
    "same": """SELECT ?p ?same WHERE { ?p a schema:ScholarlyArticle ; schema:sameAs ?same }""",
    "entities": """SELECT ?e ?id ?name ?class WHERE {
        ?e a skos:Concept ; dcterms:identifier ?id ; skos:prefLabel ?name .
        OPTIONAL { ?e a ?class FILTER(?class IN (kg:Method, kg:Model, kg:Dataset)) } }""",
    "aliases": """SELECT ?e ?alias WHERE { ?e a skos:Concept ; skos:altLabel ?alias }""",
    "families": """SELECT ?e ?family WHERE { ?e kg:variantOf ?family }""",
    "mentions": """SELECT DISTINCT ?p ?role ?e WHERE {
        VALUES ?role { kg:uses kg:proposes } ?p ?role ?e }""",
    "links": """SELECT ?a ?b ?weight ?shared WHERE {
        ?link a kg:PaperLink ; kg:linkSource ?a ; kg:linkTarget ?b ; kg:weight ?weight .
        OPTIONAL { ?link kg:sharedEntity ?shared } }""",
    "repos": """SELECT DISTINCT ?p ?r ?url ?kind ?official WHERE {
        ?p kg:hasRepository ?r . OPTIONAL { ?r schema:url ?url }
        OPTIONAL { ?r kg:repositoryKind ?kind } OPTIONAL { ?r kg:official ?official } }""",
}

# entities and links live in the default graph: asking it alone is twice as fast as the union
DEFAULT_GRAPH = ("entities", "aliases", "families", "links")


def _text(v: object) -> str | None:
    return None if v is None else str(v)


def read_digest(output_dir: str | Path) -> Digest:
    """The digest of the build in ``output_dir`` (or of the store directory itself).

    Raises :class:`kg.errors.StoreError` when there is no store.
    """
    store = open_store(store_path(output_dir), read_only=True)
    try:
        rows = {name: query_store(store, PREFIXES + q, union_default_graph=name not in DEFAULT_GRAPH).rows
                for name, q in QUERIES.items()}
    finally:
        del store

    paper_id: dict[str, str] = {}
    fields: dict[str, dict[str, str | None]] = {}
    for p, pid, title, date, listing, url in rows["papers"]:
        paper_id[str(p)] = str(pid)
        fields[str(pid)] = {"title": _text(title), "date": _text(date), "page_date": _text(listing),
                            "url": _text(url), "arxiv_id": None}
    for p, same in rows["same"]:
        if str(p) in paper_id and str(same).startswith(ARXIV_ABS):
            fields[paper_id[str(p)]]["arxiv_id"] = str(same)[len(ARXIV_ABS):]
    repos: dict[str, list[RepoInfo]] = defaultdict(list)
    for p, r, url, kind, official in rows["repos"]:
        if str(p) in paper_id:
            repos[paper_id[str(p)]].append(RepoInfo(_text(url) or str(r), _text(kind), official is True))
    papers = [PaperInfo(pid, f["title"] or "", f["date"], f["page_date"], f["arxiv_id"], f["url"],
                        tuple(sorted(repos.get(pid, []), key=lambda r: r.url)))
              for pid, f in fields.items()]

    entity_id: dict[str, str] = {}
    names: dict[str, str] = {}
    types: dict[str, EntityType] = {}
    for e, eid, name, cls in rows["entities"]:
        entity_id[str(e)] = str(eid)
        names[str(eid)] = str(name)
        kind = TYPE_OF_CLASS.get(str(cls))
        if kind is not None:  # kg types every entity it writes; an untyped one is not ours
            types[str(eid)] = kind
    aliases: dict[str, list[str]] = defaultdict(list)
    for e, alias in rows["aliases"]:
        if str(e) in entity_id:
            aliases[entity_id[str(e)]].append(str(alias))
    parents = {entity_id[str(e)]: entity_id[str(f)] for e, f in rows["families"]
               if str(e) in entity_id and str(f) in entity_id}
    naming: dict[str, set[str]] = defaultdict(set)
    proposing: dict[str, set[str]] = defaultdict(set)
    for p, role, e in rows["mentions"]:
        if str(p) in paper_id and str(e) in entity_id:
            naming[entity_id[str(e)]].add(paper_id[str(p)])
            if str(role) == KG_NS + "proposes":
                proposing[entity_id[str(e)]].add(paper_id[str(p)])
    entities = [Entity(eid, types[eid], names[eid], tuple(aliases.get(eid, ())), parents.get(eid),
                       tuple(naming.get(eid, ())), tuple(proposing.get(eid, ())))
                for eid in names if eid in types]

    weights: dict[tuple[str, str], float] = {}
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a, b, weight, e in rows["links"]:
        if str(a) in paper_id and str(b) in paper_id:
            key = (paper_id[str(a)], paper_id[str(b)])
            weights[key] = float(weight) if isinstance(weight, int | float) else float(str(weight))
            if e is not None and str(e) in entity_id:
                shared[key].append(entity_id[str(e)])
    links = [Link(a, b, w, tuple(shared.get((a, b), ()))) for (a, b), w in weights.items()]
    return canonical(papers, entities, links)


def build_settings(output_dir: str | Path, base: Settings | None = None) -> Settings:
    """``base`` with the report settings (``report_*``) the build recorded in ``build.json``.

    The report of a build and ``kg stats`` on it then use the same numbers of rows and
    months. A missing or damaged ``build.json`` leaves ``base`` as it is: the figures
    do not depend on anything else it holds.
    """
    base = base or Settings()
    try:
        info = json.loads((Path(output_dir) / "build.json").read_text(encoding="utf-8"))
        recorded = info.get("settings") or {}
    except (OSError, ValueError, AttributeError):
        return base
    if not isinstance(recorded, dict):
        return base
    knobs = {f.name for f in fields(Settings) if f.name.startswith("report_")}
    changes = {k: v for k, v in recorded.items()
               if k in knobs and isinstance(v, int) and not isinstance(v, bool) and v > 0}
    return base.with_(**changes)
