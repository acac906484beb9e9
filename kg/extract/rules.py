"""Every hand rule of the extraction, in one table that all components read.

A rule is a frozen :class:`Rule`: its name, what it does, and the figures the
components take from it (the priority that settles overlaps, the confidence it
gives, whether its names are the paper's own contribution, how much its type
evidence weighs). Components reference the entries below, never a name or a
figure of their own, and skip a rule whose entry is in the ``off`` set they are
given (:func:`switched_off`), so a test can show what each rule is worth.

Candidates record the rule that found them and the rule that typed them; the
labels they carry (``source``, ``type_source``) are the coarser kinds below.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.errors import FormatError


class Found:
    """Kinds of finder rules: a candidate's ``source``, written out as a mention's ``sources``."""

    GAZETTEER = "gazetteer"
    TITLE = "title"
    NAMING = "naming"
    ACRONYM = "acronym"
    MEANS = "means"
    PHRASE = "phrase"
    SHAPE = "shape"
    LIST = "list"
    RECALL = "recall"


class Typed:
    """Kinds of type evidence: a candidate's ``type_source``."""

    GAZETTEER = "gazetteer"
    FAMILY = "family"
    APPOSITION = "apposition"
    HEAD = "head"
    CONTEXT = "context"
    SHAPE = "shape"
    DEFAULT = "default"


# a finder of at least this priority found a name by what the text says, and a longer
# candidate of a weaker finder (a bare shape or phrase) never hides it
STRONG_PRIORITY = 4
MAX_CONFIDENCE = 0.99


@dataclass(frozen=True, eq=False)
class Rule:
    """One hand rule. Compared by identity: the entries below are the only instances."""

    name: str
    does: str
    component: str
    source: str = ""  # finders: the kind of the candidates it finds (Found)
    priority: int = 0  # finders: of two overlapping candidates, the higher wins
    confidence: float | None = None  # the confidence it gives, or raises a candidate to
    proposes: bool = False  # its names are the paper's own contribution
    evidence: str = ""  # typing: the kind of evidence it is (Typed)
    strength: float = 0.0  # typing: how far one-type-per-name trusts it
    weight: float = 0.0  # typing: its vote when the candidates of one mention disagree

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (rule, (self.name,))  # unpickled as the table's own entry (spaCy's n_process)


def _rule(name: str, does: str, component: str, **kw: Any) -> Rule:
    entry = Rule(name, does, component, **kw)
    if entry.name in _TABLE:
        raise ValueError(f"two rules named {entry.name!r}")
    _TABLE[entry.name] = entry
    return entry


_TABLE: dict[str, Rule] = {}
_GAZ = {"evidence": Typed.GAZETTEER, "strength": 6, "weight": 4.0}
_FAMILY = {"evidence": Typed.FAMILY, "strength": 5, "weight": 3.0}
_APPOSITION = {"evidence": Typed.APPOSITION, "strength": 5, "weight": 3.0}
_HEAD = {"evidence": Typed.HEAD, "strength": 3, "weight": 2.0}
_CONTEXT = {"evidence": Typed.CONTEXT, "strength": 2, "weight": 1.5}
_SHAPE = {"evidence": Typed.SHAPE, "strength": 1, "weight": 1.0}

# The table itself, one _rule(...) call per rule, grouped by component: the entries look
# alike because they are data (a duplicate finder lists them), not repeated logic.

# kg_known ---------------------------------------------------------------------------
GAZETTEER = _rule("gazetteer", "a name the gazetteer knows, matched with its case", "kg_known",
                  source=Found.GAZETTEER, priority=6, confidence=0.95, **_GAZ)
GAZETTEER_LOWERCASE = _rule(
    "gazetteer-lowercase", "a known name of 2+ words and 8+ characters also matches in lower case",
    "kg_known")
GAZETTEER_AMBIGUOUS = _rule(
    "gazetteer-ambiguous", "a known name that is an ordinary word (\"Flux\") counts only "
    "mid-sentence, and less surely", "kg_known", source=Found.GAZETTEER, priority=6, confidence=0.75,
    **_GAZ)
KNOWN_VARIANT = _rule(
    "known-variant", "a known name written with other case, hyphens or spaces (\"Claude-3.5 Sonnet\" "
    "for \"Claude 3.5 Sonnet\", \"imagenet\"), when the known name is coined (an inner capital "
    "or a digit), 5+ letters long and no ordinary word", "kg_known", source=Found.GAZETTEER, priority=6,
    confidence=0.85, **_GAZ)
