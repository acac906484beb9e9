"""Query results in the W3C formats: SPARQL 1.1 Query Results JSON, CSV and TSV, and Turtle or
N-Triples for the graph of a CONSTRUCT or DESCRIBE.

- **JSON** (https://www.w3.org/TR/sparql11-results-json/): ``head.vars`` and
  ``results.bindings``, each bound variable a ``{"type", "value"}`` object with
  ``xml:lang`` or ``datatype`` (left out for plain strings), unbound variables left out;
  an ASK gives ``{"head": {}, "boolean": ...}``.
- **CSV** (https://www.w3.org/TR/sparql11-results-csv-tsv/): the variable names, then
  one line a row of bare values (an IRI, a literal's lexical form, ``_:label``, empty
  when unbound), quoted as RFC 4180 says, lines ending in CRLF. It loses the kind of a
  value (an IRI and a string look the same), as the format does.
- **TSV**: ``?name`` headers, then the terms as SPARQL and Turtle write them
  (``<iri>``, ``"text"@en``, ``"3"^^<...#integer>``, ``_:label``), quotes, backslashes,
  tabs and line breaks inside literals escaped, lines ending in LF.
- A CONSTRUCT or DESCRIBE graph is written as rows of ``?subject ?predicate ?object``
  in those three, or as RDF: Turtle (with kg's prefixes) or N-Triples.

The two result formats have nothing for ASK: there it is one line, ``true`` or ``false``.
"""

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import FormatError, QueryError
from kg.store.terms import Plain, ntriples, oxigraph

if TYPE_CHECKING:
    from kg.store.embedded import QueryResult

RESULT_FORMATS = ("json", "csv", "tsv")  # SPARQL 1.1 Query Results
GRAPH_FORMATS = ("turtle", "nt")  # CONSTRUCT and DESCRIBE
FORMATS = RESULT_FORMATS + GRAPH_FORMATS
GRAPH_COLUMNS = ("subject", "predicate", "object")


def serialize(result: "QueryResult", fmt: str) -> str:
    """``result`` in format ``fmt`` (one of :data:`FORMATS`).

    >>> from kg.store.embedded import QueryResult
    >>> r = QueryResult.of("select", ("x", "n"), terms=[("http://e/a", ("1", "http://www.w3.org/2001/XMLSchema#integer"))])
    >>> serialize(r, "tsv").splitlines()[1].split("\\t")
    ['<http://e/a>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>']
    >>> serialize(r, "csv")
    'x,n\\r\\nhttp://e/a,1\\r\\n'
    """
    if fmt not in FORMATS:
        raise FormatError("query result format", fmt, list(FORMATS))
    if fmt in GRAPH_FORMATS:
        if result.kind != "graph":
            raise QueryError(f"--format {fmt} writes the graph of a CONSTRUCT or DESCRIBE query; "
                             f"a{'n' if result.kind == 'ask' else ''} {result.kind.upper()} result "
                             f"is written as {', '.join(RESULT_FORMATS)}, jsonl or table")
        return graph_text(result.terms, fmt)
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        return "true\n" if result.boolean else "false\n"
    columns = GRAPH_COLUMNS if result.kind == "graph" else result.columns
    if fmt == "json":
        return results_json(columns, result.terms)
    if fmt == "csv":
        return results_csv(columns, result.terms)
    return results_tsv(columns, result.terms)


# ---------------------------------------------------------------- SPARQL 1.1 Query Results

def json_term(term: Plain) -> dict[str, Any]:
    """One bound value of the JSON format.

    >>> json_term(("chat", "@fr"))
    {'type': 'literal', 'value': 'chat', 'xml:lang': 'fr'}
    >>> json_term(("b0",))
    {'type': 'bnode', 'value': 'b0'}
    """
    if isinstance(term, str):
        return {"type": "uri", "value": term}
    if len(term) == 1:
        return {"type": "bnode", "value": term[0]}
    if len(term) == 3:  # RDF-star: a quoted triple, as SPARQL-star results write it
        return {"type": "triple", "value": {k: json_term(t) for k, t in zip(GRAPH_COLUMNS, term, strict=True)}}
    value, suffix = term
    out: dict[str, Any] = {"type": "literal", "value": value}
    if suffix.startswith("@"):
        language, _, direction = suffix[1:].partition("--")
        out["xml:lang"] = language
        if direction:  # RDF 1.2 base direction, as SPARQL 1.2 results write it
            out["its:dir"] = direction
    elif suffix:
        out["datatype"] = suffix
    return out


def results_json(columns: tuple[str, ...], rows: tuple[tuple[Plain | None, ...], ...]) -> str:
    """The SPARQL 1.1 Query Results JSON document of a SELECT, one binding a line.

    >>> print(results_json(("x",), (("http://e/a",), (None,))), end="")
    {"head": {"vars": ["x"]}, "results": {"bindings": [
    {"x": {"type": "uri", "value": "http://e/a"}},
    {}
    ]}}
    """
    lines = [json.dumps({c: json_term(t) for c, t in zip(columns, row, strict=True) if t is not None},
                        ensure_ascii=False) for row in rows]
    head = json.dumps({"vars": list(columns)}, ensure_ascii=False)
    body = "\n" + ",\n".join(lines) + "\n" if lines else ""
    return f'{{"head": {head}, "results": {{"bindings": [{body}]}}}}\n'


def _csv_value(term: Plain | None) -> str:
    if term is None:
        return ""
    if isinstance(term, str):
        return term
    if len(term) == 1:
        return f"_:{term[0]}"
    if len(term) == 2:
        return term[0]
    return ntriples(term)  # a quoted triple: the spec has no form for it; its N-Triples text


def results_csv(columns: tuple[str, ...], rows: tuple[tuple[Plain | None, ...], ...]) -> str:
    """The SPARQL 1.1 CSV document of a SELECT (values only, CRLF line ends)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


def tsv_term(term: Plain | None) -> str:
    """A term as the TSV format writes it: Turtle / N-Triples syntax, empty when unbound.

    >>> tsv_term(("a\\tb", ""))
    '"a\\\\tb"'
    """
    return "" if term is None else ntriples(term, sparql=True)


def results_tsv(columns: tuple[str, ...], rows: tuple[tuple[Plain | None, ...], ...]) -> str:
    """The SPARQL 1.1 TSV document of a SELECT (``?var`` headers, N-Triples terms, LF line ends)."""
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join(tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- graphs

def graph_text(triples: tuple[tuple[Plain | None, ...], ...], fmt: str) -> str:
    """The triples of a CONSTRUCT or DESCRIBE as Turtle (kg's prefixes) or N-Triples."""
    graph = [ox.Triple(oxigraph(s), oxigraph(p), oxigraph(o))  # type: ignore[arg-type]
             for s, p, o in triples]
    if fmt == "nt":
        data = ox.serialize(graph, format=ox.RdfFormat.N_TRIPLES)
    else:
        from kg.rdf.vocab import PREFIXES

        data = ox.serialize(graph, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return (data or b"").decode("utf-8")
