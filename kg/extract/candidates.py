"""Component ``kg_candidates``: names never seen before, found by how names look.

Rules, each generalising beyond any one paper:
- the coined name before a title's colon ("FlowCut: Rethinking ...");
- a word after "named/called/dubbed/termed";
- acronym definitions ("Masked Image Modeling (MIM)") whose long form is not a task;
- name shapes: inner capitals (FlowCut, InstructBLIP), letters with digits (GPT-4o, Mamba-3B);
- capitalised phrases ending in a type head word ("Harmonix Set", "Causal Mediation Analysis");
- capitalised runs written mid-sentence and twice or more ("Feature Slicer", "Self-Notes"), or
  right before a citation ("Rephrase and Respond (Deng et al., 2023a)");
- lower-case phrases written as names: without an article after a contribution cue ("we introduce
  token discrepancy loss into"), after a naming word, or before an apposition naming a kind.

The title rules are in :mod:`kg.extract.titles`, the name shapes in :mod:`kg.extract.names`,
phrases and lists in :mod:`kg.extract.phrases`, lower-case phrases in :mod:`kg.extract.lowered`;
every rule is an entry of :mod:`kg.extract.rules`.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import triggers
from kg.extract.candidate import (
    AcronymPair,
    Batched,
    Candidate,
    candidates,
    doc_lower,
    doc_text,
    found,
    get_ext,
    register_extensions,
    sentence_spans,
    set_ext,
)
from kg.extract.lexicon import (
    ends_in_category,
    generic_acronyms,
    head_type,
    is_generic,
    last_word_type,
    word_list,
)
from kg.extract.lowered import apposed_candidates, bare_object, named_phrases, that_is_phrases
from kg.extract.names import (
    WORD,
    ends_in_task,
    looks_like_name,
    shape_candidates,
)
from kg.extract.phrases import (
    caps_candidates,
    cited_candidates,
    eponym_candidates,
    eponym_names,
    list_candidates,
    phrase_candidates,
)
from kg.extract.rules import (
    ACRONYM,
    ACRONYM_ALIAS,
    ACRONYM_CATEGORY,
    ACRONYM_COMPOUND,
    ACRONYM_GENERIC,
    ACRONYM_KIND_AFTER,
    ACRONYM_LOWERCASE,
    ACRONYM_TASK,
    ACRONYM_TECHNIQUE,
    APPOSITIVE,
    BARE_APPOSED,
    BARE_OBJECT,
    BRACKETED_NAME,
    CAPS_TWICE,
    CITED_NAME,
    DIRECT_OBJECT,
    DROPPED_SHORTS,
    EPONYM,
    EPONYM_NAMES,
    LIST,
    NAMING,
    NAMING_CAPITALISED,
    NAMING_LOWERCASE,
    NONE_OFF,
    PHRASE,
    TITLE_ACRONYM_PLAY,
    TITLE_MEANS,
    Rule,
)
from kg.extract.titles import title_heads, title_means_candidates, title_phrase_candidates

# "we present a unified framework, Dentist, for ..." / "we propose ECHO, a ..." / "introduce X (Y)"
_APPOSITIVE = re.compile(r"(?:^|,\s+|\s)((?:[A-Z][\w\-\+\.]{0,40}[\w\+]|[A-Z])(?:\s+[A-Z][\w\-\+]{0,40}){0,3})(?=\s*(?:,|\(|:|\s+(?:which|that|to|for)\b))")


def _one_technique(p: AcronymPair) -> bool:
    """A singular long form whose last word names a kind of technique: "power law graph
    attention (PLGA)" is one attention, "large pre-trained models (LPMs)" a kind of model.

    >>> _one_technique(AcronymPair(0, 0, 0, 0, "power law graph attention", "PLGA"))
    True
    >>> _one_technique(AcronymPair(0, 0, 0, 0, "large pre-trained models", "LPMs"))
    False
    """
    return not p.short.endswith("s") and last_word_type(p.long) == "method"


# "(WR) training method", "(SP) methods", "(VQ) technique": a kind of technique after the bracket
# or in an apposition: "efficient probing (EP), a multi-query cross-attention mechanism"
_KIND_AFTER = re.compile(r"\)(?:\s+(?:[a-z][a-z\-]*\s+)?|,\s+an?\s+(?:[\w\-]+\s+){0,3})(?:method|algorithm|mechanism|"
                         r"framework|approach|strategy|technique|scheme|procedure|paradigm)s?\b")


def _acronym_candidates(pairs: list[AcronymPair], generic_shorts: set[str],
                        off: frozenset[Rule], text: str = "") -> list[Candidate]:
    """Candidates from definitions; the short forms of generic definitions go to ``generic_shorts``."""
    out = []
    for p in pairs:
        if ACRONYM_GENERIC not in off and (is_generic(p.long) or is_generic(p.short)
                                            or p.short in generic_acronyms()):
            generic_shorts.add(p.short)
            continue
        coined = "-" in p.short or any(ch.islower() for ch in p.short.rstrip("s"))
        if ACRONYM_CATEGORY not in off and ends_in_category(p.long) and not coined \
                and not (ACRONYM_TECHNIQUE not in off and _one_technique(p)):
            # "time series foundation models (TSFMs)" is a kind; "hierarchical deep CNNs (HD-CNNs)" a name
            generic_shorts.add(p.short)
            continue
        if ACRONYM_TASK not in off and ends_in_task(p.long) and not looks_like_name(p.short, off):
            continue
        # "a minimalist Extractor (ME)": a capitalised head makes a lower-case long form a name
        capitalised = p.long[:1].isupper() or looks_like_name(p.short, off) or p.long.split()[-1][:1].isupper()
        if not capitalised and ACRONYM_LOWERCASE not in off:
            # "key-query (KQ)": a lowercase long form names something only with a head word
            words = p.long.split()
            headed = head_type(words[-1].split("-")[-1]) is not None
            letters = sum(ch.isalpha() for ch in p.short)
            kind_after = ACRONYM_KIND_AFTER not in off and _KIND_AFTER.match(text, p.short_end) is not None
            if not (len(words) >= 3 or (headed and len(words) >= 2 and letters >= 3) or kind_after):
                generic_shorts.add(p.short)  # "gating mechanism (GM)": "GMs" later is no name either
                continue
        rule = ACRONYM if capitalised else ACRONYM_LOWERCASE
        if rule is ACRONYM and ACRONYM in off:
            continue
        out.append(found(rule, p.long_start, p.long_end, p.long, long_form=p.long))
        out.append(found(rule, p.short_start, p.short_end, p.short, long_form=p.long))
    return out


_NAME_GOES_ON = re.compile(r"\s+([A-Z][\w\-]*|and|of)\b")
_JOINED_LAST = re.compile(r"(?:\s+(?:and|of))+$")


def _capitalised_mid_sentence(text: str, i: int) -> bool:
    """Whether the word at ``i`` has a capital and stands inside a sentence, not at its start.

    >>> _capitalised_mid_sentence("We study Named Entity Recognition.", 9), _capitalised_mid_sentence("Named X wins.", 0)
    (True, False)
    >>> _capitalised_mid_sentence("a pruner named Zorblax", 9), _capitalised_mid_sentence("Done. Called X, it wins.", 6)
    (False, False)
    """
    if not text[i].isupper():
        return False
    before = text[:i].rstrip()
    return bool(before) and before[-1] not in ".!?:;\n"


def _naming_candidates(text: str, start: int, end: int, off: frozenset[Rule],
                       lowered: str | None = None) -> list[Candidate]:
    """The name right after "named"/"called"/"dubbed": "a framework named Dentist"."""
    out: list[Candidate] = []
    if not triggers.may_name(text, lowered):
        return out  # most texts name nothing: a literal test, not a scan trying every position
    for m in triggers.naming_cues(text, start, end, lowered):  # only m.end() is read
        if NAMING_CAPITALISED not in off and _capitalised_mid_sentence(text, m.start()):
            continue  # "for Named Entity Recognition": a word of a name
        w = WORD.match(text, m.end())
        if not w:
            continue
        words = [w]
        # a capitalised multi-word name: "called Look, Remember and Reason"
        pos = w.end()
        while len(words) < 5 and not looks_like_name(w.group(0), off):
            nxt = _NAME_GOES_ON.match(text[pos:end])
            if not nxt:
                break
            words.append(nxt)
            pos += nxt.end()
        # a trailing "and"/"of" is not part of it, whatever space stands before it (a tab too)
        name = _JOINED_LAST.sub("", text[w.start(): pos].strip())
        if (name[:1].isupper() or looks_like_name(name, off)) and not name.endswith("'s"):
            out.append(found(NAMING, w.start(), w.start() + len(name), name))
        elif NAMING_LOWERCASE not in off:
            out.extend(named_phrases(text, m.end()))
    return out


def _appositive_candidates(text: str, cues: list[re.Match[str]]) -> list[Candidate]:
    """The name a contribution sentence gives its subject: "we introduce SPHERE, a pipeline"
    (``cues``: the contribution cues of rule appositive)."""
    out = []
    for m in cues:  # only m.end() is read
        stop = text.find(".", m.end(), m.end() + 160)
        window_end = stop if stop > 0 else min(len(text), m.end() + 160)
        for a in _APPOSITIVE.finditer(text, m.end(), window_end):
            name = a.group(1)
            first = name.split()[0]
            if first in word_list("stop_caps") or first.lower() in word_list("function_words") or is_generic(name) \
                    or len(name) < 2:
                continue
            if len(name.split()) > 1 and not all(w[:1].isupper() for w in name.split()):
                continue
            out.append(found(APPOSITIVE, a.start(1), a.end(1), name))
            break
    return out


_BARE_PAREN = re.compile(r"\b([A-Za-z][\w\-]{1,30})\s+\(([A-Z][A-Za-z0-9\-]{2,15})\)")
_BRACKET = re.compile(r"\([A-Z][A-Za-z0-9\-]{2,15}\)")  # what each _BARE_PAREN match ends in


def bare_parens(text: str, start: int) -> list[re.Match[str]]:
    """``_BARE_PAREN.finditer(text, start)``, searched for only right before each bracket it
    may end in (found by its literal "("): the word before the spaces before the bracket is at
    most 31 characters long, and no match reaches back over an earlier bracket."""
    out = []
    lo = start
    for b in _BRACKET.finditer(text, start):
        k = b.start()
        while k > lo and text[k - 1].isspace():  # what \s matches: the same characters
            k -= 1
        m = _BARE_PAREN.search(text, max(lo, k - 31), b.end())
        if m:
            out.append(m)
        lo = b.end()
    return out


def _bracketed_candidates(text: str, start: int, pairs: list[AcronymPair]) -> list[Candidate]:
    """"the squeezed model (SVDCNN)": a coined name in brackets right after a head noun."""
    defined = {p.short_start for p in pairs}
    out: list[Candidate] = []
    for m in bare_parens(text, start):
        name = m.group(2)
        if m.start(2) in defined or is_generic(name) or name in generic_acronyms():
            continue
        t = head_type(m.group(1))
        if t and sum(ch.isupper() for ch in name) >= 2:
            out.append(found(BRACKETED_NAME, m.start(2), m.end(2), name, type=t))
    return out


# "(tok-KD)", "(seq-KD)": a lower-case word joined to a short form, alone in brackets
_COMPOUND = re.compile(r"\(([a-z][a-z0-9]{1,11}-([A-Z][A-Za-z0-9]{1,11}))\)")


def _compound_candidates(text: str, pairs: list[AcronymPair]) -> list[Candidate]:
    """"the token-level (tok-KD)" after "knowledge distillation (KD)": a kind of a defined technique,
    typed by its long form's head word; a generic definition ("LLMs") makes no name this way."""
    long_of = {p.short: p.long for p in pairs if not (is_generic(p.long) or p.short in generic_acronyms()
                                                      or (ends_in_category(p.long) and not _one_technique(p)))}
    out: list[Candidate] = []
    for m in _COMPOUND.finditer(text):
        long = long_of.get(m.group(2))
        t = last_word_type(long) if long else None
        if t:
            out.append(found(ACRONYM_COMPOUND, m.start(1), m.end(1), m.group(1), type=t))
    return out


