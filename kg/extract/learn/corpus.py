"""Corpus-level decisions: one name, one type over the papers being built together.

Two rules over the extractions of a whole corpus (no gold is read):
- a name one paper proposes is, in the other papers, the entity that paper made it
  (its type there wins);
- otherwise a name typed one way by most papers (2/3 of the confidence, 3 papers at
  least) is typed that way in all of them.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from kg.keys import match_key
from kg.records import PaperEntities, entity_type

MIN_PAPERS = 3
MAJORITY = 2 / 3


def corpus_decisions(papers: Sequence[PaperEntities]) -> list[PaperEntities]:
    """The papers with each mention's type set by the corpus, as above."""
    votes: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    proposed: dict[str, set[str]] = defaultdict(set)
    naming: defaultdict[str, int] = defaultdict(int)
    for pe in papers:
        for key in {match_key(m.name) for m in pe.entities}:
            naming[key] += 1
        for m in pe.entities:
            key = match_key(m.name)
            votes[key][m.type] += m.confidence
            if m.role == "proposed":
                proposed[key].add(m.type)
    decided: dict[str, str] = {}
    for key, v in votes.items():
        if len(proposed.get(key, ())) == 1:
            decided[key] = next(iter(proposed[key]))
            continue
        total = sum(v.values())
        best = max(sorted(v), key=lambda t: v[t])
        if naming[key] >= MIN_PAPERS and v[best] >= MAJORITY * total:
            decided[key] = best
    out = []
    for pe in papers:
        ents = tuple(replace(m, type=entity_type(decided[k])) if (k := match_key(m.name)) in decided
                     and decided[k] != m.type else m for m in pe.entities)
        out.append(replace(pe, entities=ents))
    return out
