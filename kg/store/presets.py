"""Ready-made SPARQL queries with parameters (``kg query --preset NAME --param key=value``).

Parameter values are never pasted into query text as the user wrote them: each
becomes an RDF term object (a pyoxigraph ``Literal`` or ``NamedNode``) whose
N-Triples serialisation, escaped by pyoxigraph, fills a ``VALUES`` clause, and
integers are parsed as ``int`` first. A value such as ``" } ; DROP ALL ; #`` is
therefore just a string that matches nothing, and a query can never change the
store (the store is opened read-only and only queries, not updates, are run).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError

KG_NS = "https://w3id.org/kg/vocab#"
TYPES = {"method": "Method", "model": "Model", "dataset": "Dataset"}

PREFIXES = f"""PREFIX kg: <{KG_NS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

# the type name of an entity, from its class
_CLASS_TYPE = ("VALUES (?cls ?type) { "
               + " ".join(f'(kg:{c} "{t}")' for t, c in TYPES.items()) + " }")
_TYPE_OF = "OPTIONAL { ?e a ?cls . " + _CLASS_TYPE + " }"
# ?p is the paper named by ?key: its id (with or without "arxiv:") or its title, any case
_PAPER_IS_KEY = """?p dcterms:identifier ?pid ; dcterms:title ?ptitle .
  FILTER(STR(?pid) = STR(?key) || STR(?pid) = CONCAT("arxiv:", STR(?key))
         || LCASE(STR(?ptitle)) = LCASE(STR(?key)))"""
# ?e is the entity named by ?key: its name, an alias or its id, any case
_ENTITY_IS_KEY = """?e a skos:Concept ; skos:prefLabel|skos:altLabel|dcterms:identifier ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?key)))"""


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    kind: str = "str"  # "str" | "int" | "type"
    default: str | None = None  # None: required (unless optional)
    optional: bool = False


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    params: tuple[Param, ...]
    template: str  # {values} and {limit} are filled by :func:`preset_query`; {if_x}...{end_x} optional parts

    def usage(self) -> str:
        parts = []
        for p in self.params:
            s = f"{p.name}={p.kind.upper()}"
            parts.append(f"[{s}]" if p.optional or p.default is not None else s)
        return " ".join(f"--param {s}" for s in parts)


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("papers-using", "papers that propose or use an entity (name, alias or id; its variants too)",
           (Param("entity", "entity name, alias or id, any case"),),
           """SELECT DISTINCT ?id ?title ?role ?entity WHERE {
  {values}
  """ + _ENTITY_IS_KEY + """
  ?v kg:variantOf* ?e ; skos:prefLabel ?entity .
  { ?p kg:proposes ?v BIND("proposed" AS ?role) } UNION { ?p kg:uses ?v BIND("used" AS ?role) }
  ?p dcterms:identifier ?id ; dcterms:title ?title .
} ORDER BY ?id ?entity"""),
    Preset("top-entities", "the entities named by the most papers",
           (Param("type", "method, model or dataset (default: all)", "type", optional=True),
            Param("limit", "how many", "int", default="20")),
           """SELECT ?id ?name ?type ?support WHERE {
  {values}
  """ + _CLASS_TYPE + """
  ?e a ?cls ; dcterms:identifier ?id ; skos:prefLabel ?name ; kg:support ?support .
} ORDER BY DESC(?support) ?name LIMIT {limit}"""),
    Preset("related-papers", "papers linked to a paper (id or title), strongest link first",
           (Param("paper", "paper id (arxiv:2401.00001 or 2401.00001) or title"),
            Param("limit", "how many", "int", default="20")),
           """SELECT ?id ?title ?weight (GROUP_CONCAT(DISTINCT ?name; separator="; ") AS ?shared) WHERE {
  {values}
  """ + _PAPER_IS_KEY + """
  ?link a kg:PaperLink ; kg:weight ?weight .
  { ?link kg:linkSource ?p ; kg:linkTarget ?o } UNION { ?link kg:linkTarget ?p ; kg:linkSource ?o }
  ?o dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?link kg:sharedEntity ?s . ?s skos:prefLabel ?name }
} GROUP BY ?id ?title ?weight ORDER BY DESC(?weight) ?id LIMIT {limit}"""),
    Preset("entity", "one entity: type, support, aliases, family, variants and papers",
           (Param("name", "entity name, alias or id, any case"),),
           """SELECT ?id ?name ?type ?support ?family
  (GROUP_CONCAT(DISTINCT ?alias; separator="; ") AS ?aliases)
  (GROUP_CONCAT(DISTINCT ?variant; separator="; ") AS ?variants)
  (GROUP_CONCAT(DISTINCT ?paper; separator="; ") AS ?papers) WHERE {
  {values}
  """ + _ENTITY_IS_KEY + """
  ?e dcterms:identifier ?id ; skos:prefLabel ?name .
  OPTIONAL { ?e kg:support ?support }
  """ + _TYPE_OF + """
  OPTIONAL { ?e kg:variantOf ?f . ?f skos:prefLabel ?family }
  OPTIONAL { ?e skos:altLabel ?alias }
  OPTIONAL { ?v kg:variantOf ?e ; skos:prefLabel ?variant }
  OPTIONAL { ?p kg:proposes|kg:uses ?e . ?p dcterms:identifier ?paper }
} GROUP BY ?id ?name ?type ?support ?family ORDER BY ?id"""),
    Preset("repos", "code, model and project repositories, with the papers linking them",
           (Param("paper", "only the repositories of this paper (id or title)", optional=True),),
           """SELECT ?repository ?kind ?official (COUNT(DISTINCT ?p) AS ?n_papers)
  (GROUP_CONCAT(DISTINCT ?pid; separator="; ") AS ?papers) WHERE {
  {values}
  ?p kg:hasRepository ?r ; dcterms:identifier ?pid ; dcterms:title ?ptitle .
  ?r schema:url ?repository .
  OPTIONAL { ?r kg:repositoryKind ?kind } OPTIONAL { ?r kg:official ?official }
  {if_paper}FILTER(STR(?pid) = STR(?key) || STR(?pid) = CONCAT("arxiv:", STR(?key))
         || LCASE(STR(?ptitle)) = LCASE(STR(?key))){end_paper}
} GROUP BY ?repository ?kind ?official ORDER BY DESC(?n_papers) ?repository"""),
    Preset("proposes", "what a paper (id or title) proposes",
           (Param("paper", "paper id (arxiv:2401.00001 or 2401.00001) or title"),),
           """SELECT ?id ?name ?type ?support WHERE {
  {values}
  """ + _PAPER_IS_KEY + """
  ?p kg:proposes ?e . ?e dcterms:identifier ?id ; skos:prefLabel ?name .
  OPTIONAL { ?e kg:support ?support }
  """ + _TYPE_OF + """
} ORDER BY ?name"""),
)}

