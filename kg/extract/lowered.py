"""Lower-case technique phrases, found by the words around them: a contribution cue without an
article ("we introduce token discrepancy loss into"), a naming word ("called appearance
preservation module"), an apposition naming a kind ("active forgetting, a technique that").

Pure helpers of the ``kg_candidates`` component. Lower-case phrases are mostly descriptions, so
each finder reads a phrase only where the text writes it as a name: no article before it, no
plural, two words or a hyphenated one.
"""

import re

from kg.extract.candidate import Candidate, found
from kg.extract.lexicon import ends_in_category, is_generic, last_word_type, word_list
from kg.extract.names import ends_in_task
from kg.extract.rules import BARE_APPOSED, BARE_OBJECT, NAMING_LOWERCASE

# a lower-case word of a technique's name, no function word or verb ("we propose to ...")
_LOWER_WORD = r"(?!(?:a|an|the|our|its|their|this|these|those|that|to|two|three|four|several|both|new|novel|various|" \
    r"multiple|many|some|all|each|such|further|more|how|what|whether|it|them|us|here|in|on|of|for|with|by|as|at|" \
    r"from|into|over|between|across|under|through|and|or|is|are|be|not|than|via|using|where|which|while)\b)" \
    r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
# what may follow a name's last word: punctuation, or a word that starts a phrase of its own
_LOWER_END = r"(?=\s*[,.;:(]|\s+(?:that|which|to|for|with|in|into|on|by|as|where|and|or|is|are|from|of|via|based|" \
    r"using|called|named|through|across|over|between|at|under|within|without|instead|while)\b)"
_BARE = re.compile(rf"\s*({_LOWER_WORD}(?: {_LOWER_WORD}){{0,4}}?){_LOWER_END}")


def _bare_phrase(text: str, at: int, named: bool = False) -> re.Match[str] | None:
    """The lower-case phrase at ``at`` (after spaces) that may name a technique: two words or a
    hyphenated one, no plural, no generic term or task, nor a category unless ``named``."""
    m = _BARE.match(text, at)
    return m if m is not None and _may_name(m.group(1).split(" "), named) else None


def _may_name(words: list[str], named: bool = False) -> bool:
    """Whether lower-case words may name a technique: two or a hyphenated one, the last a word for
    a technique (a head word, or a noun in -ing: "active forgetting") and no plural ("case
    studies"), no verb or adverb inside ("analysis showing"), no describing adjective first
    ("empirical evidence"), no generic term or task, nor a category ("a new module") unless ``named``.

    >>> _may_name(["quilted", "forgetting"]), _may_name(["case", "studies"]), _may_name(["pruning"])
    (True, False, False)
    >>> _may_name(["empirical", "loss"]), _may_name(["minimal", "overhead"]), _may_name(["loss", "showing", "gain"])
    (False, False, False)
    """
    name = " ".join(words)
    last = words[-1]
    if not (len(words) > 1 or "-" in name) or (last.endswith("s") and not last.endswith(("ss", "sis", "us"))):
        return False
    breaks, not_heads = word_list("phrase_breaks"), word_list("not_heads")
    if words[0] in word_list("describing") or any(w in breaks or w in not_heads or w.endswith("ly") for w in words):
        return False
    if last_word_type(name) is None and not last.endswith("ing"):
        return False  # "additional complexity", "open-source code"
    return not (is_generic(name) or ends_in_task(name) or (ends_in_category(name) and not named))


def bare_object(text: str, at: int) -> Candidate | None:
    """The lower-case phrase without an article that a contribution cue ending at ``at``
    introduces, a technique by how it is written ("we introduce token discrepancy loss into"),
    when :func:`_may_name` allows it ("we present case studies" does not).

    >>> bare_object("we introduce quilted lattice loss into nets", 12).text
    'quilted lattice loss'
    >>> bare_object("we present case studies that", 10) is None, bare_object("we propose a quilted loss.", 10) is None
    (True, True)
    """
    m = _bare_phrase(text, at)
    return None if m is None else found(BARE_OBJECT, m.start(1), m.end(1), m.group(1))


# what joins the items of a list: "X, Y and Z", "X, Y, and Z"
_LIST_JOIN = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
# a kind of technique right before a naming word: "three methods, namely"
_KIND_BEFORE = re.compile(r"([a-z]+),?\s+\S+\s*$")


