"""What the abstract says of a name around its occurrences: evidence features for the decider.

The rule finders and :mod:`.features` see each occurrence through a narrow window (the
word before, the word after). Some kinds of evidence need a little more of the sentence,
and some need the whole abstract:

- a definition: "X is a <type word>", "X, a <type word> ...", "X (ABC)" after a lower-case
  phrase (a technique named by its own acronym);
- a naming: "called / named / dubbed / termed X";
- a place that holds names: "on the X benchmark", a list of names ("A, B and X") and the
  types the gazetteer gives the other members of that list;
- capitalisation: a multi-word name written in Title Case in the middle of a sentence
  ("three components: Feature Slicer, Operator Grouping and Step Rehash") is named, one
  capitalised only where a sentence starts is not; a single coined word (inner capitals,
  letters with digits) is named wherever it stands.

Everything is a plain feature string; the finder of the group is conjoined with each, so
the model can weigh the evidence per finder (the wide recall finders need it most).
"""

import re
from functools import lru_cache

from kg.extract.candidate import Candidate
from kg.extract.learn.acronym import surface_types
from kg.extract.learn.titled import phrase_features, title_phrases
from kg.extract.lexicon import head_type, word_list
from kg.keys import match_key

_WORD = re.compile(r"[A-Za-z][\w\-]*")
_ISA = re.compile(r"(?:\s*\([^()]{1,30}\))?(?:\s*,\s*|\s+(?:is|are|was|as|being)\s+)(?:a|an|the|our|one)\s+"
                  r"((?:[\w\-]+\s+){0,4}[\w\-]+)")
_NAMING = re.compile(r"(?:called|named|dubbed|termed|coined|denoted(?: as| by)?|referred to as|known as)"
                     r"\s+(?:as\s+)?(?:the\s+)?[\"'“]?$", re.IGNORECASE)
# the words _NAMING ends in: an ASCII text without any, in any case, has no naming
_NAMING_WORDS = ("called", "named", "dubbed", "termed", "coined", "denoted", "referred to as", "known as")
_ACRO_AFTER = re.compile(r"\s*\(\s*[A-Z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*\s*[\),;]")
_PLACE_BEFORE = re.compile(r"(?:\b(?:on|across|over|using|with|from|in)\s+(?:the\s+)?)$", re.IGNORECASE)
_LIST_BEFORE = re.compile(r"(?:,|\band|\bor|/|\bvs\.?)\s*$")
_LIST_AFTER = re.compile(r"\s*(?:,|\band\b|\bor\b|/|\bvs\b)")
_SIBLING_BEFORE = re.compile(r"([A-Z][\w\-\.\+]*(?:\s[A-Z0-9][\w\-\.\+]*){0,2})\s*(?:,|\band|\bor|/)\s*$")
_SIBLING_AFTER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)([A-Z][\w\-\.\+]*(?:\s[A-Z0-9][\w\-\.\+]*){0,2})")
_INNER_CAP = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[A-Za-z]-?\d|\d-?[A-Za-z]")


def _function_words() -> frozenset[str]:
    return word_list("function_words")


@lru_cache(maxsize=20_000)
def capitalisation(name: str) -> str | None:
    """How the name is written: "coined" (one word with inner capitals or digits), "title"
    (several words, each content word capitalised), "lower", or None (anything else).

    >>> [capitalisation(n) for n in ("FeatureSlicer", "Step Rehash", "slot attention", "Adam", "GPT-4")]
    ['coined', 'title', 'lower', None, 'coined']
    """
    words = name.split()
    if len(words) == 1:
        return "coined" if _INNER_CAP.search(name) else ("lower" if name.islower() else None)
    content = [w for w in words if w.lower() not in _function_words()]
    if content and all(w[:1].isupper() for w in content):
        return "title"
    if name.islower():
        return "lower"
    return None


def _type_of_phrase(phrase: str) -> str | None:
    """The type of the first head word of a short phrase, up to a function word.

    >>> _type_of_phrase("simple yet effective module"), _type_of_phrase("lot of data sets")
    ('method', None)
    """
    stops = _function_words() | {"that", "which", "who", "where", "when", "we"}
    for w in phrase.split():
        if w.lower() in stops:
            return None
        t = head_type(w)
        if t:
            return t
    return None


