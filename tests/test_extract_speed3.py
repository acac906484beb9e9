"""The fast paths of the third speed pass give what the code before them gave.

As in tests/test_extract_speed.py and tests/test_extract_speed2.py: the code as it was is
written out here (the oracle) and compared with the fast path on texts written for the test,
on random strings of the characters that matter and on the seeds. Speed itself is in bench/.
"""

import random

import numpy
import pytest
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH, SENT_START
from test_extract_speed import SEED_TEXTS, TEXTS, _random_texts

from kg.extract import build_nlp
from kg.extract.candidate import get_ext, spans_of_sentences
from kg.settings import Settings

# sentence-final characters (ASCII and not), other punctuation, spaces and line breaks
_SENT_ASCII = "ab A.!?;,\n\t)(-'\"0 "
_SENT_ALL = _SENT_ASCII + "”…。¿‼\u2028"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(Settings())


def _reference_breaks(component, doc) -> tuple[list[int], list[tuple[int, int]]]:
    """kg_sentences as it was (main at 0f7ad7e): SENT_START and the sentence spans from the
    arrays of every token, the sentencizer's rule as numpy passes over all of them."""
    from kg.extract.sentences import paragraph_breaks

    arr = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH, SENT_START])
    breaks = paragraph_breaks(get_ext(doc, "kg_text") or doc.text, arr[:, 2].tolist())
    sent_start = arr[:, 4].astype(numpy.int64)
    sent_start[sent_start > 1] = -1
    unset = sent_start == 0
    starts = component._punctuation_starts(arr[:, 0], arr[:, 1])
    sent_start[unset] = numpy.where(starts[unset], 1, -1)
    sent_start[breaks] = 1
    return sent_start.astype(numpy.uint64).tolist(), spans_of_sentences(arr[:, 2], arr[:, 3], sent_start)


def _preset(doc, rng: random.Random) -> None:
    """Some tokens' sentence starts set before kg_sentences, as a component before it may."""
    for i in rng.sample(range(len(doc)), rng.randint(0, len(doc))):
        doc[i].is_sent_start = rng.choice((True, False, None))


@pytest.mark.parametrize("preset", [False, True])
def test_sentence_starts_and_spans_are_those_of_the_arrays_of_every_token(nlp, preset):
    component = nlp.get_pipe("kg_sentences")
    assert component.finals_are_punct  # spaCy's vocabulary: the fast path is the one tested
    rng = random.Random(51)
    fixed = ["a", ".", "a.", ".a", "a. b", "a.\n\nb", "...", "a...b. c", "3.5 x. Y!", "a ?! b", "e.g. x. y",
             "A.\u2028B", "x。y", "a .", "a . ", "  a. b  ", "\n\na. b"]
    texts = fixed + TEXTS + SEED_TEXTS + _random_texts(52, 6000, _SENT_ASCII, 40) \
        + _random_texts(53, 6000, _SENT_ALL, 40)
    seen_presets = several = 0
    for text in texts:
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        if preset:
            _preset(doc, rng)
            seen_presets += doc.to_array(SENT_START)[1:].any()
        want = _reference_breaks(component, doc)
        component(doc)
        assert (doc.to_array(SENT_START).tolist(), get_ext(doc, "kg_sents")) == want, repr(text)
        several += len(want[1]) > 1
    assert several > 4000
    assert not preset or seen_presets > 4000  # the path for starts set before is taken


def test_sentence_spans_from_the_last_tokens_are_those_of_the_length_array(nlp):
    from kg.extract.sentences import sentence_spans_at

    rng = random.Random(54)
    for text in TEXTS + _random_texts(55, 3000, _SENT_ALL, 30):
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        starts = sorted(rng.sample(range(len(doc)), rng.randint(0, len(doc))))
        flags = numpy.zeros(len(doc), dtype=numpy.int64)
        flags[starts] = 1
        arr = doc.to_array([IDX, LENGTH])
        want = spans_of_sentences(arr[:, 0], arr[:, 1], flags)
        assert sentence_spans_at(doc, arr[:, 0].tolist(), starts) == want, repr(text)
