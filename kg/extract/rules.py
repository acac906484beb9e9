"""Every hand rule of the extraction, in one table that all components read.

A rule is a frozen :class:`Rule`: its name, what it does, and the figures the
components take from it (the priority that settles overlaps, the confidence it
gives, whether its names are the paper's own contribution, how much its type
evidence weighs). Components reference the entries below, never a name or a
figure of their own, and skip a rule whose entry is in the ``off`` set they are
given (:func:`switched_off`), so a test can show what each rule is worth.

Candidates record the rule that found them and the rule that typed them; the
labels they carry (``source``, ``type_source``) are the coarser kinds of
:mod:`kg.extract.rulebook`, which also defines :class:`Rule`. The typing rules are written in
:mod:`kg.extract.rules_typing` and imported here, so that this module holds the whole table.
"""

from kg.extract.rulebook import (  # noqa: F401  (re-exported: components import them from here)
    _APPOSITION,
    _CONTEXT,
    _FAMILY,
    _GAZ,
    _HEAD,
    _TABLE,
    MAX_CONFIDENCE,
    NONE_OFF,
    STRONG_PRIORITY,
    Found,
    Rule,
    Typed,
    _rule,
    rule,
    switched_off,
)

# The table itself, one _rule(...) call per rule, grouped by component: the entries look
# alike because they are data (a duplicate finder lists them), not repeated logic.

# kg_known ---------------------------------------------------------------------------
GAZETTEER = _rule("gazetteer", "a name the gazetteer knows, matched with its case", "kg_known",
                  source=Found.GAZETTEER, priority=6, confidence=0.95, **_GAZ)
GAZETTEER_LOWERCASE = _rule(
    "gazetteer-lowercase", "a known name of 2+ words and 8+ characters also matches in lower case",
    "kg_known")
KNOWN_SPELLED_OUT = _rule(
    "known-spelled-out", "plain words spelling out a coined known name (\"Adaptive Rounding\" of AdaRound, "
    "\"Efficient Channel Attention\" of ECA) match only with the gazetteer's case: in lower case they "
    "describe (\"an adaptive rounding procedure\"), unless the paper defines them as the name "
    "(\"diffusion transformer (DiT)\")", "kg_known")
GAZETTEER_AMBIGUOUS = _rule(
    "gazetteer-ambiguous", "a known name that is an ordinary word (\"Flux\") counts only "
    "mid-sentence, and less surely", "kg_known", source=Found.GAZETTEER, priority=6, confidence=0.75,
    **_GAZ)
KNOWN_VARIANT = _rule(
    "known-variant", "a known name written with other case, hyphens or spaces (\"Claude-3.5 Sonnet\" "
    "for \"Claude 3.5 Sonnet\", \"imagenet\"), when the known name is coined (an inner capital, "
    "a digit, or capitals in parts: \"RAF-DB\" written \"RAFDB\"), 5+ letters long and no ordinary word", "kg_known", source=Found.GAZETTEER, priority=6,
    confidence=0.85, **_GAZ)
KNOWN_GLUED = _rule(
    "known-glued", "a known name glued inside a longer word (\"LLaVA-1.5\" in \"LLaVA-1.5-7B\") "
    "is left to the shape rule", "kg_known")
KNOWN_BEFORE_SUFFIX = _rule(
    "known-before-suffix", "a known name before a suffix that makes a word of it (\"BERT-based\", "
    "\"DPO-style\") is named there, not glued inside a longer name", "kg_known")
KNOWN_SUCCESSOR = _rule(
    "known-successor", "a known name followed by \"++\" (\"PIE-Bench++\") names its successor, an entity "
    "of its own in its family, of its type", "kg_known", source=Found.GAZETTEER, priority=6, confidence=0.85,
    **_GAZ)
KNOWN_SIZED = _rule(
    "known-sized", "a known model followed by a size (\"Mamba-2 370M\") names that sized checkpoint, a "
    "model of its own in the known model's family", "kg_known", source=Found.GAZETTEER, priority=6,
    confidence=0.85, **_GAZ)
KNOWN_PREFIXED = _rule(
    "known-prefixed", "a capitalised prefix glued before a known name (\"Uni-Perceiver\", \"Head-Context "
    "Parallelism\") makes a named variant of it, of its family and type; a weak finder (as the shape "
    "rule is): a title or a definition of the name wins", "kg_known", source=Found.GAZETTEER, priority=2,
    confidence=0.8, **_GAZ)
