"""Component ``kg_typing``: method, model or dataset for every candidate.

In order of trust: the gazetteer (the name itself, or the family of a variant:
"MogaNet-B" is a variant of a known MogaNet), the head word of the name or of
its long form ("Harmonix Set" -> dataset), the word right after it ("the X
dataset"), the name's shape ("...Net" -> model, "...Bench" -> dataset), then a
default by role.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import Candidate, candidates, register_extensions
from kg.extract.lexicon import KnownEntity, context_type, gazetteer, head_type
from kg.keys import SIZE_VARIANT as _SIZE_VARIANT
from kg.keys import VARIANT_SUFFIX as _VARIANT_SUFFIX
from kg.keys import match_key as norm

_NEXT_WORD = re.compile(r"^[\s\-]*(?:\([^()]{1,40}\)\s*)?([A-Za-z][\w\-]*)")
# "a new image-grounded dataset, X" / "the benchmark X" / "a method called X"
_DETERMINER = re.compile(r"\b(?:the|a|an|our|this|these|its|their)\s+$", re.IGNORECASE)
_BEFORE_APPOSITION = re.compile(
    r"\b(?:a|an|the|our|this|new)\s+(?:[\w\-]+\s+){0,4}?([A-Za-z][\w\-]*)\s*(?:,|:)?\s*"
    r"(?:(?:called|named|dubbed|termed|coined)\s+)?[\"“']?$")
_MODEL_SHAPE = re.compile(r"(?:Net|NET|net|GPT|LLM|BERT|LLaMA|Llama|LLaVA|Qwen|VLM|LM|GAN|Diffusion|Coder|[-_ ]\d+(?:\.\d+)?[BM])$|GPT|LLaMA|LLaVA|BERT")
_DATASET_SUFFIX = re.compile(r"(?:Bench|bench|BENCH|Eval|EVAL|-\d+[kK]|Arena|Corpus)$")
_DATASET_SHAPE = re.compile(r"(?:Bench|bench|BENCH|QA|Eval|EVAL|Set|Corpus|-\d+[kK]|Arena|Suite|Data)$")
_DATASET_BEFORE = re.compile(
    r"(?:\b(?:on|across|over)\s+(?:the\s+)?(?:(?:challenging|popular|standard|public|large-scale|widely[- ]used)\s+)?$"
    r"|\b(?:datasets?|benchmarks?|corpora|corpus)\s*(?:,|such as|like|including|:|\()\s*(?:[\w\-\.]+\s*,\s*)*(?:and\s+)?$)",
    re.IGNORECASE)


# "two algorithms (Edge-Popup and Biprop)", "datasets such as X, Y and", "benchmarks: X"
_LIST_HEAD = re.compile(
    r"\b([A-Za-z][\w\-]*)\s*(?:\(|:|,?\s+(?:such as|including|like|e\.g\.,?|namely|i\.e\.,?)\s+)"
    r"(?:[^.;()]*?(?:,|\band\b|\bor\b)\s*)?$")
_COORD = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|vs\.?|versus)\s+|\s*/\s*)$")


# "X (Y), a new dataset of ...", "X, a simple prompting method", "X is a benchmark"
_APPOSITION = re.compile(
    r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*|\s+(?:is|as)\s+)(?:a|an|the|our)\s+((?:[\w\-]+\s+){0,6}?[\w\-]+)\b")


# the last part of a coined CamelCase name says what it is: "DWConv", "FasterNet", "MMBench"
_MORPHEME = re.compile(r"([A-Z][a-z]+|[A-Z]{2,})s?$")
_MORPHEMES = {
    "model": {"Net", "GPT", "LM", "LLM", "BERT", "ViT", "GAN", "VAE", "CLIP", "VLM", "LLaMA", "Llama"},
    "method": {"Conv", "Attn", "Norm", "Pool", "Loss", "Drop", "Dropout", "Prune", "Quant", "Mix",
               "Tune", "Tuning", "Prompt", "Search", "Merge", "Decode", "Sampler", "Aug", "Align",
               "Distill", "Cut", "Edit", "Steer", "Route", "Fusion", "Gate", "Cache", "KV", "Opt",
               "Attention", "Embed", "Encoding", "Pruning", "Sampling", "Decoding"},
    "dataset": {"Bench", "Eval", "QA", "Set", "Data", "Corpus", "Arena", "Instruct"},
}


def morpheme_type(name: str) -> str | None:
    """The type a coined name's last part implies.

    >>> morpheme_type("DWConv"), morpheme_type("PATNet"), morpheme_type("MMBench")
    ('method', 'model', 'dataset')
    """
    last = name.rsplit("-", 1)[-1]
    m = _MORPHEME.search(last)
    if not m or m.group(1) == last:
        return None  # a plain word is not a coined name's part
    for t, parts in _MORPHEMES.items():
        if m.group(1) in parts:
            return t
    return None


def apposition_type(after: str) -> str | None:
    """The type an apposition gives: the first head word in it."""
    m = _APPOSITION.match(after)
    if not m:
        return None
    for word in m.group(1).split():
        t = head_type(word.split("-")[-1])
        if t:
            return t
    return None


class Index:
    """Gazetteer lookup by normalised name."""

    def __init__(self, entries: dict[str, KnownEntity]) -> None:
        self.entries = entries
        self.by_key: dict[str, KnownEntity] = {}
        for e in entries.values():
            for n in e.names:
                self.by_key.setdefault(norm(n), e)

    def lookup(self, name: str) -> KnownEntity | None:
        return self.by_key.get(norm(name))

    def family(self, name: str) -> KnownEntity | None:
        """The known entity a variant name derives from: "Mamba-3B" -> Mamba."""
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
        if sep and len(head) >= 3:
            e = self.lookup(head)
            if e is not None and (not e.ambiguous or head in e.names):
                return e
        return None


def guess_type(c: Candidate, text: str, index: Index) -> Candidate:
    if c.type and c.type_source == "gazetteer":
        return c
    known = index.lookup(c.text) or (index.lookup(c.long_form) if c.long_form else None)
    if known is not None and c.long_form and index.lookup(c.long_form) is None:
        defined = head_type(c.long_form.split()[-1].split("-")[-1])
        if defined and defined != known.type:
            known = None  # "interactive channel transformation (ICON)" is not the known ICON
    if known is not None and not (known.ambiguous and c.source == "shape"):
        role = "used" if c.source == "means" else c.role  # a known means is not new
        return c.with_(type=known.type, kb_id=c.kb_id or known.id, parent=known.parent, role=role,
                       type_source="gazetteer", confidence=max(c.confidence, 0.9))
    fam = index.family(c.text)
    if fam is not None:
        # a sized checkpoint of a family is a model, whatever the family is ("Mamba-3B")
        ftype = "model" if _SIZE_VARIANT.search(c.text) else fam.type
        return c.with_(type=ftype, parent=fam.id, type_source="family",
                       confidence=max(c.confidence, 0.85))
    if _DATASET_SUFFIX.search(c.text):
        return c.with_(type="dataset", type_source="shape", confidence=max(c.confidence, 0.7))
    # what the text says the name is: "X, a new dataset of ...", "a new dataset, X"
    t = apposition_type(text[c.end: c.end + 120])
    if not t:
        b = _BEFORE_APPOSITION.search(text[max(0, c.start - 80): c.start])
        t = context_type(b.group(1)) if b else None
    if t:
        return c.with_(type=t, type_source="apposition", confidence=max(c.confidence, 0.75))
    if c.source in ("shape", "title", "naming", "list", "acronym") and " " not in c.text:
        t = morpheme_type(c.text)
        if t:
            return c.with_(type=t, type_source="shape")
    words = c.text.split()
    if len(words) >= 2:
        # a name that extends a known dataset: "Switchboard Coherence", "Visual Genome Relation"
        for k in range(len(words) - 1, 0, -1):  # longest known prefix first
            prefix = " ".join(words[:k])
            e = index.lookup(prefix)
            if e is not None and e.type == "dataset" and not e.ambiguous and prefix in e.names \
                    and len(prefix) >= 4:
                return c.with_(type="dataset", parent=e.id, type_source="family")
    # the name's own head word: "Harmonix Set", "Causal Mediation Analysis"
    for phrase in (c.text, c.long_form or ""):
        pw = phrase.split()
        if len(pw) >= 2:
            t = head_type(pw[-1].split("-")[-1])
            if t:
                return c.with_(type=t, type_source="head")
    if _SIZE_VARIANT.search(c.text) and c.source in ("shape", "title", "naming"):
        return c.with_(type="model", type_source="shape")
    nxt = _NEXT_WORD.match(text[c.end: c.end + 40])
    if nxt:
        t = context_type(nxt.group(1))
        if t == "model" and not _DETERMINER.search(text[max(0, c.start - 12): c.start]):
            t = None  # "CoI models" are models trained with CoI; "the X model" is a model
        if t:
            return c.with_(type=t, type_source="context", confidence=max(c.confidence, 0.7))
    if _DATASET_SHAPE.search(c.text):
        return c.with_(type="dataset", type_source="shape")
    if _MODEL_SHAPE.search(c.text):
        return c.with_(type="model", type_source="shape")
    before = text[max(0, c.start - 120): c.start]
    lh = _LIST_HEAD.search(before)
    if lh and context_type(lh.group(1)):
        return c.with_(type=context_type(lh.group(1)), type_source="context")
    if _DATASET_BEFORE.search(before[-80:]):
        return c.with_(type="dataset", type_source="context")
    # a coined single word used in passing is most often a model; a phrase or a definition, a method
    default = "method" if c.role == "proposed" or c.source in ("acronym", "phrase", "means") else "model"
    return c.with_(type=default, type_source="default")


_STRENGTH = {"gazetteer": 6, "family": 5, "apposition": 5, "head": 3, "context": 2, "shape": 1,
             "default": 0}


def consolidate(cands: list[Candidate]) -> list[Candidate]:
    """One name, one type in a paper: weakly typed mentions ("CoI" typed by default) take the
    type of the best-evidenced mention of the same name, or of the name they are built on
    ("CoI-tuning" from "CoI")."""
    def strength(c: Candidate) -> float:
        if c.source in ("acronym", "title") and c.type_source == "default":
            return 1.5  # a coined name defined or titled here outranks a guess by shape
        return _STRENGTH.get(c.type_source, 0)

    # the paper's own definition of an acronym overrides the gazetteer's entity of that spelling
    defined = {norm(c.text): c for c in cands if c.source == "acronym" and c.long_form
               and c.kb_id is None and c.type_source != "gazetteer"}
    for i, c in enumerate(cands):
        d = defined.get(norm(c.text))
        if c.source == "gazetteer" and d is not None and d.type != c.type:
            cands[i] = c.with_(type=d.type, kb_id=None, parent=None, type_source="apposition",
                               long_form=d.long_form)
    best: dict[str, Candidate] = {}
    for c in cands:
        for key in filter(None, (norm(c.text), norm(c.long_form or ""))):
            if key not in best or strength(c) > strength(best[key]):
                best[key] = c
    sized_bases = {norm(_SIZE_VARIANT.sub("", c.text)) for c in cands
                   if c.type == "model" and _SIZE_VARIANT.search(c.text)}
    for i, c in enumerate(cands):
        if c.type_source in ("default", "shape") and norm(c.text) in sized_bases and c.type != "model":
            # a name with sized variants in the paper ("OverLoCK-T", "OverLoCK-S") is a model
            cands[i] = c.with_(type="model", type_source="family")
            continue
        if c.type_source not in ("default", "shape", "context", "head") or _SIZE_VARIANT.search(c.text):
            continue
        ref = best.get(norm(c.text))
        if c.type_source == "head" and (ref is None or strength(ref) < 5):
            continue  # a head word yields only to what the paper states ("a new dataset, X")
        if ref is None or ref is c or strength(ref) <= strength(c):
            base = c.text.rsplit("-", 1)[0] if "-" in c.text else ""
            ref = best.get(norm(base)) if base else None
            if ref is None or strength(ref) <= strength(c):
                continue
        if ref.type and ref.type != c.type:
            cands[i] = c.with_(type=ref.type, type_source="context")
    return cands


def spread_along_lists(cands: list[Candidate], text: str) -> list[Candidate]:
    """Names in one list share a type: "on MATH 500, GSM8K, AIME and AMC" with GSM8K known."""
    order = sorted(range(len(cands)), key=lambda i: cands[i].start)
    strong = ("gazetteer", "family", "head", "context")
    for _ in range(2):  # both directions along the list
        for a, b in zip(order, order[1:], strict=False):
            ca, cb = cands[a], cands[b]
            if not _COORD.match(text[ca.end: cb.start]):
                continue
            if ca.type_source in strong and cb.type_source in ("default", "shape"):
                cands[b] = cb.with_(type=ca.type, type_source="context")
            elif cb.type_source in strong and ca.type_source in ("default", "shape"):
                cands[a] = ca.with_(type=cb.type, type_source="context")
    return cands


class Typer:
    def __init__(self, index: Index) -> None:
        self.index = index

    def __call__(self, doc: Doc) -> Doc:
        cands = candidates(doc)
        text = doc.text  # spaCy rebuilds doc.text on every access
        for i, c in enumerate(cands):
            cands[i] = guess_type(c, text, self.index)
        spread_along_lists(cands, text)
        consolidate(cands)
        return doc


@Language.factory("kg_typing")
def make_typer(nlp: Language, name: str) -> Typer:
    register_extensions()
    return Typer(Index(gazetteer()))