@lru_cache(maxsize=8)
def _title_keys(text: str, title_end: int) -> frozenset[str]:
    """The keys of the title's phrases: a group with none of them has no phrase features."""
    title = text[:title_end]
    return frozenset(match_key(title[s:e]) for s, e in title_phrases(title))


def _may_be_title_phrase(names: list[str], text: str, title_end: int) -> bool:
    """Whether a name's key is a title phrase's (else :func:`phrase_features` gives none)."""
    keys = _title_keys(text, title_end)
    return bool(keys) and not keys.isdisjoint([match_key(n) for n in names])


@lru_cache(maxsize=8)
def _may_name(text: str) -> bool:
    """Whether :data:`_NAMING` may match in the text: not when it is ASCII and holds none of
    its words in any case (beyond ASCII, ignoring case matches more than ``lower()`` tells)."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(w in low for w in _NAMING_WORDS)


def _siblings_types(text: str, start: int, end: int) -> set[str]:
    """The gazetteer types of the names listed right beside an occurrence ("A, B and X")."""
    known = surface_types()
    out = set()
    m = _SIBLING_BEFORE.search(text, max(0, start - 40), start)
    after = _SIBLING_AFTER.match(text, end, min(len(text), end + 40))
    for s in (m.group(1) if m else None, after.group(1) if after else None):
        if s:
            t = known.get(s) or known.get(s.split()[0])
            if t:
                out.add(t)
    return out


def context_features(group: list[Candidate], text: str, title_end: int,
                     sent_starts: frozenset[int] = frozenset()) -> set[str]:
    """The context evidence of one group of candidates (see the module's docstring), alone
    and conjoined with each of the group's finders."""
    evidence = context_evidence(group, text, title_end, sent_starts)
    out = set(evidence)
    for finder in sorted({c.found_by.name for c in group}):
        out.update(f"{finder}&{f}" for f in evidence)
    return out


def context_evidence(group: list[Candidate], text: str, title_end: int,
                     sent_starts: frozenset[int] = frozenset()) -> set[str]:
    """:func:`context_features` before they are conjoined with the finders."""
    out: set[str] = set()
    names = sorted({c.text for c in group})
    main = max(names, key=len)
    cap = capitalisation(main)
    if cap:
        out.add(f"cx&cap={cap}")
        out.add(f"cx&cap={cap}&n={min(len(group), 3)}")
    mid = start_only = 0
    naming = _may_name(text)
    for c in group[:6]:
        s, e = c.start, c.end
        in_body = s >= title_end
        if in_body and cap in ("title", "coined"):
            before = text[max(title_end, s - 4): s].rstrip(" ")
            if s in sent_starts or not before.strip() or before[-1] in ".!?\n":
                start_only += 1
            else:
                mid += 1
        isa = _ISA.match(text, e, min(len(text), e + 80))
        if isa:
            t = _type_of_phrase(isa.group(1))
            if t:
                out.add(f"cx&isa={t}")
        if naming and _NAMING.search(text, max(0, s - 30), s):
            out.add("cx&named")
        if cap == "lower" and _ACRO_AFTER.match(text, e, min(len(text), e + 20)):
            out.add("cx&acroafter")
        if _PLACE_BEFORE.search(text, max(0, s - 12), s):
            nxt = _WORD.match(text, e + 1, min(len(text), e + 30)) if text[e: e + 1] == " " else None
            t = head_type(nxt.group(0)) if nxt else None
            out.add(f"cx&place={t}" if t else "cx&place")
        # one of a list: a separator on either side ("A, B and X", "X, A and B")
        if _LIST_BEFORE.search(text, max(0, s - 6), s) or _LIST_AFTER.match(text, e, min(len(text), e + 6)):
            out.add("cx&list")
            out.update(f"cx&sib={t}" for t in _siblings_types(text, s, e))
    if cap in ("title", "coined"):
        if mid:
            out.add(f"cx&mid={min(mid, 2)}")
        elif start_only:
            out.add("cx&startonly")
    if _may_be_title_phrase(names, text, title_end):
        out |= phrase_features(group, text, title_end)
    return out
