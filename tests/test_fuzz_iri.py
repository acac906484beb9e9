"""Property-based tests of IRIs and of text in every export (issue 12).

* Every IRI kg mints (:func:`kg.rdf.iri.mint`, any kind, any Unicode key) or accepts
  (:func:`check_base`, :func:`external`) loads in rdflib and pyoxigraph, and survives an
  N-Triples, Turtle and RDF/XML round trip; a base or URL kg cannot use is refused or
  left out, never a crash further on.
* Random titles and abstracts (markup, characters XML forbids, lone surrogates, line
  separators) and random URLs through a small corpus: every export format parses back,
  the dataset loads into a pyoxigraph store, and the HTML page keeps the text inert.

The default run is seeded (``derandomize``) and small. ``pytest -m fuzz tests/test_fuzz_iri.py``
runs the same properties with many more examples and a fixed seed (``KG_FUZZ_SEED`` changes it,
``KG_FUZZ_EXAMPLES`` the count).
"""

import json
import os
import re
import warnings
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from test_formats import exports_parse_back

from kg.corpus import Corpus
from kg.errors import KGError
from kg.extract import extract_entities
from kg.keys import clean_text
from kg.rdf.convert import corpus_to_dataset
from kg.rdf.iri import KINDS, IriKind, check_base, external, is_valid, mint
from kg.settings import Settings
from kg.sources import merge_papers
from kg.sources.records import parse_jsonl
from kg.store.embedded import load_dataset, rdflib_to_quads

QUICK = settings(max_examples=50, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG = settings(QUICK, max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "1000")), derandomize=False)
FUZZ_SEED = int(os.environ.get("KG_FUZZ_SEED", "20240612"))
BASE = "https://w3id.org/kg/"
N_PARTS = {"link": 2, "share": 3, "evidence": 4}  # the key parts of the kinds minted from tuples
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(autouse=True)
def _long_runs_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("fuzz") and "fuzz" not in (request.config.option.markexpr or ""):
        pytest.skip("a long fuzz run: select it with -m fuzz")


# ---------------------------------------------------------------- strategies

_SURROGATE = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udcff", "\udfff"])
# characters that trouble IRIs, XML, HTML or JSON, each likely enough to be drawn
_HOSTILE = st.sampled_from([
    " ", "%", "%zz", "%41", "#", "?", "/", "//", ".", "..", ":", "@", "[", "]", "<", ">", '"', "'", "`",
    "{", "}", "|", "\\", "^", "~", "&", "&amp;", "\n", "\r", "\t", "\x00", "\x01", "\x0b", "\x7f",
    "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\U0010ffff", "\u202e", "é", "中", "😀",
])
KEY = st.lists(st.one_of(st.text(max_size=6), _HOSTILE, _SURROGATE), min_size=1, max_size=6).map(
    "".join).filter(bool)  # an empty key is a programming error (ValueError)
_SCHEMES = st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "urn:", "mailto:", "javascript:",
                            "", "//", "1http://", "a+b.c-d:"])
_HOSTS = st.sampled_from(["github.com", "huggingface.co", "example.org", "a@b@c", "github.com:abc",
                          "host:99999", "[::1]", "[v1.x]", "[bad", "xn--nxasmq6b.com", "ümlaut.de",
                          "user:pw@host", "", "a b", "%41.org", "host:"])
URL = st.tuples(_SCHEMES, _HOSTS, KEY, st.sampled_from(["", "?q=1&b=%", "#frag", "#a#b", "?#"])).map(
    lambda t: f"{t[0]}{t[1]}/{t[2]}{t[3]}")
BASE_IRI = st.tuples(_SCHEMES, _HOSTS, st.sampled_from(["", "kg", "a/b", "ü", "x y", "%zz", "%41"]),
                     st.sampled_from(["/", "#", "", "?/"])).map(lambda t: f"{t[0]}{t[1]}/{t[2]}{t[3]}")

_MARKUP = st.sampled_from([
    "<script>alert(1)</script>", "</script><script>x()</script>", "<img src=x onerror=alert(1)>",
    "<!--", "-->", "]]>", "<![CDATA[", "&lt;", "&#0;", "\" onmouseover=\"x", "javascript:alert(1)",
    "\\textbf{Bold}", "15\\%", "{", "}", "LLaVA-1.5", "ImageNet", "GPT-4", "We propose GlimmerNet.",
    "https://github.com/a/b", "https://a@b@c/x", "https://github.com:abc/a/b",
])
TEXT = st.lists(st.one_of(_MARKUP, _HOSTILE, _SURROGATE, st.text(max_size=12)), min_size=1,
                max_size=12).map(" ".join)


