"""Capitalised phrases, list members and eponyms: names found by their words around.

Pure helpers of the ``kg_candidates`` component.
"""

import re

from kg.extract.candidate import Candidate, found
from kg.extract.lexicon import ends_in_category, generic_acronyms, head_type, is_generic, word_list
from kg.extract.names import NOT_NAME, ends_in_task
from kg.extract.rules import (
    CAPS_TWICE,
    CITED_NAME,
    EPONYM,
    EPONYM_NAMES,
    LIST,
    LIST_CITATION,
    LIST_MODIFIER,
    PHRASE,
    PHRASE_AND,
    PHRASE_SENTENCE_START,
    PHRASE_TWO_KINDS,
    Found,
    Rule,
)

# Patterns scanned over all the text begin with the character class of their first capital,
# and the look-behind on the character before it comes right after it ("(?<![\w\-].)" spans
# the capital): re then skips from capital to capital in C instead of trying the look-behind
# at every position (the same matches: tests/test_extract_fast_paths.py)
# Its capitalised words are possessive ("{0,40}+"): what follows one, a space or the end
# (?![\w\-']), never follows a shorter part of it, so giving back characters (each tried again,
# at every capital of the text) finds nothing; the digit part may end before a "." and keeps them
_CAP_PHRASE = re.compile(
    r"((?:[A-Z](?<![\w\-].)[\w\-']{0,40}+)(?:\s+(?:(?:and|of|for|in|with|to|&)\s+)?(?:[A-Z][\w\-']{0,40}+|\d[\w\.]{0,10})){1,8})(?![\w\-'])")


_RUN = re.compile(r"\S+")
_JOINING = frozenset(("of", "for", "in", "with", "to"))  # what else joins words in a _CAP_PHRASE  # the module's patterns compiled once: re.match(str) looks each up


def phrase_candidates(text: str, start: int, end: int, sent_starts: set[int],
                      off: frozenset[Rule]) -> list[Candidate]:
    """Capitalised phrases with a type head word: "Harmonix Set", "Sharpness Aware Minimization"."""
    out = []
    stop_caps = word_list("stop_caps")
    for m in _CAP_PHRASE.finditer(text, start, end):
        words = list(_RUN.finditer(m.group(1)))
        while words and words[0].group(0) in stop_caps:
            words = words[1:]
        if len(words) < 2:
            continue
        parts = [w.group(0) for w in words]
        joins = [i for i, w in enumerate(parts) if w in ("and", "&", "or")]
        if PHRASE_TWO_KINDS not in off and joins \
                and all(is_generic(w) or w in generic_acronyms() for w in parts[: joins[0]]):
            continue  # "MLP and Transformer": two kinds joined, not one name
        if PHRASE_AND in off or not joins:
            sides = [words]
        else:  # "DeepSpeed-Ulysses and Megatron Context Parallelism": two names, each judged alone;
            # a side that holds a joining word is a clause's words, no name ("Structured Pruning
            # to Video Large Language Models", "PLDR-LLM with KV-cache")
            sides = [words[a + 1: b] for a, b in zip([-1, *joins], [*joins, len(words)], strict=True)]
            sides = [side for side in sides if not any(w.group(0) in _JOINING for w in side)]
        for side in sides:
            c = _phrase(m.start(1), side, sent_starts, off)
            if c is not None:
                out.append(c)
    return out


def _phrase(at: int, words: list[re.Match[str]], sent_starts: set[int], off: frozenset[Rule]) -> Candidate | None:
    """The phrase these words of a capitalised phrase (matched at ``at``) name, if they name one."""
    if len(words) < 2:
        return None
    parts = [w.group(0) for w in words]
    phrase = " ".join(parts)  # the name; its offsets are those of its words as written
    s, e = at + words[0].start(), at + words[-1].end()
    htype = head_type(parts[-1].split("-")[-1])
    if htype is None or ends_in_task(phrase) or is_generic(phrase) or ends_in_category(phrase):
        return None
    if PHRASE_SENTENCE_START not in off and s in sent_starts and len(parts) < 3:
        return None
    return found(PHRASE, s, e, phrase, type=htype)