KNOWN_DEFINED_OTHERWISE = _rule(
    "known-defined-otherwise", "a known short form the paper defines as something else (\"Speaker-Independent "
    "(SI)\", not Synaptic Intelligence) is not the known name", "kg_known")
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
ACRONYM_FIRST_WORD_SKIPPED = _rule(
    "acronym-first-word-skipped", "in \"SHORT (long form)\" the short form, of 2+ capitals, may skip the "
    "long form's first word (\"CHELA (short-long Convolutions with Hardware-Efficient Linear "
    "Attention)\")", "kg_acronyms")
ACRONYM_VERSION = _rule(
    "acronym-version", "a short form's version suffix is not spelt by its long form (\"Only-Train-Once "
    "(OTOv3)\", \"(ABC-2)\")", "kg_acronyms")
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
TITLE_CLAUSE = _rule(
    "title-clause", "a title head holding a capitalised function word (\"Pooling And Attention\", \"Arithmetic "
    "Without Algorithms\") is a phrase in Title Case, no name", "kg_candidates")
TITLE_AND = _rule(
    "title-and", "a title head of two phrases of 2+ words joined by \"and\" (\"The Stable Entropy Hypothesis "
    "and Entropy-Aware Decoding\") names two things, each judged alone", "kg_candidates")
TITLE_FINDING = _rule(
    "title-finding", "a title phrase of plain words ending in a word for a finding of analysis (\"The Hydra "
    "Effect\", \"Talking Heads\", \"Language-Specific Neurons\") names no technique", "kg_candidates")
TITLE_GERUND = _rule(
    "title-gerund", "a title head of a gerund and a generic kind (\"Deconstructing Attention\") is what the "
    "paper does, no name", "kg_candidates")
TITLE_WHOLE = _rule(
    "title-whole", "a title that is a capitalised noun phrase and nothing else (\"Spectral State Space Models\", "
    "\"The Consciousness Prior\") names the paper's contribution", "kg_candidates", source=Found.TITLE,
    priority=5, confidence=0.85, proposes=True)
TITLE_SUBJECT = _rule(
    "title-subject", "the capitalised subject of a title's verb of effect (\"Randomized Positional Encodings "
    "Boost ...\", \"Iterative Forward Tuning Boosts ...\") names the paper's contribution", "kg_candidates",
    source=Found.TITLE, priority=5, confidence=0.85, proposes=True)
TITLE_MEETS = _rule(
    "title-meets", "the capitalised subject of \"meets\" in a title (\"When Shift Operation Meets Vision "
    "Transformer\") names a thing the paper uses, not its own", "kg_candidates", source=Found.TITLE, priority=5,
    confidence=0.85)
TITLE_TAIL = _rule(
    "title-tail", "when a title's head names nothing, a capitalised noun phrase that is all the title after its "
    "colon (\"Rotate to Attend: Convolutional Triplet Attention Module\") names the paper's contribution; "
    "not one after \"A\" (\"...: A Survey\")", "kg_candidates", source=Found.TITLE, priority=5, confidence=0.85,
    proposes=True)
TITLE_MEANS = _rule(
    "title-means", "the capitalised means a title names (\"... with Gated State Spaces\"), when the "
    "abstract names it again", "kg_candidates", source=Found.MEANS, priority=3, confidence=0.65,
    proposes=True)

# kg_candidates: what the text says ----------------------------------------------------
NAMING = _rule(
    "naming", "the name after \"named/called/dubbed\" (\"a framework named Dentist\")",
    "kg_candidates", source=Found.NAMING, priority=5, confidence=0.85, proposes=True)
NAMING_LOWERCASE = _rule(
    "naming-lowercase", "a lower-case phrase of 2+ words (or a hyphenated word) ending in a head word, no "
    "plural, after \"named/called/dubbed\" (\"a block called appearance preservation module\") or after \"i.e.\" "
    "following a kind of technique; after a kind, each such item of a list (\"three methods, namely X, Y and Z\")",
    "kg_candidates", source=Found.NAMING, priority=5, confidence=0.75, proposes=True)
