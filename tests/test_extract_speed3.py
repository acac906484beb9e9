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


def _reference_found(rule, start, end, text, **kw):
    """found() as it was: the dataclass's own __init__."""
    from kg.extract.candidate import Candidate

    kw.setdefault("confidence", rule.confidence)
    if rule.proposes:
        kw.setdefault("role", "proposed")
    if rule.evidence:
        kw.setdefault("typed_by", rule)
    return Candidate(start, end, text, rule, **kw)


def test_found_makes_the_record_the_dataclass_makes_for_every_rule():
    from kg.extract.candidate import found
    from kg.extract.rules import RULES

    rng = random.Random(56)
    values = {"type": ["model", "dataset", None], "kb_id": ["k1", None], "parent": ["p", None],
              "role": ["used", "proposed"], "confidence": [0.1, 0.9, None], "long_form": ["Long Form", None],
              "typed_by": [None, *RULES[:3]], "written": [(0, 3), None]}
    for _ in range(4):
        for rule in RULES:
            kw = {k: rng.choice(v) for k, v in values.items() if rng.random() < 0.4}
            got, want = found(rule, 3, 9, "FlowCut", **kw), _reference_found(rule, 3, 9, "FlowCut", **dict(kw))
            assert got == want and list(vars(got)) == list(vars(want)), (rule.name, kw)
            assert hash(got) == hash(want)
            with pytest.raises(AttributeError):
                got.text = "x"  # frozen, as made by the dataclass
    for bad in ({"start": 1}, {"nope": 1}, {"found_by": RULES[0]}):
        with pytest.raises(TypeError):
            found(RULES[0], 0, 1, "x", **bad)


def test_filter_matches_keeps_what_filter_spans_keeps_of_their_spans(nlp):
    from spacy.util import filter_spans

    from kg.extract.known import filter_matches

    rng = random.Random(57)
    doc = nlp.make_doc(" ".join(["w"] * 40))
    for _ in range(3000):
        matches = []
        for _ in range(rng.randint(0, 12)):
            s = rng.randrange(40)
            matches.append((rng.choice((11, 22, 33)), s, min(40, s + rng.randint(1, 5))))
        matches += rng.sample(matches, min(len(matches), rng.randint(0, 3)))  # the same span twice
        labelled = [(doc[s:e], m) for m, s, e in matches]
        for sp, m in labelled:
            sp.label = m
        want = [(sp.label, sp.start, sp.end) for sp in filter_spans([sp for sp, _ in labelled])]
        assert filter_matches(matches) == want, matches


def _reference_known(component, doc, off):
    """kg_known as it was (main at 0f7ad7e): a Span a match, spaCy's filter_spans."""
    from spacy.util import filter_spans

    from kg.extract.candidate import candidates, doc_text, found
    from kg.extract.known import _extension, _inside_longer_word
    from kg.extract.rules import (
        GAZETTEER,
        GAZETTEER_AMBIGUOUS,
        GAZETTEER_LOWERCASE,
        KNOWN_GLUED,
        KNOWN_PART,
        KNOWN_VARIANT,
    )
    from kg.extract.variants import variant_spans

    strings = doc.vocab.strings
    spans = []
    # (the lower-case matcher held the spelled-out names then: known-spelled-out keeps them apart)
    matchers = [m for m, rule in ((component.exact, GAZETTEER), (component.lower, GAZETTEER_LOWERCASE),
                                  (component.spelled, GAZETTEER_LOWERCASE)) if rule not in off]
    for matcher in matchers:
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            span.label_ = strings[match_id]
            spans.append(span)
    out = candidates(doc)
    text = doc_text(doc)
    for span in filter_spans(spans):
        e = component.entries[span.label_]
        if KNOWN_GLUED not in off and _inside_longer_word(text, span.start_char, span.end_char):
            continue
        ambiguous = e.ambiguous and GAZETTEER_AMBIGUOUS not in off
        if ambiguous and (span.start == 0 or span[0].is_sent_start):
            continue
        ext = (_extension(text, span.end_char)
               if e.type == "dataset" and not e.ambiguous and KNOWN_PART not in off else "")
        if ext:
            end = span.end_char + len(ext)
            out.append(found(KNOWN_PART, span.start_char, end, text[span.start_char:end],
                             type="dataset", parent=e.id))
            continue
        out.append(found(GAZETTEER_AMBIGUOUS if ambiguous else GAZETTEER, span.start_char,
                         span.end_char, span.text, type=e.type, kb_id=e.id, parent=e.parent))
    if KNOWN_VARIANT not in off:
        taken = [(s.start_char, s.end_char) for s in spans]
        for start, end, kid in variant_spans(text, component.variants, taken):
            e = component.entries[kid]
            out.append(found(KNOWN_VARIANT, start, end, text[start:end], type=e.type, kb_id=e.id,
                             parent=e.parent))
    return doc


