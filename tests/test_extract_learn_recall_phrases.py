"""The learned decider's lower-case technique phrases: where one starts and ends (texts written
for the tests). A verb, an adverb or a naming word before the phrase is not part of it, an -ing
preposition ends none, and a kind word after it ("approach") is not part of the technique."""

from kg.extract.learn.recall import recall_candidates


def _phrases(text: str) -> list[str]:
    return [c.text for c in recall_candidates(text, 0, {0}) if c.found_by.name == "recall-phrase"]


def test_a_naming_verb_is_not_part_of_the_phrase() -> None:
    assert _phrases("The loss equals a compression method called sequential hashing, which") == \
        ["compression method", "sequential hashing"]


def test_an_adverb_is_not_part_of_the_phrase() -> None:
    assert _phrases("We compare two variants, namely gated concatenation and more.") == ["gated concatenation"]
    assert _phrases("It is thereby pruning less.") == []


def test_early_is_no_adverb() -> None:
    assert _phrases("They rely on early stopping for it.") == ["early stopping"]


def test_a_kind_word_after_the_technique_is_cut() -> None:
    assert _phrases("and (iii) a randomized mixing approach that works") == ["randomized mixing"]
    assert _phrases("a novel strategy for it") == []  # one word left: nothing


def test_an_ing_preposition_ends_no_phrase() -> None:
    assert _phrases("accuracy is kept while maintaining speed") == []
    assert _phrases("gains obtained by using dropout") == []


def test_each_span_once() -> None:
    spans = [(c.start, c.end) for c in recall_candidates("a cyclic blending approach here", 0, {0})]
    assert len(spans) == len(set(spans))


def test_a_sentence_opening_word_starts_the_phrase() -> None:
    text = "Context windows grow. Sequence sharding splits long inputs. Continuous batching helps."
    starts = {0, text.index("Sequence"), text.index("Continuous")}
    assert _phrases_at(text, starts) == ["Sequence sharding", "Continuous batching"]


def test_a_stop_word_opening_the_sentence_is_no_part() -> None:
    text = "It works. This pruning helps. We use mixing."
    assert _phrases_at(text, {0, text.index("This"), text.index("We")}) == []


def test_a_capitalised_word_inside_a_sentence_is_no_opener() -> None:
    assert _phrases_at("the Sequence sharding of it", {0}) == []


def _phrases_at(text: str, starts: set[int]) -> list[str]:
    return [c.text for c in recall_candidates(text, 0, starts) if c.found_by.name == "recall-phrase"]
