"""RDF terms as N-Triples text, in the canonical form pyoxigraph writes them.

The RDF of a corpus is made as text (:mod:`kg.rdf.convert`), so these functions are
the one place a term gets its written form: an IRI ``<...>``; a literal with the
canonical N-Triples escapes (``\\\\``, ``\\"``, ``\\n``, ``\\r``, ``\\t``, ``\\b``,
``\\f``) and ``\\uXXXX`` for the other characters pyoxigraph escapes; a language
tag in lower case; no datatype for an ``xsd:string``. A line made of these terms
equals the line the store dumps for the same quad.

>>> literal_nt('say "hi"\\n', "en")
'"say \\\\"hi\\\\"\\\\n"@en'
>>> integer_nt(7), text_nt("x")
('"7"^^<http://www.w3.org/2001/XMLSchema#integer>', '"x"')
"""

from typing import TYPE_CHECKING

from kg.rdf.iri import IriKind, mint_text, part_segment

if TYPE_CHECKING:
    from rdflib.term import Node

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_INTEGER_TAIL = f'"^^<{_XSD}integer>'
_BOOLEAN = {True: f'"true"^^<{_XSD}boolean>', False: f'"false"^^<{_XSD}boolean>'}
# the escapes of canonical N-Triples, and \\uXXXX for the other characters pyoxigraph escapes
_ESCAPES: dict[int, str] = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
                            0x08: "\\b", 0x0C: "\\f"}
for _c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF):
    _ESCAPES.setdefault(_c, f"\\u{_c:04X}")


def literal_nt(lexical: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples form."""
    text = '"' + lexical.translate(_ESCAPES) + '"'
    if language:
        return f"{text}@{language.lower()}"
    if datatype and datatype != _XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def iri_nt(iri: str) -> str:
    """An IRI (checked where it was made: :mod:`kg.rdf.iri`) in N-Triples form."""
    return f"<{iri}>"


def text_nt(value: object) -> str:
    """A plain literal of ``value``: a string as it is, anything else as rdflib types it
    (``True`` is an ``xsd:boolean``, ``3`` an ``xsd:integer``)."""
    if type(value) is str:
        return literal_nt(value)
    if type(value) is bool:
        return _BOOLEAN[value]
    from rdflib import Literal

    return term_nt(Literal(value))


def integer_nt(value: int) -> str:
    """An ``xsd:integer`` literal (anything but an int in the lexical form rdflib gives it)."""
    if type(value) is int:
        return f'"{value}{_INTEGER_TAIL}'
    from rdflib import Literal
    from rdflib.namespace import XSD

    return term_nt(Literal(value, datatype=XSD.integer))


def term_nt(term: "Node") -> str:
    """An rdflib term (IRI, blank node or literal) in N-Triples form."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return literal_nt(str(term), term.language, term.datatype)
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


class Iris:
    """The IRIs of one corpus in N-Triples form, as :func:`kg.rdf.iri.mint` mints them.

    Papers, entities and repositories are named many times (by evidence, links, shares):
    each is encoded once. Tuple keys are put together from their encoded parts, as
    ``mint`` does.

    >>> iris = Iris("https://w3id.org/kg/")
    >>> iris.link("arxiv:2", "arxiv:1")
    '<https://w3id.org/kg/link/arxiv:1/arxiv:2>'
    >>> iris.evidence("p 1", "model/x", 3, 9)
    '<https://w3id.org/kg/evidence/p%201/model%2Fx/3/9>'
    """

    def __init__(self, base: str) -> None:
        mint_text("graph", "x", base)  # a bad base fails here, as mint would
        self.base = base
        self._papers: dict[str, str] = {}
        self._entities: dict[str, str] = {}
        self._repos: dict[str, str] = {}
        self._parts: dict[str, str] = {}

    def _part(self, text: str) -> str:
        found = self._parts.get(text)
        if found is None:
            found = self._parts[text] = part_segment(text)
        return found

    def _minted(self, cache: dict[str, str], kind: IriKind, key: str) -> str:
        found = cache.get(key)
        if found is None:
            found = cache[key] = f"<{mint_text(kind, key, self.base)}>"
        return found

    def paper(self, pid: str) -> str:
        return self._minted(self._papers, "paper", pid)

    def entity(self, eid: str) -> str:
        return self._minted(self._entities, "entity", eid)

    def repo(self, key: str) -> str:
        return self._minted(self._repos, "repo", key)

    def graph(self, pid: str) -> str:
        return f"<{mint_text('graph', pid, self.base)}>"

    def evidence(self, pid: str, eid: str, start: int, end: int) -> str:
        part = self._part
        return (f"<{self.base}evidence/{part(pid)}/{part(eid)}/{part(str(start))}/"
                f"{part(str(end))}>")

    def link(self, a: str, b: str) -> str:
        a, b = (a, b) if a <= b else (b, a)
        return f"<{self.base}link/{self._part(a)}/{self._part(b)}>"

    def share(self, a: str, b: str, entity: str) -> str:
        a, b = (a, b) if a <= b else (b, a)
        return f"<{self.base}share/{self._part(a)}/{self._part(b)}/{self._part(entity)}>"
