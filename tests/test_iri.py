"""IRIs are minted in one function: valid for every tool, stable, and never colliding."""

import warnings

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

import kg.rdf.iri as iri_module
from kg.errors import KGError
from kg.rdf.iri import KINDS, check_base, external, is_valid, mint

BASE = "https://w3id.org/kg/"
HOSTILE = [
    "plain", "with space", 'double"quote', "single'quote", "<angle>", "{brace}|pipe^`back`",
    "back\\slash", "ünïcödé", "中文名", "emoji 😀🚀", "new\nline\ttab\r", "100%", "%41", "%zz",
    "hash#frag", "slash/inside", "a/../b", "..", ".", "/leading", "trailing/", "a//b",
    "question?x=1&y=2", "colon:at@", "[ipv6]", "nul\x00char", "surrogate\ud800", "  ", "+plus+",
]


def _valid_everywhere(iri: URIRef) -> None:
    ox.NamedNode(str(iri))  # raises ValueError on an invalid IRI
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rdflib warns on characters an IRI may not hold
        URIRef(str(iri))
    assert not any(c in str(iri) for c in ' <>"{}|\\^`\n')


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("link", "share", "evidence")])
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_keys_give_valid_iris(kind: str, name: str) -> None:
    iri = mint(kind, name, BASE)
    _valid_everywhere(iri)
    assert iri.startswith(f"{BASE}{kind}/")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_parts_give_valid_link_share_and_evidence_iris(name: str) -> None:
    _valid_everywhere(mint("link", (name, "arxiv:1"), BASE))
    _valid_everywhere(mint("share", (name, "arxiv:1", name), BASE))
    _valid_everywhere(mint("evidence", (name, name, "0", "5"), BASE))


def test_distinct_keys_never_share_an_iri() -> None:
    for kind in ("paper", "entity"):
        iris = {mint(kind, name, BASE) for name in HOSTILE}
        assert len(iris) == len(HOSTILE)
    # "/" separates the parts of a composite key, so it is escaped inside a part
    assert mint("evidence", ("a/b", "c", "1", "2"), BASE) != mint("evidence", ("a", "b/c", "1", "2"), BASE)
    assert mint("link", ("a/b", "c"), BASE) != mint("link", ("a", "b/c"), BASE)


def test_iris_are_stable_and_readable() -> None:
    assert mint("paper", "arxiv:2305.12345", BASE) == URIRef(f"{BASE}paper/arxiv:2305.12345")
    assert mint("entity", "model/llava-1.5-7b", BASE) == URIRef(f"{BASE}entity/model/llava-1.5-7b")
    assert mint("entity", "with space", BASE) == URIRef(f"{BASE}entity/with%20space")
    assert mint("entity", "100%", BASE) == URIRef(f"{BASE}entity/100%25")
    assert mint("entity", "ü", BASE) == URIRef(f"{BASE}entity/%C3%BC")
    assert mint("graph", "x", BASE) == mint("graph", "x", BASE)


def test_dot_segments_are_encoded_so_normalisation_cannot_remove_them() -> None:
    assert str(mint("entity", "..", BASE)).endswith("/entity/%2E%2E")
    assert str(mint("entity", "a/../b", BASE)).endswith("/entity/a/%2E%2E/b")
    assert str(mint("entity", "v1.5", BASE)).endswith("/entity/v1.5")


def test_link_iri_ignores_the_order_of_the_pair() -> None:
    assert mint("link", ("arxiv:2", "arxiv:1"), BASE) == mint("link", ("arxiv:1", "arxiv:2"), BASE)
    assert str(mint("link", ("arxiv:2", "arxiv:1"), BASE)) == f"{BASE}link/arxiv:1/arxiv:2"


