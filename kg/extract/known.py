"""Component ``kg_known``: names from the gazetteer, matched with spaCy's PhraseMatcher.

Every alias matches with its case; multi-word names also match in lower case
("causal mediation analysis"). A name flagged ambiguous in the gazetteer (an
ordinary word such as "Flux") is taken only mid-sentence, with its case.
"""

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.extract.candidate import candidates, doc_text, found, register_extensions
from kg.extract.lexicon import KnownEntity, gazetteer, morphemes, word_list
from kg.extract.rules import (
    GAZETTEER,
    GAZETTEER_AMBIGUOUS,
    GAZETTEER_LOWERCASE,
    KNOWN_GLUED,
    KNOWN_PART,
    KNOWN_VARIANT,
    NONE_OFF,
    Rule,
)
from kg.extract.sentences import uncached
from kg.keys import match_key
from kg.keys.names import ascii_key_cores, singular


def _inside_longer_word(text: str, start: int, end: int) -> bool:
    after = text[end: end + 2]
    before = text[max(0, start - 2): start]
    # "/" separates names ("InstructBLIP/LLaVA") except before a digit ("ViT-B/16")
    glued_after = bool(after) and (after[0].isalnum() or (after[0] in "-_.+" and after[1:2].isalnum())
                                   or (after[0] == "/" and after[1:2].isdigit()))
    glued_before = bool(before) and (before[-1].isalnum() or (before[-1] in "-_" and before[:1].isalnum()))
    return glued_after or glued_before


_EXTENSION = re.compile(r"^ (?:[A-Z][a-z]+|[A-Z]{2,})(?= |,|\.|;|\)|$)")


def _extension(text: str, end: int) -> str:
    """A capitalised word glued after a known dataset name (" Relation"), or ""."""
    m = _EXTENSION.match(text[end: end + 30])
    if not m or m.group(0).strip() in word_list("not_part"):
        return ""
    return m.group(0)


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


def key_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """Every non-empty prefix of the ``keys``: whether some known name begins this way."""
    return frozenset(k[:i] for k in keys for i in range(1, len(k) + 1))


_CHUNK = re.compile(r"[^\s\(\)\[\]\"“”,;:!?]+")


def variant_spans(text: str, keys: dict[str, tuple[str, bool]], prefixes: frozenset[str],
                  taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, id) of known names written another way, longest first, clear of ``taken``.

    ``prefixes`` is :func:`key_prefixes` of the ``keys``. The key of a run of chunks is
    ``match_key`` of its text; on an ASCII text it is made of the chunks' own
    (:func:`~kg.keys.names.ascii_key_cores`), the characters between them counting for nothing.
    """
    chunks = []
    for m in _CHUNK.finditer(text):
        s = m.start()
        e = s + len(m.group().rstrip(".'’"))  # less the points and apostrophes it ends in
        if e > s:
            chunks.append((s, e))
    cores = ascii_key_cores([text[s:e] for s, e in chunks]) if text.isascii() else None
    firsts = [singular(c) for c in cores] if cores is not None else [match_key(text[s:e]) for s, e in chunks]
    out: list[tuple[int, int, str]] = []
    busy = list(taken)
    n = len(chunks)
    for i in [i for i, k in enumerate(firsts) if k in prefixes]:  # a known name may begin here
        s = chunks[i][0]
        best = None
        core = ""
        for j in range(i, min(i + MAX_PARTS, n)):
            e = chunks[j][1]
            if j == i:
                key = firsts[i]
            elif cores is not None:
                key = singular(core + cores[j])
            else:
                key = match_key(text[s:e])
            if key not in prefixes:
                break  # no known name begins this way
            if cores is not None:
                core += cores[j]
            if key in keys:
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


class KnownNames:
    def __init__(self, nlp: Language, entries: dict[str, KnownEntity]) -> None:
        self.entries = entries
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_id_exact: dict[str, list[Doc]] = {}
        by_id_lower: dict[str, list[Doc]] = {}
        with uncached(nlp):  # 30,000 names would fill the tokenizer's cache of chunks
            for e in entries.values():
                for n in e.names:
                    d = nlp.make_doc(n)
                    by_id_exact.setdefault(e.id, []).append(d)
                    if not e.ambiguous and len(d) >= 2 and len(n) >= 8 and any(c.islower() for c in n):
                        by_id_lower.setdefault(e.id, []).append(nlp.make_doc(n.lower()))
        for kid, docs in by_id_exact.items():
            self.exact.add(kid, docs)
        for kid, docs in by_id_lower.items():
            self.lower.add(kid, docs)
        self.variants = variant_keys(entries)
        self.variant_prefixes = key_prefixes(self.variants)

    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        strings = doc.vocab.strings
        spans = []
        matchers = [m for m, rule in ((self.exact, GAZETTEER), (self.lower, GAZETTEER_LOWERCASE))
                    if rule not in off]
        for matcher in matchers:
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                span.label_ = strings[match_id]
                spans.append(span)
        out = candidates(doc)
        text = doc_text(doc)
        for span in filter_spans(spans):
            e = self.entries[span.label_]
            if KNOWN_GLUED not in off and _inside_longer_word(text, span.start_char, span.end_char):
                continue  # "LLaVA-1.5" inside "LLaVA-1.5-7B": the shape rule takes the whole name
            ambiguous = e.ambiguous and GAZETTEER_AMBIGUOUS not in off
            if ambiguous and (span.start == 0 or span[0].is_sent_start):
                continue
            ext = (_extension(text, span.end_char)
                   if e.type == "dataset" and not e.ambiguous and KNOWN_PART not in off else "")
            if ext:
                # "Visual Genome Relation": a named part of a known dataset is its own dataset
                end = span.end_char + len(ext)
                out.append(found(KNOWN_PART, span.start_char, end, text[span.start_char:end],
                                 type="dataset", parent=e.id))
                continue
            out.append(found(GAZETTEER_AMBIGUOUS if ambiguous else GAZETTEER, span.start_char,
                             span.end_char, span.text, type=e.type, kb_id=e.id, parent=e.parent))
        if KNOWN_VARIANT not in off:
            taken = [(s.start_char, s.end_char) for s in spans]
            for start, end, kid in variant_spans(text, self.variants, self.variant_prefixes, taken):
                e = self.entries[kid]
                out.append(found(KNOWN_VARIANT, start, end, text[start:end], type=e.type, kb_id=e.id,
                                 parent=e.parent))
        return doc


@Language.factory("kg_known")
def make_known_names(nlp: Language, name: str) -> KnownNames:
    register_extensions()
    return KnownNames(nlp, gazetteer())
