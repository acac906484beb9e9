"""bench/bench_extract.py speed --generated N: the texts timed are those of N generated papers; paired: rounds of
the tokenizer and the extractor."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def bench_extract(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import bench_extract

    return bench_extract


def test_generated_papers_are_the_generators_records_read_as_a_build_reads_them(bench_extract) -> None:
    from gen_corpus import generate

    papers = bench_extract.generated_papers(25)
    records = generate(25)
    assert len(papers) == 25
    assert [p.title for p in papers] == [r["title"] for r in records]
    assert all(p.abstract and p.text.startswith(p.title) for p in papers)


@pytest.mark.slow  # loads the blank, learned and sm pipelines
def test_speed_times_every_pipeline_on_the_generated_texts(bench_extract) -> None:
    rows = bench_extract.speed(1, generated=12)
    assert [r["pipeline"] for r in rows][0] == "blank tokenizer only (ceiling)"
    assert len(rows) == 4 and all(r["abstracts"] == 12 and r["abstracts_per_cpu_s"] > 0 for r in rows)
    assert rows[0]["of_tokenizer_cpu"] == "100.0%"


def test_paired_rounds_time_the_tokenizer_and_the_extractor_on_the_seeds(bench_extract, shared) -> None:
    row = bench_extract.paired(2)
    assert row["abstracts"] == 520 and row["rounds"] == 2
    assert row["tokenizer_best_per_cpu_s"] > row["rules_best_per_cpu_s"] > 0
    ratio = float(row["median_ratio"].rstrip("%"))
    assert 0 < ratio < 100