def _known_texts(seed: int, n: int) -> list[str]:
    """Texts dense in known names and their neighbours: names of the gazetteer (ambiguous ones
    too) in any case, glued to words, digits and hyphens, at sentence starts, before dataset parts."""
    from kg.extract.lexicon import gazetteer

    rng = random.Random(seed)
    names = sorted({x for e in gazetteer().values() for x in e.names})
    glue = [" ", " ", " ", "-", "-7B ", ". ", ". The ", ", ", " (", ") ", "/", " Relation ", "\n\n", "1 "]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 8)):
            name = rng.choice(names)
            parts.append(rng.choice((name, name, name.lower(), name.upper())))
            parts.append(rng.choice(glue))
        out.append("".join(parts))
    return out


_KNOWN_RULES = ["gazetteer", "gazetteer-lowercase", "gazetteer-ambiguous", "known-glued", "known-part",
                "known-variant"]


@pytest.mark.parametrize("off", [None, *_KNOWN_RULES])
def test_known_names_without_spans_are_those_found_with_spans(nlp, off):
    from kg.extract.candidate import set_ext
    from kg.extract.rules import rule

    # the reference is kg_known before known-successor, known-sized, known-prefixed,
    # known-spelled-out and known-defined-otherwise: those are off on both sides
    later = {rule("known-successor"), rule("known-sized"), rule("known-prefixed"), rule("known-spelled-out"),
             rule("known-defined-otherwise")}
    off_rules = frozenset({rule(off)} if off else set()) | later
    component = nlp.get_pipe("kg_known")
    texts = TEXTS + SEED_TEXTS + _known_texts(58, 3000)
    several = 0
    for doc in nlp.pipe(texts, disable=["kg_known", "kg_candidates", "kg_typing", "kg_roles"]):
        set_ext(doc, "kg_candidates", None)
        want = list(get_ext(_reference_known(component, doc, off_rules), "kg_candidates"))
        set_ext(doc, "kg_candidates", None)
        got = get_ext(component(doc, off_rules), "kg_candidates")
        assert got == want, doc.text
        several += len(got) > 2
    assert several > 1000


def _window_texts(seed: int, n: int, words: list[str]) -> list[str]:
    """Random runs of cue words, head words, names, commas, brackets and spaces of any kind."""
    rng = random.Random(seed)
    pieces = words + ["X", "GSM8K", "data-set", "two", "methods", "state-of-the-art", ",", ", ", " , ", "(", ")",
                      ":", ".", "-", "_x", "é", "\u00a0", "\t", "\n", "  ", " ", " ", " ", " ", "ON", "The"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(n)]


def _seed_windows(size: int) -> list[str]:
    """The text before each word of the seeds, as the typer cuts it before a candidate."""
    out = []
    for text in SEED_TEXTS[:150]:
        starts = [i for i in range(1, len(text)) if text[i - 1] == " "]
        out += [text[max(0, i - size): i] for i in starts]
    return out


