"""The RDF of a corpus made as N-Triples text (kg.rdf.terms, kg.rdf.convert): the IRIs are
those mint makes, every line is in the form pyoxigraph writes it, and literals keep the
lexical forms rdflib gives the same values."""

import dataclasses
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import load_fixture_module
from rdflib import Literal
from rdflib.namespace import XSD

from kg.rdf.iri import mint
from kg.rdf.nquads import nquads_bytes, term_nt
from kg.rdf.terms import Iris, integer_nt, text_nt
from kg.records import Evidence, Occurrence

tiny = load_fixture_module("rdf/tiny_corpus.py")
BASE = "https://w3id.org/kg/"
KEYS = ["arxiv:2401.00001", "model/LLaVA 1.5", ".", "..", "a/../b", 'we"ird <name> 100% #1 ü 😀\nx',
        "", "%41", "sp ace/slash", "\u0000\u007f", "é/ü"]


@pytest.mark.parametrize("key", KEYS)
def test_iris_are_the_ones_mint_makes(key: str) -> None:
    iris = Iris(BASE)
    for other in ("x", "model/y z", key):
        assert iris.link(key, other) == f"<{mint('link', (key, other), BASE)}>"
        assert iris.share(other, key, "method/a b") == f"<{mint('share', (other, key, 'method/a b'), BASE)}>"
        assert iris.evidence(key, other, 3, 17) == f"<{mint('evidence', (key, other, '3', '17'), BASE)}>"
    if key:
        assert iris.paper(key) == f"<{mint('paper', key, BASE)}>"
        assert iris.entity(key) == iris.entity(key) == f"<{mint('entity', key, BASE)}>"
        assert iris.repo(key) == f"<{mint('repo', key, BASE)}>"
        assert iris.graph(key) == f"<{mint('graph', key, BASE)}>"
    else:  # an empty key is refused, as mint refuses it
        with pytest.raises(ValueError, match="empty key"):
            iris.paper(key)


def test_a_bad_base_is_refused_as_mint_refuses_it() -> None:
    with pytest.raises(Exception, match="bad base IRI"):
        Iris("https://example.org:kg/")


@pytest.mark.parametrize("value", [0, 7, -3, 10**30, True, False])
def test_integers_have_the_lexical_form_rdflib_gives_them(value: int) -> None:
    assert integer_nt(value) == term_nt(Literal(value, datatype=XSD.integer))


@pytest.mark.parametrize("value", ["plain", 'q"uote\n', 3, True, 2.5, Decimal("1.50")])
def test_plain_values_are_typed_as_rdflib_types_them(value: Any) -> None:
    assert text_nt(value) == term_nt(Literal(value))


def _hostile(corpus: Any) -> Any:
    """The tiny corpus with confidences of every kind and control characters in the evidence."""
    occ = corpus.occurrences
    confidences = [1, 1.0, 0.12345, 0.0005, 0.0, Decimal("0.5")]
    text = "tab\there \u0008\u000c\r\u007f\ufffe\uffff \\ end"
    changed = []
    for i, o in enumerate(occ):
        ev = Evidence(text=text, start=o.mention.evidence[0].start, end=o.mention.evidence[0].end,
                      surface="s\u0001")
        mention = dataclasses.replace(o.mention, confidence=confidences[i % len(confidences)],
                                      evidence=(ev,))
        changed.append(Occurrence(o.paper, o.entity, o.role, mention))
    corpus.occurrences[:] = changed
    return corpus


def test_every_line_is_written_as_pyoxigraph_writes_it() -> None:
    corpus = _hostile(tiny.build())
    data = nquads_bytes(corpus)
    lines = data.decode("utf-8").splitlines(keepends=True)
    assert len(lines) > 60
    again = ox.serialize(ox.parse(data, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    assert again is not None
    assert again.decode("utf-8").splitlines(keepends=True) == lines  # the same text, line by line


def test_confidences_keep_the_lexical_form_of_the_rounded_decimal() -> None:
    corpus = _hostile(tiny.build())
    text = nquads_bytes(corpus).decode("utf-8")
    for value in (1, 1.0, 0.12345, 0.0005, 0.0, Decimal("0.5")):
        lexical = str(Literal(Decimal(str(round(value, 3))), datatype=XSD.decimal))
        assert f'vocab#confidence> "{lexical}"^^<{XSD.decimal}>' in text
    assert f'"1"^^<{XSD.decimal}>' in text and f'"1.0"^^<{XSD.decimal}>' in text


def test_the_default_graphs_tails_compare_a_block_at_a_time() -> None:
    from kg.rdf import diff

    block = diff._BLOCK
    old = b"x" * (2 * block + 5)

    def same(a: bytes, a_start: int, b: bytes, b_start: int) -> bool:
        return diff._same_tail(diff._Walk(a), a_start, diff._Walk(b), b_start)

    assert same(old, 3, b"ab" + old, 5)
    assert not same(old, 0, old[:-1] + b"z", 0)  # a difference in the last block
    assert not same(old, 0, old[:block] + b"z" + old[block + 1:], 0)  # in a middle one
    assert not same(old, 0, old + b"x", 0)  # another length
    assert same(b"", 0, b"", 0)
