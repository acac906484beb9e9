"""Known names written another way: "Claude-3.5 Sonnet", "imagenet", "LLaVA 1.5".

A pure helper of the ``kg_known`` component. The text is cut into chunks (runs between
spaces, brackets and punctuation); a run of up to :data:`MAX_PARTS` chunks whose match key
is the key of a coined or versioned known name is that name.
"""

import re
import string
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from operator import add

from kg.extract.lexicon import KnownEntity, morphemes
from kg.keys import match_key
from kg.keys.names import plural_ending, singular, spaced_key_cores

_CODED = re.compile(r"[a-z][A-Z]|\d")
_CAPS_PARTS = re.compile(r"^[A-Z]{2,}(?:-[A-Z]{2,})+$")  # "RAF-DB": capitals in parts
_LAST_PART = re.compile(r"[A-Z][a-z]+$")
MAX_PARTS = 4  # a variant spans at most this many space-separated chunks


def _lower_ok(name: str) -> bool:
    """May ``name`` be written all in lower case as one word? Only a coined name whose last part
    says what it is ("ImageNet", "AffectNet"): "SimplE" written "simple" is the word."""
    m = _LAST_PART.search(name)
    if m is None or m.group(0) == name:
        return False
    return any(m.group(0) in parts for parts in morphemes().values())


def variant_keys(entries: dict[str, KnownEntity]) -> dict[str, tuple[str, bool]]:
    """Match key -> (entity id, may be written as one lower-case word) of the names a variant
    spelling may stand for: coined (an inner capital: "ImageNet"; capitals in parts: "RAF-DB")
    or versioned ("Claude 3.5 Sonnet") names of 5+ characters that are no ordinary word. Plain words ("Places", "Visual
    Genome") are left to the exact and lower-case matchers."""
    out: dict[str, tuple[str, bool]] = {}
    for e in entries.values():
        if e.ambiguous:
            continue
        for n in e.names:
            key = match_key(n)
            if len(key) >= 5 and (_CODED.search(n) or _CAPS_PARTS.match(n)):
                out.setdefault(key, (e.id, _lower_ok(n)))
    return out


def key_prefixes(keys: dict[str, tuple[str, bool]]) -> frozenset[str]:
    """Every non-empty prefix of the ``keys``: whether some known name begins this way."""
    return frozenset(k[:i] for k in keys for i in range(1, len(k) + 1))


@dataclass(frozen=True)
class Variants:
    """The keys of :func:`variant_keys`, with what the search needs of them."""

    keys: dict[str, tuple[str, bool]]
    prefixes: frozenset[str] = field(init=False)  # key_prefixes(keys)
    # the cores that may be a known key: ``core in single`` is ``core in keys or
    # singular(core) in keys`` (whether the key is the one or the other: :func:`plural_ending`)
    single: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefixes", key_prefixes(self.keys))
        single = set(self.keys) | {k + "s" for k in self.keys if singular(k + "s") == k}
        object.__setattr__(self, "single", frozenset(single))


_SEP = r"\s\(\)\[\]\"“”,;:!?"  # what ends a chunk
_END = ".'’"  # what a chunk may end in that is not part of it
# a chunk less the points and apostrophes it ends in: from a chunk's start only, runs of
# those characters then of others (possessive: each character is read once, linear on any text)
_CHUNK = re.compile(rf"(?<![^{_SEP}])(?:[{_END}]*+[^{_SEP}{_END}]++)++")


def chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each chunk of ``text`` (a run between spaces, brackets and punctuation),
    less the points and apostrophes it ends in.

    >>> chunks("ViT-B/16 (ours), e.g. GPT-4o... ... 'x'")
    [(0, 8), (10, 14), (17, 20), (22, 28), (36, 38)]
    """
    return [m.span() for m in _CHUNK.finditer(text)]


# An ASCII text's chunks without a regex: each character that ends a chunk made a space and
# the rest lower case in one bytes.translate; the runs between spaces, less their final
# points and apostrophes, are the chunks that are not empty (as _CHUNK finds them)
_ASCII_SEP = "".join(c for c in map(chr, range(128)) if re.match(rf"[{_SEP}]", c))
_LOWER_SPACED = bytes.maketrans((string.ascii_uppercase + _ASCII_SEP).encode("ascii"),
                                (string.ascii_lowercase + " " * len(_ASCII_SEP)).encode("ascii"))
_ASCII_END = ".'"
_ZEROED = bytes.maketrans(b"123456789", b"000000000")  # each digit made "0"


class AsciiChunks:
    """The chunks of an ASCII text and their key cores (``ascii_key_cores`` of
    :func:`chunks`), with the offsets of a chunk made only when asked for. The variant
    search reads the runs instead (:class:`AsciiRuns`: no list of the chunks made)."""

    def __init__(self, text: str) -> None:
        lowered = text.encode("ascii").translate(_LOWER_SPACED).decode("ascii")
        self.runs = lowered.split(" ")
        self.kept = list(map(str.rstrip, self.runs, repeat(_ASCII_END, len(self.runs))))
        # a run is a chunk when something is left of it: compress() keeps those
        self.cores = list(compress(spaced_key_cores(lowered), self.kept))
        self._run: list[int] | None = None

    def span(self, k: int) -> tuple[int, int]:
        """(start, end) of chunk ``k``: ``chunks(text)[k]``."""
        if self._run is None:
            self._run = list(compress(range(len(self.runs)), self.kept))
        r = self._run[k]
        start = sum(map(len, self.runs[:r])) + r  # each run before it, and its space
        return start, start + len(self.kept[r])

    @property
    def spans(self) -> list[tuple[int, int]]:
        """``chunks(text)``."""
        starts = list(compress(accumulate(map((1).__add__, map(len, self.runs)), initial=0), self.kept))
        return list(zip(starts, map(add, starts, map(len, filter(None, self.kept))), strict=True))


class AsciiRuns:
    """The runs of an ASCII text between the characters that end a chunk, and their key cores
    (``spaced_key_cores``): a run is a chunk when something is left of it less its final
    points and apostrophes, and then its core is the chunk's (:class:`AsciiChunks` keeps
    those only). A run that is no chunk has the core ""; so may a chunk ("-")."""

    def __init__(self, text: str) -> None:
        lowered = text.encode("ascii").translate(_LOWER_SPACED).decode("ascii")
        self.lowered = lowered
        self.runs = lowered.split(" ")
        self.cores = spaced_key_cores(lowered)

    def digit_runs(self) -> list[int]:
        """The runs that hold a digit (their cores hold it too), in order."""
        out: list[int] = []
        lowered, r, at = self.lowered, 0, 0
        # the next digit: one bytes.find of "0" in the text with every digit made "0" (one C
        # translate), where a regex class is tried at each character and a find of each of
        # the ten digits from each digit run scans the text ten times
        zeroed = lowered.encode("ascii").translate(_ZEROED)
        while (d := zeroed.find(b"0", at)) >= 0:
            r += lowered.count(" ", at, d)
            out.append(r)
            at = lowered.find(" ", d + 1)  # the run's end: its other digits are in the same run
            if at < 0:
                break
        return out

    def chunk(self, r: int) -> bool:
        """Whether run ``r`` is a chunk."""
        return bool(self.cores[r]) or bool(self.runs[r].rstrip(_ASCII_END))

    def span(self, r: int) -> tuple[int, int]:
        """(start, end) in the text of the chunk run ``r`` is."""
        start = sum(map(len, self.runs[:r])) + r  # each run before it, and its space
        return start, start + len(self.runs[r].rstrip(_ASCII_END))

    def begins(self, variants: Variants) -> list[int]:
        """The runs a known name may begin at, in order (some more): a name of one chunk is a
        known key (``single``); a longer one holds a digit ("split" in :func:`variant_spans`),
        so it begins at most ``MAX_PARTS - 1`` chunks before a chunk holding one, and its first
        chunk begins a known key. Found by C loops (``map``, a regex), not a Python step per
        chunk: an abstract has some 200 chunks and two or three with a digit."""
        cores, runs = self.cores, self.runs
        out = set(compress(range(len(cores)), map(variants.single.__contains__, cores)))
        prefixes = variants.prefixes
        walked = -1  # the runs up to this one are judged: the walk from a digit run before
        for d in self.digit_runs():
            r, seen = d, 0
            while r > walked and seen < MAX_PARTS:  # a later walk ends where an earlier began
                core = cores[r]
                if core or runs[r].rstrip(_ASCII_END):  # a chunk (:meth:`chunk`)
                    seen += 1
                    if singular(core) in prefixes:
                        out.add(r)
                r -= 1
            walked = d
        return sorted(out)


def _ascii_variant_spans(text: str, variants: Variants,
                         taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """:func:`variant_spans` of an ASCII text, over its runs (:class:`AsciiRuns`)."""
    keys, prefixes = variants.keys, variants.prefixes
    runs = AsciiRuns(text)
    cores, texts = runs.cores, runs.runs
    n = len(cores)
    out: list[tuple[int, int, str]] = []
    busy = list(taken)
    for i in runs.begins(variants):
        best = None
        core = ""
        parts = 0
        j = i
        while parts < MAX_PARTS and j < n:
            if not cores[j] and not texts[j].rstrip(_ASCII_END):  # not runs.chunk(j)
                j += 1
                continue  # a run that is no chunk is no part
            core += cores[j]
            key = singular(core)
            if key not in prefixes:  # (a prefix of the core, whether it is a plural or not)
                break  # no known name begins this way
            parts += 1
            if key in keys or core in keys:
                s, e = runs.span(i)[0], runs.span(j)[1]
                if key != core and not plural_ending(text[s:e]):
                    key = core  # "ViT-S", "YOLOv8s": the s is no plural
                if key in keys and _taken(text, s, e, key, keys[key][1], parts):
                    best = (s, e, keys[key][0])
            j += 1
        if best and not _blocked(best, busy):
            out.append(best)
            busy.append((best[0], best[1]))
    return out


def _blocked(best: tuple[int, int, str], busy: list[tuple[int, int]]) -> bool:
    """Whether a span of ``busy`` overlaps ``best`` without lying inside it: a known name
    written another way that holds a shorter one written exactly ("Gemini-1.5 Pro" holding
    "Gemini-1.5") is the longer name."""
    s, e = best[0], best[1]
    return any(s < b and a < e and not (s <= a and b <= e and b - a < e - s) for a, b in busy)


_QUOTES = "`'‘\"“*_"  # what a chunk may open with that quotes the word in it


def _taken(text: str, s: int, e: int, key: str, lower_ok: bool, parts: int) -> bool:
    """Whether ``text[s:e]``, of ``parts`` chunks and the known ``key``, names it."""
    word = text[s:e].lstrip(_QUOTES)  # "`complex'": a word in quotes is the word
    if word.count("(") > word.count(")") or word.count("[") > word.count("]"):
        return False  # "AlpacaEval 2.0 (LC), ...": a name holds no bracket it does not close
    plain = word.isalpha() and word[1:].islower()  # "simple", "Multiple"
    # a coined name split into words is a phrase: "Dense nets" is not DenseNet
    split = parts > 1 and not any(ch.isdigit() for ch in key)
    return (lower_ok or not plain) and not split


def variant_spans(text: str, variants: Variants,
                  taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, id) of known names written another way, longest first, clear of ``taken``
    (a taken span inside a longer one found here does not count).

    The key of a run of chunks is ``match_key`` of its text; on an ASCII text it is made of
    the chunks' own (:func:`~kg.keys.names.ascii_key_cores`), as the characters between
    chunks count for nothing in a key (:func:`_ascii_variant_spans`).
    """
    if text.isascii():
        return _ascii_variant_spans(text, variants, taken)
    keys, prefixes = variants.keys, variants.prefixes
    spans = chunks(text)
    n = len(spans)
    out: list[tuple[int, int, str]] = []
    busy = list(taken)
    for i in [i for i, (s, e) in enumerate(spans) if match_key(text[s:e]) in prefixes]:
        best = None
        for j in range(i, min(i + MAX_PARTS, n)):
            s, e = spans[i][0], spans[j][1]
            key = match_key(text[s:e])
            if key not in prefixes:
                break  # no known name begins this way
            if key in keys and _taken(text, s, e, key, keys[key][1], j - i + 1):
                best = (s, e, keys[key][0])
        if best and not _blocked(best, busy):
            out.append(best)
            busy.append((best[0], best[1]))
    return out
