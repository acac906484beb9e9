"""kg query's W3C outputs, read back by an independent parser (rdflib's SPARQL result parsers and
its Turtle / N-Triples parsers) and compared with what the store itself holds; graph formats;
and presets naming an unknown paper or entity."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from kg.build import build
from kg.cli.main import main
from kg.settings import Settings
from kg.store.embedded import open_store, store_path
from kg.store.results import json_term, results_json, results_tsv
from kg.store.terms import ntriples, oxigraph, plain

KG = "https://w3id.org/kg/vocab#"
PREFIX = f"PREFIX kg: <{KG}> PREFIX dcterms: <http://purl.org/dc/terms/> "
XSD = "http://www.w3.org/2001/XMLSchema#"
# every kind of value a result can hold, and the characters each format has to escape
TRICKY = f"""SELECT ?a ?b ?c ?d WHERE {{
  VALUES (?a ?b ?c) {{
    (<http://e.org/x?q=1,2> "comma, \\"quote\\"\\nnew line\\ttab"@en-GB 1)
    (<http://e.org/y> UNDEF "2.5"^^<{XSD}double>)
    ("\u00e9t\u00e9 \U0001F600" "2024-01-02"^^<{XSD}date> true)
    ("" "back\\\\slash; semi" "x"^^<urn:kg:type>)
  }}
  BIND(IF(?c = 1, BNODE(), ?unbound) AS ?d)
}}"""
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    fixtures = Path(__file__).parent / "fixtures" / "store"
    build([fixtures / "first.jsonl", fixtures / "second.jsonl"], out,
          Settings(link_max_df=1.0, link_min_weight=0.1), progress=False, nlp=nlp)
    return out


@pytest.fixture(scope="module")
def store(out: Path) -> Iterator[ox.Store]:
    store = open_store(store_path(out), read_only=True)
    yield store
    del store


def kg_query(capsys: pytest.CaptureFixture[str], out: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv, "--store", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as rdflib's, by hand (the reference the parsed outputs must equal)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def store_rows(store: ox.Store, sparql: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The store's own answer, straight from pyoxigraph: variables and rows (unbound left out)."""
    solutions = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = [{n: rdflib_term(s[n]) for n in names if s[n] is not None} for s in solutions]
    return names, rows


def parsed(text: str, fmt: str) -> tuple[list[str], list[dict[str, Any]]]:
    result = Result.parse(io.BytesIO(text.encode("utf-8")), format=fmt)
    return [str(v) for v in result.vars], [{str(k): v for k, v in b.items()} for b in result.bindings]


def anon(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with every blank node the same (BNODE() labels differ from one evaluation to the next)."""
    return [{k: BNode("b") if isinstance(v, BNode) else v for k, v in row.items()} for row in rows]


def csv_value(term: Any) -> str:
    """What the CSV format keeps of a term: IRIs and lexical forms bare, blank nodes as ``_:``
    (and their labels, here left out: see :func:`anon`)."""
    return "_:" if isinstance(term, BNode) else str(term)


@pytest.mark.parametrize("query", [TRICKY, ALL_QUADS, PREFIX + "SELECT ?id ?title ?n WHERE { "
                                   "?p dcterms:identifier ?id OPTIONAL { ?p dcterms:title ?title } "
                                   "OPTIONAL { ?p kg:support ?n } } ORDER BY ?id"],
                         ids=["tricky-values", "every-quad", "optional"])
def test_json_and_tsv_parse_back_to_the_stores_terms(out: Path, store: ox.Store, query: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    names, expected = store_rows(store, query)
    assert expected
    for fmt in ("json", "tsv"):
        code, text, err = kg_query(capsys, out, query, "--format", fmt)
        assert code == 0, err
        got_names, got = parsed(text, fmt)
        assert got_names == names
        if query == ALL_QUADS:  # no ORDER BY: the same rows, in any order
            key = sorted
            assert key(map(repr, got)) == key(map(repr, expected)), fmt
        else:
            assert anon(got) == anon(expected), fmt


def test_csv_parses_back_to_the_stores_values(out: Path, store: ox.Store,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for query in (TRICKY, ALL_QUADS):
        names, expected = store_rows(store, query)
        code, text, err = kg_query(capsys, out, query, "--format", "csv")
        assert code == 0, err
        assert text.endswith("\r\n") and "\r\n" in text.split("\n")[0] + "\n"  # CRLF, as the spec says
        got_names, got = parsed(text, "csv")
        assert got_names == names
        want = [{k: csv_value(v) for k, v in row.items()} for row in expected]
        # CSV keeps no kinds: an unbound value and an empty string are both empty
        # (rdflib's CSV parser keeps the "_:" in a blank node's label)
        have = [{k: "_:" if str(v).startswith("_:") else str(v) for k, v in row.items() if str(v) != ""}
                for row in got]
        want = [{k: v for k, v in row.items() if v != ""} for row in want]
        assert sorted(map(repr, have)) == sorted(map(repr, want))


def test_json_is_the_w3c_structure(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    _, text, _ = kg_query(capsys, out, TRICKY, "--format", "json")
    doc = json.loads(text)
    assert doc["head"] == {"vars": ["a", "b", "c", "d"]}
    first, second, third, fourth = doc["results"]["bindings"]
    assert first["b"] == {"type": "literal", "value": 'comma, "quote"\nnew line\ttab', "xml:lang": "en-gb"}
    assert first["c"] == {"type": "literal", "value": "1", "datatype": XSD + "integer"}
    assert first["d"]["type"] == "bnode" and "d" not in second and "b" not in second
    assert third["a"] == {"type": "literal", "value": "\u00e9t\u00e9 \U0001F600"}  # plain: no datatype
    assert fourth["c"] == {"type": "literal", "value": "x", "datatype": "urn:kg:type"}


def test_tsv_headers_and_escapes(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = kg_query(capsys, out, TRICKY, "--format", "tsv")
    lines = text.split("\n")
    assert lines[0] == "?a\t?b\t?c\t?d" and lines[-1] == "" and len(lines) == 6  # tabs and breaks escaped
    assert lines[1].split("\t")[1] == '"comma, \\"quote\\"\\nnew line\\ttab"@en-gb'
    assert lines[2].split("\t") == ["<http://e.org/y>", "", f'"2.5"^^<{XSD}double>', ""]


@pytest.mark.parametrize("query,answer", [("ASK { ?s kg:support ?n }", True), ("ASK { ?s kg:nothing ?n }", False)])
def test_ask(out: Path, query: str, answer: bool, capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = kg_query(capsys, out, PREFIX + query, "--format", "json")
    assert Result.parse(io.BytesIO(text.encode()), format="json").askAnswer is answer
    for fmt in ("csv", "tsv"):
        assert kg_query(capsys, out, PREFIX + query, "--format", fmt)[1] == f"{str(answer).lower()}\n"


def store_graph(store: ox.Store, sparql: str) -> Graph:
    g = Graph()
    for t in store.query(sparql, use_default_graph_as_union=True):
        g.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return g


@pytest.mark.parametrize("query", [
    ALL_TRIPLES,
    "DESCRIBE <https://w3id.org/kg/entity/method/lora>",
    # blank nodes in the template: a new one per solution
    PREFIX + "CONSTRUCT { _:n kg:names ?e ; kg:label ?label } WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
], ids=["every-triple", "describe", "blank-nodes"])
def test_graphs_as_turtle_and_ntriples_parse_back(out: Path, store: ox.Store, query: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    expected = store_graph(store, query)
    assert len(expected) > 0
    code, text, err = kg_query(capsys, out, query)  # Turtle is a graph's default
    assert code == 0, err
    assert text.startswith("@prefix ") and "kg:" in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), expected)
    _, text, _ = kg_query(capsys, out, query, "--format", "nt")
    assert isomorphic(Graph().parse(data=text, format="nt"), expected)
    assert all(line.endswith(" .") for line in text.splitlines())


def test_a_graph_in_the_result_formats_is_rows_of_subject_predicate_object(
        out: Path, store: ox.Store, capsys: pytest.CaptureFixture[str]) -> None:
    expected = store_graph(store, ALL_TRIPLES)
    for fmt in ("json", "tsv"):
        _, text, _ = kg_query(capsys, out, ALL_TRIPLES, "--format", fmt)
        names, rows = parsed(text, fmt)
        assert names == ["subject", "predicate", "object"]
        assert {(r["subject"], r["predicate"], r["object"]) for r in rows} == set(expected)


def test_graph_formats_are_for_graphs(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for query in ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "ASK {}"):
        code, text, err = kg_query(capsys, out, query, "--format", "turtle")
        assert (code, text) == (2, "") and err.count("\n") == 1
        assert "--format turtle writes the graph of a CONSTRUCT or DESCRIBE query" in err


# ------------------------------------------------------------------ presets naming nothing

@pytest.mark.parametrize("preset,param,value,hint", [
    ("papers-using", "entity", "LLaVA-1.6", "did you mean: 'LLaVA-1.5'"),
    ("entity", "name", "lroa", "did you mean: 'LoRA'?"),
    ("proposes", "paper", "2401.0003", "did you mean: 'arxiv:2401.00003'"),
    ("related-papers", "paper", "Tuning LLaVA with LoRA", "did you mean: 'Tuning LLaVA-1.5 with LoRA'?"),
    ("repos", "paper", "FlowNet: Video Generation with Flow", "did you mean: 'FlowNet: Video Generation with Flows'?"),
])
def test_a_preset_naming_nothing_says_so_with_close_names(out: Path, preset: str, param: str, value: str,
                                                          hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, err = kg_query(capsys, out, "--preset", preset, "--param", f"{param}={value}")
    assert (code, text, err.count("\n")) == (2, "", 1), err
    what = "entity named" if param in ("entity", "name") else "paper with the id or title"
    assert err.startswith(f"kg query: error: no {what} {value!r} in the store (--param {param}); {hint}"), err


def test_a_name_close_to_nothing_gets_no_suggestion(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kg_query(capsys, out, "--preset", "papers-using", "--param", "entity=zqxjvw")
    assert code == 2
    assert err == "kg query: error: no entity named 'zqxjvw' in the store (--param entity)\n"


def test_a_known_name_with_no_rows_is_an_empty_answer(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the paper is there (any case of its title works) and has no repository: nothing to say
    for value in ("2401.00002", "tuning llava-1.5 with lora"):
        code, text, err = kg_query(capsys, out, "--preset", "repos", "--param", f"paper={value}",
                                   "--format", "csv")
        assert (code, text, err) == (0, "repository,kind,official,n_papers,papers\r\n", "")


# ------------------------------------------------------------------ terms as plain data

LITERALS = st.builds(
    lambda text, suffix: ox.Literal(text, language=suffix[1:]) if suffix.startswith("@")
    else ox.Literal(text, datatype=ox.NamedNode(suffix)) if suffix else ox.Literal(text),
    st.text(st.characters(exclude_categories=("Cs",))),  # any text a literal can hold
    st.sampled_from(["", "@en", "@pt-br", XSD + "integer", "urn:kg:type", XSD + "date"]))
TERMS = LITERALS | st.builds(ox.NamedNode, st.sampled_from(["http://e.org/x", "urn:a:b", "https://w3id.org/kg/paper/arxiv:1"])) \
    | st.builds(ox.BlankNode, st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True))


LINE_BREAKS = set("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(TERMS)
def test_plain_terms_round_trip_and_write_as_pyoxigraph_does(term: Any) -> None:
    assert oxigraph(plain(term)) == term
    assert ntriples(plain(term)) == str(term)  # N-Triples, escapes included, as pyoxigraph writes it
    # and the TSV and JSON writers' terms read back through rdflib as the same term
    assert parsed(results_json(("x",), ((plain(term),),)), "json")[1] == [{"x": rdflib_term(term)}]
    doc = results_tsv(("x",), ((plain(term),),))
    assert len(doc.splitlines()) == 2  # no character a line-based reader takes for a line break
    if not LINE_BREAKS & set(getattr(term, "value", "")):  # rdflib's TSV parser reads no \uXXXX
        assert parsed(doc, "tsv")[1] == [{"x": rdflib_term(term)}]


def test_a_language_literal_with_a_base_direction_keeps_it() -> None:
    term = ox.Literal("shalom", language="he", direction=ox.BaseDirection.RTL)
    assert plain(term) == ("shalom", "@he--rtl") and oxigraph(plain(term)) == term
    assert json_term(plain(term)) == {"type": "literal", "value": "shalom", "xml:lang": "he", "its:dir": "rtl"}
