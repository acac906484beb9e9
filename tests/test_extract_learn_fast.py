"""The fast paths of the learned decider's own candidates give what the plain code gave.

The code as it was (a61b3c0) is written out here as the oracle and compared with the fast
path on texts written for the test, on texts drawn by hypothesis from the words and
characters that matter, and on the seeds. Speed itself is in bench/bench_extract.py.
"""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_speed import SEED_TEXTS, TEXTS

from kg.extract.candidate import Candidate, found
from kg.extract.learn import recall
from kg.extract.learn.recall import (
    _BREAKS,
    _ENDINGS,
    _breaks_phrase,
    _generic,
    _phrase_words,
    _sentence_opener,
    _strip_stops,
    _trie,
    recall_candidates,
)
from kg.extract.lexicon import type_heads
from kg.extract.rules import RECALL_CAPS, RECALL_PHRASE

# --- the oracle: recall_candidates as it was -------------------------------------------------

_CAP_WORD = r"(?:[A-Z][\w\-\.\+']*[\w\+]|[A-Z])"
_CAPS_RUN = re.compile(rf"(?<![\w\-]){_CAP_WORD}(?:\s+(?:of|for|and|with|on|in|to|-)?\s*{_CAP_WORD}){{0,5}}")
_LOWER_CAP = re.compile(r"(?<![\w\-])[a-z]+(?:-[A-Za-z0-9]+)*-?[A-Z0-9][\w\-]*[\w]")
_LOWER_WORD = re.compile(r"(?<![\w\-])[a-z][a-z]+(?:-[a-z0-9]+)*(?![\w\-])")


def _head_ends() -> re.Pattern[str]:
    heads = [w for w, t in type_heads().items() if t == "method" and re.fullmatch(r"[a-z0-9]+", w)]
    forms = set(heads) | {w + "s" for w in heads if len(w) >= 3}
    return re.compile(rf"(?:{'|'.join(_ENDINGS)})(?![\w\-])|\b{_trie(sorted(forms))}(?![\w\-])")


_HEAD_ENDS = _head_ends()


def plain_recall(text: str, title_end: int, sent_starts: set[int]) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _CAPS_RUN.finditer(text):
        raw = m.group(0)
        words = raw.split()
        kept = _strip_stops(words)
        if not kept:
            continue
        start = m.start() + raw.index(kept[0])
        end = start + len(kept[0])
        for w in kept[1:]:
            end = text.index(w, end) + len(w)
        name = text[start:end]
        at_start = start in sent_starts or start == 0 or text[max(0, start - 2): start].strip() in (".", "")
        if (len(kept) == 1 and at_start) or len(name) < 2 or _generic(name) or "\n" in name:
            continue
        out.append(found(RECALL_CAPS, start, end, name))
    for m in _LOWER_CAP.finditer(text):
        out.append(found(RECALL_CAPS, m.start(), m.end(), m.group(0)))
    lower = [m.span() for m in _LOWER_WORD.finditer(text, title_end)]
    ends = {e: i for i, (_, e) in enumerate(lower)}
    breaks, kinds, not_heads = _phrase_words()
    seen: set[tuple[int, int]] = set()
    for h in _HEAD_ENDS.finditer(text, title_end):
        n = ends.get(h.end())
        if n is None:
            continue
        head = text[lower[n][0]: lower[n][1]]
        if head in not_heads:
            continue
        if head in kinds:
            if n == 0 or text[lower[n - 1][1]: lower[n][0]] != " ":
                continue
            n -= 1
        first = n
        while first > 0 and n - first < 2 and text[lower[first - 1][1]: lower[first][0]] == " " \
                and not _breaks_phrase(text[lower[first - 1][0]: lower[first - 1][1]], breaks):
            first -= 1
        if _breaks_phrase(text[lower[n][0]: lower[n][1]], breaks):
            continue
        start, end = lower[first][0], lower[n][1]
        opener = _sentence_opener(text, start, sent_starts) if n - first < 2 else None
        if opener is not None:
            start = opener
        elif first == n:
            continue
        name = text[start:end]
        if (start, end) not in seen and not _generic(name):
            seen.add((start, end))
            out.append(found(RECALL_PHRASE, start, end, name))
    return out


# --- the words and characters that matter ----------------------------------------------------

_breaks, _kinds, _not_heads = _phrase_words()
_HEADS = sorted(w for w, t in type_heads().items() if t == "method")[:40]
_WORDS = (["continuous", "batching", "sequence", "parallelism", "graph", "graphs", "paragraph", "pre-training",
           "x-training", "state-of-the-art", "gpt-4", "ab", "a", "namely", "early", "with", "the", "of", "and",
           "Sequence", "We", "This", "Large", "Language", "Models", "FlowCut", "LLaMA", "GPT-4o", "ViT-B/16",
           "kHz", "mAP", "sparseGPT", "image-to-3D", "x-MoE", "ab-CD", "abC-", "zepingyu0512", "github.com/a",
           "Deep-Learning", "N:M", "O'Neil", "C++", "foo_bar", "café", "naïve", "İstanbul", "ß", "ing", "tion",
           "mentions", "ism", "city", "ment"]
          + _HEADS + sorted(_kinds)[:6] + sorted(_not_heads)[:6] + sorted(_breaks)[:10] + sorted(_BREAKS)[:10])
