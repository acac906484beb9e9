"""Known names written another way win over a shorter known name written exactly inside them."""

import pytest

from kg.extract import extract_entities, extract_text
from kg.extract.known import split_coinage
from kg.extract.lexicon import gazetteer
from kg.extract.variants import Variants, variant_keys, variant_spans
from kg.records import Paper
from kg.settings import Settings


def _known(nlp, text: str) -> list[tuple[str, str | None]]:
    pe = next(iter(extract_entities([Paper(id="x", title="", abstract=text)], nlp, Settings())))
    return [(m.name, m.kb_id) for m in pe.entities]


@pytest.mark.parametrize(("text", "kb_id"), [
    ("We ask Gemini-1.5 Pro twice.", "gemini-1.5-pro"),      # "Gemini-1.5" is a known name too
    ("We ask Claude-3-5 Sonnet twice.", "claude-3.5-sonnet"),  # "Claude-3-5" is none
    ("We ask Gemini 1.5-Pro twice.", "gemini-1.5-pro"),
])
def test_the_longer_known_name_is_found(nlp, text: str, kb_id: str) -> None:
    assert [k for _, k in _known(nlp, text)] == [kb_id]


@pytest.mark.parametrize(("text", "found"), [
    # a size of a model family is that variant, not the family (Mamba listed it among its names)
    ("We scale Mamba-370M up.", ("Mamba-370M", "mamba-370m", "mamba")),
    ("We tune Qwen2-VL-7B twice.", ("Qwen2-VL-7B", "qwen2-vl-7b", "qwen2-vl")),
    ("Results on UCF-101 hold.", ("UCF101", "ucf101", None)),   # one entry, not two
    ("Results on UCF101 hold.", ("UCF101", "ucf101", None)),
])
def test_a_variant_known_by_its_own_name_is_that_variant(nlp, text: str, found: tuple) -> None:
    pe = next(iter(extract_entities([Paper(id="x", title="", abstract=text)], nlp, Settings())))
    assert [(m.name, m.kb_id, m.parent) for m in pe.entities] == [found]


@pytest.mark.parametrize(("text", "kb_ids"), [
    ("Fast speech synthesis for everyone.", []),  # "Fast Speech" is FastSpeech split: English in lower case
    ("We train FastSpeech and Fast Speech.", ["fastspeech"]),  # with its capitals it is the model
    ("We use Flash attention here.", ["flashattention"]),  # written small in the gazetteer: any case
    ("We add masked image modeling to it.", ["mim"]),  # no coined name split: any case
])
def test_a_coined_name_split_into_capitalised_words_matches_only_with_its_capitals(
        nlp, text: str, kb_ids: list[str]) -> None:
    assert sorted({k for _, k in _known(nlp, text)}) == kb_ids


@pytest.mark.parametrize(("name", "split"), [
    ("Fast Speech", True), ("Natural Questions", True), ("flash attention", False),
    ("Tiny ImageNet", False), ("FastSpeech", False), ("Masked Image Modeling", False),
])
def test_split_coinage(name: str, split: bool) -> None:
    others = ("FastSpeech", "NaturalQuestions", "FlashAttention", "TinyImageNet", "MIM")
    assert split_coinage(name, (name, *others)) is split


@pytest.fixture(scope="module")
def variants() -> Variants:
    return Variants(variant_keys(gazetteer()))


def test_a_taken_span_inside_a_longer_variant_does_not_block_it(variants: Variants) -> None:
    text = "We ask Gemini-1.5 Pro twice."
    inner = (text.index("Gemini"), text.index(" Pro"))
    assert variant_spans(text, variants, [inner]) == [(inner[0], text.index(" twice"), "gemini-1.5-pro")]


def test_a_taken_span_the_variant_only_overlaps_or_equals_still_blocks_it(variants: Variants) -> None:
    text = "We ask Gemini-1.5 Pro twice."
    start, end = text.index("Gemini"), text.index(" twice")
    assert variant_spans(text, variants, [(start + 7, end + 3)]) == []   # "5 Pro tw"
    assert variant_spans(text, variants, [(start, end)]) == []           # the same span
    non_ascii = "Wir fragen Gemini-1.5 Pro zweimal, höflich."
    s = non_ascii.index("Gemini")
    found = variant_spans(non_ascii, variants, [(s, non_ascii.index(" Pro"))])
    assert [k for _, _, k in found] == ["gemini-1.5-pro"]


def test_the_mentions_of_one_sentence_share_its_string(nlp) -> None:
    text = "We compare FooNet-7B with BarNet-13B on ImageNet."
    pe = next(iter(extract_entities([Paper(id="x", title="", abstract=text)], nlp, Settings())))
    contexts = [e.text for m in pe.entities for e in m.evidence]
    assert len(contexts) >= 2 and all(c is contexts[0] for c in contexts)


def test_a_variant_holds_no_bracket_it_does_not_close(nlp) -> None:
    # "AlpacaEval 2.0 LC" is an alias: written "(LC)" after the name, the bracket is no part of it
    r = extract_text("Our win rate on AlpacaEval 2.0 (LC) rises, and on AlpacaEval 2.0-LC too.", nlp)
    spellings = [s for m in r.entities for s in (m.name, *m.aliases, *(e.surface for e in m.evidence))]
    assert "AlpacaEval 2.0" in spellings and "AlpacaEval 2.0-LC" in spellings
    assert not any("(" in s for s in spellings), spellings
