"""The decider's wider evidence, on texts written for the tests: context features around a
name's occurrences, the title's phrases as candidates, and training labels keyed as the scorer
keys names."""

import pytest

from kg.extract import build_nlp
from kg.extract.assemble import candidate_groups
from kg.extract.learn import Decider, shipped_model
from kg.extract.learn.context import capitalisation, context_features
from kg.extract.learn.examples import examples, label_keys
from kg.extract.learn.features import DocView, group_features
from kg.extract.learn.titled import decider_extra, phrase_features, title_candidates, title_phrases
from kg.extract.rules import RECALL_CAPS
from kg.records import Paper
from kg.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(Settings())


def _groups(nlp, text: str) -> tuple[DocView, dict[str, list]]:
    doc = nlp(text)
    view = DocView.of(doc)
    groups = candidate_groups(doc, keep_generic=True, extra=decider_extra(doc))
    return view, {g[0].text: g for g in groups}


def _context(view: DocView, group: list) -> set[str]:
    return context_features(group, view.text, view.title_end, frozenset(view.starts))


def test_capitalisation_tells_coined_title_case_and_lower_case_names():
    assert [capitalisation(n) for n in ("FeatureSlicer", "GPT-4", "Step Rehash", "Mixture of Experts",
                                        "slot attention", "Adam", "BERT")] == \
        ["coined", "coined", "title", "title", "lower", None, None]


def test_a_definition_a_naming_and_a_benchmark_place_are_features(nlp):
    view, groups = _groups(nlp, "Plain Title\n\nOur ZorbNet is a simple framework for pruning. "
                                "We add a module called Quix Blend. Results on the Frobble benchmark improve.")
    assert "cx&isa=method" in _context(view, groups["ZorbNet"])
    named = _context(view, groups["Quix Blend"])
    assert "cx&named" in named and "cx&cap=title" in named
    assert "cx&place=dataset" in _context(view, groups["Frobble"])


def test_a_list_beside_known_models_gives_their_type(nlp):
    view, groups = _groups(nlp, "Plain Title\n\nWe compare GPT-4, Llama 2 and Zorbo on hard tasks.")
    feats = _context(view, groups["Zorbo"])
    assert "cx&list" in feats and "cx&sib=model" in feats
    # each feature is conjoined with the finder of the group too
    finder = groups["Zorbo"][0].found_by.name
    assert f"{finder}&cx&sib=model" in feats


def test_title_case_mid_sentence_differs_from_a_sentence_start(nlp):
    view, groups = _groups(nlp, "Plain Title\n\nIt has three parts: Feature Slicer, Step Rehash. "
                                "Then Feature Slicer splits inputs.")
    feats = _context(view, groups["Feature Slicer"])
    assert "cx&mid=2" in feats  # after the colon, and after "Then": both inside a sentence
    view, groups = _groups(nlp, "Plain Title\n\nSome work exists. Gentle Sorting is old. Gentle Sorting fails.")
    assert "cx&startonly" in _context(view, groups["Gentle Sorting"])


def test_the_title_is_cut_into_its_phrases():
    t = "Sparse Lattice Fusion: Rethinking Token Pruning for Vision Transformers"
    assert [t[s:e] for s, e in title_phrases(t)] == ["Sparse Lattice Fusion", "Token Pruning", "Vision Transformers"]
    t = "The Quiet Prior"
    assert [t[s:e] for s, e in title_phrases(t)] == ["Quiet Prior"]
    # "Large Language Models" is generic (ANNOTATION.md, generic.txt): never a title phrase
    t = "Token Pruning for Large Language Models"
    assert [t[s:e] for s, e in title_phrases(t)] == ["Token Pruning"]


def test_a_title_phrase_is_a_candidate_in_the_title_and_in_the_abstract_in_any_case():
    text = "Quiet Lattice Fusion for Graphs\n\nWe propose quiet lattice fusion. Quiet-Lattice Fusions help."
    got = [(c.text, c.start) for c in title_candidates(text, 31)]
    assert got == [("Quiet Lattice Fusion", 0), ("quiet lattice fusion", 44), ("Quiet-Lattice Fusions", 66)]
    assert all(c.found_by is RECALL_CAPS for c in title_candidates(text, 31))


def test_a_title_phrase_replaces_the_run_of_capitals_over_it(nlp):
    doc = nlp("Quiet Lattice Fusion for Robust Graphs\n\nWe propose quiet lattice fusion for graphs.")
    title = [c.text for c in decider_extra(doc) if c.start < 38]
    assert "Quiet Lattice Fusion" in title
    assert not any("Robust" in t and "Quiet" in t for t in title)  # the whole-title run is gone


def test_phrase_features_say_how_the_abstract_uses_the_title_phrase(nlp):
    view, groups = _groups(nlp, "Quiet Lattice Fusion for Graphs\n\nWe propose quiet lattice fusion. "
                                "Quiet lattice fusion is fast.")
    group = next(g for g in groups.values() if any(c.text == "Quiet Lattice Fusion" for c in g))
    feats = phrase_features(group, view.text, view.title_end)
    assert {"tp", "tp&occ=2", "tp&lower", "tp&lead=start", "tp&head=method"} <= feats
    assert "tp" in group_features(group, view)  # reached through the decider's features


def test_the_decider_judges_title_phrases(nlp):
    model = shipped_model()
    assert model is not None
    doc = nlp("Quiet Lattice Fusion for Graphs\n\nWe propose quiet lattice fusion.")
    assert "Quiet Lattice Fusion" in {c.text for c in Decider(model).extra(doc)}


def test_a_group_with_a_point_between_digits_is_labelled_by_its_gold_entity(nlp):
    # regression: the labels compared the extraction's keys ("zorb2.5", the point kept) with the
    # scorer's ("zorb25"), so such a group was trained as "none" though its mention scores a match
    gold = [{"title": "Zorb Paper", "entities": [
        {"type": "model", "names": ["Zorb-2.5"], "role": "used", "optional": False, "alt_types": []}]}]
    paper = Paper(id="p", title="Zorb Paper", abstract="We fine-tune Zorb-2.5 on many tasks.")
    kinds = {ex.keys: ex.kind for ex in examples([paper], gold, nlp)}
    assert kinds[("zorb2.5",)] == "model"


def test_a_known_entity_s_group_is_labelled_by_its_own_name_as_well(nlp):
    doc = nlp("Plain Title\n\nWe test on the GLUE benchmark.")
    group = next(g for g in candidate_groups(doc, keep_generic=True) if any(c.kb_id == "glue" for c in g))
    assert "glue" in label_keys(group)  # the mention is named GLUE: the gold "GLUE" matches it


def test_generic_training_procedures_and_video_model_categories_are_no_entities(nlp):
    # lexicon (generic.txt): kinds of thing, as fine-tuning and diffusion models are (ANNOTATION.md)
    from kg.extract import extract_text

    text = ("Our study applies Instruction Tuning and Structured Pruning to Video Large Language Models "
            "(Video-LLMs) and Video Diffusion Models (VDMs) with a Transformer model.")
    assert extract_text(text, nlp).entities == ()
    out = extract_text("Zorbly: Fast Serving\n\nWe propose Zorbly, which beats Video-LLMs after instruction tuning.", nlp)
    assert [m.name for m in out.entities] == ["Zorbly"]
