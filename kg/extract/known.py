"""Component ``kg_known``: names from the gazetteer, matched with spaCy's PhraseMatcher.

Every alias matches with its case; multi-word names also match in lower case
("causal mediation analysis"), unless the name is a coined one-word name split into
plain words ("Fast Speech" of FastSpeech: "fast speech synthesis" is English), or plain words
spelling a coined name out ("Adaptive Rounding" of AdaRound: "an adaptive rounding procedure"
describes) that the paper does not define as the name ("diffusion transformer (DiT)"). A name
flagged ambiguous in the gazetteer (an ordinary word such as "Flux") is taken only
mid-sentence, with its case.

A known name is also the start of names of its family: its named part ("Visual Genome
Relation"), its sized checkpoint ("Mamba-2 370M"), its successor ("PIE-Bench++") and a variant
with a prefix ("Uni-Perceiver"); glued inside a longer word it is left to the shape rule,
unless the word is made from it ("BERT-based").
"""

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.candidate import (
    AcronymPair,
    Batched,
    Candidate,
    candidates,
    doc_text,
    found,
    get_ext,
    register_extensions,
)
from kg.extract.lexicon import KnownEntity, gazetteer, word_list
from kg.extract.rules import (
    GAZETTEER,
    GAZETTEER_AMBIGUOUS,
    GAZETTEER_LOWERCASE,
    KNOWN_BEFORE_SUFFIX,
    KNOWN_DEFINED_OTHERWISE,
    KNOWN_GLUED,
    KNOWN_LANGUAGE_PAIR,
    KNOWN_PART,
    KNOWN_PREFIXED,
    KNOWN_SIZED,
    KNOWN_SPELLED_OUT,
    KNOWN_SUCCESSOR,
    KNOWN_VARIANT,
    NONE_OFF,
    Rule,
)
from kg.extract.sentences import uncached
from kg.extract.typer import spelled_alike
from kg.extract.variants import Variants, variant_keys, variant_spans
from kg.keys import match_key

# a suffix that makes a word of a name ("BERT-based", "DPO-style"): the name is named there
_DERIVING = re.compile(r"-(?:based|style|like|inspired|family|trained|tuned|generated|guided|driven|powered|enabled)\b")


def _inside_longer_word(text: str, start: int, end: int, off: frozenset[Rule] = NONE_OFF) -> bool:
    """Whether ``text[start:end]`` is glued inside a longer word ("LLaVA-1.5" in "LLaVA-1.5-7B"),
    not before a suffix that derives a word from it ("BERT-based").

    >>> _inside_longer_word("LLaVA-1.5-7B", 0, 9), _inside_longer_word("BERT-based models", 0, 4)
    (True, False)
    """
    after = text[end: end + 2]
    before = text[max(0, start - 2): start]
    # "/" separates names ("InstructBLIP/LLaVA") except before a digit ("ViT-B/16")
    glued_after = bool(after) and (after[0].isalnum() or (after[0] in "-_.+" and after[1:2].isalnum())
                                   or (after[0] == "/" and after[1:2].isdigit()))
    if glued_after and after[0] == "-" and KNOWN_BEFORE_SUFFIX not in off and _DERIVING.match(text, end):
        glued_after = False
    glued_before = bool(before) and (before[-1].isalnum() or (before[-1] in "-_" and before[:1].isalnum()))
    return glued_after or glued_before


# "PIE-Bench++": a word before "++", not glued to one before it
_SUCCESSOR = re.compile(r"(?<![\w\-.+])([A-Za-z][\w\-.]*?)\+\+(?![\w+])")

# a size after a known model: "Mamba-2 370M", "Pythia 1.4B" (not "7B-Instruct": glued on)
_SIZE = re.compile(r" \d+(?:\.\d+)?[MB](?![\w\-+])")

# a capitalised prefix glued before a known name: "Uni-" of "Uni-Perceiver", "Head-" of
# "Head-Context Parallelism"
_PREFIX = re.compile(r"(?<![\w\-.+/])[A-Z][A-Za-z0-9]{0,11}-$")

_EXTENSION = re.compile(r"^ (?:[A-Z][a-z]+|[A-Z]{2,})(?= |,|\.|;|\)|$)")


_LANGUAGE_PAIR = re.compile(r"^(?: (?:19|20)\d\d)? ([A-Z][a-z]+)-([A-Z][a-z]+)(?=[ ,.;:)]|$)")


def _extension(text: str, end: int, off: frozenset[Rule] = NONE_OFF) -> str:
    """A capitalised word glued after a known dataset name (" Relation"), a language pair
    (" German-English", " 2015 English-Vietnamese"), or ""."""
    pair = _LANGUAGE_PAIR.match(text[end: end + 40]) if KNOWN_LANGUAGE_PAIR not in off else None
    if pair and pair.group(1) in word_list("languages") and pair.group(2) in word_list("languages"):
        return pair.group(0)
    m = _EXTENSION.match(text[end: end + 30])
    if not m or m.group(0).strip() in word_list("not_part"):
        return ""
    return m.group(0)


