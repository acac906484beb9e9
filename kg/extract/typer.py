"""Component ``kg_typing``: method, model or dataset for every candidate.

In order of trust: the gazetteer (the name itself, or the family of a variant:
"MogaNet-B" is a variant of a known MogaNet), the head word of the name or of
its long form ("Harmonix Set" -> dataset), the word right after it ("the X
dataset"), the name's shape ("...Net" -> model, "...Bench" -> dataset), then a
default by role.
"""

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import Batched, Candidate, candidates, doc_text, register_extensions
from kg.extract.lexicon import (
    KnownEntity,
    apposition_type,
    context_type,
    gazetteer,
    head_type,
    last_word_type,
    morpheme_type,
)
from kg.extract.rules import (
    ACRONYM_OTHER_MEANING,
    ACRONYM_OVER_KNOWN,
    APPOSITION_AFTER,
    APPOSITION_BEFORE,
    BASE_NAME,
    COINED_CASE,
    COINED_DEFAULT,
    DATASET_BEFORE,
    DATASET_SHAPE,
    DATASET_SUFFIX,
    FAMILY_OTHER_MEANING,
    FAMILY_SIZED,
    KNOWN_AMBIGUOUS_SHAPE,
    KNOWN_CONTRADICTED,
    KNOWN_MEANS_USED,
    KNOWN_OVER_LIST_HEAD,
    KNOWN_PREFIX,
    LIST_HEAD,
    LIST_SPREAD,
    MEANS_UNTYPED,
    MODEL_SHAPE,
    MORPHEME,
    NAMED_VARIANT,
    NEXT_WORD,
    NEXT_WORD_MODEL,
    NONE_OFF,
    ONE_TYPE,
    SIZED_MODEL,
    SIZED_VARIANTS,
    TYPE_DEFAULT,
    TYPE_FAMILY,
    TYPE_HEAD,
    TYPE_KNOWN,
    Found,
    Rule,
    Typed,
)
from kg.extract.windows import before_apposition, dataset_before, list_head
from kg.keys import FLAVOURS
from kg.keys import SIZE_VARIANT as _SIZE_VARIANT
from kg.keys import VARIANT_SUFFIX as _VARIANT_SUFFIX
from kg.keys import match_key as norm

# a parameter count before a flavour: "X-3B-Chat", "X-7B-Instruct"
_SIZED_FLAVOUR = re.compile(rf"[-_ ]\d+(?:\.\d+)?[BM][-_ ](?:{'|'.join(FLAVOURS)})$")
_NEXT_WORD = re.compile(r"^[\s\-]*(?:\([^()]{1,40}\)\s*)?([A-Za-z][\w\-]*)")
# "a new image-grounded dataset, X" / "the benchmark X" / "a method called X"
_DETERMINER = re.compile(r"\b(?:the|a|an|our|this|these|its|their)\s+$", re.IGNORECASE)


_MODEL_SHAPE = re.compile(r"(?:Net|NET|net|GPT|LLM|BERT|LLaMA|Llama|LLaVA|Qwen|VLM|LM|GAN|Diffusion|Coder|[-_ ]\d+(?:\.\d+)?[BM])$|GPT|LLaMA|LLaVA|BERT")
_DATASET_SUFFIX = re.compile(r"(?:Bench|bench|BENCH|Eval|EVAL|-\d+[kK]|Arena|Corpus)$")
_DATASET_SHAPE = re.compile(r"(?:Bench|bench|BENCH|QA|Eval|EVAL|Set|Corpus|-\d+[kK]|Arena|Suite|Data)$")
_INNER_CAP = re.compile(r"[a-z][A-Z]")
_COORD = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|vs\.?|versus)\s+|\s*/\s*)$")


