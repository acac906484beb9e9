"""The fast paths of the extraction give what the plain definitions give.

Each fast path (token arrays instead of Token objects, one regex pass instead of one per
chunk, a bounded search instead of one over all the text before) is checked against the
straightforward code it replaced, written out here, on the seed-like texts and on random
strings of the characters that matter. Speed itself is in bench/ (BENCHMARKS.md).
"""

import random
import re

import pytest
import spacy

from kg.extract import build_nlp, extract_entities, extract_text
from kg.extract.acronyms import _short_before
from kg.extract.candidate import doc_text, sentence_spans
from kg.extract.names import looks_like_name
from kg.extract.sentences import CACHED_CHUNKS, TextKeeper, spacy_tokenizer, uncached
from kg.extract.variants import chunks
from kg.keys import entity_key
from kg.keys.names import ascii_key_cores, plural_ending, singular
from kg.records import Paper
from kg.settings import Settings

TEXTS = [
    "FlowCut: Rethinking Redundancy\n\nWe propose FlowCut. It beats LLaVA-1.5-7B. On GQA!",
    "Title\n\nFirst paragraph ends here.\nSecond paragraph (MIM) starts... and ends?",
    "no capitals at all here", "A.", "?", "", "  ", "\n\n", "One.Two. Three!! (four) \"five\".",
    "We use ViT-B/16 (ours), e.g. GPT-4o... ... 'x' and ImageNet-1k.\n\n\nNew section: X.",
    "Café résumé — naïve “quotes” ’s ... ﬁne ＧＰＴ-4 ends",
]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(Settings())