def split_coinage(name: str, names: tuple[str, ...]) -> bool:
    """Whether ``name`` is another of ``names`` (one word) split into plain capitalised words,
    each a capital then small letters: "Fast Speech" beside "FastSpeech", "Natural Questions"
    beside "NaturalQuestions"; not "Tiny ImageNet" (a word with inner capitals), nor "flash
    attention" (written small in the gazetteer: meant to match so)."""
    words = name.split()
    if len(words) < 2 or not all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words):
        return False
    glued = "".join(words).lower()
    return any(" " not in other and other.lower() == glued for other in names)


_COINED = re.compile(r"[a-z][A-Z]|\d|^[A-Z]{2,}$")  # "AdaRound", "S4", "ECA"; not "Chain-of-Thought"
_PLAIN_WORDS = re.compile(r"^[A-Za-z][a-z]*(?:[ -][A-Za-z][a-z]*){1,2}$")  # of 2-3 words


def spelled_out(name: str, canonical: str) -> bool:
    """Whether ``name`` spells a coined ``canonical`` name out in 2-3 plain words ("Adaptive
    Rounding" of AdaRound, "Efficient Channel Attention" of ECA): in lower case, such words are a
    description ("an adaptive rounding procedure"), matched only as the gazetteer writes them.
    A longer spelling is no common phrase ("bidirectional encoder representations from
    transformers").

    >>> spelled_out("Efficient Channel Attention", "ECA"), spelled_out("zero-shot CoT", "Zero-shot-CoT")
    (True, False)
    >>> spelled_out("Chain of Thought", "Chain-of-Thought")
    False
    """
    return " " not in canonical and bool(_COINED.search(canonical)) and bool(_PLAIN_WORDS.match(name))


def defined_otherwise(pairs: list[AcronymPair], short: str, known: KnownEntity) -> bool:
    """Whether the paper defines ``short`` as something other than ``known``: each long form it
    gives that short form is none of the known names, and shares few of their words
    ("Speaker-Independent (SI)" is not Synaptic Intelligence)."""
    longs = [p.long for p in pairs if p.short == short]
    if not longs:
        return False
    keys = {match_key(n) for n in known.names}
    return all(match_key(long) not in keys and not spelled_alike(long, known) for long in longs)


