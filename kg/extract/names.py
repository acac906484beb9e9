"""What a name looks like: the word pattern, the name shapes, and the shape finder.

Pure helpers of the ``kg_candidates`` component, shared by its title, phrase and
acronym rules.
"""

import re
from functools import lru_cache

from kg.extract.candidate import Candidate, found
from kg.extract.lexicon import generic_acronyms, is_generic, task_heads
from kg.extract.rules import (
    ACRONYM_PLAY,
    CAPS_KIND,
    KIND_COMPOUND,
    NONE_OFF,
    NUMBER_PAIR,
    SHAPE,
    Rule,
)

# a word as names are written: internal hyphens, dots, plus, slash and underscore allowed
MAX_NAME = 60  # no name is longer; bounding every pattern keeps matching linear on junk text
WORD = re.compile(r"(?<![\w\-\.\+'])[A-Za-z0-9](?:[\w\-\.\+']|/(?=\d)){0,60}[\w\+]|(?<![\w\-\.\+'])[A-Za-z0-9]")
_INNER_CAP = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|^[a-z]+[A-Z]")
_HAS_DIGIT = re.compile(r"\d")
NOT_NAME = re.compile(
    r"^(\d+[\d\.,]*[a-zA-Z]{0,3}|[A-Za-z]\d|[A-Za-z]{1,2}\d{2,4}|\d+(st|nd|rd|th)|[Tt]op-?\d+|\w+-to-\w+|"
    r"[a-z]+-\d+(\.\d+)?[kKmMbB%]?|x\d+|\d+x|v\d+(\.\d+)*|[A-Z]\d+[A-Z]|FP\d+|INT\d+|BF\d+|fp\d+|int\d+)$"
)
# "the DYNAMICQA dataset": a word of capitals, which no shape takes, named by the noun after it
_KIND_NOUNS = ("dataset", "benchmark", "corpus")
_CAPS_WORD = re.compile(r"(?:.*[^\w\-\.])?([A-Z][A-Z0-9]{3,}(?:-[A-Z0-9]+)*)", re.DOTALL)
_ACRONYM_PLAY = re.compile(r"^[a-z]{2,}[A-Z]{2,}[a-z]{2,}$|^[a-z]{3,}[A-Z]$")


@lru_cache(maxsize=1 << 16)  # pure, and asked of the same words again and again
def looks_like_name(w: str, off: frozenset[Rule] = NONE_OFF) -> bool:
    """A single word shaped like a coined or versioned name (not a number or unit).

    >>> [looks_like_name(w) for w in ["FlowCut", "GPT-4o", "Mamba-3B", "7B", "3D", "networks", "A100"]]
    [True, True, True, False, False, False, False]
    """
    if w.islower():
        return False  # every name shape needs a capital; most words of a text stop here, cheaply
    if len(w) < 2 or len(w) > MAX_NAME or is_generic(w) or w in generic_acronyms() or w.endswith("'s"):
        return False
    parts = w.split("-")
    if ACRONYM_PLAY not in off and any(_ACRONYM_PLAY.match(p) for p in parts):
        return False  # "temporal-coHERent long-forM": capitals spelling out a title's acronym
    if KIND_COMPOUND not in off and len(parts) > 1 \
            and (parts[-1] in generic_acronyms() or is_generic(parts[-1])) \
            and parts[0][:1].isupper() and parts[0][1:].islower():
        return False  # "Video-LLMs", "Code-LLMs": a kind of model
    if NOT_NAME.match(w):
        return False
    if _INNER_CAP.search(w):
        return True
    letters = sum(c.isalpha() for c in w)
    return bool(_HAS_DIGIT.search(w)) and letters >= 2 and w[0].isalpha() and any(c.isupper() for c in w)


def ends_in_task(phrase: str) -> bool:
    last = phrase.split()[-1].lower() if phrase.split() else ""
    last = last.split("-")[-1]
    return last in task_heads() or (last.endswith("s") and last[:-1] in task_heads())


_NUMBER_PAIR = re.compile(r"^(.*\D)(\d+)/(\d+)$")  # "CIFAR-10/100" names CIFAR-10 and CIFAR-100


# what a WORD match is made of: a match never crosses a character outside these, and the scan
# starts afresh after one, so the runs of them (segments) can be scanned one by one
_IN_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.+'/")
# a capital and the rest of its run: one match a run (the capitals after it are inside)
_CAPITAL_ON = re.compile(r"[A-Z][\w\-\.\+'/]*")


