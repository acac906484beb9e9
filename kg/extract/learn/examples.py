"""Training examples from document-level gold: each group of candidates, labelled.

A group is labelled with the gold entity of its paper that shares a normalised name with
it (the scorer's match, :func:`kg.extract.evaluate.alias_keys`): its type and role. A group
matching no gold entity is "none". A group matching an optional gold entity is left out:
the scorer neither rewards nor penalises it, so neither does training.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from spacy.language import Language

from kg.extract.assemble import candidate_groups
from kg.extract.candidate import Candidate
from kg.extract.evaluate import alias_keys
from kg.extract.learn.features import DocView, group_features
from kg.extract.learn.model import KINDS, Fit, Model, train
from kg.extract.learn.names import learn_names, name_features
from kg.extract.learn.titled import decider_extra
from kg.extract.lexicon import gazetteer
from kg.keys import match_key, scorer_key, title_key
from kg.records import Paper


@dataclass(frozen=True)
class Example:
    paper: str  # the paper's title key
    features: tuple[str, ...]
    kind: str  # "none" or an entity type
    role: str | None  # for entities
    keys: tuple[str, ...] = ()  # the group's normalised names


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
        for group in candidate_groups(doc, keep_generic=True, extra=decider_extra(doc)):
            keys = group_keys(group)
            lab = label(label_keys(group), ents)
            if lab is not None:
                yield Example(tkey, tuple(group_features(group, view)), lab[0], lab[1], keys)


def group_keys(group: Sequence[Candidate]) -> tuple[str, ...]:
    """The normalised names of a group: its texts and long forms."""
    names = {c.text for c in group} | {c.long_form for c in group if c.long_form}
    return tuple(sorted({k for k in map(match_key, names) if k}))


def label_keys(group: Sequence[Candidate]) -> set[str]:
    """The names a group's mention is scored by, as the scorer compares them: its texts, long
    forms and the known entity's own name (the mention's name when the types agree).

    The scorer's key, not :func:`group_keys`' (``match_key`` keeps "+" and a point between
    digits: "Qwen2.5-VL" would be no gold entity).
    """
    known = gazetteer()
    names = {c.text for c in group} | {c.long_form for c in group if c.long_form}
    names |= {known[c.kb_id].name for c in group if c.kb_id and c.kb_id in known}
    return {k for k in map(scorer_key, names) if k}


def fit_examples(exs: Sequence[Example], fit: Fit | None = None) -> Model:
    """A model of these examples: the learnt names, then both classifiers over all features.

    Each example's name features leave its own paper out (:mod:`kg.extract.learn.names`).
    """
    names = learn_names((e.paper, e.keys, e.kind) for e in exs)
    model = train(training_rows(exs, names), [e.kind for e in exs], [e.role for e in exs], fit)
    return replace(model, names=names)


def training_rows(exs: Sequence[Example], names: dict[str, tuple[int, ...]]) -> list[list[str]]:
    """Each example's features with its learnt-name features, its own paper left out of them."""
    by_paper: dict[str, list[Example]] = {}
    for e in exs:
        by_paper.setdefault(e.paper, []).append(e)
    own_of = {p: learn_names((x.paper, x.keys, x.kind) for x in group) for p, group in by_paper.items()}
    rows = []
    for e in exs:
        own = own_of[e.paper]
        mine = [sum(own.get(k, (0,) * len(KINDS))[i] for k in e.keys) for i in range(len(KINDS))]
        rows.append([*e.features, *name_features(e.keys, names, tuple(mine))])
    return rows