def _random_texts(seed: int, n: int, alphabet: str, longest: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_the_tokenizer_keeps_the_text_spacy_would_rebuild(nlp):
    assert isinstance(nlp.tokenizer, TextKeeper)
    for text in TEXTS + _random_texts(1, 300, "aB1 .\n\t()é’-", 30):
        doc = nlp.make_doc(text)
        assert doc._.kg_text == text == doc.text


def test_doc_text_of_a_doc_made_elsewhere_is_its_text():
    doc = spacy.blank("en")("made by another pipeline")
    assert doc_text(doc) == "made by another pipeline"


def test_the_gazetteer_leaves_the_tokenizer_cache_to_the_texts(nlp):
    # spaCy's default of 10,000 chunks was all taken by the gazetteer's names
    assert spacy_tokenizer(nlp).max_cache_size >= CACHED_CHUNKS
    with uncached(nlp):
        assert spacy_tokenizer(nlp).max_cache_size == 0
    assert spacy_tokenizer(nlp).max_cache_size >= CACHED_CHUNKS


def _reference_sentences(texts: list[str]) -> list[list[tuple[int, int]]]:
    """spaCy's sentencizer, then a new sentence after each whitespace token holding a newline."""
    ref = spacy.blank("en")
    ref.add_pipe("sentencizer")
    out = []
    for doc in ref.pipe(texts):
        for tok in doc[:-1]:
            if tok.is_space and "\n" in tok.text:
                doc[tok.i + 1].is_sent_start = True
        out.append([(s.start_char, s.end_char) for s in doc.sents])
    return out


def test_sentences_from_token_arrays_are_the_sentencizers_and_the_paragraphs():
    plain = spacy.blank("en")  # the reference has no name-suffix rule: compare with the same tokens
    plain.add_pipe("kg_sentences", config={"punctuation": True})
    texts = TEXTS + _random_texts(2, 400, "ab A.!?;\n ”)…。", 25)
    got = [sentence_spans(doc) for doc in plain.pipe(texts)]
    assert got == _reference_sentences(texts)


def test_sentence_spans_from_arrays_are_doc_sents(nlp):
    for doc in nlp.pipe(TEXTS):
        doc._.kg_sents = None  # computed again, from the arrays, not from kg_sentences
        assert sentence_spans(doc) == [(s.start_char, s.end_char) for s in doc.sents]


def _reference_chunks(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\s\(\)\[\]\"“”,;:!?]+", text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in ".'’":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def test_variant_chunks_are_runs_less_their_final_points():
    for text in TEXTS + _random_texts(3, 20_000, "ab1.'’ ,()[]\"“”;:!?\n-_/+é", 16):
        assert chunks(text) == _reference_chunks(text), text


def test_variant_chunks_stay_linear_on_runs_of_points():
    text = "." * 50_000 + " a" + "a." * 25_000 + "'" * 50_000 + " " + "." * 50_000 + "b"
    assert chunks(text) == _reference_chunks(text) == [(50_001, 100_001), (150_003, 200_004)]


def test_ascii_key_cores_are_entity_keys_of_parts_and_of_runs():
    rng = random.Random(4)
    for text in _random_texts(5, 5000, "aZ9s._+-'!(,  ", 14):
        spans = _reference_chunks(text)
        cores = ascii_key_cores([text[s:e] for s, e in spans])
        for (s, e), core in zip(spans, cores, strict=True):
            assert (singular(core) if plural_ending(text[s:e]) else core) == entity_key(text[s:e])
        if len(spans) >= 2:  # a run of chunks: the characters between them count for nothing
            i = rng.randrange(len(spans) - 1)
            j = rng.randrange(i + 1, len(spans))
            run, core = text[spans[i][0]: spans[j][1]], "".join(cores[i: j + 1])
            assert (singular(core) if plural_ending(run) else core) == entity_key(run)


def test_short_form_before_a_bracket_is_found_as_in_all_the_text_before():
    for text in TEXTS + _random_texts(6, 20_000, "aB1-.&+_ \n\t\u00a0(é", 30):
        for end in {0, len(text) // 2, len(text)}:
            want = re.search(r"([A-Za-z][\w\-\.&+]{1,11})\s*$", text[:end])
            got = _short_before(text, end)
            assert (want and want.span(1)) == (got and got.span(1)), (text, end)


def test_long_names_have_their_key_without_the_cache():
    name = "Very-Long Name " * 20 + "Models"
    assert entity_key(name) == entity_key(name.lower()) == entity_key(name.replace("-", " "))
    assert entity_key(name).endswith("model")


def test_memoised_name_shape_is_the_same_on_every_call():
    words = ["FlowCut", "GPT-4o", "7B", "networks", "A100", "Video-LLMs"]
    first = [looks_like_name(w) for w in words]
    assert first == [looks_like_name(w) for w in words] == [True, True, False, False, False, False]


def test_batches_give_what_one_doc_at_a_time_gives(nlp):
    papers = [Paper(id=str(i), title="", abstract=t) for i, t in enumerate(TEXTS * 3)]
    batched = list(extract_entities(papers, nlp, Settings(batch_size=4)))
    one_by_one = [extract_text(p.abstract, nlp) for p in papers]
    assert [b.entities for b in batched] == [o.entities for o in one_by_one]
    assert [b.links for b in batched] == [o.links for o in one_by_one]


# random texts for the literal pre-checks: the characters the guarded patterns read
_GUARD_ALPHABET = "aAbZ9_-.+'/ \n\t()[],:;é" + "wWs"


def _seed_texts() -> list[str]:
    from pathlib import Path

    from kg.sources import read_papers

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        return []
    return [p.title + "\n\n" + p.abstract for p in read_papers([seeds])][:200]


SEED_TEXTS = _seed_texts()


def _guard_texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["GitHub", "github.com/a/b", "https://x.org/y", "www.A.io", "(MIM)", "we", "propose", "Net",
             "FlowCut", "GPT-4o", "CIFAR-10/100", "a", "of", "named", "our", "(", ")", "Ab-C.d", "'s"]
    phrases = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    return TEXTS + SEED_TEXTS + phrases + _random_texts(seed, 20_000, _GUARD_ALPHABET, 30)


def test_name_shapes_from_the_runs_with_a_capital_are_those_of_all_words():
    from kg.extract.names import WORD, shape_candidates, words
    from kg.extract.rules import CAPS_KIND

    caps_kind_off = frozenset({CAPS_KIND})  # a word of capitals before a dataset noun is no word's own shape
    for text in _guard_texts(7):
        every = [m.span() for m in WORD.finditer(text)]
        capital = [m.span() for m in WORD.finditer(text) if any(c.isupper() for c in m.group(0))]
        got = [m.span() for m in words(text, 0, len(text))]
        assert set(capital) <= set(got) <= set(every), text
        mid = len(text) // 3
        every = [m.span() for m in WORD.finditer(text, mid, len(text))]
        capital = [m.span() for m in WORD.finditer(text, mid, len(text)) if any(c.isupper() for c in m.group(0))]
        assert set(capital) <= {m.span() for m in words(text, mid, len(text))} <= set(every), text
        assert shape_candidates(text, 0, len(text), caps_kind_off) == _reference_shapes(text)


def _reference_shapes(text: str) -> list:
    """shape_candidates as it was: every WORD match of the whole text."""
    from kg.extract.candidate import found
    from kg.extract.names import _NUMBER_PAIR, WORD, looks_like_name
    from kg.extract.rules import NONE_OFF, NUMBER_PAIR, SHAPE

    out = []
    for m in WORD.finditer(text):
        w = m.group(0)
        if w.islower():
            continue
        w = w.rstrip(".")
        pair = _NUMBER_PAIR.match(w)
        if pair and pair.group(1)[-1:] in "-_ " and looks_like_name(pair.group(1) + pair.group(2), NONE_OFF):
            first = pair.group(1) + pair.group(2)
            slash = m.start() + len(first)
            out.append(found(NUMBER_PAIR, m.start(), slash, first))
            out.append(found(NUMBER_PAIR, slash + 1, m.start() + len(w), pair.group(1) + pair.group(3),
                             written=(m.start(), m.start() + len(w))))
            continue
        if looks_like_name(w, NONE_OFF):
            out.append(found(SHAPE, m.start(), m.start() + len(w), w))
    return out


def _random_sentences(rng: random.Random, text: str) -> list[tuple[int, int]]:
    cuts = sorted({0, len(text), *(rng.randint(0, len(text)) for _ in range(rng.randint(0, 4)))})
    return list(zip(cuts, cuts[1:], strict=False))


def test_cue_windows_of_the_sentences_holding_a_new_name_are_all_that_hold_one():
    from kg.extract.roles import _windows

    rng = random.Random(8)
    cue_words = ["We propose", "we present", "This paper introduces", "our", "Our", "X", "is",
                 "proposed", "in this paper", "FlowCut", ".", "\n", "here we", "further", "design"]
    texts = TEXTS + SEED_TEXTS + [" ".join(rng.choice(cue_words) for _ in range(rng.randint(0, 40)))
                                  for _ in range(3000)]
    for text in texts:
        sents = _random_sentences(rng, text)
        starts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 6)))
        every = _windows(text, sents)
        holding = [(s, e) for s, e in every if any(s <= x < e for x in starts)]
        got = _windows(text, sents, starts)
        assert [(s, e) for s, e in got if any(s <= x < e for x in starts)] == holding, text
        assert all(w in every for w in got)  # no window the plain scan does not find


