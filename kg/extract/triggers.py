"""Contribution and naming cues ("we propose", "this paper introduces", "named"), as patterns.

One vocabulary, ``data/triggers.json``, serves every rule that reads a cue. A contribution
cue is a subject, perhaps an adverb, and a verb, or a verb ending in -ing ("by introducing");
each rule reads the words of its own reach
and of the narrower rules before it (direct-object < appositive < first-new-name), so a
word added for the widest rule never makes the narrow ones fire. Patterns are built on
first use and kept.
"""

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

from kg.extract.lexicon import triggers
from kg.extract.rules import APPOSITIVE, DIRECT_OBJECT, FIRST_NEW_NAME, Rule

REACH = (DIRECT_OBJECT, APPOSITIVE, FIRST_NEW_NAME)


def alternation(words: Iterable[str]) -> str:
    """The words as one regex group, longest first; a final ``*`` stands for any ending.

    >>> alternation(["denoted", "denoted as", "outperform*"])
    '(?:outperform\\\\w*|denoted\\\\ as|denoted)'
    """
    return "(?:" + "|".join(_alternatives(words)) + ")"


def _alternatives(words: Iterable[str]) -> list[str]:
    def one(w: str) -> str:
        return re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w)

    return [one(w) for w in sorted(words, key=len, reverse=True)]


def _reach(kind: str, rule: Rule) -> list[str]:
    lists = triggers()[kind]
    return [w for r in REACH[: REACH.index(rule) + 1] for w in lists[r.name]]


def _cue(rule: Rule) -> str:
    adverbs = _reach("adverbs", rule)
    adverb = rf"(?:{alternation(adverbs)}\s+)?" if adverbs else ""
    return rf"\b{alternation(_reach('subjects', rule))}\s+{adverb}{alternation(_reach('verbs', rule))}[sd]?"


def _contribution_pattern(rule: Rule, lower: bool = False) -> str:
    """The pattern of :func:`contribution`; with ``lower``, the same for the lower case of an
    ASCII text, not ignoring case, written so that it begins with literal characters (re then
    jumps to those in C): each word boundary before a word after the word's first character
    (:func:`word_alternation`), every alternative of the subjects and words before a cue as
    one alternative of the whole with the rest of its cue after it (tried in the same order),
    and "a letter follows" as "[a-z]"."""
    adverbs = _reach("adverbs", rule)
    adverb = rf"(?:{alternation(adverbs)}\s+)?" if adverbs else ""
    cues = [(_reach("subjects", rule), rf"\s+{adverb}{alternation(_reach('verbs', rule))}[sd]?\b")]
    if rule is not DIRECT_OBJECT:  # "by introducing X": no subject
        cues.append((triggers()["gerunds"]["words"], r"\b"))
    if rule is FIRST_NEW_NAME:
        # "X is proposed in this paper", "our X", "the proposed X"
        passive, ours = triggers()["passive"], triggers()["ours"]["words"]
        cues.append((passive["be"], rf"\s+{alternation(passive['verbs'])}\s+{alternation(passive['where'])}"))
        cues.append((ours, r"\s+(?=[a-z])" if lower else r"\s+(?=[A-Z])"))  # ignoring case: any letter
    if not lower or not all(re.match(r"\w", w[:1]) for words, _ in cues for w in words):
        return "|".join(rf"\b{alternation(words)}{rest}" for words, rest in cues)
    # re.escape leaves a word character as it is: each alternative's first character is its own.
    # The alternatives are grouped by it, each group in their order (two beginning with other
    # characters never match at one place): re tries a group's only where its character stands,
    # where it tried every alternative at each letter that begins one (twice as long)
    groups: dict[str, list[str]] = {}
    for words, rest in cues:
        for a in _alternatives(words):
            groups.setdefault(a[0], []).append(a[1:] + rest)
    return "|".join(first + r"(?<!\w.)(?:" + "|".join(alts) + ")" for first, alts in groups.items())


@cache
def contribution(rule: Rule) -> re.Pattern[str]:
    """A contribution cue of the reach of ``rule`` (:data:`REACH`).

    >>> bool(contribution(APPOSITIVE).search("This study further curates X"))
    True
    >>> bool(contribution(APPOSITIVE).search("Here we coin X")), bool(contribution(FIRST_NEW_NAME).search("we coin X"))
    (False, True)
    >>> bool(contribution(APPOSITIVE).search("by introducing X")), bool(contribution(DIRECT_OBJECT).search("by introducing X"))
    (True, False)
    """
    return re.compile(_contribution_pattern(rule), re.IGNORECASE)


@lru_cache(maxsize=1)
def before_direct_object() -> re.Pattern[str]:
    """A contribution cue ending right before its object: "we present a new "."""
    words = triggers()["direct_object"]
    return re.compile(_cue(DIRECT_OBJECT) + rf"\s+(?:{alternation(words['determiners'])}\s+)?"
                      rf"(?:{alternation(words['adjectives'])}\s+)?$", re.IGNORECASE)


