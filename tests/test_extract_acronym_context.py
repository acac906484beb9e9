"""Short ambiguous acronyms judged by their support in the paper (texts written for the tests):
a definition, a gazetteer entry, a type word beside it, the title, repetition, a known name
near it, a list; one with none of that is no entity for the learned decider."""

from functools import lru_cache

from spacy.language import Language

from kg.extract import build_nlp, extract_text
from kg.extract.assemble import candidate_groups
from kg.extract.learn import Decider, shipped_model
from kg.extract.learn.acronym import acronym_features, is_short_acronym
from kg.extract.learn.features import DocView, group_features
from kg.extract.learn.model import Fit, Model
from kg.extract.learn.recall import doc_recall
from kg.settings import Settings


@lru_cache(maxsize=1)
def _nlp() -> Language:
    return build_nlp(Settings())


def _acro(text: str) -> dict[str, set[str]]:
    """The acronym features of every group of ``text`` that has any, by the group's names."""
    doc = _nlp()(text)
    view = DocView.of(doc)
    out = {}
    for g in candidate_groups(doc, keep_generic=True, extra=doc_recall(doc)):
        feats = acronym_features(g, view.text, view.title_end)
        if feats:
            out["/".join(sorted({c.text for c in g}))] = feats
            assert feats <= set(group_features(g, view))  # the decider sees them
    return out


def _names(text: str, decider: Decider) -> set[str]:
    out = extract_text(text, _nlp(), decider=decider)
    return {n for m in out.entities for n in (m.name, *m.aliases)}


# a model that calls every group a method: what is dropped then is dropped by the rule alone
_KEEP_ALL = Model(("bias",), ((-5.0, 5.0, 0.0, 0.0),), (0.0,), Fit())


def test_what_a_short_acronym_is():
    assert [is_short_acronym(n) for n in ("RAG", "LLMs", "GAN2", "QRXV")] == [True] * 4
    assert [is_short_acronym(n) for n in ("MoE", "A", "BERTS1", "ViT", "ImageNet", "rag")] == [False] * 6


def test_a_defined_acronym_has_support_and_is_kept():
    text = "Quorble Rank Expansion\n\nWe propose Quorble Rank Expansion (QRX) for retrieval. QRX is fast."
    feats = next(f for k, f in _acro(text).items() if "QRX" in k)
    assert {"acro", "acro&def", "acro&multi"} <= feats and "acro&nosupport" not in feats
    assert "QRX" in _names(text, Decider(_KEEP_ALL))
    model = shipped_model()
    assert model is not None
    assert "QRX" in _names(text, Decider(model))


def test_an_undefined_unsupported_acronym_is_dropped():
    text = "Fast Things\n\nOur approach reaches good results in the PQV setting and others."
    assert _acro(text)["PQV"] >= {"acro&nosupport", "acro&support=0"}
    assert "PQV" not in _names(text, Decider(_KEEP_ALL))  # the rule drops it whatever the model says
    model = shipped_model()
    assert model is not None
    assert "PQV" not in _names(text, Decider(model))


def test_a_gazetteer_acronym_with_support_is_kept():
    text = "Probing Encoders\n\nOur probe reads the layers of BERT and RoBERTa on new data."
    feats = _acro(text)["BERT"]
    assert {"acro&kb=model", "acro&nearkb=model"} <= feats and "acro&nosupport" not in feats
    assert "BERT" in _names(text, Decider(_KEEP_ALL))
    model = shipped_model()
    assert model is not None
    assert "BERT" in _names(text, Decider(model))


def test_a_type_word_beside_it_supports_it_but_not_its_own_long_form():
    feats = _acro("Results\n\nOur tests on the ZQK dataset show gains over the baseline here.")["ZQK"]
    assert "acro&tw=dataset" in feats and "acro&nosupport" not in feats
    # "(VWQ)" follows the last word of its own long form ("Prompts"): that is no type word beside it
    feats = next(f for k, f in _acro("Results\n\nWe collect the Visual Wordy Prompts (VWQ) corpus "
                                     "from stories.").items() if "VWQ" in k)
    assert "acro&tw=method" not in feats and "acro&def" in feats


def test_the_title_and_a_plural_are_seen():
    feats = _acro("QPZ for Sparse Vision\n\nWe study sparse vision with QPZ in detail.")["QPZ"]
    assert {"acro&title", "acro&multi"} <= feats
    feats = next(f for k, f in _acro("Results\n\nWe study Zorby Vision Mixers (ZVMs) at scale.").items()
                 if "ZVMs" in k)
    assert {"acro&plural", "acro&plural&def=1", "acro&lfplural"} <= feats