def test_the_literal_pre_checks_pass_every_text_the_scans_match_in():
    from kg.extract.acronyms import _PAREN, find_pairs
    from kg.extract.candidates import _BARE_PAREN
    from kg.extract.links import _URL, find_links, may_hold_links

    texts = _guard_texts(9) + ["see WWW.x.org", "wWw.Ab.cd and", "ＷＷＷ.x.org", "github.com/a", "a (B) c"]
    for text in texts:
        if not may_hold_links(text):
            assert _URL.search(text) is None and find_links(text) == [], text
        if "(" not in text:
            assert _PAREN.search(text) is None and _BARE_PAREN.search(text) is None and find_pairs(text) == []
    assert sum(not may_hold_links(t) for t in texts) > 1000  # the checks do skip texts
    # a link with no "/" at all passes the check: "www." in any case
    assert [r.url for _, _, r in find_links("code at WWW.other.io")] == ["https://other.io"]


def test_a_text_without_a_naming_word_holds_no_naming_match():
    from kg.extract import triggers

    extra = ["a model NAMED X", "Called X", "DeNoTeD As y", "namelY", "a net termed", "coİned X",
             "dubbed\u212a", "nothing here", "co-ined"]
    texts = _guard_texts(10) + extra + [t.replace("a", " named ") for t in _random_texts(11, 3000, "aAn ", 20)]
    skipped = 0
    for text in texts:
        if not triggers.may_name(text):
            skipped += 1
            assert triggers.naming().search(text) is None, text
    assert skipped > 1000 and not triggers.may_name("nothing here") and triggers.may_name("DeNoTeD As y")


def _reference_variant_spans(text: str, variants, taken: list) -> list:
    """variant_spans as it was: every chunk whose core begins a known name is searched from."""
    from kg.extract.variants import MAX_PARTS
    from kg.keys import match_key

    spans = chunks(text)
    keys, prefixes = variants.keys, variants.prefixes
    cores = ascii_key_cores([text[s:e] for s, e in spans]) if text.isascii() else None
    out: list = []
    busy = list(taken)
    for i in range(len(spans)):
        s = spans[i][0]
        best = None
        core = ""
        for j in range(i, min(i + MAX_PARTS, len(spans))):
            e = spans[j][1]
            if cores is not None:
                core += cores[j]
                key = singular(core)
                if key not in prefixes:
                    break
                key = key if plural_ending(text[s:e]) else core
            else:
                key = match_key(text[s:e])
                if key not in prefixes:
                    break
            if key in keys:
                kid, lower_ok = keys[key]
                plain = text[s:e].isalpha() and text[s + 1:e].islower()
                split = j > i and not any(ch.isdigit() for ch in key)
                w = text[s:e]
                unclosed = w.count("(") > w.count(")") or w.count("[") > w.count("]")
                if (lower_ok or not plain) and not split and not unclosed:
                    best = (s, e, kid)
        # clear of the busy spans, but for one it holds and is longer than
        if best and not any(best[0] < b and a < best[1] and not (best[0] <= a and b <= best[1] and b - a < best[1] - best[0])
                            for a, b in busy):
            out.append(best)
            busy.append((best[0], best[1]))
    return out


