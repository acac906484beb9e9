"""``--extractor rules|learned`` (Settings.extractor): who decides the mentions of a build.

Real builds of a corpus written for these tests: each setting gives what the library's
extractor gives with that decider, switching re-extracts every paper, and the learned
extractor on two worker processes writes the graph of one.
"""

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import load_fixture_module

from kg.build.state import extractor_fingerprint, load_state
from kg.errors import FormatError
from kg.extract import extract_entities, extract_text
from kg.extract.learn import Decider, settings_decider, shipped_model
from kg.records import Paper
from kg.settings import EXTRACTORS, Settings

_corpus = load_fixture_module("jobs/corpus.py")
run, sorted_nquads = _corpus.run, _corpus.sorted_nquads

ABSTRACTS = [
    ("Instruction Tuning for Entity Recognition",
     "We study instruction tuning with direct preference optimization on the CoNLL-2003 "
     "dataset using BERT, and report Video Diffusion Models as a related direction."),
    ("Quorble: Scheduling for Serving",
     "Serving large language models with continuous batching and paged attention is costly. "
     "We propose Quorble, a scheduler that combines speculative decoding with sequence "
     "parallelism, evaluated on ShareGPT with Llama 2."),
    ("Sparse Mixtures Made Simple",
     "We introduce Trindle, a sparse mixture-of-experts layer trained with knowledge "
     "distillation from GPT-4. On MMLU and GSM8K it matches dense baselines at a third of "
     "the cost; the code is at https://github.com/example/trindle."),
    ("A Benchmark of Tabular Reasoning",
     "We present TabQuest, a benchmark of 12K questions over tables. Models such as "
     "Qwen2.5 and Mistral 7B fail on multi-hop Table Question Answering; chain-of-thought "
     "prompting helps little."),
    # the rules take "attention sink" for StreamingLLM's alias, the learned decider does not
    ("Sparse Attention Revisited",
     "We study sliding window attention and the attention sink phenomenon in Mistral 7B, and "
     "propose a cache eviction policy called Heavy Hitter Oracle."),
]


def write_papers(path: Path, copies: int = 1) -> Path:
    """The abstracts above, ``copies`` times over, each copy with an id and title of its own."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(copies * len(ABSTRACTS)):
            title, abstract = ABSTRACTS[i % len(ABSTRACTS)]
            part = i // len(ABSTRACTS)
            f.write(json.dumps({"id": f"2402.{i + 1:05d}",
                                "title": title if part == 0 else f"{title}, part {part + 1}",
                                "abstract": abstract}) + "\n")
    return path


def papers_of(path: Path) -> list[Paper]:
    from kg.sources import read_papers

    return list(read_papers([path]))


def entities(extractions: Any) -> dict[str, list[tuple[str, str, str]]]:
    return {pe.id: sorted((m.name, m.type, m.role) for m in pe.entities) for pe in extractions}


def build(inputs: Path, out: Path, *extra: str) -> dict[str, Any]:
    """``kg build`` in this process; its summary (stdout) with the settings build.json records."""
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code, err = run(["--no-progress", "build", str(inputs), "-o", str(out), "--format", "json", *extra])
    assert code == 0, err
    summary: dict[str, Any] = json.loads(stdout.getvalue())
    summary["settings"] = load_state(out, strict=True).info["settings"]
    return summary


def test_the_settings_choose_the_decider(nlp: Any) -> None:
    assert Settings().extractor == "rules" and EXTRACTORS == ("rules", "learned")
    assert settings_decider(Settings()) is None
    title, text = ABSTRACTS[0]
    learned = extract_text(text, nlp, title, Settings(extractor="learned"))
    model = shipped_model()
    assert model is not None
    assert learned == extract_text(text, nlp, title, decider=Decider(model))
    assert extract_text(text, nlp, title) == extract_text(text, nlp, title, Settings(extractor="rules"))
    with pytest.raises(FormatError, match="unknown extractor 'neural'; expected one of: learned, rules"):
        extract_text(text, nlp, title, Settings(extractor="neural"))


def test_the_extractor_is_part_of_the_fingerprint() -> None:
    assert extractor_fingerprint(Settings()) != extractor_fingerprint(Settings(extractor="learned"))


def test_a_build_extracts_with_the_extractor_it_is_given(tmp_path: Path, nlp: Any) -> None:
    inputs = write_papers(tmp_path / "papers.jsonl")
    papers = papers_of(inputs)
    model = shipped_model()
    assert model is not None
    want = {"rules": entities(extract_entities(papers, nlp)),
            "learned": entities(extract_entities(papers, nlp, decider=Decider(model)))}
    assert want["rules"] != want["learned"]  # else this corpus could not tell them apart
    for name in EXTRACTORS:
        out = tmp_path / name
        info = build(inputs, out, "--extractor", name)
        assert info["settings"]["extractor"] == name
        assert entities(load_state(out).extractions.values()) == want[name], name


def test_switching_the_extractor_extracts_every_paper_again(tmp_path: Path) -> None:
    inputs = write_papers(tmp_path / "papers.jsonl")
    out = tmp_path / "out"
    first = build(inputs, out)  # the default: the rules
    assert first["settings"]["extractor"] == "rules" and first["papers_extracted"] == len(ABSTRACTS)
    learned = build(inputs, out, "--extractor", "learned")
    assert learned["papers_extracted"] == len(ABSTRACTS)  # the same papers (unchanged), extracted again
    again = build(inputs, out, "--extractor", "learned")
    assert again["papers_extracted"] == 0
    back = build(inputs, out, "--extractor", "rules")
    assert back["papers_extracted"] == len(ABSTRACTS)


def test_kg_extract_takes_the_extractor(tmp_path: Path, nlp: Any) -> None:
    inputs = write_papers(tmp_path / "papers.jsonl")
    model = shipped_model()
    assert model is not None
    want = [json.dumps(pe.to_dict(), ensure_ascii=False)
            for pe in extract_entities(papers_of(inputs), nlp, decider=Decider(model))]
    code, err = run(["--no-progress", "extract", str(inputs), "-o", str(tmp_path / "x.jsonl"),
                     "--extractor", "learned", "--jobs", "1"])
    assert code == 0, err
    assert (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines() == want


def test_an_unknown_extractor_is_refused_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli.main import main

    with pytest.raises(SystemExit):
        main(["build", "examples", "--extractor", "neural"])
    assert "invalid choice: 'neural'" in capsys.readouterr().err


@pytest.mark.slow  # two builds of 132 papers with the learned decider
def test_the_learned_extractor_on_two_jobs_writes_the_graph_of_one(tmp_path: Path, nlp: Any) -> None:
    inputs = write_papers(tmp_path / "papers.jsonl", copies=33)  # enough for a pool of two
    for jobs in ("1", "2"):
        build(inputs, tmp_path / jobs, "--extractor", "learned", "--jobs", jobs)
    assert sorted_nquads(tmp_path / "1") == sorted_nquads(tmp_path / "2")
    two = load_state(tmp_path / "2").extractions
    assert two == load_state(tmp_path / "1").extractions
    model = shipped_model()
    assert model is not None
    assert entities(two.values()) == entities(extract_entities(papers_of(inputs), nlp,
                                                               decider=Decider(model)))
