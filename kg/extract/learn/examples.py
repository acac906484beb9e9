"""Training examples from document-level gold: each group of candidates, labelled.

A group is labelled with the gold entity of its paper that shares a normalised name with
it (the scorer's match, :func:`kg.extract.evaluate.alias_keys`): its type and role. A group
matching no gold entity is "none". A group matching an optional gold entity is left out:
the scorer neither rewards nor penalises it, so neither does training.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from kg.extract.assemble import candidate_groups
from kg.extract.evaluate import alias_keys
from kg.extract.learn.features import DocView, group_features
from kg.extract.learn.recall import doc_recall
from kg.keys import match_key, title_key
from kg.records import Paper


@dataclass(frozen=True)
class Example:
    paper: str  # the paper's title key
    features: tuple[str, ...]
    kind: str  # "none" or an entity type
    role: str | None  # for entities


def label(keys: set[str], gold: Sequence[dict[str, Any]]) -> tuple[str, str | None] | None:
    """(kind, role) of a group with these name keys; None for a group left out (optional gold)."""
    for g in gold:
        if keys & alias_keys(g):
            if g.get("optional"):
                return None
            return str(g["type"]), str(g.get("role", "used"))
    return "none", None


def examples(papers: Iterable[Paper], gold: Iterable[dict[str, Any]], nlp: Language,
             batch_size: int = 64) -> Iterator[Example]:
    """The labelled groups of every paper that ``gold`` annotates (joined by title)."""
    by_title = {title_key(g["title"]): g for g in gold}
    wanted = [p for p in papers if title_key(p.title) in by_title]
    for doc, paper in nlp.pipe(((p.text, p) for p in wanted), as_tuples=True, batch_size=batch_size):
        tkey = title_key(paper.title)
        ents = by_title[tkey].get("entities", [])
        view = DocView.of(doc)
        for group in candidate_groups(doc, keep_generic=True, extra=doc_recall(doc)):
            names = {c.text for c in group} | {c.long_form for c in group if c.long_form}
            lab = label({match_key(n) for n in names if match_key(n)}, ents)
            if lab is not None:
                yield Example(tkey, tuple(group_features(group, view)), lab[0], lab[1])
