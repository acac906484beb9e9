"""Pieces of the learned layer on texts written for the tests: never-entities, folds, recall
candidates, features, corpus-level decisions, and the fingerprint covering the model."""

import pytest

from kg.extract import build_nlp, extract_text
from kg.extract.learn.corpus import corpus_decisions
from kg.extract.learn.features import DocView, group_features, shape
from kg.extract.learn.folds import folds
from kg.extract.learn.recall import recall_candidates
from kg.extract.never import never_entity
from kg.records import Evidence, Mention, PaperEntities
from kg.settings import Settings


def test_units_scales_venues_and_hardware_are_never_entities():
    for name, kind in [("PetaFLOPs", "unit"), ("kHz", "unit"), ("GFLOPs", "unit"), ("100K", "scale"),
                       ("1.5B", "scale"), ("8xA800", "hardware"), ("H100", "hardware"),
                       ("RTX 3090", "hardware"), ("NeurIPS", "venue"), ("CVPR 2024", "venue"),
                       ("NPUs", "hardware"), ("xPU", "hardware"), ("FPGA", "hardware")]:
        assert never_entity(name) == kind, name
    for name in ("GPT-4", "T5", "ImageNet-1K", "FlowCut", "ViT-B", "Llama-3", "COCO"):
        assert never_entity(name) is None, name


def test_words_made_from_names_are_never_entities():
    for name in ("Euler's", "RNN’s", "Let's", "CoT-based", "LLM-generated", "CoI-tuned", "LLaMa-like",
                 "AdaptiveStep-trained", "LLm-Based", "ACMized", "as FcaNet", "of ZorbNet"):
        assert never_entity(name) == "derived", name
    # a name that holds such a word, or a plain word with the suffix, is no derived word
    for name in ("DETR-style set prediction", "MAE-style pretraining", "Temporal-Aware Dual RoPE",
                 "Optimized", "The Tensor Brain", "Let's Verify Step by Step"):
        assert never_entity(name) is None, name


def test_never_entities_leave_no_mention():
    nlp = build_nlp(Settings())
    out = extract_text("We train ZorbNet on 8xA800 nodes at 2 PetaFLOPs, as shown at NeurIPS.", nlp)
    assert [m.name for m in out.entities] == ["ZorbNet"]


def test_folds_spread_every_page_and_are_fixed_by_the_seed():
    pages = ["a"] * 10 + ["b"] * 5 + ["c"] * 7
    f = folds(pages, k=5, seed=3)
    assert f == folds(pages, k=5, seed=3) and f != folds(pages, k=5, seed=4)
    for page in "abc":
        got = [f[i] for i, p in enumerate(pages) if p == page]
        assert len(set(got)) == min(5, len(got))
    sizes = [f.count(k) for k in range(5)]
    assert max(sizes) - min(sizes) <= 1


def test_recall_candidates_cast_wide():
    text = "Title\n\nServing improves with continuous batching. We use Quorble Sifting and tok-KD here."
    got = {c.text for c in recall_candidates(text, 7, {7, 49})}
    assert {"continuous batching", "Quorble Sifting", "tok-KD"} <= got
    assert "Serving" not in got  # one capitalised word opening a sentence is no candidate


def test_features_hold_the_rules_verdicts_and_the_shape():
    nlp = build_nlp(Settings())
    from kg.extract.assemble import candidate_groups

    doc = nlp("Zorblax: Fast Pruning\n\nWe propose Zorblax, which beats BERT.")
    view = DocView.of(doc)
    feats = {g[0].text: group_features(g, view) for g in candidate_groups(doc, keep_generic=True)}
    assert "kb=model" in feats["BERT"] and "found=gazetteer" in feats["BERT"]
    assert "found=title-head" in feats["Zorblax"] and "rulerole=proposed" in feats["Zorblax"]
    assert shape("GPT-4o") == "X-dx"


def _mention(name: str, type_: str, role: str = "used", conf: float = 0.9) -> Mention:
    return Mention(type=type_, name=name, aliases=(), role=role,  # type: ignore[arg-type]
                   evidence=(Evidence(text=name, start=0, end=len(name), surface=name),),
                   confidence=conf, kb_id=None, parent=None, sources=("shape",))


def test_corpus_decisions_take_the_proposer_type_then_the_majority():
    papers = [PaperEntities(id="1", title="t1", entities=(_mention("Zorb", "method", "proposed"),), links=()),
              PaperEntities(id="2", title="t2", entities=(_mention("Zorb", "model"), _mention("Quim", "model")),
                            links=()),
              PaperEntities(id="3", title="t3", entities=(_mention("Quim", "model"),), links=()),
              PaperEntities(id="4", title="t4", entities=(_mention("Quim", "dataset", conf=0.5),), links=())]
    out = corpus_decisions(papers)
    assert [m.type for m in out[1].entities] == ["method", "model"]
    assert out[3].entities[0].type == "model"
    assert [m.type for pe in corpus_decisions(papers[2:]) for m in pe.entities] == ["model", "dataset"]