def _direct_object_rest() -> str:
    words = triggers()["direct_object"]
    adverbs = _reach("adverbs", DIRECT_OBJECT)
    adverb = rf"(?:{alternation(adverbs)}\s+)?" if adverbs else ""
    return (rf"\s+{adverb}{alternation(_reach('verbs', DIRECT_OBJECT))}[sd]?"
            rf"\s+(?:{alternation(words['determiners'])}\s+)?(?:{alternation(words['adjectives'])}\s+)?$")


@lru_cache(maxsize=1)
def before_direct_object_in_lower_case() -> re.Pattern[str] | None:
    """:func:`before_direct_object` for the lower case of an ASCII text (None when its words
    do not allow it), as :func:`contribution_in_lower_case`."""
    return _grouped_in_lower_case(_reach("subjects", DIRECT_OBJECT), _direct_object_rest())


def ends_in_direct_object_cue(before: str, lowered: str | None = None) -> bool:
    """Whether :func:`before_direct_object` matches in ``before``; ``lowered`` is its lower
    case when the caller has it (on an ASCII text the same matches, faster)."""
    plain = before_direct_object_in_lower_case()
    if plain is not None and before.isascii():
        return plain.search(before.lower() if lowered is None else lowered) is not None
    return before_direct_object().search(before) is not None


def _grouped_in_lower_case(words: list[str], rest: str) -> re.Pattern[str] | None:
    """``\\b(?:words)rest`` ignoring case, for the lower case of an ASCII text: the words'
    alternatives grouped by their first character (see :func:`_contribution_pattern`); None
    when a word does not begin with an ASCII word character or the pattern has a capital or
    a character not ASCII that has a case ("\u212a" ignoring case matches "k"): then ignoring
    case is not lower case. A character without one ("“") matches only itself either way."""
    groups: dict[str, list[str]] = {}
    for a in _alternatives(words):
        if not re.match(r"\w", a[0]):
            return None
        groups.setdefault(a[0], []).append(a[1:])
    pattern = "|".join(first + r"(?<!\w.)(?:" + "|".join(alts) + ")" for first, alts in groups.items())
    pattern = f"(?:{pattern}){rest}"
    if any(c.isupper() or not c.isascii() and (c.lower() != c or c.upper() != c) for c in pattern):
        return None
    return re.compile(pattern)


@lru_cache(maxsize=1)
def ours() -> frozenset[str]:
    """The words of "our X", "the proposed X" in lower case: a cue that names only the name
    right after it (rule first-new-name).

    >>> "the proposed" in ours()
    True
    """
    return frozenset(w.lower() for w in triggers()["ours"]["words"])


@lru_cache(maxsize=1)
def apposing() -> frozenset[str]:
    """The words of :func:`ours` whose name may also stand after a comma: "a new benchmark, X"."""
    return frozenset(w.lower() for w in triggers()["ours"]["apposing"])


_APPOSED = re.compile(r"[^,.;:()]{0,80}?,\s+(?:i\.e\.,?\s+|namely\s+|called\s+)?")


def apposed(text: str, start: int, end: int) -> int | None:
    """Where the name after the phrase at ``start`` and its comma begins, before ``end``.

    >>> text = "a new model family, HaloNets, wins"
    >>> text[apposed(text, 6, len(text)):]
    'HaloNets, wins'
    """
    m = _APPOSED.match(text, start, end)
    return None if m is None else m.end()


@lru_cache(maxsize=1)
def parts() -> re.Pattern[str]:
    """A word before the parts of a method (rule own-parts), ignoring case.

    >>> parts().search("Our model Comprises a router").group()
    'Comprises'
    """
    return re.compile(rf"\b{alternation(triggers()['parts']['words'])}\b", re.IGNORECASE)


def naming_words(which: str = "naming") -> str:
    """The words before a name, as a regex group: "apposition" (called, named, ...) or all."""
    lists = triggers()["naming"]
    return alternation(lists["apposition"] + (lists["naming"] if which == "naming" else []))


_AFTER_NAMING = r"\s+(?:the\s+)?[\"“']?"


@lru_cache(maxsize=1)
def _using() -> re.Pattern[str]:
    return re.compile(rf"\b{alternation(triggers()['using']['words'])}\b", re.IGNORECASE)


def uses_between(text: str, start: int, end: int) -> bool:
    """Whether a word of use ("using", "leverages", "based on") stands in ``text[start:end]``.

    >>> uses_between("we propose to solve it using Gauss", 10, 34), uses_between("we propose Gauss", 10, 16)
    (True, False)
    """
    return _using().search(text, start, end) is not None


