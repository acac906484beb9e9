"""The learned decider's fast paths give what the code they replaced gave.

The features of every group, the contribution-cue windows of the doc view and the scores are
checked against main's code before the speed work, kept in tests/fixtures/learn/
(``features_reference.py``) or written out here: on texts written for the edge cases (a
window cutting a word, a name ending before a hyphen, letters that are not ASCII, acronyms
with and without support, long forms, a title), on random texts of the kinds of words the
finders look for, and on all seed papers. Speed itself is measured in bench/ (BENCHMARKS.md).
"""

import random
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from spacy.tokens import Doc

import kg.extract.learn as learn
from kg.extract.assemble import candidate_groups
from kg.extract.learn import Decider, shipped_model
from kg.extract.learn.examples import group_keys
from kg.extract.learn.features import group_features
from kg.extract.learn.model import KINDS, Fit, Model, train
from kg.extract.learn.names import name_features
from kg.extract.learn.titled import decider_extra
from kg.extract.learn.view import DocView
from tests.conftest import load_fixture_module

ref = load_fixture_module("learn/features_reference.py")

TEXTS = [
    "Zorblax: Fast Pruning for Vision Transformers\n\nWe propose Zorblax, a pruning method with "
    "continuous batching, which beats BERT-based models on ImageNet-1K and uses Instruction Tuning. "
    "Zorblax-style pruning keeps GPT-4o accurate.",
    "RAG at Scale\n\nRetrieval-Augmented Generation (RAG) helps. We introduce FlowCut, and evaluate "
    "on COCO, VQA and GQA. The XYZ dataset and the ABC model are used; LLMs and GANs are compared.",
    "Ωmega: ΣΑΣ Nets\n\nWe present ΣΑΣ, called Ωmega-Net, and İstanbul-Bench with naïve Café-Loss. "
    "Our Positional Attention differs from positional attention and slot attention (SA).",
    "A\n\nB",
    "Title Only Name\n\nTitle Only Name appears again: title only name, and Title-Only-Names.",
    "Short\n\n" + "word " * 30 + "SuperLongCoinedNameWithoutBreaksAndMoreCharactersThanSixtyXYZ model.",
    "Hyphens\n\nWe propose MoE-LoRA-based adapters, the -prefixed name, Mask R-CNN++ and UNet++ (U-Net).",
]

_WORDS = ["we", "propose", "introduce", "the", "a", "model", "dataset", "method", "benchmark", "of",
          "on", "and", "with", "network", "learning", "attention", "training", "called", "named",
          "BERT", "GPT-4", "ImageNet", "COCO", "RAG", "LLMs", "FlowCut", "ViT-B/16", "Mask", "R-CNN",
          "Positional", "Attention", "continuous", "batching", "(", ")", ",", ".", "-", "ΣΑΣ", "Café",
          "our", "framework", "Zorblax", "ZB", "Zorblax-Net", "SOTA", "e.g.", "vs", "Transformer"]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 8)))
        body = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 120)))
        out.append(f"{title}\n\n{body}")
    return out


def _docs(nlp, texts: Sequence[str]) -> Iterator[Doc]:
    yield from nlp.pipe(texts, batch_size=64)


