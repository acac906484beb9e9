"""``--jobs N``: extraction on several processes gives exactly what one process gives.

The pool is real (kg.build.parallel forks worker processes); so is the fault: a worker
process is killed with SIGKILL while the extraction runs.
"""

import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import load_fixture_module

from kg.build import build
from kg.build.parallel import default_jobs, extract_parallel
from kg.cli.main import main, make_parser
from kg.errors import KGError
from kg.extract import extract_entities
from kg.records import Paper
from kg.settings import Settings
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(__file__).parent / "fixtures" / "store"
_corpus = load_fixture_module("jobs/corpus.py")
write_corpus, run, sorted_nquads = _corpus.write_corpus, _corpus.run, _corpus.sorted_nquads


@pytest.fixture(scope="module")
def examples_papers() -> list[Paper]:
    return list(read_papers([ROOT / "examples"]))


def lines(extractions: Any) -> list[str]:
    return [json.dumps(pe.to_dict(), ensure_ascii=False) for pe in extractions]


# ---------------------------------------------------------------- the same result

def test_two_workers_extract_exactly_what_one_process_does(examples_papers: list[Paper],
                                                           nlp: Any) -> None:
    one = lines(extract_entities(examples_papers, nlp))
    stream = extract_parallel(examples_papers, Settings(), jobs=2, nlp=nlp, chunk_size=4,
                              min_papers=0)
    first = next(stream)
    workers = multiprocessing.active_children()  # the pool is up while it runs
    two = [json.dumps(first.to_dict(), ensure_ascii=False), *lines(stream)]
    assert len(workers) == 2
    assert two == one
    assert not multiprocessing.active_children()  # and gone once it is done