@lru_cache(maxsize=1)
def _named_before() -> re.Pattern[str]:
    return re.compile(rf"\b{naming_words()}\s+(?:the\s+)?$", re.IGNORECASE)


def named_before(before: str) -> bool:
    """Whether ``before`` ends in a naming word: what follows is named.

    >>> named_before("a block called "), named_before("a block called it ")
    (True, False)
    """
    return _named_before().search(before) is not None


@lru_cache(maxsize=1)
def naming() -> re.Pattern[str]:
    """ "named", "called", "denoted as" ... and what may stand before the name."""
    return re.compile(rf"\b{naming_words()}{_AFTER_NAMING}", re.IGNORECASE)


def naming_cues(text: str, start: int, end: int, lowered: str | None = None) -> Iterator[re.Match[str]]:
    """``naming().finditer(text, start, end)``, on the lower case of an ASCII text (``lowered``
    when the caller has it) when the words allow: the same spans."""
    plain = _naming_in_lower_case()
    if plain is not None and text.isascii():
        return plain.finditer(text.lower() if lowered is None else lowered, start, end)
    return naming().finditer(text, start, end)


@lru_cache(maxsize=1)
def _naming_in_lower_case() -> re.Pattern[str] | None:
    lists = triggers()["naming"]
    return _grouped_in_lower_case(lists["apposition"] + lists["naming"], _AFTER_NAMING)


@lru_cache(maxsize=1)
def prior_work() -> re.Pattern[str]:
    """A word that makes a sentence about earlier work ("existing", "such as", "outperforms")."""
    return re.compile(rf"\b{alternation(triggers()['prior_work']['words'])}\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def prior_work_in_lower_case() -> re.Pattern[str] | None:
    """:func:`prior_work` for the lower case of an ASCII text, not ignoring case, its words
    grouped by their first character (as :func:`contribution_in_lower_case`); None when a
    word does not begin with an ASCII word character or has a capital."""
    groups: dict[str, list[str]] = {}
    for a in _alternatives(triggers()["prior_work"]["words"]):
        if not (a.isascii() and re.match(r"\w", a[0])) or any(c.isupper() for c in a):
            return None
        groups.setdefault(a[0], []).append(a[1:])
    return re.compile("|".join(first + r"(?<!\w.)(?:" + "|".join(alts) + r")\b" for first, alts in groups.items()))


def about_prior_work(sentence: str, lowered: str | None = None) -> bool:
    """Whether :func:`prior_work` matches in ``sentence``; ``lowered`` is its lower case when
    the caller has it (on an ASCII text the same matches, faster)."""
    plain = prior_work_in_lower_case()
    if plain is not None and sentence.isascii():
        return plain.search(sentence.lower() if lowered is None else lowered) is not None
    return prior_work().search(sentence) is not None


@lru_cache(maxsize=1)
def _naming_literals() -> tuple[str, ...] | None:
    """What each naming() match begins with, in lower case; None if a word is not ASCII (in
    a pattern ignoring case, "\u212a" matches "k")."""
    lists = triggers()["naming"]
    words = [w[:-1] if w.endswith("*") else w for w in lists["apposition"] + lists["naming"]]
    return tuple(w.lower() for w in words) if all(w.isascii() for w in words) else None


def may_name(text: str, lowered: str | None = None) -> bool:
    """False when ``text`` holds no naming() match: on an ASCII text, ignoring case is
    lower case, and no word of the pattern is in the text's lower case (``lowered``, when
    the caller has it)."""
    literals = _naming_literals()
    if literals is None or not text.isascii():
        return True
    lowered = text.lower() if lowered is None else lowered
    return any(w in lowered for w in literals)


@cache
def contribution_in_lower_case(rule: Rule) -> re.Pattern[str] | None:
    """:func:`contribution` minus IGNORECASE, to match the lower case of an ASCII text with the
    same spans (faster); None when its pattern has a capital or a character not ASCII (then
    ignoring case is not lower case: "[A-Z]", "\u017f" matching "s")."""
    pattern = _contribution_pattern(rule, lower=True)
    if any(c.isupper() or not c.isascii() and (c.lower() != c or c.upper() != c) for c in pattern):
        return None
    return re.compile(pattern)


def contribution_cues(rule: Rule, text: str, start: int, end: int,
                      lowered: str | None = None) -> Iterator[re.Match[str]]:
    """``contribution(rule).finditer(text, start, end)``, on the lower case of an ASCII text
    when the pattern allows (:func:`contribution_in_lower_case`): the same spans. ``lowered``
    is ``text.lower()`` when the caller has it."""
    plain = contribution_in_lower_case(rule)
    if plain is not None and text.isascii():
        return plain.finditer(text.lower() if lowered is None else lowered, start, end)
    return contribution(rule).finditer(text, start, end)