def test_list_heads_searched_from_the_first_cue_are_the_plain_search():
    from kg.extract.windows import _LIST_HEAD, list_head

    cues = ["such as", "including", "like", "e.g.", "e.g.,", "namely", "i.e.", "(", ":", "and", "or", "likely"]
    texts = _seed_windows(120) + _window_texts(59, 30_000, cues)
    found = 0
    for before in texts:
        want, got = _LIST_HEAD.search(before), list_head(before)
        assert (got and (got.span(), got.group(1))) == (want and (want.span(), want.group(1))), repr(before)
        found += want is not None
    assert found > 3000


def test_dataset_cues_searched_in_the_last_runs_are_the_plain_search():
    from kg.extract.windows import _DATASET_BEFORE, dataset_before

    cues = ["on", "across", "over", "the", "challenging", "widely used", "widely-used", "large-scale",
            "datasets", "Benchmark", "corpus", "CORPORA", "such as", "like", "including", "and", "ſ"]
    rng = random.Random(62)
    spaces = [" ", " ", "  ", "\t", "\n", "\u00a0"]

    def ws():
        return rng.choice(spaces)

    def case(w):
        return rng.choice((w, w, w.upper(), w.title()))

    built = []
    for prefix in _window_texts(63, 6000, cues):
        if rng.random() < 0.5:  # the first branch: "on the widely used "
            tail = case(rng.choice(["on", "across", "over"])) + ws()
            tail += (case("the") + ws()) if rng.random() < 0.6 else ""
            tail += (case(rng.choice(["challenging", "widely used", "widely-used", "public"])) + ws()) \
                if rng.random() < 0.6 else ""
        else:  # the second: "benchmarks such as A, B, and "
            tail = case(rng.choice(["dataset", "datasets", "benchmark", "corpora", "corpus", "corpuſ", "datasetſ"]))
            tail += ws() + rng.choice([",", "such as", "like", "including", ":", "("]) + ws()
            tail += "".join(rng.choice(["A", "GSM8K", "x.y", "a-b"]) + rng.choice([",", " ,", ", "]) + ws()
                            for _ in range(rng.randint(0, 4)))
            tail += (case("and") + ws()) if rng.random() < 0.5 else ""
        built.append(prefix + " " + tail + rng.choice(["", "", "x", ","]))
    texts = _seed_windows(80) + _window_texts(60, 30_000, cues) + built
    found = 0
    for before in texts:
        want = _DATASET_BEFORE.search(before) is not None
        assert dataset_before(before) == want, repr(before)
        found += want
    assert found > 4000


def test_the_last_runs_begin_where_the_plain_split_says():
    from kg.extract.windows import last_runs

    for text in _window_texts(61, 5000, ["a", "bc"]):
        for n in range(1, 6):
            at = last_runs(text, n)
            assert len(text[at:].split()) <= n and (at == 0 or len(text[at - 1:].split()) > n), (text, n)
            assert at == 0 or not text[at - 1].isspace() and text[at:at + 1].isspace()


