"""From a processed Doc to document-level mentions: one per entity, all its aliases together."""

from collections import Counter, defaultdict

from spacy.tokens import Doc

from kg.extract.candidate import Candidate, sentence_at, sentence_spans
from kg.extract.lexicon import gazetteer, generic_acronyms, is_generic
from kg.keys import UnionFind, match_key
from kg.records import Evidence, Mention, PaperEntities, Repo

# which rule wins when two candidates overlap
PRIORITY = {"gazetteer": 6, "title": 5, "naming": 5, "acronym": 4, "means": 3, "phrase": 3, "shape": 2,
            "list": 1}
TYPE_WEIGHT = {"gazetteer": 4.0, "family": 3.0, "apposition": 3.0, "head": 2.0, "context": 1.5, "shape": 1.0, "default": 0.3}


def _resolve_overlaps(cands: list[Candidate], blocked: list[tuple[int, int]]) -> list[Candidate]:
    """Keep the best of overlapping candidates (by rule, then length); drop those inside links."""
    # a longer name wins over a name inside it ("Panoptic SegFormer" over "SegFormer"),
    # except that a bare shape or phrase never hides a known name
    def rank(c: Candidate) -> tuple[int, int, int]:
        strong = c.source not in ("shape", "phrase", "list", "means")
        return (-int(strong), -(c.end - c.start), -PRIORITY.get(c.source, 1))

    order = sorted(cands, key=lambda c: (*rank(c), c.start))
    taken: list[tuple[int, int]] = list(blocked)
    kept: list[Candidate] = []
    for c in order:
        if c.end <= c.start:
            continue
        clash = next(((s, e) for s, e in taken if c.start < e and s < c.end), None)
        if clash is None:
            kept.append(c)
            taken.append((c.start, c.end))
        elif (clash[0], clash[1]) == (c.start, c.end) and kept:
            # same span found by two rules: keep what the weaker one knew (a long form, a role)
            for i, k in enumerate(kept):
                if (k.start, k.end) == (c.start, c.end):
                    kept[i] = k.with_(long_form=k.long_form or c.long_form,
                                      role="proposed" if "proposed" in (k.role, c.role) else k.role)
    return sorted(kept, key=lambda c: c.start)


def _sentence(text: str, spans: list[tuple[int, int]], pos: int) -> str:
    start, end = sentence_at(spans, pos)
    return text[start:end].strip()


def assemble(doc: Doc, paper_id: str, title: str, min_confidence: float = 0.5) -> PaperEntities:
    cands = _resolve_overlaps(list(doc._.kg_candidates or []), list(doc._.kg_link_spans or []))
    cands = [c for c in cands if c.type and not is_generic(c.text) and c.text not in generic_acronyms()]
    groups: UnionFind[int] = UnionFind()
    key_of: dict[str, int] = {}
    kb_of: dict[str, int] = {}
    for i, c in enumerate(cands):
        for key in filter(None, (match_key(c.text), match_key(c.long_form) if c.long_form else "")):
            if key in key_of:
                groups.union(i, key_of[key])
            else:
                key_of[key] = i
        if c.kb_id:
            if c.kb_id in kb_of:
                groups.union(i, kb_of[c.kb_id])
            else:
                kb_of[c.kb_id] = i
    members: dict[int, list[Candidate]] = defaultdict(list)
    for i, c in enumerate(cands):
        members[groups.find(i)].append(c)

    sents = sentence_spans(doc)
    text = doc.text  # spaCy rebuilds doc.text on every access
    known = gazetteer()
    mentions = []
    for group in members.values():
        votes: defaultdict[str, float] = defaultdict(float)
        for c in group:
            votes[c.type or "method"] += TYPE_WEIGHT.get(c.type_source, 0.5)
        etype = max(sorted(votes), key=lambda t: votes[t])
        kb_ids = [c.kb_id for c in group if c.kb_id]
        kb_id = Counter(kb_ids).most_common(1)[0][0] if kb_ids else None
        parent = next((c.parent for c in group if c.parent), None)
        surfaces = list(dict.fromkeys([c.text for c in group] + [c.long_form for c in group if c.long_form]))
        long_forms = [c.long_form for c in group if c.long_form]
        titled = [c.text for c in group if c.source == "title"]
        # a title's coined name is the canonical one ("PartGen", not its spelled-out form)
        name = titled[0] if titled else (long_forms[0] if long_forms else surfaces[0])
        if kb_id and kb_id in known and known[kb_id].type == etype:
            name = known[kb_id].name
        aliases = tuple(s for s in surfaces if s != name)
        role = "proposed" if any(c.role == "proposed" for c in group) else "used"
        conf = min(0.99, max(c.confidence for c in group) + 0.03 * (len(group) - 1))
        if conf < min_confidence:
            continue
        evidence = tuple(
            Evidence(text=_sentence(text, sents, c.start), start=c.start, end=c.end, surface=c.text)
            for c in group)
        mentions.append(Mention(
            type=etype, name=name, aliases=aliases, role=role, evidence=evidence,
            confidence=round(conf, 3), kb_id=kb_id, parent=parent,
            sources=tuple(sorted({c.source for c in group}))))
    mentions.sort(key=lambda m: (min(e.start for e in m.evidence), m.name))
    links: list[Repo] = list(dict.fromkeys(doc._.kg_links or []))
    return PaperEntities(id=paper_id, title=title, entities=tuple(mentions), links=tuple(links))