# a capital not after [\w\-\.], then the rest of a word or nothing: "(?:X...|X)" as "X(?:...)?"
_ITEM = r"[A-Z](?<![\w\-\.].)(?:[\w\-\.\+]{0,40}[\w\+])?(?:\s[A-Z0-9][\w\-\.\+]{0,40}[\w\+]){0,2}(?![\w\-])"
_LIST = re.compile(rf"{_ITEM}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?{_ITEM})+")
_ITEM_RE = re.compile(_ITEM)
_WORD_AFTER = re.compile(r"\s+([a-z][\w\-]*)")
# what follows the authors of a citation: ", 2023)", " et al., 2021", " (2020)", " 1974;"
_CITATION_AFTER = re.compile(r"(?:\s+et\s+al\.?)?,?\s*\(?(?:19|20)\d\d[a-z]?\b")
_HEAD_BEFORE = re.compile(r"([A-Za-z][\w\-]*)\s*(?:\(|,?\s+(?:such as|including|like|e\.g\.,?|namely)\s+)$")


# A _LIST match has a separator before its second item: a comma, or "and"/"or" after a space,
# then the item's capital (after "the"). Found by their literal first characters; the match
# begins at most _ITEM_LONGEST characters (and the spaces) before it
_LIST_SEPARATORS = (
    re.compile(r",\s*(?:(?:and|or)\s+)?(?:the\s+)?[A-Z]"),
    re.compile(r"and(?<=\sand)\s+(?:the\s+)?[A-Z]"),
    re.compile(r"or(?<=\sor)\s+(?:the\s+)?[A-Z]"),
)
_ITEM_LONGEST = 1 + 41 + 2 * (2 + 41)  # a capital and {0,40}+1, then twice a space, a capital, {0,40}+1


def list_matches(text: str, start: int) -> list[re.Match[str]]:
    """``list(_LIST.finditer(text, start))``, scanned from the first item that can stand before
    a separator: half the texts have none, and the scan tries the pattern at every capital."""
    at = [m.start() for m in (p.search(text, start) for p in _LIST_SEPARATORS) if m]
    if not at:
        return []
    k = min(at)
    while k > start and text[k - 1].isspace():  # the separator's spaces: \s, as the pattern's
        k -= 1
    return list(_LIST.finditer(text, max(start, k - _ITEM_LONGEST)))


def list_candidates(text: str, start: int, found_so_far: list[Candidate],
                    off: frozenset[Rule]) -> list[Candidate]:
    """Capitalised members of a list that holds a known name, or that follows a head noun:
    "on GSM8K, AIME and Olympiad", "two algorithms (Edge-Popup and Biprop)"."""
    out: list[Candidate] = []
    lists = list_matches(text, start)
    if not lists:
        return out  # most texts have none: the candidates' spans are not needed
    stop_caps, function_words = word_list("stop_caps"), word_list("function_words")
    spans = [(c.start, c.end) for c in found_so_far if c.source != Found.PHRASE]
    for m in lists:
        items = [(i.start(), i.end()) for i in _ITEM_RE.finditer(m.group(0))]
        items = [(m.start() + a, m.start() + b) for a, b in items]
        anchored = any(any(s <= a < e for s, e in spans) for a, _ in items)
        hb = _HEAD_BEFORE.search(text[max(0, m.start() - 60): m.start()])
        if not anchored and not (hb and head_type(hb.group(1))):
            continue
        if LIST_CITATION not in off and _CITATION_AFTER.match(text, m.end()):
            continue  # the authors of a citation
        for a, b in items:
            name = text[a:b]
            after = _WORD_AFTER.match(text[b: b + 30])
            if LIST_MODIFIER not in off and after and head_type(after.group(1)) in ("model", "method"):
                continue  # "Residual nets": a modifier of a kind, not a name
            if any(s < b and a < e for s, e in spans) or name.split()[0] in stop_caps:
                continue
            if is_generic(name) or ends_in_category(name) or name.lower() in function_words or len(name) < 2:
                continue
            out.append(found(LIST, a, b, name))
    return out