_SEPS = [" ", " ", " ", " ", "  ", "\n", "\n\n", ". ", ", ", "(", ")", "-", "/", ": ", "? ", "\t", "_", "'"]


@st.composite
def _docs(draw: st.DrawFn) -> tuple[str, int, set[int]]:
    parts = draw(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), max_size=40))
    text = "".join(w + s for w, s in parts)
    title_end = draw(st.integers(0, len(text)))
    starts = set(draw(st.lists(st.integers(0, max(0, len(text) - 1)), max_size=6)))
    return text, title_end, starts


def _same(text: str, title_end: int, starts: set[int]) -> None:
    assert recall_candidates(text, title_end, starts) == plain_recall(text, title_end, starts), (text, title_end)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_docs())
def test_recall_candidates_equal_the_plain_way_on_drawn_texts(doc: tuple[str, int, set[int]]) -> None:
    _same(*doc)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="aAzZ09-_ .\n(),'+éİ", max_size=60), st.integers(0, 60))
def test_recall_candidates_equal_the_plain_way_on_drawn_characters(text: str, title_end: int) -> None:
    _same(text, min(title_end, len(text)), {0})


def test_recall_candidates_equal_the_plain_way_on_the_seeds() -> None:
    for text in TEXTS + SEED_TEXTS:
        title_end = max(0, text.find("\n\n"))
        starts = {0} | {m.end() for m in re.finditer(r"[.!?]\s+", text)}
        for te in (0, title_end):
            _same(text, te, starts)


def test_the_lower_caps_hint_is_in_every_match() -> None:
    """The fast path reads only the words holding a capital or digit after a small letter or hyphen."""
    for text in TEXTS + SEED_TEXTS + [w + " " + v for w in _WORDS for v in ("x", "aB", "a-1b")]:
        assert recall._lower_caps(text) == [m.span() for m in _LOWER_CAP.finditer(text)]


def test_head_words_are_where_the_head_regex_ends_a_lower_word() -> None:
    for w in _WORDS + _HEADS + [h + "s" for h in _HEADS] + ["ab-" + h for h in _HEADS] + ["x" + h for h in _HEADS]:
        text = f"so {w} here"
        lower_ends = {m.end() for m in _LOWER_WORD.finditer(text)}
        plain = [h.end() for h in _HEAD_ENDS.finditer(text) if h.end() in lower_ends]
        fast = [m.end() for m in recall._head_words().finditer(text) if recall._is_head_word(m.group(0))]
        assert fast == plain, w


# --- acronym support: a definition, the places it is written ---------------------------------

def plain_defined(text: str, name: str) -> bool:
    n = re.escape(name)
    return re.search(rf"[A-Za-z][\w\-]*\s*\(\s*{n}\s*[\),;]|(?<![\w\-]){n}\s*\(\s*[A-Za-z][\w\-]*\s+[A-Za-z]",
                     text) is not None


def plain_spots(text: str, name: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text)]


_ACRO_NAMES = ["AB", "ABs", "RAG", "B1", "ABA"]
_SPACES = ["", "", " ", "  ", "\t", "\n", "\xa0", "\x1c", "\u2028"]
_BESIDE = ["", "a", "ab", "1", "_", "-", "a-", "é", "\u0301", "x1", "1a", "(", ")", ",", ";", ".", "]", "/", "AB"]


@st.composite
def _acronym_texts(draw: st.DrawFn) -> tuple[str, str]:
    """Texts near the two definition patterns: "<word> ( NAME )" and "NAME ( <word> <word>",
    each part drawn from what the patterns tell apart."""
    name = draw(st.sampled_from(_ACRO_NAMES))
    part = st.sampled_from(_BESIDE)
    space = st.sampled_from(_SPACES)
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            pieces += [draw(part), draw(part), draw(space), "(", draw(space), draw(st.sampled_from([name, name[:-1]])),
                       draw(space), draw(part)]
        else:
            pieces += [draw(part), name, draw(space), draw(st.sampled_from(["(", "[", ""])), draw(space), draw(part),
                       draw(part), draw(space), draw(part)]
        pieces.append(draw(st.text(alphabet="aB1 (),;-_é\xa0", max_size=3)))
    return "".join(pieces), name


@settings(max_examples=4000, deadline=None)
@given(_acronym_texts())
def test_defined_and_spots_equal_the_patterns(case: tuple[str, str]) -> None:
    from kg.extract.learn.acronym import _defined, _spots

    text, name = case
    assert _defined(text, name) == plain_defined(text, name), (text, name)
    assert _spots(text, name) == plain_spots(text, name), (text, name)


def test_defined_on_written_texts() -> None:
    from kg.extract.learn.acronym import _defined

    for text, name, want in [("Retrieval-Augmented Generation (RAG) helps", "RAG", True),
                             ("RAG (retrieval augmented generation)", "RAG", True),
                             ("RAG (retrieval) only", "RAG", False), ("x-RAG (a b)", "RAG", False),
                             ("1 (RAG)", "RAG", False), ("é (RAG)", "RAG", False), ("ab1 ( RAG ;", "RAG", True)]:
        assert _defined(text, name) == plain_defined(text, name) == want, text
    for text in TEXTS + SEED_TEXTS:
        for name in set(re.findall(r"\b[A-Z]{2,4}(?:s|\d)?\b", text)):
            assert _defined(text, name) == plain_defined(text, name), name
