"""Learned decisions over the rules' candidates: entity or not, type, role.

The rule components still find the candidates and give their verdicts; :mod:`.features`
describes each group of candidates of one name, :mod:`.model` holds the two linear
classifiers, :mod:`.examples` labels groups from document-level gold, and :class:`Decider`
applies a model inside :func:`kg.extract.assemble.assemble`. The shipped model,
``data/decider.json``, was fitted on all annotated seed papers by ``kg train``.
"""

from functools import lru_cache
from importlib import resources

import numpy as np
from spacy.tokens import Doc

from kg.errors import FormatError, KGError
from kg.extract.assemble import Decision
from kg.extract.candidate import Candidate
from kg.extract.learn.examples import group_keys
from kg.extract.learn.features import DocView, group_features, group_parts, has_feature
from kg.extract.learn.model import KINDS, Model, from_json, load
from kg.extract.learn.names import name_features
from kg.extract.learn.titled import decider_extra
from kg.settings import EXTRACTORS, Settings

SHIPPED = "decider.json"
THRESHOLD = 0.5  # a group is an entity when the model gives "none" less than this
NAMES_KEPT = 50_000  # keys whose name features a Decider keeps
UNSUPPORTED = "acro&nosupport"  # a short acronym with no support in its paper is no entity (measured)


class Decider:
    """Applies a model to the groups of a doc (the ``decider`` of :func:`assemble`)."""

    def __init__(self, model: Model, threshold: float = THRESHOLD) -> None:
        self.model = model
        self.threshold = threshold
        # the learnt names' features of a group's keys: the same names recur from paper to paper
        self._names: dict[frozenset[str], tuple[list[str], list[int]]] = {}

    def extra(self, doc: Doc) -> list[Candidate]:
        return decider_extra(doc)

    def name_features(self, group: list[Candidate]) -> list[str]:
        """:func:`.names.name_features` of the group's keys, kept per keys."""
        return self._kept_names(group)[0]

    def _kept_names(self, group: list[Candidate]) -> tuple[list[str], list[int]]:
        """The group's name features and their ids in the model (:meth:`Model.ids`)."""
        # kept per the group's names as written, which give its keys (no key made to look them up)
        names = frozenset([c.text for c in group] + [c.long_form for c in group if c.long_form])
        kept = self._names.get(names)
        if kept is None:
            if len(self._names) >= NAMES_KEPT:
                self._names.clear()
            feats = name_features(group_keys(group), self.model.names)
            kept = self._names[names] = (feats, self.model.ids([feats])[0])
        return kept

    def __call__(self, doc: Doc, groups: list[list[Candidate]]) -> list[Decision]:
        view = DocView.of(doc)
        model = self.model
        if not model.ordered:
            return self._decide_by_strings(view, groups)
        rows: list[list[int]] = []
        unsupported: list[bool] = []
        for g in groups:
            parts = group_parts(g, view)
            # the ids of sorted(group_features(g)) + the name features, the same sums in the same order
            row = model.ids_of_parts(*parts)
            if model.names:
                row += self._kept_names(g)[1]
            rows.append(row)
            unsupported.append(has_feature(parts, UNSUPPORTED))
        return self._decisions(*model.scores_of_ids(rows), unsupported)

    def _decide_by_strings(self, view: DocView, groups: list[list[Candidate]]) -> list[Decision]:
        """:meth:`__call__` through the feature strings (a model whose features are not in order)."""
        rows = [group_features(g, view) for g in groups]
        if self.model.names:
            for feats, g in zip(rows, groups, strict=True):
                feats += self.name_features(g)
        return self._decisions(*self.model.scores_many(rows), [UNSUPPORTED in feats for feats in rows])

    def _decisions(self, kinds: np.ndarray, proposed: np.ndarray, unsupported: list[bool]) -> list[Decision]:
        out: list[Decision] = []
        for bad, p, r in zip(unsupported, kinds.tolist(), proposed.tolist(), strict=True):
            if p[0] >= self.threshold or bad:
                out.append(None)
                continue
            k = max(range(1, len(KINDS)), key=lambda i: p[i])
            out.append((KINDS[k], "proposed" if r >= 0.5 else "used", round(1.0 - p[0], 3)))
        return out


@lru_cache(maxsize=1)
def shipped_model() -> Model | None:
    """The model shipped in ``kg/extract/data/``, or None when there is none."""
    import json

    f = resources.files("kg.extract").joinpath("data", SHIPPED)
    if not f.is_file():
        return None
    return from_json(json.loads(f.read_text(encoding="utf-8")), f"kg/extract/data/{SHIPPED}")


def settings_decider(settings: Settings) -> Decider | None:
    """The decider ``settings.extractor`` names: None for the rules, the shipped model's for "learned"."""
    if settings.extractor == "rules":
        return None
    if settings.extractor != "learned":
        raise FormatError("extractor", settings.extractor, list(EXTRACTORS))
    model = shipped_model()
    if model is None:
        raise KGError(f"the learned extractor needs its model kg/extract/data/{SHIPPED}, which this "
                      "installation lacks: train one with kg train, or use the rules")
    return Decider(model)


__all__ = ["Decider", "Model", "load", "settings_decider", "shipped_model", "SHIPPED", "THRESHOLD"]
