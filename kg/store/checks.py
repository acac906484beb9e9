"""What a query asks for before it runs: SERVICE clauses (other servers) and updates.

pyoxigraph follows a ``SERVICE <url>`` clause to any URL, so a query could make
the machine running it send requests anywhere; :func:`service_clauses` finds them
in the parsed query (rdflib's SPARQL 1.1 parser), wherever they are: nested in
OPTIONAL, UNION, subqueries or FILTER EXISTS, in any case, SILENT or not. A query
that never contains the letters "service" cannot have one and is not parsed; one
that rdflib cannot parse (SPARQL-star syntax, for one) is checked token by token,
with strings, IRIs and comments left out.
"""

import re
from collections.abc import Iterator

# the SPARQL 1.1 grammar's terminals that can hold the word without being the keyword
_STRING = r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_COMMENT = r"#[^\n\r]*"
_WORD = r"[?$]?[A-Za-z_][\w\-.]*(?::[\w\-.:%\\]*)?|_:[\w\-.]+|:[\w\-.:%\\]*"
_TOKENS = re.compile(f"{_STRING}|{_IRI}|{_COMMENT}|{_WORD}|.", re.DOTALL)
_PROLOGUE = re.compile(rf"\s*(?:{_COMMENT}|BASE\s*{_IRI}|PREFIX\s*[\w\-.]*:\s*{_IRI})", re.IGNORECASE)
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def service_clauses(sparql: str) -> list[str]:
    """The endpoints of the query's SERVICE clauses (``<IRI>`` or ``?var``), in order.

    >>> service_clauses('SELECT * { ?s ?p "SERVICE" OPTIONAL { service <http://x/> { ?s ?p ?o } } }')
    ['<http://x/>']
    >>> service_clauses('PREFIX service: <http://e/> SELECT ?service { ?service service:a 1 }')
    []
    """
    if "service" not in sparql.lower():
        return []
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(sparql)
    except ParseBaseException:
        return _service_tokens(sparql)
    return [_endpoint(node) for node in _service_nodes(tree)]


def _service_nodes(node: object) -> Iterator[object]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            yield node
        for value in node.values():
            yield from _service_nodes(value)
    elif isinstance(node, list | tuple):  # pyparsing's ParseResults are lists as well
        for value in node:
            yield from _service_nodes(value)
    elif hasattr(node, "asList") and not isinstance(node, str):
        for value in node:  # type: ignore[attr-defined]
            yield from _service_nodes(value)


def _endpoint(node: object) -> str:
    from rdflib.term import URIRef, Variable

    term = node.get("term")  # type: ignore[attr-defined]
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    return str(term)


def _service_tokens(sparql: str) -> list[str]:
    """SERVICE clauses found token by token (for queries rdflib cannot parse)."""
    tokens = [t for t in _TOKENS.findall(sparql) if not t.isspace() and not t.startswith("#")]
    found = []
    for n, token in enumerate(tokens):
        if token.upper() == "SERVICE":
            rest = [t for t in tokens[n + 1:n + 3] if t.upper() != "SILENT"]
            found.append(rest[0] if rest else "")
    return found


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is a SPARQL update (after its BASE and PREFIX declarations).

    >>> is_update("PREFIX ex: <http://e/> # drop it all\\nDROP ALL")
    True
    >>> is_update("SELECT ?drop { ?drop ?p ?o }")
    False
    """
    pos = 0
    while match := _PROLOGUE.match(sparql, pos):
        if match.end() == pos:
            break
        pos = match.end()
    word = re.match(r"\s*([A-Za-z]+)", sparql[pos:])
    return word is not None and word.group(1).upper() in UPDATE_KEYWORDS
