"""When a preset gives nothing: does its paper or entity parameter name anything in the store?

A preset that looks a paper or an entity up by what the user typed includes one of the
fragments ``paper-is-key`` or ``entity-is-key``. When it gives no rows,
:func:`check_keys` asks the store whether that fragment finds anything at all for the
value (the same test the preset made, so the two never disagree), and if not raises a
:class:`QueryError` saying so, with the closest names in the store (difflib over
titles and ids, or names and aliases, any case), as ``kg show`` does. A value that does
name something is left alone: the empty result is then the answer.
"""

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import QueryError
from kg.keys import lookup_key
from kg.store.embedded import QueryResult
from kg.store.presets import QUERY_PREFIXES, fragments, get_preset


@dataclass(frozen=True)
class KeyKind:
    """How one lookup fragment is asked, and where its suggestions come from."""

    what: str  # "paper", "entity"
    pattern: str  # what binds the variables the fragment reads, before it
    names: str  # SELECT ?name: every name a user could have meant


KEY_FRAGMENTS: Mapping[str, KeyKind] = {
    "paper-is-key": KeyKind(
        "paper", "?p dcterms:identifier ?pid ; dcterms:title ?ptitle .",
        "SELECT DISTINCT ?name WHERE { ?p a schema:ScholarlyArticle ; dcterms:title|dcterms:identifier ?name }"),
    "entity-is-key": KeyKind(
        "entity", "",
        "SELECT DISTINCT ?name WHERE { ?e a skos:Concept ; skos:prefLabel|skos:altLabel ?name }"),
}


def _prefixes() -> str:
    from kg.rdf.vocab import PREFIXES

    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in QUERY_PREFIXES)


def check_keys(preset: str, params: Mapping[str, str], run: Callable[[str], QueryResult]) -> None:
    """Raise a :class:`QueryError` if a parameter of ``preset`` names no paper or entity.

    ``run`` runs a query on the store the preset ran on. The message names the
    parameter and the value, and suggests up to three close names.
    """
    spec = get_preset(preset)
    found = [f for f in spec.includes if f in KEY_FRAGMENTS]
    keyed = [p for p in spec.params if p.variable == "key" and params.get(p.name)]
    if len(found) != 1 or len(keyed) != 1:
        return  # nothing looked up by name (or more than this check knows how to tell apart)
    kind, param, value = KEY_FRAGMENTS[found[0]], keyed[0], params[keyed[0].name]
    ask = (f"{_prefixes()}ASK {{\n  VALUES ?key {{ {ox.Literal(value)} }}\n  {kind.pattern}\n"
           f"{fragments()[found[0]]}\n}}")
    if run(ask).boolean:
        return
    close = suggestions(value, [str(r[0]) for r in run(_prefixes() + kind.names).rows if r[0] is not None])
    named = "with the id or title" if kind.what == "paper" else "named"
    hint = f"; did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    raise QueryError(f"no {kind.what} {named} {value!r} in the store (--param {param.name}){hint}")


def suggestions(value: str, names: list[str], n: int = 3) -> list[str]:
    """The ``n`` names closest to ``value`` (difflib, case and spacing ignored), best first.

    >>> suggestions("lamma", ["LLaMA", "Llama 2", "LoRA", "llama"])
    ['LLaMA', 'Llama 2']
    """
    shown: dict[str, str] = {}
    for name in sorted(names):
        shown.setdefault(lookup_key(name), name)
    return [shown[c] for c in difflib.get_close_matches(lookup_key(value), list(shown), n=n, cutoff=0.6)]
