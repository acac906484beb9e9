"""More fast paths of the extraction, each equal to the plain code it replaced.

As in tests/test_extract_speed.py: the plain definition is written out here and compared
with the fast path on seed-like texts and on random strings of the characters that matter.
"""

import dataclasses
import random
import re

import pytest
import spacy

from kg.extract.candidate import Candidate
from kg.extract.rules import GAZETTEER, SHAPE, TYPE_HEAD
from kg.extract.variants import AsciiChunks, Variants, chunks
from kg.keys import entity_key
from kg.keys.names import _LONE_DOT, ascii_key_cores, plural_ending, singular, spaced_key_cores


def _random_texts(seed: int, n: int, alphabet: str, longest: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_a_lone_point_is_one_not_between_two_digits():
    plain = re.compile(r"(?<!\d)\.|\.(?!\d)")  # the pattern as it was: a look-behind first
    texts = ["1.5", ".5", "5.", ".", "a.b", "1..2", "v1.5.", "e.g. 3.14 ...", "..1.2.3..", "\u0661.\u0662"]
    for text in texts + _random_texts(20, 20_000, "1.a. 9\u0663", 12):
        assert _LONE_DOT.sub("", text) == plain.sub("", text), text
        assert [m.span() for m in _LONE_DOT.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_spaced_key_cores_are_the_ascii_key_cores_of_the_space_separated_parts():
    alphabet = "az09s._+-'/&!  " + "".join(map(chr, range(0, 32)))
    for text in ["", " ", "  ", "imagenet-1k  v1.5 e.g.", "1. 5", "a .5"] + _random_texts(21, 20_000, alphabet, 16):
        lowered = text.lower()
        assert spaced_key_cores(lowered) == ascii_key_cores(lowered.split(" ")), text


_SEP_ALPHABET = "aB9s.'’-_/+ \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85()[]\"“”,;:!?"


@pytest.mark.parametrize("seed", [22, 23])
def test_ascii_chunks_are_the_chunks_and_their_key_cores(seed):
    fixed = ["", " ", "...", "ViT-B/16 (ours), e.g. GPT-4o... ... 'x'", "a\x1cb\x1fc", "'s .' x.'"]
    texts = [t for t in fixed + _random_texts(seed, 20_000, _SEP_ALPHABET, 20) if t.isascii()]
    assert len(texts) > 3000
    for text in texts:
        got = AsciiChunks(text)
        want = chunks(text)
        assert got.spans == want, text
        assert [got.span(k) for k in range(len(want))] == want, text
        assert got.cores == ascii_key_cores([text[s:e] for s, e in want]), text
        for (s, e), core in zip(want, got.cores, strict=True):
            assert (singular(core) if plural_ending(text[s:e]) else core) == entity_key(text[s:e])


def test_single_cores_are_those_that_are_a_key_or_whose_singular_is():
    keys = {k: ("id", False) for k in ("imagenet", "llm", "glass", "boss", "gpt4", "clip", "abcs")}
    variants = Variants(keys)
    words = [*keys, "imagenets", "llms", "glasss", "bosss", "gpt4s", "clips", "abcss", "abc", "llmss",
             "image", "s", "ss", "", "imagenetss"]
    for w in words + _random_texts(24, 5000, "abcilmps", 6):
        assert (w in variants.single) == (w in keys or singular(w) in keys), w


def test_a_candidate_changed_is_what_dataclasses_replace_makes():
    c = Candidate(3, 9, "FlowCut", SHAPE, confidence=0.6, long_form="Flow Cut")
    for kw in ({}, {"type": "model"}, {"type": "dataset", "typed_by": TYPE_HEAD, "confidence": 0.9},
               {"start": 0, "end": 2, "text": "Fl", "found_by": GAZETTEER, "written": (0, 9), "role": "proposed"}):
        got, want = c.with_(**kw), dataclasses.replace(c, **kw)
        assert got == want and hash(got) == hash(want) and type(got) is Candidate
        assert dataclasses.asdict(got) == dataclasses.asdict(want)
    assert c.typed(TYPE_HEAD, "dataset") == dataclasses.replace(c, type="dataset", typed_by=TYPE_HEAD)
    assert c.with_(type="model").type == "model" and c.type is None  # the original is unchanged
    with pytest.raises(TypeError, match="colour"):
        c.with_(colour="red")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.with_(type="model").type = "dataset"  # type: ignore[misc]


def test_kg_extensions_read_and_written_past_the_underscore_object_are_doc_underscore():
    from spacy.tokens import Doc

    from kg.extract import build_nlp
    from kg.extract.candidate import _EXTENSIONS, get_ext, set_ext
    from kg.settings import Settings

    nlp = build_nlp(Settings())
    other = spacy.blank("en").make_doc("made elsewhere")  # no kg component has set anything
    doc = nlp("FlowCut: Rethinking\n\nWe propose FlowCut (FC), see github.com/a/b. It beats LLaVA-1.5.")
    for name, default in _EXTENSIONS:
        assert get_ext(doc, name) is getattr(doc._, name)
        assert get_ext(other, name) == getattr(other._, name) == default
        set_ext(doc, name, ["set", name])
        assert getattr(doc._, name) == ["set", name]
        setattr(doc._, name, ("again", name))
        assert get_ext(doc, name) == ("again", name)
    assert get_ext(doc, "kg_candidates") is not None and Doc.has_extension("kg_text")


def test_a_kg_extension_with_a_getter_is_refused():
    from spacy.tokens import Doc

    from kg.extract.candidate import register_extensions

    register_extensions()
    try:
        Doc.set_extension("kg_links", getter=lambda doc: [], force=True)
        with pytest.raises(ValueError, match="kg_links"):
            register_extensions()
    finally:
        Doc.set_extension("kg_links", default=None, force=True)
    register_extensions()


# the patterns as they were, their look-behind first
_PLAIN_CAP_PHRASE = re.compile(
    r"(?<![\w\-])((?:[A-Z][\w\-']{0,40})(?:\s+(?:(?:and|of|for|in|with|to|&)\s+)?(?:[A-Z][\w\-']{0,40}|\d[\w\.]{0,10})){1,8})(?![\w\-'])")
_PLAIN_ITEM = r"(?<![\w\-\.])(?:[A-Z][\w\-\.\+]{0,40}[\w\+]|[A-Z])(?:\s[A-Z0-9][\w\-\.\+]{0,40}[\w\+]){0,2}(?![\w\-])"
_PLAIN_LIST = re.compile(rf"{_PLAIN_ITEM}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?{_PLAIN_ITEM})+")


def _capital_texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["Harmonix", "Set", "and", "of", "the", "or", ",", "A", "GSM8K", "x-Y", "Ab.c", "-", ".", "'", "+", "é",
             "É", "9", "_", "Net", "\n", "  ", "ImageNet", "(", "a"]
    phrases = ["".join(rng.choice(words) + rng.choice(["", " ", ", "]) for _ in range(rng.randint(0, 14)))
               for _ in range(6000)]
    return phrases + _random_texts(seed, 6000, "AbZ9-_.'+ ,\né", 24)


def test_capital_first_scans_find_what_the_look_behind_first_patterns_find():
    from kg.extract.phrases import _CAP_PHRASE, _ITEM, _LIST

    found = 0
    for text in _capital_texts(25):
        for start, end in {(0, len(text)), (len(text) // 3, len(text)), (1, max(1, len(text) - 2))}:
            for new, plain in ((_CAP_PHRASE, _PLAIN_CAP_PHRASE), (_LIST, _PLAIN_LIST), (re.compile(_ITEM), re.compile(_PLAIN_ITEM))):
                want = [(m.span(), m.groups()) for m in plain.finditer(text, start, end)]
                assert [(m.span(), m.groups()) for m in new.finditer(text, start, end)] == want, (text, new.pattern)
                found += len(want)
    assert found > 5000


def _plain_capital_segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """capital_segments as it was: from every capital, the run around it, once a run."""
    in_word = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.+'/")
    out: list[tuple[int, int]] = []
    stop = start
    for i in range(start, end):
        if not ("A" <= text[i] <= "Z") or i < stop:
            continue
        s = i
        while s > start and text[s - 1] in in_word:
            s -= 1
        stop = i
        while stop < end and text[stop] in in_word:
            stop += 1
        out.append((s, stop))
    return out


def test_capital_segments_are_the_runs_around_each_capital():
    from kg.extract.names import capital_segments

    texts = [t for t in _capital_texts(26) + _random_texts(27, 6000, "aZ9_-.+'/ (,\t", 20) if t.isascii()]
    segments = 0
    for text in texts:
        for start, end in {(0, len(text)), (len(text) // 3, len(text)), (2, max(2, len(text) - 3))}:
            want = _plain_capital_segments(text, start, end)
            assert capital_segments(text, start, end) == want, (text, start, end)
            segments += len(want)
    assert segments > 5000


def test_word_starts_are_the_word_matches_of_the_capital_runs():
    from kg.extract.names import word_starts, words

    rng = random.Random(28)
    long_runs = ["A" + "b" * rng.randint(55, 70) + rng.choice(["", "-", ".", "'", "-.'", "+", "_"]) for _ in range(300)]
    texts = _capital_texts(29) + _random_texts(30, 8000, "aZ9_-.+'/ \t(é", 24) + long_runs \
        + [" ".join(rng.choice(long_runs + ["x/1", "GPT-4/5", "a/B", "'s", "CIFAR-10/100"]) for _ in range(4))
           for _ in range(500)]
    found = 0
    for text in texts:
        for start, end in {(0, len(text)), (len(text) // 3, len(text)), (1, max(1, len(text) - 2))}:
            want = [(m.start(), m.group(0)) for m in words(text, start, end)]
            assert word_starts(text, start, end) == want, (text, start, end)
            found += len(want)
    assert found > 5000


def test_shape_candidates_of_each_run_are_those_of_its_words():
    """The shapes read from a run's own text (names._run_shapes, kept per run) are those of
    the words of word_starts, each made apart (the loop shape_candidates had)."""
    from kg.extract.names import _add_shapes, shape_candidates, word_starts
    from kg.extract.rules import NONE_OFF, NUMBER_PAIR

    rng = random.Random(31)
    pairs = ["CIFAR-10/100", "GPT-4/5", "x/1", "a/B", "ViT-B/16", "Top-1/5", "Llama-2/3.", "(RAF-DB/7)"]
    texts = _capital_texts(32) + _random_texts(33, 6000, "aZ9_-.+'/ \t(,", 24) \
        + [" ".join(rng.choice(pairs + ["FlowCut", "GPT-4o", "the", ",", "pre-Trained", "3D"]) for _ in range(6))
           for _ in range(800)]
    shapes = 0
    for text in texts:
        for off in (NONE_OFF, frozenset({SHAPE}), frozenset({NUMBER_PAIR})):
            for start, end in {(0, len(text)), (len(text) // 3, len(text)), (1, max(1, len(text) - 2))}:
                want: list[Candidate] = []
                for at, w in word_starts(text, start, end):
                    _add_shapes(want, at, w, off)
                assert shape_candidates(text, start, end, off) == want, (text, start, end, off)
                shapes += len(want)
    assert shapes > 5000


def test_eponyms_with_the_boundary_after_the_capital_are_those_with_it_before():
    from kg.extract.phrases import _EPONYM

    plain = re.compile(r"\b([A-Z][a-z]{1,20}(?:-[A-Z][a-z]{1,20})+)((?:\s[a-z][\w\-]{0,20}){1,3})")
    rng = random.Random(32)
    parts = ["Gauss", "-", "Newton", "Ab", "-Cd", "x", " method", " a", "\n", "é", "_", "9", "Hastings", "-eQ", "É",
             "Gauss-Newton", "Strang-Marchuk", " splitting", " scheme", "aGauss-Newton", " ", "-Xy"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 12))) for _ in range(8000)]
    found = 0
    for text in texts:
        for start in {0, len(text) // 2}:
            want = [(m.span(), m.groups()) for m in plain.finditer(text, start)]
            assert [(m.span(), m.groups()) for m in _EPONYM.finditer(text, start)] == want, text
            found += len(want)
    assert found > 300


def test_url_matches_are_those_of_the_pattern_ignoring_case():
    from kg.extract.links import _URL, url_matches

    rng = random.Random(33)
    words = ["GitHub.com/A/b", "github.COM/x", "HTTPS://X.org/y", "http://a", "WWW.A.io", "www.", "://", "/", "a/b",
             "HuggingFace.co/m", "gitlab.com", "bitbucket.org/q", "x", " ", "(", ")", "é", "K", "\u212a", "ｗｗｗ.", "\n"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 10))) for _ in range(8000)] \
        + _random_texts(34, 4000, "wW.:/hHtps gGiu(b)com", 20)
    found = 0
    for text in texts:
        want = [m.span() for m in _URL.finditer(text)]
        assert url_matches(text) == want, text
        found += len(want)
    assert found > 3000


def test_the_most_common_id_is_counters():
    from collections import Counter

    from kg.extract.assemble import most_common

    rng = random.Random(35)
    for _ in range(5000):
        values = [rng.choice("abcd") for _ in range(rng.randint(1, 6))]
        assert most_common(values) == Counter(values).most_common(1)[0][0], values


def test_the_memoised_never_entity_is_the_plain_one():
    from kg.extract.never import never_entity

    rng = random.Random(36)
    names = ["PetaFLOPs", "kHz", "8xA800", "NeurIPS 2024", "100K", "FlowCut", "RTX 3090", " A100 ", "x" * 40]
    names += ["".join(rng.choice("AHV1089xkHzKMB .") for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    for name in names + names:
        assert never_entity(name) == never_entity.__wrapped__(name), name


def test_first_new_name_cues_on_the_lower_case_are_those_ignoring_case():
    from kg.extract import triggers
    from kg.extract.rules import FIRST_NEW_NAME

    rng = random.Random(37)
    words = ["We", "we", "This article", "the present work", "Here", "here", "thus", "Therefore", "propose", "coin",
             "Is", "are", "WAS", "proposed", "Introduced", "presented", "in this", "In This", "here", "Our", "our",
             "the proposed", "The Resulting", "a novel", "x", "X", "9", "-", "é", "\u212a", "ſ", "\n", "ours", "awe"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 16))) for _ in range(6000)]
    assert triggers.contribution_in_lower_case(FIRST_NEW_NAME) is not None
    plain = triggers.contribution(FIRST_NEW_NAME)
    found = 0
    for text in texts:
        for start, end in {(0, len(text)), (len(text) // 4, len(text) // 2)}:
            want = [m.span() for m in plain.finditer(text, start, end)]
            got = triggers.contribution_cues(FIRST_NEW_NAME, text, start, end, text.lower())
            assert [m.span() for m in got] == want, text
            found += len(want)
    assert found > 5000


def test_a_window_without_a_list_cue_holds_no_list_head():
    from kg.extract.windows import _LIST_HEAD, may_head_list

    rng = random.Random(38)
    words = ["models", "(", ":", "such as", "such  as", "including", "like", "e.g.,", "e.g", "namely", "i.e.", "and",
             "or", ",", ".", ";", ")", "X", "datasets", "\n", "-", "é", "Such As", "LIKE"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 10))) for _ in range(20_000)]
    skipped = matched = 0
    for text in texts:
        if _LIST_HEAD.search(text):
            matched += 1
            assert may_head_list(text), text
        skipped += not may_head_list(text)
    assert matched > 1000 and skipped > 1000