def _alias_long_forms(out: list[Candidate], pairs: list[AcronymPair]) -> None:
    """"HiP Attention" and "Hierarchically Pruned Attention (HiP)", "Attention Calibration" and
    "Attention Calibration Technique (ACT)": the other name gets the definition's long form, which
    groups them (a known name keeps its own entity)."""
    alias: dict[str, str] = {}
    for p in pairs:
        words = p.long.split()
        if len(words) > 1 and last_word_type(p.long):
            alias[f"{p.short} {words[-1]}".lower()] = p.long
            alias[" ".join(words[:-1]).lower()] = p.long
    for i, c in enumerate(out):
        long = alias.get(c.text.lower()) if not (c.long_form or c.kb_id) else None
        if long:
            out[i] = c.with_(long_form=long)


def _drop_shorts(out: list[Candidate], generic_shorts: set[str]) -> None:
    """"time series foundation models (TSFMs)": TSFMs is a category wherever it appears."""
    out[:] = [c for c in out if c.text not in generic_shorts and c.text.rstrip("s") not in generic_shorts]


# a title that opens with an acronym: "INSIDE: LLMs' Internal States Retain ..."
_TITLE_ACRONYM = re.compile(r"([A-Z][A-Z0-9]{2,})\s*:")
# capitals where words have none: "DEtection", "INternal", "CHannel-wise"; "hallucInation"
_ODD_CAPS = re.compile(r"[A-Z]{2,}[a-z]{3,}|[a-z]{2,}[A-Z][a-z]{2,}")


