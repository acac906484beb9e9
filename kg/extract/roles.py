"""Component ``kg_roles``: is a name the paper's own contribution or something it uses?

Proposed: the title's coined name, a name after "named/called", and the first new
name (one the gazetteer does not know) soon after "we propose/introduce/present ..."
or "our", and the new names a sentence lists after "consists of", "comprises", "components".
Everything else is used.
"""

from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import triggers
from kg.extract.candidate import (
    Batched,
    Candidate,
    candidates,
    doc_lower,
    doc_text,
    get_ext,
    register_extensions,
    sentence_at,
    sentence_spans,
)
from kg.extract.rules import (
    ACRONYM_LOWERCASE,
    DIRECT_OBJECT,
    FIRST_NEW_NAME,
    LOWERCASE_USED,
    NAMED_AFTER,
    NONE_OFF,
    OWN_ACRONYM,
    OWN_PARTS,
    PRIOR_WORK,
    TITLE_IS_NAME,
    Found,
    Rule,
    Typed,
)

WINDOW = 140  # characters after a trigger in which a new name is the contribution
# "our X", "the proposed X" name only the X right after them: with the window, "our method uses
# two CNNs: the CORnet-S ..." made CORnet-S the paper's (read on folds 1-4: 12 of 18 wrong roles
# of the rule first-new-name were such, 1 right one lost); "a new X" also the name right after
# the comma that ends its phrase ("a new self-attention model family, HaloNets")
def _proposed(c: Candidate, rule: Rule, **kw: object) -> Candidate:
    if rule.confidence is not None:
        kw["confidence"] = max(c.confidence, rule.confidence)
    return c.with_(role="proposed", **kw)


def _windows(text: str, sents: list[tuple[int, int]],
             starts: list[int] | None = None, lowered: str | None = None) -> list[tuple[int, int]]:
    """The stretches of text right after a contribution cue; with ``starts`` (sorted), only
    in the sentences that hold one of them: a window never leaves its sentence, so the
    others hold none of those offsets."""
    lowered = text.lower() if lowered is None else lowered
    ours = triggers.ours()
    out = []
    for start, end in sents:
        if starts is not None and not _holds(starts, start, end):
            continue
        for m in triggers.contribution_cues(FIRST_NEW_NAME, text, start, end, lowered):
            word = m.group(0).rstrip().lower()
            out.append((m.end(), min(end, m.end() + (1 if word in ours else WINDOW))))
            if word in triggers.apposing():  # "a new benchmark ..., LibriSpeech-Long"
                a = triggers.apposed(text, m.end(), end)
                if a is not None:
                    out.append((a, a + 1))
    return out


def _holds(starts: list[int], start: int, end: int) -> bool:
    i = bisect_left(starts, start)
    return i < len(starts) and starts[i] < end


def _named_directly(cands: list[Candidate], text: str, title_end: int, off: frozenset[Rule],
                    lowered: str | None = None) -> None:
    """A known name directly after the verb, or a title that is the name itself ("Mask R-CNN")."""
    title = text[:title_end].strip()
    lowered = lowered if text.isascii() else None  # another's lower case may move its offsets
    for i, c in enumerate(cands):
        if c.role == "proposed":
            continue
        at = max(0, c.start - 60)
        if DIRECT_OBJECT not in off and triggers.ends_in_direct_object_cue(
                text[at: c.start], lowered[at: c.start] if lowered is not None else None):
            cands[i] = _proposed(c, DIRECT_OBJECT)
        elif TITLE_IS_NAME not in off and c.start < title_end and c.text.strip() == title \
                and len(title.split()) <= 4:
            cands[i] = _proposed(c, TITLE_IS_NAME)


def _first_new_names(cands: list[Candidate], text: str, sents: list[tuple[int, int]],
                     lowered: str | None = None) -> None:
    """The first new name after a cue is the contribution ("we propose X, which uses Y"),
    unless a word of use stands between ("we propose to solve it using Y": Y is used)."""
    new = sorted((c.start, i) for i, c in enumerate(cands)
                 if c.kb_id is None and c.type_source not in (Typed.GAZETTEER, Typed.FAMILY))
    # only a window holding a new name does anything: those of the sentences holding one
    for s, e in _windows(text, sents, [start for start, _ in new], lowered):
        first = next((i for start, i in new if s <= start < e), None)
        if first is None:
            continue
        c = cands[first]
        if c.role != "proposed" and not triggers.uses_between(text, s, c.start):
            cands[first] = _proposed(c, FIRST_NEW_NAME,
                                     type="method" if c.type_source == Typed.DEFAULT else c.type)


