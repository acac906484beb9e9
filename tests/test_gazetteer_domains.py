"""The gazetteer's domain lists added for papers nobody annotated (science and medicine, audio and
music, time series and tabular data, RL and robotics, code and maths, recent LLMs and their
evaluations, and the named corpora and systems of older papers): a few names of each file, found in a text written for the test, with their type."""

import pytest

from kg.extract import extract_text
from kg.extract.lexicon import gazetteer

TEXTS = [
    # (text, title, the names it holds: (written, id, type))
    ("We predict ICD codes from discharge summaries of MIMIC-III and compare against ClinicalBERT, "
     "then probe the embeddings of ESM-2 on enzyme families.", "Clinical Notes and Proteins",
     [("MIMIC-III", "mimic-iii", "dataset"), ("ESM-2", "esm-2", "model")]),
    ("Our polyphonic model is trained on JSB Chorales and Lakh MIDI, and its samples are compared "
     "with those of MuseGAN.", "Polyphonic Music Modelling",
     [("JSB Chorales", "jsb-chorales", "dataset"), ("MuseGAN", "musegan", "model")]),
    ("Imputation is evaluated against SAITS and BRITS, and generation against TabDDPM.",
     "Missing Values in Sensor Streams", [("SAITS", "saits", "model"), ("TabDDPM", "tabddpm", "model")]),
    ("The policy is fine-tuned from OpenVLA on trajectories of BridgeData and evaluated in "
     "SimplerEnv.", "Generalist Robot Policies",
     [("OpenVLA", "openvla", "model"), ("BridgeData", "bridgedata", "dataset")]),
    ("Accuracy rises on MultiArith and GSM-IC, and the agent beats AutoCodeRover on repository "
     "issues.", "Reasoning and Repair",
     [("MultiArith", "multiarith", "dataset"), ("AutoCodeRover", "autocoderover", "model")]),
    ("The small hybrid Hymba is compared with Phi-3.5 on SafetyBench and WildJailbreak.",
     "Small Models, Safe Answers", [("Hymba", "hymba", "model"), ("SafetyBench", "safetybench", "dataset")]),
    ("Word senses are taken from WordNet and frames from FrameNet; the parses come from MaltParser, "
     "and faces are matched with Eigenfaces on FERET.", "Lexical Resources",
     [("FrameNet", "framenet", "dataset"), ("MaltParser", "maltparser", "method"), ("FERET", "feret", "dataset")]),
]
CASES = [(text, title, *name) for text, title, names in TEXTS for name in names]


@pytest.mark.parametrize("text, title, written, kb, kind", CASES)
def test_a_listed_name_is_found_with_its_type(nlp, text: str, title: str, written: str, kb: str,
                                              kind: str) -> None:
    assert gazetteer()[kb].type == kind
    got = {m.kb_id: m for m in extract_text(text, nlp, title=title).entities}
    assert kb in got, sorted(got)
    m = got[kb]
    assert m.type == kind
    assert written in (m.name, *m.aliases) or any(e.surface == written for e in m.evidence)


def test_a_name_that_is_an_ordinary_word_counts_only_mid_sentence(nlp) -> None:
    # Hawk (the recurrent model) is flagged ambiguous: a sentence opening with the word names nothing
    assert gazetteer()["hawk"].ambiguous
    text = "Hawk populations declined. We train the recurrent Hawk model and compare it with Mamba."
    hawk = [m for m in extract_text(text, nlp, title="Recurrent Models").entities if m.kb_id == "hawk"]
    assert len(hawk) == 1 and hawk[0].type == "model"
    assert [e.surface for e in hawk[0].evidence] == ["Hawk"] and "recurrent Hawk" in hawk[0].evidence[0].text