class Index:
    """Gazetteer lookup by normalised name."""

    def __init__(self, entries: dict[str, KnownEntity]) -> None:
        self.entries = entries
        self.by_key: dict[str, KnownEntity] = {}
        for e in entries.values():
            for n in e.names:
                self.by_key.setdefault(norm(n), e)
        # pure (the index does not change): a paper names its candidates again and again, and
        # the suffix patterns, tried at every position of the name, were most of the typer's
        # gazetteer step
        self.family = lru_cache(maxsize=1 << 16)(self._family)

    def lookup(self, name: str) -> KnownEntity | None:
        return self.by_key.get(norm(name))

    def written_otherwise(self, name: str) -> bool:
        """Whether ``name``, with an inner capital, matches a known name only with its case
        changed, every spelling of that key being in capitals: "CoCo" is not COCO.

        >>> Index(gazetteer()).written_otherwise("CoCo"), Index(gazetteer()).written_otherwise("COCO")
        (True, False)
        """
        key = norm(name)
        e = self.by_key.get(key)
        spelled = [n for n in e.names if norm(n) == key] if e is not None else []
        return bool(spelled) and name not in spelled and _INNER_CAP.search(name) is not None and all(n.isupper() for n in spelled)

    def _family(self, name: str, off: frozenset[Rule] = NONE_OFF) -> KnownEntity | None:
        """The known entity a variant name derives from: "Mamba-3B" -> Mamba (``family``)."""
        base = name
        for _ in range(3):
            stripped = _VARIANT_SUFFIX.sub("", base).rstrip("-_ ")
            if not stripped or stripped == base or len(stripped) < 2:
                break
            e = self.lookup(stripped)
            # an ambiguous family name ("Mamba") counts only written exactly as known
            if e is not None and (not e.ambiguous or stripped in e.names):
                return e
            base = stripped
        # a named variant of a known name: "Flickr30k-Order", "LeNet-5-Caffe"
        head, sep, _ = name.rpartition("-")
        if sep and len(head) >= 3 and NAMED_VARIANT not in off:
            e = self.lookup(head)
            if e is not None and (not e.ambiguous or head in e.names):
                return e
        return None


_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset({"a", "an", "and", "as", "by", "for", "in", "of", "on", "the", "to", "via", "with"})


def _words(name: str) -> set[str]:
    return {w for w in _WORD.findall(name.lower()) if w not in _FILLER}


def spelled_alike(long_form: str, known: KnownEntity) -> bool:
    """Whether at least half the words of a paper's long form are words of the known names."""
    words = _words(long_form)
    theirs = set().union(*(_words(n) for n in known.names))
    return not words or 2 * len(words & theirs) >= len(words)


def _spelled_otherwise(long_form: str, known: KnownEntity) -> bool:
    """Whether a paper's long form says its name is not ``known``: by its head word's type
    or by sharing too few words with the known names."""
    defined = last_word_type(long_form)
    return bool(defined and defined != known.type) or not spelled_alike(long_form, known)


def _known(c: Candidate, index: Index, off: frozenset[Rule]) -> KnownEntity | None:
    """The known entity a candidate names, if the paper does not say otherwise."""
    known = index.lookup(c.text) or (index.lookup(c.long_form) if c.long_form else None)
    if known is not None and c.long_form and KNOWN_CONTRADICTED not in off \
            and index.lookup(c.long_form) is None:
        defined = last_word_type(c.long_form)
        if defined and defined != known.type:
            return None  # "interactive channel transformation (ICON)" is not the known ICON
        if c.source == Found.ACRONYM and ACRONYM_OTHER_MEANING not in off \
                and not spelled_alike(c.long_form, known):
            return None  # "Visual Attention Redistribution (VAR)" is not Visual AutoRegressive modeling
    if known is not None and known.ambiguous and c.source == Found.SHAPE \
            and KNOWN_AMBIGUOUS_SHAPE not in off:
        return None
    return known


def _by_what_is_known(c: Candidate, index: Index, off: frozenset[Rule],
                      own: frozenset[str]) -> Candidate | None:
    known = _known(c, index, off) if TYPE_KNOWN not in off and c.text not in own else None
    if known is not None:
        # a known means is not new
        role = "used" if c.source == Found.MEANS and KNOWN_MEANS_USED not in off else c.role
        return c.typed(TYPE_KNOWN, known.type, kb_id=c.kb_id or known.id, parent=known.parent, role=role)
    fam = index.family(c.text, off) if TYPE_FAMILY not in off else None
    if fam is not None and c.long_form and FAMILY_OTHER_MEANING not in off \
            and _spelled_otherwise(c.long_form, fam):
        fam = None
    if fam is not None:
        # a sized checkpoint of a family is a model, whatever the family is ("Mamba-3B")
        sized = FAMILY_SIZED not in off and _SIZE_VARIANT.search(c.text)
        return c.typed(TYPE_FAMILY, "model" if sized else fam.type, parent=fam.id)
    return None


def _by_what_is_said(c: Candidate, text: str, off: frozenset[Rule]) -> Candidate | None:
    if DATASET_SUFFIX not in off and _DATASET_SUFFIX.search(c.text):
        return c.typed(DATASET_SUFFIX, "dataset")
    # what the text says the name is: "X, a new dataset of ...", "a new dataset, X"
    t = apposition_type(text[c.end: c.end + 120]) if APPOSITION_AFTER not in off else None
    if t:
        return c.typed(APPOSITION_AFTER, t)
    if APPOSITION_BEFORE not in off:
        b = before_apposition().search(text[max(0, c.start - 80): c.start])
        t = context_type(b.group(1)) if b else None
        if t:
            return c.typed(APPOSITION_BEFORE, t)
    return None