def _list_texts(seed: int, n: int) -> list[str]:
    """Texts of capitalised words of every length up to past the item's bound, digits, points,
    joined by commas, "and", "or", "the" and spaces of any kind."""
    rng = random.Random(seed)

    def word():
        first = rng.choice("ABCXZ0aé")
        return first + "".join(rng.choice("abcXY09-.+_") for _ in range(rng.randint(0, 45)))

    seps = [",", ", ", " , ", " and ", " or ", ", and ", ",\tor ", " the ", " ", " ", "\n", "  and\u00a0", "-",
            ".", "sand ", "or", "and the ", ",the "]
    return ["".join(word() + rng.choice(seps) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def _long_item_lists(seed: int, n: int) -> list[str]:
    """Lists whose first item is as long as an item can be, or nearly, before each kind of
    separator with spaces of any kind before it: the bound of the scan's start is exact."""
    rng = random.Random(seed)

    def part(first):
        return first + "".join(rng.choice("abXY09_-.+") for _ in range(rng.randint(38, 40))) + rng.choice("aZ9+")

    out = []
    for _ in range(n):
        item = " ".join(part(rng.choice("ABZ" if i == 0 else "AZ09")) for i in range(rng.randint(1, 3)))
        space = rng.choice(["", " ", "  ", "\t", "\n ", "\u00a0"])
        sep = rng.choice([",", ", ", ",\t", " and ", " or ", "\tand  ", "\nor ", ", and ", ",or "])
        the = rng.choice(["", "the ", "the\t"])
        out.append(rng.choice(["", "x ", "We use ", "(", "a, b "]) + item + space + sep + the + "Foo Bar" + rng.choice(["", ".", " x"]))
    return out


def test_lists_scanned_from_the_first_separator_are_the_plain_scan():
    from kg.extract.phrases import _LIST, list_matches

    found = 0
    for text in TEXTS + SEED_TEXTS + _list_texts(64, 20_000) + _long_item_lists(65, 5000):
        for start in (0, len(text) // 3):
            want = [m.span() for m in _LIST.finditer(text, start)]
            assert [m.span() for m in list_matches(text, start)] == want, (text, start)
            found += bool(want)
    assert found > 5000


def _reference_shapes(text, start, end, off):
    """shape_candidates as it was: the shapes of word_starts' words, one list after another."""
    from kg.extract.candidate import found
    from kg.extract.names import word_shapes, word_starts

    out = []
    for at, w in word_starts(text, start, end):
        for rule, s, e, name, written in word_shapes(w, off):
            kw = {} if written is None else {"written": (at + written[0], at + written[1])}
            out.append(found(rule, at + s, at + e, name, **kw))
    return out


def test_name_shapes_in_one_pass_over_the_capitals_are_those_of_the_word_starts():
    from kg.extract.names import shape_candidates
    from kg.extract.rules import CAPS_KIND, NUMBER_PAIR

    rng = random.Random(66)
    words = ["CIFAR-10/100", "GPT-4o", "FlowCut", "We", "the", "ViT-B/16", "A100", "x-1/2", "Mamba-3B.", "(", ".",
             "7B", "LLMs", "a/b", "Net-10/20.", "non-Transformer", "mT5", "é", "-", "'s", "ImageNet-1k,", "x.Y"]
    texts = TEXTS + SEED_TEXTS + [rng.choice(["", " "]).join(rng.choice(words) for _ in range(rng.randint(0, 15)))
                                  for _ in range(4000)] + _random_texts(67, 4000, "aA9-/. _+'é", 16)
    found = 0
    for off in (frozenset({CAPS_KIND}), frozenset({NUMBER_PAIR, CAPS_KIND})):  # the words' shapes alone
        for text in texts:
            start = rng.randint(0, len(text))
            for s, e in ((0, len(text)), (start, len(text)), (start, rng.randint(start, len(text)))):
                want = _reference_shapes(text, s, e, off)
                assert shape_candidates(text, s, e, off) == want, (text, s, e)
                found += len(want)
    assert found > 10_000


def test_prior_work_on_the_lower_case_is_the_search_ignoring_case():
    from kg.extract import triggers

    assert triggers.prior_work_in_lower_case() is not None  # the shipped words: the fast path is taken
    rng = random.Random(68)
    words = ["Existing", "previous", "PRIOR", "Such As", "e.g.", "E.G.", "including", "Compared To", "outperforms",
             "Outperformed", "state-of-the-art", "State-Of-The-Art", "has been", "WERE", "than", "thank", "preexisting",
             "x", "X", "9", "-", "_", "é", "\u212a", "ſ", "\n", "based on", "based", "on", "e.g", "was", "ſuch as",
             "baſed on", "\u212aNOWN AS"]
    texts = SEED_TEXTS + [rng.choice([" ", "", "  "]).join(rng.choice(words) for _ in range(rng.randint(0, 12)))
                          for _ in range(20_000)]
    found = 0
    for text in texts:
        want = triggers.prior_work().search(text) is not None
        assert triggers.about_prior_work(text) == want, text
        assert triggers.about_prior_work(text, text.lower()) == want, text
        found += want
    assert found > 10_000


def _reference_own_acronyms(cands, text, sents, off):
    """_own_acronyms as it was: prior_work() ignoring case on each sentence (and, as the rules
    are now, a lower-case definition left to the cue rules)."""
    from kg.extract import triggers
    from kg.extract.candidate import sentence_at
    from kg.extract.roles import _proposed
    from kg.extract.rules import ACRONYM_LOWERCASE, OWN_ACRONYM, PRIOR_WORK, Found, Typed

    for i, c in enumerate(cands):
        if c.role == "proposed" or c.source != Found.ACRONYM or c.kb_id \
                or c.type_source in (Typed.GAZETTEER, Typed.FAMILY) or c.found_by == ACRONYM_LOWERCASE:
            continue
        start, end = sentence_at(sents, c.start)
        if PRIOR_WORK in off or not triggers.prior_work().search(text[start:end]):
            cands[i] = _proposed(c, OWN_ACRONYM)


def test_own_acronyms_read_from_the_docs_lower_case_are_those_ignoring_case(nlp):
    """Also when a character before changes length in lower case ("İ"): then the text's
    own sentences are read, not the lower case's offsets."""
    from kg.extract.candidate import doc_lower, doc_text, sentence_spans
    from kg.extract.roles import _own_acronyms

    rng = random.Random(69)
    sentences = ["We propose Zorblax Quantum Fusion (ZQF).", "Existing work uses Flimmer Token Routing (FTR).",
                 "Unlike previous methods, Quibble Residual Learning (QRL) is new.", "It beats Vexor Models (VMs).",
                 "Compared with Sparse Glorp Attention (SGA), ours wins.", "Our Token Zapping (ToZa) is fast."]
    texts = [rng.choice(["", "İİİİ ", "İ" * 60 + " ", "Título: ", "\u212aelvin. "])
             + " ".join(rng.sample(sentences, rng.randint(1, 6)))
             for _ in range(400)] + SEED_TEXTS
    proposed = 0
    for doc in nlp.pipe(texts, disable=["kg_roles"]):
        text, sents = doc_text(doc), sentence_spans(doc)
        assert doc_lower(doc) == text.lower()
        cands = list(get_ext(doc, "kg_candidates"))
        want = list(cands)
        _reference_own_acronyms(want, text, sents, frozenset())
        _own_acronyms(cands, text, sents, frozenset(), doc_lower(doc))
        assert cands == want, text
        proposed += sum(c.role == "proposed" for c in cands)
    assert proposed > 300


def test_url_matches_from_the_first_literal_are_the_scan_ignoring_case():
    from kg.extract.links import _URL, may_hold_links, url_matches

    rng = random.Random(70)
    pieces = ["https://", "http://", "HTTPS://", "ftp://", "://", "www.", "WWW.", "github.com/", "GitHub.com/",
              "huggingface.co/", "x", "a/b", "é", " ", " ", "(", ")", ".", "io", "s", "h", "ſ", "\u212a"]
    texts = TEXTS + SEED_TEXTS + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
                                  for _ in range(20_000)]
    found = 0
    for text in texts:
        want = [m.span() for m in _URL.finditer(text)]
        assert url_matches(text) == want, text
        assert url_matches(text, text.lower()) == want, text
        assert may_hold_links(text, text.lower()) or not want, text
        found += len(want)
    assert found > 10_000


def test_naming_cues_on_the_lower_case_are_those_ignoring_case():
    from kg.extract import triggers

    assert triggers._naming_in_lower_case() is not None  # the shipped words: the fast path is taken
    rng = random.Random(71)
    words = ["named", "Named", "CALLED", "denoted as", "Denoted", "dubbed", "termed", "coined", "namely", "renamed",
             "the", "The", "\u201cX", "'x", "\"Y", "x", "ſ", "\u212a", "é", "\n", "-", "called\t", "namedX"]
    texts = SEED_TEXTS + [rng.choice([" ", "", "  "]).join(rng.choice(words) for _ in range(rng.randint(0, 12)))
                          for _ in range(20_000)]
    found = 0
    for text in texts:
        for start, end in {(0, len(text)), (len(text) // 4, len(text) // 2)}:
            want = [m.span() for m in triggers.naming().finditer(text, start, end)]
            assert [m.span() for m in triggers.naming_cues(text, start, end)] == want, text
            assert [m.span() for m in triggers.naming_cues(text, start, end, text.lower())] == want, text
            found += len(want)
    assert found > 10_000


def test_direct_object_cues_on_the_lower_case_are_those_ignoring_case():
    from kg.extract import triggers

    assert triggers.before_direct_object_in_lower_case() is not None
    rng = random.Random(72)
    words = ["We", "we", "WE", "This Paper", "this work", "propose", "Proposes", "PRESENTED", "introduced", "a",
             "An", "the", "our", "new", "Novel", "simple", "first", "x", "awe", "ſ", "\u212a", "é", "\n"]
    texts = [rng.choice([" ", "", "  "]).join(rng.choice(words) for _ in range(rng.randint(0, 8)))
             + rng.choice(["", " ", "\t"]) for _ in range(30_000)]
    found = 0
    for text in texts:
        want = triggers.before_direct_object().search(text) is not None
        assert triggers.ends_in_direct_object_cue(text) == want, text
        assert triggers.ends_in_direct_object_cue(text, text.lower()) == want, text
        found += want
    assert found > 300


def test_names_right_after_the_verb_from_the_docs_lower_case_are_those_ignoring_case(nlp):
    from kg.extract import triggers
    from kg.extract.candidate import doc_lower, doc_text
    from kg.extract.roles import _named_directly, _proposed
    from kg.extract.rules import DIRECT_OBJECT, TITLE_IS_NAME

    def reference(cands, text):  # the direct-object part of _named_directly as it was
        for i, c in enumerate(cands):
            if c.role != "proposed" and triggers.before_direct_object().search(text[max(0, c.start - 60): c.start]):
                cands[i] = _proposed(c, DIRECT_OBJECT)

    rng = random.Random(73)
    sentences = ["We present a new Zorblax.", "This work introduces FlimmerNet for x.", "They use Quibble-7B.",
                 "We propose the simple GlorpFormer.", "Results on VexBench are good."]
    texts = [rng.choice(["", "İ" * 60 + " ", "Título: "]) + " ".join(rng.sample(sentences, rng.randint(1, 5)))
             for _ in range(300)] + SEED_TEXTS
    proposed = 0
    for doc in nlp.pipe(texts, disable=["kg_roles"]):
        text = doc_text(doc)
        cands = list(get_ext(doc, "kg_candidates"))
        want = list(cands)
        reference(want, text)
        _named_directly(cands, text, 0, frozenset({TITLE_IS_NAME}), doc_lower(doc))
        assert cands == want, text
        proposed += sum(c.role == "proposed" for c in cands)
    assert proposed > 300


def test_a_pattern_whose_characters_have_a_case_beyond_ascii_is_not_matched_on_the_lower_case():
    import re

    from kg.extract.triggers import _grouped_in_lower_case

    for rest in ("\u212a", "ſ", "[\u212a]", "X", "é"):  # "\u212a" and "ſ" match "k" and "s" ignoring case
        assert _grouped_in_lower_case(["name"], rest) is None, rest
    assert _grouped_in_lower_case(["Name"], "") is None and _grouped_in_lower_case(["-x"], "") is None
    quoted = _grouped_in_lower_case(["named", "nam"], r"\s+[\"“]?")
    assert quoted is not None
    plain = re.compile(r"\b(?:named|nam)\s+[\"“]?", re.IGNORECASE)
    for text in ("Named “X", "renamed x", "NAM \"y", "nam", "a named  “", "Naming x"):
        assert [m.span() for m in quoted.finditer(text.lower())] == [m.span() for m in plain.finditer(text)]


def test_capitalised_phrases_with_possessive_words_are_those_of_the_pattern_before():
    import re

    from kg.extract.phrases import _CAP_PHRASE

    before = re.compile(  # main at 0f7ad7e
        r"((?:[A-Z](?<![\w\-].)[\w\-']{0,40})(?:\s+(?:(?:and|of|for|in|with|to|&)\s+)?(?:[A-Z][\w\-']{0,40}"
        r"|\d[\w\.]{0,10})){1,8})(?![\w\-'])")
    rng = random.Random(74)

    def word():
        first = rng.choice("ABZ19ax-")
        return first + "".join(rng.choice("ab'-_.9Z") for _ in range(rng.choice((0, 1, 3, 8, 39, 40, 41, 45))))

    joins = [" ", " ", "  ", "\t", " and ", " of ", " & ", "-", ".", "'", ", ", "\n"]
    texts = TEXTS + SEED_TEXTS + ["".join(word() + rng.choice(joins) for _ in range(rng.randint(0, 10)))
                                  for _ in range(30_000)]
    found = 0
    for text in texts:
        want = [m.span(1) for m in before.finditer(text)]
        assert [m.span(1) for m in _CAP_PHRASE.finditer(text)] == want, text
        found += len(want)
    assert found > 10_000


def _reference_resolve_overlaps(cands, blocked, off):
    """assemble._resolve_overlaps as it was (main at 0f7ad7e)."""
    from kg.extract.rules import SAME_SPAN, STRONG_FIRST, STRONG_PRIORITY

    strong_first = STRONG_FIRST not in off

    def rank(c):
        strong = strong_first and c.found_by.priority >= STRONG_PRIORITY
        return (-int(strong), -(c.end - c.start), -c.found_by.priority)

    order = sorted(cands, key=lambda c: (*rank(c), c.start))
    taken = list(blocked)
    kept = []
    for c in order:
        if c.end <= c.start:
            continue
        clash = next(((s, e) for s, e in taken if c.start < e and s < c.end), None)
        if clash is None:
            kept.append(c)
            taken.append((c.start, c.end))
        elif (clash[0], clash[1]) == (c.start, c.end) and kept and SAME_SPAN not in off:
            for i, k in enumerate(kept):
                if (k.start, k.end) == (c.start, c.end):
                    kept[i] = k.with_(long_form=k.long_form or c.long_form,
                                      role="proposed" if "proposed" in (k.role, c.role) else k.role)
    return sorted(kept, key=lambda c: c.start)


def test_overlaps_resolved_are_those_of_the_code_before():
    import importlib

    from kg.extract.candidate import found
    from kg.extract.rules import RULES, SAME_SPAN, STRONG_FIRST

    assemble = importlib.import_module("kg.extract.assemble")
    finders = [r for r in RULES if r.source]
    rng = random.Random(75)
    several = 0
    for _ in range(6000):
        cands = []
        for _ in range(rng.randint(0, 10)):
            s = rng.randint(0, 30)
            cands.append(found(rng.choice(finders), s, s + rng.randint(-1, 8), "x",
                               long_form=rng.choice([None, "Long Form"]), role=rng.choice(["used", "proposed"])))
        cands += rng.sample(cands, min(len(cands), rng.randint(0, 2)))  # the same candidate twice
        blocked = [(s, s + rng.randint(1, 6)) for s in rng.sample(range(30), rng.randint(0, 2))]
        off = frozenset(rng.sample([STRONG_FIRST, SAME_SPAN], rng.randint(0, 2)))
        want = _reference_resolve_overlaps(list(cands), list(blocked), off)
        assert assemble._resolve_overlaps(list(cands), list(blocked), off) == want
        several += len(want) > 2
    assert several > 1000
