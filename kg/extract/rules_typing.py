"""The typing rules of the extraction's table (:mod:`kg.extract.rules` holds them all).

The components of ``kg_typing`` type one candidate at a time, in order of trust, then the
paper as a whole; each entry's ``evidence``, ``strength`` and ``weight`` say how much its
type counts when the candidates of one mention disagree.
"""

from kg.extract.rulebook import _APPOSITION, _CONTEXT, _FAMILY, _GAZ, _HEAD, _SHAPE, Typed, _rule

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
COINED_CASE = _rule(
    "coined-case", "a name a title or naming cue coins, with an inner capital, matching a known name "
    "spelled only in capitals (\"CoCo\" against COCO), is the paper's own, not that entity", "kg_typing")
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
MEANS_UNTYPED = _rule(
    "means-untyped", "a title's means (\"via Random Binary Sequences\") that neither the gazetteer, an "
    "apposition nor its head word types, and that names no act (\"... Recycling\"), is no entity: "
    "the words around it or its shape are not enough",
    "kg_typing")
TYPE_DEFAULT = _rule(
    "type-default", "otherwise a method", "kg_typing",
    evidence=Typed.DEFAULT, strength=0, weight=0.3)

# kg_typing: the paper as a whole ----------------------------------------------------------
LIST_SPREAD = _rule(
    "list-spread", "names in one list share the type of a well-typed member", "kg_typing", **_CONTEXT)
KNOWN_OVER_LIST_HEAD = _rule(
    "known-over-list-head", "a known list member gives its type to one the list's head word typed "
    "(\"arithmetic reasoning (GSM8K, X)\": a dataset)", "kg_typing")
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
