"""Acronyms and long forms: which short name abbreviates which long one, and which two
long forms of one acronym name the same thing."""

import re

from kg.keys import entity_key

_ACRONYM = re.compile(r"^[A-Za-z][A-Za-z0-9\-]{1,11}$")
_WORD = re.compile(r"[A-Za-z0-9]+")
_NAME_WORD = re.compile(r"[^\W_]+")
MAX_HEAD_ENDING = 3  # "Parallel" / "Parallelism", "Model" / "Modeling"
MIN_HEAD_STEM = 4


def is_acronym_of(short: str, long: str) -> bool:
    """Whether ``short`` is an acronym of ``long``: its capitals follow the long form's words.

    >>> is_acronym_of("MIM", "Masked Image Modeling")
    True
    >>> is_acronym_of("LoRA", "Low-Rank Adaptation")
    True
    >>> is_acronym_of("BERT", "ImageNet")
    False
    """
    if not _ACRONYM.match(short) or sum(c.isupper() for c in short) < 2:
        return False
    letters = [c.lower() for c in short if c.isalpha()]
    words = [w.lower() for w in _WORD.findall(long)]
    if len(words) < 2 or not letters or letters[0] != words[0][0]:
        return False
    # greedy: every acronym letter is found in order, each word contributing a prefix-run
    text = " ".join(words)
    pos = 0
    for ch in letters:
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    initials = {w[0] for w in words}
    return sum(c in initials for c in letters) >= min(2, len(letters))


def one_long_form(a: str, b: str, acronym: str) -> bool:
    """Whether ``a`` and ``b``, two long forms of ``acronym``, name one thing: the same
    head (:func:`same_head`), or one is the other plus a last word the acronym does not
    spell ("Long Short-Term Memory" and "Long Short Term Memory Networks", both "LSTM").

    >>> one_long_form("Long Short-Term Memory", "long short term memory networks", "LSTMs")
    True
    >>> one_long_form("Masked Image Modeling", "Masked Image Modeling Loss", "MIML")
    False
    """
    if same_head(a, b):
        return True
    ws, wl = sorted(([entity_key(w) for w in _NAME_WORD.findall(x)] for x in (a, b)), key=len)
    capitals = sum(c.isupper() for c in acronym)
    return len(wl) == len(ws) + 1 and wl[:-1] == ws and 2 <= capitals <= len(ws)


def same_head(a: str, b: str) -> bool:
    """Whether two long forms differ only in the ending of their last word (the head).

    The rule for long forms of one acronym: the same words, and one head is the other
    plus at most three letters on a stem of four or more ("Sequence Parallel" and
    "Sequence Parallelism", both "SP"; "Masked Image Model" and "Masked Image Modeling").
    A plural is already one key (:func:`~kg.keys.entity_key`). Other words must be equal,
    so "Sequence Parallelism" and "Tensor Parallelism" stay apart.

    >>> same_head("Sequence Parallel", "sequence parallelism"), same_head("Sequence Parallel", "Sequence")
    (True, False)
    """
    wa = [entity_key(w) for w in _NAME_WORD.findall(a)]
    wb = [entity_key(w) for w in _NAME_WORD.findall(b)]
    if len(wa) != len(wb) or len(wa) < 2 or wa[:-1] != wb[:-1]:
        return False
    short, long = sorted((wa[-1], wb[-1]), key=len)
    return (short != long and long.startswith(short) and len(short) >= MIN_HEAD_STEM
            and len(long) - len(short) <= MAX_HEAD_ENDING)
