"""bench/bench_scierc.py: SciERC's abstracts read back as text, and the forms a span names."""

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def scierc():
    sys.path.insert(0, str(BENCH))
    try:
        import bench_scierc
    finally:
        sys.path.remove(str(BENCH))
    return bench_scierc


def test_a_span_names_itself_its_name_less_a_kind_word_and_both_sides_of_a_definition(scierc):
    assert scierc._forms("Hidden Markov Model (HMM)") >= {"hiddenmarkovmodelhmm", "hiddenmarkovmodel", "hmm"}
    assert "pcfgla" in scierc._forms("PCFG-LA model")
    assert scierc._forms("HMM-based chunk tagger") == {"hmmbasedchunktagger", "hmmbasedchunk"}
    assert scierc._forms("statistical approach") == {"statisticalapproach", "statistical"}


def test_the_abstracts_are_plain_text_with_their_brackets(scierc, shared):
    docs = scierc.load()
    assert len(docs) == 500 and len({d["id"] for d in docs}) == 500
    assert not any("-LRB-" in d["text"] or "-RRB-" in d["text"] for d in docs)
    assert sum("(" in d["text"] for d in docs) > 100
    rows, _ = scierc.run()
    recall = {r["measure"]: r for r in rows if r["measure"].startswith("recall")}
    assert 0 < recall["recall, named Method spans"]["count"] <= recall["recall, named Method spans"]["of"]
