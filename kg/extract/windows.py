"""What the text right before a candidate says of its type: a list's head word ("two
algorithms (X and Y)"), a dataset cue ("on the challenging X", "benchmarks such as X, Y"),
the kind an apposition states ("a new dataset, X").

Pure helpers of the ``kg_typing`` component (:mod:`kg.extract.typer`), each a search equal to
its plain pattern's begun where a match can begin (tests/test_extract_speed3.py).
"""

import re
from functools import lru_cache

from kg.extract.triggers import naming_words

_DATASET_BEFORE = re.compile(
    r"(?:\b(?:on|across|over)\s+(?:the\s+)?(?:(?:challenging|popular|standard|public|large-scale|widely[- ]used)\s+)?$"
    r"|\b(?:datasets?|benchmarks?|corpora|corpus)\s*(?:,|such as|like|including|:|\()\s*(?:[\w\-\.]+\s*,\s*)*(?:and\s+)?$)",
    re.IGNORECASE)


def last_runs(text: str, n: int) -> int:
    """Where the last ``n`` runs between spaces (``\\s``) of ``text`` begin, or 0: a match of
    at most ``n`` runs that reaches the end of ``text`` begins there or later.

    >>> last_runs("a b  c d ", 2), last_runs("c d", 2)
    (3, 0)
    """
    parts = text.rsplit(None, n)
    return len(parts[0]) if len(parts) > n else 0


# what each match of _DATASET_BEFORE's second branch holds in lower case; a match of its first
# ("on the challenging ") spans at most four runs between spaces
_DATASET_WORDS = ("dataset", "benchmark", "corpora", "corpus")
_ON_RUNS = 4


def dataset_before(before: str) -> bool:
    """Whether ``_DATASET_BEFORE.search(before)`` matches: on an ASCII text (ignoring case is
    lower case) without a word of the second branch, only the last runs are searched."""
    if not before.isascii() or any(w in before.lower() for w in _DATASET_WORDS):
        return _DATASET_BEFORE.search(before) is not None
    return _DATASET_BEFORE.search(before, last_runs(before, _ON_RUNS)) is not None


# "two algorithms (Edge-Popup and Biprop)", "datasets such as X, Y and", "benchmarks: X"
_LIST_HEAD = re.compile(
    r"\b([A-Za-z][\w\-]*)\s*(?:\(|:|,?\s+(?:such as|including|like|e\.g\.,?|namely|i\.e\.,?)\s+)"
    r"(?:[^.;()]*?(?:,|\band\b|\bor\b)\s*)?$")
# what every _LIST_HEAD match holds: most windows hold none, and the search, tried from every
# word and lazily to the end, is the typer's slowest
_LIST_HEAD_LITERALS = ("(", ":", "such as", "including", "like", "e.g.", "namely", "i.e.")


def may_head_list(before: str) -> bool:
    """False when ``before`` holds no _LIST_HEAD match."""
    return any(w in before for w in _LIST_HEAD_LITERALS)


def list_head(before: str) -> re.Match[str] | None:
    """``_LIST_HEAD.search(before)``, begun at the head word before the first cue (a literal
    of _LIST_HEAD_LITERALS): every match's cue is at that one or later, and its head word
    ends right before its cue's spaces and comma."""
    at = [i for i in map(before.find, _LIST_HEAD_LITERALS) if i >= 0]
    if not at:
        return None
    k = min(at)
    while k > 0 and before[k - 1].isspace():  # \s, as the pattern's
        k -= 1
    if k > 0 and before[k - 1] == ",":
        k -= 1
        while k > 0 and before[k - 1].isspace():
            k -= 1
    while k > 0 and (before[k - 1].isalnum() or before[k - 1] in "_-"):  # [\w\-]
        k -= 1
    return _LIST_HEAD.search(before, k)


@lru_cache(maxsize=1)
def before_apposition() -> re.Pattern[str]:
    """The kind stated right before a name: "a new dataset, X", "a method called X"."""
    # the words may hold an acronym: "a novel gradual magnitude pruning (GMP) method, named X"
    return re.compile(r"\b(?:a|an|the|our|this|new)\s+(?:[\w\-]+\s+(?:\([\w\-]{1,12}\)\s+)?){0,4}?"
                      r"([A-Za-z][\w\-]*)\s*(?:,|:)?\s*"
                      rf"(?:{naming_words('apposition')}\s+)?[\"“']?$")
