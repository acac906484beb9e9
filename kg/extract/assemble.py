"""From a processed Doc to document-level mentions: one per entity, all its aliases together."""

import bisect
from collections import Counter, defaultdict
from typing import Protocol

from spacy.tokens import Doc

from kg.extract.candidate import Candidate, doc_text, get_ext, sentence_at, sentence_spans
from kg.extract.lexicon import gazetteer, generic_acronyms, is_generic, word_list
from kg.extract.names import abbreviates
from kg.extract.never import never_entity
from kg.extract.rules import (
    ABBREVIATED,
    CAPS_TWICE,
    GENERIC,
    KNOWN_CANONICAL,
    MAX_CONFIDENCE,
    NEVER_ENTITY,
    NONE_OFF,
    REPEATED,
    SAME_SPAN,
    SHARP_APART,
    STRONG_FIRST,
    STRONG_PRIORITY,
    TITLE_CANONICAL,
    TWICE_OVER_KNOWN,
    USED_TOOL,
    WRITTEN_INSIDE,
    Found,
    Rule,
)
from kg.keys import UnionFind, match_key
from kg.records import Evidence, Mention, PaperEntities, Repo, Role, entity_type


def _resolve_overlaps(cands: list[Candidate], blocked: list[tuple[int, int]],
                      off: frozenset[Rule] = NONE_OFF) -> list[Candidate]:
    """Keep the best of overlapping candidates (by rule, then length); drop those inside links."""
    # a longer name wins over a name inside it ("Panoptic SegFormer" over "SegFormer"),
    # except that a bare shape or phrase never hides a known name
    # and a capitalised run of words written twice ranks with the strong finders
    strong_first = STRONG_FIRST not in off
    twice = TWICE_OVER_KNOWN not in off

    def rank(c: Candidate) -> tuple[int, int, int, int]:
        priority = c.found_by.priority
        strong = priority >= STRONG_PRIORITY or (twice and c.found_by is CAPS_TWICE and " " in c.text)
        return (-1 if strong_first and strong else 0, c.start - c.end, -priority, c.start)

    order = sorted(cands, key=rank)
    if not blocked:
        return sorted(_kept_apart(order, SAME_SPAN not in off), key=lambda c: c.start)
    taken: list[tuple[int, int]] = list(blocked)
    kept: list[Candidate] = []
    for c in order:
        start, end = c.start, c.end
        if end <= start:
            continue
        clash = None
        for span in taken:
            if start < span[1] and span[0] < end:
                clash = span
                break
        if clash is None:
            kept.append(c)
            taken.append((c.start, c.end))
        elif (clash[0], clash[1]) == (c.start, c.end) and kept and SAME_SPAN not in off:
            # same span found by two rules: keep what the weaker one knew (a long form, a role)
            for i, k in enumerate(kept):
                if (k.start, k.end) == (c.start, c.end):
                    kept[i] = k.with_(long_form=k.long_form or c.long_form,
                                      role="proposed" if "proposed" in (k.role, c.role) else k.role)
    return sorted(kept, key=lambda c: c.start)


def _kept_apart(order: list[Candidate], same_span: bool) -> list[Candidate]:
    """The loop of :func:`_resolve_overlaps` with no span blocked: the spans kept never
    overlap, so the one a candidate can clash with first is found by bisection."""
    starts: list[int] = []  # of the spans kept, in order; their ends are in order too
    ends: list[int] = []
    kept: list[Candidate] = []
    for c in order:
        start, end = c.start, c.end
        if end <= start:
            continue
        i = bisect.bisect_right(ends, start)  # the first span kept that ends after ``start``
        if i == len(ends) or starts[i] >= end:
            kept.append(c)
            starts.insert(i, start)
            ends.insert(i, end)
        elif same_span and starts[i] == start and ends[i] == end:
            for j, k in enumerate(kept):
                if (k.start, k.end) == (start, end):
                    kept[j] = k.with_(long_form=k.long_form or c.long_form,
                                      role="proposed" if "proposed" in (k.role, c.role) else k.role)
    return kept


