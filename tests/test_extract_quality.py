"""Extraction quality on the dev gold stays at the targets (issue: extraction).

Reads ../shared (seeds and gold), so it skips on a user's clone; CI has it. The
thresholds are the issue's targets; the figures and the error analysis are in
BENCHMARKS.md (python bench/bench_extract.py quality).
"""

import pytest

from kg.extract import extract_entities
from kg.extract.evaluate import evaluate, load_jsonl
from kg.keys import title_key
from kg.sources import read_papers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(nlp):
    from conftest import SHARED as shared

    if not (shared / "gold/dev.jsonl").is_file():
        pytest.skip(f"{shared} is absent (only CI and the team have ../shared)")
    gold = load_jsonl(shared / "gold/dev.jsonl")
    keys = {title_key(g["title"]) for g in gold}
    papers = [p for p in read_papers([shared / "seeds"]) if title_key(p.title) in keys]
    assert len(papers) == len(gold)
    preds = [pe.to_dict() for pe in extract_entities(papers, nlp)]
    return evaluate(gold, preds)


def test_typed_f1_overall_and_per_type(report):
    assert report.typed.prf("all")[2] >= 0.90
    for t in ("method", "model", "dataset"):
        assert report.typed.prf(t)[2] >= 0.85, t


def test_links_and_roles(report):
    assert report.links.prf()[2] == 1.0
    assert report.role_correct / report.role_total >= 0.90
