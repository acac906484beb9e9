"""Component ``kg_roles``: is a name the paper's own contribution or something it uses?

Proposed: the title's coined name, a name after "named/called", and the first new
name (one the gazetteer does not know) soon after "we propose/introduce/present ..."
or "our". Everything else is used.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import candidates, register_extensions, sentence_at, sentence_spans

_TRIGGER = re.compile(
    r"\b(?:we|this (?:paper|work|study|article)|the present work|here)\s+(?:also\s+|further\s+|first\s+|then\s+|thus\s+|therefore\s+)?"
    r"(?:propose|introduce|present|develop|design|devise|build|construct|curate|create|collect|release|contribute|"
    r"formulate|establish|offer|put forward|name|call|dub|term|coin)[sd]?\b"
    r"|\b(?:is|are|was)\s+(?:proposed|introduced|presented)\s+(?:in this|here)"
    r"|\b(?:our|the proposed|the resulting|the new|a novel|the novel)\s+(?=[A-Z])",
    re.IGNORECASE,
)
WINDOW = 140  # characters after a trigger in which a new name is the contribution
# a sentence about earlier work: its new names are not this paper's
_PRIOR = re.compile(
    r"\b(?:existing|previous|prior|earlier|recent(?:ly)?|popular|conventional|traditional|standard|"
    r"baselines?|such as|e\.g\.|including|compared? (?:to|with)|than|outperform\w*|state-of-the-art|"
    r"has been|have been|were|was|is widely|are widely|commonly|typically|known as|rel(?:y|ies) on|"
    r"based on|built on|following|inspired by)\b", re.IGNORECASE)


# the name right after the verb: "We present LLaVA, ...", "we introduce the FooNet model"
_DIRECT = re.compile(
    r"\b(?:we|this (?:paper|work))\s+(?:propose|introduce|present|release)[sd]?\s+"
    r"(?:(?:a|an|the|our)\s+)?(?:(?:new|novel|simple|first)\s+)?$", re.IGNORECASE)


class RoleFinder:
    def __call__(self, doc: Doc) -> Doc:
        cands = candidates(doc)
        text = doc.text
        windows = []
        sents = sentence_spans(doc)
        for start, end in sents:
            for m in _TRIGGER.finditer(text, start, end):
                windows.append((m.end(), min(end, m.end() + WINDOW)))
        title_end = doc._.kg_title_end or 0
        title = text[:title_end].strip()
        for i, c in enumerate(cands):
            if c.role == "proposed":
                continue
            # a known name directly after the verb, or a title that is the name itself ("Mask R-CNN")
            if _DIRECT.search(text[max(0, c.start - 60): c.start]) or (
                    c.start < title_end and c.text.strip() == title and len(title.split()) <= 4):
                cands[i] = c.with_(role="proposed", confidence=max(c.confidence, 0.85))
        new = sorted((c.start, i) for i, c in enumerate(cands)
                     if c.kb_id is None and c.type_source not in ("gazetteer", "family"))
        for s, e in windows:
            # the first new name after the trigger is the contribution ("we propose X, which uses Y")
            first = next((i for start, i in new if s <= start < e), None)
            if first is None:
                continue
            c = cands[first]
            if c.role != "proposed":
                cands[first] = c.with_(role="proposed", confidence=max(c.confidence, 0.8),
                                       type="method" if c.type_source == "default" else c.type)
        # a new acronym defined in a sentence that is not about earlier work is the paper's own,
        # and so are its parts named after it ("PAT" -> "PAT_sp")
        for i, c in enumerate(cands):
            if c.role == "proposed" or c.source != "acronym" or c.kb_id or c.type_source in ("gazetteer", "family"):
                continue
            start, end = sentence_at(sents, c.start)
            if not _PRIOR.search(text[start:end]):
                cands[i] = c.with_(role="proposed")
        proposed = {c.text for c in cands if c.role == "proposed" and len(c.text) >= 2}
        for i, c in enumerate(cands):
            if c.role != "proposed" and any(c.text.startswith(p) and c.text[len(p):len(p) + 1] in "-_"
                                            and len(c.text) > len(p) for p in proposed):
                cands[i] = c.with_(role="proposed")
        return doc


@Language.factory("kg_roles")
def make_role_finder(nlp: Language, name: str) -> RoleFinder:
    register_extensions()
    return RoleFinder()
