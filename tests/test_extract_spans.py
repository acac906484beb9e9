"""Searches of the extraction written without a regex made per text, against the regexes they replaced:
the acronym finder's for a long form's words, the title finders' for a phrase written again."""

import random
import re

from kg.extract.acronyms import _WORD, _span_text
from kg.extract.titles import _named_again


def _by_regex(text: str, end: int, words: list[str]) -> str | None:
    """The words joined by ``\\s*``, the last non-overlapping match of the window before ``end``."""
    found = None
    for m in re.finditer(r"\s*".join(re.escape(w) for w in words), text[max(0, end - 250): end]):
        found = m.group(0)
    return found.strip() if found else None


def test_span_text_is_the_regex_search() -> None:
    rng = random.Random(7)
    pieces = ["a", "aa", "A", "b", "-", "'", " ", "  ", "\n", "\u00a0", "ab", "(", ")", "x"]
    checked = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        words = _WORD.findall(text)
        if not words:
            continue
        k = rng.randint(1, min(4, len(words)))
        at = rng.randint(0, len(words) - k)
        chosen = words[at:at + k] if rng.random() < 0.8 else [rng.choice(["a", "aa", "b"]) for _ in range(k)]
        end = rng.randint(0, len(text))
        assert _span_text(text, end, chosen) == _by_regex(text, end, chosen), (text, end, chosen)
        checked += 1
    assert checked > 4000


def test_span_text_keeps_the_written_spacing() -> None:
    text = "We train a masked image\nmodeling objective, masked image modeling (MIM)"
    assert _span_text(text, text.index("(MIM)"), ["masked", "image", "modeling"]) == "masked image modeling"
    assert _span_text(text, text.index(" objective"), ["masked", "image", "modeling"]) == "masked image\nmodeling"


def test_named_again_is_the_case_blind_regex_search() -> None:
    # with the characters a case-blind regex folds to ASCII letters ("\u0130", "\u0131", "\u017f",
    # "\u212a") and others whose case differs ("\u00e9"/"\u00c9"), in the text and the phrase
    rng = random.Random(11)
    pieces = ["a", "A", "b", "B", " ", "-", "\u00e9", "\u00c9", "\u0130", "\u0131", "k", "K",
              "\u212a", "s", "S", "\u017f", "i", "I", "x"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        phrase = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
        start = rng.randint(0, len(text))
        m = re.compile(re.escape(phrase), re.IGNORECASE).search(text, start)
        assert _named_again(phrase, text, start) == (m.span() if m else None), (phrase, text, start)
