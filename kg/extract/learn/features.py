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

import re
from functools import lru_cache

from kg.extract.assemble import rule_confidence, voted_type
from kg.extract.candidate import Candidate
from kg.extract.learn.acronym import acronym_features, is_short_acronym
from kg.extract.learn.context import context_evidence
from kg.extract.learn.view import WORD, DocView
from kg.extract.lexicon import (
    ends_in_category,
    gazetteer,
    generic_acronyms,
    head_type,
    is_generic,
)
from kg.extract.names import ends_in_task
from kg.extract.never import never_entity

_SHAPE_RUNS = re.compile(r"(.)\1+")
# the features each finder is conjoined with ("recall-phrase&p1=with"): those beginning so
CONJOINED = ("shape=", "last=", "p1=", "cue", "title", "kb=", "caps=", "head=", "n1=", "count=",
             "intitle", "near=")


def shape(word: str) -> str:
    """The word's letters as X (capital), x (small), d (digit), runs collapsed.

    >>> shape("FlowCut"), shape("GPT-4o"), shape("ImageNet-1K")
    ('XxXx', 'X-dx', 'XxXx-dX')
    """
    chars = []
    for ch in word[:40]:
        chars.append("X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(chars))


@lru_cache(maxsize=20_000)
def _name_features(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """What the name itself shows, the same in every doc (kept for the names seen most), and
    the part of it that is conjoined with the finders."""
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
    return frozenset(out), frozenset(f for f in out if f.startswith(CONJOINED))


@lru_cache(maxsize=1_000)
def _found(finder: str) -> str:
    return f"found={finder}"


@lru_cache(maxsize=100_000)
def _near(word: str) -> str | None:
    """The feature of a word near an occurrence: ``near=<word>`` when it is a type's head word."""
    return f"near={word.lower()}" if head_type(word) else None


@lru_cache(maxsize=20_000)
def _long_form_features(long_form: str) -> tuple[str, ...]:
    lw = long_form.split()
    out = ["longform", f"lflast={lw[-1].lower()}", f"lfhead={head_type(lw[-1].split('-')[-1])}"]
    if ends_in_task(long_form):
        out.append("lftask")
    if ends_in_category(long_form):
        out.append("lfcategory")
    return tuple(out)


Parts = tuple[set[str], set[str], list[str]]


def group_features(group: list[Candidate], view: DocView) -> list[str]:
    """The features of one group of candidates, sorted (a stable order for the model)."""
    alone, conj, finders = group_parts(group, view)
    out = alone | conj
    for finder in finders:
        out.update(f"{finder}&{f}" for f in conj)
    return sorted(out)


def has_feature(parts: Parts, feature: str) -> bool:
    """Whether ``feature`` is one of the :func:`group_features` these parts give."""
    alone, conj, finders = parts
    if feature in alone or feature in conj:
        return True
    for finder in finders:
        n = len(finder)
        if feature[n:n + 1] == "&" and feature.startswith(finder) and feature[n + 1:] in conj:
            return True
    return False


def group_parts(group: list[Candidate], view: DocView) -> Parts:
    """:func:`group_features` in parts: the features that stand alone, those that also stand
    conjoined with each finder ("recall-phrase&p1=with"), and the finders' names, sorted."""
    text = view.text
    title_end = view.title_end
    known = gazetteer()
    words = WORD.findall  # (text, pos, endpos): the same words as of the slice text[pos:endpos]
    vote = voted_type(group)
    conf = rule_confidence(group)
    out: set[str] = {"bias", f"vote={vote}", f"conf={min(int(conf * 10), 9)}",
                     f"rulerole={'proposed' if any(c.role == 'proposed' for c in group) else 'used'}",
                     f"n={min(len(group), 4)}",
                     f"sent={min(view.sentence_index(min(c.start for c in group)), 4)}"}
    conj: set[str] = set()  # the features conjoined with the finders (CONJOINED)
    intitle = [c.start < title_end for c in group]
    if any(intitle):
        conj.add("title" if not all(intitle) else "titleonly")
    finders = set()
    for c in group:
        finders.add(c.found_by.name)
        if c.typed_by:
            out.add(f"typed={c.typed_by.name}")
            out.add(f"ev={c.typed_by.evidence}&t={c.type}")
        if c.kb_id and c.kb_id in known:
            k = known[c.kb_id]
            conj.add(f"kb={k.type}")
            if k.ambiguous:
                out.add("kbamb")
        if c.long_form:
            out.update(_long_form_features(c.long_form))
        s, e = c.start, c.end
        before = [w.lower() for w in words(text, max(0, s - 40), s)[-2:]]
        if before:
            conj.add(f"p1={before[-1]}")
            out.add(f"p2={' '.join(before)}")
        m = WORD.search(text, e, e + 30)
        conj.add(f"n1={m.group(0).lower()}" if m else "n1=")
        if view.after_cue(s):
            conj.add("cue")
    out.update(map(_found, finders))
    names = {c.text for c in group}
    ordered = sorted(names)
    for name in ordered[:3]:
        every, conjoined = _name_features(name)
        out |= every
        conj |= conjoined
    main = max(ordered, key=len)  # sorted: a tie must not depend on set order (hash seed)
    low = main.lower()
    conj.add(f"count={min(view.lower.count(low), 5)}")
    if view.lower.find(low, 0, title_end) >= 0:
        conj.add("intitle")
    if main != low and low in text:
        # written in lower case somewhere as well ("Positional Attention" / "positional attention")
        out.add("alsolower")
    for c in group[:3]:
        s, e = c.start, c.end
        conj.update(filter(None, map(_near, words(text, max(0, s - 60), s)[-5:])))
        conj.update(filter(None, map(_near, words(text, e, e + 60)[:5])))
    if any(is_short_acronym(n) for n in ordered):  # else acronym_features has none
        out |= acronym_features(group, text, title_end)
    # the context evidence, too, is conjoined with the finders (what a finder's candidate
    # looks like and where it stands, together)
    conj |= context_evidence(group, text, title_end, view.start_set)
    rule_kept = conf >= 0.5 and "generic" not in out and "generic" not in conj
    out.add(f"rulekeep={int(rule_kept)}")
    out.add(f"rulekeep={int(rule_kept)}&vote={vote}")
    return out, conj, sorted(finders)


__all__ = ["CONJOINED", "DocView", "Parts", "group_features", "group_parts", "has_feature", "shape"]
