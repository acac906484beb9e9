"""The gazetteer's named training, inference and analysis techniques (techniques.jsonl),
found as a paper writes them: in lower case mid-sentence, and as used methods."""

import pytest

from kg.extract import extract_text
from kg.extract.lexicon import gazetteer

TEXT = ("We train the model with sequence parallelism and a cosine learning rate decay, "
        "serve it with continuous batching and prefix caching, and evaluate it by linear probing. "
        "Next-token prediction alone does not explain the gains; direct logit attribution shows why.")


def test_the_techniques_are_methods_of_their_own_file() -> None:
    g = gazetteer()
    for kid in ("sequence-parallelism", "continuous-batching", "prefix-caching", "linear-probing",
                "next-token-prediction", "direct-logit-attribution", "cosine-decay"):
        assert g[kid].type == "method"


@pytest.mark.parametrize("written, kb", [
    ("sequence parallelism", "sequence-parallelism"), ("cosine learning rate decay", "cosine-decay"),
    ("continuous batching", "continuous-batching"), ("prefix caching", "prefix-caching"),
    ("linear probing", "linear-probing"), ("Next-token prediction", "next-token-prediction"),
    ("direct logit attribution", "direct-logit-attribution"),
])
def test_a_technique_written_in_lower_case_is_found_as_a_used_method(nlp, written: str, kb: str) -> None:
    pe = extract_text(TEXT, nlp, title="Training a Small Model")
    got = {m.kb_id: m for m in pe.entities}
    assert kb in got, sorted(got)
    m = got[kb]
    assert m.type == "method" and m.role == "used"
    assert written in (m.name, *m.aliases) or any(e.surface == written for e in m.evidence)
