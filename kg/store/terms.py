"""RDF terms of query results as plain Python data, and the values and texts made from them.

A result's terms travel from the process that evaluates a query to the one that writes
it (:mod:`kg.store.bounded`), so they are kept as plain strings and tuples, which pickle
about four times faster than pyoxigraph's objects:

- an IRI is its ``str``;
- a literal is ``(lexical form, suffix)``: the suffix is ``""`` for a plain string,
  ``"@tag"`` for a language-tagged one (``"@tag--ltr"`` with a base direction) and
  the datatype IRI otherwise (an IRI never starts with ``@``);
- a blank node is the 1-tuple ``(label,)``;
- a quoted triple (RDF-star) is the 3-tuple of its terms.
"""

from typing import TypeAlias

import pyoxigraph as ox

Plain: TypeAlias = str | tuple[str] | tuple[str, str] | tuple["Plain", "Plain", "Plain"]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "negativeInteger", "nonPositiveInteger",
                               "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + t for t in ("double", "float", "decimal")}
_SUFFIXES: dict[str, str] = {}  # one str object per datatype: pickled once per message
# N-Triples' escapes: its own for these, \\uXXXX for the other control characters
_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
                          "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                          "\b": "\\b", "\f": "\\f"})
# SPARQL's and Turtle's, for the results TSV: what a string may not hold, the tab, and as
# \\uXXXX the characters a line-based reader takes for line breaks (Python's splitlines);
# other control characters stay as they are (parsers built on SPARQL's grammar, rdflib's
# among them, read no \\uXXXX inside a string)
_SPARQL_ESCAPES = str.maketrans({**{c: f"\\u{ord(c):04X}" for c in "\x0b\x1c\x1d\x1e\x85\u2028\u2029"},
                                 "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                                 "\f": "\\f"})

Value = str | int | float | bool | None  # a SELECT cell as Python sees it


def plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Plain | None:
    """A pyoxigraph term as plain data (None stays None: an unbound variable).

    >>> plain(ox.Literal("chat", language="fr")), plain(ox.BlankNode("b0"))
    (('chat', '@fr'), ('b0',))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            direction = getattr(term, "direction", None)
            suffix = "@" + term.language + (f"--{_direction(direction)}" if direction else "")
        else:
            suffix = term.datatype.value
            if suffix == XSD_STRING:
                return (term.value, "")
        return (term.value, _SUFFIXES.setdefault(suffix, suffix))
    if isinstance(term, ox.BlankNode):
        return (term.value,)
    if isinstance(term, ox.Triple):
        return (plain(term.subject), plain(term.predicate), plain(term.object))  # type: ignore[return-value]
    raise TypeError(f"not an RDF term: {term!r}")


def _direction(direction: object) -> str:
    return str(direction).rsplit(".", 1)[-1].lower()  # BaseDirection.LTR -> ltr


def oxigraph(term: Plain) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    """The pyoxigraph term of plain data (for the RDF serialisers).

    >>> oxigraph(("3", "http://www.w3.org/2001/XMLSchema#integer"))
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(term, str):
        return ox.NamedNode(term)
    if len(term) == 1:
        return ox.BlankNode(term[0])
    if len(term) == 3:
        s, p, o = (oxigraph(t) for t in term)
        return ox.Triple(s, p, o)  # type: ignore[arg-type]
    value, suffix = term
    if not suffix:
        return ox.Literal(value)
    if suffix.startswith("@"):
        language, _, direction = suffix[1:].partition("--")
        if direction:
            return ox.Literal(value, language=language,
                              direction=getattr(ox.BaseDirection, direction.upper()))
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(suffix))


def ntriples(term: Plain, sparql: bool = False) -> str:
    """The term as N-Triples writes it (as pyoxigraph does), or with ``sparql`` as SPARQL
    writes it (fewer escapes: what a SPARQL results TSV holds).

    >>> ntriples(("a\\tb\\x07", "@en")), ntriples(("a\\tb\\x07", "@en"), sparql=True)
    ('"a\\\\tb\\\\u0007"@en', '"a\\\\tb\\x07"@en')
    >>> ntriples(("1", XSD + "integer"))
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(term, str):
        return f"<{term}>"
    if len(term) == 1:
        return f"_:{term[0]}"
    if len(term) == 3:
        return "<<( " + " ".join(ntriples(t, sparql) for t in term) + " )>>"
    value, suffix = term
    text = '"' + value.translate(_SPARQL_ESCAPES if sparql else _ESCAPES) + '"'
    if not suffix:
        return text
    return text + suffix if suffix.startswith("@") else f"{text}^^<{suffix}>"


def python_value(term: Plain | None) -> Value:
    """A term as a plain Python value: IRIs as strings, blank nodes as ``_:label``, numbers as
    int/float, booleans as bool, other literals as their lexical form, unbound as None.

    >>> python_value(("2", XSD + "integer")), python_value(("true", XSD + "boolean"))
    (2, True)
    """
    if term is None or isinstance(term, str):
        return term
    if len(term) == 1:
        return f"_:{term[0]}"
    if len(term) == 3:
        return ntriples(term)
    value, dt = term
    try:
        if dt in _INTEGERS:
            return int(value)
        if dt in _FLOATS:
            return float(value)
    except ValueError:
        return value
    if dt == XSD + "boolean":
        return value in ("true", "1")
    return value
