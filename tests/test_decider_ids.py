"""The decider's path through feature ids gives what the path through feature strings gives.

:meth:`Decider.__call__` looks a group's features up by their parts (:func:`group_parts`,
:meth:`Model.ids_of_parts`); the context features skip the naming search and the title
phrases where they cannot fire. Each is checked here against the plain way, kept in this
file or reached by switching the shortcut off.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.extract.learn as learn
import kg.extract.learn.context as context
from kg.extract.assemble import candidate_groups
from kg.extract.learn import Decider, shipped_model
from kg.extract.learn.examples import group_keys
from kg.extract.learn.features import group_features, group_parts, has_feature
from kg.extract.learn.model import Model
from kg.extract.learn.names import name_features
from kg.extract.learn.titled import decider_extra
from kg.extract.learn.view import DocView
from tests.test_decider_speed import TEXTS, _random_texts

NAMED = [
    "Zorb: A Method\n\nWe present a model called Zorb and a dataset known as ZorbSet, dubbed ZS. "
    "The Zorb Method (ZM), termed so, is coined by us; ZorbNet is referred to as ZN.",
    "Slot Attention Networks\n\nslot attention networks beat Slot Attention Networks on CLEVR.",
    "Kelvin Net\n\nWe present a model \u212aNOWN AS KNet, one CALLED Zet, a net known aſ Qet, and ΣNet.",
    "Plain\n\nNothing here is NAMED or Known As anything; it is DENOTED by ZZ.",
]


def _docs(nlp, texts):
    return list(nlp.pipe(texts, batch_size=32))


def _check(nlp, texts) -> int:
    """The ids, the unsupported flag and the decisions equal the string path's on every group."""
    model = shipped_model()
    assert model is not None and model.ordered
    decider = Decider(model)
    seen = 0
    for doc in _docs(nlp, texts):
        view = DocView.of(doc)
        groups = candidate_groups(doc, keep_generic=True, extra=decider_extra(doc))
        for g in groups:
            parts = group_parts(g, view)
            feats = group_features(g, view)
            assert model.ids_of_parts(*parts) == model.ids([feats])[0]
            assert has_feature(parts, learn.UNSUPPORTED) == (learn.UNSUPPORTED in feats)
            assert all(has_feature(parts, f) for f in feats)
            assert not has_feature(parts, "no-such&feature")
            assert decider._kept_names(g)[1] == model.ids([name_features(group_keys(g), model.names)])[0]
        assert decider(doc, groups) == decider._decide_by_strings(view, groups)
        seen += len(groups)
    return seen


def test_the_id_path_equals_the_string_path_on_edge_case_texts(nlp):
    assert _check(nlp, TEXTS + NAMED) >= 25


def test_the_id_path_equals_the_string_path_on_random_texts(nlp):
    assert _check(nlp, _random_texts(7, 120)) >= 400


@pytest.mark.shared
def test_the_id_path_equals_the_string_path_on_every_seed_paper(nlp, shared):
    from kg.sources import read_papers

    assert _check(nlp, [p.text for p in read_papers([shared / "seeds"])]) >= 5000


def test_a_model_whose_features_are_not_in_order_is_read_through_its_strings(nlp):
    model = shipped_model()
    assert model is not None
    flipped = Model(model.features[::-1], model.kind_w[::-1], model.role_w[::-1], model.fit,
                    model.trained_on, model.names)
    assert not flipped.ordered
    doc = nlp(TEXTS[1])
    groups = candidate_groups(doc, keep_generic=True, extra=decider_extra(doc))
    decider = Decider(flipped)
    assert decider(doc, groups) == decider._decide_by_strings(DocView.of(doc), groups)


def test_conjoined_ids_are_the_ids_of_the_joined_strings():
    model = shipped_model()
    assert model is not None
    table = model.conjoined("recall-phrase")
    assert table and all(model.ids([[f"recall-phrase&{f}"]])[0] == [i] for f, i in table.items())


@pytest.mark.parametrize("texts", [TEXTS + NAMED, _random_texts(13, 80)])
def test_context_shortcuts_change_no_feature(nlp, monkeypatch, texts):
    docs = _docs(nlp, texts)
    pairs = [(DocView.of(d), g) for d in docs for g in candidate_groups(d, keep_generic=True, extra=decider_extra(d))]

    def evidence():
        return [context.context_evidence(g, v.text, v.title_end, v.start_set) for v, g in pairs]

    fast = evidence()
    monkeypatch.setattr(context, "_may_name", lambda text: True)
    monkeypatch.setattr(context, "_may_be_title_phrase", lambda names, text, title_end: True)
    monkeypatch.setattr(context, "capitalisation", context.capitalisation.__wrapped__)
    assert evidence() == fast
    assert any("cx&named" in f for f in fast) and any("tp" in f for f in fast)


_MODEL = shipped_model()
_KNOWN = sorted(_MODEL.features)[::97] if _MODEL else []
_FEATURES = st.sampled_from([*_KNOWN, *(f.split("&", 1)[-1] for f in _KNOWN), "no-such", "&", "acro&nosupport"])
_FINDERS = st.sampled_from(["recall-phrase", "recall-caps", "gazetteer", "acro", "acronym", "list", "no-such"])


@settings(max_examples=300, deadline=None)
@given(st.sets(_FEATURES, max_size=12), st.sets(_FEATURES, max_size=12), st.sets(_FINDERS, max_size=3),
       _FEATURES)
def test_ids_of_parts_are_the_ids_of_the_joined_strings(alone, conj, finders, probe):
    model = shipped_model()
    assert model is not None
    prefixes = sorted(finders)
    joined = alone | conj | {f"{p}&{f}" for p in prefixes for f in conj}
    assert model.ids_of_parts(alone, conj, prefixes) == model.ids([sorted(joined)])[0]
    parts = (alone, conj, prefixes)
    assert has_feature(parts, probe) == (probe in joined)
    assert all(has_feature(parts, f) for f in joined)