NAMING_CAPITALISED = _rule(
    "naming-capitalised", "a naming word written with a capital mid-sentence is a word of a name, no cue "
    "(\"Named Entity Recognition\" names no \"Entity Recognition\")", "kg_candidates")
APPOSITIVE = _rule(
    "appositive", "the capitalised name a contribution sentence gives its subject "
    "(\"we present a framework, Dentist, for\")", "kg_candidates", source=Found.NAMING, priority=5,
    confidence=0.8, proposes=True)
BRACKETED_NAME = _rule(
    "bracketed-name", "a coined name in brackets right after a head noun (\"the squeezed model "
    "(SVDCNN)\"), typed by it", "kg_candidates", source=Found.NAMING, priority=5, confidence=0.7,
    **_CONTEXT)
BARE_OBJECT = _rule(
    "bare-object", "a lower-case phrase of 2+ words (or a hyphenated word) ending in a head word or a noun in "
    "-ing, no plural, no describing adjective first (\"empirical evidence\"), right after \"we "
    "propose/introduce/present\" without an article (\"we introduce token discrepancy loss into\")",
    "kg_candidates", source=Found.NAMING, priority=5, confidence=0.75, proposes=True)
BARE_APPOSED = _rule(
    "bare-apposed", "a lower-case phrase of 2+ words (or a hyphenated word) ending in a head word or a noun in "
    "-ing, no plural, after no article or preposition but \"of\", right before an apposition naming a kind of "
    "technique (\"active forgetting, a technique that\"); a new kind makes it the paper's own",
    "kg_candidates", source=Found.NAMING, priority=5, confidence=0.75, **_APPOSITION)
ACRONYM = _rule(
    "acronym", "both forms of a definition whose long form is capitalised or whose short form is "
    "name-shaped", "kg_candidates", source=Found.ACRONYM, priority=4, confidence=0.8)
ACRONYM_LOWERCASE = _rule(
    "acronym-lowercase", "a lower-case long form names something only in 3+ words, or in 2 with a "
    "head word and 3+ letters", "kg_candidates", source=Found.ACRONYM, priority=4, confidence=0.6)
ACRONYM_COMPOUND = _rule(
    "acronym-compound", "a lower-case word joined to the short form of the paper's own definition, in "
    "brackets (\"(tok-KD)\" after \"knowledge distillation (KD)\"), names a kind of it", "kg_candidates",
    source=Found.ACRONYM, priority=4, confidence=0.6, **_HEAD)
ACRONYM_ALIAS = _rule(
    "acronym-alias", "the short form with the long form's head word (\"HiP Attention\" for "
    "\"Hierarchically Pruned Attention (HiP)\"), or the long form without its head word (\"Attention "
    "Calibration\"), names the defined entity", "kg_candidates")
ACRONYM_KIND_AFTER = _rule(
    "acronym-kind-after", "a lower-case definition followed by a word for a kind of technique "
    "(\"writing relevance (WR) training method\", \"efficient probing (EP), a ... mechanism\") names one",
    "kg_candidates")
ACRONYM_GENERIC = _rule(
    "acronym-generic", "a definition of a generic term (\"large language models (LLMs)\") is no name",
    "kg_candidates")
ACRONYM_CATEGORY = _rule(
    "acronym-category", "a long form ending in a category is a kind, unless its short form is "
    "coined (\"HD-CNNs\")", "kg_candidates")
ACRONYM_TECHNIQUE = _rule(
    "acronym-technique", "a singular definition ending in a kind of technique (\"scaled dot-product "
    "attention (SDPA)\", \"conditional attention module (CAM)\") names that technique, not the kind",
    "kg_candidates")
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
CAPS_KIND = _rule(
    "caps-kind", "a word of capitals right before a singular dataset noun (\"the ZORBQA dataset\")",
    "kg_candidates", source=Found.SHAPE, priority=2, confidence=0.6)
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
EPONYM_NAMES = _rule(
    "eponym-names", "an eponym's names alone are a name of its method too (\"Gauss-Seidel\" of "
    "\"Gauss-Seidel iteration method\")", "kg_candidates", source=Found.PHRASE, priority=3, confidence=0.7, **_HEAD)
LIST = _rule(
    "list", "capitalised members of a list that holds a known name or follows a head noun",
    "kg_candidates", source=Found.LIST, priority=1, confidence=0.6)
