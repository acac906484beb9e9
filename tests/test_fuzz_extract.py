"""Property-based tests of extraction: random titles and abstracts through ``extract_entities``.

Texts mix known names (from the gazetteer), coined CamelCase names, acronyms in brackets,
number pairs ("CIFAR-10/100"), URLs, numbers, unusual whitespace (tabs, NBSP, U+2028, "\\r")
and long unpunctuated runs. Whatever the text, extraction raises nothing; every evidence
covers its surface in ``Paper.text`` (``0 <= start < end <= len(text)`` and
``text[start:end] == surface``), and the surface is one of the mention's names as written (or
the number pair that writes it); evidence context is bounded; the same input gives the same
output.

The default run is seeded (``derandomize``) and small. ``pytest -m fuzz tests/test_fuzz_extract.py``
runs the same properties with many more examples and a fixed seed (``KG_FUZZ_SEED`` changes it,
``KG_FUZZ_EXAMPLES`` the count).
"""

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from kg.extract import extract_entities
from kg.extract.assemble import MAX_EVIDENCE
from kg.extract.lexicon import gazetteer
from kg.records import Paper, PaperEntities

QUICK = settings(max_examples=25, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG = settings(QUICK, max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "500")), derandomize=False)
FUZZ_SEED = int(os.environ.get("KG_FUZZ_SEED", "20240612"))


@pytest.fixture(autouse=True)
def _long_runs_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("fuzz") and "fuzz" not in (request.config.option.markexpr or ""):
        pytest.skip("a long fuzz run: select it with -m fuzz")


# the pieces of a text ---------------------------------------------------------------------

KNOWN = sorted({n for e in gazetteer().values() for n in (e.name, *e.aliases)})
PLAIN = ("we", "propose", "introduce", "a", "the", "new", "method", "model", "dataset", "network",
         "called", "named", "dubbed", "and", "of", "or", "on", "with", "using", "for", "such as",
         "outperforms", "trained", "benchmark", "Transformer", "Attention", "Learning", "Set")
PUNCT = (".", ",", ":", ";", "(", ")", "/", "-", "—", "'s", "e.g.,", "!", "?")
SPACES = (" ", " ", " ", " ", "  ", "\t", "\u00a0", "\u2028", "\u2029", "\r", "\r\n", "\n", "\n\n",
          "\u3000", "\x0b", "\x0c", "\x85", "\u202f", " \t ")
SYLLABLES = ("Glim", "mer", "Net", "Flow", "Cut", "Vi", "T", "Former", "Seg", "Diff", "GPT", "Mo",
             "BA", "Llama", "X", "Star", "Fusion", "LLaVA", "ü", "é")

_space = st.sampled_from(SPACES)
_known = st.sampled_from(KNOWN)
_coined = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map("".join)
_versioned = st.tuples(_coined, st.sampled_from(["-", "_", "", "-v"]), st.integers(0, 200)).map(
    lambda t: f"{t[0]}{t[1]}{t[2]}")
_pair = st.tuples(st.sampled_from(["CIFAR", "ResNet", "Glimmer", "GPT", "ImageNet"]), st.sampled_from(["-", "_"]),
                  st.integers(1, 999), st.integers(1, 999)).map(lambda t: f"{t[0]}{t[1]}{t[2]}/{t[3]}")


def _bracketed(words: list[str], space: str) -> str:
    """"Long Form Words (LFW)": an acronym defined in brackets, its long form as written."""
    short = "".join(w[0].upper() for w in words if w)
    return f"{space.join(w.capitalize() for w in words)}{space}({short})"


_acronym = st.builds(_bracketed, st.lists(st.sampled_from(
    ["contrastive", "language", "image", "pretraining", "sparse", "mixture", "block", "attention", "gated",
     "state", "space", "glimmer", "network"]), min_size=2, max_size=4), _space)