def _loads_everywhere(iri: str) -> None:
    """``iri`` is valid for rdflib and pyoxigraph, and round-trips through N-Triples, Turtle, RDF/XML."""
    assert is_valid(iri), iri
    ox.NamedNode(iri)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rdflib warns on characters an IRI may not hold
        ref = URIRef(iri)
    g = Graph()
    g.add((ref, RDFS.seeAlso, ref))
    for fmt, ox_fmt in (("nt", ox.RdfFormat.N_TRIPLES), ("turtle", ox.RdfFormat.TURTLE),
                        ("xml", ox.RdfFormat.RDF_XML)):
        text = g.serialize(format=fmt)
        assert set(Graph().parse(data=text, format=fmt)) == set(g), (fmt, iri)
        (quad,) = ox.parse(text.encode("utf-8"), format=ox_fmt)
        assert quad.subject.value == iri == quad.object.value, (fmt, iri)


# ---------------------------------------------------------------- minting

def _minted_iris_load_everywhere(kind: IriKind, parts: list[str]) -> None:
    key: str | tuple[str, ...] = parts[0] if kind not in N_PARTS else tuple(
        (parts * 4)[: N_PARTS[kind]])
    iri = mint(kind, key, BASE)
    _loads_everywhere(str(iri))
    assert iri.startswith(f"{BASE}{kind}/") and iri == mint(kind, key, BASE)


def _distinct_keys_give_distinct_iris(kind: IriKind, a: list[str], b: list[str]) -> None:
    if kind == "link":
        ka: Any = tuple((a * 2)[:2])
        kb: Any = tuple((b * 2)[:2])
        assert mint(kind, ka, BASE) == mint(kind, ka[::-1], BASE)
        assume(sorted(ka) != sorted(kb))
    elif kind == "share":
        ka, kb = tuple((a * 3)[:3]), tuple((b * 3)[:3])
        assert mint(kind, ka, BASE) == mint(kind, (ka[1], ka[0], ka[2]), BASE)
        assume((sorted(ka[:2]), ka[2]) != (sorted(kb[:2]), kb[2]))
    elif kind == "evidence":
        ka, kb = tuple((a * 4)[:4]), tuple((b * 4)[:4])
        assume(ka != kb)
    else:
        ka, kb = a[0], b[0]
        assume(ka != kb)
    assert mint(kind, ka, BASE) != mint(kind, kb, BASE)


@QUICK
@given(kind=st.sampled_from(KINDS), parts=st.lists(KEY, min_size=1, max_size=4))
def test_minted_iris_load_in_rdflib_and_pyoxigraph(kind: IriKind, parts: list[str]) -> None:
    _minted_iris_load_everywhere(kind, parts)


@QUICK
@given(kind=st.sampled_from(KINDS), a=st.lists(KEY, min_size=1, max_size=4),
       b=st.lists(KEY, min_size=1, max_size=4))
def test_distinct_keys_never_share_an_iri(kind: IriKind, a: list[str], b: list[str]) -> None:
    _distinct_keys_give_distinct_iris(kind, a, b)


# ---------------------------------------------------------------- accepting

def _bases_are_usable_or_refused(base: str, kind: IriKind, key: str) -> None:
    try:
        check_base(base)
    except KGError as e:
        assert str(e).startswith(f"bad base IRI {base!r}") and "\n" not in str(e)
        return
    _loads_everywhere(base)
    iri = mint(kind, key if kind not in N_PARTS else (key,) * N_PARTS[kind], base)
    _loads_everywhere(str(iri))


def _urls_are_kept_valid_or_left_out(url: str) -> None:
    iri = external(url)
    if iri is not None:
        _loads_everywhere(str(iri))
    elif url.strip():
        assert not is_valid(url.strip())  # a valid IRI is never dropped


@settings(QUICK, max_examples=200)  # most bases are refused at once: cheap
@given(base=st.one_of(BASE_IRI, BASE_IRI, BASE_IRI, st.text(max_size=30)), kind=st.sampled_from(KINDS), key=KEY)
def test_a_base_iri_is_refused_or_gives_iris_that_load_everywhere(base: str, kind: IriKind, key: str) -> None:
    _bases_are_usable_or_refused(base, kind, key)