def capital_segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The runs of word characters of ``text[start:end]`` that hold a capital, as (start, end),
    for an ASCII text: only words with a capital can be name shapes; scanning these runs with
    WORD finds the words of a scan of the whole (tests/test_extract_speed.py)."""
    out = []
    for m in _CAPITAL_ON.finditer(text, start, end):
        s = m.start()
        while s > start and text[s - 1] in _IN_WORD:  # back to the start of the run
            s -= 1
        out.append((s, m.end()))
    return out


def words(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The WORD matches of ``text[start:end]`` that may be name shapes (hold a capital): on an
    ASCII text those of its runs with a capital only, the same matches as of all the text."""
    if not text.isascii():
        return list(WORD.finditer(text, start, end))
    return [m for s, e in capital_segments(text, start, end) for m in WORD.finditer(text, s, e)]


# a WORD match starts at an ASCII letter or digit not after one of these; it ends in [\w+]
_BEFORE_NO_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.+'")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_WORD_LONGEST = 62  # MAX_NAME + 2: the first character, {0,60}, the last


def word_starts(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(start, text) of the matches of :func:`words`, most made without the regex: in a run
    of an ASCII text with no "/" (after which a word may start again) WORD can match only at
    the run's start, a letter or digit, and takes at most 62 characters less the final ones
    that are not [\\w+] ("-", ".", "'"): one str slice and rstrip a run."""
    if not text.isascii():
        return [(m.start(), m.group(0)) for m in WORD.finditer(text, start, end)]
    out: list[tuple[int, str]] = []
    for s, e in capital_segments(text, start, end):
        run = text[s:e]
        if "/" in run or (s > 0 and text[s - 1] in _BEFORE_NO_WORD):  # the second: only at s == start
            out.extend((m.start(), m.group(0)) for m in WORD.finditer(text, s, e))
        elif run[0] in _ALNUM:
            out.append((s, run[:_WORD_LONGEST].rstrip("-.'")))
    return out


Shape = tuple[Rule, int, int, str, tuple[int, int] | None]  # rule, start, end, name, written: from the word


@lru_cache(maxsize=1 << 16)  # pure, and most words of a text are words of other texts
def word_shapes(w: str, off: frozenset[Rule] = NONE_OFF) -> tuple[Shape, ...]:
    """The name-shape candidates of one word (offsets from its start): none, a shape, or the two
    names of a number pair. Most words are none: a capitalised word of the language."""
    if w.islower():
        return ()  # no capital: neither rule below takes it (looks_like_name says no)
    w = w.rstrip(".")
    pair = _NUMBER_PAIR.match(w) if NUMBER_PAIR not in off else None
    if pair and pair.group(1)[-1:] in "-_ " and looks_like_name(pair.group(1) + pair.group(2), off):
        first = pair.group(1) + pair.group(2)
        # the second name spans "100" (it must not clash with the first) but is written as the
        # whole pair: its evidence covers "CIFAR-10/100"
        return ((NUMBER_PAIR, 0, len(first), first, None),
                (NUMBER_PAIR, len(first) + 1, len(w), pair.group(1) + pair.group(3), (0, len(w))))
    if SHAPE not in off and looks_like_name(w, off):
        return ((SHAPE, 0, len(w), w, None),)
    return ()


def shape_candidates(text: str, start: int, end: int, off: frozenset[Rule]) -> list[Candidate]:
    """The name shapes of the words of :func:`word_starts`: on an ASCII text made in the same
    pass over the capitals (no list of runs, then of words, made first), a run's shapes
    read from its own text (:func:`_run_shapes`: most runs are words of other texts)."""
    out: list[Candidate] = []
    if CAPS_KIND not in off:
        out.extend(caps_kind_candidates(text, start, end))
    if not text.isascii():
        for at, w in word_starts(text, start, end):
            _add_shapes(out, at, w, off)
        return out
    for m in _CAPITAL_ON.finditer(text, start, end):
        s = m.start()
        if s > start and text[s - 1] in _IN_WORD:  # back to the start of the run
            s -= 1
            while s > start and text[s - 1] in _IN_WORD:
                s -= 1
            run = text[s:m.end()]
        else:
            run = m.group(0)
        if s > 0 and text[s - 1] in _BEFORE_NO_WORD:  # as word_starts: only at s == start
            for wm in WORD.finditer(text, s, m.end()):
                _add_shapes(out, wm.start(), wm.group(0), off)
            continue
        _place(out, s, _run_shapes(run, off))
    return out


def caps_kind_candidates(text: str, start: int, end: int) -> list[Candidate]:
    """The word of capitals right before each dataset noun (found by ``str.find``, then the few
    characters before it read): "the ZORBQA dataset" names ZORBQA, "the NLP benchmark" nothing.

    >>> [c.text for c in caps_kind_candidates("on the ZORBQA dataset, (QUUX-2 corpus", 0, 38)]
    ['ZORBQA', 'QUUX-2']
    """
    out: list[Candidate] = []
    for noun in _KIND_NOUNS:
        at = text.find(noun, start, end)
        while at >= 0:
            after = text[at + len(noun): at + len(noun) + 1]
            if at > start and text[at - 1].isspace() and not (after.isalnum() or after in ("_", "-")):  # \s before, \b(?!-) after
                lo = max(start, at - MAX_NAME)
                w = _CAPS_WORD.fullmatch(text[lo:at].rstrip())
                if w is not None and w.group(1) not in generic_acronyms():
                    out.append(found(CAPS_KIND, lo + w.start(1), lo + w.end(1), w.group(1)))
            at = text.find(noun, at + 1, end)
    return sorted(out, key=lambda c: c.start)


@lru_cache(maxsize=1 << 16)  # pure, and most runs of a text are runs of other texts
def _run_shapes(run: str, off: frozenset[Rule]) -> tuple[Shape, ...]:
    """The shapes of the words of a run of an ASCII text holding a capital (offsets from its
    start), when no word character stands before it: then the WORD matches in it are those of
    the run alone, and without a "/" there is one, at its start (:func:`word_starts`)."""
    if "/" in run:
        return tuple((rule, at + s, at + e, name, None if w is None else (at + w[0], at + w[1]))
                     for wm in WORD.finditer(run) for at in (wm.start(),)
                     for rule, s, e, name, w in word_shapes(wm.group(0), off))
    return word_shapes(run[:_WORD_LONGEST].rstrip("-.'"), off) if run[0] in _ALNUM else ()


def _add_shapes(out: list[Candidate], at: int, w: str, off: frozenset[Rule]) -> None:
    _place(out, at, word_shapes(w, off))


def _place(out: list[Candidate], at: int, shapes: tuple[Shape, ...]) -> None:
    """The candidates of ``shapes`` (offsets from a word or run) at ``at`` in the text."""
    for rule, s, e, name, written in shapes:
        if written is None:
            out.append(found(rule, at + s, at + e, name))
        else:
            out.append(found(rule, at + s, at + e, name, written=(at + written[0], at + written[1])))


_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")  # "FlashAttention-2": Flash, Attention, 2


@lru_cache(maxsize=1 << 16)
def _parts(name: str) -> tuple[str, ...]:
    return tuple(_PARTS.findall(name))


@lru_cache(maxsize=1 << 16)
def _lower_parts(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _PARTS.findall(name))


def abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` spells ``name`` shorter, part by part: each part is the next word of
    ``name``, the first 3+ letters of it, or the initials of the next words ("Dyn-Perceiver" of
    "Dynamic Perceiver", "FA2" of "FlashAttention-2"); at least one part is shortened.

    >>> abbreviates("Dyn-Perceiver", "Dynamic Perceiver"), abbreviates("FA2", "FlashAttention-2")
    (True, True)
    >>> abbreviates("Dyn-ZorbNet", "Dynamic ZorbNet"), abbreviates("SAM", "Segment Anything Model")
    (True, True)
    >>> abbreviates("Perceiver", "Dynamic Perceiver"), abbreviates("Dyn-Net", "Dynamic Perceiver")
    (False, False)
    """
    words = _lower_parts(name)
    parts = _parts(short)
    at, shortened = 0, False
    for p in parts:
        low = p.lower()
        if at < len(words) and low == words[at]:
            at += 1
        elif at < len(words) and len(p) >= 3 and words[at].startswith(low) and not p.isupper():
            at, shortened = at + 1, True
        elif p.isupper() and 2 <= len(p) <= len(words) - at and all(
                words[at + k][0] == ch for k, ch in enumerate(low)):
            at, shortened = at + len(p), True
        else:
            return False
    return shortened and at == len(words)