def _reference_scores(model: Model, rows: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Main's scores_many: the known features' weights, each group summed in its order."""
    index = {f: i for i, f in enumerate(model.features)}
    wz = np.vstack([np.hstack([np.array(model.kind_w).reshape(-1, len(KINDS)),
                               np.array(model.role_w).reshape(-1, 1)]), np.zeros((1, len(KINDS) + 1))])
    ids: list[int] = []
    starts = []
    for feats in rows:
        starts.append(len(ids))
        ids.extend(i for i in map(index.get, feats) if i is not None)
        ids.append(len(model.features))
    z = np.add.reduceat(wz[np.array(ids, dtype=np.intp)], np.array(starts, dtype=np.intp), axis=0)
    kind = np.exp(z[:, :-1] - z[:, :-1].max(axis=1, keepdims=True))
    kind /= kind.sum(axis=1, keepdims=True)
    return kind, 1.0 / (1.0 + np.exp(-z[:, -1]))


def _check_docs(docs: Iterator[Doc]) -> int:
    """Asserts the fast features, windows and decisions equal the reference on each doc; the groups seen."""
    model = shipped_model()
    assert model is not None
    decider = Decider(model)
    seen = 0
    for doc in docs:
        view = DocView.of(doc)
        assert view.cue_windows == ref.cue_windows(view.text, view.sents)
        assert view.start_set == frozenset(view.starts)
        groups = candidate_groups(doc, keep_generic=True, extra=decider_extra(doc))
        rows = []
        for g in groups:
            fast = group_features(g, view)
            assert fast == ref.group_features(g, view), [c.text for c in g]
            rows.append(fast + name_features(group_keys(g), model.names))
        seen += len(groups)
        if not groups:
            continue
        kinds, proposed = model.scores_many(rows)
        want_kinds, want_proposed = _reference_scores(model, rows)
        # bit for bit: the same sums in the same order
        assert kinds.tobytes() == want_kinds.tobytes() and proposed.tobytes() == want_proposed.tobytes()
        assert decider(doc, groups) == [
            None if p[0] >= decider.threshold or learn.UNSUPPORTED in feats
            else (KINDS[max(range(1, 4), key=lambda i: p[i])], "proposed" if r >= 0.5 else "used",
                  round(1.0 - p[0], 3))
            for feats, p, r in zip(rows, want_kinds.tolist(), want_proposed.tolist(), strict=True)]
    return seen


def test_fast_features_equal_the_reference_on_edge_case_texts(nlp):
    assert _check_docs(_docs(nlp, TEXTS)) >= 20


def test_fast_features_equal_the_reference_on_random_texts(nlp):
    assert _check_docs(_docs(nlp, _random_texts(3, 150))) >= 500


@pytest.mark.shared
def test_fast_features_equal_the_reference_on_every_seed_paper(nlp, shared):
    from kg.sources import read_papers

    texts = [p.text for p in read_papers([shared / "seeds"])]
    assert len(texts) >= 500
    assert _check_docs(_docs(nlp, texts)) >= 5000


def test_a_feature_the_model_lacks_adds_nothing_to_the_sums():
    rows = [["a", "b"], ["a", "b", "c"], ["b", "c", "a", "zz"], ["zz", "c"], ["c", "x", "y", "a"]]
    model = train(rows, ["none", "method", "model", "none", "dataset"],
                  [None, "proposed", "used", None, "used"], Fit(min_count=2, steps=20))
    assert "x" not in model.features and "y" not in model.features
    rows.append(["x", "y"])  # no feature the model knows: the row of zeros only
    ids = model.ids(rows)
    # row i + 1 of the weights is feature i (row 0 is the zeros); the row's order is kept
    assert ids[-1] == [] and ids[-2] == [model.features.index("c") + 1, model.features.index("a") + 1]
    kinds, proposed = model.scores_many(rows)
    want_kinds, want_proposed = _reference_scores(model, rows)
    assert kinds.tobytes() == want_kinds.tobytes() and proposed.tobytes() == want_proposed.tobytes()
    assert model.scores_of_ids(ids)[0].tobytes() == kinds.tobytes()
    empty_kinds, empty_proposed = model.scores_many([])
    assert empty_kinds.shape == (0, len(KINDS)) and empty_proposed.shape == (0,)


def test_the_view_is_made_once_per_doc(nlp):
    doc = nlp(TEXTS[0])
    view = DocView.of(doc)
    assert DocView.of(doc) is view and doc._.kg_view is view
    assert view.text == doc.text and view.lower == doc.text.lower()
    assert view.title_end == doc._.kg_title_end > 0
    assert [view.sentence_index(s) for s in view.starts] == list(range(len(view.sents)))


def test_the_decider_keeps_name_features_per_keys_and_forgets_past_its_bound(nlp, monkeypatch):
    model = shipped_model()
    assert model is not None
    decider = Decider(model)
    doc = nlp(TEXTS[1])
    groups = candidate_groups(doc, keep_generic=True, extra=decider.extra(doc))
    want = [name_features(group_keys(g), model.names) for g in groups]
    assert [decider.name_features(g) for g in groups] == want
    assert [decider.name_features(g) for g in groups] == want  # now from what it kept
    written = {frozenset({c.text for c in g} | {c.long_form for c in g if c.long_form}) for g in groups}
    assert set(decider._names) == written and len(written) > 2
    monkeypatch.setattr(learn, "NAMES_KEPT", 2)
    small = Decider(model)
    assert [small.name_features(g) for g in groups] == want
    assert len(small._names) <= 2