def named_phrases(text: str, at: int) -> list[Candidate]:
    """The lower-case phrases a naming word ending at ``at`` names, when the last word of one is
    a head word ("a memory block called appearance preservation module"): :func:`bare_object`'s
    shape; after a kind of technique, each item of a list ("three methods, namely X, Y and Z").

    >>> [c.text for c in named_phrases("a block called quilted lattice module, which", 15)]
    ['quilted lattice module']
    >>> [c.text for c in named_phrases("two methods, namely quilted joining, lattice gating and sparse fusion.", 20)]
    ['lattice gating', 'sparse fusion']
    >>> [c.text for c in named_phrases("two tasks, namely lattice gating and sparse fusion.", 18)]
    ['lattice gating']
    >>> named_phrases("a problem called lattice conflict.", 17)
    []
    """
    out: list[Candidate] = []
    kind = _KIND_BEFORE.search(text, max(0, at - 40), at)
    listed = kind is not None and last_word_type(kind.group(1)) == "method"
    for _ in range(6 if listed else 1):
        m = _BARE.match(text, at)
        if m is None:
            break
        words = m.group(1).split(" ")
        if _may_name(words, named=True) and last_word_type(m.group(1)) is not None:  # "called X module": a module
            out.append(found(NAMING_LOWERCASE, m.start(1), m.end(1), m.group(1)))
        join = _LIST_JOIN.match(text, m.end())
        if join is None:
            break
        at = join.end()
    return out


# "i.e." right after a kind of technique names it: "a unique attention mechanism, i.e., X"
_KIND_IE = re.compile(r"i\.e\.(?<=[a-z], i\.e\.),?\s+")


def that_is_phrases(text: str, start: int) -> list[Candidate]:
    """:func:`named_phrases` after "i.e." that follows a kind of technique.

    >>> [c.text for c in that_is_phrases("a new mechanism, i.e., quilted lattice attention, which", 0)]
    ['quilted lattice attention']
    >>> that_is_phrases("many tasks, i.e., quilted lattice attention, which", 0)
    []
    """
    out: list[Candidate] = []
    for m in _KIND_IE.finditer(text, start):
        kind = _KIND_BEFORE.search(text, max(0, m.end() - 40), m.end())
        if kind is not None and last_word_type(kind.group(1)) == "method":
            out.extend(named_phrases(text, m.end()))
    return out


# an apposition saying what kind of technique the phrase before its comma is: ", a novel method"
_KIND_APPOSED = re.compile(r",(?= an? )\s+an?\s+(?:[\w\-]+\s+){0,3}?(?:method|technique|approach|mechanism|strategy|"
                           r"algorithm|scheme|procedure|module|paradigm|extension|variant|regularizer|objective)\b")
# an article before the phrase makes it a description; a preposition, a phrase that opens a clause
# ("for sequence modeling, a popular method is ..."), no apposition ("of" does: "the use of X, a ...")
_NOT_BEFORE = frozenset(("a", "an", "the", "for", "in", "with", "to", "on", "at", "from", "by", "into", "via",
                         "over", "under", "beyond", "within", "without", "after", "before", "unlike", "than"))
_NEW_KIND = re.compile(r"\b(?:novel|new)\b")
# one lower-case word of the phrase before it: "We find that active forgetting"
_ONE_LOWER = re.compile(_LOWER_WORD)
_SPACE = re.compile(r"(\s)")


def apposed_candidates(text: str, start: int) -> list[Candidate]:
    """A lower-case phrase without an article that an apposition calls a kind of technique:
    "we find that active forgetting, a technique that ..."; two words or a hyphenated one, no
    plural, after no article, preposition but "of" ("for sequence modeling, a popular method is"),
    capitalised word or adverb in -ly ("an infinitely large input vocabulary, an approach"). A new
    kind ("triplet attention, a novel method") makes it the paper's own.

    >>> [c.text for c in apposed_candidates("We find that quilted forgetting, a technique of old, helps.", 0)]
    ['quilted forgetting']
    >>> apposed_candidates("It has an efficient mask decoder, a new module.", 0)
    []
    """
    out: list[Candidate] = []
    breaks = word_list("phrase_breaks")
    for m in _KIND_APPOSED.finditer(text, start):
        # up to four lower-case words right before the comma, one space apart, and the word before
        # them: the run split at each space character, the spaces kept ([word, space, word, ...])
        run = _SPACE.split(text[max(start, m.start() - 80): m.start()])
        take = 0
        while take < 4 and 2 * take + 2 < len(run) and _ONE_LOWER.fullmatch(run[-1 - 2 * take]) \
                and (take == 0 or run[-2 * take] == " "):
            take += 1
        if not take:
            continue
        words = run[len(run) - 2 * take + 1::2]
        cut = max((i + 1 for i, x in enumerate(words) if x in breaks or x.endswith("ly")), default=0)
        before = words[cut - 1] if cut else run[-1 - 2 * take]
        words = words[cut:]
        name = " ".join(words)
        if not words or not _may_name(words) or before.endswith("ly") or before.lower() in _NOT_BEFORE \
                or (before[:1].isupper() and not before.endswith(".")):
            continue
        own = _NEW_KIND.search(m.group(0)) is not None  # "triplet attention, a novel method"
        out.append(found(BARE_APPOSED, m.start() - len(name), m.start(), name, type="method",
                         role="proposed" if own else "used"))
    return out