# the SPARQL variable each parameter binds
_VARIABLE = {"entity": "key", "name": "key", "paper": "key"}


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; a malformed item is a :class:`QueryError`."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"bad --param {item!r}; expected key=value")
        out[key.strip()] = value
    return out


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise QueryError(f"unknown preset {name!r}; expected one of: {', '.join(sorted(PRESETS))}") from None


def _term(param: Param, value: str) -> Any:
    if param.kind == "type":
        key = value.strip().lower()
        if key not in TYPES:
            raise QueryError(f"bad value {value!r} for {param.name}; expected one of: {', '.join(TYPES)}")
        return ox.NamedNode(KG_NS + TYPES[key])
    return ox.Literal(value)


def preset_query(name: str, params: dict[str, str] | None = None) -> str:
    """The SPARQL text of preset ``name`` with ``params`` bound as escaped RDF terms."""
    preset = get_preset(name)
    params = dict(params or {})
    known = {p.name for p in preset.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryError(f"preset {name!r} has no parameter {unknown[0]!r}; "
                         f"expected: {', '.join(sorted(known)) or 'none'}")
    values: list[str] = []
    text = preset.template
    limit = "20"
    for p in preset.params:
        value = params.get(p.name, p.default)
        present = value is not None and value != ""
        if not present and not p.optional:
            raise QueryError(f"preset {name!r} needs --param {p.name}=... ({p.description})")
        text = _optional_part(text, p.name, present)
        if not present:
            continue
        assert value is not None
        if p.kind == "int":
            try:
                n = int(value)
            except ValueError:
                raise QueryError(f"bad value {value!r} for {p.name}; expected a whole number") from None
            if n < 0:
                raise QueryError(f"bad value {value!r} for {p.name}; expected a number >= 0")
            limit = str(n)
            continue
        var = "cls" if p.kind == "type" else _VARIABLE.get(p.name, p.name)
        values.append(f"VALUES ?{var} {{ {_term(p, value)} }}")
    return PREFIXES + text.replace("{values}", "\n  ".join(values)).replace("{limit}", limit)


def _optional_part(text: str, name: str, keep: bool) -> str:
    start, end = "{if_" + name + "}", "{end_" + name + "}"
    while start in text:
        i, j = text.index(start), text.index(end)
        text = text[:i] + (text[i + len(start):j] if keep else "") + text[j + len(end):]
    return text


def run_preset(store: ox.Store, name: str, params: dict[str, str] | None = None) -> Any:
    """Run preset ``name`` on an open store; a :class:`kg.store.embedded.QueryResult`."""
    from kg.store.embedded import query_store

    return query_store(store, preset_query(name, params))


def presets_help() -> str:
    """The presets as readable text."""
    out = []
    for p in PRESETS.values():
        out.append(f"{p.name}  {p.usage()}".rstrip())
        out.append(f"    {p.description}")
        for x in p.params:
            default = f" (default {x.default})" if x.default else ""
            out.append(f"    {x.name}: {x.description}{default}")
    return "\n".join(out) + "\n"


def describe_presets() -> list[dict[str, str]]:
    """One row per preset: name, parameters, description (``kg query --list-presets``)."""
    rows = []
    for p in PRESETS.values():
        params = "; ".join(f"{x.name}: {x.description}" + (f" (default {x.default})" if x.default else "")
                           for x in p.params)
        rows.append({"preset": p.name, "usage": p.usage(), "description": p.description,
                     "parameters": params})
    return rows