MAX_EVIDENCE = 400  # characters of context per evidence: a whole sentence up to this, else a window


def _context(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """The sentence holding ``text[start:end]``, or, when it is longer than :data:`MAX_EVIDENCE`,
    a window of at most that many characters around the mention, cut at word boundaries.

    A bounded context keeps the output linear in the text: an unpunctuated abstract is one
    sentence, and every mention in it would otherwise carry all of it.

    >>> text = "one sentence " * 100 + "Name" + " without end" * 100
    >>> ctx = _context(text, [(0, len(text))], 1300, 1304)
    >>> len(ctx) <= MAX_EVIDENCE, ctx[:12], ctx[-11:], ctx.index("Name")
    (True, 'one sentence', 'without end', 195)
    """
    s_start, s_end = sentence_at(spans, start)
    if s_end - s_start <= MAX_EVIDENCE:
        return text[s_start:s_end].strip()
    # centred on the mention; near an end of the sentence the room left there goes to the other side
    room = max(0, MAX_EVIDENCE - (end - start)) // 2
    lo = max(s_start, min(start - room, s_end - MAX_EVIDENCE))
    hi = max(end, min(s_end, lo + MAX_EVIDENCE))
    if lo > s_start and not text[lo - 1].isspace():  # a cut word is left out
        lo = next((i + 1 for i in range(lo, start) if text[i].isspace()), start)
    if hi < s_end and not text[hi].isspace():
        hi = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), end)
    return text[lo:hi].strip()


def _evidence(text: str, spans: list[tuple[int, int]], c: Candidate, texts: dict[str, str]) -> Evidence:
    """Where ``c`` is written: its offsets in the paper text, the text they cover, the context
    (one string for the mentions of one sentence: ``texts`` holds those made)."""
    start, end = c.written or (c.start, c.end)
    context = _context(text, spans, start, end)
    return Evidence(text=texts.setdefault(context, context), start=start, end=end, surface=text[start:end])


def _generic(c: Candidate) -> bool:
    return is_generic(c.text) or c.text in generic_acronyms()


Decision = tuple[str, str, float] | None  # (type, role, confidence) of a mention, or None: no entity