def _plays_on(word: str, acronym: str) -> bool:
    """Whether ``word`` writes some of ``acronym``'s letters as capitals inside ordinary words.

    >>> _plays_on("DEtection", "INSIDE"), _plays_on("hallucInation", "INSIDE"), _plays_on("VBench", "INSIDE")
    (True, True, False)
    """
    parts = word.split("-")
    return any(_ODD_CAPS.fullmatch(p) for p in parts) \
        and "".join(ch for ch in word if ch.isupper()) in acronym


class CandidateFinder(Batched):
    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        text = doc_text(doc)
        title_end = text.find("\n\n")
        title_end = len(text) if title_end < 0 else title_end
        set_ext(doc, "kg_title_end", title_end)
        pairs = get_ext(doc, "kg_acronyms") or []
        out = candidates(doc)
        heads = title_heads(text, title_end, off)
        out.extend(heads)
        out.extend(title_phrase_candidates(text, title_end, off, headed=bool(heads)))
        generic_shorts: set[str] = set()
        out.extend(_acronym_candidates(pairs, generic_shorts, off, text))
        sent_starts = {s for s, _ in sentence_spans(doc)}
        if NAMING not in off:
            out.extend(_naming_candidates(text, 0, len(text), off, doc_lower(doc)))
        cues = list(triggers.contribution_cues(APPOSITIVE, text, title_end, len(text), doc_lower(doc))) \
            if APPOSITIVE not in off or BARE_OBJECT not in off else []
        if APPOSITIVE not in off:
            out.extend(_appositive_candidates(text, cues))
        if BARE_OBJECT not in off:
            # the cues of direct-object are those of appositive's wider reach that its own pattern spans
            direct = triggers.contribution(DIRECT_OBJECT)
            bare = (bare_object(text, m.end()) for m in cues if direct.fullmatch(text, m.start(), m.end()))
            out.extend(c for c in bare if c is not None)
        if NAMING_LOWERCASE not in off:
            out.extend(that_is_phrases(text, title_end))
        if BARE_APPOSED not in off:
            out.extend(apposed_candidates(text, title_end))
        shapes = shape_candidates(text, 0, len(text), off)
        acronym = _TITLE_ACRONYM.match(text, 0, title_end) if TITLE_ACRONYM_PLAY not in off else None
        if acronym is not None:
            shapes = [c for c in shapes if not _plays_on(c.text, acronym.group(1))]
        out.extend(shapes)
        if PHRASE not in off:
            out.extend(phrase_candidates(text, title_end, len(text), sent_starts, off))
        if LIST not in off:
            out.extend(list_candidates(text, title_end, out, off))
        if EPONYM not in off:
            eponyms = eponym_candidates(text, title_end)
            out.extend(eponym_names(eponyms) if EPONYM_NAMES not in off else eponyms)
        if CAPS_TWICE not in off:
            out.extend(caps_candidates(text, title_end))
        if CITED_NAME not in off:
            out.extend(cited_candidates(text, title_end))
        if BRACKETED_NAME not in off:
            out.extend(_bracketed_candidates(text, title_end, pairs))
        if pairs and ACRONYM_COMPOUND not in off:
            out.extend(_compound_candidates(text, pairs))
        if TITLE_MEANS not in off:
            out.extend(title_means_candidates(text, title_end))
        if pairs and ACRONYM_ALIAS not in off:
            _alias_long_forms(out, pairs)
        if generic_shorts and DROPPED_SHORTS not in off:
            _drop_shorts(out, generic_shorts)
        return doc


@Language.factory("kg_candidates")
def make_candidate_finder(nlp: Language, name: str) -> CandidateFinder:
    register_extensions()
    return CandidateFinder()