# "Strang-Marchuk splitting scheme", "Gauss-Newton method", "Metropolis-Hastings algorithm"
# (its word boundary after the first capital, as the phrases above: no word character before it)
_EPONYM = re.compile(r"([A-Z](?<!\w.)[a-z]{1,20}(?:-[A-Z][a-z]{1,20})+)((?:\s[a-z][\w\-]{0,20}){1,3})")


# in every _EPONYM match: a hyphen between a lower-case letter and a capitalised word; found
# by its literal "-", not by trying _EPONYM at every position
_EPONYM_HYPHEN = re.compile(r"-(?<=[a-z]-)[A-Z][a-z]")


_EPONYM_STOP = frozenset(("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "are", "of", "on",
                          "or", "than", "that", "the", "through", "to", "via", "with", "within", "without"))


def eponym_candidates(text: str, start: int) -> list[Candidate]:
    out: list[Candidate] = []
    if not _EPONYM_HYPHEN.search(text, start):
        return out
    for m in _EPONYM.finditer(text, start):
        words = m.group(2).split()
        # the name's words end where a small word starts a phrase of its own: "Self-Notes at
        # inference", "Prereq-Tune disentangles the learning" name no method
        cut = next((i for i, w in enumerate(words) if w in _EPONYM_STOP), len(words))
        words = words[:cut]
        # the longest run of at most three words that ends in a method head word
        last = max((i for i, w in enumerate(words) if head_type(w) == "method"), default=None)
        if last is None:
            continue
        name = m.group(1) + " " + " ".join(words[: last + 1])
        if not is_generic(name):
            out.append(found(EPONYM, m.start(1), m.start(1) + len(name), name, type="method"))
    return out


def eponym_names(eponyms: list[Candidate]) -> list[Candidate]:
    """Each eponym and its names alone, a name of its method as often as with the kind words
    ("Gauss-Seidel", "Flow-Attention" of "Flow-Attention mechanism"), as two candidates that do
    not clash: the eponym spans its names and is written whole, the names alone span the kind
    words and are written as the names; they join one mention by the long form.

    >>> [(c.text, c.start, c.end, c.written) for c in eponym_names(eponym_candidates("A Hale-Brook splitting scheme.", 0))]
    [('Hale-Brook splitting scheme', 2, 12, (2, 29)), ('Hale-Brook', 13, 29, (2, 12))]
    """
    out = []
    for c in eponyms:
        cut = c.text.find(" ")
        out.append(c.with_(end=c.start + cut, written=(c.start, c.end)))
        out.append(found(EPONYM_NAMES, c.start + cut + 1, c.end, c.text[:cut], type="method", long_form=c.text,
                         written=(c.start, c.start + cut)))
    return out


# a run of up to four capitalised words (each perhaps of capitalised parts joined by hyphens,
# "Double-Ring-Attention", "2D-Attention" after its first) mid-sentence: after a lower-case
# word, a comma, a semicolon or a bracket and a space (the look-behind spans the capital, as above)
_PARTS = r"(?:-(?:[A-Z][A-Za-z0-9]*|\d[A-Za-z0-9]*))"
_CAP_WORD = rf"[A-Z][A-Za-z0-9]*{_PARTS}*(?:\+\+|\+|#)?"
# two words or more, or one of hyphenated parts: the single words of a text (most of its
# capitalised runs) are no match, found without a Python step each
_CAPS_RUN = re.compile(rf"[A-Z](?<=[a-z,;(] .)[A-Za-z0-9]*(?:{_PARTS}+(?:\+\+|\+|#)?(?: {_CAP_WORD}){{0,3}}"
                       rf"|(?:\+\+|\+|#)?(?: {_CAP_WORD}){{1,3}})(?![\w\-])")