def _by_its_words(c: Candidate, index: Index, off: frozenset[Rule]) -> Candidate | None:
    if MORPHEME not in off and c.source in _COINED and " " not in c.text:
        t = morpheme_type(c.text)
        if t:
            return c.typed(MORPHEME, t)
    words = c.text.split()
    if len(words) >= 2 and KNOWN_PREFIX not in off:
        # a name that extends a known dataset: "Switchboard Coherence", "Visual Genome Relation"
        for k in range(len(words) - 1, 0, -1):  # longest known prefix first
            prefix = " ".join(words[:k])
            e = index.lookup(prefix)
            if e is not None and e.type == "dataset" and not e.ambiguous and prefix in e.names \
                    and len(prefix) >= 4:
                return c.typed(KNOWN_PREFIX, "dataset", parent=e.id)
    # the name's own head word: "Harmonix Set", "Causal Mediation Analysis"
    for phrase in (c.text, c.long_form or "") if TYPE_HEAD not in off else ():
        pw = phrase.split()
        if len(pw) >= 2:
            t = head_type(pw[-1].split("-")[-1])
            if t:
                return c.typed(TYPE_HEAD, t)
    if SIZED_MODEL not in off and (_SIZE_VARIANT.search(c.text) or _SIZED_FLAVOUR.search(c.text)) \
            and c.source in _NAMED:
        return c.typed(SIZED_MODEL, "model")
    return None


def _by_its_neighbours(c: Candidate, text: str, off: frozenset[Rule]) -> Candidate | None:
    nxt = _NEXT_WORD.match(text[c.end: c.end + 40]) if NEXT_WORD not in off else None
    if nxt:
        t = context_type(nxt.group(1))
        if t == "model" and NEXT_WORD_MODEL not in off \
                and not _DETERMINER.search(text[max(0, c.start - 12): c.start]):
            t = None  # "CoI models" are models trained with CoI; "the X model" is a model
        if t:
            return c.typed(NEXT_WORD, t)
    if DATASET_SHAPE not in off and _DATASET_SHAPE.search(c.text):
        return c.typed(DATASET_SHAPE, "dataset")
    if MODEL_SHAPE not in off and _MODEL_SHAPE.search(c.text):
        return c.typed(MODEL_SHAPE, "model")
    before = text[max(0, c.start - 120): c.start]
    lh = list_head(before) if LIST_HEAD not in off else None
    if lh and context_type(lh.group(1)):
        return c.typed(LIST_HEAD, context_type(lh.group(1)))
    if DATASET_BEFORE not in off and dataset_before(before[-80:]):
        return c.typed(DATASET_BEFORE, "dataset")
    return None


_WEAK_CUES = (Typed.CONTEXT, Typed.SHAPE)  # the words around a name, its shape
_COINED = (Found.SHAPE, Found.TITLE, Found.NAMING, Found.LIST, Found.ACRONYM)
_NAMED = (Found.SHAPE, Found.TITLE, Found.NAMING)


def guess_type(c: Candidate, text: str, index: Index, off: frozenset[Rule] = NONE_OFF,
               own: frozenset[str] = frozenset()) -> Candidate:
    """The type of one candidate, from the most trusted evidence there is; the names of ``own``
    are the paper's, whatever known name they match."""
    if c.type and c.type_source == Typed.GAZETTEER:
        return c
    typed = (_by_what_is_known(c, index, off, own) or _by_what_is_said(c, text, off)
             or _by_its_words(c, index, off) or _by_its_neighbours(c, text, off))
    if c.source == Found.MEANS and MEANS_UNTYPED not in off and not c.text.endswith("ing") \
            and (typed is None or typed.type_source in _WEAK_CUES):
        return c  # "via Random Binary Sequences": no word says it is a thing, nor an act ("... Recycling")
    if typed is not None or TYPE_DEFAULT in off:
        return typed or c
    # a method, even a coined single word used in passing: the known models are the gazetteer's,
    # and what is left of those words is more often an operation, a kernel or a tool (read on
    # the training folds: 13 methods, 5 models, 9 no entity, when the default made them models)
    return c.typed(TYPE_DEFAULT, "method")


def _strength(c: Candidate, off: frozenset[Rule]) -> float:
    if c.source in (Found.ACRONYM, Found.TITLE) and c.type_source == Typed.DEFAULT \
            and COINED_DEFAULT not in off:
        return COINED_DEFAULT.strength  # a coined name defined or titled here outranks a guess by shape
    return c.typed_by.strength if c.typed_by else 0


_WEAK = (Typed.DEFAULT, Typed.SHAPE)