@pytest.mark.slow  # two kg extract runs, each loading the pipeline
def test_kg_extract_with_two_jobs_writes_the_bytes_of_one_job(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", 90)  # more than one chunk per worker
    for jobs in ("1", "2"):
        code, err = run(["--no-progress", "extract", str(corpus), "-o", str(tmp_path / f"{jobs}.jsonl"),
                         "--jobs", jobs])
        assert code == 0, err
    one = (tmp_path / "1.jsonl").read_bytes()
    assert one.count(b"\n") == 90
    assert (tmp_path / "2.jsonl").read_bytes() == one


@pytest.mark.slow  # two builds of 90 papers
def test_kg_build_with_two_jobs_writes_the_graph_of_one_job(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", 90)
    for jobs in ("1", "2"):
        code, err = run(["--no-progress", "build", str(corpus), "-o", str(tmp_path / jobs),
                         "--jobs", jobs])
        assert code == 0, err
    assert sorted_nquads(tmp_path / "2") == sorted_nquads(tmp_path / "1")
    assert (tmp_path / "2" / "extractions.jsonl").read_bytes() == \
        (tmp_path / "1" / "extractions.jsonl").read_bytes()


def test_build_takes_its_number_of_processes_from_the_settings(tmp_path: Path, nlp: Any) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", 70)
    settings = Settings(n_process=2, exports=(("graph.nq", "nquads"),))
    one = build([corpus], tmp_path / "one", settings.with_(n_process=1), progress=False, nlp=nlp)
    s = build([corpus], tmp_path / "out", settings, progress=False, nlp=nlp)
    assert s.papers_extracted == one.papers_extracted == 70
    assert sorted_nquads(tmp_path / "out") == sorted_nquads(tmp_path / "one")
    recorded = json.loads((tmp_path / "out" / "build.json").read_text())["settings"]
    assert "n_process" not in recorded  # how a build ran, not what it built


# ---------------------------------------------------------------- what crosses processes

def test_extract_entities_with_n_process_says_what_to_use_instead(examples_papers: list[Paper],
                                                                   nlp: Any) -> None:
    # spaCy's n_process failed with "can not serialize 'AcronymPair' object"
    with pytest.raises(KGError, match="n_process=4: kg.build.parallel.extract_parallel"):
        list(extract_entities(examples_papers, nlp, Settings(n_process=4)))


def test_what_goes_to_a_worker_and_back_pickles(examples_papers: list[Paper], nlp: Any) -> None:
    out = list(extract_entities(examples_papers, nlp))
    assert pickle.loads(pickle.dumps(examples_papers)) == examples_papers
    assert pickle.loads(pickle.dumps(out)) == out
    assert pickle.loads(pickle.dumps(Settings(n_process=2))) == Settings(n_process=2)


# ---------------------------------------------------------------- the option

def test_jobs_default_to_the_cores_this_process_may_use() -> None:
    from kg.cli.args import jobs

    args = make_parser().parse_args(["build", "x"])
    assert jobs(args) == default_jobs() == len(os.sched_getaffinity(0))
    assert jobs(make_parser().parse_args(["extract", "x", "--jobs", "3"])) == 3


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_a_bad_number_of_jobs_is_refused(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["build", "examples", "--jobs", bad])
    assert e.value.code == 2
    assert f"invalid number of jobs '{bad}': expected 1 or more" in capsys.readouterr().err


def test_zero_jobs_is_refused_by_the_library_too(examples_papers: list[Paper]) -> None:
    with pytest.raises(KGError, match="bad number of jobs 0"):
        list(extract_parallel(examples_papers, jobs=0))


# ---------------------------------------------------------------- a worker that dies

def test_a_killed_worker_stops_the_extraction_with_a_clear_error(examples_papers: list[Paper],
                                                                 nlp: Any) -> None:
    stream = extract_parallel(examples_papers, Settings(), jobs=2, nlp=nlp, chunk_size=3,
                              min_papers=0)
    next(stream)
    victim = multiprocessing.active_children()[0]
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(10)
    with pytest.raises(KGError, match="an extraction worker process died"):
        list(stream)
    assert not multiprocessing.active_children()  # the other worker is stopped too


def paused_build(tmp_path: Path, seconds: float) -> tuple[Path, bytes, subprocess.Popen[str], list[Any]]:
    """A finished build of first.jsonl, then a `kg build --jobs 2` of 640 papers into it paused
    after its first paper: the output directory, its graph.nq, the process and its workers."""
    import psutil

    out = tmp_path / "out"
    build([STORE / "first.jsonl"], out, progress=False)
    corpus = write_corpus(tmp_path / "papers.jsonl", 640)  # 10 chunks: some wait for a worker
    env = {**os.environ, "KG_BUILD_PAUSE": "extract", "KG_BUILD_PAUSE_SECONDS": str(seconds)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--no-progress", "build", str(corpus),
                             "-o", str(out), "--jobs", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the first paper is extracted, the others are not
    assert "paused at extract" in line, line + proc.stderr.read()
    workers = psutil.Process(proc.pid).children()
    assert len(workers) == 2
    return out, (out / "graph.nq").read_bytes(), proc, workers


def assert_gone(workers: list[Any]) -> None:
    import psutil

    deadline = time.monotonic() + 30
    while any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers):
        assert time.monotonic() < deadline, "a worker outlived its build"
        time.sleep(0.1)


@pytest.mark.slow  # a build process of 640 papers
def test_a_build_whose_worker_is_killed_fails_and_keeps_the_previous_outputs(tmp_path: Path) -> None:
    out, before, proc, workers = paused_build(tmp_path, seconds=2)
    workers[0].kill()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    assert err == ("kg build: error: an extraction worker process died (killed, or out of memory); "
                   "the extraction stopped and nothing was written\n")
    assert (out / "graph.nq").read_bytes() == before  # the previous build, whole
    assert json.loads((out / "build.json").read_text())["papers"] == 2
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    assert_gone(workers)


@pytest.mark.slow  # a build process of 640 papers
def test_sigterm_during_a_parallel_extraction_stops_the_workers_too(tmp_path: Path) -> None:
    out, before, proc, workers = paused_build(tmp_path, seconds=30)
    proc.terminate()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 143 and err.startswith("kg build: terminated by SIGTERM")
    assert (out / "graph.nq").read_bytes() == before
    assert_gone(workers)
