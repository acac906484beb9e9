"""``kg build --scheduler``: extraction on a real Dask cluster on loopback, and its faults.

The clusters are real: a ``distributed.LocalCluster`` of two worker processes, and for the
fault tests ``dask scheduler`` and ``dask worker`` processes, one of which is killed with
SIGKILL in the middle of a partition (it waits there: ``KG_BUILD_PAUSE=dask:partition``).
Every cluster is stopped when its tests end.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from conftest import load_fixture_module
from distributed import Client, LocalCluster

from kg.build import build
from kg.build.distributed import PAUSE_POINT, extract_distributed
from kg.errors import KGError
from kg.extract import extract_entities
from kg.settings import Settings
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(__file__).parent / "fixtures" / "store"
DASK = Path(sys.executable).parent / "dask"  # the command the dask[distributed] extra installs
_corpus = load_fixture_module("jobs/corpus.py")
write_corpus, run, sorted_nquads = _corpus.write_corpus, _corpus.run, _corpus.sorted_nquads
NQUADS = Settings(exports=(("graph.nq", "nquads"),))


def free_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a LocalCluster of two worker processes on loopback, one thread each."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c.scheduler_address


@pytest.fixture
def previous(tmp_path: Path, nlp: Any) -> Path:
    """An output directory holding a finished build of first.jsonl (two papers)."""
    out = tmp_path / "out"
    build([STORE / "first.jsonl"], out, NQUADS, progress=False, nlp=nlp)
    return out


# ---------------------------------------------------------------- the same graph

@pytest.mark.server
@pytest.mark.slow  # a cluster and two builds
def test_a_build_on_the_cluster_writes_the_graph_of_a_local_build(cluster: str, tmp_path: Path,
                                                                  nlp: Any) -> None:
    build([ROOT / "examples"], tmp_path / "local", progress=False, nlp=nlp)
    code, err = run(["--no-progress", "build", str(ROOT / "examples"), "-o", str(tmp_path / "dask"),
                     "--scheduler", cluster])
    assert code == 0, err
    assert sorted_nquads(tmp_path / "dask") == sorted_nquads(tmp_path / "local")
    assert (tmp_path / "dask" / "extractions.jsonl").read_bytes() == \
        (tmp_path / "local" / "extractions.jsonl").read_bytes()


@pytest.mark.server
@pytest.mark.slow  # a cluster
def test_each_worker_loads_the_pipeline_once(cluster: str, nlp: Any) -> None:
    papers = list(read_papers([ROOT / "examples"]))

    def loads() -> dict[str, tuple[int, int]]:
        def info() -> tuple[int, int]:
            from kg.build.distributed import _pipeline

            i = _pipeline.cache_info()
            return i.misses, i.hits

        with Client(cluster, set_as_default=False) as client:
            got: dict[str, tuple[int, int]] = client.run(info)
            return got

    before = loads()
    got = list(extract_distributed(papers, Settings(), cluster, chunk_size=3))  # 10 partitions
    after = loads()
    assert got == list(extract_entities(papers, nlp))
    assert len(after) == 2
    assert all(misses <= 1 for misses, _ in after.values())  # built once, then reused
    calls = sum(m + h for m, h in after.values()) - sum(m + h for m, h in before.values())
    assert calls >= 10  # a look-up per partition run (Dask may run one twice, never fewer)


# ---------------------------------------------------------------- no scheduler there

def test_an_unreachable_scheduler_is_one_line_naming_it_and_exit_code_2(previous: Path) -> None:
    before = (previous / "graph.nq").read_bytes()
    address = f"tcp://127.0.0.1:{free_port()}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, err = run(["--no-progress", "build", str(STORE / "second.jsonl"), "-o", str(previous),
                         "--scheduler", address])
    assert code == 2
    assert err == (f"kg build: error: cannot reach the Dask scheduler at {address} "
                   f"(Timed out trying to connect to {address} after 1 s)\n")
    assert (previous / "graph.nq").read_bytes() == before


@pytest.mark.parametrize(("address", "problem"), [
    ("bogus://127.0.0.1:1", "unknown scheme 'bogus'"),
    ("tcp://127.0.0.1", "missing port number"),
])
def test_a_bad_scheduler_address_is_refused(address: str, problem: str, tmp_path: Path) -> None:
    code, err = run(["--no-progress", "build", str(STORE / "first.jsonl"), "-o", str(tmp_path / "o"),
                     "--scheduler", address])
    assert code == 2
    assert err.startswith(f"kg build: error: bad Dask scheduler address '{address}'")
    assert problem in err and err.count("\n") == 1
    assert not (tmp_path / "o" / "graph.nq").exists()


# ---------------------------------------------------------------- a worker that dies

@contextlib.contextmanager
def dask_cluster(tmp_path: Path, scheduler_env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``dask scheduler`` and two ``dask worker`` processes on loopback: the address, and the
    worker that stops in its first partition (it prints that line on stderr) for the test to kill."""
    procs: list[subprocess.Popen[Any]] = []
    try:
        info = tmp_path / "scheduler.json"
        procs.append(subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)], env={**os.environ, **scheduler_env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 120
        while not info.exists() or not info.read_text():
            assert time.monotonic() < deadline and procs[0].poll() is None, "no scheduler"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        worker = [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                  "--host", "127.0.0.1"]
        paused = subprocess.Popen([*worker, "--name", "paused"], text=True, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE,
                                  env={**os.environ, "KG_BUILD_PAUSE": PAUSE_POINT,
                                       "KG_BUILD_PAUSE_SECONDS": "600"})
        procs.append(paused)
        procs.append(subprocess.Popen([*worker, "--name", "other"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        with Client(address, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, paused
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def kill_when_paused(worker: subprocess.Popen[str]) -> threading.Event:
    """Kill ``worker`` with SIGKILL once it waits in a partition; the event says it was."""
    killed = threading.Event()

    def watch() -> None:
        assert worker.stderr is not None
        for line in worker.stderr:
            if f"paused at {PAUSE_POINT}" in line:
                os.kill(worker.pid, signal.SIGKILL)
                killed.set()
                return

    threading.Thread(target=watch, daemon=True).start()
    return killed


@pytest.mark.server
@pytest.mark.slow  # a cluster of processes
def test_the_partition_of_a_killed_worker_is_computed_again_and_the_graph_is_whole(
        tmp_path: Path, nlp: Any) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", 130)  # 3 partitions: both workers get one
    with dask_cluster(tmp_path, {}) as (address, paused):
        killed = kill_when_paused(paused)
        s = build([corpus], tmp_path / "dask", NQUADS, progress=False, scheduler=address)
        assert killed.is_set() and paused.wait(10) == -signal.SIGKILL
    assert s.papers_extracted == s.papers == 130
    local = [pe.to_dict() for pe in extract_entities(read_papers([corpus]), nlp)]
    written = (tmp_path / "dask" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in written] == local  # every paper, as a local run has it


@pytest.mark.server
@pytest.mark.slow  # a cluster of processes
def test_a_worker_killed_with_no_retry_left_fails_the_build_and_keeps_the_previous_outputs(
        tmp_path: Path, previous: Path) -> None:
    before = (previous / "graph.nq").read_bytes()
    corpus = write_corpus(tmp_path / "papers.jsonl", 130)
    with dask_cluster(tmp_path, {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}) as (address, paused):
        killed = kill_when_paused(paused)
        code, err = run(["--no-progress", "build", str(corpus), "-o", str(previous),
                         "--scheduler", address])
        assert killed.is_set()
    assert code == 2
    assert err.startswith("kg build: error: the Dask workers computing partition ")
    assert "(1 worker died running it, the last at tcp://127.0.0.1:" in err
    assert err.endswith("the extraction stopped and nothing was written\n")
    assert err.count("\n") == 1
    assert (previous / "graph.nq").read_bytes() == before
    assert json.loads((previous / "build.json").read_text())["papers"] == 2
    assert not [p for p in previous.iterdir() if p.name.startswith(".staging-")]


def test_the_library_names_the_scheduler_it_cannot_reach() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            pytest.raises(KGError, match=f"cannot reach the Dask scheduler at {address}"):
        list(extract_distributed([], Settings(), address))
