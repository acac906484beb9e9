"""kg build: incremental, idempotent, safe against interruption and a second build."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kg.build import build, load_corpus
from kg.build.state import load_state, settings_from_info
from kg.build.swap import build_lock
from kg.cli.main import main
from kg.errors import KGError, StoreError
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, query_output, store_path

KG = "https://w3id.org/kg/vocab#"

# a corpus of three papers links only with looser linking than the default
LINKING = Settings(link_max_df=1.0, link_min_weight=0.1)


@pytest.fixture
def inputs(fixtures: Path) -> Path:
    return fixtures / "store"


def store_dump(out: Path) -> bytes:
    store = open_store(store_path(out), read_only=True)
    try:
        return dump_nquads(store)
    finally:
        del store


def support(out: Path, name: str) -> int | None:
    r = query_output(out, f"""PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n ?name WHERE {{ ?e skos:prefLabel ?name ; kg:support ?n }}""",
                     substitutions={"name": name})
    return r.rows[0][0] if r.rows else None


def n_links(out: Path) -> int:
    r = query_output(out, f"PREFIX kg: <{KG}> SELECT (COUNT(*) AS ?n) WHERE {{ ?l a kg:PaperLink }}")
    return r.rows[0][0]


def test_build_writes_state_store_exports_and_summary(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = build([inputs / "first.jsonl"], out, Settings(), progress=False, nlp=nlp)
    assert (s.papers, s.papers_new, s.papers_extracted) == (2, 2, 2)
    assert s.triples > 0 and sum(s.entities.values()) > 0
    assert [json.loads(x)["id"] for x in (out / "papers.jsonl").read_text().splitlines()] == \
        ["arxiv:2401.00001", "arxiv:2401.00002"]
    for name in ("extractions.jsonl", "graph.ttl", "void.ttl", "tables/papers.csv"):
        assert (out / name).stat().st_size > 0, name
    info = json.loads((out / "build.json").read_text())
    assert info["triples"] == s.triples == len(store_dump(out).splitlines())
    assert {"kg", "spacy", "rdflib", "pyoxigraph", "networkx"} <= set(info["versions"])
    assert {"read", "extract", "resolve", "store", "export"} <= set(info["timings"])
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_same_inputs_again_change_nothing(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    before = (store_dump(out), (out / "papers.jsonl").read_bytes(), (out / "extractions.jsonl").read_bytes())
    s = build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    assert (s.papers, s.papers_new, s.papers_unchanged, s.papers_extracted) == (2, 0, 2, 0)
    after = (store_dump(out), (out / "papers.jsonl").read_bytes(), (out / "extractions.jsonl").read_bytes())
    assert after == before
    # one store directory: the previous one was removed after the swap
    assert len([p for p in out.iterdir() if p.name.startswith(".gen-")]) == 1


def test_new_input_adds_papers_and_updates_support_and_links(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, LINKING, progress=False, nlp=nlp)
    support_before, links_before = support(out, "LLaVA-1.5"), n_links(out)
    s = build([inputs / "second.jsonl"], out, LINKING, progress=False, nlp=nlp)
    assert (s.papers, s.papers_new, s.papers_kept, s.papers_extracted) == (3, 1, 2, 1)
    assert support_before == 2 and support(out, "LLaVA-1.5") == 3
    assert links_before == 0 and n_links(out) > 0  # the new paper shares LoRA and MMLU
    # the same corpus built in one go gives the same store
    once = tmp_path / "once"
    build([inputs / "first.jsonl", inputs / "second.jsonl"], once, LINKING, progress=False, nlp=nlp)
    assert store_dump(once) == store_dump(out)


def test_changed_paper_is_replaced_not_duplicated(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    s = build([inputs / "changed.jsonl"], out, progress=False, nlp=nlp)
    assert (s.papers, s.papers_updated, s.papers_extracted) == (2, 1, 1)
    r = query_output(out, """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?a WHERE { ?p dcterms:identifier "arxiv:2401.00002" ; dcterms:abstract ?a }""")
    assert [row[0] for row in r.rows] == ["We fine-tune LLaVA-1.5 with QLoRA and report results on GSM8K."]
    assert support(out, "MMLU") is None  # only the old text of that paper named it


def test_failed_stage_leaves_previous_outputs_usable(nlp: Any, inputs: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    before = (store_dump(out), (out / "papers.jsonl").read_bytes())

    def failing_export(*args: object, **kw: object) -> list[str]:
        raise OSError(28, "No space left on device")  # fault injection: the export stage fails

    monkeypatch.setattr("kg.build.run.export_all", failing_export)
    with pytest.raises(OSError):
        build([inputs / "second.jsonl"], out, progress=False, nlp=nlp)
    assert (store_dump(out), (out / "papers.jsonl").read_bytes()) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    monkeypatch.undo()
    assert build([inputs / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3


@pytest.mark.slow  # a second Python process
def test_killed_build_leaves_previous_outputs_usable(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    before = store_dump(out)
    script = textwrap.dedent(f"""
        import os, signal, kg.build.run
        real = kg.build.run.load_store
        def dying(*a, **kw):
            real(*a, **kw)  # the new store is written, then the process dies before the swap
            os.kill(os.getpid(), signal.SIGKILL)
        kg.build.run.load_store = dying
        kg.build.run.build([{str(inputs / 'second.jsonl')!r}], {str(out)!r}, progress=False)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    assert [p for p in out.iterdir() if p.name.startswith(".staging-")]  # it did die mid-build
    assert store_dump(out) == before
    assert len(load_corpus(out).papers) == 2
    s = build([inputs / "second.jsonl"], out, progress=False, nlp=nlp)  # the lock died with it
    assert s.papers == 3
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_locked_output_dir_fails_and_keeps_store(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)
    before = store_dump(out)
    with build_lock(out):
        with pytest.raises(StoreError, match=rf"store .*store is locked by build pid {os.getpid()} since "):
            build([inputs / "second.jsonl"], out, progress=False, nlp=nlp)
    assert store_dump(out) == before
    assert build([inputs / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3


@pytest.mark.slow  # a second Python process
def test_lock_held_by_another_process(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import sys, kg.build.swap\nwith kg.build.swap.build_lock({str(out)!r}):\n"
         "    print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code = main(["build", str(inputs / "first.jsonl"), "-o", str(out)])
        assert code == 2
        assert not (out / "papers.jsonl").exists()
    finally:
        holder.communicate("")
    assert main(["build", str(inputs / "first.jsonl"), "-o", str(out)]) == 0


def test_load_corpus_matches_state(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs / "first.jsonl", inputs / "second.jsonl"], out, LINKING, progress=False, nlp=nlp)
    corpus = load_corpus(out)  # with the linking settings recorded in build.json
    assert sorted(corpus.papers) == sorted(load_state(out).papers)
    assert corpus.entities and corpus.links
    with pytest.raises(StoreError, match="no build in"):
        load_corpus(tmp_path / "nowhere")


def test_skip_bad_counts_skipped_records(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    errors: list[object] = []
    s = build([inputs / "bad.jsonl"], out, Settings(skip_bad=True), progress=False, on_error=errors.append,
              nlp=nlp)
    assert (s.papers, s.skipped, len(errors)) == (1, 1, 1)
    assert main(["build", str(inputs / "bad.jsonl"), "-o", str(tmp_path / "strict")]) == 2


@pytest.mark.slow  # the CLI builds its own pipeline, twice
def test_cli_build_prints_summary(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["--no-progress", "build", str(inputs / "first.jsonl"), "-o", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["papers"] == 2 and summary["triples"] > 0
    assert main(["build", str(inputs / "second.jsonl"), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "papers" in text and "3" in text and str(out) in text


def test_exports_setting_says_what_a_build_writes(nlp: Any, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = Settings(exports=(("graph.nt", "ntriples"), ("tables", "parquet")))
    s = build([inputs / "first.jsonl"], out, settings, progress=False, nlp=nlp)
    assert "graph.nt" in s.outputs and "tables/" in s.outputs
    assert not {"graph.ttl", "graph.nq", "graph.graphml", "graph.html"} & set(s.outputs)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        name.rstrip("/") for name in s.outputs)
    assert (out / "tables" / "papers.parquet").stat().st_size > 0
    triples = (out / "graph.nt").read_text().splitlines()
    assert triples and all(t.endswith(" .") and "> <" in t for t in triples)
    # the record in build.json gives back the settings the build ran with (JSON has no tuples)
    info = load_state(out, strict=True).info
    assert settings_from_info(info) == settings.with_(progress=True)
    assert load_corpus(out).settings.exports == settings.exports


@pytest.mark.parametrize("exports, message", [
    ((("graph.x", "ttl2"),), "unknown export format 'ttl2'; expected one of: csv, "),
    ((("papers.jsonl", "jsonl"),), "bad export name 'papers.jsonl'"),
    ((("../graph.ttl", "turtle"),), "bad export name '../graph.ttl'"),
    ((("g.ttl", "turtle"), ("g.ttl", "nt")), "export name 'g.ttl' appears twice"),
    ((("g.ttl",),), "bad export ('g.ttl',)"),
])
def test_bad_exports_setting_fails_before_anything_is_written(
        inputs: Path, tmp_path: Path, exports: Any, message: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(KGError, match=re.escape(message)):
        build([inputs / "first.jsonl"], out, Settings(exports=exports), progress=False)
    assert not out.exists()


def test_pipeline_is_built_only_when_a_paper_needs_extracting(
        nlp: Any, inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pipeline(*args: object, **kw: object) -> None:
        raise AssertionError("build_nlp was called")

    out = tmp_path / "out"
    monkeypatch.setattr("kg.extract.build_nlp", no_pipeline)
    s = build([inputs / "first.jsonl"], out, progress=False, nlp=nlp)  # the one given is used
    assert s.papers_extracted == 2
    s = build([inputs / "first.jsonl"], out, progress=False)  # nothing to extract: none is made
    assert (s.papers_unchanged, s.papers_extracted) == (2, 0)
    with pytest.raises(AssertionError, match="build_nlp was called"):
        build([inputs / "second.jsonl"], out, progress=False)


def test_void_is_byte_reproducible(nlp: Any, inputs: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # it held the build time, and its partitions came in the random order of their blank nodes
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = [inputs / "first.jsonl", inputs / "second.jsonl"]
    build(files, tmp_path / "a", LINKING, progress=False, nlp=nlp)
    build(files, tmp_path / "b", LINKING, progress=False, nlp=nlp)
    void = (tmp_path / "a" / "void.ttl").read_bytes()
    assert void == (tmp_path / "b" / "void.ttl").read_bytes()
    assert b"dcterms:created" not in void  # no time given: none written (build.json has the timings)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714557600")  # as reproducible builds set it
    build(files, tmp_path / "c", LINKING, progress=False, nlp=nlp)
    dated = (tmp_path / "c" / "void.ttl").read_text()
    assert 'dcterms:created "2024-05-01T10:00:00+00:00"^^xsd:dateTime' in dated
    assert dated.replace('    dcterms:created "2024-05-01T10:00:00+00:00"^^xsd:dateTime ;\n', "") == void.decode()