KNOWN_GLUED = _rule(
    "known-glued", "a known name glued inside a longer word (\"LLaVA-1.5\" in \"LLaVA-1.5-7B\") "
    "is left to the shape rule", "kg_known")
KNOWN_PART = _rule(
    "known-part", "a capitalised word after a known dataset names a part of it, a dataset of its "
    "family (\"Visual Genome Relation\")", "kg_known", source=Found.GAZETTEER, priority=6,
    confidence=0.8, **_FAMILY)
KNOWN_LANGUAGE_PAIR = _rule(
    "known-language-pair", "a language pair after a known dataset, a year before it or not, names a "
    "part of it (\"WMT18 German-English\", \"IWSLT 2015 English-Vietnamese\")", "kg_known")

# kg_acronyms ------------------------------------------------------------------------
ACRONYM_INITIALS = _rule(
    "acronym-initials", "a coined acronym may take the initials of the last capitalised words in "
    "any order (\"PMCANet\")", "kg_acronyms")
ACRONYM_SHORT_FIRST = _rule(
    "acronym-short-first", "a short form may come first: \"SHORT (long form)\"", "kg_acronyms")
ACRONYM_TRIM = _rule(
    "acronym-trim", "function words and sentence openers are cut from the start of a long form",
    "kg_acronyms")

# kg_candidates: titles ---------------------------------------------------------------
TITLE_HEAD = _rule(
    "title-head", "the coined name before a title's colon (\"FlowCut: Rethinking ...\")",
    "kg_candidates", source=Found.TITLE, priority=5, confidence=0.9, proposes=True)
TITLE_OPENER = _rule(
    "title-opener", "a title opening with a framing word (\"Towards ...\", \"Rethinking ...\") "
    "names nothing before its colon", "kg_candidates")
TITLE_PLAIN_HEAD = _rule(
    "title-plain-head", "a title head of plain words is a name only in 3 words or fewer and when it "
    "is no task", "kg_candidates")
TITLE_HOOK = _rule(
    "title-hook", "a title head of plain words that the abstract never writes again and whose last "
    "word names no kind of thing (\"Order Matters: ...\", \"Show Your Work: ...\") is a hook, not a "
    "name", "kg_candidates")
TITLE_LONG_FORM = _rule(
    "title-long-form", "the title's spelling-out of its coined name is the name's long form",
    "kg_candidates")
TITLE_LAST = _rule(
    "title-last", "a name-shaped (or capitals-and-hyphens) word ending a long title after a colon",
    "kg_candidates", source=Found.TITLE, priority=5, confidence=0.9, proposes=True)
TITLE_MEANS = _rule(
    "title-means", "the capitalised means a title names (\"... with Gated State Spaces\"), when the "
    "abstract names it again", "kg_candidates", source=Found.MEANS, priority=3, confidence=0.65,
    proposes=True)

# kg_candidates: what the text says ----------------------------------------------------
NAMING = _rule(
    "naming", "the name after \"named/called/dubbed\" (\"a framework named Dentist\")",
    "kg_candidates", source=Found.NAMING, priority=5, confidence=0.85, proposes=True)
APPOSITIVE = _rule(
    "appositive", "the capitalised name a contribution sentence gives its subject "
    "(\"we present a framework, Dentist, for\")", "kg_candidates", source=Found.NAMING, priority=5,
    confidence=0.8, proposes=True)
BRACKETED_NAME = _rule(
    "bracketed-name", "a coined name in brackets right after a head noun (\"the squeezed model "
    "(SVDCNN)\"), typed by it", "kg_candidates", source=Found.NAMING, priority=5, confidence=0.7,
    **_CONTEXT)
ACRONYM = _rule(
    "acronym", "both forms of a definition whose long form is capitalised or whose short form is "
    "name-shaped", "kg_candidates", source=Found.ACRONYM, priority=4, confidence=0.8)
ACRONYM_LOWERCASE = _rule(
    "acronym-lowercase", "a lower-case long form names something only in 3+ words, or in 2 with a "
    "head word and 3+ letters", "kg_candidates", source=Found.ACRONYM, priority=4, confidence=0.6)