class DecideFn(Protocol):
    """What :func:`assemble` needs of a decider (:class:`kg.extract.learn.Decider`)."""

    def extra(self, doc: Doc) -> list[Candidate]:
        """Candidates beyond the rules' that the decider wants to judge."""

    def __call__(self, doc: Doc, groups: list[list[Candidate]]) -> list[Decision]:
        """One decision per group."""


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``start:end`` overlaps one of ``spans`` (a plain loop: any() of a generator
    costs more than the few spans of a paper)."""
    for s, e in spans:
        if start < e and s < end:
            return True
    return False


def candidate_groups(doc: Doc, off: frozenset[Rule] = NONE_OFF,
                     keep_generic: bool = False, extra: list[Candidate] | None = None) -> list[list[Candidate]]:
    """The paper's candidates, overlaps resolved, grouped by name: one group per mention to be.

    The rules' own filter (untyped and generic candidates out) applies unless ``keep_generic``:
    a learned decider sees those too and weighs the rules' verdict as one feature.
    """
    cands = _resolve_overlaps(list(get_ext(doc, "kg_candidates") or []), list(get_ext(doc, "kg_link_spans") or []), off)
    extra = [c for c in extra or () if c.found_by not in off]
    if keep_generic and extra:
        # the decider's extra candidates only fill the gaps the rules' candidates leave
        taken = [(c.start, c.end) for c in cands] + list(get_ext(doc, "kg_link_spans") or [])
        cands += _resolve_overlaps([c for c in extra if not _overlaps(c.start, c.end, taken)] if taken else extra,
                                   [], off)
        cands.sort(key=lambda c: c.start)
    if NEVER_ENTITY not in off:
        cands = [c for c in cands if never_entity(c.text) is None]
    if USED_TOOL not in off:
        tools = word_list("tools")
        cands = [c for c in cands if c.role == "proposed" or c.text.lower() not in tools]
    if keep_generic:
        cands = [c if c.type else c.with_(type="method") for c in cands]
    else:
        cands = [c for c in cands if c.type and (GENERIC in off or not _generic(c))]
    groups: UnionFind[int] = UnionFind()
    key_of: dict[str, int] = {}
    kb_of: dict[str, int] = {}

    def join(first: dict[str, int], key: str, i: int) -> None:
        """Candidate ``i`` in the group of the first candidate with ``key``."""
        j = first.setdefault(key, i)
        if j != i:
            groups.union(i, j)

    sharp = SHARP_APART not in off
    for i, c in enumerate(cands):
        if key := match_key(c.text):
            join(key_of, key + "#" if sharp and c.text.endswith("#") else key, i)
        if c.long_form and (key := match_key(c.long_form)):
            join(key_of, key, i)
        if c.kb_id:
            join(kb_of, c.kb_id, i)
    if ABBREVIATED not in off:
        _join_abbreviations(cands, groups)
    members: dict[int, list[Candidate]] = defaultdict(list)
    for i, c in enumerate(cands):
        members[groups.find(i)].append(c)
    if WRITTEN_INSIDE in off:
        return list(members.values())
    return _not_inside(list(members.values()), doc_text(doc).lower())


def _join_abbreviations(cands: list[Candidate], groups: UnionFind[int]) -> None:
    """Join the candidates whose names abbreviate one another ("Dyn-Perceiver" and "Dynamic
    Perceiver"), unless the gazetteer knows them as two entities."""
    first: dict[str, int] = {}
    for i, c in enumerate(cands):
        first.setdefault(c.text, i)
    by_initial: dict[str, list[str]] = defaultdict(list)
    for text in sorted(first, key=len):
        by_initial[text[0].lower()].append(text)
    for names in by_initial.values():
        for a, short in enumerate(names):
            for name in names[a + 1:]:
                if len(short) < len(name) and abbreviates(short, name):
                    i, j = first[short], first[name]
                    if not (cands[i].kb_id and cands[j].kb_id and cands[i].kb_id != cands[j].kb_id):
                        groups.union(i, j)


def _covered(c: Candidate, name: str, text: str) -> bool:
    """Whether ``c`` is written as a part of ``name`` (both in lower case) in ``text``."""
    start, end = c.written or (c.start, c.end)
    short = text[start:end]
    k = name.find(short)
    while k >= 0:
        after = k + len(short)
        if ((k == 0 or not name[k - 1].isalnum()) and (after == len(name) or not name[after].isalnum())
                and text[start - k:start - k + len(name)] == name):
            return True
        k = name.find(short, k + 1)
    return False


def _not_inside(groups: list[list[Candidate]], text: str) -> list[list[Candidate]]:
    """The groups less those whose every candidate is written as a part of a longer name of
    another group ("Perceiver", each time in "Dynamic Perceiver"): the paper never names it alone.

    >>> text = "dynamic perceiver beats perceivers; dynamic perceiver is fast"
    >>> def cand(s, e): return Candidate(s, e, text[s:e], WRITTEN_INSIDE)
    >>> [[c.text for c in g] for g in _not_inside([[cand(24, 33), cand(44, 53)], [cand(0, 17)]], text)]
    [['perceiver', 'perceiver'], ['dynamic perceiver']]
    >>> [[c.text for c in g] for g in _not_inside([[cand(44, 53)], [cand(0, 17)]], text)]
    [['dynamic perceiver']]
    """
    if len(groups) < 2:
        return groups
    names = [{n.lower() for c in g for n in (c.text, c.long_form) if n} for g in groups]
    every = "\n".join(n for own in names for n in own)  # a name no other group's holds is kept at once
    kept = []
    for i, g in enumerate(groups):
        inside = False
        if not any(every.count(s) > sum(s in n for n in names[i]) for s in names[i]):
            kept.append(g)
            continue
        for j, longer in enumerate(names):
            if j != i:
                wider = [n for n in longer if any(len(s) < len(n) and s in n for s in names[i])]
                if wider and all(any(_covered(c, n, text) for n in wider) for c in g):
                    inside = True
                    break
        if not inside:
            kept.append(g)
    return kept


def voted_type(group: list[Candidate]) -> str:
    """The rules' type of a mention: the vote of its candidates' type evidence."""
    votes: defaultdict[str, float] = defaultdict(float)
    for c in group:
        votes[c.type or "method"] += c.typed_by.weight if c.typed_by else 0.0
    return max(sorted(votes), key=lambda t: votes[t])


def rule_confidence(group: list[Candidate], off: frozenset[Rule] = NONE_OFF) -> float:
    """The rules' confidence in a mention: its best candidate's, raised by repetition."""
    boost = (REPEATED.confidence or 0.0) if REPEATED not in off else 0.0
    return min(MAX_CONFIDENCE, max(c.confidence for c in group) + boost * (len(group) - 1))


def most_common(values: list[str]) -> str:
    """``Counter(values).most_common(1)[0][0]``: the most frequent, the first of equals; most
    often one value, or one repeated, told without a Counter."""
    if values.count(values[0]) == len(values):
        return values[0]
    return Counter(values).most_common(1)[0][0]


def _mention(group: list[Candidate], etype: str, role: Role, conf: float, text: str,
             sents: list[tuple[int, int]], off: frozenset[Rule], texts: dict[str, str]) -> Mention:
    known = gazetteer()
    kb_ids = [c.kb_id for c in group if c.kb_id]
    kb_id = most_common(kb_ids) if kb_ids else None
    parent = next((c.parent for c in group if c.parent), None)
    surfaces = list(dict.fromkeys([c.text for c in group] + [c.long_form for c in group if c.long_form]))
    long_forms = [c.long_form for c in group if c.long_form]
    titled = [c.text for c in group if c.source == Found.TITLE] if TITLE_CANONICAL not in off else []
    # a title's coined name is the canonical one ("PartGen", not its spelled-out form)
    name = titled[0] if titled else (long_forms[0] if long_forms else surfaces[0])
    if KNOWN_CANONICAL not in off and kb_id and kb_id in known and known[kb_id].type == etype:
        name = known[kb_id].name
    aliases = tuple(s for s in surfaces if s != name)
    evidence = tuple(_evidence(text, sents, c, texts) for c in group)
    return Mention(
        type=entity_type(etype), name=name, aliases=aliases, role=role, evidence=evidence,
        confidence=round(conf, 3), kb_id=kb_id, parent=parent,
        sources=tuple(sorted({c.source for c in group})))


def assemble(doc: Doc, paper_id: str, title: str, min_confidence: float = 0.5,
             off: frozenset[Rule] = NONE_OFF, decider: DecideFn | None = None) -> PaperEntities:
    """The paper's mentions: overlaps resolved, candidates of one name grouped, one type voted.

    With a ``decider`` (:mod:`kg.extract.learn`), it says for each group whether it is an
    entity, its type and role, in place of the rules' vote and confidence threshold.
    """
    groups = candidate_groups(doc, off, keep_generic=decider is not None,
                              extra=decider.extra(doc) if decider is not None else None)
    sents = sentence_spans(doc)
    text = doc_text(doc)
    texts: dict[str, str] = {}
    mentions = []
    if decider is not None:
        for group, decision in zip(groups, decider(doc, groups), strict=True):
            if decision is not None:
                etype, said, conf = decision
                mentions.append(_mention(group, etype, "proposed" if said == "proposed" else "used",
                                         conf, text, sents, off, texts))
    else:
        for group in groups:
            conf = rule_confidence(group, off)
            if conf < min_confidence:
                continue
            role: Role = "proposed" if any(c.role == "proposed" for c in group) else "used"
            mentions.append(_mention(group, voted_type(group), role, conf, text, sents, off, texts))
    mentions.sort(key=lambda m: (min(e.start for e in m.evidence), m.name))
    links: list[Repo] = list(dict.fromkeys(get_ext(doc, "kg_links") or []))
    return PaperEntities(id=paper_id, title=title, entities=tuple(mentions), links=tuple(links))