def test_variant_search_from_the_promising_chunks_finds_what_a_search_from_all_finds():
    from kg.extract.lexicon import gazetteer
    from kg.extract.variants import Variants, variant_keys, variant_spans

    entries = gazetteer()
    variants = Variants(variant_keys(entries))
    rng = random.Random(12)
    names = sorted(n for e in entries.values() for n in e.names)
    spellings = [f(n) for n in rng.sample(names, 3000)
                 for f in (str, str.lower, lambda n: n.replace("-", " "), lambda n: n.replace(" ", "-"))]
    fill = ["the", "of", "a", "models", "large", "(", ")", ",", ".", "-", "v1.5", "1", "7B", "s", "é"]
    texts = TEXTS + SEED_TEXTS + [" ".join(rng.choice(spellings + fill * 40) for _ in range(rng.randint(0, 30)))
                                  for _ in range(3000)]
    found = 0
    for text in texts:
        taken = [(0, 3)] if len(text) > 10 and rng.random() < 0.3 else []
        want = _reference_variant_spans(text, variants, taken)
        assert variant_spans(text, variants, taken) == want, text
        found += len(want)
    assert found > 1000


def test_bracketed_names_searched_for_before_each_bracket_are_those_of_a_scan():
    from kg.extract.candidates import _BARE_PAREN, bare_parens

    rng = random.Random(13)
    parts = ["(MIM)", "(SVD-CNN)", "(Ab)", "(ABCDEFGHIJKLMNOPQ)", "model", "the squeezed", "a-b", "-", "x" * 30,
             "y" * 31, "z" * 33, " ", "  \n\t", "(", ")", "é", "_", "Net", "9"]
    texts = TEXTS + SEED_TEXTS + ["".join(rng.choice(parts) for _ in range(rng.randint(0, 14))) for _ in range(20_000)] \
        + _random_texts(14, 20_000, "aA(B)C- \n_", 30)
    found = 0
    for text in texts:
        for start in {0, len(text) // 3}:
            want = [m.span() for m in _BARE_PAREN.finditer(text, start)]
            assert [m.span() for m in bare_parens(text, start)] == want, (text, start)
            found += len(want)
    assert found > 500


def test_contribution_cues_on_the_lower_case_are_those_ignoring_case():
    from kg.extract import triggers
    from kg.extract.rules import APPOSITIVE, DIRECT_OBJECT, FIRST_NEW_NAME

    rng = random.Random(15)
    cue_words = ["We", "we", "WE", "This Paper", "this study", "THIS WORK", "propose", "Proposes", "PRESENTED",
                 "further", "Also", "introduce", "design", "s", "d", "X", "ours", "é", "ſ", "\u212a", "\n", "-"]
    texts = TEXTS + SEED_TEXTS + [" ".join(rng.choice(cue_words) for _ in range(rng.randint(0, 20)))
                                  for _ in range(5000)]
    assert triggers.contribution_in_lower_case(APPOSITIVE) is not None
    found = 0
    for rule in (DIRECT_OBJECT, APPOSITIVE, FIRST_NEW_NAME):
        for text in texts:
            for start, end in {(0, len(text)), (len(text) // 4, len(text) // 2)}:
                want = [m.span() for m in triggers.contribution(rule).finditer(text, start, end)]
                assert [m.span() for m in triggers.contribution_cues(rule, text, start, end)] == want, text
                found += len(want)
    assert found > 3000


def test_a_text_without_a_hyphen_before_a_capital_holds_no_eponym():
    from kg.extract.phrases import _EPONYM, _EPONYM_HYPHEN, eponym_candidates

    rng = random.Random(17)
    parts = ["Gauss", "-", "Newton", "Ab", "-Cd", "x", " method", " a", "\n", "é", "_", "9", "Hastings", "-eQ"]
    texts = _guard_texts(16) + ["".join(rng.choice(parts) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    matched = 0
    for text in texts:
        for start in {0, len(text) // 2}:
            if _EPONYM.search(text, start):  # the pre-check passes every text a match is in
                matched += 1
                assert _EPONYM_HYPHEN.search(text, start), (text, start)
    assert matched > 30 and eponym_candidates("the Gauss-Newton method", 0)
