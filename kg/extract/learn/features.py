"""What the learned decider sees of one mention-to-be: a list of feature names.

A mention-to-be is a group of candidates of one name (:func:`kg.extract.assemble.candidate_groups`).
Its features are strings, so that the model file is readable and a new feature needs no
index bookkeeping: the rules' verdicts (which rules found and typed it, the type they voted,
the role and confidence they gave, whether the generic filter drops it), what the gazetteer
knows, the name's shape and words, its long form, the words around each of its occurrences,
where it stands (title, the sentence after a contribution cue) and what the lexicons say
(a task, a category, a unit or venue), and for a short acronym its support in the paper
(:mod:`.acronym`). Everything the doc gives is computed once per doc (:class:`DocView`) and
shared by its groups.
"""

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract import triggers
from kg.extract.assemble import rule_confidence, voted_type
from kg.extract.candidate import Candidate, doc_text, sentence_spans
from kg.extract.learn.acronym import acronym_features
from kg.extract.learn.context import context_features
from kg.extract.lexicon import (
    ends_in_category,
    gazetteer,
    generic_acronyms,
    head_type,
    is_generic,
)
from kg.extract.names import ends_in_task
from kg.extract.never import never_entity
from kg.extract.rules import FIRST_NEW_NAME

_WORDS = re.compile(r"[A-Za-z][\w\-]*")
_SHAPE_RUNS = re.compile(r"(.)\1+")


