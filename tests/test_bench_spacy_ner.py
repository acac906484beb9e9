"""bench/bench_spacy_ner.py: the gold names become training spans, the NER's spans entities."""

import importlib.util
import sys
from pathlib import Path

import spacy

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _module():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_spacy_ner", BENCH / "bench_spacy_ner.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gold_spans_longest_first_on_token_boundaries() -> None:
    m = _module()
    nlp = spacy.blank("en")
    text = "TC-LLaVA beats LLaVA on MMBench; LLaVA is used. LLaVAX is not a match."
    ents = [{"type": "model", "names": ["TC-LLaVA"]}, {"type": "model", "names": ["LLaVA"]},
            {"type": "dataset", "names": ["MMBench"]}]
    spans = m.gold_spans(nlp.make_doc(text), ents)
    assert [(text[a:b], lab) for a, b, lab in spans] == [
        ("TC-LLaVA", "MODEL"), ("LLaVA", "MODEL"), ("MMBench", "DATASET"), ("LLaVA", "MODEL")]


def test_entities_of_merges_parenthesised_alias() -> None:
    m = _module()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("We propose Low-Rank Adaptation (LoRA) and test LoRA on GLUE.")
    from spacy.tokens import Span
    doc.ents = [Span(doc, 2, 6, "METHOD"), Span(doc, 7, 8, "METHOD"), Span(doc, 11, 12, "METHOD"),
                Span(doc, 13, 14, "DATASET")]
    ents = m.entities_of(doc)
    assert ents == [{"type": "method", "names": ["Low-Rank Adaptation", "LoRA"], "role": "used"},
                    {"type": "dataset", "names": ["GLUE"], "role": "used"}]


def test_combine_union_and_vote() -> None:
    m = _module()
    lr = [{"type": "method", "names": ["LoRA"]}, {"type": "model", "names": ["GPT-2"]}]
    ner = [{"type": "method", "names": ["lora"]}, {"type": "dataset", "names": ["GLUE"]},
           {"type": "method", "names": ["Adam"]}]
    assert [e["names"][0] for e in m.combine(lr, ner, "union")] == ["LoRA", "GPT-2", "GLUE", "Adam"]
    assert [e["names"][0] for e in m.combine(lr, ner, "union-method")] == ["LoRA", "GPT-2", "Adam"]
    assert [e["names"][0] for e in m.combine(lr, ner, "both")] == ["LoRA"]