def test_the_extractor_fingerprint_covers_the_shipped_model():
    from kg.build.state import extractor_files

    assert any(p.name == "decider.json" for p in extractor_files())


# ---------------------------------------------------------------- spelling users defeat matching with

def _known(text: str) -> list[tuple[str, str | None]]:
    nlp = _nlp()
    return [(m.name, m.kb_id) for m in extract_text(text, nlp).entities]


_NLP = []


def _nlp():
    if not _NLP:
        _NLP.append(build_nlp(Settings()))
    return _NLP[0]


def test_case_hyphen_and_space_variants_of_known_names_match():
    assert _known("We ask Claude-3.5 Sonnet and claude 3.5 sonnet.") == [("Claude 3.5 Sonnet", "claude-3.5-sonnet")]
    assert _known("Scores on Image-Net and imagenet rise.") == [("ImageNet", "imagenet")]
    assert _known("We fine-tune Llama-2 on it.") == [("Llama 2", "llama-2")]


def test_an_ordinary_word_is_no_variant_of_a_coined_name():
    # SimplE, ComplEx and MultiPL-E are known names; the words are not
    assert _known("A simple and complex model of multiple tasks. Multiple runs agree.") == []


def test_the_papers_own_acronym_definition_beats_a_known_entity_of_another_kind():
    out = extract_text("We add Cross-Layer Importance Pruning (CLIP) to the encoder.", _nlp())
    clip = next(m for m in out.entities if m.name == "Cross-Layer Importance Pruning" or "CLIP" in m.aliases)
    assert clip.type == "method" and clip.kb_id is None


def test_an_acronym_the_paper_spells_out_otherwise_is_not_the_known_entity_of_that_spelling():
    # the gazetteer's VAR is Visual AutoRegressive modeling, a model; SETR the SEgmentation TRansformer
    out = extract_text("We add Visual Attention Redistribution (VAR) to the decoder. VAR is cheap.", _nlp())
    [var] = [m for m in out.entities if "VAR" in (m.name, *m.aliases)]
    assert (var.name, var.type, var.kb_id) == ("Visual Attention Redistribution", "method", None)
    # every mention of that spelling follows the definition, those the gazetteer typed too
    out = extract_text("Second, we propose a Semantics ReTRiever (SeTR) that adds context. SeTR is fast.", _nlp())
    [setr] = [m for m in out.entities if "SeTR" in (m.name, *m.aliases)]
    assert (setr.type, setr.kb_id) == ("method", None) and len(setr.evidence) == 3


def test_an_acronym_spelled_out_as_the_gazetteer_spells_it_stays_the_known_entity():
    out = extract_text("We train with Sharpness-Aware Minimisation (SAM) to flatten minima.", _nlp())
    [sam] = [m for m in out.entities if "SAM" in (m.name, *m.aliases)]
    assert (sam.type, sam.kb_id) == ("method", "sam")
    # half the words shared is enough: a longer spelling of a known name
    out = extract_text("We add Masked Image Modeling Pretraining (MIM) to it.", _nlp())
    assert [(m.type, m.kb_id) for m in out.entities if "MIM" in (m.name, *m.aliases)] == [("method", "mim")]


def test_units_venues_hardware_and_scales_from_the_issue_are_dropped():
    out = extract_text("Trained at 3 PetaFLOPs on 8xA800 nodes with 100K samples at 16 kHz (NeurIPS).", _nlp())
    assert out.entities == ()


def test_a_doc_s_groups_scored_at_once_score_as_one_by_one():
    from kg.extract.assemble import candidate_groups
    from kg.extract.learn import shipped_model
    from kg.extract.learn.examples import group_keys
    from kg.extract.learn.names import name_features
    from kg.extract.learn.recall import doc_recall

    model = shipped_model()
    assert model is not None
    doc = build_nlp(Settings())("Zorblax: Fast Pruning\n\nWe propose Zorblax with continuous batching, "
                                "which beats BERT on ImageNet and uses Instruction Tuning.")
    view = DocView.of(doc)
    rows = [group_features(g, view) + name_features(group_keys(g), model.names)
            for g in candidate_groups(doc, keep_generic=True, extra=doc_recall(doc))]
    rows.append(["no-such-feature"])  # a group with no known feature still gets a row
    kinds, proposed = model.scores_many(rows)
    assert kinds.shape == (len(rows), 4) and len(rows) >= 5
    for i, row in enumerate(rows):
        p, q = model.scores(row)
        assert list(kinds[i]) == pytest.approx(p, abs=1e-12) and proposed[i] == pytest.approx(q, abs=1e-12)


def test_technique_phrases_end_on_method_heads_plurals_and_endings():
    text = ("Title\n\nWe use sparse gating layers, token merging and low-rank cross-attention "
            "(no attention-map, no residual backbones here).")
    got = {c.text for c in recall_candidates(text, 7, {7})}
    assert {"sparse gating layers", "token merging", "low-rank cross-attention"} <= got
    # "attention" inside a word is no head; "backbone" is a model's head word, not a method's
    assert not any("attention-map" in g or "backbones" in g for g in got)