def shape(word: str) -> str:
    """The word's letters as X (capital), x (small), d (digit), runs collapsed.

    >>> shape("FlowCut"), shape("GPT-4o"), shape("ImageNet-1K")
    ('XxXx', 'X-dx', 'XxXx-dX')
    """
    chars = []
    for ch in word[:40]:
        chars.append("X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(chars))


@dataclass
class DocView:
    """What every group of one doc shares, computed once."""

    text: str
    title_end: int
    sents: list[tuple[int, int]]
    cue_windows: list[tuple[int, int]] = field(default_factory=list)
    lower: str = ""
    _starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc) -> "DocView":
        """The doc's view, made once and kept on the doc (spaCy rebuilds doc.text on each access)."""
        if not Doc.has_extension("kg_view"):
            Doc.set_extension("kg_view", default=None)
        if doc._.kg_view is not None:
            view: DocView = doc._.kg_view
            return view
        text = doc_text(doc)  # kept by the pipeline's tokenizer (doc.text joins every token again)
        sents = sentence_spans(doc)
        cue = triggers.contribution(FIRST_NEW_NAME)
        windows = [(m.end(), min(e, m.end() + 140)) for s, e in sents for m in cue.finditer(text, s, e)]
        title_end = doc._.kg_title_end or 0
        doc._.kg_view = cls(text, title_end, sents, windows, text.lower())
        return doc._.kg_view  # type: ignore[no-any-return]

    def sentence_index(self, pos: int) -> int:
        """The index of the sentence holding ``pos`` (len(sents) when none does)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.sents[i][1] else len(self.sents)

    @property
    def starts(self) -> list[int]:
        if len(self._starts) != len(self.sents):
            self._starts = [s for s, _ in self.sents]
        return self._starts


def _words_before(text: str, start: int, n: int) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text[max(0, start - 40): start])][-n:]


def _word_after(text: str, end: int) -> str:
    m = _WORDS.search(text, end, min(len(text), end + 30))
    return m.group(0).lower() if m else ""


@lru_cache(maxsize=20_000)
def _name_features(name: str) -> frozenset[str]:
    """What the name itself shows, the same in every doc (kept for the names seen most)."""
    out: set[str] = set()
    words = name.split()
    out.add(f"shape={shape(name)}")
    out.add(f"nw={min(len(words), 5)}")
    out.add(f"last={words[-1].lower()}" if words else "last=")
    out.add(f"first={words[0].lower()}" if words else "first=")
    out.add(f"suf={name[-3:].lower()}")
    letters = [ch for ch in name if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        out.add(f"caps={min(len(letters), 6)}")
    if name[:1].islower():
        out.add("lowerstart")
    if any(ch.isdigit() for ch in name):
        out.add("digit")
    t = head_type(words[-1].split("-")[-1]) if words else None
    if t and len(words) >= 2:
        out.add(f"head={t}")
    if is_generic(name) or name in generic_acronyms():
        out.add("generic")
    if ends_in_task(name):
        out.add("task")
    if ends_in_category(name):
        out.add("category")
    kind = never_entity(name)
    if kind:
        out.add(f"never={kind}")
    return frozenset(out)


def group_features(group: list[Candidate], view: DocView) -> list[str]:
    """The features of one group of candidates, sorted (a stable order for the model)."""
    out: set[str] = {"bias"}
    text = view.text
    known = gazetteer()
    vote = voted_type(group)
    out.add(f"vote={vote}")
    conf = rule_confidence(group)
    out.add(f"conf={min(int(conf * 10), 9)}")
    proposed = any(c.role == "proposed" for c in group)
    out.add(f"rulerole={'proposed' if proposed else 'used'}")
    out.add(f"n={min(len(group), 4)}")
    first = min(c.start for c in group)
    out.add(f"sent={min(view.sentence_index(first), 4)}")
    intitle = [c.start < view.title_end for c in group]
    if any(intitle):
        out.add("title" if not all(intitle) else "titleonly")
    rule_kept = conf >= 0.5
    for c in group:
        out.add(f"found={c.found_by.name}")
        if c.typed_by:
            out.add(f"typed={c.typed_by.name}")
            out.add(f"ev={c.typed_by.evidence}&t={c.type}")
        if c.kb_id and c.kb_id in known:
            k = known[c.kb_id]
            out.add(f"kb={k.type}")
            if k.ambiguous:
                out.add("kbamb")
        if c.long_form:
            out.add("longform")
            lw = c.long_form.split()
            out.add(f"lflast={lw[-1].lower()}")
            t = head_type(lw[-1].split("-")[-1])
            out.add(f"lfhead={t}")
            if ends_in_task(c.long_form):
                out.add("lftask")
            if ends_in_category(c.long_form):
                out.add("lfcategory")
        before = _words_before(text, c.start, 2)
        if before:
            out.add(f"p1={before[-1]}")
            out.add(f"p2={' '.join(before)}")
        out.add(f"n1={_word_after(text, c.end)}")
        if any(s <= c.start < e for s, e in view.cue_windows):
            out.add("cue")
    names = {c.text for c in group}
    for name in sorted(names)[:3]:
        out |= _name_features(name)
    main = max(sorted(names), key=len)  # sorted: a tie must not depend on set order (hash seed)
    low = main.lower()
    out.add(f"count={min(view.lower.count(low), 5)}")
    if low in view.lower[: view.title_end]:
        out.add("intitle")
    if main != low and text.count(low):
        # written in lower case somewhere as well ("Positional Attention" / "positional attention")
        out.add("alsolower")
    for c in group[:3]:
        s = c.start
        for w in _WORDS.findall(text[max(0, s - 60): s])[-5:] + _WORDS.findall(text[c.end: c.end + 60])[:5]:
            t = head_type(w)
            if t:
                out.add(f"near={w.lower()}")
    # what a finder's candidate looks like and where it stands, together
    finders = {c.found_by.name for c in group}
    base = [f for f in out if f.startswith(("shape=", "last=", "p1=", "cue", "title", "kb=", "caps=",
                                            "head=", "n1=", "count=", "intitle", "near="))]
    for finder in sorted(finders):
        out.update(f"{finder}&{f}" for f in base)
    out |= acronym_features(group, text, view.title_end)
    out |= context_features(group, text, view.title_end, frozenset(view.starts))
    if "generic" in out:
        rule_kept = False
    out.add(f"rulekeep={int(rule_kept)}")
    out.add(f"rulekeep={int(rule_kept)}&vote={vote}")
    return sorted(out)
