"""Component ``kg_acronyms``: long forms and their acronyms, "Masked Image Modeling (MIM)".

The matching follows the idea of Schwartz & Hearst (2003): walk the short form
backwards and find each of its characters in the words before the bracket,
the first character at the start of a word.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import AcronymPair, Batched, doc_text, register_extensions, set_ext
from kg.extract.lexicon import word_list
from kg.extract.rules import (
    ACRONYM_FIRST_WORD_SKIPPED,
    ACRONYM_INITIALS,
    ACRONYM_SHORT_FIRST,
    ACRONYM_TRIM,
    ACRONYM_VERSION,
    NONE_OFF,
    Rule,
)

# "(MIM)", "(PAT_sp)", "(LLaVA-1.5)", "(CoT)", "(e.g., ...)" excluded by the shape test
_PAREN = re.compile(r"\(([^()\n]{1,80})\)")
_SHORT_OK = re.compile(r"^[A-Za-z][\w\-\.&+/]*$")
_WORD = re.compile(r"[\w][\w\-'’]*|[^\w\s]")
# "OTOv3", "ABC-2": letters, then a version the long form does not spell
_VERSION = re.compile(r"^([A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:v\d+|-\d+)$")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]\s|[\n]")


def is_short_form(s: str) -> bool:
    """An acronym-like token: 2-12 characters, a letter first, at least one capital."""
    s = s.strip()
    if not (2 <= len(s) <= 12) or " " in s or not _SHORT_OK.match(s):
        return False
    letters = [c for c in s if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return False
    if s.lower() in word_list("not_short_forms"):
        return False
    return True


def _match_long(short: str, words: list[str]) -> int | None:
    """Index of the first word of the long form in ``words``, or None.

    Each letter/digit of ``short`` must be found, right to left, in the words;
    the first letter must start a word.
    """
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    text = " ".join(words).lower()
    # offsets of word starts in `text`
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    ti = len(text) - 1
    ci = len(chars) - 1
    while ci >= 0:
        c = chars[ci]
        while ti >= 0:
            ok = text[ti] == c
            if ci == 0 and ok and not (ti == 0 or not text[ti - 1].isalnum()):
                ok = False  # the first character must begin a word
            if ok:
                break
            ti -= 1
        if ti < 0:
            return None
        ti -= 1
        ci -= 1
    first = ti + 1
    idx = max(i for i, s in enumerate(starts) if s <= first)
    return idx


def _match_initials(short: str, words: list[str]) -> int | None:
    """Fallback for a coined acronym with letters out of order ("PMCANet" for
    "Progressive Confident Masking Attention Network"): the capitals of the short
    form are the initials of the last capitalised words, in any order."""
    caps = sorted(c for c in short if c.isupper())
    k = len(caps)
    if k < 2 or len(words) < k:
        return None
    tail = words[-k:]
    if all(w[:1].isupper() for w in tail) and sorted(w[0] for w in tail) == caps:
        return len(words) - k
    return None


def find_pairs(text: str, off: frozenset[Rule] = NONE_OFF) -> list[AcronymPair]:
    """Every "long form (SHORT)" and "SHORT (long form)" definition in ``text``."""
    pairs: list[AcronymPair] = []
    if "(" not in text:
        return pairs  # every definition is in brackets
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        inner_short = inner.split(";")[0].split(",")[0].strip()
        if is_short_form(inner_short):
            # long form before the bracket, within the same clause
            left = text[max(0, m.start() - 200): m.start()]
            left = _CLAUSE_END.split(left)[-1]
            words = _WORD.findall(left)
            words = [w for w in words if w not in {",", "\u201c", "\u201d", '"'}]
            n_max = min(len(inner_short) + 5, 2 * len(inner_short) + 2)
            window = words[-n_max:]
            i = _match_long(inner_short, window)
            if i is None and ACRONYM_VERSION not in off and (v := _VERSION.match(inner_short)):
                i = _match_long(v.group(1), window)
            if i is None and ACRONYM_INITIALS not in off:
                i = _match_initials(inner_short, window)
            if i is not None:
                long_words = window[i:]
                cut = word_list("stop_before") if ACRONYM_TRIM not in off else frozenset()
                while len(long_words) > 1 and long_words[0].lower() in cut:
                    long_words = long_words[1:]
                if len(long_words) >= 1 and not (len(long_words) == 1 and long_words[0] == inner_short):
                    long = _span_text(text, m.start(), long_words)
                    if long:
                        ls = text.rfind(long, 0, m.start())
                        if ls >= 0 and len(long) > len(inner_short):
                            ss = m.start(1) + m.group(1).find(inner_short)
                            pairs.append(AcronymPair(ls, ls + len(long), ss, ss + len(inner_short),
                                                     long, inner_short))
                            continue
        # "SHORT (long form)": the short form right before the bracket
        if ACRONYM_SHORT_FIRST in off:
            continue
        before = _short_before(text, m.start())
        if before and is_short_form(before.group(1)) and " " in inner:
            words = _WORD.findall(inner)
            at = _match_long(before.group(1), words)
            if at == 0 or (at == 1 and ACRONYM_FIRST_WORD_SKIPPED not in off
                           and sum(c.isupper() for c in before.group(1)) >= 2):
                pairs.append(AcronymPair(m.start(1), m.end(1), before.start(1), before.end(1),
                                         inner, before.group(1)))
    return pairs


_SHORT_BEFORE = re.compile(r"([A-Za-z][\w\-\.&+]{1,11})\s*$")


def _short_before(text: str, end: int) -> re.Match[str] | None:
    """The short form that ends ``text[:end]``, spaces after it allowed: searched for in the
    12 characters before those spaces, not in all the text before (quadratic in the text)."""
    stop = end
    while stop > 0 and text[stop - 1].isspace():  # what \s matches: the same characters
        stop -= 1
    return _SHORT_BEFORE.search(text, max(0, stop - 12), end)


def _span_text(text: str, end: int, words: list[str]) -> str | None:
    r"""The exact substring of ``text`` before ``end`` that spells ``words`` (whitespace or
    nothing between them): the last of the matches found from the left, none overlapping.
    No regex: a pattern made for every definition would be compiled for every definition.

    >>> _span_text("Masked  Image Modeling and Masked Image\nModeling (MIM)", 50, ["Masked", "Image", "Modeling"])
    'Masked Image\nModeling'
    >>> _span_text("Image Modeling", 14, ["Masked", "Image"]) is None
    True
    """
    window = text[max(0, end - 250): end]
    found, pos = None, 0
    while (i := window.find(words[0], pos)) >= 0:
        j = _spelled_from(window, i + len(words[0]), words[1:])
        if j is None:
            pos = i + 1
        else:
            found, pos = window[i:j], j
    return found.strip() if found else None


def _spelled_from(window: str, j: int, rest: list[str]) -> int | None:
    """Where ``rest`` ends when it is written from ``j`` on, whitespace before each word
    allowed (what ``\\s*`` matches); None when it is not."""
    n = len(window)
    for w in rest:
        while j < n and window[j].isspace():
            j += 1
        if not window.startswith(w, j):
            return None
        j += len(w)
    return j


class AcronymFinder(Batched):
    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        set_ext(doc, "kg_acronyms", find_pairs(doc_text(doc), off))
        return doc


@Language.factory("kg_acronyms")
def make_acronym_finder(nlp: Language, name: str) -> AcronymFinder:
    register_extensions()
    return AcronymFinder()
