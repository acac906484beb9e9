"""Component ``kg_candidates``: names never seen before, found by how names look.

Rules, each generalising beyond any one paper:
- the coined name before a title's colon ("FlowCut: Rethinking ...");
- a word after "named/called/dubbed/termed";
- acronym definitions ("Masked Image Modeling (MIM)") whose long form is not a task;
- name shapes: inner capitals (FlowCut, InstructBLIP), letters with digits (GPT-4o, Mamba-3B);
- capitalised phrases ending in a type head word ("Harmonix Set", "Causal Mediation Analysis").
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.acronyms import _match_long
from kg.extract.candidate import (
    AcronymPair,
    Candidate,
    candidates,
    register_extensions,
    sentence_spans,
)
from kg.extract.lexicon import ends_in_category, generic_acronyms, head_type, is_generic, task_heads

# a word as names are written: internal hyphens, dots, plus, slash and underscore allowed
MAX_NAME = 60  # no name is longer; bounding every pattern keeps matching linear on junk text
WORD = re.compile(r"(?<![\w\-\.\+'])[A-Za-z0-9](?:[\w\-\.\+']|/(?=\d)){0,60}[\w\+]|(?<![\w\-\.\+'])[A-Za-z0-9]")
_INNER_CAP = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|^[a-z]+[A-Z]")
_HAS_DIGIT = re.compile(r"\d")
_NOT_NAME = re.compile(
    r"^(\d+[\d\.,]*[a-zA-Z]{0,3}|[A-Za-z]\d|[A-Za-z]{1,2}\d{2,4}|\d+(st|nd|rd|th)|[Tt]op-?\d+|\w+-to-\w+|"
    r"[a-z]+-\d+(\.\d+)?[kKmMbB%]?|x\d+|\d+x|v\d+(\.\d+)*|[A-Z]\d+[A-Z]|FP\d+|INT\d+|BF\d+|fp\d+|int\d+)$"
)
# versioned or sized names are names: "GPT-4", "VGG-16", "Llama-2-7B" (checked before _NOT_NAME)
_VERSIONED = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*-\d|^[A-Z][a-z]+[A-Z]\w*-\d|^[A-Z]{2,}-\d")
_NAMING = re.compile(r"\b(?:named|called|dubbed|termed|coined|denoted(?: as)?|namely)\s+(?:the\s+)?[\"“']?", re.IGNORECASE)
_TITLE_OPENERS = {
    "a", "an", "the", "on", "towards", "toward", "beyond", "how", "why", "what", "when", "where",
    "is", "are", "do", "does", "can", "should", "not", "rethinking", "revisiting", "survey",
    "review", "position", "understanding", "scaling", "learning", "improving", "exploring",
    "unveiling", "demystifying", "attention", "benchmarking", "evaluating", "analyzing",
    "analysing", "probing", "from", "in", "to", "with", "for", "of", "tutorial", "overview",
    "introduction", "editorial", "perspective", "report", "technical", "case", "study",
    "let", "let's", "no", "all", "more", "less", "less is more", "which", "who",
}
_TRIGGER_VERB = re.compile(
    r"\b(?:we|this (?:paper|work|study))\s+(?:also\s+|further\s+|first\s+|then\s+)?"
    r"(?:propose|introduce|present|develop|design|devise|build|construct|curate|create|release|contribute)[sd]?\b",
    re.IGNORECASE)
# "we present a unified framework, Dentist, for ..." / "we propose ECHO, a ..." / "introduce X (Y)"
_APPOSITIVE = re.compile(r"(?:^|,\s+|\s)((?:[A-Z][\w\-\+\.]{0,40}[\w\+]|[A-Z])(?:\s+[A-Z][\w\-\+]{0,40}){0,3})(?=\s*(?:,|\(|:|\s+(?:which|that|to|for)\b))")
_FUNCTION = {"and", "of", "for", "in", "with", "to", "via", "on", "the", "a", "an", "&"}
_STOP_CAPS = {"We", "Our", "This", "These", "That", "The", "In", "On", "It", "Its", "To", "For",
              "However", "Moreover", "Furthermore", "Additionally", "Finally", "First", "Second",
              "Third", "Then", "Thus", "Specifically", "Experiments", "Extensive", "Results",
              "Code", "Project", "Github", "GitHub", "Figure", "Table", "Section", "Appendix",
              # sentence openers
              "While", "Although", "Though", "Since", "Because", "When", "If", "Whereas", "Recent",
              "Recently", "Existing", "Current", "Modern", "Traditional", "Conventional", "Popular",
              "Many", "Most", "Some", "Such", "Despite", "Unlike", "Like", "Using", "Both", "All",
              "Various", "Standard", "Typical", "Prior", "As", "Given", "After", "Before", "Among",
              "Compared", "Beyond", "Through", "By", "With", "From", "At", "Each", "Every", "Several"}


_ACRONYM_PLAY = re.compile(r"^[a-z]{2,}[A-Z]{2,}[a-z]{2,}$|^[a-z]{3,}[A-Z]$")


def looks_like_name(w: str) -> bool:
    """A single word shaped like a coined or versioned name (not a number or unit).

    >>> [looks_like_name(w) for w in ["FlowCut", "GPT-4o", "Mamba-3B", "7B", "3D", "networks", "A100"]]
    [True, True, True, False, False, False, False]
    """
    if len(w) < 2 or len(w) > MAX_NAME or is_generic(w) or w in generic_acronyms() or w.endswith("'s"):
        return False
    parts = w.split("-")
    if any(_ACRONYM_PLAY.match(p) for p in parts):
        return False  # "temporal-coHERent long-forM": capitals spelling out a title's acronym
    if len(parts) > 1 and (parts[-1] in generic_acronyms() or is_generic(parts[-1])) \
            and parts[0][:1].isupper() and parts[0][1:].islower():
        return False  # "Video-LLMs", "Code-LLMs": a kind of model
    if _VERSIONED.match(w):
        return True
    if _NOT_NAME.match(w):
        return False
    if _INNER_CAP.search(w):
        return True
    letters = sum(c.isalpha() for c in w)
    return bool(_HAS_DIGIT.search(w)) and letters >= 2 and w[0].isalpha() and any(c.isupper() for c in w)


def _title_heads(text: str, title_end: int) -> list[Candidate]:
    """The coined name of a title "Name: what it does" (or "what it does: Name")."""
    title = text[:title_end]
    m = re.match(r"^\s*([^:]{1,60}?)\s*[:\u2013\u2014]\s+(.+)$", title) or re.match(
        r"^\s*([^:]{1,60}?)\s+-\s+(.+)$", title)
    out: list[Candidate] = []
    if m:
        head, rest = m.group(1).strip(), m.group(2)
        if head.startswith("The ") and len(head.split()) > 1:
            head = head[4:]
        words = head.replace(",", " ").split()
        ok = 1 <= len(words) <= 4 and words[0].lower() not in _TITLE_OPENERS and head.lower() not in _TITLE_OPENERS
        ok = ok and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _FUNCTION for w in words)
        ok = ok and not is_generic(head)
        if len(words) > 1 and not any(looks_like_name(w) for w in words):
            ok = ok and len(words) <= 3 and not _ends_in_task(head)
        if ok:
            start = title.find(head)
            long = _title_long_form(head, rest) if len(words) == 1 else None
            out.append(Candidate(start, start + len(head), head, "title", role="proposed",
                                 confidence=0.9, long_form=long))
        # "Long title : NAME" (name after the colon)
        tail = m.group(2).strip()
        if not ok and len(tail.split()) == 1 and looks_like_name(tail):
            start = title.rfind(tail)
            out.append(Candidate(start, start + len(tail), tail, "title", role="proposed", confidence=0.9))
    rev = re.match(r"^(.{20,}?)\s*:\s*(\S+)\s*$", title)
    if not out and rev and (looks_like_name(rev.group(2)) or re.match(r"^[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+$", rev.group(2))):
        name = rev.group(2)
        start = title.rfind(name)
        # "Jointly-Learned Exit and Inference ... : JEI-DNN": the title spells the acronym
        long = rev.group(1).strip() if _match_long(name, rev.group(1).split()) == 0 else None
        out.append(Candidate(start, start + len(name), name, "title", role="proposed", confidence=0.9,
                             long_form=long))
    return out


def _title_long_form(head: str, rest: str) -> str | None:
    """The title's spelling-out of its coined name, wherever it stands:
    "SOC: Semantic-Assisted Object Cluster for ..." -> "Semantic-Assisted Object Cluster",
    "DiscoDVT: ... with Discourse-Aware Discrete Variational Transformer" -> that phrase."""
    caps = [c for c in head if c.isupper()]
    if len(caps) < 2:
        return None
    words = rest.split()
    for i in range(len(words)):
        if not words[i][:1].isupper() or words[i][:1].lower() != head[:1].lower():
            continue
        for k in range(2, min(len(words) - i, len(caps) + 4) + 1):
            part = words[i: i + k]
            if any(w.lower() in {"for", "via", "with", "in", "on", "to"} for w in part[1:]):
                break
            if _match_long(head, part) == 0 and part[-1][:1].lower() == caps[-1].lower():
                return " ".join(part).rstrip(",.;")
    return None


def _ends_in_task(phrase: str) -> bool:
    last = phrase.split()[-1].lower() if phrase.split() else ""
    last = last.split("-")[-1]
    return last in task_heads() or (last.endswith("s") and last[:-1] in task_heads())


def _acronym_candidates(pairs: list[AcronymPair], generic_shorts: set[str]) -> list[Candidate]:
    """Candidates from definitions; the short forms of generic definitions go to ``generic_shorts``."""
    out = []
    for p in pairs:
        if is_generic(p.long) or is_generic(p.short) or p.short in generic_acronyms():
            generic_shorts.add(p.short)
            continue
        coined = "-" in p.short or any(ch.islower() for ch in p.short.rstrip("s"))
        if ends_in_category(p.long) and not coined:
            # "time series foundation models (TSFMs)" is a kind; "hierarchical deep CNNs (HD-CNNs)" a name
            generic_shorts.add(p.short)
            continue
        if _ends_in_task(p.long) and not looks_like_name(p.short):
            continue
        # "a minimalist Extractor (ME)": a capitalised head makes a lower-case long form a name
        capitalised = p.long[:1].isupper() or looks_like_name(p.short) or p.long.split()[-1][:1].isupper()
        if not capitalised:
            # "key-query (KQ)": a lowercase long form names something only with a head word
            words = p.long.split()
            headed = head_type(words[-1].split("-")[-1]) is not None
            letters = sum(ch.isalpha() for ch in p.short)
            if not (len(words) >= 3 or (headed and len(words) >= 2 and letters >= 3)):
                generic_shorts.add(p.short)  # "gating mechanism (GM)": "GMs" later is no name either
                continue
        conf = 0.8 if capitalised else 0.6
        out.append(Candidate(p.long_start, p.long_end, p.long, "acronym", confidence=conf, long_form=p.long))
        out.append(Candidate(p.short_start, p.short_end, p.short, "acronym", confidence=conf, long_form=p.long))
    return out


_NUMBER_PAIR = re.compile(r"^(.*\D)(\d+)/(\d+)$")  # "CIFAR-10/100" names CIFAR-10 and CIFAR-100


def _shape_candidates(text: str, start: int, end: int) -> list[Candidate]:
    out = []
    for m in WORD.finditer(text, start, end):
        w = m.group(0).rstrip(".")
        pair = _NUMBER_PAIR.match(w)
        if pair and pair.group(1)[-1:] in "-_ " and looks_like_name(pair.group(1) + pair.group(2)):
            first = pair.group(1) + pair.group(2)
            slash = m.start() + len(first)
            out.append(Candidate(m.start(), slash, first, "shape", confidence=0.6))
            # the second name is written as "/100": its evidence points there
            out.append(Candidate(slash + 1, m.start() + len(w), pair.group(1) + pair.group(3), "shape",
                                 confidence=0.6))
            continue
        if looks_like_name(w):
            out.append(Candidate(m.start(), m.start() + len(w), w, "shape", confidence=0.6))
    return out


def _naming_candidates(text: str, start: int, end: int) -> list[Candidate]:
    """The name right after "named"/"called"/"dubbed": "a framework named Dentist"."""
    out = []
    for m in _NAMING.finditer(text, start, end):
        w = WORD.match(text, m.end())
        if not w:
            continue
        words = [w]
        # a capitalised multi-word name: "called Look, Remember and Reason"
        pos = w.end()
        while len(words) < 5 and not looks_like_name(w.group(0)):
            nxt = re.match(r"\s+([A-Z][\w\-]*|and|of)\b", text[pos:end])
            if not nxt:
                break
            words.append(nxt)
            pos += nxt.end()
        name = text[w.start(): w.start() + (pos - w.start())].strip()
        while name.split() and name.split()[-1] in {"and", "of"}:
            name = name.rsplit(" ", 1)[0]
        if (name[:1].isupper() or looks_like_name(name)) and not name.endswith("'s"):
            out.append(Candidate(w.start(), w.start() + len(name), name, "naming", role="proposed",
                                 confidence=0.85))
    return out


_CAP_PHRASE = re.compile(
    r"(?<![\w\-])((?:[A-Z][\w\-']{0,40})(?:\s+(?:(?:and|of|for|in|with|to|&)\s+)?(?:[A-Z][\w\-']{0,40}|\d[\w\.]{0,10})){1,8})(?![\w\-'])")


def _phrase_candidates(text: str, start: int, end: int, sent_starts: set[int]) -> list[Candidate]:
    """Capitalised phrases with a type head word: "Harmonix Set", "Sharpness Aware Minimization"."""
    out = []
    for m in _CAP_PHRASE.finditer(text, start, end):
        phrase = m.group(1)
        words = phrase.split()
        while words and words[0] in _STOP_CAPS:
            words = words[1:]
        if len(words) < 2:
            continue
        phrase = " ".join(words)
        joins = [i for i, w in enumerate(words) if w in ("and", "&", "or")]
        if joins and all(is_generic(w) or w in generic_acronyms() for w in words[: joins[0]]):
            continue  # "MLP and Transformer": two kinds joined, not one name
        s = text.find(phrase, m.start(), m.end() + 1)
        head = words[-1].split("-")[-1]
        htype = head_type(head)
        if htype is None or _ends_in_task(phrase) or is_generic(phrase) or ends_in_category(phrase):
            continue
        if s in sent_starts and len(words) < 3:
            continue
        out.append(Candidate(s, s + len(phrase), phrase, "phrase", type=htype, confidence=0.65,
                             type_source="head"))
    return out


def _appositive_candidates(text: str, start: int, end: int) -> list[Candidate]:
    """The name a contribution sentence gives its subject: "we introduce SPHERE, a pipeline"."""
    out = []
    for m in _TRIGGER_VERB.finditer(text, start, end):
        stop = text.find(".", m.end(), m.end() + 160)
        window_end = stop if stop > 0 else min(len(text), m.end() + 160)
        for a in _APPOSITIVE.finditer(text, m.end(), window_end):
            name = a.group(1)
            first = name.split()[0]
            if first in _STOP_CAPS or first.lower() in _FUNCTION or is_generic(name) or len(name) < 2:
                continue
            if len(name.split()) > 1 and not all(w[:1].isupper() for w in name.split()):
                continue
            out.append(Candidate(a.start(1), a.end(1), name, "naming", role="proposed", confidence=0.8))
            break
    return out


_ITEM = r"(?<![\w\-\.])(?:[A-Z][\w\-\.\+]{0,40}[\w\+]|[A-Z])(?:\s[A-Z0-9][\w\-\.\+]{0,40}[\w\+]){0,2}(?![\w\-])"
_LIST = re.compile(rf"{_ITEM}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?{_ITEM})+")
_HEAD_BEFORE = re.compile(r"([A-Za-z][\w\-]*)\s*(?:\(|,?\s+(?:such as|including|like|e\.g\.,?|namely)\s+)$")


def _list_candidates(text: str, start: int, found: list[Candidate]) -> list[Candidate]:
    """Capitalised members of a list that holds a known name, or that follows a head noun:
    "on GSM8K, AIME and Olympiad", "two algorithms (Edge-Popup and Biprop)"."""
    out = []
    spans = [(c.start, c.end) for c in found if c.source != "phrase"]
    for m in _LIST.finditer(text, start):
        items = [(i.start(), i.end()) for i in re.finditer(_ITEM, m.group(0))]
        items = [(m.start() + a, m.start() + b) for a, b in items]
        anchored = any(any(s <= a < e for s, e in spans) for a, _ in items)
        hb = _HEAD_BEFORE.search(text[max(0, m.start() - 60): m.start()])
        if not anchored and not (hb and head_type(hb.group(1))):
            continue
        for a, b in items:
            name = text[a:b]
            after = re.match(r"\s+([a-z][\w\-]*)", text[b: b + 30])
            if after and head_type(after.group(1)) in ("model", "method"):
                continue  # "Residual nets": a modifier of a kind, not a name
            if any(s < b and a < e for s, e in spans) or name.split()[0] in _STOP_CAPS:
                continue
            if is_generic(name) or ends_in_category(name) or name.lower() in _FUNCTION or len(name) < 2:
                continue
            out.append(Candidate(a, b, name, "list", confidence=0.6))
    return out


# "Strang-Marchuk splitting scheme", "Gauss-Newton method", "Metropolis-Hastings algorithm"
_EPONYM = re.compile(r"\b([A-Z][a-z]{1,20}(?:-[A-Z][a-z]{1,20})+)((?:\s[a-z][\w\-]{0,20}){1,3})")
# "... with Iterative Weight Recycling", "... using Causal Mediation Analysis"
_TITLE_TOOL = re.compile(
    r"\b(?:with|via|using|through|by)\s+((?:[A-Z][\w\-]{0,30}\s+){1,4}[A-Z][\w\-]{0,30})(?=\s+(?:for|in|on|to|and|of)\b|\s*[:,]|\s*$)")


def _eponym_candidates(text: str, start: int) -> list[Candidate]:
    out = []
    for m in _EPONYM.finditer(text, start):
        words = m.group(2).split()
        # the longest run of at most three words that ends in a method head word
        last = max((i for i, w in enumerate(words) if head_type(w) == "method"), default=None)
        if last is None:
            continue
        name = m.group(1) + " " + " ".join(words[: last + 1])
        if not is_generic(name):
            out.append(Candidate(m.start(1), m.start(1) + len(name), name, "phrase", type="method",
                                 confidence=0.7, type_source="head"))
    return out


def _title_tool_candidates(text: str, title_end: int) -> list[Candidate]:
    """The named means in a title, kept when the abstract names it again."""
    out = []
    abstract = text[title_end:].lower()
    for m in _TITLE_TOOL.finditer(text, 0, title_end):
        phrase = m.group(1)
        if is_generic(phrase) or _ends_in_task(phrase) or ends_in_category(phrase) or phrase.lower() not in abstract:
            continue
        # the means a title names is most often the paper's own ("... with Gated State Spaces")
        out.append(Candidate(m.start(1), m.end(1), phrase, "means", role="proposed", confidence=0.65))
        i = abstract.find(phrase.lower())
        s = title_end + i
        out.append(Candidate(s, s + len(phrase), text[s: s + len(phrase)], "means", role="proposed",
                             confidence=0.65))
    return out


_BARE_PAREN = re.compile(r"\b([A-Za-z][\w\-]{1,30})\s+\(([A-Z][A-Za-z0-9\-]{2,15})\)")


def _bare_acronym_candidates(text: str, start: int, pairs: list[AcronymPair]) -> list[Candidate]:
    """"the squeezed model (SVDCNN)": a coined name in brackets right after a head noun."""
    defined = {p.short_start for p in pairs}
    out = []
    for m in _BARE_PAREN.finditer(text, start):
        name = m.group(2)
        if m.start(2) in defined or is_generic(name) or name in generic_acronyms():
            continue
        t = head_type(m.group(1))
        if t and sum(ch.isupper() for ch in name) >= 2:
            out.append(Candidate(m.start(2), m.end(2), name, "naming", type=t, confidence=0.7,
                                 type_source="context"))
    return out


class CandidateFinder:
    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        title_end = text.find("\n\n")
        title_end = len(text) if title_end < 0 else title_end
        doc._.kg_title_end = title_end
        out = candidates(doc)
        out.extend(_title_heads(text, title_end))
        generic_shorts: set[str] = set()
        out.extend(_acronym_candidates(doc._.kg_acronyms or [], generic_shorts))
        sent_starts = {s for s, _ in sentence_spans(doc)}
        out.extend(_naming_candidates(text, 0, len(text)))
        out.extend(_appositive_candidates(text, title_end, len(text)))
        out.extend(_shape_candidates(text, 0, len(text)))
        out.extend(_phrase_candidates(text, title_end, len(text), sent_starts))
        out.extend(_list_candidates(text, title_end, out))
        out.extend(_eponym_candidates(text, title_end))
        out.extend(_bare_acronym_candidates(text, title_end, doc._.kg_acronyms or []))
        out.extend(_title_tool_candidates(text, title_end))
        if generic_shorts:
            # "time series foundation models (TSFMs)": TSFMs is a category wherever it appears
            keep = [c for c in out if c.text not in generic_shorts and c.text.rstrip("s") not in generic_shorts]
            out[:] = keep
        return doc


@Language.factory("kg_candidates")
def make_candidate_finder(nlp: Language, name: str) -> CandidateFinder:
    register_extensions()
    return CandidateFinder()