def _own_acronyms(cands: list[Candidate], text: str, sents: list[tuple[int, int]],
                  off: frozenset[Rule], lowered: str | None = None) -> None:
    """A new acronym defined in a sentence that is not about earlier work is the paper's own."""
    for i, c in enumerate(cands):
        if c.role == "proposed" or c.source != Found.ACRONYM or c.kb_id \
                or c.type_source in (Typed.GAZETTEER, Typed.FAMILY):
            continue
        if c.found_by == ACRONYM_LOWERCASE and LOWERCASE_USED not in off and not _named_here(c, text):
            continue  # read on folds 1-4: 5 proposed, 39 used where no cue names it
        start, end = sentence_at(sents, c.start)
        # the lower case of an ASCII text has its offsets (another's may be longer: "İ")
        part = lowered[start:end] if lowered is not None and text.isascii() else None
        if PRIOR_WORK in off or not triggers.about_prior_work(text[start:end], part):
            cands[i] = _proposed(c, OWN_ACRONYM)


def _named_here(c: Candidate, text: str) -> bool:
    """Whether a naming word stands right before the definition of acronym ``c`` ("a block
    called conditional attention module (CAM)")."""
    long = c.long_form or c.text
    at = text.rfind(long, max(0, c.start - len(long) - 10), c.end)
    return at > 0 and triggers.named_before(text[max(0, at - 30): at])


def _own_parts(cands: list[Candidate], text: str, sents: list[tuple[int, int]],
               lowered: str | None = None) -> None:
    """New names after "consists of", "comprises", "components" ... in a sentence are the
    parts of the paper's method ("Our approach integrates three components: A, B and C")."""
    new = sorted((c.start, i) for i, c in enumerate(cands) if c.role != "proposed" and c.kb_id is None
                 and c.type_source not in (Typed.GAZETTEER, Typed.FAMILY))
    if not new:
        return
    seen = lowered if lowered is not None and text.isascii() else text  # the same offsets
    starts = [start for start, _ in new]
    for start, end in sents:
        m = triggers.parts().search(seen, start, end) if _holds(starts, start, end) else None
        if m is not None:
            for at, i in new:
                if m.end() <= at < end:
                    cands[i] = _proposed(cands[i], OWN_PARTS)


def _named_after(cands: list[Candidate]) -> None:
    """Parts named after a proposed name are the paper's own too ("PAT" -> "PAT_sp")."""
    proposed = {c.text for c in cands if c.role == "proposed" and len(c.text) >= 2}
    for i, c in enumerate(cands):
        if c.role != "proposed" and any(c.text.startswith(p) and c.text[len(p):len(p) + 1] in "-_"
                                        and len(c.text) > len(p) for p in proposed):
            cands[i] = _proposed(c, NAMED_AFTER)


class RoleFinder(Batched):
    def __call__(self, doc: Doc, off: frozenset[Rule] = NONE_OFF) -> Doc:
        cands = candidates(doc)
        text = doc_text(doc)
        sents = sentence_spans(doc)
        _named_directly(cands, text, get_ext(doc, "kg_title_end") or 0, off, doc_lower(doc))
        if FIRST_NEW_NAME not in off:
            _first_new_names(cands, text, sents, doc_lower(doc))
        if OWN_ACRONYM not in off:
            _own_acronyms(cands, text, sents, off, doc_lower(doc))
        if OWN_PARTS not in off:
            _own_parts(cands, text, sents, doc_lower(doc))
        if NAMED_AFTER not in off:
            _named_after(cands)
        return doc


@Language.factory("kg_roles")
def make_role_finder(nlp: Language, name: str) -> RoleFinder:
    register_extensions()
    return RoleFinder()
