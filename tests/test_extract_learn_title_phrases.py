"""The title's phrases the learned decider proposes end where a verb of the title follows the
name (texts written for the tests): "X Applied to Y", "X Revisited"; an adjective in -ed that
opens a phrase stays part of it."""

from kg.extract.learn.titled import title_phrases


def _phrases(title: str) -> list[str]:
    return [title[s:e] for s, e in title_phrases(title)]


def test_a_participle_after_the_name_ends_the_phrase() -> None:
    assert _phrases("Gated Memory Routing Applied to Protein Folding") == ["Gated Memory Routing", "Protein Folding"]


def test_a_participle_ends_the_phrase_before_a_colon_too() -> None:
    assert _phrases("Layer Dropout Revisited: Deep Nets") == ["Layer Dropout", "Deep Nets"]


def test_an_adjective_in_ed_opening_a_phrase_stays() -> None:
    assert _phrases("Dilated Window Attention for Speech") == ["Dilated Window Attention"]


def test_a_hyphenated_word_in_ed_is_no_verb() -> None:
    assert _phrases("Retrieval-Augmented Beam Search") == ["Retrieval-Augmented Beam Search"]
