"""The fast paths of the second speed pass give what the plain code gives.

As in tests/test_extract_speed.py: the plain definition is written out here (or imported
from there) and compared with the fast path on texts written for the test, on random
strings of the characters that matter and on the seeds. Speed itself is in bench/.
"""

import random

import pytest
from test_extract_speed import SEED_TEXTS, TEXTS, _random_texts, _reference_variant_spans

from kg.extract.lexicon import gazetteer
from kg.extract.variants import MAX_PARTS, AsciiRuns, Variants, chunks, variant_keys, variant_spans
from kg.keys.names import ascii_key_cores, plural_ending, singular

# every character that ends a chunk or is dropped from a key, digits, and points
_RUN_ALPHABET = "aB9s.'-_/+ \t\n()[]\",;:!?"


@pytest.fixture(scope="module")
def variants() -> Variants:
    return Variants(variant_keys(gazetteer()))


def _ascii(texts: list[str]) -> list[str]:
    return [t for t in texts if t.isascii()]


def test_the_runs_that_are_chunks_are_the_chunks_with_their_cores():
    fixed = ["", " ", "...", ", , ,", "ViT-B/16 (ours), e.g. GPT-4o... ... 'x'", "- x -", "'s .' x.'", "1.5. 2"]
    texts = _ascii(fixed + TEXTS + SEED_TEXTS + _random_texts(30, 20_000, _RUN_ALPHABET, 20))
    assert len(texts) > 10_000
    for text in texts:
        runs = AsciiRuns(text)
        kept = [r for r in range(len(runs.runs)) if runs.chunk(r)]
        want = chunks(text)
        assert [runs.span(r) for r in kept] == want, text
        assert [runs.cores[r] for r in kept] == ascii_key_cores([text[s:e] for s, e in want]), text
        # a run that is no chunk has no core, so it can begin nothing
        assert all(runs.cores[r] == "" for r in range(len(runs.runs)) if r not in kept), text


def test_the_digit_runs_are_the_runs_holding_a_digit():
    texts = _ascii(["", "1", " 1", "1 ", "a1b2 c 33 d", "GPT-4o, LLaVA-1.5 (7B) 2 3"] + TEXTS + SEED_TEXTS
                   + _random_texts(31, 20_000, "a1 9,(.", 16))
    for text in texts:
        runs = AsciiRuns(text)
        assert runs.digit_runs() == [r for r, run in enumerate(runs.runs) if any(c.isdigit() for c in run)], text


def _finds_from(text: str, i: int, variants: Variants) -> bool:
    """Whether the plain search, started at chunk ``i`` alone, finds a known name there."""
    spans = chunks(text)
    cores = ascii_key_cores([text[s:e] for s, e in spans])
    core = ""
    for j in range(i, min(i + MAX_PARTS, len(spans))):
        core += cores[j]
        key = singular(core)
        if key not in variants.prefixes:
            return False
        s, e = spans[i][0], spans[j][1]
        key = key if plural_ending(text[s:e]) else core
        if key in variants.keys:
            lower_ok = variants.keys[key][1]
            plain = text[s:e].isalpha() and text[s + 1:e].islower()
            split = j > i and not any(ch.isdigit() for ch in key)
            if (lower_ok or not plain) and not split:
                return True
    return False