ACRONYM_GENERIC = _rule(
    "acronym-generic", "a definition of a generic term (\"large language models (LLMs)\") is no name",
    "kg_candidates")
ACRONYM_CATEGORY = _rule(
    "acronym-category", "a long form ending in a category is a kind, unless its short form is "
    "coined (\"HD-CNNs\")", "kg_candidates")
ACRONYM_TASK = _rule(
    "acronym-task", "a long form ending in a task word names a task, unless its short form is "
    "name-shaped", "kg_candidates")
DROPPED_SHORTS = _rule(
    "dropped-shorts", "the short form of a dropped definition is no name anywhere in the paper",
    "kg_candidates")

# kg_candidates: how names look ----------------------------------------------------------
SHAPE = _rule(
    "shape", "a word shaped like a coined or versioned name: inner capitals, letters with digits",
    "kg_candidates", source=Found.SHAPE, priority=2, confidence=0.6)
ACRONYM_PLAY = _rule(
    "acronym-play", "capitals spelling out an acronym inside words (\"temporal-coHERent\") are no "
    "name shape", "kg_candidates")
TITLE_ACRONYM_PLAY = _rule(
    "title-acronym-play", "a word whose odd capitals spell part of the title's acronym (\"INSIDE\": "
    "\"INternal\", \"hallucInation\", \"DEtection\") is no name shape", "kg_candidates")
KIND_COMPOUND = _rule(
    "kind-compound", "a word joined to a generic kind (\"Video-LLMs\") is a kind, not a name",
    "kg_candidates")
NUMBER_PAIR = _rule(
    "number-pair", "\"CIFAR-10/100\" names two: CIFAR-10 and CIFAR-100", "kg_candidates",
    source=Found.SHAPE, priority=2, confidence=0.6)
PHRASE = _rule(
    "phrase", "a capitalised phrase ending in a type head word (\"Harmonix Set\")", "kg_candidates",
    source=Found.PHRASE, priority=3, confidence=0.65, **_HEAD)
PHRASE_TWO_KINDS = _rule(
    "phrase-two-kinds", "generic kinds joined by \"and\" (\"MLP and Transformer\") are no phrase "
    "name", "kg_candidates")
PHRASE_AND = _rule(
    "phrase-and", "a capitalised phrase joined by \"and\", \"or\" or \"&\" (\"Prompt Chaining and "
    "Stepwise Prompt\") names two things: each side is a phrase of its own", "kg_candidates")
PHRASE_SENTENCE_START = _rule(
    "phrase-sentence-start", "a two-word capitalised phrase opening a sentence is no name",
    "kg_candidates")
EPONYM = _rule(
    "eponym", "an eponymous method (\"Gauss-Newton method\")", "kg_candidates", source=Found.PHRASE,
    priority=3, confidence=0.7, **_HEAD)
LIST = _rule(
    "list", "capitalised members of a list that holds a known name or follows a head noun",
    "kg_candidates", source=Found.LIST, priority=1, confidence=0.6)
LIST_MODIFIER = _rule(
    "list-modifier", "a list member followed by a model or method word (\"Residual nets\") is a "
    "modifier", "kg_candidates")
LIST_CITATION = _rule(
    "list-citation", "a list followed by a year (\"(Weston and Sukhbaatar, 2023)\", \"Smith and Jones "
    "(2020)\") names the authors of a citation", "kg_candidates")

# kg_typing: one candidate at a time, in order of trust ------------------------------------
TYPE_KNOWN = _rule(
    "type-known", "a name (or long form) the gazetteer knows takes its type and id", "kg_typing",
    confidence=0.9, **_GAZ)
KNOWN_CONTRADICTED = _rule(
    "known-contradicted", "a long form whose head word gives another type is not the known entity "
    "of that spelling", "kg_typing")
ACRONYM_OTHER_MEANING = _rule(
    "acronym-other-meaning", "an acronym the paper spells out in words that no known name of that "
    "spelling shares is the paper's own, not the known entity (\"Visual Attention Redistribution "
    "(VAR)\")", "kg_typing")
KNOWN_AMBIGUOUS_SHAPE = _rule(
    "known-ambiguous-shape", "an ordinary-word known name found only by its shape is not that entity",
    "kg_typing")
