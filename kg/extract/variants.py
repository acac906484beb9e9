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
from kg.keys.names import singular, spaced_key_cores

_CODED = re.compile(r"[a-z][A-Z]|\d")
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
    spelling may stand for: coined (an inner capital: "ImageNet") or versioned ("Claude 3.5
    Sonnet") names of 5+ characters that are no ordinary word. Plain words ("Places", "Visual
    Genome") are left to the exact and lower-case matchers."""
    out: dict[str, tuple[str, bool]] = {}
    for e in entries.values():
        if e.ambiguous:
            continue
        for n in e.names:
            key = match_key(n)
            if len(key) >= 5 and _CODED.search(n):
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
    # the ASCII chunk cores (keys less their last step, singular) a known name may begin with:
    # ``core in begins`` is ``singular(core) in prefixes``
    begins: frozenset[str] = field(init=False)
    # the cores that are a known key: ``core in single`` is ``singular(core) in keys``
    single: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        prefixes = key_prefixes(self.keys)
        plurals = {p + "s" for p in prefixes if singular(p + "s") == p}
        object.__setattr__(self, "prefixes", prefixes)
        object.__setattr__(self, "begins", prefixes | plurals)
        single = {k for k in self.keys if singular(k) == k} | {k + "s" for k in self.keys
                                                                if singular(k + "s") == k}
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


class AsciiChunks:
    """The chunks of an ASCII text and their key cores (``ascii_key_cores`` of
    :func:`chunks`), with the offsets of a chunk made only when asked for: the variant
    search needs a few, where a known key is met."""

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


def variant_spans(text: str, variants: Variants,
                  taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, id) of known names written another way, longest first, clear of ``taken``.

    The key of a run of chunks is ``match_key`` of its text; on an ASCII text it is made of
    the chunks' own (:func:`~kg.keys.names.ascii_key_cores`), as the characters between
    chunks count for nothing in a key.
    """
    keys, prefixes = variants.keys, variants.prefixes
    ascii_chunks: AsciiChunks | None = None
    cores: list[str] | None = None
    if text.isascii():
        ascii_chunks = AsciiChunks(text)
        cores = ascii_chunks.cores
        n = len(cores)
        # a known name may begin at chunk i, and the search below finds one there only if the
        # chunk is one or the run of it and the next begins one: most chunks fail both (" " is
        # in no key: the last chunk has no next)
        begins, single = variants.begins, variants.single
        begin = [i for i, (c, d) in enumerate(zip(cores, [*cores[1:], " "], strict=True))
                 if c in single or (c in begins and c + d in begins)] if n else []
        spans: list[tuple[int, int]] = []
    else:
        spans = chunks(text)
        n = len(spans)
        begin = [i for i, (s, e) in enumerate(spans) if match_key(text[s:e]) in prefixes]
    out: list[tuple[int, int, str]] = []
    busy = list(taken)
    for i in begin:  # a known name may begin here
        best = None
        core = ""
        for j in range(i, min(i + MAX_PARTS, n)):
            if cores is not None:
                core += cores[j]
                key = singular(core)
            else:
                key = match_key(text[spans[i][0]:spans[j][1]])
            if key not in prefixes:
                break  # no known name begins this way
            if key in keys:
                s, e = ((ascii_chunks.span(i)[0], ascii_chunks.span(j)[1]) if ascii_chunks is not None
                        else (spans[i][0], spans[j][1]))
                kid, lower_ok = keys[key]
                plain = text[s:e].isalpha() and text[s + 1:e].islower()  # "simple", "Multiple"
                # a coined name split into words is a phrase: "Dense nets" is not DenseNet
                split = j > i and not any(ch.isdigit() for ch in key)
                if (lower_ok or not plain) and not split:
                    best = (s, e, kid)
        if best and not any(best[0] < b and a < best[1] for a, b in busy):
            out.append(best)
            busy.append((best[0], best[1]))
    return out