def consolidate(cands: list[Candidate], off: frozenset[Rule] = NONE_OFF) -> list[Candidate]:
    """One name, one type in a paper: weakly typed mentions ("CoI" typed by default) take the
    type of the best-evidenced mention of the same name, or of the name they are built on
    ("CoI-tuning" from "CoI")."""
    # the paper's own definition of an acronym overrides the gazetteer's entity of that spelling
    defined = {norm(c.text): c for c in cands if c.source == Found.ACRONYM and c.long_form
               and c.kb_id is None and c.type_source != Typed.GAZETTEER}
    for i, c in enumerate(cands):
        d = defined.get(norm(c.text)) if ACRONYM_OVER_KNOWN not in off else None
        if d is not None and d.type != c.type and (c.source == Found.GAZETTEER
                                                   or (c.type_source == Typed.GAZETTEER and c.kb_id)):
            cands[i] = c.with_(type=d.type, kb_id=None, parent=None, typed_by=ACRONYM_OVER_KNOWN,
                               long_form=d.long_form)
    best: dict[str, Candidate] = {}
    for c in cands:
        for key in filter(None, (norm(c.text), norm(c.long_form or ""))):
            if key not in best or _strength(c, off) > _strength(best[key], off):
                best[key] = c
    sized_bases = {norm(_SIZE_VARIANT.sub("", c.text)) for c in cands
                   if c.type == "model" and _SIZE_VARIANT.search(c.text)} if SIZED_VARIANTS not in off else set()
    for i, c in enumerate(cands):
        if c.type_source in _WEAK and norm(c.text) in sized_bases and c.type != "model":
            # a name with sized variants in the paper ("OverLoCK-T", "OverLoCK-S") is a model
            cands[i] = c.with_(type="model", typed_by=SIZED_VARIANTS)
            continue
        if ONE_TYPE in off or c.type_source not in (*_WEAK, Typed.CONTEXT, Typed.HEAD) \
                or _SIZE_VARIANT.search(c.text):
            continue
        ref = best.get(norm(c.text))
        rule = ONE_TYPE
        if ref is None or ref is c or _strength(ref, off) <= _strength(c, off):
            base = c.text.rsplit("-", 1)[0] if "-" in c.text and BASE_NAME not in off else ""
            ref, rule = (best.get(norm(base)) if base else None), BASE_NAME
            if ref is None or _strength(ref, off) <= _strength(c, off):
                continue
        if ref.type and ref.type != c.type:
            cands[i] = c.with_(type=ref.type, typed_by=rule)
    return cands


def _gives_type(c: Candidate, other: Candidate, off: frozenset[Rule]) -> bool:
    """Whether list member ``c`` types ``other``: one typed weakly, or by the list's head word
    when ``c`` is known ("arithmetic reasoning (GSM8K, X)")."""
    if other.type_source in _WEAK:
        return c.type_source in (Typed.GAZETTEER, Typed.FAMILY, Typed.HEAD, Typed.CONTEXT)
    return (c.type_source == Typed.GAZETTEER and other.typed_by is LIST_HEAD and c.type != other.type
            and KNOWN_OVER_LIST_HEAD not in off)


def spread_along_lists(cands: list[Candidate], text: str, off: frozenset[Rule] = NONE_OFF) -> list[Candidate]:
    """Names in one list share a type: "on MATH 500, GSM8K, AIME and AMC" with GSM8K known."""
    order = sorted(range(len(cands)), key=lambda i: cands[i].start)
    for _ in range(2):  # both directions along the list
        for a, b in zip(order, order[1:], strict=False):
            ca, cb = cands[a], cands[b]
            if not _COORD.match(text[ca.end: cb.start]):
                continue
            if _gives_type(ca, cb, off):
                cands[b] = cb.with_(type=ca.type, typed_by=LIST_SPREAD)
            elif _gives_type(cb, ca, off):
                cands[a] = ca.with_(type=cb.type, typed_by=LIST_SPREAD)
    return cands


class Typer(Batched):
    def __init__(self, index: Index) -> None:
        self.index = index

    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        cands = candidates(doc)
        text = doc_text(doc)
        # a name the paper coins, written otherwise than the known name it matches, is its own
        own = frozenset(c.text for c in cands if c.source in (Found.TITLE, Found.NAMING)
                        and self.index.written_otherwise(c.text)) if COINED_CASE not in off else frozenset()
        for i, c in enumerate(cands):
            cands[i] = guess_type(c, text, self.index, off, own)
        if LIST_SPREAD not in off:
            spread_along_lists(cands, text, off)
        consolidate(cands, off)
        return doc


@Language.factory("kg_typing")
def make_typer(nlp: Language, name: str) -> Typer:
    register_extensions()
    return Typer(Index(gazetteer()))