KNOWN_MEANS_USED = _rule(
    "known-means-used", "a known means in a title is used, not proposed", "kg_typing")
TYPE_FAMILY = _rule(
    "type-family", "a variant of a known name (\"MogaNet-B\") takes its family's type", "kg_typing",
    confidence=0.85, **_FAMILY)
FAMILY_OTHER_MEANING = _rule(
    "family-other-meaning", "a name the paper spells out in words no name of the family shares, "
    "or whose long form's head word gives another type, is not a variant of that family "
    "(\"Mental-Ability Reasoning Benchmark (MARB)\" is no MAR)", "kg_typing")
NAMED_VARIANT = _rule(
    "named-variant", "a named variant of a known name (\"Flickr30k-Order\", \"LeNet-5-Caffe\") is "
    "of its family too", "kg_typing")
FAMILY_SIZED = _rule(
    "family-sized", "a sized checkpoint of a family (\"Mamba-3B\") is a model", "kg_typing")
DATASET_SUFFIX = _rule(
    "dataset-suffix", "a name ending in Bench, Eval, Arena, Corpus or a size in K is a dataset",
    "kg_typing", confidence=0.7, **_SHAPE)
APPOSITION_AFTER = _rule(
    "apposition-after", "the kind an apposition states: \"X, a new dataset of ...\"", "kg_typing",
    confidence=0.75, **_APPOSITION)
APPOSITION_BEFORE = _rule(
    "apposition-before", "the kind stated before the name: \"a new dataset, X\"", "kg_typing",
    confidence=0.75, **_APPOSITION)
MORPHEME = _rule(
    "morpheme", "the last part of a coined CamelCase name (\"DWConv\", \"PATNet\", \"MMBench\")",
    "kg_typing", **_SHAPE)
KNOWN_PREFIX = _rule(
    "known-prefix", "a name extending a known dataset (\"Switchboard Coherence\") is a dataset of "
    "its family", "kg_typing", **_FAMILY)
TYPE_HEAD = _rule(
    "type-head", "the head word of a multi-word name or of its long form", "kg_typing", **_HEAD)
SIZED_MODEL = _rule(
    "sized-model", "a name with a size suffix (\"-7B\", \"-XL\") is a model", "kg_typing", **_SHAPE)
NEXT_WORD = _rule(
    "next-word", "the head word right after the name (\"the X dataset\")", "kg_typing",
    confidence=0.7, **_CONTEXT)
NEXT_WORD_MODEL = _rule(
    "next-word-model", "\"X models\" are models trained with X: only \"the X model\" makes X a model",
    "kg_typing")
DATASET_SHAPE = _rule(
    "dataset-shape", "a name ending in QA, Set, Suite, Data ... is a dataset", "kg_typing", **_SHAPE)
MODEL_SHAPE = _rule(
    "model-shape", "a name ending in Net, GPT, BERT, LM ... is a model", "kg_typing", **_SHAPE)
LIST_HEAD = _rule(
    "list-head", "the head noun before a list (\"two algorithms (X and Y)\")", "kg_typing",
    **_CONTEXT)
DATASET_BEFORE = _rule(
    "dataset-before", "\"on the X\", \"datasets such as X\": a dataset", "kg_typing", **_CONTEXT)
TYPE_DEFAULT = _rule(
    "type-default", "otherwise a method", "kg_typing",
    evidence=Typed.DEFAULT, strength=0, weight=0.3)

# kg_typing: the paper as a whole ----------------------------------------------------------
LIST_SPREAD = _rule(
    "list-spread", "names in one list share the type of a well-typed member", "kg_typing", **_CONTEXT)
ACRONYM_OVER_KNOWN = _rule(
    "acronym-over-known", "the paper's own definition of an acronym beats a known entity of another "
    "type with that spelling", "kg_typing", **_APPOSITION)
COINED_DEFAULT = _rule(
    "coined-default", "a defined or titled name typed by default outranks a guess by shape",
    "kg_typing", strength=1.5)
SIZED_VARIANTS = _rule(
    "sized-variants", "a name with sized variants in the paper (\"X-T\", \"X-S\") is a model",
    "kg_typing", **_FAMILY)
ONE_TYPE = _rule(
    "one-type", "a weakly typed name takes the type of its best-evidenced mention", "kg_typing",
    **_CONTEXT)