def _spellings(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    names = sorted(x for e in gazetteer().values() for x in e.names)
    return [f(x) for x in rng.sample(names, n)
            for f in (str, str.lower, lambda x: x.replace("-", " "), lambda x: x.replace(" ", " , "),
                      lambda x: x.replace("-", " ... "))]


def test_every_chunk_a_name_is_found_from_is_a_run_the_search_begins_at(variants):
    rng = random.Random(32)
    spellings = _spellings(33, 1500)
    fill = ["the", "of", ",", ".", "(", ")", "'", "...", "-", "1", "v1.5", "7B", "3.5", "models", "s"]
    texts = _ascii(TEXTS + SEED_TEXTS + [" ".join(rng.choice(spellings + fill * 30) for _ in range(rng.randint(0, 25)))
                                         for _ in range(1500)])
    found = 0
    for text in texts:
        runs = AsciiRuns(text)
        kept = [r for r in range(len(runs.runs)) if runs.chunk(r)]
        begins = set(runs.begins(variants))
        assert begins <= set(kept), text
        for i, r in enumerate(kept):
            if _finds_from(text, i, variants):
                found += 1
                assert r in begins, (text, i)
    assert found > 1000


def test_the_search_over_runs_finds_what_the_search_from_every_chunk_finds(variants):
    # names with digits split over many separators: the runs that are no chunk must not count
    rng = random.Random(34)
    spellings = _spellings(35, 1500)
    fill = ["the", ",", ", ,", "(", ")", "...", "'", "-", "1", "2.0", "B", "Sonnet", "3.5", "Pro", "7B", "é"]
    texts = TEXTS + SEED_TEXTS + [" ".join(rng.choice(spellings + fill * 30) for _ in range(rng.randint(0, 25)))
                                  for _ in range(3000)]
    found = 0
    for text in texts:
        taken = [(0, 4)] if len(text) > 10 and rng.random() < 0.3 else []
        want = _reference_variant_spans(text, variants, taken)
        assert variant_spans(text, variants, taken) == want, text
        found += len(want)
    assert found > 1000


def test_a_family_asked_again_is_the_family_found_the_first_time():
    from kg.extract.rules import NAMED_VARIANT
    from kg.extract.typer import Index

    index, fresh = Index(gazetteer()), Index(gazetteer())
    rng = random.Random(38)
    names = [x for e in gazetteer().values() for x in e.names]
    asked = [f(n) for n in rng.sample(names, 2000) for f in (lambda n: n + "-7B", lambda n: n + "-Order", str)]
    for off in (frozenset(), frozenset({NAMED_VARIANT})):
        for name in asked + asked:  # the second time from the memo
            assert index.family(name, off) is fresh._family(name, off), name
    assert sum(fresh._family(n) is not None for n in asked) > 1000


def test_paragraph_breaks_found_by_their_line_breaks_are_those_of_the_whitespace_tokens():
    from spacy.attrs import IDX

    from kg.extract import build_nlp
    from kg.extract.sentences import paragraph_breaks
    from kg.settings import Settings

    nlp = build_nlp(Settings())
    fixed = ["", "\n", "a\n", "\na", "a\n\nb", "a \n b", "a\n \n\tb\n", "x\r\ny\u2028z\x85w\x0b\n", " \n\n ", "a\\nb"]
    texts = fixed + TEXTS + SEED_TEXTS + _random_texts(39, 5000, "ab. \n\t\r\x0b\x0c\x1c\x85\u2028\u00a0(", 24)
    broken = 0
    for text in texts:
        doc = nlp.make_doc(text)
        # the plain way: every whitespace token but the last that holds a line break
        want = [t.i + 1 for t in doc[:-1] if t.is_space and "\n" in t.text]
        got = paragraph_breaks(text, doc.to_array([IDX])) if len(doc) else []
        assert got == want, repr(text)
        broken += bool(want)
    assert broken > 1000


_SENT_ALPHABET = "ab A.!?;,\n\t”)(…。¿‼-'\"0"


def test_sentence_starts_read_at_the_sentence_final_characters_are_the_array_passes():
    from spacy.attrs import IDX, IS_PUNCT, ORTH

    from kg.extract import build_nlp
    from kg.settings import Settings

    nlp = build_nlp(Settings())
    sentences = nlp.get_pipe("kg_sentences")
    assert sentences.finals_are_punct  # spaCy's own vocabulary: the fast path is the one taken
    texts = TEXTS + SEED_TEXTS + _random_texts(40, 20_000, _SENT_ALPHABET, 30) + ["...", "a", ".a", "a.", "!?a b"]
    started = 0
    for text in texts:
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        arr = doc.to_array([ORTH, IS_PUNCT, IDX])
        want = sentences._punctuation_starts(arr[:, 0], arr[:, 1])
        got = sentences._starts_at_finals(doc, text, arr[:, 2].tolist())
        assert got == [int(i) for i in want.nonzero()[0]], text
        started += len(got) > 1
    assert started > 5000


@pytest.mark.parametrize("fast", [True, False])
def test_sentences_either_way_are_the_sentencizers_and_the_paragraphs(fast):
    import spacy
    from test_extract_speed import _reference_sentences

    from kg.extract.candidate import sentence_spans

    plain = spacy.blank("en")  # the reference has no name-suffix rule: compare with the same tokens
    plain.add_pipe("kg_sentences", config={"punctuation": True})
    plain.get_pipe("kg_sentences").finals_are_punct = fast
    texts = TEXTS + SEED_TEXTS + _random_texts(41, 3000, _SENT_ALPHABET, 30)
    assert [sentence_spans(doc) for doc in plain.pipe(texts)] == _reference_sentences(texts)


def _reference_shape_candidates(text: str, off: frozenset) -> list:
    """shape_candidates as it was: each word judged where it stands."""
    from kg.extract.candidate import found
    from kg.extract.names import _NUMBER_PAIR, WORD, looks_like_name
    from kg.extract.rules import NUMBER_PAIR, SHAPE

    out = []
    for m in WORD.finditer(text):
        at, w = m.start(), m.group(0)
        if w.islower():
            continue
        w = w.rstrip(".")
        pair = _NUMBER_PAIR.match(w) if NUMBER_PAIR not in off else None
        if pair and pair.group(1)[-1:] in "-_ " and looks_like_name(pair.group(1) + pair.group(2), off):
            first = pair.group(1) + pair.group(2)
            slash = at + len(first)
            out.append(found(NUMBER_PAIR, at, slash, first))
            out.append(found(NUMBER_PAIR, slash + 1, at + len(w), pair.group(1) + pair.group(3),
                             written=(at, at + len(w))))
            continue
        if SHAPE not in off and looks_like_name(w, off):
            out.append(found(SHAPE, at, at + len(w), w))
    return out


def test_name_shapes_from_the_memo_of_each_word_are_those_judged_in_place():
    from kg.extract.names import shape_candidates
    from kg.extract.rules import CAPS_KIND, NUMBER_PAIR, SHAPE

    rng = random.Random(42)
    words = ["CIFAR-10/100", "GPT-4o", "FlowCut", "We", "the", "ViT-B/16", "A100", "x-1/2", "Mamba-3B.", "(", ".",
             "7B", "LLMs", "Top-5", "a/b", "Net-10/20.", "BERT", "é", "-", "'s", "ImageNet-1k,"]
    texts = TEXTS + SEED_TEXTS + [" ".join(rng.choice(words) for _ in range(rng.randint(0, 15))) for _ in range(3000)]
    texts += _random_texts(43, 5000, "aA9-/. _+'", 16)
    found = 0
    # caps-kind (a word of capitals before a dataset noun) is no word's own shape: off on both sides
    for off in (frozenset({CAPS_KIND}), frozenset({NUMBER_PAIR, CAPS_KIND}), frozenset({SHAPE, CAPS_KIND})):
        for text in texts + texts:  # the second time from the memo
            want = _reference_shape_candidates(text, off)
            assert shape_candidates(text, 0, len(text), off) == want, text
            found += len(want)
    assert found > 10_000