def _written(text: str, name: str) -> int:
    """How often ``text`` writes ``name`` as a whole word ("Quill Sorter", not in "Quill Sorters"),
    found by its literal text.

    >>> _written("Ab-Cd and Ab-Cde, Ab-Cd; xAb-Cd", "Ab-Cd")
    2
    """
    n, i = 0, text.find(name)
    while i >= 0:
        j = i + len(name)
        if not (i and (text[i - 1].isalnum() or text[i - 1] in "_-")) \
                and not (j < len(text) and (text[j].isalnum() or text[j] in "_-")):
            n += 1
        i = text.find(name, i + 1)
    return n


def caps_candidates(text: str, start: int) -> list[Candidate]:
    """Capitalised runs mid-sentence that the paper writes twice or more: a run of two words or
    more, or one word of capitalised parts joined by hyphens ("Feature Slicer ... Feature Slicer",
    "Self-Notes"). Written once, such a run is as often no name ("Solution-Only", "Navier-Stokes").

    >>> [c.text for c in caps_candidates("We use Step Rehash here; Step Rehash is fast, unlike Ab-Cd.", 0)]
    ['Step Rehash', 'Step Rehash']
    """
    out: list[Candidate] = []
    stop_caps = word_list("stop_caps")
    for m in _CAPS_RUN.finditer(text, start):
        words = m.group(0).split(" ")
        cut = 0
        while cut < len(words) and words[cut] in stop_caps:
            cut += 1
        name = " ".join(words[cut:])
        if not name or text.count(name) < 2 or (cut == len(words) - 1 and "-" not in name):
            continue  # most runs are written once: told before any other test
        before = text.rfind(" ", 0, m.start() - 1) + 1
        if text[m.start() - 2].isalpha() and text[before].isupper() and text[before: m.start() - 1] not in stop_caps:
            continue  # the tail of a run that opens a sentence: "State Space Models"
        if is_generic(name) or name in generic_acronyms() or ends_in_task(name) or ends_in_category(name) \
                or NOT_NAME.match(name):
            continue  # "Top-1" is a measure
        if _written(text, name) > 1:
            out.append(found(CAPS_TWICE, m.end() - len(name), m.end(), name))
    return out


# a citation right after what it cites: " (Deng et al., 2023a)", " (Weston and Sukhbaatar, 2023)"; found
# by its bracket, the space before it a look-behind (re then skips from bracket to bracket)
_CITATION = re.compile(r"\((?<= \()(?:e\.g\.,? )?[A-Z][\w'\-]+(?: et al\.?| and [A-Z][\w'\-]+)?,? \(?(?:19|20)\d\d[a-z]?\b")
_CITED_JOINS = frozenset(("and", "of", "for", "&"))


def cited_candidates(text: str, start: int) -> list[Candidate]:
    """A capitalised name of two words or more, or of hyphenated parts, right before a citation:
    "such as Rephrase and Respond (Deng et al., 2023a) and Branch-Solve-Merge (Saha et al., 2023)".

    >>> [c.text for c in cited_candidates("We follow Quill And Sort (Ames et al., 2021) and Ab-Cd (Bo, 2020).", 0)]
    ['Quill And Sort', 'Ab-Cd']
    """
    out: list[Candidate] = []
    stop_caps = word_list("stop_caps")
    for m in _CITATION.finditer(text, start):
        at = m.start() - 1  # the space before the bracket
        words = text[max(start, at - 80): at].split(" ")
        take = 0
        while take < min(5, len(words) - 1):
            w = words[-1 - take]
            if not (w[:1].isupper() or (w in _CITED_JOINS and take)):
                break
            take += 1
        parts = words[len(words) - take:]
        while parts and (parts[0] in _CITED_JOINS or parts[0] in stop_caps):
            parts = parts[1:]
        if not parts or (len(parts) == 1 and "-" not in parts[0]) or any(not p[-1:].isalnum() for p in parts):
            continue
        name = " ".join(parts)
        if is_generic(name) or name in generic_acronyms() or ends_in_task(name) or ends_in_category(name):
            continue
        out.append(found(CITED_NAME, at - len(name), at, name))
    return out