BASE_NAME = _rule(
    "base-name", "a weakly typed name built on another (\"CoI-tuning\" on \"CoI\") takes its type",
    "kg_typing",
    **_CONTEXT)

# kg_roles ------------------------------------------------------------------------------
DIRECT_OBJECT = _rule(
    "direct-object", "a name right after \"we propose/introduce/present/release\", even a known one",
    "kg_roles", confidence=0.85, proposes=True)
TITLE_IS_NAME = _rule(
    "title-is-name", "a title of 4 words or fewer that is the name itself (\"Mask R-CNN\")",
    "kg_roles", confidence=0.85, proposes=True)
FIRST_NEW_NAME = _rule(
    "first-new-name", "the first new name soon after a contribution cue; a method if typed by default",
    "kg_roles", confidence=0.8, proposes=True)
OWN_ACRONYM = _rule(
    "own-acronym", "a new acronym defined in the paper", "kg_roles", proposes=True)
LOWERCASE_USED = _rule(
    "lowercase-used", "a lower-case definition (\"scaled dot-product attention (SDPA)\") is a technique "
    "the paper uses unless a contribution cue names it", "kg_roles")
PRIOR_WORK = _rule(
    "prior-work", "an acronym defined in a sentence about earlier work (\"existing\", \"such as\") "
    "is not the paper's own", "kg_roles")
NAMED_AFTER = _rule(
    "named-after", "a part named after a proposed name (\"PAT_sp\" after \"PAT\")", "kg_roles",
    proposes=True)

# kg.extract.learn: candidates only a learned decider sees ---------------------------------
RECALL_CAPS = _rule(
    "recall-caps", "for the learned decider: a run of capitalised words, or one capitalised word "
    "mid-sentence, that no other finder took", "learn", source=Found.RECALL, priority=1, confidence=0.3)
RECALL_PHRASE = _rule(
    "recall-phrase", "for the learned decider: a lower-case phrase of 2-3 words ending in a technique "
    "word (\"continuous batching\", \"spectral filtering\")", "learn", source=Found.RECALL, priority=1,
    confidence=0.3)

# assembly ------------------------------------------------------------------------------
GENERIC = _rule(
    "generic", "generic categories, tasks and metrics (\"LLM\", \"dataset\") are never entities",
    "assemble")
NEVER_ENTITY = _rule(
    "never-entity", "units, scales, venues and hardware (\"PetaFLOPs\", \"100K\", \"NeurIPS\", "
    "\"8xA800\") are never entities", "assemble")
USED_TOOL = _rule(
    "used-tool", "software a paper uses as a tool (\"PyTorch\", \"CUDA\", \"MindSpore\") is no entity; "
    "proposed, it is the paper's contribution", "assemble")
STRONG_FIRST = _rule(
    "strong-first", "of overlapping candidates a strong finder's wins, then the longest, then "
    "the priority", "assemble")
SAME_SPAN = _rule(
    "same-span", "two rules finding one span: the winner keeps the other's long form and proposal",
    "assemble")
TITLE_CANONICAL = _rule(
    "title-canonical", "a title's coined name is the mention's name, not its spelled-out form",
    "assemble")
KNOWN_CANONICAL = _rule(
    "known-canonical", "a known entity's own name is the mention's name when the types agree",
    "assemble")
REPEATED = _rule(
    "repeated", "each further candidate of a mention adds this to its confidence", "assemble",
    confidence=0.03)

RULES: tuple[Rule, ...] = tuple(_TABLE.values())
NONE_OFF: frozenset[Rule] = frozenset()


def rule(name: str) -> Rule:
    """The rule of that name.

    >>> rule("title-head").proposes
    True
    """
    if name not in _TABLE:
        raise FormatError("rule", name, list(_TABLE))
    return _TABLE[name]


@lru_cache(maxsize=64)
def _switched_off(names: frozenset[str]) -> frozenset[Rule]:
    return frozenset(rule(n) for n in sorted(names))


def switched_off(names: Iterable[str] = ()) -> frozenset[Rule]:
    """The rules named, to pass as ``off``; an unknown name raises :class:`~kg.errors.FormatError`.

    >>> sorted(r.name for r in switched_off(["title-head", "shape"]))
    ['shape', 'title-head']
    """
    wanted = frozenset(names)
    return _switched_off(wanted) if wanted else NONE_OFF