LIST_MODIFIER = _rule(
    "list-modifier", "a list member followed by a model or method word (\"Residual nets\") is a "
    "modifier", "kg_candidates")
LIST_CITATION = _rule(
    "list-citation", "a list followed by a year (\"(Weston and Sukhbaatar, 2023)\", \"Smith and Jones "
    "(2020)\") names the authors of a citation", "kg_candidates")

CAPS_TWICE = _rule(
    "caps-twice", "a capitalised run of 2+ words, or a word of capitalised parts joined by hyphens, "
    "written mid-sentence and twice or more in the paper (\"Feature Slicer\", \"Self-Notes\")",
    "kg_candidates", source=Found.PHRASE, priority=1, confidence=0.6)
CITED_NAME = _rule(
    "cited-name", "a capitalised name of 2+ words, or of capitalised parts joined by hyphens, right "
    "before a citation (\"Rephrase and Respond (Deng et al., 2023a)\")", "kg_candidates",
    source=Found.PHRASE, priority=1, confidence=0.6)

# kg_typing: written in kg.extract.rules_typing, registered here in the table's order (every
# name of this module is re-exported: pyproject.toml's mypy override for kg.extract.rules)
from kg.extract.rules_typing import *  # noqa: E402, F403

# kg_roles ------------------------------------------------------------------------------
DIRECT_OBJECT = _rule(
    "direct-object", "a name right after \"we propose/introduce/present/release\", even a known one",
    "kg_roles", confidence=0.85, proposes=True)
TITLE_IS_NAME = _rule(
    "title-is-name", "a title of 4 words or fewer that is the name itself (\"Mask R-CNN\")",
    "kg_roles", confidence=0.85, proposes=True)
FIRST_NEW_NAME = _rule(
    "first-new-name", "the first new name soon after a contribution cue, unless a word of use stands "
    "between (\"using\"); a method if typed by default",
    "kg_roles", confidence=0.8, proposes=True)
OWN_ACRONYM = _rule(
    "own-acronym", "a new acronym defined in the paper", "kg_roles", proposes=True)
LOWERCASE_USED = _rule(
    "lowercase-used", "a lower-case definition (\"scaled dot-product attention (SDPA)\") is a technique "
    "the paper uses unless a contribution cue or a naming word (\"called\") names it", "kg_roles")
PRIOR_WORK = _rule(
    "prior-work", "an acronym defined in a sentence about earlier work (\"existing\", \"such as\") "
    "is not the paper's own", "kg_roles")
OWN_PARTS = _rule(
    "own-parts", "new names after \"consists of\", \"comprises\", \"integrates\" in a sentence are "
    "parts of the paper's method", "kg_roles", proposes=True)
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
TWICE_OVER_KNOWN = _rule(
    "twice-over-known", "a capitalised run of 2+ words written twice (caps-twice) wins over a known name "
    "inside it, as a strong finder's would (\"Multi-Prize Lottery Ticket Hypothesis\")", "assemble")
SAME_SPAN = _rule(
    "same-span", "two rules finding one span: the winner keeps the other's long form and proposal",
    "assemble")
TITLE_CANONICAL = _rule(
    "title-canonical", "a title's coined name is the mention's name, not its spelled-out form",
    "assemble")
KNOWN_CANONICAL = _rule(
    "known-canonical", "a known entity's own name is the mention's name when the types agree",
    "assemble")
WRITTEN_INSIDE = _rule(
    "written-inside", "a name written only inside a longer mention of the paper (\"Perceiver\" of "
    "\"Dynamic Perceiver\", \"Attention-2\" of \"Lightning Attention-2\") is no mention of its own",
    "assemble")
ABBREVIATED = _rule(
    "abbreviated", "a name that spells another of the paper shorter, part by part, is one entity with it "
    "(\"Dyn-Perceiver\" and \"Dynamic Perceiver\", \"FA2\" and \"FlashAttention-2\")", "assemble")
SHARP_APART = _rule(
    "sharp-apart", "a name ending in \"#\" is not grouped with the name without it (\"QuIP#\", the "
    "successor of \"QuIP\"): the key drops the sign", "assemble")
REPEATED = _rule(
    "repeated", "each further candidate of a mention adds this to its confidence", "assemble",
    confidence=0.03)

RULES: tuple[Rule, ...] = tuple(_TABLE.values())