class KnownNames(Batched):
    def __init__(self, nlp: Language, entries: dict[str, KnownEntity]) -> None:
        self.entries = entries
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_id_exact: dict[str, list[Doc]] = {}
        by_id_lower: dict[str, list[Doc]] = {}
        by_id_spelled: dict[str, list[Doc]] = {}  # known-spelled-out: in lower case only with it off
        with uncached(nlp):  # 30,000 names would fill the tokenizer's cache of chunks
            for e in entries.values():
                for n in e.names:
                    d = nlp.make_doc(n)
                    by_id_exact.setdefault(e.id, []).append(d)
                    if not e.ambiguous and len(d) >= 2 and len(n) >= 8 and any(c.islower() for c in n) \
                            and not split_coinage(n, e.names):
                        # a name the gazetteer writes in lower case ("flash attention") is the name in any case
                        lowered = by_id_spelled if spelled_out(n, e.name) and n != n.lower() else by_id_lower
                        lowered.setdefault(e.id, []).append(nlp.make_doc(n.lower()))
        for kid, docs in by_id_exact.items():
            self.exact.add(kid, docs)
        for kid, docs in by_id_lower.items():
            self.lower.add(kid, docs)
        self.spelled = PhraseMatcher(nlp.vocab, attr="LOWER")
        for kid, docs in by_id_spelled.items():
            self.spelled.add(kid, docs)
        self.spelled_ids = {d.text: kid for kid, docs in by_id_spelled.items() for d in docs}
        self.variants = Variants(variant_keys(entries))
        self.by_name: dict[str, KnownEntity] = {}  # each name written exactly, its entity
        for e in entries.values():
            for n in e.names if not e.ambiguous else ():
                self.by_name.setdefault(n, e)

    def successors(self, text: str) -> list[Candidate]:
        """A known name followed by "++" ("PIE-Bench++") that the gazetteer does not list: the
        successor of that name, a name of its own in its family (the tokenizer keeps "Bench++"
        whole, so the phrase matchers do not see the known name there)."""
        out = []
        for m in _SUCCESSOR.finditer(text) if "++" in text else ():
            e = self.by_name.get(m.group(1))
            if e is not None and m.group(0) not in self.by_name:
                out.append(found(KNOWN_SUCCESSOR, m.start(), m.end(), m.group(0), type=e.type, parent=e.id))
        return out

    def defined_spelled(self, doc: Doc, text: str) -> list[Candidate]:
        """The plain words spelling a coined known name out, in lower case, when the paper
        defines them as that name ("diffusion transformer (DiT)"): a name there."""
        out = []
        for p in get_ext(doc, "kg_acronyms"):
            long = p.long.lower()
            kid = self.spelled_ids.get(long) or (self.spelled_ids.get(long[:-1]) if long.endswith("s") else None)
            e = self.entries[kid] if kid else None
            if e is not None and p.long not in e.names \
                    and match_key(p.short) in {match_key(n) for n in e.names}:
                out.append(found(GAZETTEER, p.long_start, p.long_end, p.long, type=e.type, kb_id=e.id,
                                 parent=e.parent))
        return out

    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        matches: list[tuple[int, int, int]] = []
        if GAZETTEER not in off:
            matches += self.exact(doc)
        if GAZETTEER_LOWERCASE not in off:
            matches += self.lower(doc)
            if KNOWN_SPELLED_OUT in off:
                matches += self.spelled(doc)
        out = candidates(doc)
        text = doc_text(doc)
        # the matches as (start, end) characters, without a Span each (some three a doc): a
        # match's first and last tokens
        chars: dict[tuple[int, int], tuple[int, int]] = {}
        for _, start, end in matches:
            if (start, end) not in chars:
                last = doc[end - 1]
                chars[start, end] = (doc[start].idx, last.idx + len(last))
        strings = doc.vocab.strings
        pairs: list[AcronymPair] = (get_ext(doc, "kg_acronyms") or []) if KNOWN_DEFINED_OTHERWISE not in off else []
        for match_id, start, end in filter_matches(matches):
            e = self.entries[strings[match_id]]
            start_char, end_char = chars[start, end]
            if pairs and defined_otherwise(pairs, text[start_char:end_char], e):
                continue  # the paper's own definition of the short form says what it is
            pre = _PREFIX.search(text, max(0, start_char - 13), start_char) \
                if KNOWN_PREFIXED not in off and not e.ambiguous else None
            if pre and text[start_char:end_char] in e.names \
                    and not _inside_longer_word(text, pre.start(), end_char, off):
                # "Uni-Perceiver": a known name with a prefix is a named variant of it
                out.append(found(KNOWN_PREFIXED, pre.start(), end_char, text[pre.start():end_char],
                                 type=e.type, parent=e.id))
                continue
            if KNOWN_GLUED not in off and _inside_longer_word(text, start_char, end_char, off):
                continue  # "LLaVA-1.5" inside "LLaVA-1.5-7B": the shape rule takes the whole name
            size = _SIZE.match(text, end_char) if e.type == "model" and KNOWN_SIZED not in off else None
            if size:
                # "Mamba-2 370M": a sized checkpoint of a known model is a model of its own
                out.append(found(KNOWN_SIZED, start_char, size.end(), text[start_char:size.end()],
                                 type="model", parent=e.id))
                continue
            ambiguous = e.ambiguous and GAZETTEER_AMBIGUOUS not in off
            if ambiguous and (start == 0 or doc[start].is_sent_start):
                continue
            ext = (_extension(text, end_char, off)
                   if e.type == "dataset" and not e.ambiguous and KNOWN_PART not in off else "")
            if ext:
                # "Visual Genome Relation": a named part of a known dataset is its own dataset
                stop = end_char + len(ext)
                out.append(found(KNOWN_PART, start_char, stop, text[start_char:stop],
                                 type="dataset", parent=e.id))
                continue
            out.append(found(GAZETTEER_AMBIGUOUS if ambiguous else GAZETTEER, start_char,
                             end_char, text[start_char:end_char], type=e.type, kb_id=e.id, parent=e.parent))
        if KNOWN_SUCCESSOR not in off:
            out.extend(self.successors(text))
        if KNOWN_SPELLED_OUT not in off and GAZETTEER_LOWERCASE not in off:
            out.extend(self.defined_spelled(doc, text))
        if KNOWN_VARIANT not in off:
            taken = [chars[start, end] for _, start, end in matches]
            for start_char, end_char, kid in variant_spans(text, self.variants, taken):
                e = self.entries[kid]
                out.append(found(KNOWN_VARIANT, start_char, end_char, text[start_char:end_char], type=e.type,
                                 kb_id=e.id, parent=e.parent))
        return doc


def filter_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The (match_id, start, end) matches that spaCy's ``filter_spans`` keeps of their spans,
    in its order: the (first) longest of overlapping ones, sorted by start."""
    ranked = sorted(matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
    kept = []
    seen: set[int] = set()
    for m in ranked:
        if m[1] not in seen and m[2] - 1 not in seen:
            kept.append(m)
            seen.update(range(m[1], m[2]))
    return sorted(kept, key=lambda m: m[1])


@Language.factory("kg_known")
def make_known_names(nlp: Language, name: str) -> KnownNames:
    register_extensions()
    return KnownNames(nlp, gazetteer())
