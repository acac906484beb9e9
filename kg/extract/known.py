"""Component ``kg_known``: names from the gazetteer, matched with spaCy's PhraseMatcher.

Every alias matches with its case; multi-word names also match in lower case
("causal mediation analysis"). A name flagged ambiguous in the gazetteer (an
ordinary word such as "Flux") is taken only mid-sentence, with its case.
"""

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.extract.candidate import Batched, candidates, doc_text, found, register_extensions
from kg.extract.lexicon import KnownEntity, gazetteer, word_list
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
from kg.extract.variants import Variants, variant_keys, variant_spans


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


class KnownNames(Batched):
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
        self.variants = Variants(variant_keys(entries))

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
            for start, end, kid in variant_spans(text, self.variants, taken):
                e = self.entries[kid]
                out.append(found(KNOWN_VARIANT, start, end, text[start:end], type=e.type, kb_id=e.id,
                                 parent=e.parent))
        return doc


@Language.factory("kg_known")
def make_known_names(nlp: Language, name: str) -> KnownNames:
    register_extensions()
    return KnownNames(nlp, gazetteer())