@QUICK
@given(url=st.one_of(URL, URL, URL, st.text(max_size=40)))
def test_an_external_url_becomes_an_iri_that_loads_everywhere_or_is_left_out(url: str) -> None:
    _urls_are_kept_valid_or_left_out(url)


@QUICK
@given(text=TEXT)
def test_clean_text_leaves_nothing_xml_forbids(text: str) -> None:
    cleaned = clean_text(text)
    assert not XML_FORBIDDEN.search(cleaned) and clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")


def test_clean_text_drops_lone_surrogates_and_noncharacters() -> None:
    # found by test_clean_text_leaves_nothing_xml_forbids: "\ud800" (a JSON "\\ud800") was kept
    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert clean_text("x\ufffe\uffff\U0010fffe\ufdd0y\x85z") == "xy z"


# ---------------------------------------------------------------- a small corpus of random text

# a title starts with a word, so that most records are papers (a title that cleaning leaves
# without letters is a bad record: the readers' tests cover those)
TITLE = st.tuples(st.sampled_from(["Graft", "A", "Zeta-3"]), TEXT).map(" ".join)
RECORD = st.fixed_dictionaries({"title": TITLE, "abstract": TEXT}, optional={
    "authors": st.lists(TEXT, max_size=2), "keywords": st.lists(TEXT, max_size=2),
    "categories": st.lists(TEXT, max_size=2), "url": st.one_of(URL, TEXT),
    "repos": st.lists(st.one_of(URL, TEXT), max_size=2), "doi": st.one_of(KEY, TEXT)})


def _no_lone_surrogates(value: Any) -> Any:
    """The value without lone surrogates: a record holding one is a bad record (the readers'
    tests pin that), and this test is about the exports of the papers that are read."""
    if isinstance(value, str):
        return "".join(c for c in value if not "\ud800" <= c <= "\udfff")
    if isinstance(value, list):
        return [_no_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: _no_lone_surrogates(v) for k, v in value.items()}
    return value


def _corpus_exports_parse_back(records: list[dict[str, Any]], nlp: Any) -> None:
    text = "".join(json.dumps(_no_lone_surrogates(r)) + "\n" for r in records)
    papers = list(merge_papers(parse_jsonl(text, "fuzz.jsonl", skip_bad=True, on_error=lambda e: None)))
    assume(papers)
    settings_ = Settings(progress=False)
    corpus = Corpus.from_extractions(papers, list(extract_entities(papers, nlp, settings_)), settings_)
    parsed = exports_parse_back(corpus)
    assert len(parsed["html"]["details"]) >= len(papers)
    store = ox.Store()
    assert load_dataset(store, rdflib_to_quads(corpus_to_dataset(corpus))) > 0


@settings(QUICK, max_examples=6)
@given(records=st.lists(RECORD, min_size=1, max_size=3))
def test_random_text_and_urls_give_exports_that_parse_back(records: list[dict[str, Any]], nlp: Any) -> None:
    _corpus_exports_parse_back(records, nlp)


# ---------------------------------------------------------------- the long runs (-m fuzz)

@pytest.mark.fuzz
@seed(FUZZ_SEED)
@LONG
@given(kind=st.sampled_from(KINDS), parts=st.lists(KEY, min_size=1, max_size=4),
       other=st.lists(KEY, min_size=1, max_size=4))
def test_minting_long(kind: IriKind, parts: list[str], other: list[str]) -> None:
    _minted_iris_load_everywhere(kind, parts)
    _distinct_keys_give_distinct_iris(kind, parts, other)


@pytest.mark.fuzz
@seed(FUZZ_SEED)
@LONG
@given(base=st.one_of(BASE_IRI, st.text(max_size=30)), kind=st.sampled_from(KINDS), key=KEY,
       url=st.one_of(URL, st.text(max_size=40)))
def test_accepting_long(base: str, kind: IriKind, key: str, url: str) -> None:
    _bases_are_usable_or_refused(base, kind, key)
    _urls_are_kept_valid_or_left_out(url)


@pytest.mark.fuzz
@seed(FUZZ_SEED)
@settings(LONG, max_examples=max(LONG.max_examples // 10, 1))
@given(records=st.lists(RECORD, min_size=1, max_size=4))
def test_random_text_and_urls_long(records: list[dict[str, Any]], nlp: Any) -> None:
    _corpus_exports_parse_back(records, nlp)