_url = st.tuples(st.sampled_from(["https://github.com/", "http://gitlab.com/", "https://huggingface.co/", "www."]),
                 st.from_regex(r"[A-Za-z0-9_.\-]{1,12}", fullmatch=True),
                 st.from_regex(r"[A-Za-z0-9_.\-]{0,12}", fullmatch=True)).map(lambda t: f"{t[0]}{t[1]}/{t[2]}")
_number = st.one_of(st.integers(-10**6, 10**9).map(str), st.floats(allow_nan=False, allow_infinity=False).map(str),
                    st.sampled_from(["7B", "3D", "A100", "1.5%", "top-5", "x4", "v2.1", "4K", "1e-3"]))
_token = st.one_of(_known, _known, _coined, _versioned, _pair, _acronym, _url, _number,
                   st.sampled_from(PLAIN), st.sampled_from(PLAIN), st.sampled_from(PUNCT),
                   st.text(max_size=6))


def _join(parts: list[tuple[str, str]]) -> str:
    return "".join(tok + sep for tok, sep in parts)


_run = st.lists(st.tuples(_token, _space), max_size=60).map(_join)
_long_run = st.tuples(st.lists(st.tuples(_token, st.just(" ")), min_size=1, max_size=20).map(_join),
                      st.integers(10, 120)).map(lambda t: t[0] * t[1])  # one sentence, thousands of characters
ABSTRACT = st.one_of(_run, _run, _run, _long_run, st.lists(st.one_of(_run, _long_run), max_size=3).map(" ".join))
TITLE = st.one_of(
    st.lists(st.tuples(_token, _space), max_size=10).map(_join),
    st.tuples(st.one_of(_coined, _versioned, _known), _space, _run).map(lambda t: f"{t[0]}:{t[1]}{t[2]}"),
    st.tuples(_run, _coined).map(lambda t: f"{t[0]}: {t[1]}"),
)


# the properties ---------------------------------------------------------------------------

def _flat(s: str) -> str:
    return " ".join(s.split())


def check(nlp: Any, title: str, abstract: str) -> None:
    paper = Paper(id="fuzz", title=title, abstract=abstract)
    text = paper.text
    [first] = extract_entities([paper], nlp)
    [again] = extract_entities([paper], nlp)
    assert first.to_dict() == again.to_dict()
    assert PaperEntities.from_dict(json.loads(json.dumps(first.to_dict()))) == first
    event(f"mentions: {min(len(first.entities), 10)}{'+' if len(first.entities) >= 10 else ''}")
    for m in first.entities:
        names = {_flat(n) for n in (m.name, *m.aliases)}
        assert m.evidence
        for ev in m.evidence:
            assert 0 <= ev.start < ev.end <= len(text), (m.name, ev)
            assert text[ev.start:ev.end] == ev.surface, (m.name, ev)
            # the surface is one of its names as written, or the number pair that writes it
            assert _flat(ev.surface) in names or "/" in ev.surface, (m, ev)
            assert len(ev.text) <= max(MAX_EVIDENCE, ev.end - ev.start), (m.name, len(ev.text))
            assert ev.text in text


@QUICK
@given(title=TITLE, abstract=ABSTRACT)
def test_random_texts_extract_with_valid_bounded_evidence(nlp: Any, title: str, abstract: str) -> None:
    check(nlp, title, abstract)


@QUICK
@given(title=st.text(max_size=40), abstract=st.text(max_size=400))
def test_any_unicode_text_extracts_with_valid_evidence(nlp: Any, title: str, abstract: str) -> None:
    check(nlp, title, abstract)


@pytest.mark.fuzz
@seed(FUZZ_SEED)
@LONG
@given(title=TITLE, abstract=ABSTRACT)
def test_random_texts_long(nlp: Any, title: str, abstract: str) -> None:
    check(nlp, title, abstract)


@pytest.mark.fuzz
@seed(FUZZ_SEED)
@LONG
@given(title=st.text(max_size=80), abstract=st.text(max_size=2000))
def test_any_unicode_text_long(nlp: Any, title: str, abstract: str) -> None:
    check(nlp, title, abstract)