def test_ntriples_with_hostile_iris_reparse_in_rdflib_and_oxigraph() -> None:
    g = Graph()
    for i, name in enumerate(HOSTILE):
        g.add((mint("entity", name, BASE), RDFS.label, Literal(name.replace("\ud800", "?"))))
        g.add((mint("evidence", ("p", name, str(i), str(i + 1)), BASE), RDFS.seeAlso,
               mint("link", (name, "q"), BASE)))
    nt = g.serialize(format="nt")
    back = Graph().parse(data=nt, format="nt")
    assert set(back) == set(g)
    quads = list(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert len(quads) == len(g)
    assert {q.subject.value for q in quads} == {str(s) for s in g.subjects()}


def test_other_bases_and_bad_ones() -> None:
    assert mint("paper", "x", "http://example.org/kg#") == URIRef("http://example.org/kg#paper/x")
    for bad in ("no-scheme/", "https://example.org/no-slash", "https://ex ample.org/", ""):
        with pytest.raises(KGError, match="base IRI"):
            check_base(bad)
    with pytest.raises(KGError):
        mint("paper", "x", "https://example.org/kg")


def test_misuse_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown IRI kind"):
        mint("author", "x", BASE)
    with pytest.raises(ValueError, match="2 key parts"):
        mint("link", "a", BASE)
    with pytest.raises(ValueError, match="empty key"):
        mint("paper", "", BASE)


@pytest.mark.parametrize("url", [
    "https://github.com/org/repo", "github.com/org/repo", "https://x.org/a b<c>", "https://x.org/%zz",
    "https://x.org/ü?q=😀", "https://x.org/a#b#c", 'https://x.org/"q"', "http://x.org/{a}|b",
])
def test_external_urls_become_valid_iris(url: str) -> None:
    iri = external(url)
    assert iri is not None
    _valid_everywhere(iri)
    assert str(iri).startswith(("https://", "http://"))


def test_external_keeps_valid_urls_unchanged() -> None:
    url = "https://huggingface.co/datasets/org/data?x=1&y=a:b#top"
    assert external(url) == URIRef(url)
    assert external("   ") is None


# ---------------------------------------------------------------- issue 12: what the store refuses

STORE_REFUSES = ["https://a@b@c/x", "https://github.com:abc/a/b", "http://[bad/x", "https://host:99x/"]


@pytest.mark.parametrize("url", STORE_REFUSES)
def test_urls_pyoxigraph_rejects_are_left_out_with_a_warning(url: str, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ValueError):
        ox.NamedNode(url)
    assert not is_valid(url)
    iri_module._left_out.cache_clear()  # each URL is warned about once per process
    with caplog.at_level("WARNING", logger="kg.rdf"):
        assert external(url) is None
    assert any(repr(url) in r.getMessage() and "left out of the RDF" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("base", ["https://example.org:kg/", "https://a@b@c/kg/", "https://example.org/a#b#",
                                  "https://github.com/%zz/", "https://x.org/%4/", "http://[bad/"])
def test_base_iris_pyoxigraph_rejects_are_refused(base: str) -> None:
    with pytest.raises(KGError, match=r"bad base IRI .*; expected an absolute IRI"):
        check_base(base)


def test_is_valid_is_what_rdflib_and_pyoxigraph_both_accept() -> None:
    for iri in ["https://w3id.org/kg/", "urn:x", "https://[::1]:8080/a", "https://x.org/ü?q=%20#f",
                "mailto:a@b.org"]:
        assert is_valid(iri), iri
        _valid_everywhere(URIRef(iri))
    for bad in ["", "no-scheme", "https://x.org/a b", "https://x.org/<a>", "https://x.org/%zz",
                "https://x.org/\ud800", "https://x.org/\x7f", "https://x.org/\ufffe", *STORE_REFUSES[:2]]:
        assert not is_valid(bad), bad


def test_external_keeps_an_ipv6_host() -> None:
    # found by tests/test_fuzz_iri.py: brackets were encoded everywhere, so the host became invalid
    assert external("https://[::1]/0") == URIRef("https://[::1]/0")
    assert external("https://[::1]:80/a[b]") == URIRef("https://[::1]:80/a%5Bb%5D")
